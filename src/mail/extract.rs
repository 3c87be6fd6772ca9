//! What a message carries: its sender, date and subject, and every
//! spreadsheet in it — attachments recognised by their content (never by the
//! name or content type the sender's program gave), those inside forwarded
//! messages (message/rfc822) and inside .zip attachments. Everything that
//! cannot be used (winmail.dat, a password-protected or bomb archive, a file
//! over the size limit, a "spreadsheet" in name only, a truncated part)
//! becomes a finding; nothing here writes a file.

use std::io::{Cursor, Read};

use chrono::{DateTime, FixedOffset, NaiveDate};
use mail_parser::{Message, MessagePart, MimeHeaders, PartType};

use crate::model::book::Format;
use crate::model::finding::{Code, Finding};
use crate::model::messages;
use crate::read::ingest::Limits;

/// More entries than this in a zip attachment is a hostile archive.
pub(crate) const MAX_ZIP_ENTRIES: usize = 1000;

/// Forwarded messages nested deeper than this are not opened.
const MAX_DEPTH: usize = 8;

/// The headers of a message that matter to district staff.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Meta {
    pub message_id: String,
    /// Lower case.
    pub from: String,
    pub to: Vec<String>,
    pub date: Option<DateTime<FixedOffset>>,
    pub subject: String,
}

/// One thing found in a message.
#[derive(Debug)]
pub(crate) enum Item {
    /// A spreadsheet to save: its name as sent ("a.zip/b.xlsx" inside a zip).
    Sheet {
        original: String,
        bytes: Vec<u8>,
        format: Format,
    },
    /// An attachment that could have been a report but cannot be used.
    Skipped { original: String, finding: Finding },
    /// A named attachment that is not a spreadsheet (a PDF, a photo).
    Ignored { original: String },
}

/// An item and the message it was found in (a forwarded message's own
/// headers when it has them).
#[derive(Debug)]
pub(crate) struct Found {
    pub meta: Meta,
    pub item: Item,
}

/// A mail-parser date as a chrono date with its offset.
pub(crate) fn to_chrono(d: &mail_parser::DateTime) -> Option<DateTime<FixedOffset>> {
    let seconds = i32::from(d.tz_hour) * 3600 + i32::from(d.tz_minute) * 60;
    let offset = FixedOffset::east_opt(if d.tz_before_gmt { -seconds } else { seconds })?;
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))?
        .and_hms_opt(u32::from(d.hour), u32::from(d.minute), u32::from(d.second))?
        .and_local_timezone(offset)
        .single()
}

/// The headers of a message; `fallback_id` when it has no Message-ID.
pub(crate) fn meta_of(message: &Message<'_>, fallback_id: &str) -> Meta {
    let address = |a: &mail_parser::Addr<'_>| a.address().map(|s| printable(s).to_lowercase());
    Meta {
        message_id: message
            .message_id()
            .map(|id| id.trim().to_string())
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| fallback_id.to_string()),
        from: message
            .from()
            .and_then(|a| a.first())
            .and_then(address)
            .unwrap_or_default(),
        to: message
            .to()
            .map(|a| a.iter().filter_map(address).collect())
            .unwrap_or_default(),
        date: message.date().and_then(to_chrono),
        subject: message
            .subject()
            .map(|t| crate::model::text::clean(&printable(t)))
            .unwrap_or_default(),
    }
}

/// Header text without control characters (a subject is printed to
/// terminals and written to workbooks).
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Whether a message has no headers a message has: not an email at all.
pub(crate) fn is_malformed(message: &Message<'_>) -> bool {
    message.from().is_none()
        && message.date().is_none()
        && message.message_id().is_none()
        && message.subject().is_none()
}

