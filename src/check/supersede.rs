//! Supersede: when a unit sent several files for one period, the newest
//! counts and the others are superseded; the newest learns what changed
//! since the one it replaces (values, problems fixed, new problems).

use std::time::SystemTime;

use crate::model::finding::{Code, Finding, Severity};
use crate::model::messages;
use crate::model::submission::{
    Change, FieldValue, Resubmission, Status, Submission, SubmissionData,
};

/// When a unit sent several files for the same period, the newest wins and
/// the others are superseded. Only files from a confirmed sender take part:
/// a file from another unit's address or a stranger's never replaces one
/// from the unit's own. Newest is the email's Date when both files
/// came by email (`tonghop mail`), else the modification time to the minute
/// (attachments saved in one sitting, or checked out from git, share it),
/// then the file name, so "…_lan2.xlsx" beats "….xlsx".
pub(crate) fn supersede(submissions: &mut [Submission]) {
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
            .unwrap_or_else(|| crate::model::text::clean(&fv.raw()))
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
        form_changes(o, n, &mut changes);
        list_changes(o, n, &mut changes);
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

/// A change of one value, placed at the cell it now comes from (else the
/// one it came from).
fn change(field: String, was: Option<&FieldValue>, is: Option<&FieldValue>) -> Option<Change> {
    let (before, after) = (shown(was), shown(is));
    if before == after {
        return None;
    }
    let source = is.or(was).map(|fv| &fv.source);
    Some(Change {
        field,
        sheet: source.map(|s| s.sheet.to_string()),
        cell: source.map(|s| s.a1()),
        old: before,
        new: after,
    })
}

/// The form fields whose values differ, in field order.
fn form_changes(o: &SubmissionData, n: &SubmissionData, changes: &mut Vec<Change>) {
    let mut fields: Vec<&String> = o.form.keys().chain(n.form.keys()).collect();
    fields.sort();
    fields.dedup();
    for field in fields {
        changes.extend(change(field.clone(), o.form.get(field), n.form.get(field)));
    }
}

/// The list cells whose values differ, row by row ("list[2].field").
fn list_changes(o: &SubmissionData, n: &SubmissionData, changes: &mut Vec<Change>) {
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
            let mut keys: Vec<&str> = a
                .iter()
                .flat_map(|r| r.values.keys())
                .chain(b.iter().flat_map(|r| r.values.keys()))
                .collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let was = a.and_then(|r| r.values.get(key));
                let is = b.and_then(|r| r.values.get(key));
                // A list cell is placed where it now is, never where it was.
                let Some(mut c) = change(format!("{list}[{}].{key}", i + 1), was, is) else {
                    continue;
                };
                if is.is_none() {
                    (c.sheet, c.cell) = (None, None);
                }
                changes.push(c);
            }
        }
    }
}

fn minute(t: Option<SystemTime>) -> Option<u64> {
    t.and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() / 60)
}
