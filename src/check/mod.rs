//! Stage 2, check: every input file goes through read → `locate` →
//! `identify` → `validate` in parallel; then `provenance` gives each file its
//! email and sender, the schema's rules run over all files at once, the
//! submissions of the same unit and period are reconciled (the newest wins)
//! and the registry units that sent nothing are listed. A file emailed from
//! an address that is not one the registry gives its unit never replaces the
//! unit's own report: a stranger's file is held until staff confirm the
//! sender. The result (`model::submission::CheckResult`) is pure data for the
//! report renderers and for consolidation.

mod derived;
pub(crate) mod formula;
pub(crate) mod identify;
pub(crate) mod list_shape;
pub(crate) mod locate;
pub(crate) mod provenance;
pub(crate) mod rollup;
pub(crate) mod rules;
pub(crate) mod supersede;
pub(crate) mod timeliness;
pub(crate) mod validate;
mod value_columns;

use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::check::identify::identify;
use crate::check::locate::locate;
use crate::check::validate::validate;
use crate::config::Config;
use crate::model::book::FileInfo;
use crate::model::finding::{Code, Finding, sort_findings};
use crate::model::level::Reporting;
use crate::model::submission::SubmissionData;
use crate::model::submission::{CheckResult, Status, Submission};
use crate::read::ingest::read_file;

/// Runs one file through the pipeline. Never panics on bad input: every
/// problem is a finding.
pub fn check_file(path: &Path, config: &Config) -> Submission {
    finish_alone(read_and_assess(path, config), config)
}

/// The rules of a submission checked on its own, outside a run.
fn finish_alone(submission: Submission, config: &Config) -> Submission {
    let mut one = [submission];
    evaluate_rules(&mut one, config);
    let [submission] = one;
    submission
}

/// Reads and checks one file's cells; the rules come later, for the whole
/// batch at once.
fn read_and_assess(path: &Path, config: &Config) -> Submission {
    let (info, parsed) = match &config.reader_exe {
        Some(exe) => crate::read::isolate::read_file(exe, path, &config.limits),
        None => read_file(path, &config.limits),
    };
    assess(path, info, parsed, config)
}

/// The same for a file already in memory, parsed in this process (the
/// fuzzing entry point: bytes → findings).
pub fn check_bytes(bytes: Vec<u8>, name: &str, config: &Config) -> Submission {
    let info = FileInfo {
        size: bytes.len() as u64,
        sha256: crate::model::book::sha256_hex(&bytes),
        modified: None,
    };
    let parsed = crate::read::ingest::parse_bytes(bytes, &config.limits);
    finish_alone(assess(Path::new(name), Some(info), parsed, config), config)
}

/// Evaluates aggregates and rules of every readable submission in one batch,
/// then decides each submission's status from all its findings.
fn evaluate_rules(submissions: &mut [Submission], config: &Config) {
    if config.level.reporting == Reporting::Districts {
        evaluate_parts(submissions, config);
    }
    // A district's data table has no form of its own (its communes' were
    // evaluated above).
    let readable: Vec<usize> = (0..submissions.len())
        .filter(|&i| submissions[i].data.is_some() && !rollup::is_rollup(&submissions[i], config))
        .collect();
    let evaluated = {
        let data: Vec<&SubmissionData> = readable
            .iter()
            .filter_map(|&i| submissions[i].data.as_ref())
            .collect();
        crate::check::rules::evaluate(&config.schema, &config.window, &data)
    };
    for (&i, (aggregates, findings)) in readable.iter().zip(evaluated) {
        let s = &mut submissions[i];
        if let Some(data) = s.data.as_mut() {
            data.aggregates = aggregates;
        }
        s.findings.extend(findings);
    }
    for s in submissions.iter_mut() {
        sort_findings(&mut s.findings);
        s.status = if s.findings.iter().any(Finding::is_error) {
            Status::Rejected
        } else {
            Status::Accepted
        };
    }
}

/// The aggregates and rules of every commune inside the districts' data
/// tables, in one batch: the province's aggregates are the communes', and a
/// rule its districts did not enforce (another version of the form) is told.
fn evaluate_parts(submissions: &mut [Submission], config: &Config) {
    let evaluated = {
        let data: Vec<&SubmissionData> = submissions
            .iter()
            .filter_map(|s| s.data.as_ref())
            .flat_map(|d| d.parts.iter().map(|p| &p.data))
            .collect();
        crate::check::rules::evaluate(&config.schema, &config.window, &data)
    };
    let mut evaluated = evaluated.into_iter();
    for s in submissions.iter_mut() {
        let Some(data) = s.data.as_mut() else {
            continue;
        };
        for part in &mut data.parts {
            let Some((aggregates, findings)) = evaluated.next() else {
                return;
            };
            part.data.aggregates = aggregates;
            s.findings.extend(findings);
        }
    }
}

