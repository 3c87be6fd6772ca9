//! Stage 2, check: every input file goes through read → `locate` →
//! `identify` → `validate` in parallel; then `provenance` gives each file its
//! email and sender, the schema's rules run over all files at once, the
//! submissions of the same unit and period are reconciled (the newest wins)
//! and the registry units that sent nothing are listed. A file emailed from
//! an address that is not one the registry gives its unit never replaces the
//! unit's own report: a stranger's file is held until staff confirm the
//! sender. The result (`model::submission::CheckResult`) is pure data for the
//! report renderers and for consolidation.

pub mod formula;
pub mod identify;
pub mod locate;
pub mod provenance;
pub mod rules;
pub mod validate;

use std::io::IsTerminal;
use std::path::Path;
use std::time::SystemTime;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::check::identify::identify;
use crate::check::locate::locate;
use crate::check::validate::validate;
use crate::config::Config;
use crate::model::book::FileInfo;
use crate::model::finding::{Code, Finding, Severity, sort_findings};
use crate::model::messages;
use crate::model::submission::SubmissionData;
use crate::model::submission::{Change, CheckResult, Resubmission, Status, Submission};
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
    let readable: Vec<usize> = (0..submissions.len())
        .filter(|&i| submissions[i].data.is_some())
        .collect();
    let evaluated = {
        let data: Vec<&SubmissionData> = readable
            .iter()
            .filter_map(|&i| submissions[i].data.as_ref())
            .collect();
        crate::check::rules::evaluate(&config.schema, &config.period, &data)
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

fn assess(
    path: &Path,
    info: Option<FileInfo>,
    parsed: Result<crate::model::book::Book, Finding>,
    config: &Config,
) -> Submission {
    let mut submission = Submission {
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
    };
    let mut book = match parsed {
        Ok(book) => book,
        Err(finding) => {
            submission.findings.push(finding);
            return submission;
        }
    };
    submission.format = Some(book.format);
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
        &stem,
        &config.period,
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
        let (data, value_findings) = validate(&book, &layout, &config.schema);
        findings.extend(value_findings);
        submission.data = Some(data);
    }
    submission.findings = findings;
    submission
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
    let mut submissions: Vec<Submission> = config
        .inputs
        .par_iter()
        .map(|path| {
            let s = read_and_assess(path, config);
            bar.inc(1);
            s
        })
        .collect();
    bar.finish_and_clear();
    submissions.sort_by(|a, b| a.file.cmp(&b.file));
    crate::check::provenance::annotate(&mut submissions, config);
    evaluate_rules(&mut submissions, config);
    hold_unconfirmed_senders(&mut submissions);
    supersede(&mut submissions);
    let sent = units_sent(&submissions, config.registry.units.len());
    let missing_units = (0..sent.len()).filter(|&u| !sent[u]).collect();
    CheckResult {
        submissions,
        missing_units,
    }
}

