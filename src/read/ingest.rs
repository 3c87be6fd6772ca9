//! Ingest: open one file read-only (size limit, hash, modification time),
//! sniff its format by content (`sniff`), refuse what is unsafe before
//! parsing it (`sniff::check_zip`, `biff`) and hand it to its `readers`,
//! catching a reader's panic as a finding. Nothing downstream touches
//! calamine.

use std::io::{Cursor, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use sha2::{Digest, Sha256};

use crate::model::book::{Book, FileInfo, Format, hex, sha256_hex};
use crate::model::finding::{Code, Finding};
use crate::model::messages;
use crate::read::guard::{self, Budget};
use crate::read::readers::{read_ods, read_xls, read_xlsb, read_xlsx};
use crate::read::sniff::{Sniffed, check_zip, sniff, zip_names};

/// Safety limits applied before and while parsing.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_uncompressed_bytes: u64,
    pub max_entry_ratio: u64,
    pub max_cells_per_sheet: u64,
    /// Memory and time allowed to the reader process of one file.
    pub max_memory_bytes: u64,
    pub max_seconds: u64,
    /// Workbooks up to this size whose format is read as a stream (xlsx,
    /// xlsm) are parsed in this process when the parts calamine reads
    /// whole fit the in-process budget (`guard`, a quarter of
    /// `max_memory_bytes`, which the cells kept are charged to as well):
    /// a child process would cost more than the parse, and its reply more
    /// than the workbook. Larger files, files over the budget and the other
    /// formats go to the child reader.
    #[serde(default = "default_in_process_max_bytes")]
    pub in_process_max_bytes: u64,
}

fn default_in_process_max_bytes() -> u64 {
    100 * 1024 * 1024
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 100 * 1024 * 1024,
            max_uncompressed_bytes: 500 * 1024 * 1024,
            max_entry_ratio: 1000,
            max_cells_per_sheet: 2_000_000,
            max_memory_bytes: 1024 * 1024 * 1024,
            max_seconds: 10,
            in_process_max_bytes: default_in_process_max_bytes(),
        }
    }
}

/// Size, hash and modification time, refusing a file over the size limit
/// before reading it. The early return carries the finding.
#[allow(clippy::type_complexity)]
pub(crate) fn read_info(
    path: &Path,
    limits: &Limits,
) -> Result<FileInfo, (Option<FileInfo>, Result<Book, Finding>)> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return Err((None, Err(unreadable(&e.to_string())))),
    };
    if meta.len() > limits.max_file_bytes {
        return Err(too_large(meta.len(), meta.modified().ok(), limits));
    }
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let hashed = std::fs::File::open(path).and_then(|mut f| {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            size += n as u64;
            hasher.update(&buf[..n]);
        }
    });
    if let Err(e) = hashed {
        return Err((None, Err(unreadable(&e.to_string()))));
    }
    Ok(FileInfo {
        size,
        sha256: hex(&hasher.finalize()),
        modified: meta.modified().ok(),
    })
}

/// Reads the file's bytes (read-only), hashes them, and parses them in this
/// process. Every failure is a finding; only the caller decides what it means.
pub fn read_file(path: &Path, limits: &Limits) -> (Option<FileInfo>, Result<Book, Finding>) {
    match read_bytes(path, limits) {
        Ok((info, bytes)) => (Some(info), parse_bytes(bytes, limits)),
        Err(early) => early,
    }
}

/// The file's bytes, read once and hashed, after the size check.
#[allow(clippy::type_complexity)]
pub(crate) fn read_bytes(
    path: &Path,
    limits: &Limits,
) -> Result<(FileInfo, Vec<u8>), (Option<FileInfo>, Result<Book, Finding>)> {
    let failed = |e: std::io::Error| (None, Err(unreadable(&e.to_string())));
    let file = std::fs::File::open(path).map_err(failed)?;
    let meta = file.metadata().map_err(failed)?;
    let modified = meta.modified().ok();
    let max = limits.max_file_bytes;
    if meta.len() > max {
        return Err(too_large(meta.len(), modified, limits));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // A file that grows while we read is cut past the limit, then refused.
    file.take(max + 1).read_to_end(&mut bytes).map_err(failed)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64, modified, limits));
    }
    let info = FileInfo {
        size: bytes.len() as u64,
        sha256: sha256_hex(&bytes),
        modified,
    };
    Ok((info, bytes))
}

