//! Provenance: which email each file came in (from the inbox's index that
//! `tonghop mail` writes), whether its sender is one the registry gives its
//! unit, and which of a unit's files is newest by the emails' Date.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::PathBuf;

use chrono::DateTime;

use crate::config::Config;
use crate::model::finding::{Code, Finding};
use crate::model::i18n::Bilingual;
use crate::model::messages;
use crate::model::submission::{MailMeta, Sender, Submission};
use crate::read::index::{Entry, Index};

/// Which of two files of a unit is newer by their emails' Date headers, when
/// both came by email.
pub(crate) fn compare_dates(a: &Submission, b: &Submission) -> Option<Ordering> {
    let da = a.mail.as_ref()?.date?;
    let db = b.mail.as_ref()?.date?;
    Some(da.cmp(&db))
}

/// Gives each submission that `tonghop mail` saved its email's metadata (from
/// the index in the file's folder, when the file still has the bytes that were
/// saved) and checks its sender against the registry.
pub(crate) fn annotate(submissions: &mut [Submission], config: &Config) {
    // Each folder's index, by file name.
    let mut indexes: std::collections::BTreeMap<PathBuf, HashMap<String, Entry>> =
        Default::default();
    for s in submissions.iter_mut() {
        let (Some(dir), Some(name)) = (s.path.parent(), s.path.file_name()) else {
            continue;
        };
        let index = indexes.entry(dir.to_path_buf()).or_insert_with(|| {
            let index = Index::load(dir).unwrap_or_else(|e| {
                eprintln!("tonghop: {}", e.message(config.lang));
                Index::default()
            });
            index
                .entries
                .into_iter()
                .map(|e| (e.file.clone(), e))
                .collect()
        });
        let Some(entry) = index.get(name.to_string_lossy().as_ref()) else {
            continue;
        };
        let sha = s.info.as_ref().map(|i| i.sha256.as_str()).unwrap_or("");
        if sha != entry.sha256 {
            continue;
        }
        s.mail = Some(meta_of(entry));
        check_sender(s, config);
    }
}

/// Decides `s.sender` and adds `unit-sender-mismatch` / `sender-unknown`,
/// when the registry lists addresses at all and the file's unit is known.
fn check_sender(s: &mut Submission, config: &Config) {
    let registry = &config.registry;
    let (Some(unit), Some(meta)) = (s.unit, &s.mail) else {
        return;
    };
    if !registry.has_emails() || meta.from.is_empty() {
        return;
    }
    let unit_name = &registry.units[unit].name;
    let unit_has_addresses = !registry.units[unit].emails.is_empty();
    let finding = match registry.find_email(&meta.from) {
        Some(u) if u == unit => {
            s.sender = Sender::Registered;
            return;
        }
        // Staff vouched for this address (`--accept-sender`).
        _ if config.accept_senders.contains(&meta.from) => {
            s.sender = Sender::AcceptedByStaff;
            return;
        }
        Some(other) => {
            s.sender = Sender::OtherUnit;
            Finding::new(
                Code::UnitSenderMismatch,
                messages::unit_sender_mismatch(&meta.from, &registry.units[other].name, unit_name),
            )
        }
        // Nothing to compare with: the unit has no address on record.
        None if !unit_has_addresses => Finding::new(
            Code::SenderUnknown,
            messages::sender_unknown(&meta.from, unit_name),
        ),
        None => {
            s.sender = Sender::Unregistered;
            Finding::new(
                Code::SenderUnknown,
                messages::sender_unknown_held(&meta.from, unit_name),
            )
        }
    };
    // Sorted, and the status decided, with the rule findings that follow.
    s.findings.push(finding.value(meta.from.clone()));
}

/// The email metadata the inbox's index records for a file.
fn meta_of(entry: &Entry) -> MailMeta {
    MailMeta {
        from: entry.from.trim().to_lowercase(),
        to: entry.to.clone(),
        date: entry
            .date
            .as_deref()
            .and_then(|d| DateTime::parse_from_rfc3339(d).ok()),
        subject: entry.subject.clone(),
        message_id: entry.message_id.clone(),
        original_name: entry.original_name.clone(),
    }
}
