//! The tidy table (`…-du-lieu.csv` and `.parquet`): one row per accepted
//! value with its unit, sheet, field and source cell (and, when districts
//! report, the commune and the district's table it came through). A province's list
//! sheets make it millions of rows long, so it is never held whole: it is
//! written straight from the submissions to its temporary files, the CSV row
//! by row and the Parquet one row group at a time.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use polars::prelude::{Column, DataFrame, PolarsResult};
use polars_io::prelude::ParquetWriter;

use super::OutputError;
use super::tables::neutral;
use crate::config::Config;
use crate::consolidate::{Counted, counted, machine_value};
use crate::model::level::Reporting;
use crate::model::submission::{CheckResult, FieldValue};

/// The table's columns, in order; the commune columns (after `unit_name`)
/// and `district_file` (last) only when districts report.
fn names(chain: bool) -> Vec<&'static str> {
    let mut names = vec!["unit_code", "unit_name"];
    if chain {
        names.extend(["commune_code", "commune_name"]);
    }
    names.extend([
        "period",
        "sheet_id",
        "field",
        "row",
        "value",
        "source_file",
        "source_cell",
    ]);
    if chain {
        names.push("district_file");
    }
    names
}

/// Whether the table names the commune and the district's table of each value.
fn chained(config: &Config) -> bool {
    config.level.reporting == Reporting::Districts
}

/// Rows per Parquet row group: polars' own default, so that a table that
/// fits in one group is written exactly as `ParquetWriter::finish` writes it.
const ROW_GROUP: usize = 512 * 512;

/// One row: a value of a report that counts and where it came from.
struct Row<'a, 'c> {
    c: &'c Counted<'a>,
    sheet_id: &'a str,
    field: &'a str,
    fv: &'a FieldValue,
}

impl Row<'_, '_> {
    fn source_cell(&self) -> String {
        format!("{}!{}", self.fv.source.sheet, self.fv.source.a1())
    }
}