/// Whether some multipart body lacks its closing boundary: the message (or
/// the mbox it came from) was cut off.
pub(crate) fn is_truncated(message: &Message<'_>) -> bool {
    let raw = message.raw_message();
    message.parts.iter().any(|part| match &part.body {
        PartType::Multipart(_) => part
            .content_type()
            .and_then(|ct| ct.attribute("boundary"))
            .is_some_and(|b| !contains(raw, format!("--{b}--").as_bytes())),
        PartType::Message(inner) => is_truncated(inner),
        _ => false,
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every attachment of a message, forwarded messages included, in order.
pub(crate) fn attachments(message: &Message<'_>, meta: &Meta, limits: &Limits) -> Vec<Found> {
    let mut out = Vec::new();
    let truncated = is_truncated(message);
    walk(
        message,
        message.raw_message(),
        meta,
        limits,
        truncated,
        0,
        &mut out,
    );
    out
}

/// `root` is the outermost message's bytes: part offsets, nested messages'
/// included, point into it.
fn walk(
    message: &Message<'_>,
    root: &[u8],
    meta: &Meta,
    limits: &Limits,
    truncated: bool,
    depth: usize,
    out: &mut Vec<Found>,
) {
    for part in &message.parts {
        match &part.body {
            PartType::Multipart(_) => {}
            PartType::Message(inner) => {
                if depth >= MAX_DEPTH {
                    continue;
                }
                // A forwarded report keeps its author's headers.
                let inner_meta = if inner.from().is_some() {
                    meta_of(inner, &meta.message_id)
                } else {
                    meta.clone()
                };
                walk(inner, root, &inner_meta, limits, truncated, depth + 1, out);
            }
            PartType::Text(_) | PartType::Html(_) => {
                // Message bodies, unless the part is a named attachment that
                // the sender's program labelled as text.
                let attached = part.attachment_name().is_some()
                    || part
                        .content_disposition()
                        .is_some_and(|cd| cd.c_type.eq_ignore_ascii_case("attachment"));
                if attached {
                    let bytes = raw_body(root, part).unwrap_or_else(|| part.contents().to_vec());
                    consider(part, bytes, meta, limits, truncated, out);
                }
            }
            PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
                consider(part, bytes.to_vec(), meta, limits, truncated, out);
            }
        }
    }
}

/// A text-typed part's bytes decoded from the transfer encoding only, so that
/// a spreadsheet labelled text/plain is not mangled by charset decoding.
fn raw_body(root: &[u8], part: &MessagePart<'_>) -> Option<Vec<u8>> {
    let raw = root.get(part.offset_body as usize..part.offset_end as usize)?;
    match part
        .content_transfer_encoding()?
        .to_ascii_lowercase()
        .as_str()
    {
        "base64" => mail_parser::decoders::base64::base64_decode(raw),
        "quoted-printable" => mail_parser::decoders::quoted_printable::quoted_printable_decode(raw),
        _ => None,
    }
}

const SHEET_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods", "xlt", "xltx", "csv"];

fn named_as_sheet(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| SHEET_EXTENSIONS.contains(&ext.trim().to_lowercase().as_str()))
}

fn is_tnef(name: &str, content_type: &str, bytes: &[u8]) -> bool {
    name.trim().eq_ignore_ascii_case("winmail.dat")
        || content_type.contains("ms-tnef")
        || bytes.starts_with(&[0x78, 0x9f, 0x3e, 0x22])
}

fn consider(
    part: &MessagePart<'_>,
    bytes: Vec<u8>,
    meta: &Meta,
    limits: &Limits,
    truncated: bool,
    out: &mut Vec<Found>,
) {
    let name = part.attachment_name().unwrap_or_default().to_string();
    let push = |out: &mut Vec<Found>, item: Item| {
        out.push(Found {
            meta: meta.clone(),
            item,
        })
    };
    if let Some(finding) = refused(&name, &content_type(part), &bytes, limits) {
        push(
            out,
            Item::Skipped {
                original: name,
                finding,
            },
        );
        return;
    }
    let damaged = truncated || part.is_encoding_problem;
    match sniff(&bytes) {
        Sniff::Archive => {
            for item in unzip(&name, &bytes, limits) {
                push(out, item);
            }
        }
        sniffed => {
            if let Some(item) = attachment_item(sniffed, name, bytes, damaged) {
                push(out, item);
            }
        }
    }
}

/// "type/subtype" of a part, in lower case.
fn content_type(part: &MessagePart<'_>) -> String {
    part.content_type()
        .map(|ct| {
            format!(
                "{}/{}",
                ct.c_type,
                ct.c_subtype.as_deref().unwrap_or_default()
            )
            .to_lowercase()
        })
        .unwrap_or_default()
}

/// Why an attachment is not even looked into: Outlook's TNEF wrapper
/// (winmail.dat), or a size over the limit.
fn refused(name: &str, content_type: &str, bytes: &[u8], limits: &Limits) -> Option<Finding> {
    if is_tnef(name, content_type, bytes) {
        let shown = if name.is_empty() { "winmail.dat" } else { name };
        return Some(Finding::new(
            Code::FileUnsupported,
            messages::mail_tnef(shown),
        ));
    }
    (bytes.len() as u64 > limits.max_file_bytes).then(|| {
        Finding::new(
            Code::FileTooLarge,
            messages::file_too_large_bytes(bytes.len() as u64, limits.max_file_bytes),
        )
        .value(name.to_string())
    })
}

/// What an attachment that is no archive is: a spreadsheet, a broken one
/// (`damaged`: the message was cut short or badly encoded), a named file
/// that is no report, or nothing worth a line.
fn attachment_item(sniffed: Sniff, name: String, bytes: Vec<u8>, damaged: bool) -> Option<Item> {
    let broken = |detail: &str| {
        if damaged {
            Finding::new(Code::FileUnreadable, messages::mail_truncated())
        } else {
            Finding::new(Code::FileUnreadable, messages::file_unreadable(detail))
        }
    };
    let skipped = |finding: Finding| Item::Skipped {
        original: name.clone(),
        finding,
    };
    match sniffed {
        Sniff::Sheet(format) => Some(Item::Sheet {
            original: name.clone(),
            bytes,
            format,
        }),
        Sniff::Corrupt(detail) => Some(skipped(broken(&detail))),
        Sniff::Other if named_as_sheet(&name) => Some(skipped(if damaged {
            broken("")
        } else {
            Finding::new(Code::FileUnreadable, messages::mail_not_spreadsheet(&name))
        })),
        Sniff::Other if !name.is_empty() => Some(Item::Ignored { original: name }),
        Sniff::Other | Sniff::Archive => None,
    }
}

#[derive(Debug, PartialEq)]
enum Sniff {
    Sheet(Format),
    /// A plain zip archive, to open.
    Archive,
    /// A zip or OLE container that does not open: truncated or damaged.
    Corrupt(String),
    Other,
}

const ODS_MIME: &str = "application/vnd.oasis.opendocument.spreadsheet";

/// The spreadsheet format of some bytes, by content alone.
fn sniff(bytes: &[u8]) -> Sniff {
    const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
            Ok(a) => a,
            Err(e) => return Sniff::Corrupt(format!("zip: {e}")),
        };
        let names: Vec<String> = archive
            .file_names()
            .filter_map(Result::ok)
            .map(|n| n.to_string())
            .collect();
        let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
        if has("xl/workbook.xml") {
            return Sniff::Sheet(if has("xl/vbaProject.bin") {
                Format::Xlsm
            } else {
                Format::Xlsx
            });
        }
        if has("xl/workbook.bin") {
            return Sniff::Sheet(Format::Xlsb);
        }
        if has("mimetype") {
            let mut head = Vec::new();
            if let Ok(entry) = archive.by_name("mimetype") {
                let _ = entry.take(100).read_to_end(&mut head);
            }
            return if String::from_utf8_lossy(&head).trim() == ODS_MIME {
                Sniff::Sheet(Format::Ods)
            } else {
                // Another OpenDocument file (text, presentation).
                Sniff::Other
            };
        }
        if has("content.xml") && has("META-INF/manifest.xml") {
            return Sniff::Sheet(Format::Ods);
        }
        if has("[Content_Types].xml") {
            // Another OOXML package (Word, PowerPoint).
            return Sniff::Other;
        }
        return Sniff::Archive;
    }
    if bytes.starts_with(&OLE) {
        return match cfb::CompoundFile::open(Cursor::new(bytes)) {
            Err(e) => Sniff::Corrupt(format!("OLE: {e}")),
            // An encrypted xlsx: saved, and `check` says it is protected.
            Ok(c) if c.is_stream("/EncryptedPackage") => Sniff::Sheet(Format::Xlsx),
            Ok(c) if c.is_stream("/Workbook") || c.is_stream("/Book") => Sniff::Sheet(Format::Xls),
            Ok(_) => Sniff::Other,
        };
    }
    Sniff::Other
}

