//! The readers: calamine's xlsx (streamed cell by cell), xls, xlsb and ods
//! readers, each turning every sheet into a `model::book::Sheet` within the
//! cell limit, with the legacy fonts of text cells where the format shows
//! them.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Ods, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx};
use chrono::NaiveDate;

use crate::model::book::{Book, Cell, Format, Sheet};
use crate::model::finding::{Code, Finding};
use crate::model::messages;
use crate::read::biff::xls_probe;
use crate::read::guard::Budget;
use crate::read::ingest::{Limits, encrypted, unreadable};

/// A cell with its (row, column), as a sheet is made from.
type PlacedCell = ((u32, u32), Cell);

pub(super) fn convert(data: &Data) -> Cell {
    match data {
        Data::Int(i) => Cell::Number(*i as f64),
        // NaN and infinities are not numbers a form can hold.
        Data::Float(f) if !f.is_finite() => Cell::Error("#NUM!".into()),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => text_cell(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
                .map_or(Cell::Number(dt.as_f64()), Cell::Date)
        }
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::DateTimeIso(s) => iso_date(s).map_or_else(|| Cell::Text(s.clone()), Cell::Date),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}

/// A text cell. C1 control characters are the Windows-1252 bytes an old
/// writer stored as Latin-1: they become the characters they stand for.
pub(super) fn text_cell(text: String) -> Cell {
    Cell::Text(crate::read::legacy::c1_to_cp1252(&text).unwrap_or(text))
}

pub(super) fn convert_ref(data: DataRef<'_>) -> Cell {
    match data {
        DataRef::SharedString(s) => text_cell(s.to_string()),
        DataRef::Int(i) => convert(&Data::Int(i)),
        DataRef::Float(f) => convert(&Data::Float(f)),
        DataRef::String(s) => text_cell(s),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(dt) => convert(&Data::DateTime(dt)),
        DataRef::DateTimeIso(s) => convert(&Data::DateTimeIso(s)),
        DataRef::DurationIso(s) => Cell::Text(s),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

pub(super) fn iso_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

pub(super) fn is_hidden(visible: SheetVisible) -> bool {
    !matches!(visible, SheetVisible::Visible)
}

pub(super) fn too_many_cells(sheet: &str, limit: u64) -> Finding {
    Finding::new(
        Code::FileTooLarge,
        messages::file_too_large_cells(sheet, limit),
    )
}

/// What a kept cell costs in memory, for the in-process budget: its slot
/// (twice, as the vector grows) and its text's heap block.
fn held(cell: &Cell) -> u64 {
    let slot = 2 * std::mem::size_of::<((u32, u32), Cell)>() as u64;
    match cell {
        Cell::Text(t) | Cell::Error(t) | Cell::Uncached(t) => slot + t.capacity() as u64 + 16,
        _ => slot,
    }
}

/// Reads an .xlsx/.xlsm, streaming each sheet cell by cell. In process, the
/// cells kept and the time taken are charged to `budget`: when it trips,
/// reading stops (and the caller hands the file to the child reader).
pub(super) fn read_xlsx(
    bytes: Vec<u8>,
    limits: &Limits,
    format: Format,
    budget: &mut Budget,
) -> Result<Book, Finding> {
    let mut wb = Xlsx::new(budget.reader(bytes)).map_err(xlsx_error)?;
    let metas: Vec<_> = wb.sheets_metadata().to_vec();
    let mut sheets = Vec::new();
    for meta in metas.iter().filter(|m| m.typ == SheetType::WorkSheet) {
        let cells = xlsx_cells(&mut wb, &meta.name, limits, budget)?;
        let mut sheet = Sheet::from_cells(&meta.name, is_hidden(meta.visible), cells);
        sheet.legacy_fonts = legacy_fonts(&mut wb, &sheet);
        let fonts: u64 = sheet
            .legacy_fonts
            .values()
            .map(|f| 64 + f.len() as u64)
            .sum();
        if !budget.take(fonts + meta.name.len() as u64 + 256) {
            return Err(over_budget());
        }
        sheets.push(sheet);
    }
    Ok(Book { format, sheets })
}

/// One sheet's non-empty cells, in the order the file holds them.
fn xlsx_cells<RS: Read + std::io::Seek>(
    wb: &mut Xlsx<RS>,
    name: &str,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<Vec<PlacedCell>, Finding> {
    let mut reader = wb.worksheet_cells_reader(name).map_err(xlsx_error)?;
    let mut cells = Vec::new();
    let mut count: u64 = 0;
    while let Some(cell) = reader.next_cell_with_formula().map_err(xlsx_error)? {
        count += 1;
        if count > limits.max_cells_per_sheet {
            return Err(too_many_cells(name, limits.max_cells_per_sheet));
        }
        let value = match (convert_ref(cell.value), cell.formula) {
            (Cell::Empty, Some(f)) if !f.is_empty() => Cell::Uncached(f),
            (value, _) => value,
        };
        if value == Cell::Empty {
            continue;
        }
        if !budget.take(held(&value)) {
            return Err(over_budget());
        }
        cells.push((cell.pos, value));
    }
    Ok(cells)
}

/// What a read stopped by its budget returns; the caller sees the budget
/// tripped and does not report it.
fn over_budget() -> Finding {
    unreadable("over the in-process reading budget")
}

/// Which non-ASCII text cells are set in a legacy Vietnamese font. Styles
/// are only read when the sheet has such text at all.
pub(super) fn legacy_fonts<RS: Read + std::io::Seek>(
    wb: &mut Xlsx<RS>,
    sheet: &Sheet,
) -> BTreeMap<(u32, u32), String> {
    // A sheet typed in a legacy font always shows some tell-tale character
    // (labels, names); a Unicode sheet's styles need not be read at all.
    if !sheet.texts().any(crate::read::legacy::may_be_legacy) {
        return BTreeMap::new();
    }
    let candidates: Vec<(u32, u32)> = sheet
        .text_cells()
        .filter(|(_, t)| worth_decoding(t))
        .map(|(p, _)| p)
        .collect();
    if candidates.is_empty() {
        return BTreeMap::new();
    }
    let Ok(styles) = wb.worksheet_style(&sheet.name) else {
        return BTreeMap::new();
    };
    candidates
        .into_iter()
        .filter_map(|pos| {
            let name = styles.get(pos)?.font.as_ref()?.name.clone()?;
            crate::read::legacy::font_encoding(&name).map(|_| (pos, name))
        })
        .collect()
}

/// A dense range's non-empty cells, within the cell limit.
pub(super) fn range_cells(
    name: &str,
    range: &calamine::Range<Data>,
    limits: &Limits,
) -> Result<Vec<PlacedCell>, Finding> {
    let start = range.start().unwrap_or((0, 0));
    let mut cells = Vec::new();
    let mut count: u64 = 0;
    for (row, col, data) in range.used_cells() {
        count += 1;
        if count > limits.max_cells_per_sheet {
            return Err(too_many_cells(name, limits.max_cells_per_sheet));
        }
        cells.push(((start.0 + row as u32, start.1 + col as u32), convert(data)));
    }
    Ok(cells)
}

pub(super) fn read_xls(bytes: Vec<u8>, limits: &Limits) -> Result<Book, Finding> {
    // An encrypted workbook's records are ciphertext: say it is encrypted
    // before reading any dimension out of them.
    let mut fonts = None;
    if let Some(probe) = xls_probe(&bytes, limits) {
        if probe.encrypted {
            return Err(encrypted());
        }
        // calamine reserves about 64 bytes per declared cell.
        let affordable = limits.max_memory_bytes / 64;
        if probe.declared_cells > affordable {
            return Err(Finding::new(
                Code::FileTooLarge,
                messages::file_too_large_declared(probe.declared_cells, affordable),
            ));
        }
        fonts = probe.fonts;
    }
    let mut wb = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsError::Password => encrypted(),
        other => unreadable(&other.to_string()),
    })?;
    let mut book = read_dense(&mut wb, Format::Xls, limits)?;
    if let Some(fonts) = fonts {
        attach_xls_fonts(&mut book, fonts);
    }
    Ok(book)
}

/// Gives each sheet the legacy fonts of its text cells. The records list
/// the worksheets in the order calamine does; a name that disagrees (BIFF8
/// names are compared), or another number of worksheets, leaves the fonts
/// unknown rather than wrong — and said (`fonts_unmatched`) when they named
/// legacy fonts.
pub(super) fn attach_xls_fonts(book: &mut Book, fonts: Vec<crate::read::xls_fonts::SheetFonts>) {
    if fonts.len() != book.sheets.len() {
        let lost = fonts.iter().any(|f| !f.legacy.is_empty());
        for sheet in &mut book.sheets {
            sheet.fonts_unmatched = lost;
        }
        return;
    }
    for (sheet, sheet_fonts) in book.sheets.iter_mut().zip(fonts) {
        if !sheet_fonts.name.is_empty() && sheet_fonts.name != sheet.name {
            sheet.fonts_unmatched = !sheet_fonts.legacy.is_empty();
            continue;
        }
        sheet.legacy_fonts = sheet_fonts
            .legacy
            .into_iter()
            .filter(|(pos, _)| match sheet.get(pos.0, pos.1) {
                Cell::Text(text) => worth_decoding(text),
                _ => false,
            })
            .collect();
    }
}

/// Whether a text cell in a legacy font can look different decoded: it has
/// a non-ASCII character. ASCII text reads the same in every encoding, even
/// in a font that draws capitals (`legacy::decode_tcvn3` keeps a word with
/// no legacy letter as it is).
pub(super) fn worth_decoding(text: &str) -> bool {
    !text.is_ascii()
}

pub(super) fn read_xlsb(bytes: Vec<u8>, limits: &Limits) -> Result<Book, Finding> {
    let mut wb = Xlsb::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsbError::Password => encrypted(),
        other => unreadable(&other.to_string()),
    })?;
    read_dense(&mut wb, Format::Xlsb, limits)
}

