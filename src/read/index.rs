//! The index of saved attachments: one JSON file in the inbox
//! (`.tonghop-mail.json`, hidden so that `check` never reads it as a report)
//! recording, for every file `tonghop mail` saved, the message it came from.
//! `mail` reads it to save nothing twice; `check` and `build` read it to know
//! who sent a file and when. Written whole to a temporary file and renamed.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::finding::Lang;
use crate::model::i18n::Bilingual;

pub(crate) const FILE_NAME: &str = ".tonghop-mail.json";

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("{}", self.message(Lang::Vi))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", self.message(Lang::Vi))]
    Corrupt { path: PathBuf, message: String },
}

impl Bilingual for IndexError {
    fn message(&self, lang: Lang) -> String {
        match self {
            IndexError::Read { path, source } => lang.pick(
                format!(
                    "không đọc được tệp chỉ mục thư {}: {source}",
                    path.display()
                ),
                format!("cannot read the mail index {}: {source}", path.display()),
            ),
            IndexError::Corrupt { path, message } => lang.pick(
                format!(
                    "tệp chỉ mục thư {} bị hỏng ({message}); hãy sửa hoặc xoá tệp rồi chạy lại",
                    path.display()
                ),
                format!(
                    "the mail index {} is corrupt ({message}); fix or delete it and run again",
                    path.display()
                ),
            ),
        }
    }
}

/// One saved file and the message it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The file's name in the inbox.
    pub file: String,
    pub message_id: String,
    /// The sender's address, lower case.
    pub from: String,
    #[serde(default)]
    pub to: Vec<String>,
    /// The Date header as RFC 3339, in the sender's time zone.
    pub date: Option<String>,
    #[serde(default)]
    pub subject: String,
    /// The attachment's name as the sender gave it ("báo cáo.xlsx", or
    /// "archive.zip/báo cáo.xlsx" for a file taken out of a zip).
    #[serde(default)]
    pub original_name: String,
    pub sha256: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub version: u32,
    pub entries: Vec<Entry>,
}

impl Index {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(FILE_NAME)
    }

    /// The index of a folder; empty when the folder has none.
    pub fn load(dir: &Path) -> Result<Index, IndexError> {
        let path = Index::path(dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Index::default()),
            Err(source) => return Err(IndexError::Read { path, source }),
        };
        serde_json::from_str(&text).map_err(|e| IndexError::Corrupt {
            path,
            message: e.to_string(),
        })
    }

    /// The index as written: entries sorted by file name, pretty JSON.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut sorted = self.clone();
        sorted.version = 1;
        sorted.entries.sort_by(|a, b| a.file.cmp(&b.file));
        let mut text = serde_json::to_string_pretty(&sorted).expect("the index serialises");
        text.push('\n');
        text.into_bytes()
    }

    pub fn has_message(&self, message_id: &str) -> bool {
        self.entries.iter().any(|e| e.message_id == message_id)
    }

    pub fn by_sha(&self, sha256: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.sha256 == sha256)
    }

    pub fn by_file(&self, file: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.file == file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_sorted() {
        let entry = |file: &str| Entry {
            file: file.into(),
            message_id: "<a@b>".into(),
            from: "x@y".into(),
            to: vec![],
            date: None,
            subject: "s".into(),
            original_name: "o.xlsx".into(),
            sha256: file.into(),
        };
        let index = Index {
            version: 1,
            entries: vec![entry("b"), entry("a")],
        };
        let back: Index = serde_json::from_slice(&index.to_bytes()).unwrap();
        assert_eq!(back.entries[0].file, "a");
        assert!(back.has_message("<a@b>"));
        assert_eq!(back.by_sha("b").unwrap().file, "b");
    }
}