/// The spreadsheets inside a zip attachment, under the limits `check` applies
/// to workbooks, read from the central directory before anything is inflated.
fn unzip(name: &str, bytes: &[u8], limits: &Limits) -> Vec<Item> {
    let shown = if name.is_empty() { "tep-nen.zip" } else { name };
    let mut archive = match open_zip(bytes, shown, limits) {
        Ok(archive) => archive,
        Err(finding) => {
            return vec![Item::Skipped {
                original: name.to_string(),
                finding,
            }];
        }
    };
    let mut items = Vec::new();
    let mut encrypted = false;
    let mut inflated: u64 = 0;
    for i in 0..archive.len() {
        match unzip_entry(&mut archive, i, shown, limits, &mut inflated) {
            Entry::Skipped => {}
            Entry::Encrypted => encrypted = true,
            Entry::Item(item) => items.push(item),
            Entry::Last(item) => {
                items.push(item);
                break;
            }
        }
    }
    if encrypted {
        items.push(Item::Skipped {
            original: name.to_string(),
            finding: Finding::new(Code::FileEncrypted, messages::mail_zip_encrypted(shown)),
        });
    }
    items
}

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// The zip, when it opens and its central directory is within the limits.
fn open_zip<'a>(bytes: &'a [u8], shown: &str, limits: &Limits) -> Result<Archive<'a>, Finding> {
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Err(Finding::new(
            Code::FileUnreadable,
            messages::file_unreadable("zip"),
        ));
    };
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(Finding::new(
            Code::FileTooLarge,
            messages::zip_too_many_entries(shown, archive.len(), MAX_ZIP_ENTRIES),
        ));
    }
    crate::read::sniff::check_zip(bytes, limits).map_err(|finding| finding.value(shown))?;
    Ok(archive)
}