pub(super) fn read_ods(bytes: Vec<u8>, limits: &Limits) -> Result<Book, Finding> {
    let mut wb = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::OdsError::Password => encrypted(),
        other => unreadable(&other.to_string()),
    })?;
    read_dense(&mut wb, Format::Ods, limits)
}

/// The readers that only hand out whole (dense) ranges: xls, xlsb, ods.
pub(super) fn read_dense<RS, R>(
    wb: &mut R,
    format: Format,
    limits: &Limits,
) -> Result<Book, Finding>
where
    RS: Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let metas: Vec<_> = wb.sheets_metadata().to_vec();
    let mut sheets = Vec::new();
    for meta in metas.iter().filter(|m| m.typ == SheetType::WorkSheet) {
        let range = wb
            .worksheet_range(&meta.name)
            .map_err(|e| unreadable(&e.to_string()))?;
        let cells = range_cells(&meta.name, &range, limits)?;
        drop(range);
        sheets.push(Sheet::from_cells(
            &meta.name,
            is_hidden(meta.visible),
            cells,
        ));
    }
    Ok(Book { format, sheets })
}

pub(super) fn xlsx_error(e: calamine::XlsxError) -> Finding {
    match e {
        calamine::XlsxError::Password => encrypted(),
        other => unreadable(&other.to_string()),
    }
}
