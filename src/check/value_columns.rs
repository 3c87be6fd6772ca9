//! The value columns of a form sheet that declares several ("Kỳ này | Cùng
//! kỳ năm trước | So sánh (%)"): each found by its header label or aliases
//! in the header row or the row under it, never by position. A column no
//! cell names is `column-missing`; one that two cells name equally well is
//! `header-ambiguous` and is not read.

use crate::check::locate::{EXACT, HeaderKey, SheetText, best_cols};
use crate::model::book::Sheet;
use crate::model::finding::{Code, Finding, Location};
use crate::model::messages;
use crate::model::schema::SheetDef;

/// Where one declared value column was found.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum ColumnHit {
    Found(u32),
    Missing,
    /// Cells that name the column equally well.
    Ambiguous(Vec<u32>),
}

impl ColumnHit {
    pub(super) fn col(&self) -> Option<u32> {
        match self {
            ColumnHit::Found(c) => Some(*c),
            _ => None,
        }
    }
}

/// The columns of one header row. A cell that is exactly one column's label
/// belongs to that column, so another column whose label merely starts it
/// cannot take it.
pub(super) fn column_hits(
    text: &SheetText,
    row: u32,
    columns: &[Vec<HeaderKey>],
    label_col: u32,
) -> Vec<ColumnHit> {
    let exact_of = |i: usize| -> Vec<u32> {
        text.row(row)
            .iter()
            .filter(|c| {
                c.col != label_col
                    && columns[i]
                        .iter()
                        .any(|k| k.strength(c.exact(), c.loose()) == EXACT)
            })
            .map(|c| c.col)
            .collect()
    };
    let exact: Vec<Vec<u32>> = (0..columns.len()).map(exact_of).collect();
    (0..columns.len())
        .map(|i| {
            let mut except = vec![label_col];
            except.extend(
                (0..columns.len())
                    .filter(|&j| j != i)
                    .flat_map(|j| exact[j].iter().copied()),
            );
            match best_cols(text, row, &columns[i], &except).as_slice() {
                [] => ColumnHit::Missing,
                [one] => ColumnHit::Found(*one),
                many => ColumnHit::Ambiguous(many.to_vec()),
            }
        })
        .collect()
}

/// How many columns a row names (found or ambiguous).
pub(super) fn named(hits: &[ColumnHit]) -> usize {
    hits.iter().filter(|h| **h != ColumnHit::Missing).count()
}

/// A finding for each declared column not found, or found twice.
pub(super) fn findings(
    sheet: &Sheet,
    def: &SheetDef,
    row: u32,
    hits: &[ColumnHit],
) -> Vec<Finding> {
    let a1 = |c: u32| Location::cell(&sheet.name, row, c).a1().unwrap_or_default();
    hits.iter()
        .zip(&def.value_columns)
        .filter_map(|(hit, column)| match hit {
            ColumnHit::Found(_) => None,
            ColumnHit::Missing => Some(
                Finding::new(Code::ColumnMissing, messages::column_missing(&column.label)).at(
                    Location {
                        sheet: sheet.name.clone(),
                        row: Some(row),
                        col: None,
                    },
                ),
            ),
            ColumnHit::Ambiguous(cols) => {
                let names: Vec<String> = cols.iter().map(|&c| a1(c)).collect();
                Some(
                    Finding::new(
                        Code::HeaderAmbiguous,
                        messages::column_ambiguous(&sheet.name, &column.label, &names),
                    )
                    .at(Location::cell(&sheet.name, row, cols[0]))
                    .value(names.join(", ")),
                )
            }
        })
        .collect()
}
