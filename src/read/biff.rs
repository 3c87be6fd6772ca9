//! The BIFF guard: read an .xls's own records before calamine does, to see
//! whether it is encrypted and how large its sheets say they are, so that a
//! forged DIMENSIONS record cannot make calamine reserve gigabytes.

use std::io::{Cursor, Read};

use crate::read::ingest::Limits;

/// An .xls protected with XOR or RC4 obfuscation has a FILEPASS record
/// (0x002F) right after the workbook's BOF record (BIFF5: 8 bytes, BIFF8: 16).
pub(super) fn has_filepass(bytes: &[u8]) -> bool {
    (0..bytes.len().saturating_sub(8)).any(|i| {
        let len = u16::from_le_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        bytes[i..i + 2] == [0x09, 0x08]
            && (len == 8 || len == 16)
            && matches!(bytes[i + 4..i + 6], [0x00, 0x05] | [0x00, 0x06])
            && bytes.get(i + 4 + len..i + 6 + len) == Some(&[0x2F, 0x00])
    })
}

/// Reads an .xls's own records before calamine does: whether it is
/// encrypted (FILEPASS), the largest sheet its DIMENSIONS records declare —
/// calamine reserves room for the declared rows × columns before reading a
/// cell, so a forged record would ask for hundreds of gigabytes; the same
/// arithmetic is done here first — and the fonts of its text cells
/// (`xls_fonts`). `None` when there is no workbook stream (calamine then
/// says what is wrong).
pub(super) fn xls_probe(bytes: &[u8], limits: &Limits) -> Option<XlsProbe> {
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
    Some(probe_stream(&stream, limits.max_cells_per_sheet))
}

/// What an .xls says about itself before calamine reads it.
pub(super) struct XlsProbe {
    /// The largest sheet's declared rows × columns.
    pub(super) declared_cells: u64,
    /// A FILEPASS record: the records that follow are ciphertext.
    pub(super) encrypted: bool,
    /// The legacy-font text cells of each worksheet, when the records could
    /// be read.
    pub(super) fonts: Option<Vec<crate::read::xls_fonts::SheetFonts>>,
}

/// One BIFF record: where it starts in the stream, its type and its body.
pub(super) struct Record<'a> {
    pub(super) at: usize,
    pub(super) id: u16,
    pub(super) body: &'a [u8],
}

pub(super) fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    b.get(i..i + 2).map(|x| u16::from_le_bytes([x[0], x[1]]))
}

pub(super) fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    b.get(i..i + 4)
        .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
}

/// The records of a stream from `at`, until the stream ends or a record
/// overruns it. The one record reader of the crate; never allocates.
pub(super) fn records(stream: &[u8], mut at: usize) -> impl Iterator<Item = Record<'_>> {
    std::iter::from_fn(move || {
        let id = u16_at(stream, at)?;
        let len = usize::from(u16_at(stream, at + 2)?);
        let body = stream.get(at + 4..at + 4 + len)?;
        let record = Record { at, id, body };
        at += 4 + len;
        Some(record)
    })
}

const FILEPASS: u16 = 0x002F;
const BOUNDSHEET: u16 = 0x0085;
const DIMENSIONS: u16 = 0x0200;

/// Walks a workbook stream, reading each record once: from its start to its
/// end (the globals and every record after them), then from each sheet
/// offset a BOUNDSHEET record gives, as calamine reads from there, until the
/// walk meets a record already read (the rest of that chain is known).
/// Forged offsets cannot make the walk quadratic.
pub(super) fn probe_stream(stream: &[u8], max_cells_per_sheet: u64) -> XlsProbe {
    let mut walk = Walk {
        read: vec![0; stream.len() / 64 + 1],
        largest: 0,
        sheets: Vec::new(),
        encrypted: false,
        fonts: crate::read::xls_fonts::FontReader::new(max_cells_per_sheet),
    };
    walk.chain(stream, 0);
    let mut next = 0;
    while !walk.encrypted && next < walk.sheets.len() {
        let offset = walk.sheets[next];
        next += 1;
        walk.chain(stream, offset);
    }
    XlsProbe {
        declared_cells: walk.largest,
        encrypted: walk.encrypted,
        fonts: if walk.encrypted {
            None
        } else {
            walk.fonts.finish()
        },
    }
}

/// What the walk has seen so far.
struct Walk {
    /// One bit per stream offset: a record starting there was read.
    read: Vec<u64>,
    /// The largest sheet declared, in cells.
    largest: u64,
    /// The sheet offsets BOUNDSHEET records announce.
    sheets: Vec<usize>,
    encrypted: bool,
    fonts: crate::read::xls_fonts::FontReader,
}

impl Walk {
    /// Marks the record at `at` read; false when it already was.
    fn first_read(&mut self, at: usize) -> bool {
        let (word, bit) = (at / 64, 1u64 << (at % 64));
        let fresh = self.read[word] & bit == 0;
        self.read[word] |= bit;
        fresh
    }

    fn chain(&mut self, stream: &[u8], from: usize) {
        let mut complete = true;
        for record in records(stream, from) {
            if !self.first_read(record.at) {
                complete = false;
                break;
            }
            match (record.id, record.body.len()) {
                (FILEPASS, _) => self.encrypted = true,
                (BOUNDSHEET, 4..) => self
                    .sheets
                    .extend(u32_at(record.body, 0).map(|o| o as usize)),
                (DIMENSIONS, 10 | 14 | 16) => {
                    self.largest = self.largest.max(declared_cells(record.body));
                }
                _ => {}
            }
            self.fonts.record(&record);
        }
        self.fonts.chain_end(complete);
    }
}

/// The cells a DIMENSIONS record declares, computed as calamine does: end −
/// start + 1 in u32, wrapping when a forged record puts the end before the
/// start.
fn declared_cells(body: &[u8]) -> u64 {
    let u16_of = |i| u32::from(u16_at(body, i).unwrap_or(0));
    let u32_of = |i| u32_at(body, i).unwrap_or(0);
    let (rf, rl, cf, cl) = if body.len() == 10 {
        (u16_of(0), u16_of(2), u16_of(4), u16_of(6))
    } else {
        (u32_of(0), u32_of(4), u16_of(8), u16_of(10))
    };
    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
    if rl < 1 || cl < 1 {
        return 0;
    }
    let rows = (rl - 1).wrapping_sub(rf).wrapping_add(1);
    let cols = (cl - 1).wrapping_sub(cf).wrapping_add(1);
    u64::from(rows).saturating_mul(u64::from(cols))
}
