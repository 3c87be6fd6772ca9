//! `tonghop mail`: take the reports out of the emails communes send. Reads
//! .eml files, mbox files and folders of them, saves every spreadsheet
//! attachment into the configured inbox under a safe, informative name,
//! records where each came from in the inbox's index, and prints one entry
//! per message. Running it again saves nothing twice (by Message-ID and by
//! SHA-256). `check` and `build` then read the index (`annotate`): the
//! sender is checked against the registry's email addresses and the email's
//! Date decides which of a unit's files is the newest.

pub mod extract;
pub mod index;
pub mod mbox;
pub mod names;

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use crate::check::Submission;
use crate::config::Config;
use crate::finding::{Code, Finding};
use crate::i18n::tr;
use crate::messages;
use extract::{Found, Item, Meta};
use index::{Entry, Index, IndexError};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error("{}", tr(
        &format!("không tìm thấy {}", path.display()),
        &format!("{} does not exist", path.display())))]
    NoSuchPath { path: PathBuf },
}

/// Where a checked file came from, when `tonghop mail` saved it.
#[derive(Clone, Debug, PartialEq)]
pub struct MailMeta {
    pub from: String,
    pub to: Vec<String>,
    pub date: Option<DateTime<FixedOffset>>,
    pub subject: String,
    pub message_id: String,
    pub original_name: String,
}

impl MailMeta {
    fn of(entry: &Entry) -> MailMeta {
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

    /// "15/12/2023 09:30", in the sender's time zone.
    pub fn date_text(&self) -> String {
        self.date
            .map(|d| d.format("%d/%m/%Y %H:%M").to_string())
            .unwrap_or_default()
    }

    /// The date as RFC 3339, for the JSON report.
    pub fn date_rfc3339(&self) -> Option<String> {
        self.date.map(|d| d.to_rfc3339())
    }
}

/// Which of two files of a unit is newer by their emails' Date headers, when
/// both came by email.
pub fn compare_dates(a: &Submission, b: &Submission) -> Option<Ordering> {
    let da = a.mail.as_ref()?.date?;
    let db = b.mail.as_ref()?.date?;
    Some(da.cmp(&db))
}

/// What the registry says about who sent a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sender {
    /// Not saved by `tonghop mail`, or nothing to compare with: the registry
    /// lists no address for the file's unit, or the unit is not known.
    #[default]
    Unchecked,
    /// One of the addresses the registry gives the file's unit.
    Registered,
    /// Not the unit's address, but accepted by staff (`--accept-sender`).
    AcceptedByStaff,
    /// An address in no unit's entry, for a unit that has addresses: the
    /// file is held until staff confirm the sender.
    Unregistered,
    /// An address the registry gives another unit.
    OtherUnit,
}

impl Sender {
    /// Whether the file may count for its unit and replace the unit's other
    /// files: a file from a stranger never replaces the unit's own.
    pub fn is_confirmed(self) -> bool {
        !matches!(self, Sender::Unregistered | Sender::OtherUnit)
    }
}