/// Which registry units sent at least one file.
pub fn units_sent(submissions: &[Submission], units: usize) -> Vec<bool> {
    let mut sent = vec![false; units];
    for u in submissions.iter().filter_map(|s| s.unit) {
        sent[u] = true;
    }
    sent
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

/// When a unit sent several files for the same period, the newest wins and
/// the others are superseded. Only files from a confirmed sender take part:
/// a file from another unit's address or a stranger's never replaces one
/// from the unit's own. Newest is the email's Date when both files
/// came by email (`tonghop mail`), else the modification time to the minute
/// (attachments saved in one sitting, or checked out from git, share it),
/// then the file name, so "…_lan2.xlsx" beats "….xlsx".
fn supersede(submissions: &mut [Submission]) {
    let mut groups: std::collections::BTreeMap<(usize, String), Vec<usize>> = Default::default();
    for (i, s) in submissions.iter().enumerate() {
        if !s.sender.is_confirmed() {
            continue;
        }
        if let (Some(unit), Some(period)) = (s.unit, &s.period) {
            groups.entry((unit, period.id())).or_default().push(i);
        }
    }
    for members in groups.values().filter(|m| m.len() > 1) {
        let newest = *members
            .iter()
            .max_by(|&&a, &&b| newer(&submissions[a], &submissions[b]))
            .expect("non-empty group");
        let newest_file = submissions[newest].file.clone();
        // The file it replaces: the newest of the others.
        let previous = members
            .iter()
            .copied()
            .filter(|&i| i != newest)
            .max_by(|&a, &b| newer(&submissions[a], &submissions[b]))
            .expect("a group of two or more");
        let diff = resubmission(&submissions[previous], &submissions[newest]);
        submissions[newest].resubmission = Some(diff);
        for &i in members.iter().filter(|&&i| i != newest) {
            let s = &mut submissions[i];
            s.status = Status::Superseded;
            s.findings.insert(
                0,
                Finding::new(
                    Code::DuplicateSubmission,
                    messages::duplicate_submission(&newest_file),
                ),
            );
        }
    }
}

/// The order of a unit's files, oldest first (see `supersede`).
fn newer(a: &Submission, b: &Submission) -> std::cmp::Ordering {
    crate::check::provenance::compare_dates(a, b)
        .unwrap_or_else(|| minute(a.modified()).cmp(&minute(b.modified())))
        .then_with(|| a.file.cmp(&b.file))
}

/// A value as shown in a diff: what was read, else what was typed.
fn shown(v: Option<&crate::model::submission::FieldValue>) -> String {
    v.map(|fv| {
        fv.value
            .as_ref()
            .map(crate::model::values::Value::display)
            .unwrap_or_else(|| crate::model::text::clean(&fv.raw))
    })
    .unwrap_or_default()
}

/// A file's problems of one severity, as "code field/rule".
fn problem_keys(s: &Submission, severity: Severity) -> std::collections::BTreeSet<String> {
    s.findings
        .iter()
        .filter(|f| f.severity == severity && f.code != Code::DuplicateSubmission)
        .map(|f| {
            let what = f.rule.as_deref().or(f.field.as_deref()).unwrap_or("");
            format!("{} {what}", f.code).trim().to_string()
        })
        .collect()
}

/// Field by field and list row by list row, what the newer file changed.
fn resubmission(old: &Submission, new: &Submission) -> Resubmission {
    let mut changes = Vec::new();
    if let (Some(o), Some(n)) = (&old.data, &new.data) {
        let mut fields: Vec<&String> = o.form.keys().chain(n.form.keys()).collect();
        fields.sort();
        fields.dedup();
        for field in fields {
            let (before, after) = (shown(o.form.get(field)), shown(n.form.get(field)));
            if before != after {
                let source = n.form.get(field).or(o.form.get(field)).map(|fv| &fv.source);
                changes.push(Change {
                    field: field.clone(),
                    sheet: source.map(|s| s.sheet.clone()),
                    cell: source.map(|s| s.a1()),
                    old: before,
                    new: after,
                });
            }
        }
        let mut lists: Vec<&String> = o.lists.keys().chain(n.lists.keys()).collect();
        lists.sort();
        lists.dedup();
        for list in lists {
            let (ro, rn) = (
                o.lists.get(list).map(Vec::as_slice).unwrap_or(&[]),
                n.lists.get(list).map(Vec::as_slice).unwrap_or(&[]),
            );
            for i in 0..ro.len().max(rn.len()) {
                let (a, b) = (ro.get(i), rn.get(i));
                let mut keys: Vec<&String> = a
                    .iter()
                    .flat_map(|r| r.values.keys())
                    .chain(b.iter().flat_map(|r| r.values.keys()))
                    .collect();
                keys.sort();
                keys.dedup();
                for key in keys {
                    let (before, after) = (
                        shown(a.and_then(|r| r.values.get(key))),
                        shown(b.and_then(|r| r.values.get(key))),
                    );
                    if before != after {
                        let source = b.and_then(|r| r.values.get(key)).map(|fv| &fv.source);
                        changes.push(Change {
                            field: format!("{list}[{}].{key}", i + 1),
                            sheet: source.map(|s| s.sheet.clone()),
                            cell: source.map(|s| s.a1()),
                            old: before,
                            new: after,
                        });
                    }
                }
            }
        }
    }
    let (errors_was, errors_is) = (
        problem_keys(old, Severity::Error),
        problem_keys(new, Severity::Error),
    );
    let (warnings_was, warnings_is) = (
        problem_keys(old, Severity::Warning),
        problem_keys(new, Severity::Warning),
    );
    let mut fixed: Vec<String> = errors_was.difference(&errors_is).cloned().collect();
    fixed.extend(warnings_was.difference(&warnings_is).cloned());
    Resubmission {
        previous: old.file.clone(),
        changes,
        fixed,
        new_errors: errors_is.difference(&errors_was).cloned().collect(),
        new_warnings: warnings_is.difference(&warnings_was).cloned().collect(),
    }
}

fn minute(t: Option<SystemTime>) -> Option<u64> {
    t.and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() / 60)
}
