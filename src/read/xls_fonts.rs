//! The fonts of `.xls` cells. calamine reads an `.xls`'s values but not its
//! fonts, and in Vietnamese files the font says how a text is encoded: a
//! cell set in `.VnTime` holds TCVN3 bytes, one in `VNI-Times` VNI bytes, one
//! in Arial Unicode. Here the BIFF records of the workbook stream are walked
//! once: FONT records (the names), XF records (each names its font) and, in
//! each worksheet's substream, the text cell records (each names its XF). The
//! result maps every text cell set in a legacy Vietnamese font to that font's
//! name, per worksheet, in workbook order.

use std::collections::BTreeMap;

/// The legacy-font text cells of one worksheet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SheetFonts {
    /// The sheet's name as its BOUNDSHEET record gives it (BIFF8 only;
    /// empty for BIFF5, whose names are in a code page).
    pub name: String,
    /// (row, column) → font name, for text cells in a legacy font.
    pub legacy: BTreeMap<(u32, u32), String>,
}

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const FONT: u16 = 0x0031;
const XF: u16 = 0x00E0;
const BOUNDSHEET: u16 = 0x0085;
const LABEL: u16 = 0x0204;
const LABELSST: u16 = 0x00FD;
const RSTRING: u16 = 0x00D6;
const FORMULA: u16 = 0x0006;

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    b.get(i..i + 2).map(|x| u16::from_le_bytes([x[0], x[1]]))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    b.get(i..i + 4)
        .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
}

/// The records of a stream from `at`: (type, body), until the stream ends
/// or a record overruns it. Linear; never allocates.
fn records(stream: &[u8], mut at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let id = u16_at(stream, at)?;
        let len = usize::from(u16_at(stream, at + 2)?);
        let body = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((id, body))
    })
}

/// A BIFF8 short string: `cch` characters after a flags byte (bit 0: two
/// bytes per character), starting at `at`.
fn short_string_biff8(body: &[u8], at: usize) -> Option<String> {
    let cch = usize::from(*body.get(at)?);
    let wide = body.get(at + 1)? & 1 != 0;
    let chars = body.get(at + 2..)?;
    Some(if wide {
        let units: Vec<u16> = chars
            .chunks_exact(2)
            .take(cch)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        // Compressed: each byte is the low byte of a UTF-16 unit.
        chars.iter().take(cch).map(|&b| char::from(b)).collect()
    })
}

/// A BIFF5 short string: `cch` bytes in the workbook's code page. Font
/// names are ASCII in practice; other bytes are read as Windows-1252.
fn short_string_biff5(body: &[u8], at: usize) -> Option<String> {
    let cch = usize::from(*body.get(at)?);
    let bytes = body.get(at + 1..)?;
    let bytes = &bytes[..cch.min(bytes.len())];
    Some(encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned())
}

/// What the workbook globals say: font names, each XF's font, and the
/// worksheets' offsets and names.
struct Globals {
    fonts: Vec<String>,
    xf_fonts: Vec<u16>,
    /// (stream offset, name) of every worksheet, in workbook order.
    worksheets: Vec<(usize, String)>,
}

fn read_globals(stream: &[u8]) -> Option<Globals> {
    let mut records = records(stream, 0);
    let (id, bof) = records.next()?;
    if id != BOF {
        return None;
    }
    // BIFF8 is version 0x0600; BIFF5 is 0x0500.
    let biff8 = u16_at(bof, 0)? == 0x0600;
    let mut globals = Globals {
        fonts: Vec::new(),
        xf_fonts: Vec::new(),
        worksheets: Vec::new(),
    };
    for (id, body) in records {
        match id {
            EOF => break,
            FONT => {
                let name = if biff8 {
                    short_string_biff8(body, 14)
                } else {
                    short_string_biff5(body, 14)
                };
                globals.fonts.push(name.unwrap_or_default());
            }
            XF => globals.xf_fonts.push(u16_at(body, 0).unwrap_or(0)),
            BOUNDSHEET => {
                let (Some(offset), Some(&kind)) = (u32_at(body, 0), body.get(5)) else {
                    continue;
                };
                // Sheet type 0: a worksheet (or dialog); charts, macros and
                // VBA modules hold no cells calamine reads.
                if kind != 0 {
                    continue;
                }
                let name = if biff8 {
                    short_string_biff8(body, 6).unwrap_or_default()
                } else {
                    String::new()
                };
                globals
                    .worksheets
                    .push((offset as usize, name.replace('\0', "")));
            }
            _ => {}
        }
    }
    Some(globals)
}

