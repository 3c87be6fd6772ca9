//! The commands: one function per `tonghop` subcommand, called from `run`
//! (lib.rs). Each resolves what it needs, drives the stages and prints what
//! a person reads; `show` is the `show` command's own module, `mail` (beside
//! this folder) the `mail` command's.

pub(crate) mod init;
pub(crate) mod schema_tools;
pub(crate) mod show;
pub(crate) mod units_import;
pub(crate) mod verify;

use anyhow::Context;

use crate::cli::{self, Cli, ReportFormat};
use crate::config::{self, Config, Mode};
use crate::model::submission::CheckResult;
use crate::model::{finding, schema, values};
use crate::output::report;
use crate::read::isolate;
use crate::{check, consolidate, history, mail, output};

/// What a successful run found, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    Findings,
}

/// `tonghop read`: the isolated reader's child process.
pub(crate) fn serve_reader(path: &std::path::Path) -> anyhow::Result<Outcome> {
    isolate::serve(path)?;
    Ok(Outcome::Clean)
}

/// `tonghop show`: what was read from one file.
pub(crate) fn show_file(cli: &Cli, args: &cli::ShowArgs) -> anyhow::Result<Outcome> {
    let config = config::ShowConfig::resolve(cli, args)?;
    print!("{}", show::run(&config)?);
    Ok(Outcome::Clean)
}

/// `tonghop template`: blank templates, for every unit, one or none.
pub(crate) fn write_templates(
    config: &Config,
    per_unit: bool,
    unit: Option<&str>,
) -> anyhow::Result<Outcome> {
    if let Some(code) = unit
        && config.registry.find_code(code).is_none()
    {
        anyhow::bail!(config.lang.pick(
            format!("không có đơn vị mã “{code}” trong danh sách đơn vị"),
            format!("no unit with code “{code}” in the registry")
        ));
    }
    let written = output::write_templates(config, per_unit, unit)?;
    println!(
        "{}",
        config.lang.pick(
            format!("Đã ghi {} biểu mẫu:", written.len()),
            format!("{} template(s) written:", written.len())
        )
    );
    for path in &written {
        println!("  {}", config.display_path(path));
    }
    Ok(Outcome::Clean)
}