/// What one zip entry gives.
enum Entry {
    /// A folder, or an entry the directory cannot describe.
    Skipped,
    Encrypted,
    Item(Item),
    /// The inflated total reached the limit: nothing more is opened.
    Last(Item),
}

/// Entry `i` of the archive, inflated within what the limits leave
/// (`inflated` so far).
fn unzip_entry(
    archive: &mut Archive,
    i: usize,
    shown: &str,
    limits: &Limits,
    inflated: &mut u64,
) -> Entry {
    let Ok((entry_name, is_dir, is_encrypted, size)) = archive.by_index_raw(i).map(|e| {
        (
            e.name().map(|n| n.to_string()).unwrap_or_default(),
            e.is_dir(),
            e.encrypted(),
            e.size(),
        )
    }) else {
        return Entry::Skipped;
    };
    if is_dir {
        return Entry::Skipped;
    }
    if is_encrypted {
        return Entry::Encrypted;
    }
    let original = format!("{shown}/{entry_name}");
    let skip = |finding: Finding| Item::Skipped {
        original: original.clone(),
        finding,
    };
    if size > limits.max_file_bytes {
        return Entry::Item(skip(Finding::new(
            Code::FileTooLarge,
            messages::file_too_large_bytes(size, limits.max_file_bytes),
        )));
    }
    // Headers can lie about sizes: never inflate more than the limits.
    let room = limits
        .max_file_bytes
        .min(limits.max_uncompressed_bytes.saturating_sub(*inflated));
    let data = match inflate(archive, i, room) {
        Ok(data) => data,
        Err(e) => {
            return Entry::Item(skip(Finding::new(
                Code::FileUnreadable,
                messages::file_unreadable(&format!("zip: {e}")),
            )));
        }
    };
    *inflated = inflated.saturating_add(data.len() as u64);
    if data.len() as u64 > room {
        return Entry::Last(skip(Finding::new(
            Code::FileTooLarge,
            messages::file_too_large_entry(&entry_name, data.len() as u64, room),
        )));
    }
    Entry::Item(entry_item(original, &entry_name, data))
}

/// Entry `i` inflated, at most one byte past `room` (to tell it overran).
fn inflate(archive: &mut Archive, i: usize, room: u64) -> Result<Vec<u8>, String> {
    let mut data = Vec::new();
    let entry = archive.by_index(i).map_err(|e| e.to_string())?;
    entry
        .take(room.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|e| e.to_string())?;
    Ok(data)
}

