//! `tonghop history`: what the history holds (schema, period, units, when
//! built, from which files), and `history import`: the data tables
//! (`…-du-lieu.parquet`) of earlier builds loaded as partitions.

use std::collections::BTreeSet;
use std::path::Path;

use polars::prelude::*;

use super::HistoryError;
use super::store;
use crate::model::finding::{Lang, Msg};
use crate::model::frame::{Columns, Out};

/// One partition as `history` lists it.
pub(crate) struct Entry {
    pub schema: String,
    pub period: String,
    pub units: usize,
    pub built_at: String,
    pub files: Vec<String>,
}

pub(crate) fn entries(project_dir: &Path) -> Result<Vec<Entry>, HistoryError> {
    let root = store::folder(project_dir);
    let mut out = Vec::new();
    for (schema, period, file) in store::partitions(&root) {
        let df = store::read_file(&file)?;
        out.push(Entry {
            schema,
            period,
            units: distinct(&df, "unit_code").len(),
            built_at: distinct(&df, "built_at")
                .into_iter()
                .next()
                .unwrap_or_default(),
            files: distinct(&df, "source_file").into_iter().collect(),
        });
    }
    Ok(out)
}

fn distinct(df: &DataFrame, column: &str) -> BTreeSet<String> {
    let cols = Columns::of(df);
    (0..df.height())
        .filter_map(|i| match cols.get(column, i) {
            Out::Text(t) => Some(t),
            _ => None,
        })
        .collect()
}

pub(crate) fn entries_text(project_dir: &Path, lang: Lang) -> Result<String, HistoryError> {
    let entries = entries(project_dir)?;
    let folder = store::folder(project_dir);
    if entries.is_empty() {
        return Ok(lang.pick(
            format!("Lịch sử số liệu ({}) chưa có kỳ nào.\n", folder.display()),
            format!("The history ({}) holds no period yet.\n", folder.display()),
        ));
    }
    let mut out = lang.pick(
        format!("Lịch sử số liệu ({}):\n", folder.display()),
        format!("History ({}):\n", folder.display()),
    );
    for e in &entries {
        out.push_str(&lang.pick(
            format!(
                "  {} {}: {} đơn vị, ghi lúc {}, từ {} tệp\n",
                e.schema,
                e.period,
                e.units,
                e.built_at,
                e.files.len()
            ),
            format!(
                "  {} {}: {} units, built {}, from {} file(s)\n",
                e.schema,
                e.period,
                e.units,
                e.built_at,
                e.files.len()
            ),
        ));
        for f in &e.files {
            out.push_str(&format!("      {f}\n"));
        }
    }
    Ok(out)
}

/// Loads every `SCHEMA-PERIOD-du-lieu.parquet` of an earlier build's output
/// folder into the history; returns what was loaded, one line each.
pub(crate) fn import(project_dir: &Path, from: &Path, lang: Lang) -> Result<String, HistoryError> {
    let io = |source| HistoryError::Io {
        path: from.to_path_buf(),
        source,
    };
    let mut names: Vec<_> = std::fs::read_dir(from)
        .map_err(io)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with("-du-lieu.parquet"))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(HistoryError::NotADataTable(Msg::new(
            format!(
                "không có bảng dữ liệu (…-du-lieu.parquet) nào trong {}",
                from.display()
            ),
            format!("no data table (…-du-lieu.parquet) in {}", from.display()),
        )));
    }
    let root = store::folder(project_dir);
    let mut out = String::new();
    for path in names {
        let (schema, period, df) = data_table(&path)?;
        let built_at = modified(&path);
        store::write(&root, &schema, &period, &df, &built_at)?;
        out.push_str(&lang.pick(
            format!("Đã nạp {} {} từ {}\n", schema, period, path.display()),
            format!("Imported {} {} from {}\n", schema, period, path.display()),
        ));
    }
    Ok(out)
}

/// A data table's schema id and period (from its name and its `period`
/// column, which must hold one period) and its rows.
fn data_table(path: &Path) -> Result<(String, String, DataFrame), HistoryError> {
    let df = store::read_file(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let periods = distinct(&df, "period");
    let wanted = [
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
    let missing: Vec<&str> = wanted
        .into_iter()
        .filter(|c| df.column(c).is_err())
        .collect();
    let schema = periods
        .iter()
        .next()
        .and_then(|p| name.strip_suffix(&format!("-{p}-du-lieu.parquet")));
    match (schema, periods.len(), missing.is_empty()) {
        (Some(schema), 1, true) => Ok((
            schema.to_string(),
            periods.into_iter().next().unwrap_or_default(),
            df,
        )),
        _ => Err(HistoryError::NotADataTable(Msg::new(
            format!(
                "{} không phải bảng dữ liệu của một lần tổng hợp (một kỳ, các cột {})",
                path.display(),
                wanted.join(", ")
            ),
            format!(
                "{} is not the data table of one build (one period, columns {})",
                path.display(),
                wanted.join(", ")
            ),
        ))),
    }
}

fn modified(path: &Path) -> String {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map(|t| {
            chrono::DateTime::<chrono::Utc>::from(t)
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        })
        .unwrap_or_default()
}