/// `tonghop mail`: save the emailed reports into the inbox.
pub(crate) fn save_mail(
    config: &Config,
    sources: &[std::path::PathBuf],
) -> anyhow::Result<Outcome> {
    // `Config::resolve` refuses `mail` without an inbox.
    let inbox = config
        .inbox
        .as_deref()
        .ok_or(config::ConfigError::Missing { key: "inbox" })?;
    let report = mail::run(config, sources, inbox)?;
    print!("{}", report.to_text(config, inbox));
    Ok(if report.has_errors() {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// `tonghop check` and `tonghop build`: check every file, print the report,
/// write the feedback workbooks and, for `build`, the consolidated outputs.
/// A line for each `--accept-sender` address that sent no file of the run:
/// a mistyped address must not look as if it had accepted something.
fn unused_accepted_senders(result: &CheckResult, config: &Config) -> String {
    config
        .accept_senders
        .iter()
        .filter(|address| {
            !result
                .submissions
                .iter()
                .any(|s| s.mail.as_ref().is_some_and(|m| &m.from == *address))
        })
        .map(|address| {
            config.lang.pick(
                format!("Cảnh báo: không có tệp nào được gửi từ “{address}” (--accept-sender): hãy kiểm tra lại địa chỉ.\n"),
                format!("Warning: no file was sent from “{address}” (--accept-sender): check the address.\n"),
            )
        })
        .collect()
}

/// Gives the memory the check freed (every file's cells, read on the
/// worker threads) back to the system. glibc keeps a freed block in the
/// arena of the thread that freed it, and the outputs are then built on
/// other threads: without this, a 200,000-row list's cells stay resident
/// under the outputs' own peak.
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas; 0 keeps no pad.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Blocks of 256 KiB and more are mapped and unmapped by glibc rather than
/// kept in its heaps. By default glibc raises that threshold each time such
/// a block is freed (up to 32 MiB), after which the large buffers the check
/// and the outputs free stay resident.
fn map_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets one of glibc's allocation parameters.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

pub(crate) fn check_and_build(mut config: Config) -> anyhow::Result<Outcome> {
    map_large_blocks();
    // Each file is parsed by a child copy of this executable, with limits.
    config.reader_exe = std::env::current_exe().ok();
    let mut result = if history::rollup::is_rollup(&config) {
        history::rollup::check_result(&config)?
    } else {
        check::check_all(&config)
    };
    // The files' sheets are gone; what remains is the checked data.
    return_freed_memory();
    history::outliers::flag(&mut result, &config)?;
    eprint!("{}", unused_accepted_senders(&result, &config));
    let report = match config.format {
        ReportFormat::Text => report::to_text(&result, &config),
        ReportFormat::Json => report::to_json(&result, &config),
    };
    print!("{report}");
    if let Some(dir) = &config.feedback {
        write_feedback(&result, &config, dir)?;
    }
    if config.mode == Mode::Build {
        let mut consolidated = consolidate::consolidate(&result, &config).with_context(|| {
            config
                .lang
                .pick("không tổng hợp được số liệu", "consolidation failed")
        })?;
        history::compare::add_comparisons(&mut consolidated, &config)?;
        // The consolidation's intermediate frames are gone too.
        return_freed_memory();
        // The history's partition is written with the outputs (the tidy
        // Parquet's pass makes both) and recorded only once every output is
        // in place: a failed build leaves the history as it was.
        let written = history::record(&config, |tmp, built_at| {
            let file = output::tidy::HistoryFile {
                path: tmp,
                built_at,
            };
            output::write_outputs(&result, &consolidated, &config, Some(file))
                .map_err(anyhow::Error::from)
        })?;
        let summary = build_summary(&consolidated, &written, &config);
        // Keep stdout pure JSON when a machine asked for it.
        match config.format {
            ReportFormat::Text => print!("{summary}"),
            ReportFormat::Json => eprint!("{summary}"),
        }
    }
    Ok(if result.has_errors() {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// The feedback files for the communes, and the line saying where they are.
fn write_feedback(
    result: &CheckResult,
    config: &Config,
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    let written = output::write_feedback(result, config, dir)?;
    let line = config.lang.pick(
        format!(
            "\nĐã ghi {} tệp phản hồi vào {}\n",
            written.len(),
            config.display_path(dir)
        ),
        format!(
            "\n{} feedback file(s) written to {}\n",
            written.len(),
            config.display_path(dir)
        ),
    );
    match config.format {
        ReportFormat::Text => print!("{line}"),
        ReportFormat::Json => eprint!("{line}"),
    }
    Ok(())
}

/// Where the outputs are and the headline figures of the consolidating unit.
fn build_summary(
    c: &consolidate::Consolidated,
    written: &[std::path::PathBuf],
    config: &Config,
) -> String {
    let lang = config.lang;
    let mut out = String::new();
    out.push_str(lang.pick("\nĐã ghi kết quả:\n", "\nOutputs written:\n"));
    for path in written {
        out.push_str(&format!("  {}\n", config.display_path(path)));
    }
    let total = config.registry.units.len();
    let n = |count: usize| values::format_count(count, config.lang);
    if c.reporting < total {
        out.push_str(&lang.pick(format!(
                "\nLưu ý: chỉ {} / {} đơn vị có báo cáo hợp lệ; đơn vị bị loại hoặc chưa nộp không được tính (xem trang “Tình hình nộp”).\n",
                n(c.reporting),
                n(total)
            ), format!(
                "\nNote: only {} / {} units have an accepted report; rejected or missing units are not counted (see “Tình hình nộp”).\n",
                n(c.reporting),
                n(total)
            )));
    }
    out.push_str(&lang.pick(
        format!(
            "\nSố liệu tổng hợp của {} ({} / {} đơn vị báo cáo hợp lệ):\n",
            config.consolidating.name,
            n(c.reporting),
            n(total)
        ),
        format!(
            "\nConsolidated figures of {} ({} / {} units reporting):\n",
            config.consolidating.name,
            n(c.reporting),
            n(total)
        ),
    ));
    let df = &c.indicators;
    for (i, ind) in c.district_indicators(config) {
        let label = lang.pick(
            ind.label.as_str(),
            ind.label_en.as_deref().unwrap_or(&ind.label),
        );
        out.push_str(&format!(
            "  {label}: {}\n",
            indicator_figure(ind, df, i, config.lang)
        ));
    }
    out
}

/// An indicator as the summary shows it, spelt the way the language writes
/// numbers: "102,4", "19/22 (86,4%)" in Vietnamese; "—" when it has no value.
fn indicator_figure(
    ind: &schema::IndicatorDef,
    df: &polars::prelude::DataFrame,
    row: usize,
    lang: finding::Lang,
) -> String {
    use crate::model::frame::{Out, get};
    use crate::model::values::{Decimals, MAX_DECIMALS, Spelling, format_figure};
    let spelling = Spelling::In(lang);
    let whole = |n: f64| format_figure(n, Decimals::UpTo(MAX_DECIMALS), spelling);
    let value = get(df, "value", row);
    match (
        ind.display,
        get(df, "numerator", row),
        get(df, "denominator", row),
    ) {
        (schema::Display::Ratio, Out::Num(a), Out::Num(b)) => {
            let rate = match value {
                Out::Num(v) => format!(" ({}%)", format_figure(v, ind.decimals(), spelling)),
                _ => String::new(),
            };
            format!("{}/{}{rate}", whole(a), whole(b))
        }
        (schema::Display::Number, _, _) => match value {
            Out::Num(v) => format_figure(v, ind.decimals(), spelling),
            _ => "—".to_string(),
        },
        _ => "—".to_string(),
    }
}

/// `tonghop init DIR --unit CODE`: a ready project for a consolidating unit.
pub(crate) fn init_project(cli: &Cli, args: &cli::InitArgs) -> anyhow::Result<Outcome> {
    let lang = cli.lang.unwrap_or_default();
    print!(
        "{}",
        init::run(args, cli.schema.as_deref(), cli.period.as_deref(), lang)?
    );
    Ok(Outcome::Clean)
}

/// `tonghop units import FILE`: the statistics office's export → a registry.
pub(crate) fn units_command(cli: &Cli, command: &cli::UnitsCommand) -> anyhow::Result<Outcome> {
    let lang = cli.lang.unwrap_or_default();
    match command {
        cli::UnitsCommand::Import(args) => print!("{}", units_import::run(args, lang)?),
    }
    Ok(Outcome::Clean)
}

/// `tonghop history [import DIR]`: what the project's history holds, or
/// an earlier build's data tables loaded into it.
pub(crate) fn history_command(cli: &Cli, args: &cli::HistoryArgs) -> anyhow::Result<Outcome> {
    let lang = cli.lang.unwrap_or_default();
    let project = config::project_dir(cli)?;
    let text = match &args.command {
        None => history::listing::entries_text(&project, lang)?,
        Some(cli::HistoryCommand::Import { dir }) => {
            history::listing::import(&project, &project.join(dir), lang)?
        }
    };
    print!("{text}");
    Ok(Outcome::Clean)
}

/// `tonghop verify WORKBOOK`: does the workbook say what its sources say?
pub(crate) fn verify_workbook(cli: &Cli, args: &cli::VerifyArgs) -> anyhow::Result<Outcome> {
    verify::run(cli, args)
}

/// `tonghop schema infer FORM` and `tonghop schema check SCHEMA`.
pub(crate) fn schema_command(cli: &Cli, command: &cli::SchemaCommand) -> anyhow::Result<Outcome> {
    let lang = cli.lang.unwrap_or_default();
    match command {
        cli::SchemaCommand::Infer(args) => schema_tools::infer_command(args, lang),
        cli::SchemaCommand::Check(args) => schema_tools::check_command(args, lang),
    }
}

/// Registry problems are told before any commune file is read: with the
/// text report on stdout, else on stderr (stdout stays pure JSON).
pub(crate) fn tell_registry_findings(config: &Config) {
    let text = crate::model::registry_check::registry_findings_text(
        &config.registry_findings,
        config.lang,
    );
    match (&config.mode, config.format) {
        (Mode::Check | Mode::Build, ReportFormat::Text) => print!("{text}"),
        _ => eprint!("{text}"),
    }
}
