//! The workbook as every stage after reading sees it: a `Book` of `Sheet`s,
//! each a small sparse grid of `Cell`s, with the file's `Format` and
//! `FileInfo` (size, SHA-256, modification time). `read` builds it; nothing
//! else touches calamine.

use std::collections::BTreeMap;
use std::time::SystemTime;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Format {
    Xlsx,
    Xlsm,
    Xlsb,
    Xls,
    Ods,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsm => "xlsm",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
        }
    }
}

/// One cell as the rest of the pipeline sees it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Cell {
    Empty,
    Number(f64),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
    /// An Excel error value such as "#DIV/0!".
    Error(String),
    /// A formula with no stored result; holds the formula text.
    Uncached(String),
}

impl Cell {
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => crate::model::text::clean(t).is_empty(),
            _ => false,
        }
    }

    /// What the cell shows, for messages and for label matching.
    pub fn as_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Number(n) => crate::model::values::format_number(*n),
            Cell::Text(t) => t.clone(),
            Cell::Bool(true) => "TRUE".into(),
            Cell::Bool(false) => "FALSE".into(),
            Cell::Date(d) => crate::model::values::date_dmy(*d),
            Cell::Error(e) => e.clone(),
            Cell::Uncached(f) => format!("={f}"),
        }
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(into = "SheetWire", from = "SheetWire")]
pub struct Sheet {
    pub name: String,
    pub hidden: bool,
    /// The non-empty cells in (row, column) order, each position once: a
    /// list sheet holds millions, and a sorted vector costs its cells and
    /// nothing more (a map's nodes took twice that), found by binary search.
    cells: Vec<((u32, u32), Cell)>,
    /// Font names of non-ASCII text cells set in a legacy Vietnamese font
    /// (".VnTime", "VNI-Times"), where the format lets us see them (xlsx,
    /// xls).
    pub legacy_fonts: BTreeMap<(u32, u32), String>,
    /// The file's font records named legacy fonts for cells, but could not
    /// be matched to this sheet (an .xls whose records disagree with the
    /// sheets calamine reads): its encoding is only guessed from its text.
    pub fonts_unmatched: bool,
}

/// How a sheet crosses the process boundary of the isolated reader.
#[derive(serde::Serialize, serde::Deserialize)]
struct SheetWire {
    name: String,
    hidden: bool,
    cells: Vec<(u32, u32, Cell)>,
    legacy_fonts: Vec<(u32, u32, String)>,
    fonts_unmatched: bool,
}

impl From<Sheet> for SheetWire {
    fn from(s: Sheet) -> Self {
        SheetWire {
            name: s.name,
            hidden: s.hidden,
            cells: s
                .cells
                .into_iter()
                .map(|((r, c), cell)| (r, c, cell))
                .collect(),
            legacy_fonts: s
                .legacy_fonts
                .into_iter()
                .map(|((r, c), f)| (r, c, f))
                .collect(),
            fonts_unmatched: s.fonts_unmatched,
        }
    }
}

impl From<SheetWire> for Sheet {
    fn from(w: SheetWire) -> Self {
        let cells = w
            .cells
            .into_iter()
            .map(|(r, c, cell)| ((r, c), cell))
            .collect();
        let mut sheet = Sheet::from_cells(&w.name, w.hidden, cells);
        sheet.legacy_fonts = w
            .legacy_fonts
            .into_iter()
            .map(|(r, c, f)| ((r, c), f))
            .collect();
        sheet.fonts_unmatched = w.fonts_unmatched;
        sheet
    }
}

impl Sheet {
    pub fn new(name: &str, hidden: bool) -> Self {
        Sheet {
            name: name.to_string(),
            hidden,
            ..Default::default()
        }
    }

    /// A sheet of cells in any order, as `set` one by one would make it
    /// (empty cells are not kept; of two at one position the later wins),
    /// without `set`'s cost of inserting out of order.
    pub fn from_cells(name: &str, hidden: bool, mut cells: Vec<((u32, u32), Cell)>) -> Self {
        cells.retain(|(_, cell)| *cell != Cell::Empty);
        if !cells.is_sorted_by(|a, b| a.0 < b.0) {
            // Stable: of equal positions the later stays last.
            cells.sort_by_key(|(pos, _)| *pos);
            let mut kept: Vec<((u32, u32), Cell)> = Vec::with_capacity(cells.len());
            for (pos, cell) in cells {
                match kept.last_mut() {
                    Some(last) if last.0 == pos => last.1 = cell,
                    _ => kept.push((pos, cell)),
                }
            }
            cells = kept;
        }
        cells.shrink_to_fit();
        Sheet {
            cells,
            ..Sheet::new(name, hidden)
        }
    }

    fn find(&self, pos: (u32, u32)) -> Result<usize, usize> {
        self.cells.binary_search_by(|(p, _)| p.cmp(&pos))
    }

