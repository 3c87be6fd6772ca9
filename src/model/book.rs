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
            Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
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
    cells: BTreeMap<(u32, u32), Cell>,
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
        Sheet {
            name: w.name,
            hidden: w.hidden,
            cells: w
                .cells
                .into_iter()
                .map(|(r, c, cell)| ((r, c), cell))
                .collect(),
            legacy_fonts: w
                .legacy_fonts
                .into_iter()
                .map(|(r, c, f)| ((r, c), f))
                .collect(),
            fonts_unmatched: w.fonts_unmatched,
        }
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

    pub fn set(&mut self, row: u32, col: u32, cell: Cell) {
        if cell != Cell::Empty {
            self.cells.insert((row, col), cell);
        }
    }

    pub fn get(&self, row: u32, col: u32) -> &Cell {
        self.cells.get(&(row, col)).unwrap_or(&Cell::Empty)
    }

    /// The non-empty cells of one row, in column order.
    pub fn row(&self, row: u32) -> impl Iterator<Item = (u32, &Cell)> {
        self.cells
            .range((row, 0)..=(row, u32::MAX))
            .map(|((_, c), cell)| (*c, cell))
    }

    pub fn row_is_blank(&self, row: u32) -> bool {
        self.row(row).all(|(_, c)| c.is_blank())
    }

    /// One past the last row holding a cell.
    pub fn row_end(&self) -> u32 {
        self.cells.keys().next_back().map_or(0, |(r, _)| r + 1)
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
        if let Some(Cell::Text(t)) = self.cells.get_mut(&pos) {
            *t = text;
        }
    }

    /// Every text cell's content.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.cells.values().filter_map(|c| match c {
            Cell::Text(t) => Some(t.as_str()),
            _ => None,
        })
    }

    /// Replaces text cells for which `f` returns a new text.
    pub fn map_text(&mut self, f: impl Fn(&str) -> Option<String>) {
        for cell in self.cells.values_mut() {
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