/// Gives each submission that `tonghop mail` saved its email's metadata (from
/// the index in the file's folder, when the file still has the bytes that were
/// saved) and checks its sender against the registry.
pub fn annotate(submissions: &mut [Submission], config: &Config) {
    // Each folder's index, by file name.
    let mut indexes: std::collections::BTreeMap<PathBuf, HashMap<String, Entry>> =
        Default::default();
    for s in submissions.iter_mut() {
        let (Some(dir), Some(name)) = (s.path.parent(), s.path.file_name()) else {
            continue;
        };
        let index = indexes.entry(dir.to_path_buf()).or_insert_with(|| {
            let index = Index::load(dir).unwrap_or_else(|e| {
                eprintln!("tonghop: {e}");
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
        s.mail = Some(MailMeta::of(entry));
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

/// What one `tonghop mail` run did.
#[derive(Debug, Default)]
pub struct MailReport {
    pub lines: Vec<String>,
    pub messages: usize,
    pub saved: Vec<PathBuf>,
    /// Messages (by Message-ID) and attachments (by SHA-256) saved before.
    pub known: usize,
    /// Findings of attachments and messages that could not be used.
    pub problems: Vec<Finding>,
}

impl MailReport {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Finding::is_error)
    }

    pub fn to_text(&self, config: &Config, inbox: &Path) -> String {
        let mut out = String::new();
        for line in &self.lines {
            out.push_str(line);
            out.push('\n');
        }
        let errors = self.problems.iter().filter(|f| f.is_error()).count();
        let warnings = self.problems.len() - errors;
        out.push('\n');
        out.push_str(&tr(
            &format!(
                "Tổng kết: {} thư — đã lưu {} tệp mới vào {}; {} thư hoặc tệp đã lưu từ trước; {} lỗi, {} cảnh báo.\n",
                self.messages,
                self.saved.len(),
                config.display_path(inbox),
                self.known,
                errors,
                warnings
            ),
            &format!(
                "Summary: {} message(s) — {} new file(s) saved to {}; {} message(s) or file(s) saved before; {} error(s), {} warning(s).\n",
                self.messages,
                self.saved.len(),
                config.display_path(inbox),
                self.known,
                errors,
                warnings
            ),
        ));
        if self.saved.is_empty() {
            out.push_str(&tr(
                "Không có tệp mới nào được lưu.\n",
                "No new file was saved.\n",
            ));
        }
        out
    }
}

/// Text from a message made safe to print: no control characters.
fn shown(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// The files the sources name: files as given, folders expanded
/// recursively (sorted) to their .eml and mbox files.
fn expand(sources: &[PathBuf], inbox: &Path) -> Result<Vec<PathBuf>, MailError> {
    let mut files = Vec::new();
    for source in sources {
        if source.is_file() {
            files.push(source.clone());
        } else if source.is_dir() {
            walk(source, inbox, &mut files);
        } else {
            return Err(MailError::NoSuchPath {
                path: source.clone(),
            });
        }
    }
    Ok(files)
}

fn walk(dir: &Path, inbox: &Path, files: &mut Vec<PathBuf>) {
    if dir == inbox {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            walk(&path, inbox, files);
        } else if path.is_file() {
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            let mbox_without_extension = ext.is_empty()
                && std::fs::File::open(&path).is_ok_and(|mut f| {
                    let mut head = [0u8; 8];
                    std::io::Read::read(&mut f, &mut head).is_ok_and(|n| mbox::is_mbox(&head[..n]))
                });
            if ext == "eml" || ext == "mbox" || mbox_without_extension {
                files.push(path);
            }
        }
    }
}

/// Runs `tonghop mail` over the sources into the inbox.
pub fn run(config: &Config, sources: &[PathBuf], inbox: &Path) -> Result<MailReport, MailError> {
    std::fs::create_dir_all(inbox).map_err(|source| crate::output::OutputError::Io {
        path: inbox.to_path_buf(),
        source,
    })?;
    let mut index = Index::load(inbox)?;
    let mut report = MailReport::default();
    for file in expand(sources, inbox)? {
        let label = config.display_path(&file);
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) => {
                let f = Finding::new(
                    Code::FileUnreadable,
                    messages::file_unreadable(&e.to_string()),
                );
                report.lines.push(format!(
                    "{label}: {}: {}",
                    f.code,
                    f.message.get(config.lang)
                ));
                report.problems.push(f);
                continue;
            }
        };
        let messages: Vec<Vec<u8>> = if mbox::is_mbox(&bytes) {
            mbox::split(&bytes)
        } else {
            vec![bytes]
        };
        let many = messages.len() > 1;
        for (n, raw) in messages.iter().enumerate() {
            let place = if many {
                format!("{label} #{}", n + 1)
            } else {
                label.clone()
            };
            report.messages += 1;
            process(raw, &place, config, inbox, &mut index, &mut report)?;
        }
    }
    Ok(report)
}

fn process(
    raw: &[u8],
    place: &str,
    config: &Config,
    inbox: &Path,
    index: &mut Index,
    report: &mut MailReport,
) -> Result<(), MailError> {
    let lang = config.lang;
    let problem = |report: &mut MailReport, what: &str, f: Finding| {
        report.lines.push(format!(
            "    {} {what}: {}: {}",
            tr("bỏ qua", "skipped"),
            f.code,
            f.message.get(lang)
        ));
        report.problems.push(f);
    };
    // mail-parser is lenient, but a hostile message must never stop the run.
    let parsed = std::panic::catch_unwind(|| mail_parser::MessageParser::default().parse(raw))
        .ok()
        .flatten();
    let message = match parsed {
        Some(m) if !extract::is_malformed(&m) => m,
        _ => {
            report.lines.push(place.to_string());
            let detail = tr("không có phần đầu thư From, Date", "no From or Date header");
            problem(
                report,
                &tr("thư", "message"),
                Finding::new(Code::FileUnreadable, messages::mail_malformed(&detail)),
            );
            return Ok(());
        }
    };
    let fallback_id = format!("sha256:{}", crate::ingest::sha256_hex(raw));
    let meta = extract::meta_of(&message, &fallback_id);
    let date = meta
        .date
        .map(|d| d.format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_else(|| tr("(không ngày)", "(no date)"));
    let from = if meta.from.is_empty() {
        tr("(không rõ người gửi)", "(no sender)")
    } else {
        shown(&meta.from)
    };
    report.lines.push(format!(
        "{date}  {from}  “{}”  ({place})",
        shown(&meta.subject)
    ));
    if index.has_message(&meta.message_id) {
        report.known += 1;
        report.lines.push(format!(
            "    {}",
            tr(
                "thư này (cùng Message-ID) đã được lưu trước đó, bỏ qua",
                "this message (same Message-ID) was saved before, skipped"
            )
        ));
        return Ok(());
    }
    let found = extract::attachments(&message, &meta, &config.limits);
    if found.is_empty() {
        if extract::is_truncated(&message) {
            problem(
                report,
                &tr("thư", "message"),
                Finding::new(Code::FileUnreadable, messages::mail_truncated()),
            );
        } else {
            report.lines.push(format!(
                "    {}",
                tr("không có tệp bảng tính đính kèm", "no spreadsheet attached")
            ));
        }
        return Ok(());
    }
    let recorded = index.entries.len();
    for Found { meta, item } in found {
        match item {
            Item::Sheet {
                original,
                bytes,
                format,
            } => match save(inbox, index, &meta, &original, bytes, format.as_str())? {
                Saved::New(path) => {
                    report.lines.push(format!(
                        "    {} {} ← “{}”",
                        tr("đã lưu", "saved"),
                        config.display_path(&path),
                        shown(&original)
                    ));
                    report.saved.push(path);
                }
                Saved::Known(file) => {
                    report.known += 1;
                    report.lines.push(format!(
                        "    {} “{}”: {}",
                        tr("đã có", "already saved"),
                        shown(&original),
                        tr(
                            &format!("cùng nội dung với {file}"),
                            &format!("same bytes as {file}")
                        )
                    ));
                }
            },
            Item::Skipped { original, finding } => {
                let what = if original.is_empty() {
                    tr("tệp đính kèm không tên", "an unnamed attachment")
                } else {
                    format!("“{}”", shown(&original))
                };
                problem(report, &what, finding);
            }
            Item::Ignored { original } => report.lines.push(format!(
                "    {} “{}”: {}",
                tr("bỏ qua", "skipped"),
                shown(&original),
                tr("không phải bảng tính", "not a spreadsheet")
            )),
        }
    }
    if index.entries.len() > recorded {
        crate::output::commit(
            inbox,
            vec![(index::FILE_NAME.to_string(), index.to_bytes())],
        )?;
    }
    Ok(())
}

enum Saved {
    New(PathBuf),
    /// The same bytes are already in the inbox, under this name.
    Known(String),
}

/// Saves one spreadsheet under its safe name (numbered when the name is
/// taken by other bytes) and records it in the index (not yet written).
fn save(
    inbox: &Path,
    index: &mut Index,
    meta: &Meta,
    original: &str,
    bytes: Vec<u8>,
    ext: &str,
) -> Result<Saved, MailError> {
    let sha256 = crate::ingest::sha256_hex(&bytes);
    if let Some(entry) = index.by_sha(&sha256) {
        return Ok(Saved::Known(entry.file.clone()));
    }
    let base = names::saved_name(meta.date.as_ref(), &meta.from, original, ext);
    let entry = |file: &str| Entry {
        file: file.to_string(),
        message_id: meta.message_id.clone(),
        from: meta.from.clone(),
        to: meta.to.clone(),
        date: meta.date.map(|d| d.to_rfc3339()),
        subject: meta.subject.clone(),
        original_name: original.to_string(),
        sha256: sha256.clone(),
    };
    for n in 1..=1000 {
        let name = if n == 1 {
            base.clone()
        } else {
            names::numbered(&base, n)
        };
        debug_assert!(names::is_safe(&name), "{name}");
        let path = inbox.join(&name);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                crate::output::commit(inbox, vec![(name.clone(), bytes)])?;
                index.entries.push(entry(&name));
                return Ok(Saved::New(path));
            }
            // Saved before, but the index was lost: record it again.
            Ok(m)
                if m.is_file()
                    && std::fs::read(&path)
                        .is_ok_and(|b| crate::ingest::sha256_hex(&b) == sha256) =>
            {
                index.entries.push(entry(&name));
                return Ok(Saved::Known(name));
            }
            _ => continue,
        }
    }
    Err(MailError::Output(crate::output::OutputError::Io {
        path: inbox.join(&base),
        source: std::io::Error::other("too many files of this name"),
    }))
}