/// The early answer for a file over `max_file_bytes`: never read, never hashed.
fn too_large(
    size: u64,
    modified: Option<SystemTime>,
    limits: &Limits,
) -> (Option<FileInfo>, Result<Book, Finding>) {
    let info = FileInfo {
        size,
        sha256: String::new(),
        modified,
    };
    let finding = Finding::new(
        Code::FileTooLarge,
        messages::file_too_large_bytes(size, limits.max_file_bytes),
    );
    (Some(info), Err(finding))
}

/// The budget to read this workbook with in this process, or `None` to
/// read it in the child: an .xlsx/.xlsm (calamine streams its sheets cell
/// by cell) up to `in_process_max_bytes` whose parts calamine reads whole
/// fit the in-process budget (`guard`). What they leave is the cells'
/// budget; the child's time limit is the read's.
pub(crate) fn in_process_budget(bytes: &[u8], limits: &Limits) -> Option<Budget> {
    if bytes.len() as u64 > limits.in_process_max_bytes || !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    let names = zip_names(bytes);
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    if !has("xl/workbook.xml") || has("xl/workbook.bin") {
        return None;
    }
    let start = Instant::now();
    let budget = guard::in_process_budget(limits);
    let parts = guard::whole_parts(bytes, budget)?;
    Some(Budget::new(
        budget - parts,
        Some(start + Duration::from_secs(limits.max_seconds)),
    ))
}

/// Whether this workbook is read in this process (`in_process_budget`).
#[cfg(test)]
pub(crate) fn reads_in_process(bytes: &[u8], limits: &Limits) -> bool {
    in_process_budget(bytes, limits).is_some()
}

/// Parses a workbook held in memory, guarding against calamine panics.
pub(crate) fn parse_bytes(bytes: Vec<u8>, limits: &Limits) -> Result<Book, Finding> {
    parse_within(bytes, limits, &mut Budget::unlimited())
}

/// Parses a workbook in this process within `budget`: `None` when the
/// budget tripped (memory or time), and the file is for the child reader.
pub(crate) fn parse_in_process(
    bytes: Vec<u8>,
    limits: &Limits,
    mut budget: Budget,
) -> Option<Result<Book, Finding>> {
    let parsed = parse_within(bytes, limits, &mut budget);
    (!budget.tripped()).then_some(parsed)
}

fn parse_within(bytes: Vec<u8>, limits: &Limits, budget: &mut Budget) -> Result<Book, Finding> {
    let kind = sniff(&bytes)?;
    let names = match kind {
        Sniffed::Zip => check_zip(&bytes, limits)?,
        Sniffed::Ole => Vec::new(),
    };
    quiet_reader_panics();
    READING.with(|r| r.set(true));
    let opened = catch_unwind(AssertUnwindSafe(|| {
        open(kind, &names, bytes, limits, budget)
    }));
    READING.with(|r| r.set(false));
    match opened {
        Ok(result) => result,
        Err(_) => Err(unreadable("the reader crashed on this file")),
    }
}

thread_local! {
    /// Set while this thread is inside calamine.
    static READING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A panic inside calamine on a malformed file is caught and becomes a
/// finding; it must not also print a Rust panic message on the user's
/// terminal. Any other panic is reported as usual.
fn quiet_reader_panics() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !READING.with(|r| r.get()) {
                default(info);
            }
        }));
    });
}

