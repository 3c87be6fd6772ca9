//! The fonts of `.xls` cells. calamine reads an `.xls`'s values but not its
//! fonts, and in Vietnamese files the font says how a text is encoded: a
//! cell set in `.VnTime` holds TCVN3 bytes, one in `VNI-Times` VNI bytes, one
//! in Arial Unicode. `biff::probe_stream` walks the workbook stream once and
//! hands each record to a `FontReader`: FONT records (the names), XF records
//! (each names its font) and, in each worksheet's substream, the text cell
//! records (each names its XF). The result maps every text cell set in a
//! legacy Vietnamese font to that font's name, per worksheet, in workbook
//! order.

use std::collections::{BTreeMap, HashMap};

use crate::read::biff::{Record, u16_at, u32_at};

/// The legacy-font text cells of one worksheet.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct SheetFonts {
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

/// Reads the fonts out of the records `biff::probe_stream` hands it: the
/// workbook globals first (from the stream's start to their EOF), then the
/// worksheets' substreams wherever the walk meets them. The result is
/// unknown (`None`) when the stream is not a BIFF5/BIFF8 workbook, or when
/// its worksheets' substreams overlap or cannot all be read (real sheets
/// each have their own part of the stream).
pub(super) struct FontReader {
    max_cells_per_sheet: u64,
    /// From the stream's BOF: BIFF8 (0x0600) or BIFF5; `None` before it.
    biff8: Option<bool>,
    in_globals: bool,
    broken: bool,
    fonts: Vec<String>,
    xf_fonts: Vec<u16>,
    /// (stream offset, name) of every worksheet, in workbook order.
    worksheets: Vec<(usize, String)>,
    /// Worksheet offset → its index in `worksheets`.
    starts: HashMap<usize, usize>,
    /// Each worksheet's text cells (row, column, XF), once read.
    cells: Vec<Option<Vec<(u32, u32, u16)>>>,
    /// The worksheet substream being read.
    open: Option<Substream>,
}

/// A worksheet substream being read.
struct Substream {
    sheet: usize,
    depth: usize,
    seen_bof: bool,
    looked: u64,
    cells: Vec<(u32, u32, u16)>,
}

impl FontReader {
    pub(super) fn new(max_cells_per_sheet: u64) -> FontReader {
        FontReader {
            max_cells_per_sheet,
            biff8: None,
            in_globals: false,
            broken: false,
            fonts: Vec::new(),
            xf_fonts: Vec::new(),
            worksheets: Vec::new(),
            starts: HashMap::new(),
            cells: Vec::new(),
            open: None,
        }
    }

    /// Takes the next record of the walk.
    pub(super) fn record(&mut self, record: &Record) {
        if self.broken {
            return;
        }
        if record.at == 0 {
            self.stream_start(record);
        } else if self.in_globals {
            self.global(record);
        } else {
            self.sheet_record(record);
        }
    }

    /// A chain of the walk ended: at the stream's end (`complete`), or where
    /// it met a record already read — inside a worksheet's substream, two
    /// substreams share records.
    pub(super) fn chain_end(&mut self, complete: bool) {
        self.in_globals = false;
        if let Some(open) = self.open.take() {
            if complete {
                self.cells[open.sheet] = Some(open.cells);
            } else {
                self.broken = true;
            }
        }
    }

    /// Each worksheet's legacy-font text cells, in workbook order.
    pub(super) fn finish(self) -> Option<Vec<SheetFonts>> {
        if self.broken || self.biff8.is_none() {
            return None;
        }
        let cells: Vec<Vec<(u32, u32, u16)>> = self.cells.iter().cloned().collect::<Option<_>>()?;
        Some(
            self.worksheets
                .iter()
                .zip(cells)
                .map(|((_, name), cells)| SheetFonts {
                    name: name.clone(),
                    legacy: cells
                        .into_iter()
                        .filter_map(|(row, col, ixfe)| {
                            let font = self.legacy_font(ixfe)?;
                            Some(((row, col), font.to_string()))
                        })
                        .collect(),
                })
                .collect(),
        )
    }

    /// The stream's first record: a workbook's BOF, else nothing here is
    /// read.
    fn stream_start(&mut self, record: &Record) {
        if record.id != BOF {
            self.broken = true;
            return;
        }
        // The version as calamine reads it: 0x0500 is BIFF5 (lower numbers
        // older still); 0x0600, an unknown number, or 0 with any substream
        // type but 0x1000 is BIFF8. Read otherwise, the names would be taken
        // in another layout than calamine's and the fonts lost without a word.
        let (version, kind) = (u16_at(record.body, 0), u16_at(record.body, 2));
        self.biff8 = Some(match version {
            Some(0x0002 | 0x0007 | 0x0200 | 0x0300 | 0x0400 | 0x0500) => false,
            Some(0) => kind != Some(0x1000),
            _ => true,
        });
        self.in_globals = true;
    }