/// What an inflated entry is: a spreadsheet, a broken one, or no report.
fn entry_item(original: String, entry_name: &str, data: Vec<u8>) -> Item {
    let skip = |finding: Finding| Item::Skipped {
        original: original.clone(),
        finding,
    };
    match sniff(&data) {
        Sniff::Sheet(format) => Item::Sheet {
            original,
            bytes: data,
            format,
        },
        Sniff::Corrupt(detail) => skip(Finding::new(
            Code::FileUnreadable,
            messages::file_unreadable(&detail),
        )),
        Sniff::Other if named_as_sheet(entry_name) => skip(Finding::new(
            Code::FileUnreadable,
            messages::mail_not_spreadsheet(entry_name),
        )),
        // Archives in archives are not opened; other files are not reports.
        Sniff::Archive | Sniff::Other => Item::Ignored { original },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_ignores_names_and_reads_content() {
        assert_eq!(sniff(b"just text"), Sniff::Other);
        assert!(matches!(sniff(b"PK\x03\x04truncated"), Sniff::Corrupt(_)));
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("mimetype", options).unwrap();
        std::io::Write::write_all(&mut zip, ODS_MIME.as_bytes()).unwrap();
        let ods = zip.finish().unwrap().into_inner();
        assert_eq!(sniff(&ods), Sniff::Sheet(Format::Ods));
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("notes.txt", options).unwrap();
        let plain = zip.finish().unwrap().into_inner();
        assert_eq!(sniff(&plain), Sniff::Archive);
    }

    /// A minimal xlsx-shaped package: what `sniff` looks for.
    fn workbook_bytes() -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, &[0u8, 0xff, 0x80, b'\n', b'\r']).unwrap();
        zip.finish().unwrap().into_inner()
    }

    fn encode_base64(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for (i, chunk) in bytes.chunks(3).enumerate() {
            if i > 0 && i % 19 == 0 {
                out.push_str("\r\n");
            }
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for k in 0..4 {
                out.push(if k <= chunk.len() {
                    A[((n >> (18 - 6 * k)) & 63) as usize] as char
                } else {
                    '='
                });
            }
        }
        out
    }

    #[test]
    fn a_workbook_labelled_text_survives_even_when_forwarded() {
        let data = workbook_bytes();
        let inner = format!(
            "From: a@x.vn\r\nDate: Mon, 18 Dec 2023 09:00:00 +0700\r\nMessage-ID: <in@x>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"i\"\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\nbody\r\n--i\r\nContent-Type: text/plain; charset=utf-8; name=\"bc.xlsx\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--i--\r\n",
            encode_base64(&data)
        );
        let outer = format!(
            "From: b@y.vn\r\nDate: Tue, 19 Dec 2023 09:00:00 +0700\r\nMessage-ID: <out@y>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"o\"\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nFW\r\n--o\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--o--\r\n"
        );
        for raw in [&inner, &outer] {
            let message = mail_parser::MessageParser::default()
                .parse(raw.as_bytes())
                .unwrap();
            let meta = meta_of(&message, "x");
            let found = attachments(&message, &meta, &Limits::default());
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].meta.from, "a@x.vn");
            match &found[0].item {
                Item::Sheet { bytes, format, .. } => {
                    assert_eq!(bytes, &data);
                    assert_eq!(*format, Format::Xlsx);
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn tnef_by_name_type_or_magic() {
        assert!(is_tnef("WINMAIL.DAT", "", b""));
        assert!(is_tnef("x", "application/ms-tnef", b""));
        assert!(is_tnef("", "", &[0x78, 0x9f, 0x3e, 0x22, 0]));
        assert!(!is_tnef("bao-cao.xlsx", "application/octet-stream", b"PK"));
    }

    #[test]
    fn dates_keep_the_senders_offset() {
        let d = mail_parser::DateTime::parse_rfc822("Fri, 15 Dec 2023 09:30:00 +0700").unwrap();
        assert_eq!(
            to_chrono(&d).unwrap().to_rfc3339(),
            "2023-12-15T09:30:00+07:00"
        );
    }
}
