//! The tidy table (`…-du-lieu.csv` and `.parquet`): one row per accepted
//! value with its unit, sheet, field and source cell. A province's list
//! sheets make it millions of rows long, so it is never held whole: it is
//! written straight from the submissions to its temporary files, the CSV row
//! by row and the Parquet one row group at a time.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use polars::prelude::{Column, DataFrame, PolarsResult};
use polars_io::prelude::ParquetWriter;

use super::OutputError;
use super::tables::neutral;
use crate::config::Config;
use crate::consolidate::machine_value;
use crate::model::registry::Unit;
use crate::model::submission::{CheckResult, FieldValue, Status};

/// The table's columns, in order.
const NAMES: [&str; 9] = [
    "unit_code",
    "unit_name",
    "period",
    "sheet_id",
    "field",
    "row",
    "value",
    "source_file",
    "source_cell",
];

/// Rows per Parquet row group: polars' own default, so that a table that
/// fits in one group is written exactly as `ParquetWriter::finish` writes it.
const ROW_GROUP: usize = 512 * 512;

/// One row: a value of an accepted submission and where it came from.
struct Row<'a> {
    unit: &'a Unit,
    sheet_id: &'a str,
    field: &'a str,
    fv: &'a FieldValue,
    file: &'a str,
}

impl Row<'_> {
    fn source_cell(&self) -> String {
        format!("{}!{}", self.fv.source.sheet, self.fv.source.a1())
    }
}

/// Calls `each` on every row, in the table's order: units in registry
/// order, the form's fields, then each list's records field by field.
/// Values that could not be read are not rows.
fn for_each_row<'a>(result: &'a CheckResult, config: &'a Config, mut each: impl FnMut(Row<'a>)) {
    let schema = &config.schema;
    let accepted = result.accepted_by_unit(config.registry.units.len());
    for (u, s) in accepted.iter().enumerate() {
        let Some(s) = s.filter(|s| s.status == Status::Accepted) else {
            continue;
        };
        let Some(data) = &s.data else { continue };
        let unit = &config.registry.units[u];
        let mut emit = |sheet_id: &'a str, field: &'a str, fv: &'a FieldValue| {
            if fv.value.is_some() {
                each(Row {
                    unit,
                    sheet_id,
                    field,
                    fv,
                    file: &s.file,
                });
            }
        };
        for (sheet, f) in schema.form_fields() {
            if let Some(fv) = data.form.get(f.id()) {
                emit(sheet.id(), f.id(), fv);
            }
        }
        for def in schema.list_sheets() {
            for record in data.lists.get(def.id()).into_iter().flatten() {
                for f in &def.fields {
                    if let Some(fv) = record.values.get(f.id()) {
                        emit(def.id(), f.id(), fv);
                    }
                }
            }
        }
    }
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes the table as CSV (UTF-8 with a BOM, CRLF, formula-like text
/// quoted) to `path`, exactly as `tables::csv_bytes` writes a frame.
pub fn write_csv(result: &CheckResult, config: &Config, path: &Path) -> Result<(), OutputError> {
    let file = File::create(path).map_err(io_error(path))?;
    let mut out = BufWriter::with_capacity(256 * 1024, file);
    out.write_all(&[0xEF, 0xBB, 0xBF]).map_err(io_error(path))?;
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(NAMES)?;
    let period = config.period.id();
    let mut failed = None;
    for_each_row(result, config, |row| {
        if failed.is_some() {
            return;
        }
        let value = row.fv.value.as_ref().map(machine_value).unwrap_or_default();
        let line = i64::from(row.fv.source.row) + 1;
        let record: [Cow<'_, str>; 9] = [
            neutral(&row.unit.code),
            neutral(&row.unit.name),
            neutral(&period),
            neutral(row.sheet_id),
            neutral(row.field),
            Cow::Owned(crate::model::values::format_number(line as f64)),
            Cow::Owned(neutral(&value).into_owned()),
            neutral(row.file),
            Cow::Owned(neutral(&row.source_cell()).into_owned()),
        ];
        if let Err(e) = writer.write_record(record.iter().map(|c| c.as_bytes())) {
            failed = Some(e);
        }
    });
    if let Some(e) = failed {
        return Err(e.into());
    }
    let out = writer
        .into_inner()
        .map_err(|e| OutputError::Csv(e.into_error().into()))?;
    let file = out
        .into_inner()
        .map_err(|e| io_error(path)(e.into_error()))?;
    file.sync_all().map_err(io_error(path))
}

/// The columns of one row group, borrowing what repeats.
#[derive(Default)]
struct Batch<'a> {
    unit_code: Vec<&'a str>,
    unit_name: Vec<&'a str>,
    sheet_id: Vec<&'a str>,
    field: Vec<&'a str>,
    row: Vec<i64>,
    value: Vec<String>,
    source_file: Vec<&'a str>,
    source_cell: Vec<String>,
}