fn open(
    kind: Sniffed,
    names: &[String],
    bytes: Vec<u8>,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<Book, Finding> {
    match kind {
        Sniffed::Zip => {
            let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
            if has("xl/workbook.xml") {
                let macro_enabled = has("xl/vbaProject.bin");
                let format = if macro_enabled {
                    Format::Xlsm
                } else {
                    Format::Xlsx
                };
                read_xlsx(bytes, limits, format, budget)
            } else if has("xl/workbook.bin") {
                read_xlsb(bytes, limits)
            } else if has("content.xml") && (has("mimetype") || has("META-INF/manifest.xml")) {
                read_ods(bytes, limits)
            } else if names
                .iter()
                .any(|n| n.starts_with("word/") || n.starts_with("ppt/"))
            {
                Err(Finding::new(
                    Code::FileUnreadable,
                    messages::not_a_spreadsheet(),
                ))
            } else if names
                .iter()
                .any(|n| n.to_ascii_lowercase().contains("workbook"))
            {
                // Parts stored under other names ("xl\\workbook.xml",
                // "wtf/workbook.xml") that only _rels/.rels points to.
                Err(unsupported(
                    "OOXML (tên phần không chuẩn / non-standard part names)",
                ))
            } else {
                Err(Finding::new(
                    Code::FileUnreadable,
                    messages::not_a_spreadsheet(),
                ))
            }
        }
        Sniffed::Ole => {
            // An encrypted xlsx is an OLE container holding "EncryptedPackage".
            // The cfb crate checks the container's tables against the file's
            // size before trusting them (calamine's reader does not).
            let encrypted_package = cfb::CompoundFile::open(Cursor::new(bytes.as_slice()))
                .is_ok_and(|c| c.is_stream("/EncryptedPackage"));
            if encrypted_package {
                return Err(encrypted());
            }
            read_xls(bytes, limits)
        }
    }
}

pub(super) fn unreadable(detail: &str) -> Finding {
    Finding::new(Code::FileUnreadable, messages::file_unreadable(detail))
}

pub(super) fn unsupported(kind: &str) -> Finding {
    Finding::new(Code::FileUnsupported, messages::file_unsupported(kind))
}

pub(super) fn encrypted() -> Finding {
    Finding::new(Code::FileEncrypted, messages::file_encrypted())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::Data;

    use crate::model::book::{Cell, Sheet};
    use crate::read::biff::*;
    use crate::read::readers::*;

    #[test]
    fn text_is_not_a_spreadsheet() {
        let err = parse_bytes(b"Kinh gui UBND huyen".to_vec(), &Limits::default()).unwrap_err();
        assert_eq!(err.code, Code::FileUnreadable);
    }

    #[test]
    fn empty_file_is_unreadable() {
        let err = parse_bytes(Vec::new(), &Limits::default()).unwrap_err();
        assert_eq!(err.code, Code::FileUnreadable);
    }

    #[test]
    fn html_saved_as_xls_is_unsupported() {
        let err = parse_bytes(
            b"<html><table><tr><td>1</td></tr></table></html>".to_vec(),
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(err.code, Code::FileUnsupported);
    }

    #[test]
    fn biff4_is_unsupported() {
        let err = parse_bytes(
            vec![0x09, 0x04, 0x06, 0x00, 0, 0, 0x10, 0],
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(err.code, Code::FileUnsupported);
    }

    #[test]
    fn truncated_zip_is_unreadable() {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend_from_slice(&[0u8; 40]);
        let err = parse_bytes(bytes, &Limits::default()).unwrap_err();
        assert_eq!(err.code, Code::FileUnreadable);
    }

    #[test]
    fn non_finite_numbers_are_errors_not_numbers() {
        // serde_json cannot carry NaN across the reader process either.
        assert_eq!(convert(&Data::Float(f64::NAN)), Cell::Error("#NUM!".into()));
        assert_eq!(
            convert(&Data::Float(f64::INFINITY)),
            Cell::Error("#NUM!".into())
        );
        assert_eq!(convert(&Data::Float(2.5)), Cell::Number(2.5));
    }

    #[test]
    fn biff_walk_mirrors_calamine_dimensions() {
        // DIMENSIONS (BIFF8): rows 0..65536, columns 0..256.
        let mut stream = vec![0x00, 0x02, 14, 0];
        stream.extend_from_slice(&0u32.to_le_bytes());
        stream.extend_from_slice(&65536u32.to_le_bytes());
        stream.extend_from_slice(&0u16.to_le_bytes());
        stream.extend_from_slice(&256u16.to_le_bytes());
        stream.extend_from_slice(&[0, 0]);
        assert_eq!(probe_stream(&stream, 0).declared_cells, 65536 * 256);
        // A forged record with the end before the start wraps in calamine.
        let mut forged = vec![0x00, 0x02, 14, 0];
        forged.extend_from_slice(&10u32.to_le_bytes());
        forged.extend_from_slice(&5u32.to_le_bytes());
        forged.extend_from_slice(&[0, 0, 2, 0, 0, 0]);
        assert!(probe_stream(&forged, 0).declared_cells > 1_000_000_000);
        // FILEPASS is seen.
        assert!(probe_stream(&[0x2F, 0x00, 0, 0], 0).encrypted);
        // A sheet offset into the middle of a record reads other records
        // there, as calamine would: a DIMENSIONS hidden in a body is seen.
        let mut hidden = vec![0x00, 0x02, 14, 0];
        hidden.extend_from_slice(&0u32.to_le_bytes());
        hidden.extend_from_slice(&1_000_000u32.to_le_bytes());
        hidden.extend_from_slice(&[0, 0, 0, 1, 0, 0]);
        let boundsheet_len = 4 + 6;
        let mut stream = vec![0x85, 0x00, 6, 0];
        stream.extend_from_slice(&((boundsheet_len + 4) as u32).to_le_bytes());
        stream.extend_from_slice(&[0, 0]);
        stream.extend_from_slice(&[0x34, 0x12, hidden.len() as u8, 0]);
        stream.extend_from_slice(&hidden);
        assert_eq!(probe_stream(&stream, 0).declared_cells, 1_000_000 * 256);
    }

    #[test]
    fn only_small_streamed_workbooks_are_read_in_process() {
        let inbox =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/van-ban-2023/inbox");
        let xlsx = std::fs::read(inbox.join("BC_PCMD_2023_NamTha.xlsx")).unwrap();
        let xls = std::fs::read(inbox.join("BC PCMD Nam Dang 2023.xls")).unwrap();
        let ods = std::fs::read(inbox.join("03085_pcmd_2023.ods")).unwrap();
        let limits = Limits::default();
        assert!(reads_in_process(&xlsx, &limits));
        assert!(
            !reads_in_process(&xls, &limits),
            "xls: dense reader, isolated"
        );
        assert!(
            !reads_in_process(&ods, &limits),
            "ods: dense reader, isolated"
        );
        let tight = Limits {
            in_process_max_bytes: xlsx.len() as u64 - 1,
            ..Limits::default()
        };
        assert!(!reads_in_process(&xlsx, &tight), "over the size limit");
    }

    /// The workbook with one part replaced (or added).
    fn with_part(xlsx: &[u8], part: &str, content: &[u8]) -> Vec<u8> {
        use std::io::Write;
        use zip::write::SimpleFileOptions;
        let mut archive = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let entry = archive.by_index_raw(i).unwrap();
            if !entry.name().is_ok_and(|n| n.eq_ignore_ascii_case(part)) {
                out.raw_copy_file(entry).unwrap();
            }
        }
        let deflated =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        out.start_file(part, deflated).unwrap();
        out.write_all(content).unwrap();
        out.finish().unwrap().into_inner()
    }

    fn sample_xlsx() -> Vec<u8> {
        let inbox =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/van-ban-2023/inbox");
        std::fs::read(inbox.join("BC_PCMD_2023_NamTha.xlsx")).unwrap()
    }

    #[test]
    fn a_forged_or_huge_string_table_is_for_the_child() {
        let xlsx = sample_xlsx();
        let limits = Limits::default();
        // calamine would reserve 10^12 strings up front: an abort here.
        let forged = with_part(
            &xlsx,
            "xl/sharedStrings.xml",
            br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="1000000000000"><si><t>a</t></si></sst>"#,
        );
        assert!(!reads_in_process(&forged, &limits));
        // A million short strings, estimated at ~115 MB: over the budget of
        // a 64 MB child (16 MB in process), not over the default's 256 MB.
        let mut huge = b"<sst>".to_vec();
        for _ in 0..1_000_000 {
            huge.extend_from_slice(b"<si><t>x</t></si>");
        }
        huge.extend_from_slice(b"</sst>");
        let huge = with_part(&xlsx, "xl/sharedStrings.xml", &huge);
        assert!(reads_in_process(&huge, &limits));
        let small = Limits {
            max_memory_bytes: 64 * 1024 * 1024,
            ..Limits::default()
        };
        assert!(!reads_in_process(&huge, &small));
        assert!(reads_in_process(&xlsx, &small));
    }

    #[test]
    fn a_workbook_over_its_cell_budget_stops_and_is_for_the_child() {
        let xlsx = sample_xlsx();
        let limits = Limits::default();
        let budget = in_process_budget(&xlsx, &limits).unwrap();
        assert!(parse_in_process(xlsx.clone(), &limits, budget).is_some_and(|r| r.is_ok()));
        let tiny = Budget::new(1000, None);
        assert!(parse_in_process(xlsx.clone(), &limits, tiny).is_none());
        let late = Budget::new(u64::MAX, Some(Instant::now()));
        std::thread::sleep(Duration::from_millis(2));
        assert!(parse_in_process(xlsx, &limits, late).is_none());
    }

    #[test]
    fn sparse_sheet_rows() {
        let mut s = Sheet::new("x", false);
        s.set(2, 3, Cell::Number(1.0));
        s.set(2, 1, Cell::Text("a".into()));
        s.set(5, 0, Cell::Text("  ".into()));
        assert_eq!(s.row(2).map(|(c, _)| c).collect::<Vec<_>>(), vec![1, 3]);
        assert!(s.row_is_blank(5));
        assert!(s.row_is_blank(4));
        assert_eq!(s.row_end(), 6);
        assert_eq!(s.get(2, 3), &Cell::Number(1.0));
    }
}
