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
/// encrypted (FILEPASS), and the largest sheet its DIMENSIONS records
/// declare — calamine reserves room for the declared rows × columns before
/// reading a cell, so a forged record would ask for hundreds of gigabytes;
/// the same arithmetic is done here first. The workbook stream is walked from
/// its start and from every sheet offset its BOUNDSHEET records give, as
/// calamine does. `None` when there is no workbook stream (calamine then says
/// what is wrong).
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
pub(super) struct XlsProbe {
    /// The largest sheet's declared rows × columns.
    pub(super) declared_cells: u64,
    /// A FILEPASS record: the records that follow are ciphertext.
    pub(super) encrypted: bool,
    /// The legacy-font text cells of each worksheet, when the records could
    /// be read.
    pub(super) fonts: Option<Vec<crate::read::xls_fonts::SheetFonts>>,
}

/// From `at`, reads BIFF records until the stream ends or breaks; returns the
/// largest declared sheet (in cells) and the sheet offsets announced.
pub(super) fn walk_biff(stream: &[u8], mut at: usize) -> (u64, Vec<usize>, bool) {
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