impl Globals {
    /// The font name of an XF. BIFF numbers fonts 0, 1, 2, 3, 5, 6 …: font
    /// index 4 does not exist, so indices above it are one past the record.
    fn font_of_xf(&self, ixfe: u16) -> Option<&str> {
        let ifnt = usize::from(*self.xf_fonts.get(usize::from(ixfe))?);
        let record = if ifnt >= 4 { ifnt - 1 } else { ifnt };
        self.fonts.get(record).map(String::as_str)
    }
}

/// The text cells of one worksheet substream and their XF, until its EOF;
/// nested substreams (embedded charts) are skipped as calamine skips them.
/// At most `max_cells` cells are looked at, and at most `budget` bytes read
/// (shared by all sheets); `None` when the budget runs out.
fn text_cells(
    stream: &[u8],
    offset: usize,
    max_cells: u64,
    budget: &mut usize,
) -> Option<Vec<(u32, u32, u16)>> {
    let mut cells = Vec::new();
    let mut depth = 0usize;
    let mut seen_bof = false;
    let mut looked = 0u64;
    for (id, body) in records(stream, offset) {
        *budget = budget.checked_sub(4 + body.len())?;
        match id {
            BOF if !seen_bof => seen_bof = true,
            BOF => depth += 1,
            EOF if depth == 0 => break,
            EOF => depth -= 1,
            _ if depth > 0 => {}
            LABEL | LABELSST | RSTRING | FORMULA => {
                looked += 1;
                if looked > max_cells {
                    break;
                }
                // A formula's value is a string when its result bytes say so
                // (fExprO = 0xFFFF, type 0); its text follows in a STRING record.
                let text =
                    id != FORMULA || (body.get(6) == Some(&0) && u16_at(body, 12) == Some(0xFFFF));
                if let (true, Some(row), Some(col), Some(ixfe)) =
                    (text, u16_at(body, 0), u16_at(body, 2), u16_at(body, 4))
                {
                    cells.push((u32::from(row), u32::from(col), ixfe));
                }
            }
            _ => {}
        }
    }
    Some(cells)
}

