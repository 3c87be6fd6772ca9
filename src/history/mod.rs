//! Stage 3b, history: what earlier builds accepted, kept in the project
//! folder (`store`: a hive-partitioned Parquet dataset, one partition per
//! schema and period), and what a build draws from it — the same period of
//! last year and the period before beside this period's indicators
//! (`compare`, with old communes mapped to the new ones across the 2025
//! merger by `lineage`), periods added up into longer ones (`rollup`) and
//! figures that jump against their past or stand apart (`outliers`). With
//! no history the outputs are exactly those of a build without this stage.

pub(crate) mod compare;
pub(crate) mod lineage;
pub(crate) mod listing;
pub(crate) mod outliers;
pub(crate) mod prior;
pub(crate) mod rollup;
pub(crate) mod store;

use std::path::PathBuf;

use crate::config::Config;
use crate::model::finding::Lang;
use crate::model::i18n::Bilingual;

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{}", self.message(Lang::Vi))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", self.message(Lang::Vi))]
    Polars(#[from] polars::prelude::PolarsError),
    /// A file given to `history import` that is not a data table of a
    /// build.
    #[error("{}", self.message(Lang::Vi))]
    NotADataTable(crate::model::finding::Msg),
    /// A roll-up the schema does not say how to make.
    #[error("{}", self.message(Lang::Vi))]
    Rollup(crate::model::finding::Msg),
}

impl Bilingual for HistoryError {
    fn message(&self, lang: Lang) -> String {
        match self {
            HistoryError::Io { path, source } => lang.pick(
                format!(
                    "không đọc/ghi được lịch sử số liệu {}: {source}",
                    path.display()
                ),
                format!(
                    "cannot read or write the history {}: {source}",
                    path.display()
                ),
            ),
            HistoryError::Polars(e) => lang.pick(
                format!("lỗi khi đọc lịch sử số liệu: {e}"),
                format!("history table error: {e}"),
            ),
            HistoryError::NotADataTable(text) | HistoryError::Rollup(text) => {
                text.get(lang).to_string()
            }
        }
    }
}

/// When the build ran, as the history lists it: SOURCE_DATE_EPOCH when set
/// (a reproducible build gives the same bytes), else now. Unlike the
/// workbook's creation time it is not the inputs' newest time: `tonghop
/// history` says when each period was built.
fn built_at() -> chrono::DateTime<chrono::Utc> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .unwrap_or_else(chrono::Utc::now)
}

/// Records the build's accepted values as the partition of its schema and
/// period. Called only once every output was written: a failed build
/// leaves the history as it was.
/// `write` writes the partition's file (`store::COLUMNS`, the given time
/// of building) to the temporary path it is given, with the outputs, and
/// the file then replaces the partition: the long table goes straight to
/// its files, never held whole, and is read once for all of them.
pub(crate) fn record<T, E: From<HistoryError>>(
    config: &Config,
    write: impl FnOnce(&std::path::Path, &str) -> Result<T, E>,
) -> Result<T, E> {
    let root = store::folder(&config.project_dir);
    let built_at = built_at().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    store::write_with(&root, config.schema.id(), &config.period.id(), |tmp| {
        write(tmp, &built_at)
    })
}
