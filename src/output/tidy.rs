//! The tidy table (`…-du-lieu.csv` and `.parquet`): one row per accepted
//! value with its unit, sheet, field and source cell (and, when districts
//! report, the commune and the district's table it came through). A province's list
//! sheets make it millions of rows long, so it is never held whole: it is
//! written straight from the submissions to its temporary files, the CSV row
//! by row and the Parquet one row group at a time.

use std::borrow::Cow;
use std::path::Path;

use polars::prelude::{Column, DataFrame, PolarsResult};
use polars_io::prelude::ParquetWriter;

use super::tables::{excel_csv, neutral};
use super::{OutputError, Sink, io_error};
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

/// Rows per Parquet row group. A group is built whole in memory before it
/// is written (each of its string columns a polars buffer), so its size
/// bounds the tidy table's memory: 65,536 rows keep a 200,000-row list's
/// groups to a few megabytes each, while readers still get large groups.
const ROW_GROUP: usize = 1 << 16;

/// One row: a value of a report that counts and where it came from.
struct Row<'a, 'c> {
    c: &'c Counted<'a>,
    sheet_id: &'a str,
    field: &'a str,
    fv: &'a FieldValue,
}

impl Row<'_, '_> {
    fn source_cell(&self) -> String {
        self.fv.source.cell_ref()
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

/// Writes the table as CSV (UTF-8 with a BOM, CRLF, formula-like text
/// quoted) to `path`, exactly as `tables::write_csv` writes a frame.
pub(crate) fn write_csv(
    result: &CheckResult,
    config: &Config,
    path: &Path,
) -> Result<(), OutputError> {
    let mut sink = Sink::create(path)?;
    let mut writer = excel_csv(&mut sink.out).map_err(io_error(path))?;
    let chain = chained(config);
    writer.write_record(names(chain))?;
    let period = config.period.id();
    let counted = counted(result, config);
    let mut failed = None;
    for_each_row(&counted, config, |row| {
        if failed.is_some() {
            return;
        }
        let record = csv_record(&row, &period, chain);
        if let Err(e) = writer.write_record(record.iter().map(|f| f.as_bytes())) {
            failed = Some(e);
        }
    });
    if let Some(e) = failed {
        return Err(e.into());
    }
    writer.flush().map_err(io_error(path))?;
    drop(writer);
    sink.finish()
}

/// One row's CSV fields, as `tables::write_csv` spells a frame's cells
/// (borrowed where no quote is needed: a list's rows are millions).
fn csv_record<'r>(row: &'r Row<'_, '_>, period: &'r str, chain: bool) -> Vec<Cow<'r, str>> {
    let c = row.c;
    let value = row.fv.value.as_ref().map(machine_value).unwrap_or_default();
    let line = i64::from(row.fv.source.row) + 1;
    let owned = |t: String| match neutral(&t) {
        Cow::Borrowed(_) => Cow::Owned(t),
        Cow::Owned(quoted) => Cow::Owned(quoted),
    };
    let mut out = Vec::with_capacity(12);
    out.extend([neutral(&c.unit.code), neutral(&c.unit.name)]);
    if chain {
        out.extend([neutral(c.code), neutral(c.name)]);
    }
    out.extend([
        neutral(period),
        neutral(row.sheet_id),
        neutral(row.field),
        Cow::Owned(line.to_string()),
        owned(value),
        neutral(c.file),
        owned(row.source_cell()),
    ]);
    if chain {
        out.push(neutral(c.via.unwrap_or("")));
    }
    out
}

/// The columns of one row group, borrowing what repeats.
struct Batch<'a> {
    chain: bool,
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

/// One row group's columns, made once for both tables that hold them.
struct Group {
    height: usize,
    unit: [Column; 2],
    /// commune_code, commune_name, district_file (when districts report).
    chain: Option<[Column; 3]>,
    /// sheet_id, field, row, value, source_file, source_cell.
    values: [Column; 6],
}

impl<'a> Batch<'a> {
    fn new(chain: bool) -> Self {
        Batch {
            chain,
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
        if self.chain {
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

    /// The batch's columns; the batch is emptied.
    fn take(&mut self) -> Group {
        let text =
            |name: &str, values: &mut Vec<&str>| Column::new(name.into(), std::mem::take(values));
        let chain = self.chain.then(|| {
            [
                text("commune_code", &mut self.commune_code),
                text("commune_name", &mut self.commune_name),
                text("district_file", &mut self.district_file),
            ]
        });
        Group {
            height: self.len(),
            unit: [
                text("unit_code", &mut self.unit_code),
                text("unit_name", &mut self.unit_name),
            ],
            chain,
            values: [
                text("sheet_id", &mut self.sheet_id),
                text("field", &mut self.field),
                Column::new("row".into(), std::mem::take(&mut self.row)),
                Column::new("value".into(), std::mem::take(&mut self.value)),
                text("source_file", &mut self.source_file),
                Column::new("source_cell".into(), std::mem::take(&mut self.source_cell)),
            ],
        }
    }
}

impl Group {
    /// The tidy table's frame: `names` in order.
    fn tidy(&self, period: &str) -> PolarsResult<DataFrame> {
        let mut columns = self.unit.to_vec();
        if let Some([code, name, _]) = &self.chain {
            columns.extend([code.clone(), name.clone()]);
        }
        columns.push(Column::new("period".into(), vec![period; self.height]));
        columns.extend(self.values.iter().cloned());
        if let Some([_, _, district_file]) = &self.chain {
            columns.push(district_file.clone());
        }
        DataFrame::new(self.height, columns)
    }

    /// The history's frame: `history::store::COLUMNS` in order.
    fn history(&self, built_at: &str) -> PolarsResult<DataFrame> {
        let mut columns = self.unit.to_vec();
        columns.extend(self.values.iter().cloned());
        columns.push(Column::new("built_at".into(), vec![built_at; self.height]));
        DataFrame::new(self.height, columns)
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

/// Where the history's partition of the table goes, when the build records
/// one: its temporary file and the time of building it holds.
#[derive(Clone, Copy)]
pub(crate) struct HistoryFile<'p> {
    pub(crate) path: &'p Path,
    pub(crate) built_at: &'p str,
}

/// Writes the table as Parquet to `path` and, when given, the history's
/// partition of it (`history::store::COLUMNS`: no period and no commune,
/// the time of building instead), in one pass one row group at a time:
/// each file holds the bytes `ParquetWriter::finish` makes of its whole
/// frame (`history::store::write`'s, for the partition).
pub(crate) fn write_parquet(
    result: &CheckResult,
    config: &Config,
    path: &Path,
    history: Option<HistoryFile<'_>>,
) -> Result<(), OutputError> {
    let counted = counted(result, config);
    let mut total = 0usize;
    for_each_row(&counted, config, |_| total += 1);
    let sizes = group_sizes(total);
    let period = config.period.id();
    let mut tidy = Sink::create(path)?;
    let mut past = history.map(|h| Sink::create(h.path)).transpose()?;
    let frames = |group: &Group| -> PolarsResult<(DataFrame, Option<DataFrame>)> {
        let past = history.map(|h| group.history(h.built_at)).transpose()?;
        Ok((group.tidy(&period)?, past))
    };
    let mut batch = Batch::new(chained(config));
    if sizes.len() == 1 {
        for_each_row(&counted, config, |row| batch.push(&row));
        let (mut df, past_df) = frames(&batch.take())?;
        ParquetWriter::new(&mut tidy.out).finish(&mut df)?;
        if let (Some(sink), Some(mut df)) = (past.as_mut(), past_df) {
            ParquetWriter::new(&mut sink.out).finish(&mut df)?;
        }
    } else {
        let rows = Rows {
            counted: &counted,
            config,
        };
        let sinks = Sinks {
            tidy: &mut tidy,
            past: past.as_mut(),
        };
        write_groups(&rows, &sizes, sinks, &frames)?;
    }
    tidy.finish()?;
    past.map_or(Ok(()), Sink::finish)
}

/// The files a table too long for one row group is written to.
struct Sinks<'s, 'p> {
    tidy: &'s mut Sink<'p>,
    past: Option<&'s mut Sink<'p>>,
}

/// The reports whose values make the table.
struct Rows<'r, 'a> {
    counted: &'r [Counted<'a>],
    config: &'a Config,
}

type Frames<'f> = dyn Fn(&Group) -> PolarsResult<(DataFrame, Option<DataFrame>)> + 'f;

/// The row groups of a table too long for one, to each file.
fn write_groups(
    rows: &Rows<'_, '_>,
    sizes: &[usize],
    sinks: Sinks<'_, '_>,
    frames: &Frames<'_>,
) -> Result<(), OutputError> {
    let mut batch = Batch::new(chained(rows.config));
    let (tidy_schema, past_schema) = frames(&Batch::new(batch.chain).take())?;
    let mut tidy = ParquetWriter::new(&mut sinks.tidy.out).batched(tidy_schema.schema())?;
    let mut past = match (sinks.past, past_schema) {
        (Some(sink), Some(df)) => Some(ParquetWriter::new(&mut sink.out).batched(df.schema())?),
        _ => None,
    };
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
        let written = frames(&batch.take()).and_then(|(df, past_df)| {
            tidy.write_batch(&df)?;
            match (past.as_mut(), past_df) {
                (Some(writer), Some(df)) => writer.write_batch(&df),
                _ => Ok(()),
            }
        });
        if let Err(e) = written {
            failed = Some(e);
        }
    });
    if let Some(e) = failed {
        return Err(e.into());
    }
    tidy.finish()?;
    if let Some(writer) = past.as_mut() {
        writer.finish()?;
    }
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