/// Reads the fonts of an `.xls` workbook stream: one entry per worksheet, in
/// workbook order (the order calamine lists them in). `None` when the stream
/// is not a BIFF5/BIFF8 workbook, or when its sheets' substreams overlap
/// (real sheets each have their own part of the stream: together they read
/// it at most once, so forged offsets cannot make the walk quadratic).
pub fn read(stream: &[u8], max_cells_per_sheet: u64) -> Option<Vec<SheetFonts>> {
    let globals = read_globals(stream)?;
    let legacy_font = |ixfe: u16| {
        globals
            .font_of_xf(ixfe)
            .filter(|name| crate::read::legacy::font_encoding(name).is_some())
    };
    let mut budget = stream.len();
    globals
        .worksheets
        .iter()
        .map(|(offset, name)| {
            let cells = text_cells(stream, *offset, max_cells_per_sheet, &mut budget)?;
            Some(SheetFonts {
                name: name.clone(),
                legacy: cells
                    .into_iter()
                    .filter_map(|(row, col, ixfe)| {
                        legacy_font(ixfe).map(|font| ((row, col), font.to_string()))
                    })
                    .collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: u16, body: &[u8]) -> Vec<u8> {
        let mut r = id.to_le_bytes().to_vec();
        r.extend_from_slice(&(body.len() as u16).to_le_bytes());
        r.extend_from_slice(body);
        r
    }

    fn font(name: &str) -> Vec<u8> {
        let mut body = vec![0u8; 14];
        body.push(name.len() as u8);
        body.push(0);
        body.extend_from_slice(name.as_bytes());
        record(FONT, &body)
    }

    fn xf(font: u16) -> Vec<u8> {
        let mut body = font.to_le_bytes().to_vec();
        body.extend_from_slice(&[0u8; 18]);
        record(XF, &body)
    }

    fn label_sst(row: u16, col: u16, ixfe: u16) -> Vec<u8> {
        let mut body = Vec::new();
        for v in [row, col, ixfe] {
            body.extend_from_slice(&v.to_le_bytes());
        }
        body.extend_from_slice(&0u32.to_le_bytes());
        record(LABELSST, &body)
    }

    /// A BIFF8 stream: five fonts (the fifth record is font index 5), XFs
    /// pointing at font 0 (Arial) and 5 (.VnTime), one sheet with two cells.
    fn workbook() -> Vec<u8> {
        let bof = |kind: u16| {
            let mut b = 0x0600u16.to_le_bytes().to_vec();
            b.extend_from_slice(&kind.to_le_bytes());
            b.extend_from_slice(&[0u8; 12]);
            record(BOF, &b)
        };
        let mut globals = bof(0x0005);
        for name in ["Arial", "Arial", "Arial", "Arial", ".VnTime"] {
            globals.extend(font(name));
        }
        globals.extend(xf(0));
        globals.extend(xf(5));
        let boundsheet_len = 4 + 4 + 4 + "Sheet1".len();
        let sheet_offset = globals.len() + boundsheet_len + 4;
        let mut bs = (sheet_offset as u32).to_le_bytes().to_vec();
        bs.extend_from_slice(&[0, 0, 6, 0]);
        bs.extend_from_slice(b"Sheet1");
        globals.extend(record(BOUNDSHEET, &bs));
        globals.extend(record(EOF, &[]));
        assert_eq!(globals.len(), sheet_offset);
        let mut stream = globals;
        stream.extend(bof(0x0010));
        stream.extend(label_sst(0, 0, 1));
        stream.extend(label_sst(2, 1, 0));
        stream.extend(record(EOF, &[]));
        stream
    }

    #[test]
    fn cells_get_their_fonts_through_xf_and_font_four_is_skipped() {
        let sheets = read(&workbook(), 1000).unwrap();
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].name, "Sheet1");
        let legacy: Vec<_> = sheets[0].legacy.iter().collect();
        assert_eq!(legacy, vec![(&(0, 0), &".VnTime".to_string())]);
    }

    #[test]
    fn biff5_font_names_are_single_bytes() {
        // BIFF5 (Excel 95): FONT names have no flags byte; sheet names are
        // in the code page and left empty.
        let mut stream = record(BOF, &[0x00, 0x05, 0x05, 0x00, 0, 0, 0, 0]);
        let mut vni = vec![0u8; 14];
        vni.push(9);
        vni.extend_from_slice(b"VNI-Times");
        stream.extend(record(FONT, &vni));
        stream.extend(xf(0));
        let sheet_offset = stream.len() + 4 + 10 + 4;
        let mut bs = (sheet_offset as u32).to_le_bytes().to_vec();
        bs.extend_from_slice(&[0, 0, 3]);
        bs.extend_from_slice(b"Ba!");
        stream.extend(record(BOUNDSHEET, &bs));
        stream.extend(record(EOF, &[]));
        assert_eq!(stream.len(), sheet_offset);
        stream.extend(record(BOF, &[0x00, 0x05, 0x10, 0x00, 0, 0, 0, 0]));
        stream.extend(label_sst(4, 2, 0));
        stream.extend(record(EOF, &[]));
        let sheets = read(&stream, 1000).unwrap();
        assert_eq!(sheets[0].name, "");
        assert_eq!(sheets[0].legacy[&(4, 2)], "VNI-Times");
    }

    #[test]
    fn broken_streams_give_nothing_and_never_panic() {
        let stream = workbook();
        for cut in 0..stream.len() {
            let _ = read(&stream[..cut], 1000);
        }
        assert_eq!(read(b"not a workbook", 1000), None);
        // A thousand sheets that all point at the first one: the walk stops.
        let mut forged = workbook();
        let boundsheet = forged
            .windows(2)
            .position(|w| w == BOUNDSHEET.to_le_bytes())
            .unwrap();
        let record: Vec<u8> = forged[boundsheet..boundsheet + 18].to_vec();
        for _ in 0..1000 {
            forged.splice(boundsheet..boundsheet, record.iter().copied());
        }
        assert_eq!(read(&forged, 1000), None);
        assert!(read(&workbook(), 0).unwrap()[0].legacy.is_empty());
    }
}
