//! Machine tables: CSV (UTF-8 with a BOM so that Excel shows Vietnamese
//! correctly) and Parquet, both straight from the polars frames.

use polars::prelude::DataFrame;
use polars_io::prelude::ParquetWriter;

use crate::model::frame::{Columns, Out};
use crate::model::values::format_number;

use super::OutputError;

/// A frame as CSV for Excel (a BOM, CRLF, formula-like text quoted), written
/// to `out` row by row: an indicator table of a national year is tens of
/// megabytes.
pub(crate) fn write_csv(df: &DataFrame, mut out: impl std::io::Write) -> Result<(), OutputError> {
    {
        let mut writer = excel_csv(&mut out).map_err(|e| OutputError::Csv(e.into()))?;
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        writer.write_record(&names)?;
        let columns = Columns::of(df);
        for row in 0..df.height() {
            let record: Vec<String> = names
                .iter()
                .map(|name| match columns.get(name, row) {
                    Out::Null => String::new(),
                    Out::Num(n) => format_number(n),
                    Out::Text(t) => neutralise(t),
                    Out::Date(d) => Out::date_text(d),
                    Out::Bool(b) => b.to_string(),
                })
                .collect();
            writer.write_record(&record)?;
        }
        writer.flush().map_err(|e| OutputError::Csv(e.into()))?;
    }
    Ok(())
}

/// A CSV writer as Excel opens Vietnamese text: a UTF-8 byte order mark
/// first (written here), CRLF line ends.
pub(super) fn excel_csv<W: std::io::Write>(mut out: W) -> std::io::Result<csv::Writer<W>> {
    out.write_all(&[0xEF, 0xBB, 0xBF])?;
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out))
}

/// Text that a spreadsheet would run as a formula when it opens the CSV
/// ("=HYPERLINK(…)", "+cmd|…", "@SUM(…)") gets a leading single quote.
/// Numbers such as "-5" are left alone.
fn neutralise(text: String) -> String {
    if is_risky(&text) {
        format!("'{text}")
    } else {
        text
    }
}

/// `neutralise` without copying text that needs no quote.
pub(super) fn neutral(text: &str) -> std::borrow::Cow<'_, str> {
    if is_risky(text) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

fn is_risky(text: &str) -> bool {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    risky && text.trim().parse::<f64>().is_err()
}

/// The frame as Parquet, written to `out`.
pub(crate) fn write_parquet(
    df: &mut DataFrame,
    out: impl std::io::Write,
) -> Result<(), OutputError> {
    ParquetWriter::new(out).finish(df)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formula_payloads_are_quoted() {
        for payload in [
            "=HYPERLINK(\"http://x\")",
            "+cmd|' /C calc'!A0",
            "@SUM(1+9)",
            "-2+3",
            "\t=1",
        ] {
            assert_eq!(neutralise(payload.to_string()), format!("'{payload}"));
        }
        assert_eq!(neutralise("-5".into()), "-5");
        assert_eq!(neutralise("Nhà nghỉ Bình An".into()), "Nhà nghỉ Bình An");
    }
}
