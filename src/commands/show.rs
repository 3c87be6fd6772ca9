//! `tonghop show FILE`: what tonghop read from one file, to understand a
//! finding, to read a legacy-font file in Unicode or to send a commune a
//! readable copy. The file goes through the same reading as `check`
//! (`read::isolate`/`read::ingest`, then `read::legacy`); per sheet it gives the encoding the
//! text was typed in and every non-empty cell: its A1 reference, the text as
//! decoded and the raw text where decoding changed it. With a schema, each
//! cell a field was read from is marked with the field's id.
//!
//! A sheet's encoding is the one most of its converted cells were in
//! ("tcvn3" or "vni"), or "unicode" when no cell was converted; a sheet that
//! mixes encodings shows the dominant one, and each converted cell shows its
//! raw text.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::cli::ReportFormat;
use crate::config::ShowConfig;
use crate::model::book::Book;
use crate::model::finding::{Finding, Lang, column_name};
use crate::model::schema::Schema;
use crate::read::ingest::Limits;
use crate::read::legacy::Encoding;

/// One non-empty cell.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShownCell {
    /// "B3".
    pub cell: String,
    /// The text as stored in the file (as Excel reads it).
    pub raw: String,
    /// The text after legacy decoding.
    pub text: String,
    /// The schema field read from this cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShownSheet {
    pub name: String,
    pub hidden: bool,
    /// "tcvn3", "vni" or "unicode".
    pub encoding: &'static str,
    pub cells: Vec<ShownCell>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Shown {
    pub file: String,
    pub format: &'static str,
    pub sheets: Vec<ShownSheet>,
}

/// Reads one file as `check` does — in a child process when `reader_exe`
/// is given — decodes its legacy text and lists its cells. The error is
/// the finding that kept the file from being read.
pub fn inspect(
    path: &Path,
    shown_name: &str,
    limits: &Limits,
    reader_exe: Option<&Path>,
    schema: Option<&Schema>,
) -> Result<Shown, Finding> {
    let (_, parsed) = match reader_exe {
        Some(exe) => crate::read::isolate::read_file(exe, path, limits),
        None => crate::read::ingest::read_file(path, limits),
    };
    Ok(describe(parsed?, shown_name, schema))
}

/// The listing of a book as read (before legacy decoding).
pub(crate) fn describe(raw: Book, shown_name: &str, schema: Option<&Schema>) -> Shown {
    let mut book = raw.clone();
    let decodings = crate::read::legacy::decode_book(&mut book);
    let fields = schema.map(|s| field_cells(&book, s)).unwrap_or_default();
    let sheets = book
        .sheets
        .iter()
        .zip(&raw.sheets)
        .zip(&decodings)
        .enumerate()
        .map(|(index, ((sheet, raw_sheet), decoding))| ShownSheet {
            name: sheet.name.clone(),
            hidden: sheet.hidden,
            encoding: decoding.dominant().map_or("unicode", |e| e.id()),
            cells: sheet
                .cells()
                .filter(|(_, cell)| !cell.is_blank())
                .map(|((row, col), cell)| ShownCell {
                    cell: format!("{}{}", column_name(col), row + 1),
                    raw: raw_sheet.get(row, col).as_text(),
                    text: cell.as_text(),
                    field: fields.get(&(index, row, col)).cloned(),
                })
                .collect(),
        })
        .collect();
    Shown {
        file: shown_name.to_string(),
        format: raw.format.as_str(),
        sheets,
    }
}

/// (sheet index, row, column) → the field read from that cell, where the
/// schema's sheets were found.
fn field_cells(book: &Book, schema: &Schema) -> HashMap<(usize, u32, u32), String> {
    let (layout, _) = crate::check::locate::locate(book, schema);
    let mut fields = HashMap::new();
    for form in &layout.forms {
        for field in &schema.sheets[form.def].fields {
            if let (Some(&row), Some(col)) = (form.rows.get(field.id()), form.col_of(field)) {
                fields.insert((form.sheet, row, col), field.id().to_string());
            }
        }
    }
    for list in &layout.lists {
        for (field, &col) in &list.cols {
            for &row in &list.rows {
                fields.insert((list.sheet, row, col), field.clone());
            }
        }
    }
    fields
}

