//! Sniffing and the zip guard: recognise a file's format by its first bytes
//! (never by its extension: communes rename .xls to .xlsx), refuse the
//! formats tonghop does not read, and look at a zip's central directory
//! (entry count, sizes, compression ratio) before anything is inflated.

use std::io::Cursor;

use crate::model::finding::{Code, Finding};
use crate::model::messages;
use crate::read::ingest::{Limits, unreadable, unsupported};

#[derive(Clone, Copy, Debug)]
pub(super) enum Sniffed {
    Zip,
    Ole,
}

pub(super) fn sniff(bytes: &[u8]) -> Result<Sniffed, Finding> {
    const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Ok(Sniffed::Zip);
    }
    if bytes.starts_with(&OLE) {
        return Ok(Sniffed::Ole);
    }
    // BIFF2-4 worksheets start with a BOF record 0x0009/0x0209/0x0409.
    if bytes.len() >= 4 && matches!(bytes[0..2], [0x09, 0x00] | [0x09, 0x02] | [0x09, 0x04]) {
        return Err(unsupported("Excel 2.x–4.x (BIFF2–4)"));
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_lowercase();
    if head.contains("urn:schemas-microsoft-com:office:spreadsheet") {
        return Err(unsupported("XML Spreadsheet 2003"));
    }
    if head.contains("<html") || head.contains("<table") {
        return Err(unsupported("HTML"));
    }
    if bytes.is_empty() {
        return Err(unreadable("empty file"));
    }
    Err(Finding::new(
        Code::FileUnreadable,
        messages::not_a_spreadsheet(),
    ))
}

/// Looks at the zip central directory before anything is inflated; returns
/// the entries' names.
pub(crate) fn check_zip(bytes: &[u8], limits: &Limits) -> Result<Vec<String>, Finding> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&format!("zip: {e}")))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        // Raw access reads the directory entry without inflating anything.
        let Ok(entry) = archive.by_index_raw(i) else {
            continue;
        };
        let (size, compressed) = (entry.size(), entry.compressed_size().max(1));
        let entry = entry.name().map(|n| n.to_string()).unwrap_or_default();
        total = total.saturating_add(size);
        if size > limits.max_uncompressed_bytes {
            return Err(Finding::new(
                Code::FileTooLarge,
                messages::file_too_large_entry(&entry, size, limits.max_uncompressed_bytes),
            ));
        }
        if size > 1024 * 1024 && size / compressed > limits.max_entry_ratio {
            return Err(Finding::new(
                Code::FileTooLarge,
                messages::file_too_large_ratio(&entry, size / compressed, limits.max_entry_ratio),
            ));
        }
    }
    if total > limits.max_uncompressed_bytes {
        return Err(Finding::new(
            Code::FileTooLarge,
            messages::file_too_large_entry("*", total, limits.max_uncompressed_bytes),
        ));
    }
    Ok(archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.to_string())
        .collect())
}

pub(super) fn zip_names(bytes: &[u8]) -> Vec<String> {
    zip::ZipArchive::new(Cursor::new(bytes))
        .map(|a| {
            a.file_names()
                .filter_map(Result::ok)
                .map(|n| n.to_string())
                .collect()
        })
        .unwrap_or_default()
}