/// Calls `each` on every row, in the table's order: the reports that count
/// (`consolidate::counted`), each one's form fields, then each list's
/// records field by field. Values that could not be read are not rows.
fn for_each_row<'a>(
    counted: &[Counted<'a>],
    config: &'a Config,
    mut each: impl FnMut(Row<'a, '_>),
) {
    let schema = &config.schema;
    for c in counted {
        let data = c.data;
        let mut emit = |sheet_id: &'a str, field: &'a str, fv: &'a FieldValue| {
            if fv.value.is_some() {
                each(Row {
                    c,
                    sheet_id,
                    field,
                    fv,
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
pub(crate) fn write_csv(
    result: &CheckResult,
    config: &Config,
    path: &Path,
) -> Result<(), OutputError> {
    let file = File::create(path).map_err(io_error(path))?;
    let mut out = BufWriter::with_capacity(256 * 1024, file);
    out.write_all(&[0xEF, 0xBB, 0xBF]).map_err(io_error(path))?;
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let chain = chained(config);
    writer.write_record(names(chain))?;
    let period = config.period.id();
    let counted = counted(result, config);
    let mut failed = None;
    for_each_row(&counted, config, |row| {
        if failed.is_some() {
            return;
        }
        if let Err(e) = writer.write_record(csv_record(&row, &period, chain)) {
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

/// One row's CSV fields, as `tables::csv_bytes` spells a frame's cells.
fn csv_record(row: &Row<'_, '_>, period: &str, chain: bool) -> Vec<String> {
    let c = row.c;
    let value = row.fv.value.as_ref().map(machine_value).unwrap_or_default();
    let line = i64::from(row.fv.source.row) + 1;
    let text = |t: &str| neutral(t).into_owned();
    let mut out = Vec::with_capacity(12);
    out.extend([text(&c.unit.code), text(&c.unit.name)]);
    if chain {
        out.extend([text(c.code), text(c.name)]);
    }
    out.extend([
        text(period),
        text(row.sheet_id),
        text(row.field),
        crate::model::values::format_number(line as f64),
        text(&value),
        text(c.file),
        text(&row.source_cell()),
    ]);
    if chain {
        out.push(text(c.via.unwrap_or("")));
    }
    out
}

/// Which table a batch is part of: the build's tidy table (with the
/// commune columns when districts report), or the history's partition of
/// it (no period, no commune: the build's time instead).
#[derive(Clone, Copy)]
enum Shape<'s> {
    Tidy { chain: bool },
    History { built_at: &'s str },
}

impl Shape<'_> {
    fn chain(self) -> bool {
        matches!(self, Shape::Tidy { chain: true })
    }
}

/// The columns of one row group, borrowing what repeats.
struct Batch<'a, 's> {
    shape: Shape<'s>,
    unit_code: Vec<&'a str>,
    unit_name: Vec<&'a str>,
    commune_code: Vec<&'a str>,
    commune_name: Vec<&'a str>,
    district_file: Vec<&'a str>,
    sheet_id: Vec<&'a str>,
    field: Vec<&'a str>,
    row: Vec<i64>,
    value: Vec<String>,
    source_file: Vec<&'a str>,
    source_cell: Vec<String>,
}

impl<'a, 's> Batch<'a, 's> {
    fn new(shape: Shape<'s>) -> Self {
        Batch {
            shape,
            unit_code: Vec::new(),
            unit_name: Vec::new(),
            commune_code: Vec::new(),
            commune_name: Vec::new(),
            district_file: Vec::new(),
            sheet_id: Vec::new(),
            field: Vec::new(),
            row: Vec::new(),
            value: Vec::new(),
            source_file: Vec::new(),
            source_cell: Vec::new(),
        }
    }

    fn push(&mut self, row: &Row<'a, '_>) {
        let Some(value) = &row.fv.value else { return };
        let c = row.c;
        self.unit_code.push(&c.unit.code);
        self.unit_name.push(&c.unit.name);
        if self.shape.chain() {
            // A district's own report on the form: the district itself, no table.
            self.commune_code.push(c.code);
            self.commune_name.push(c.name);
            self.district_file.push(c.via.unwrap_or(""));
        }
        self.sheet_id.push(row.sheet_id);
        self.field.push(row.field);
        self.row.push(i64::from(row.fv.source.row) + 1);
        self.value.push(machine_value(value));
        self.source_file.push(c.file);
        self.source_cell.push(row.source_cell());
    }

    fn len(&self) -> usize {
        self.row.len()
    }

    /// The batch as a frame; the batch is emptied.
    fn take_frame(&mut self, period: &str) -> PolarsResult<DataFrame> {
        let height = self.len();
        let text = |name: &str, values: Vec<&str>| Column::new(name.into(), values);
        let chain = self.shape.chain();
        let mut columns = vec![
            text("unit_code", std::mem::take(&mut self.unit_code)),
            text("unit_name", std::mem::take(&mut self.unit_name)),
        ];
        if chain {
            columns.push(text("commune_code", std::mem::take(&mut self.commune_code)));
            columns.push(text("commune_name", std::mem::take(&mut self.commune_name)));
        }
        if let Shape::Tidy { .. } = self.shape {
            columns.push(text("period", vec![period; height]));
        }
        columns.extend([
            text("sheet_id", std::mem::take(&mut self.sheet_id)),
            text("field", std::mem::take(&mut self.field)),
            Column::new("row".into(), std::mem::take(&mut self.row)),
            Column::new("value".into(), std::mem::take(&mut self.value)),
            text("source_file", std::mem::take(&mut self.source_file)),
            Column::new("source_cell".into(), std::mem::take(&mut self.source_cell)),
        ]);
        match self.shape {
            Shape::Tidy { chain: true } => columns.push(text(
                "district_file",
                std::mem::take(&mut self.district_file),
            )),
            Shape::History { built_at } => columns.push(text("built_at", vec![built_at; height])),
            Shape::Tidy { chain: false } => {}
        }
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
pub(crate) fn write_parquet(
    result: &CheckResult,
    config: &Config,
    path: &Path,
) -> Result<(), OutputError> {
    let shape = Shape::Tidy {
        chain: chained(config),
    };
    write_parquet_shaped(result, config, path, shape)
}

/// Writes the history's partition of the table (`history::store::COLUMNS`,
/// built at `built_at`) as Parquet to `path`, one row group at a time:
/// the bytes `history::store::write` makes of the whole table.
pub(crate) fn write_history_parquet(
    result: &CheckResult,
    config: &Config,
    path: &Path,
    built_at: &str,
) -> Result<(), OutputError> {
    write_parquet_shaped(result, config, path, Shape::History { built_at })
}

fn write_parquet_shaped(
    result: &CheckResult,
    config: &Config,
    path: &Path,
    shape: Shape<'_>,
) -> Result<(), OutputError> {
    let counted = counted(result, config);
    let mut total = 0usize;
    for_each_row(&counted, config, |_| total += 1);
    let sizes = group_sizes(total);
    let period = config.period.id();
    let file = File::create(path).map_err(io_error(path))?;
    let mut out = BufWriter::with_capacity(256 * 1024, file);
    if sizes.len() == 1 {
        let mut batch = Batch::new(shape);
        for_each_row(&counted, config, |row| batch.push(&row));
        let mut df = batch.take_frame(&period)?;
        ParquetWriter::new(&mut out).finish(&mut df)?;
    } else {
        let rows = Rows {
            counted: &counted,
            config,
            shape,
        };
        write_groups(&rows, &sizes, &period, &mut out)?;
    }
    let file = out
        .into_inner()
        .map_err(|e| io_error(path)(e.into_error()))?;
    file.sync_all().map_err(io_error(path))
}

/// The reports whose values make the table, and its shape.
struct Rows<'r, 'a, 's> {
    counted: &'r [Counted<'a>],
    config: &'a Config,
    shape: Shape<'s>,
}

/// The row groups of a table too long for one.
fn write_groups(
    rows: &Rows<'_, '_, '_>,
    sizes: &[usize],
    period: &str,
    out: &mut impl Write,
) -> Result<(), OutputError> {
    let mut batch = Batch::new(rows.shape);
    let schema = Batch::new(rows.shape).take_frame(period)?.schema().clone();
    let mut writer = ParquetWriter::new(out).batched(&schema)?;
    let mut group = 0;
    let mut failed = None;
    for_each_row(rows.counted, rows.config, |row| {
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
