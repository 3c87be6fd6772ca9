//! `tonghop mail`: take the reports out of the emails communes send. Reads
//! .eml files, mbox files and folders of them, saves every spreadsheet
//! attachment into the configured inbox under a safe, informative name,
//! records where each came from in the inbox's index, and prints one entry
//! per message. Running it again saves nothing twice (by Message-ID and by
//! SHA-256). The index is `read::index`; `check::provenance` reads it for
//! `check` and `build`.

pub(crate) mod extract;
pub(crate) mod mbox;
pub(crate) mod names;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::model::finding::{Code, Finding, Lang};
use crate::model::i18n::Bilingual;
use crate::model::messages;
use crate::read::index::{Entry, Index, IndexError};
use extract::{Found, Item, Meta};

#[derive(Debug, thiserror::Error)]
pub(crate) enum MailError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error("{}", self.message(Lang::Vi))]
    NoSuchPath { path: PathBuf },
}

impl Bilingual for MailError {
    fn message(&self, lang: Lang) -> String {
        match self {
            MailError::Index(e) => e.message(lang),
            MailError::Output(e) => e.message(lang),
            MailError::NoSuchPath { path } => lang.pick(
                format!("không tìm thấy {}", path.display()),
                format!("{} does not exist", path.display()),
            ),
        }
    }
}

/// What one `tonghop mail` run did.
#[derive(Debug, Default)]
pub(crate) struct MailReport {
    pub lines: Vec<String>,
    pub messages: usize,
    pub saved: Vec<PathBuf>,
    /// Messages (by Message-ID) and attachments (by SHA-256) saved before.
    pub known: usize,
    /// Findings of attachments and messages that could not be used.
    pub problems: Vec<Finding>,
}

impl MailReport {
    /// A message or attachment not saved, with the finding saying why.
    fn skip(&mut self, what: &str, f: Finding, lang: Lang) {
        self.lines.push(format!(
            "    {} {what}: {}: {}",
            lang.pick("bỏ qua", "skipped"),
            f.code,
            f.message.get(lang)
        ));
        self.problems.push(f);
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.problems.iter().any(Finding::is_error)
    }

    pub(crate) fn to_text(&self, config: &Config, inbox: &Path) -> String {
        let lang = config.lang;
        let mut out = String::new();
        for line in &self.lines {
            out.push_str(line);
            out.push('\n');
        }
        let errors = self.problems.iter().filter(|f| f.is_error()).count();
        let warnings = self.problems.len() - errors;
        out.push('\n');
        out.push_str(&lang.pick(
            format!(
                "Tổng kết: {} thư — đã lưu {} tệp mới vào {}; {} thư hoặc tệp đã lưu từ trước; {} lỗi, {} cảnh báo.\n",
                self.messages,
                self.saved.len(),
                config.display_path(inbox),
                self.known,
                errors,
                warnings
            ),
            format!(
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
            out.push_str(lang.pick(
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
pub(crate) fn run(
    config: &Config,
    sources: &[PathBuf],
    inbox: &Path,
) -> Result<MailReport, MailError> {
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
    let Some(message) = parse_message(raw) else {
        report.lines.push(place.to_string());
        let detail = lang.pick("không có phần đầu thư From, Date", "no From or Date header");
        report.skip(
            lang.pick("thư", "message"),
            Finding::new(Code::FileUnreadable, messages::mail_malformed(detail)),
            lang,
        );
        return Ok(());
    };
    let fallback_id = format!("sha256:{}", crate::model::book::sha256_hex(raw));
    let meta = extract::meta_of(&message, &fallback_id);
    report.lines.push(message_line(&meta, place, lang));
    if index.has_message(&meta.message_id) {
        report.known += 1;
        report.lines.push(format!(
            "    {}",
            lang.pick(
                "thư này (cùng Message-ID) đã được lưu trước đó, bỏ qua",
                "this message (same Message-ID) was saved before, skipped"
            )
        ));
        return Ok(());
    }
    let found = extract::attachments(&message, &meta, &config.limits);
    if found.is_empty() {
        tell_nothing_attached(&message, report, lang);
        return Ok(());
    }
    let recorded = index.entries.len();
    for Found { meta, item } in found {
        take(meta, item, config, inbox, index, report)?;
    }
    if index.entries.len() > recorded {
        crate::output::commit(
            inbox,
            vec![(crate::read::index::FILE_NAME.to_string(), index.to_bytes())],
        )?;
    }
    Ok(())
}

/// The message, unless it cannot be parsed or lacks its From and Date.
fn parse_message(raw: &[u8]) -> Option<mail_parser::Message<'_>> {
    // mail-parser is lenient, but a hostile message must never stop the run.
    std::panic::catch_unwind(|| mail_parser::MessageParser::default().parse(raw))
        .ok()
        .flatten()
        .filter(|m| !extract::is_malformed(m))
}

/// A message with no spreadsheet: cut short (a finding), or simply none.
fn tell_nothing_attached(message: &mail_parser::Message, report: &mut MailReport, lang: Lang) {
    if extract::is_truncated(message) {
        report.skip(
            lang.pick("thư", "message"),
            Finding::new(Code::FileUnreadable, messages::mail_truncated()),
            lang,
        );
    } else {
        report.lines.push(format!(
            "    {}",
            lang.pick("không có tệp bảng tính đính kèm", "no spreadsheet attached")
        ));
    }
}

/// The line naming a message: its date, sender, subject and where it was.
fn message_line(meta: &Meta, place: &str, lang: Lang) -> String {
    let date = meta
        .date
        .map(|d| d.format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_else(|| lang.pick("(không ngày)", "(no date)").to_string());
    let from = if meta.from.is_empty() {
        lang.pick("(không rõ người gửi)", "(no sender)").to_string()
    } else {
        shown(&meta.from)
    };
    format!("{date}  {from}  “{}”  ({place})", shown(&meta.subject))
}

/// One attachment: saved (or already saved), or skipped with the reason.
fn take(
    meta: Meta,
    item: Item,
    config: &Config,
    inbox: &Path,
    index: &mut Index,
    report: &mut MailReport,
) -> Result<(), MailError> {
    let lang = config.lang;
    match item {
        Item::Sheet {
            original,
            bytes,
            format,
        } => match save(inbox, index, &meta, &original, bytes, format.as_str())? {
            Saved::New(path) => {
                report.lines.push(format!(
                    "    {} {} ← “{}”",
                    lang.pick("đã lưu", "saved"),
                    config.display_path(&path),
                    shown(&original)
                ));
                report.saved.push(path);
            }
            Saved::Known(file) => {
                report.known += 1;
                report.lines.push(format!(
                    "    {} “{}”: {}",
                    lang.pick("đã có", "already saved"),
                    shown(&original),
                    lang.pick(
                        format!("cùng nội dung với {file}"),
                        format!("same bytes as {file}")
                    )
                ));
            }
        },
        Item::Skipped { original, finding } => {
            let what = if original.is_empty() {
                lang.pick("tệp đính kèm không tên", "an unnamed attachment")
                    .to_string()
            } else {
                format!("“{}”", shown(&original))
            };
            report.skip(&what, finding, lang);
        }
        Item::Ignored { original } => report.lines.push(format!(
            "    {} “{}”: {}",
            lang.pick("bỏ qua", "skipped"),
            shown(&original),
            lang.pick("không phải bảng tính", "not a spreadsheet")
        )),
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
    let sha256 = crate::model::book::sha256_hex(&bytes);
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
                        .is_ok_and(|b| crate::model::book::sha256_hex(&b) == sha256) =>
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
