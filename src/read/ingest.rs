//! Ingest: open one file read-only, recognise its format by content (never by
//! extension: communes rename .xls to .xlsx), refuse what is unsafe before
//! parsing it, and turn every sheet into a small sparse grid of `Cell`s that
//! the later stages read. Nothing downstream touches calamine.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::SystemTime;

use calamine::{Data, DataRef, Ods, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::model::book::{Book, Cell, FileInfo, Format, Sheet, hex, sha256_hex};
use crate::model::finding::{Code, Finding};
use crate::model::messages;

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
    /// xlsm) are parsed in this process: the cell cap bounds their memory
    /// and a child process would cost more than the parse. Larger files and
    /// the other formats go to the child reader.
    #[serde(default = "default_in_process_max_bytes")]
    pub in_process_max_bytes: u64,
}

fn default_in_process_max_bytes() -> u64 {
    128 * 1024
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
pub fn read_info(
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
pub fn read_bytes(
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

/// Whether this workbook can be parsed safely in this process: small, and
/// in a format whose sheets calamine streams cell by cell (so the cell cap
/// bounds memory). Everything else goes to the isolated reader.
pub fn reads_in_process(bytes: &[u8], limits: &Limits) -> bool {
    if bytes.len() as u64 > limits.in_process_max_bytes || !bytes.starts_with(b"PK\x03\x04") {
        return false;
    }
    let names = zip_names(bytes);
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    has("xl/workbook.xml") && !has("xl/workbook.bin")
}

/// Parses a workbook held in memory, guarding against calamine panics.
pub fn parse_bytes(bytes: Vec<u8>, limits: &Limits) -> Result<Book, Finding> {
    let kind = sniff(&bytes)?;
    let names = match kind {
        Sniffed::Zip => check_zip(&bytes, limits)?,
        Sniffed::Ole => Vec::new(),
    };
    quiet_reader_panics();
    READING.with(|r| r.set(true));
    let opened = catch_unwind(AssertUnwindSafe(|| open(kind, &names, bytes, limits)));
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

#[derive(Clone, Copy, Debug)]
enum Sniffed {
    Zip,
    Ole,
}

fn sniff(bytes: &[u8]) -> Result<Sniffed, Finding> {
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
pub fn check_zip(bytes: &[u8], limits: &Limits) -> Result<Vec<String>, Finding> {
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

fn zip_names(bytes: &[u8]) -> Vec<String> {
    zip::ZipArchive::new(Cursor::new(bytes))
        .map(|a| {
            a.file_names()
                .filter_map(Result::ok)
                .map(|n| n.to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn open(kind: Sniffed, names: &[String], bytes: Vec<u8>, limits: &Limits) -> Result<Book, Finding> {
    match kind {
        Sniffed::Zip => {
            let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
            if has("xl/workbook.xml") {
                let macro_enabled = has("xl/vbaProject.bin");
                read_xlsx(
                    bytes,
                    limits,
                    if macro_enabled {
                        Format::Xlsm
                    } else {
                        Format::Xlsx
                    },
                )
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

fn convert(data: &Data) -> Cell {
    match data {
        Data::Int(i) => Cell::Number(*i as f64),
        // NaN and infinities are not numbers a form can hold.
        Data::Float(f) if !f.is_finite() => Cell::Error("#NUM!".into()),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => text_cell(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
                .map_or(Cell::Number(dt.as_f64()), Cell::Date)
        }
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::DateTimeIso(s) => iso_date(s).map_or_else(|| Cell::Text(s.clone()), Cell::Date),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}

/// A text cell. C1 control characters are the Windows-1252 bytes an old
/// writer stored as Latin-1: they become the characters they stand for.
fn text_cell(text: String) -> Cell {
    Cell::Text(crate::read::legacy::c1_to_cp1252(&text).unwrap_or(text))
}

fn convert_ref(data: DataRef<'_>) -> Cell {
    match data {
        DataRef::SharedString(s) => text_cell(s.to_string()),
        DataRef::Int(i) => convert(&Data::Int(i)),
        DataRef::Float(f) => convert(&Data::Float(f)),
        DataRef::String(s) => text_cell(s),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(dt) => convert(&Data::DateTime(dt)),
        DataRef::DateTimeIso(s) => convert(&Data::DateTimeIso(s)),
        DataRef::DurationIso(s) => Cell::Text(s),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

fn iso_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

fn is_hidden(visible: SheetVisible) -> bool {
    !matches!(visible, SheetVisible::Visible)
}

fn too_many_cells(sheet: &str, limit: u64) -> Finding {
    Finding::new(
        Code::FileTooLarge,
        messages::file_too_large_cells(sheet, limit),
    )
}

fn read_xlsx(bytes: Vec<u8>, limits: &Limits, format: Format) -> Result<Book, Finding> {
    let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let metas: Vec<_> = wb.sheets_metadata().to_vec();
    let mut sheets = Vec::new();
    for meta in metas.iter().filter(|m| m.typ == SheetType::WorkSheet) {
        let mut sheet = Sheet::new(&meta.name, is_hidden(meta.visible));
        let mut reader = wb.worksheet_cells_reader(&meta.name).map_err(xlsx_error)?;
        let mut count: u64 = 0;
        while let Some(cell) = reader.next_cell_with_formula().map_err(xlsx_error)? {
            count += 1;
            if count > limits.max_cells_per_sheet {
                return Err(too_many_cells(&meta.name, limits.max_cells_per_sheet));
            }
            let (row, col) = cell.pos;
            let value = match (convert_ref(cell.value), cell.formula) {
                (Cell::Empty, Some(f)) if !f.is_empty() => Cell::Uncached(f),
                (value, _) => value,
            };
            sheet.set(row, col, value);
        }
        drop(reader);
        sheet.legacy_fonts = legacy_fonts(&mut wb, &sheet);
        sheets.push(sheet);
    }
    Ok(Book { format, sheets })
}

/// Which non-ASCII text cells are set in a legacy Vietnamese font. Styles
/// are only read when the sheet has such text at all.
fn legacy_fonts<RS: Read + std::io::Seek>(
    wb: &mut Xlsx<RS>,
    sheet: &Sheet,
) -> BTreeMap<(u32, u32), String> {
    // A sheet typed in a legacy font always shows some tell-tale character
    // (labels, names); a Unicode sheet's styles need not be read at all.
    if !sheet.texts().any(crate::read::legacy::may_be_legacy) {
        return BTreeMap::new();
    }
    let candidates: Vec<(u32, u32)> = sheet
        .text_cells()
        .filter(|(_, t)| !t.is_ascii())
        .map(|(p, _)| p)
        .collect();
    if candidates.is_empty() {
        return BTreeMap::new();
    }
    let Ok(styles) = wb.worksheet_style(&sheet.name) else {
        return BTreeMap::new();
    };
    candidates
        .into_iter()
        .filter_map(|pos| {
            let name = styles.get(pos)?.font.as_ref()?.name.clone()?;
            crate::read::legacy::font_encoding(&name).map(|_| (pos, name))
        })
        .collect()
}

fn push_range(
    sheet: &mut Sheet,
    range: &calamine::Range<Data>,
    limits: &Limits,
) -> Result<(), Finding> {
    let mut count: u64 = 0;
    for (row, col, data) in range.used_cells() {
        count += 1;
        if count > limits.max_cells_per_sheet {
            return Err(too_many_cells(&sheet.name, limits.max_cells_per_sheet));
        }
        let start = range.start().unwrap_or((0, 0));
        sheet.set(start.0 + row as u32, start.1 + col as u32, convert(data));
    }
    Ok(())
}

/// An .xls protected with XOR or RC4 obfuscation has a FILEPASS record
/// (0x002F) right after the workbook's BOF record (BIFF5: 8 bytes, BIFF8: 16).
fn has_filepass(bytes: &[u8]) -> bool {
    (0..bytes.len().saturating_sub(8)).any(|i| {
        let len = u16::from_le_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        bytes[i..i + 2] == [0x09, 0x08]
            && (len == 8 || len == 16)
            && matches!(bytes[i + 4..i + 6], [0x00, 0x05] | [0x00, 0x06])
            && bytes.get(i + 4 + len..i + 6 + len) == Some(&[0x2F, 0x00])
    })
}

/// Reads an .xls's own records before calamine does: whether it is
/// encrypted (FILEPASS), and the largest sheet its DIMENSIONS records
/// declare — calamine reserves room for the declared rows × columns before
/// reading a cell, so a forged record would ask for hundreds of gigabytes;
/// the same arithmetic is done here first. The workbook stream is walked from
/// its start and from every sheet offset its BOUNDSHEET records give, as
/// calamine does. `None` when there is no workbook stream (calamine then says
/// what is wrong).
fn xls_probe(bytes: &[u8], limits: &Limits) -> Option<XlsProbe> {
    let Ok(mut cfb) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        // calamine's own container reader is more lenient than the cfb
        // crate. Records cannot be told from noise in the raw bytes, so only
        // FILEPASS is looked for; the reader's process limits guard the rest.
        return Some(XlsProbe {
            declared_cells: 0,
            encrypted: has_filepass(bytes),
            fonts: None,
        });
    };
    let name = ["/Workbook", "/Book", "/WORKBOOK", "/BOOK"]
        .into_iter()
        .find(|n| cfb.is_stream(n))?;
    let mut stream = Vec::new();
    cfb.open_stream(name).ok()?.read_to_end(&mut stream).ok()?;
    let (mut largest, sheets, encrypted) = walk_biff(&stream, 0);
    if !encrypted {
        for offset in sheets {
            largest = largest.max(walk_biff(&stream, offset).0);
        }
    }
    let fonts = if encrypted {
        None
    } else {
        crate::read::xls_fonts::read(&stream, limits.max_cells_per_sheet)
    };
    Some(XlsProbe {
        declared_cells: largest,
        encrypted,
        fonts,
    })
}

/// What an .xls says about itself before calamine reads it.
struct XlsProbe {
    /// The largest sheet's declared rows × columns.
    declared_cells: u64,
    /// A FILEPASS record: the records that follow are ciphertext.
    encrypted: bool,
    /// The legacy-font text cells of each worksheet, when the records could
    /// be read.
    fonts: Option<Vec<crate::read::xls_fonts::SheetFonts>>,
}

/// From `at`, reads BIFF records until the stream ends or breaks; returns the
/// largest declared sheet (in cells) and the sheet offsets announced.
fn walk_biff(stream: &[u8], mut at: usize) -> (u64, Vec<usize>, bool) {
    let u16_at = |b: &[u8], i: usize| {
        b.get(i..i + 2)
            .map_or(0, |x| u32::from(u16::from_le_bytes([x[0], x[1]])))
    };
    let u32_at = |b: &[u8], i: usize| {
        b.get(i..i + 4)
            .map_or(0, |x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
    };
    let mut largest = 0u64;
    let mut sheets = Vec::new();
    let mut filepass = false;
    while let Some(header) = stream.get(at..at + 4) {
        let id = u16_at(header, 0);
        let len = u16_at(header, 2) as usize;
        let Some(body) = stream.get(at + 4..at + 4 + len) else {
            break;
        };
        match (id, len) {
            (0x002F, _) => filepass = true,
            (0x0085, 4..) => sheets.push(u32_at(body, 0) as usize),
            (0x0200, 10 | 14 | 16) => {
                let (rf, rl, cf, cl) = if len == 10 {
                    (
                        u16_at(body, 0),
                        u16_at(body, 2),
                        u16_at(body, 4),
                        u16_at(body, 6),
                    )
                } else {
                    (
                        u32_at(body, 0),
                        u32_at(body, 4),
                        u16_at(body, 8),
                        u16_at(body, 10),
                    )
                };
                let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                if rl >= 1 && cl >= 1 {
                    // calamine: end - start + 1 in u32, wrapping when a forged
                    // record puts the end before the start.
                    let rows = (rl - 1).wrapping_sub(rf).wrapping_add(1);
                    let cols = (cl - 1).wrapping_sub(cf).wrapping_add(1);
                    largest = largest.max(u64::from(rows).saturating_mul(u64::from(cols)));
                }
            }
            _ => {}
        }
        at += 4 + len;
    }
    (largest, sheets, filepass)
}

fn read_xls(bytes: Vec<u8>, limits: &Limits) -> Result<Book, Finding> {
    // An encrypted workbook's records are ciphertext: say it is encrypted
    // before reading any dimension out of them.
    let mut fonts = None;
    if let Some(probe) = xls_probe(&bytes, limits) {
        if probe.encrypted {
            return Err(encrypted());
        }
        // calamine reserves about 64 bytes per declared cell.
        let affordable = limits.max_memory_bytes / 64;
        if probe.declared_cells > affordable {
            return Err(Finding::new(
                Code::FileTooLarge,
                messages::file_too_large_declared(probe.declared_cells, affordable),
            ));
        }
        fonts = probe.fonts;
    }
    let mut wb = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsError::Password => encrypted(),
        other => unreadable(&other.to_string()),
    })?;
    let mut book = read_dense(&mut wb, Format::Xls, limits)?;
    if let Some(fonts) = fonts {
        attach_xls_fonts(&mut book, fonts);
    }
    Ok(book)
}

/// Gives each sheet the legacy fonts of its text cells. The records list
/// the worksheets in the order calamine does; a name that disagrees (BIFF8
/// names are compared) leaves that sheet's fonts unknown rather than wrong.
fn attach_xls_fonts(book: &mut Book, fonts: Vec<crate::read::xls_fonts::SheetFonts>) {
    if fonts.len() != book.sheets.len() {
        return;
    }
    for (sheet, sheet_fonts) in book.sheets.iter_mut().zip(fonts) {
        if !sheet_fonts.name.is_empty() && sheet_fonts.name != sheet.name {
            continue;
        }
        sheet.legacy_fonts = sheet_fonts
            .legacy
            .into_iter()
            .filter(|(pos, font)| match sheet.get(pos.0, pos.1) {
                Cell::Text(text) => worth_decoding(text, font),
                _ => false,
            })
            .collect();
    }
}

/// Whether a text cell in a legacy font can look different decoded: it has
/// a non-ASCII character, or its font draws small letters as capitals.
fn worth_decoding(text: &str, font: &str) -> bool {
    let capitals = crate::read::legacy::font_encoding(font).is_some_and(|(_, caps)| caps);
    !text.is_ascii() || (capitals && text.chars().any(|c| c.is_ascii_lowercase()))
}

fn read_xlsb(bytes: Vec<u8>, limits: &Limits) -> Result<Book, Finding> {
    let mut wb = Xlsb::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsbError::Password => encrypted(),
        other => unreadable(&other.to_string()),
    })?;
    read_dense(&mut wb, Format::Xlsb, limits)
}

fn read_ods(bytes: Vec<u8>, limits: &Limits) -> Result<Book, Finding> {
    let mut wb = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::OdsError::Password => encrypted(),
        other => unreadable(&other.to_string()),
    })?;
    read_dense(&mut wb, Format::Ods, limits)
}

/// The readers that only hand out whole (dense) ranges: xls, xlsb, ods.
fn read_dense<RS, R>(wb: &mut R, format: Format, limits: &Limits) -> Result<Book, Finding>
where
    RS: Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let metas: Vec<_> = wb.sheets_metadata().to_vec();
    let mut sheets = Vec::new();
    for meta in metas.iter().filter(|m| m.typ == SheetType::WorkSheet) {
        let mut sheet = Sheet::new(&meta.name, is_hidden(meta.visible));
        let range = wb
            .worksheet_range(&meta.name)
            .map_err(|e| unreadable(&e.to_string()))?;
        push_range(&mut sheet, &range, limits)?;
        sheets.push(sheet);
    }
    Ok(Book { format, sheets })
}

fn xlsx_error(e: calamine::XlsxError) -> Finding {
    match e {
        calamine::XlsxError::Password => encrypted(),
        other => unreadable(&other.to_string()),
    }
}

fn unreadable(detail: &str) -> Finding {
    Finding::new(Code::FileUnreadable, messages::file_unreadable(detail))
}

fn unsupported(kind: &str) -> Finding {
    Finding::new(Code::FileUnsupported, messages::file_unsupported(kind))
}

fn encrypted() -> Finding {
    Finding::new(Code::FileEncrypted, messages::file_encrypted())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(walk_biff(&stream, 0).0, 65536 * 256);
        // A forged record with the end before the start wraps in calamine.
        let mut forged = vec![0x00, 0x02, 14, 0];
        forged.extend_from_slice(&10u32.to_le_bytes());
        forged.extend_from_slice(&5u32.to_le_bytes());
        forged.extend_from_slice(&[0, 0, 2, 0, 0, 0]);
        assert!(walk_biff(&forged, 0).0 > 1_000_000_000);
        // FILEPASS is seen.
        assert!(walk_biff(&[0x2F, 0x00, 0, 0], 0).2);
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