/// `tonghop show`: the listing in the chosen format. A file that cannot be
/// read is an error (exit 2) that says why.
pub(crate) fn run(config: &ShowConfig) -> anyhow::Result<String> {
    let exe = std::env::current_exe().ok();
    let shown = inspect(
        &config.file,
        &config.shown_name,
        &config.limits,
        exe.as_deref(),
        config.schema.as_ref(),
    )
    .map_err(|finding| {
        let message = match config.lang {
            Lang::Vi => &finding.message.vi,
            Lang::En => &finding.message.en,
        };
        anyhow::anyhow!(
            "{}: {}: {message}",
            config.lang.pick(
                format!("không đọc được {}", config.shown_name),
                format!("cannot read {}", config.shown_name)
            ),
            finding.code
        )
    })?;
    Ok(match config.format {
        ReportFormat::Json => {
            let mut json = serde_json::to_string_pretty(&shown)?;
            json.push('\n');
            json
        }
        ReportFormat::Text => to_text(&shown, config.lang),
    })
}

/// Control characters (line breaks in a cell) shown as escapes, so each
/// cell stays on one line.
fn one_line(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '\n' => "\\n".chars().collect::<Vec<_>>(),
            '\r' => "\\r".chars().collect(),
            '\t' => "\\t".chars().collect(),
            c => vec![c],
        })
        .collect()
}

/// The listing for people: per sheet a heading with the encoding, then one
/// line per cell.
pub(crate) fn to_text(shown: &Shown, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(&lang.pick(
        format!("Tệp: {} ({})\n", shown.file, shown.format),
        format!("File: {} ({})\n", shown.file, shown.format),
    ));
    for sheet in &shown.sheets {
        let hidden = if sheet.hidden {
            lang.pick(", ẩn", ", hidden")
        } else {
            ""
        };
        // The encoding's name as people know it.
        let encoding = Encoding::from_id(sheet.encoding).map_or("Unicode", Encoding::name);
        out.push_str(&lang.pick(
            format!("\nTrang “{}” (bảng mã: {encoding}{hidden})\n", sheet.name),
            format!("\nSheet “{}” (encoding: {encoding}{hidden})\n", sheet.name),
        ));
        if sheet.cells.is_empty() {
            out.push_str(lang.pick("  (trống)\n", "  (empty)\n"));
        }
        let width = sheet.cells.iter().map(|c| c.cell.len()).max().unwrap_or(0);
        for cell in &sheet.cells {
            out.push_str(&format!("  {:width$}  {}", cell.cell, one_line(&cell.text)));
            if cell.raw != cell.text {
                let label = lang.pick("gốc", "raw");
                out.push_str(&format!("   [{label}: {}]", one_line(&cell.raw)));
            }
            if let Some(field) = &cell.field {
                out.push_str(&format!("   ← {field}"));
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::book::{Cell, Format, Sheet};

    fn book() -> Book {
        let mut sheet = Sheet::new("Biểu 01", false);
        sheet.set(0, 0, Cell::Text("Sè TT".into()));
        sheet.legacy_fonts.insert((0, 0), ".VnTime".into());
        sheet.set(0, 1, Cell::Text("Ghi chú".into()));
        sheet.set(2, 1, Cell::Number(12.0));
        sheet.set(3, 0, Cell::Text("   ".into()));
        let mut unicode = Sheet::new("Trống", true);
        unicode.set(0, 0, Cell::Text("Không\ncó".into()));
        Book {
            format: Format::Xls,
            sheets: vec![sheet, unicode],
        }
    }

    #[test]
    fn lists_decoded_and_raw_text_per_sheet() {
        let shown = describe(book(), "a.xls", None);
        assert_eq!(shown.format, "xls");
        let first = &shown.sheets[0];
        assert_eq!(first.encoding, "tcvn3");
        let cells: Vec<(&str, &str, &str)> = first
            .cells
            .iter()
            .map(|c| (c.cell.as_str(), c.raw.as_str(), c.text.as_str()))
            .collect();
        assert_eq!(
            cells,
            vec![
                ("A1", "Sè TT", "Số TT"),
                ("B1", "Ghi chú", "Ghi chú"),
                ("B3", "12", "12")
            ]
        );
        assert_eq!(shown.sheets[1].encoding, "unicode");
        assert!(shown.sheets[1].hidden);
    }

    #[test]
    fn text_shows_raw_only_where_it_differs() {
        let text = to_text(&describe(book(), "a.xls", None), Lang::Vi);
        assert!(
            text.contains("Trang “Biểu 01” (bảng mã: TCVN3 (ABC))"),
            "{text}"
        );
        assert!(text.contains("A1  Số TT   [gốc: Sè TT]"), "{text}");
        assert!(text.contains("B1  Ghi chú\n"), "{text}");
        assert!(text.contains("A1  Không\\ncó\n"), "{text}");
        let en = to_text(&describe(book(), "a.xls", None), Lang::En);
        assert!(
            en.contains("Sheet “Trống” (encoding: Unicode, hidden)"),
            "{en}"
        );
        assert!(en.contains("[raw: Sè TT]"), "{en}");
    }
}
