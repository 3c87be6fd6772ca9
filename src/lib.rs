//! tonghop: consolidate the Excel reports that communes send into district
//! workbooks and indicator tables.
//!
//! The pipeline, in the order data flows:
//! `ingest` (read files safely) → `locate` (find sheets, headers, rows by
//! label) → `identify` (unit and period) → `values` (parse Vietnamese-style
//! values) → `validate` (types, ranges, rules with polars) → `check`
//! (the whole run) → `consolidate` (polars aggregation) → `output` (workbook,
//! CSV, Parquet, JSON). Problems are `finding::Finding`s at every stage.

pub mod check;
pub mod cli;
pub mod config;
pub mod finding;
pub mod i18n;
pub mod identify;
pub mod ingest;
pub mod locate;
pub mod messages;
pub mod period;
pub mod registry;
pub mod report;
pub mod schema;
pub mod text;
pub mod validate;
pub mod values;

use crate::cli::{Cli, ReportFormat};
use crate::config::{Config, Mode};

/// What a successful run found, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    Findings,
}

pub fn run(cli: &Cli) -> anyhow::Result<Outcome> {
    let config = Config::resolve(cli)?;
    let result = check::check_all(&config);
    let report = match config.format {
        ReportFormat::Text => report::to_text(&result, &config),
        ReportFormat::Json => report::to_json(&result, &config),
    };
    match config.mode {
        Mode::Check => print!("{report}"),
        Mode::Build => {
            print!("{report}");
            anyhow::bail!(i18n::tr("lệnh build chưa có trong bản này", "build is not available in this version"));
        }
    }
    Ok(if result.has_errors() { Outcome::Findings } else { Outcome::Clean })
}