    pub fn set(&mut self, row: u32, col: u32, cell: Cell) {
        if cell == Cell::Empty {
            return;
        }
        let pos = (row, col);
        if self.cells.last().is_none_or(|(last, _)| *last < pos) {
            self.cells.push((pos, cell));
            return;
        }
        match self.find(pos) {
            Ok(i) => self.cells[i].1 = cell,
            Err(i) => self.cells.insert(i, (pos, cell)),
        }
    }

    pub fn get(&self, row: u32, col: u32) -> &Cell {
        match self.find((row, col)) {
            Ok(i) => &self.cells[i].1,
            Err(_) => &Cell::Empty,
        }
    }

    /// The non-empty cells of one row, in column order.
    pub fn row(&self, row: u32) -> impl Iterator<Item = (u32, &Cell)> {
        let start = self.cells.partition_point(|(p, _)| p.0 < row);
        let end = start + self.cells[start..].partition_point(|(p, _)| p.0 == row);
        self.cells[start..end]
            .iter()
            .map(|((_, c), cell)| (*c, cell))
    }

    pub fn row_is_blank(&self, row: u32) -> bool {
        self.row(row).all(|(_, c)| c.is_blank())
    }

    /// One past the last row holding a cell.
    pub fn row_end(&self) -> u32 {
        self.cells.last().map_or(0, |((r, _), _)| r + 1)
    }

    /// Every stored cell with its position, row by row.
    pub fn cells(&self) -> impl Iterator<Item = ((u32, u32), &Cell)> {
        self.cells.iter().map(|(pos, cell)| (*pos, cell))
    }

    /// Every text cell with its position.
    pub fn text_cells(&self) -> impl Iterator<Item = ((u32, u32), &str)> {
        self.cells.iter().filter_map(|(pos, c)| match c {
            Cell::Text(t) => Some((*pos, t.as_str())),
            _ => None,
        })
    }

    /// Replaces one cell's text.
    pub fn set_text(&mut self, pos: (u32, u32), text: String) {
        if let Ok(i) = self.find(pos)
            && let Cell::Text(t) = &mut self.cells[i].1
        {
            *t = text;
        }
    }

    /// Every text cell's content.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.cells.iter().filter_map(|(_, c)| match c {
            Cell::Text(t) => Some(t.as_str()),
            _ => None,
        })
    }

    /// Replaces text cells for which `f` returns a new text.
    pub fn map_text(&mut self, f: impl Fn(&str) -> Option<String>) {
        for (_, cell) in &mut self.cells {
            if let Cell::Text(t) = cell
                && let Some(new) = f(t)
            {
                *t = new;
            }
        }
    }
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Book {
    pub format: Format,
    pub sheets: Vec<Sheet>,
}

/// What we know of a file before and regardless of parsing it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct FileInfo {
    pub size: u64,
    pub sha256: String,
    pub modified: Option<SystemTime>,
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Cell {
        Cell::Text(t.into())
    }

    #[test]
    fn cells_in_any_order_make_the_sheet_set_would() {
        let written = [
            ((2, 3), Cell::Number(1.0)),
            ((0, 0), text("a")),
            ((2, 1), text("b")),
            ((0, 0), text("c")),
            ((1, 5), Cell::Empty),
            ((2, 1), Cell::Empty),
        ];
        let mut one_by_one = Sheet::new("x", false);
        for ((r, c), cell) in written.iter().cloned() {
            one_by_one.set(r, c, cell);
        }
        let at_once = Sheet::from_cells("x", false, written.to_vec());
        let all = |s: &Sheet| s.cells().map(|(p, c)| (p, c.clone())).collect::<Vec<_>>();
        assert_eq!(all(&at_once), all(&one_by_one));
        // The later of two cells at one position wins; an empty one is no cell.
        assert_eq!(
            all(&at_once),
            vec![
                ((0, 0), text("c")),
                ((2, 1), text("b")),
                ((2, 3), Cell::Number(1.0))
            ]
        );
        assert_eq!(at_once.get(1, 5), &Cell::Empty);
        assert_eq!(at_once.row(2).map(|(c, _)| c).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(at_once.row(1).count(), 0);
        assert_eq!(at_once.row_end(), 3);
    }

    #[test]
    fn a_sheet_crosses_the_process_boundary_whole() {
        let mut s = Sheet::from_cells(
            "Biểu 02",
            true,
            vec![((4, 1), text("x")), ((0, 2), Cell::Bool(true))],
        );
        s.legacy_fonts.insert((4, 1), ".VnTime".into());
        let back: Sheet = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back.cells().count(), 2);
        assert_eq!(back.get(4, 1), &text("x"));
        assert_eq!(back.legacy_fonts, s.legacy_fonts);
        assert!(back.hidden);
    }
}
