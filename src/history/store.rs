//! The history dataset on disk: `lich-su/` in the project folder, one
//! hive-style partition per schema and period
//! (`lich-su/schema=pcmd/period=2023/du-lieu.parquet`), so that polars or
//! DuckDB read the folder as one table. A partition holds one file, written
//! to a temporary name and renamed over the old one: re-building a period
//! replaces it atomically, and nothing else is ever rewritten.

use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars_io::SerReader;
use polars_io::prelude::{ParquetReader, ParquetWriter};

use super::HistoryError;

/// The history folder of a project.
pub(crate) const FOLDER: &str = "lich-su";
/// The one file of a partition.
const FILE: &str = "du-lieu.parquet";

/// The columns a partition's file holds (the schema and the period are the
/// partition's folder names, as hive partitioning wants).
pub(crate) const COLUMNS: [&str; 9] = [
    "unit_code",
    "unit_name",
    "sheet_id",
    "field",
    "row",
    "value",
    "source_file",
    "source_cell",
    "built_at",
];

pub(crate) fn folder(project_dir: &Path) -> PathBuf {
    project_dir.join(FOLDER)
}

fn partition(root: &Path, schema: &str, period: &str) -> PathBuf {
    root.join(format!("schema={schema}"))
        .join(format!("period={period}"))
}

/// Writes a period's accepted values (the tidy table of a build, or of an
/// imported one) as its partition, replacing what was there.
pub fn write(
    root: &Path,
    schema: &str,
    period: &str,
    tidy: &DataFrame,
    built_at: &str,
) -> Result<PathBuf, HistoryError> {
    let mut df = tidy
        .clone()
        .lazy()
        .with_column(lit(built_at.to_string()).alias("built_at"))
        .select(COLUMNS.iter().map(|c| col(*c)).collect::<Vec<_>>())
        .collect()?;
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df)?;
    write_with(root, schema, period, |tmp| {
        std::fs::write(tmp, &bytes).map_err(io(tmp))
    })?;
    Ok(partition(root, schema, period).join(FILE))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> HistoryError {
    let path = path.to_path_buf();
    move |source| HistoryError::Io { path, source }
}

/// Replaces a period's partition with the file `write` writes to the
/// temporary path it is given; when `write` fails, the history is left as
/// it was (the file removed, and the folders if they were made for it).
pub(crate) fn write_with<T, E: From<HistoryError>>(
    root: &Path,
    schema: &str,
    period: &str,
    write: impl FnOnce(&Path) -> Result<T, E>,
) -> Result<T, E> {
    let dir = partition(root, schema, period);
    let made: Vec<PathBuf> = [dir.parent().map(Path::to_path_buf), Some(dir.clone())]
        .into_iter()
        .flatten()
        .filter(|d| !d.exists())
        .collect();
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let tmp = dir.join(format!(".{FILE}.{}.tmp", std::process::id()));
    let dest = dir.join(FILE);
    let written = match write(&tmp) {
        Ok(written) => written,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            for d in made.iter().rev() {
                let _ = std::fs::remove_dir(d);
            }
            return Err(e);
        }
    };
    std::fs::rename(&tmp, &dest).map_err(io(&dest))?;
    Ok(written)
}

/// A period's partition, when the history holds it.
pub(crate) fn read(
    root: &Path,
    schema: &str,
    period: &str,
) -> Result<Option<DataFrame>, HistoryError> {
    let path = partition(root, schema, period).join(FILE);
    if !path.is_file() {
        return Ok(None);
    }
    read_file(&path).map(Some)
}

pub(crate) fn read_file(path: &Path) -> Result<DataFrame, HistoryError> {
    let file = std::fs::File::open(path).map_err(|source| HistoryError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(ParquetReader::new(file).finish()?)
}

/// Every partition the history holds: (schema, period, file), in name order.
pub(crate) fn partitions(root: &Path) -> Vec<(String, String, PathBuf)> {
    let mut out = Vec::new();
    for schema_dir in sorted_dirs(root) {
        let Some(schema) = key_value(&schema_dir, "schema") else {
            continue;
        };
        for period_dir in sorted_dirs(&schema_dir) {
            let file = period_dir.join(FILE);
            if let Some(period) = key_value(&period_dir, "period")
                && file.is_file()
            {
                out.push((schema.clone(), period, file));
            }
        }
    }
    out
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// "schema=pcmd" → "pcmd" for key "schema".
fn key_value(dir: &Path, key: &str) -> Option<String> {
    let name = dir.file_name()?.to_str()?;
    name.strip_prefix(key)?
        .strip_prefix('=')
        .map(str::to_string)
}
