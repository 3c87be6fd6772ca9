//! Reading a consolidated workbook's cells back (calamine) in the CLI
//! tests: a cell as a number or as text, the row that reads a label, and
//! figures equal within rounding.

#![allow(dead_code)]

use calamine::{Data, Range};

/// The cell as a number, when it holds one.
pub fn number(range: &Range<Data>, row: u32, col: u32) -> Option<f64> {
    match range.get_value((row, col)) {
        Some(Data::Float(f)) => Some(*f),
        Some(Data::Int(i)) => Some(*i as f64),
        _ => None,
    }
}

/// The cell as text ("" when empty).
pub fn text(range: &Range<Data>, row: u32, col: u32) -> String {
    range
        .get_value((row, col))
        .map(super::data_text)
        .unwrap_or_default()
}

/// The row whose cell in `col` reads `want` (absolute row numbers, as
/// `get_value` takes them).
pub fn find_row(range: &Range<Data>, col: u32, want: &str) -> u32 {
    let (h, _) = range.get_size();
    let start = range.start().unwrap_or((0, 0)).0;
    (start..start + h as u32)
        .find(|&r| text(range, r, col) == want)
        .unwrap_or_else(|| panic!("no row reading {want:?} in column {col}"))
}

/// Two figures equal within floating-point rounding.
pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9_f64.max(b.abs() * 1e-9)
}
