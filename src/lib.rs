//! tonghop: consolidate the Excel reports that communes send into district or
//! province workbooks and indicator tables (and, before the 2025 reform, a
//! province's districts' outputs into the province's).
//!
//! The pipeline, one folder per stage, in the order data flows (each stage
//! imports only the ones before it; `scripts/check_imports.py` keeps it so):
//! `model` (the shared types: book, schema, submission, findings, periods,
//! registry, values) ← `read` (open files safely, legacy fonts) ← `check`
//! (locate, identify, validate, rules, provenance, the whole run) ←
//! `consolidate` (polars aggregation) ← `history` (earlier periods: cùng kỳ,
//! roll-ups, outliers) ← `output` (report, workbook, tables,
//! templates, feedback) ← `commands` (one function per command, `show`;
//! `mail`), which `run` picks with one `match`.
//! Problems are `model::finding::Finding`s at every stage.

// A file that cannot be read is reported as its `Finding` (about 170 bytes)
// in the `Err` of the readers. It is built once per file, never in a loop,
// so boxing it would add a `*` at every caller and gain nothing measurable.
#![allow(clippy::result_large_err)]
#![warn(unreachable_pub)]

mod check;
pub mod cli;
mod commands;
mod config;
mod consolidate;
mod history;
mod mail;
mod model;
mod output;
mod read;

// The library's surface: what the binary, the tests, fuzz and the examples
// use. Everything else stays inside its stage.
pub use check::{check_all, check_bytes, check_file};
pub use commands::Outcome;
pub use commands::show::{Shown, inspect};
pub use config::{Config, ConsolidatingUnit};
pub use consolidate::consolidate;
pub use history::outliers::flag as flag_outliers;
pub use history::rollup::check_result as rollup_check;
pub use history::store::write as write_history;
pub use model::book::sha256_hex;
pub use model::finding::{Code, Finding, Lang, Severity};
pub use model::national::{Edition, NationalList, NationalUnit, list as national_list};
pub use model::period::Period;
pub use model::registry::{Registry, Unit};
pub use model::registry_check::registry_mismatches;
pub use model::schema::{FieldType, PeriodKind, Schema, SheetKind};
pub use model::submission::{CheckResult, FieldValue, Status, Submission, SubmissionData};
pub use model::values::Value;
pub use output::write_all;
pub use read::index::{Entry as MailIndexEntry, Index as MailIndex};
pub use read::ingest::{Limits, read_file};
pub use read::isolate::read_file as read_file_isolated;
pub use read::legacy::{encode_tcvn3, encode_vni, may_be_legacy};

use crate::cli::Cli;
use crate::commands::{
    check_and_build, history_command, init_project, save_mail, schema_command, serve_reader,
    show_file, tell_registry_findings, units_command, verify_workbook, write_templates,
};
use crate::config::Mode;

/// Runs the command the arguments name: one function per command.
pub fn run(cli: &Cli) -> anyhow::Result<Outcome> {
    use cli::Command;
    match &cli.command {
        Command::Read { path } => serve_reader(path),
        Command::Show(args) => show_file(cli, args),
        Command::Init(args) => init_project(cli, args),
        Command::Units(command) => units_command(cli, command),
        Command::Verify(args) => verify_workbook(cli, args),
        Command::Schema(command) => schema_command(cli, command),
        Command::History(args) => history_command(cli, args),
        Command::Check(_) | Command::Build(_) | Command::Template(_) | Command::Mail(_) => {
            let config = Config::resolve(cli)?;
            tell_registry_findings(&config);
            match &config.mode {
                Mode::Template { per_unit, unit } => {
                    write_templates(&config, *per_unit, unit.as_deref())
                }
                Mode::Mail { sources } => save_mail(&config, sources),
                Mode::Check | Mode::Build => check_and_build(config),
            }
        }
    }
}

/// The language a failed run tells its error in: `--lang`, else the
/// project's `tonghop.toml` (when it can be read), else Vietnamese.
pub fn error_lang(cli: &Cli) -> Lang {
    config::language(cli)
}

/// A failed run's error as the lines a person reads, in `lang`: the first
/// line of each distinct cause. Library errors (polars in particular) can be
/// long and repeat their causes.
pub fn error_lines(error: &anyhow::Error, lang: Lang) -> Vec<String> {
    let mut shown: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = bilingual(cause, lang).unwrap_or_else(|| cause.to_string());
        let line = text.lines().next().unwrap_or_default().trim().to_string();
        if !line.is_empty() && !shown.contains(&line) {
            shown.push(line);
        }
    }
    shown
}

/// The message of one of the crate's fatal errors, in `lang`; `None` for
/// the errors of other crates (they speak only their own language).
fn bilingual(cause: &(dyn std::error::Error + 'static), lang: Lang) -> Option<String> {
    use model::i18n::Bilingual;
    fn say<E: Bilingual + 'static>(
        cause: &(dyn std::error::Error + 'static),
        lang: Lang,
    ) -> Option<String> {
        cause.downcast_ref::<E>().map(|e| e.message(lang))
    }
    say::<config::ConfigError>(cause, lang)
        .or_else(|| say::<model::schema::SchemaError>(cause, lang))
        .or_else(|| say::<model::registry::RegistryError>(cause, lang))
        .or_else(|| say::<model::period::PeriodError>(cause, lang))
        .or_else(|| say::<read::index::IndexError>(cause, lang))
        .or_else(|| say::<output::OutputError>(cause, lang))
        .or_else(|| say::<mail::MailError>(cause, lang))
        .or_else(|| say::<history::HistoryError>(cause, lang))
}