impl<'a> Batch<'a> {
    fn push(&mut self, row: &Row<'a>) {
        let Some(value) = &row.fv.value else { return };
        self.unit_code.push(&row.unit.code);
        self.unit_name.push(&row.unit.name);
        self.sheet_id.push(row.sheet_id);
        self.field.push(row.field);
        self.row.push(i64::from(row.fv.source.row) + 1);
        self.value.push(machine_value(value));
        self.source_file.push(row.file);
        self.source_cell.push(row.source_cell());
    }

    fn len(&self) -> usize {
        self.row.len()
    }

    /// The batch as a frame; the batch is emptied.
    fn take_frame(&mut self, period: &str) -> PolarsResult<DataFrame> {
        let height = self.len();
        let text = |name: &str, values: Vec<&str>| Column::new(name.into(), values);
        let columns = vec![
            text(NAMES[0], std::mem::take(&mut self.unit_code)),
            text(NAMES[1], std::mem::take(&mut self.unit_name)),
            text(NAMES[2], vec![period; height]),
            text(NAMES[3], std::mem::take(&mut self.sheet_id)),
            text(NAMES[4], std::mem::take(&mut self.field)),
            Column::new(NAMES[5].into(), std::mem::take(&mut self.row)),
            Column::new(NAMES[6].into(), std::mem::take(&mut self.value)),
            text(NAMES[7], std::mem::take(&mut self.source_file)),
            Column::new(NAMES[8].into(), std::mem::take(&mut self.source_cell)),
        ];
        DataFrame::new(height, columns)
    }
}

/// How many rows each row group holds: one group up to `ROW_GROUP` rows,
/// else as many equal groups as whole `ROW_GROUP`s fit, the last taking the
/// remainder (as polars splits a frame it writes whole).
fn group_sizes(total: usize) -> Vec<usize> {
    let groups = (total / ROW_GROUP).max(1);
    let size = total / groups;
    let mut sizes = vec![size; groups];
    sizes[groups - 1] += total - size * groups;
    sizes
}

/// Writes the table as Parquet to `path`, one row group at a time.
pub fn write_parquet(
    result: &CheckResult,
    config: &Config,
    path: &Path,
) -> Result<(), OutputError> {
    let mut total = 0usize;
    for_each_row(result, config, |_| total += 1);
    let sizes = group_sizes(total);
    let period = config.period.id();
    let file = File::create(path).map_err(io_error(path))?;
    let mut out = BufWriter::with_capacity(256 * 1024, file);
    if sizes.len() == 1 {
        let mut batch = Batch::default();
        for_each_row(result, config, |row| batch.push(&row));
        let mut df = batch.take_frame(&period)?;
        ParquetWriter::new(&mut out).finish(&mut df)?;
    } else {
        write_groups(result, config, &sizes, &period, &mut out)?;
    }
    let file = out
        .into_inner()
        .map_err(|e| io_error(path)(e.into_error()))?;
    file.sync_all().map_err(io_error(path))
}

/// The row groups of a table too long for one.
fn write_groups(
    result: &CheckResult,
    config: &Config,
    sizes: &[usize],
    period: &str,
    out: &mut impl Write,
) -> Result<(), OutputError> {
    let mut batch = Batch::default();
    let schema = Batch::default().take_frame(period)?.schema().clone();
    let mut writer = ParquetWriter::new(out).batched(&schema)?;
    let mut group = 0;
    let mut failed = None;
    for_each_row(result, config, |row| {
        if failed.is_some() {
            return;
        }
        batch.push(&row);
        if batch.len() < sizes[group.min(sizes.len() - 1)] {
            return;
        }
        group += 1;
        if let Err(e) = batch
            .take_frame(period)
            .and_then(|df| writer.write_batch(&df))
        {
            failed = Some(e);
        }
    });
    if let Some(e) = failed {
        return Err(e.into());
    }
    writer.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{ROW_GROUP, group_sizes};

    #[test]
    fn row_groups_cover_the_table() {
        assert_eq!(group_sizes(0), vec![0]);
        assert_eq!(group_sizes(10), vec![10]);
        assert_eq!(group_sizes(ROW_GROUP), vec![ROW_GROUP]);
        let sizes = group_sizes(5 * ROW_GROUP + 7);
        assert_eq!(sizes.len(), 5);
        assert_eq!(sizes.iter().sum::<usize>(), 5 * ROW_GROUP + 7);
    }
}