    /// A record of the workbook globals.
    fn global(&mut self, record: &Record) {
        let biff8 = self.biff8 == Some(true);
        let body = record.body;
        match record.id {
            EOF => self.in_globals = false,
            FONT => {
                let name = if biff8 {
                    short_string_biff8(body, 14)
                } else {
                    short_string_biff5(body, 14)
                };
                self.fonts.push(name.unwrap_or_default());
            }
            XF => self.xf_fonts.push(u16_at(body, 0).unwrap_or(0)),
            BOUNDSHEET => {
                let (Some(offset), Some(&kind)) = (u32_at(body, 0), body.get(5)) else {
                    return;
                };
                // Sheet type 0: a worksheet (or dialog); charts, macros and
                // VBA modules hold no cells calamine reads.
                if kind != 0 {
                    return;
                }
                let name = if biff8 {
                    short_string_biff8(body, 6).unwrap_or_default()
                } else {
                    String::new()
                };
                let index = self.worksheets.len();
                if self.starts.insert(offset as usize, index).is_some() {
                    // Two worksheets in one place.
                    self.broken = true;
                }
                self.worksheets
                    .push((offset as usize, name.replace('\0', "")));
                self.cells.push(None);
            }
            _ => {}
        }
    }

    /// A record after the globals: maybe the start of a worksheet, maybe one
    /// of the worksheet being read.
    fn sheet_record(&mut self, record: &Record) {
        if let Some(&sheet) = self.starts.get(&record.at) {
            if self.open.is_some() || self.cells[sheet].is_some() {
                self.broken = true;
                return;
            }
            self.open = Some(Substream {
                sheet,
                depth: 0,
                seen_bof: false,
                looked: 0,
                cells: Vec::new(),
            });
        }
        let max_cells = self.max_cells_per_sheet;
        let Some(open) = self.open.as_mut() else {
            return;
        };
        if open.take(record, max_cells) {
            let done = self.open.take().expect("a substream is open");
            self.cells[done.sheet] = Some(done.cells);
        }
    }

    /// The font name of an XF when it is a legacy Vietnamese font. BIFF
    /// numbers fonts 0, 1, 2, 3, 5, 6 …: font index 4 does not exist, so
    /// indices above it are one past the record.
    fn legacy_font(&self, ixfe: u16) -> Option<&str> {
        let ifnt = usize::from(*self.xf_fonts.get(usize::from(ixfe))?);
        let record = if ifnt >= 4 { ifnt - 1 } else { ifnt };
        let name = self.fonts.get(record)?;
        crate::read::legacy::font_encoding(name).map(|_| name.as_str())
    }
}

impl Substream {
    /// Takes one record of the worksheet's substream; true at its EOF.
    /// Nested substreams (embedded charts) are skipped as calamine skips
    /// them; at most `max_cells` text cells are looked at.
    fn take(&mut self, record: &Record, max_cells: u64) -> bool {
        let body = record.body;
        match record.id {
            BOF if !self.seen_bof => self.seen_bof = true,
            BOF => self.depth += 1,
            EOF if self.depth == 0 => return true,
            EOF => self.depth -= 1,
            _ if self.depth > 0 => {}
            LABEL | LABELSST | RSTRING | FORMULA if self.looked < max_cells => {
                self.looked += 1;
                // A formula's value is a string when its result bytes say so
                // (fExprO = 0xFFFF, type 0); its text follows in a STRING record.
                let text = record.id != FORMULA
                    || (body.get(6) == Some(&0) && u16_at(body, 12) == Some(0xFFFF));
                if let (true, Some(row), Some(col), Some(ixfe)) =
                    (text, u16_at(body, 0), u16_at(body, 2), u16_at(body, 4))
                {
                    self.cells.push((u32::from(row), u32::from(col), ixfe));
                }
            }
            _ => {}
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_fonts(stream: &[u8], max_cells: u64) -> Option<Vec<SheetFonts>> {
        crate::read::biff::probe_stream(stream, max_cells).fonts
    }

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
        let sheets = read_fonts(&workbook(), 1000).unwrap();
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].name, "Sheet1");
        let legacy: Vec<_> = sheets[0].legacy.iter().collect();
        assert_eq!(legacy, vec![(&(0, 0), &".VnTime".to_string())]);
    }

    #[test]
    fn a_bof_without_version_is_biff8_as_calamine_reads_it() {
        // Some writers leave the BOF's version at 0: calamine reads such a
        // workbook (substream type 0x0005) as BIFF8, and so must the fonts.
        let mut stream = workbook();
        stream[4..6].copy_from_slice(&[0, 0]);
        let sheets = read_fonts(&stream, 1000).unwrap();
        assert_eq!(sheets[0].name, "Sheet1");
        assert_eq!(sheets[0].legacy[&(0, 0)], ".VnTime");
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
        let sheets = read_fonts(&stream, 1000).unwrap();
        assert_eq!(sheets[0].name, "");
        assert_eq!(sheets[0].legacy[&(4, 2)], "VNI-Times");
    }

    #[test]
    fn broken_streams_give_nothing_and_never_panic() {
        let stream = workbook();
        for cut in 0..stream.len() {
            let _ = read_fonts(&stream[..cut], 1000);
        }
        assert_eq!(read_fonts(b"not a workbook", 1000), None);
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
        assert_eq!(read_fonts(&forged, 1000), None);
        assert!(read_fonts(&workbook(), 0).unwrap()[0].legacy.is_empty());
    }
}