/// A file before anything was made of it: rejected until checked.
fn unread(path: &Path, info: Option<FileInfo>, config: &Config) -> Submission {
    Submission {
        path: path.to_path_buf(),
        file: config.source_path(path),
        info,
        format: None,
        unit: None,
        period: None,
        status: Status::Rejected,
        findings: Vec::new(),
        data: None,
        resubmission: None,
        mail: None,
        sender: crate::model::submission::Sender::Unchecked,
    }
}

fn assess(
    path: &Path,
    info: Option<FileInfo>,
    parsed: Result<crate::model::book::Book, Finding>,
    config: &Config,
) -> Submission {
    let mut submission = unread(path, info, config);
    let mut book = match parsed {
        Ok(book) => book,
        Err(finding) => {
            submission.findings.push(finding);
            return submission;
        }
    };
    submission.format = Some(book.format);
    // About how the file was read, whatever it holds.
    let unmatched = crate::read::legacy::fonts_unmatched(&book);
    let legacy = crate::read::legacy::normalize_book(&mut book);
    let (layout, mut findings) = locate(&book, &config.schema);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let identity = identify(
        &book,
        &layout,
        &config.schema,
        &config.registry,
        &config.level,
        &stem,
        (&config.period, &config.window),
    );
    submission.unit = identity.unit;
    let recognised = !findings
        .iter()
        .any(|f| f.code == Code::TemplateUnrecognized);
    // A file that is not the form is no version of the unit's report: with
    // no period it never replaces the report the unit sent (see `supersede`).
    submission.period = identity.period.filter(|_| recognised);
    // A file that is not the form gets one clear finding, not a cascade.
    if recognised {
        findings.extend(legacy);
        findings.extend(identity.findings);
        let (mut data, value_findings) = validate(&book, &layout, &config.schema);
        findings.extend(value_findings);
        data.unit_attributes = unit_attributes(submission.unit, config);
        submission.data = Some(data);
    }
    findings.extend(unmatched);
    submission.findings = findings;
    submission
}

/// The registry's attributes (dân số …) of the unit a file was identified
/// as, for its rules; none for an unidentified file.
fn unit_attributes(
    unit: Option<usize>,
    config: &Config,
) -> std::collections::BTreeMap<String, Option<f64>> {
    unit.map(|u| config.registry.units[u].attributes.clone())
        .unwrap_or_default()
}

fn progress_bar(len: usize, enabled: bool) -> ProgressBar {
    if !enabled || len < 8 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}") {
        bar.set_style(style);
    }
    bar
}

pub fn check_all(config: &Config) -> CheckResult {
    let bar = progress_bar(config.inputs.len(), config.progress);
    let districts = config.level.reporting == Reporting::Districts;
    let mut submissions: Vec<Submission> = config
        .inputs
        .par_iter()
        // A province over its districts reads each district's data table;
        // the other files of a district's build are not submissions, and
        // any other file is a district's own report on the form.
        .filter(|path| !(districts && rollup::is_companion(path)))
        .map(|path| {
            let s = if districts && (rollup::is_table(path) || rollup::is_lone_output(path)) {
                rollup::assess(path, config)
            } else {
                read_and_assess(path, config)
            };
            bar.inc(1);
            s
        })
        .collect();
    bar.finish_and_clear();
    submissions.sort_by(|a, b| a.file.cmp(&b.file));
    crate::check::provenance::annotate(&mut submissions, config);
    evaluate_rules(&mut submissions, config);
    hold_unconfirmed_senders(&mut submissions);
    supersede::supersede(&mut submissions);
    let unit_names: Vec<String> = config
        .registry
        .units
        .iter()
        .map(|u| u.name.clone())
        .collect();
    list_shape::across_units(&mut submissions, &config.schema, &unit_names);
    let sent = crate::model::submission::units_sent(&submissions, config.registry.units.len());
    let missing_units = (0..sent.len()).filter(|&u| !sent[u]).collect();
    CheckResult {
        submissions,
        missing_units,
    }
}

/// Files from an address in no unit's entry, for a unit the registry gives
/// addresses, are held whatever their findings: they are not the unit's
/// report until staff confirm the sender.
fn hold_unconfirmed_senders(submissions: &mut [Submission]) {
    for s in submissions
        .iter_mut()
        .filter(|s| s.sender == crate::model::submission::Sender::Unregistered)
    {
        s.status = Status::Held;
    }
}
