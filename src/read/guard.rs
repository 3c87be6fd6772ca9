//! The guard that lets a large .xlsx/.xlsm be read in this process instead
//! of the child reader. calamine streams a worksheet cell by cell (the cell
//! cap and `Budget` bound what we keep of it), but when it opens a workbook
//! it reads some parts whole: the package and workbook relationships, the
//! workbook part, the shared-string table, the styles and the theme. Those
//! parts are inflated here once, with a cap (the zip directory's sizes can
//! lie; the inflated bytes cannot), and what calamine would hold of them is
//! estimated from their bytes, tags and strings. Only when the estimate fits
//! the in-process budget is calamine allowed near the file; otherwise it
//! goes to the child, as every large file did before.
//!
//! The estimate is an upper bound, not a guess: each model below counts, per
//! tag or string, more than calamine allocates for it (the `String`s,
//! vector slots and their growth, allocator overhead, the style palette
//! cloned per sheet), and a forged `uniqueCount` (calamine reserves that
//! many strings up front) must not exceed the strings the table holds.

use std::cell::Cell as Flag;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::rc::Rc;
use std::time::Instant;

/// The memory a file read in process may take: a quarter of what the child
/// reader is given (`Limits::max_memory_bytes`), for what calamine reads
/// whole and for the cells we keep (`Budget`). Two reads at once (one per
/// thread) stay within half of it.
pub(crate) fn in_process_budget(limits: &crate::read::ingest::Limits) -> u64 {
    limits.max_memory_bytes / 4
}

/// How calamine holds a part it reads whole, for its estimate.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// `sharedStrings.xml`: one `String` per `<si>`, up front `uniqueCount`
    /// slots.
    Strings,
    /// `styles.xml`: a `Style` per `<xf>` with its font, fill, borders and
    /// number format cloned into it; the palette cloned again per sheet
    /// whose styles are read.
    Styles,
    /// Relationships, the workbook part (sheets, defined names), the theme:
    /// a few strings per tag.
    Other,
}

/// What a scan of one inflated part counted.
#[derive(Clone, Debug, Default, PartialEq)]
struct Counts {
    bytes: u64,
    /// Events (tags, texts…) as calamine's XML reader sees them: an upper
    /// bound on the elements, strings and styles it makes.
    tags: u64,
    /// Tags whose local name is `si` (in comments and CDATA too: more is
    /// safe).
    strings: u64,
    /// The largest `uniqueCount` written anywhere in the part; `u64::MAX`
    /// when one could not be read as a plain number.
    unique_count: u64,
    /// The longest event (a tag with its attributes, a text): bounds any
    /// attribute value or text (a font name, a number format, a target)
    /// copied into each style or sheet.
    longest: u64,
}

/// The shared-string table, counted by bytes: every `<` that opens a tag
/// named `si` (with or without a prefix) and every `uniqueCount`, wherever
/// it stands. calamine's XML reader can make no string that does not start
/// at such a `<`, and reads its reservation from one of those counts.
fn scan_strings(xml: &[u8]) -> Counts {
    let mut c = Counts {
        bytes: xml.len() as u64,
        ..Counts::default()
    };
    let mut at = 0;
    while let Some(i) = xml[at..].iter().position(|b| *b == b'<') {
        let open = at + i + 1;
        c.tags += 1;
        let name_end = xml[open..]
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/' || *b == b'>' || *b == b'<')
            .map_or(xml.len(), |n| open + n);
        let name = &xml[open..name_end];
        let local = match name.iter().rposition(|b| *b == b':') {
            Some(colon) => &name[colon + 1..],
            None => name,
        };
        if local == b"si" {
            c.strings += 1;
        }
        at = open;
    }
    const KEY: &[u8] = b"uniqueCount";
    let mut from = 0;
    while let Some(i) = xml[from..].windows(KEY.len()).position(|w| w == KEY) {
        let after = from + i + KEY.len();
        let n = count_value(&xml[after..]).unwrap_or(u64::MAX);
        c.unique_count = c.unique_count.max(n);
        from = after;
    }
    c
}

/// The number in `="123"` (either quote, spaces around `=`); `None` for
/// anything else, which calamine might still read as a number.
fn count_value(rest: &[u8]) -> Option<u64> {
    let rest = trim_start(rest).strip_prefix(b"=")?;
    let rest = trim_start(rest);
    let quote = *rest.first().filter(|q| **q == b'"' || **q == b'\'')?;
    let value = &rest[1..];
    let digits = &value[..value.iter().position(|b| *b == quote)?];
    if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[skip..]
}

/// Any other part, read with calamine's own XML reader and settings: its
/// events and the longest of them. `None` when it is not well formed
/// enough to read (calamine would refuse it; the child says how).
fn scan_events(xml: &[u8]) -> Option<Counts> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut c = Counts {
        bytes: xml.len() as u64,
        ..Counts::default()
    };
    loop {
        let before = reader.buffer_position();
        let event = reader.read_event().ok()?;
        if matches!(event, quick_xml::events::Event::Eof) {
            return Some(c);
        }
        c.tags += 1;
        c.longest = c.longest.max(reader.buffer_position() - before);
    }
}

/// An upper bound on what calamine holds of a part, from its counts;
/// `longest` is the longest event of all the parts but the strings (a
/// relationship's target is copied into the path of every sheet naming it,
/// a font's name into every style using it).
fn estimate(kind: Kind, c: &Counts, longest: u64) -> u64 {
    // A `String` slot, and the smallest heap block with its header.
    const STRING: u64 = 24;
    const BLOCK: u64 = 32;
    match kind {
        Kind::Strings => {
            if c.unique_count > c.strings {
                // Forged (or unreadable): calamine would reserve it whole.
                return u64::MAX;
            }
            // Slots of a vector that may double once past its reservation;
            // a heap block per string; the text (rich runs grow a string
            // by pushing, so up to twice its bytes).
            let slots = STRING.saturating_mul(c.strings.saturating_mul(2));
            slots
                .saturating_add(BLOCK.saturating_mul(c.strings))
                .saturating_add(c.bytes.saturating_mul(2))
        }
        Kind::Styles => {
            // Per event (bounding the `xf`, `font`, `fill`, `border` and
            // `numFmt` elements): a style, its font, fill and borders and
            // a number format, each text at most `longest` long, twice (the
            // palette is cloned for each sheet whose styles are read), the
            // vectors doubling.
            let style = std::mem::size_of::<calamine::Style>() as u64;
            let per_tag = 2 * (2 * style + 4 * (longest + BLOCK) + 4 * STRING);
            c.tags
                .saturating_mul(per_tag)
                .saturating_add(c.bytes.saturating_mul(4))
        }
        Kind::Other => {
            // Per event a few strings (a sheet's name and path, a defined
            // name and its formula, a relationship's id, type and target)
            // with their blocks and a map entry, each at most `longest`.
            let per_tag = 8 * (STRING + BLOCK) + 4 * longest;
            c.tags
                .saturating_mul(per_tag)
                .saturating_add(c.bytes.saturating_mul(4))
        }
    }
}

/// Inflates one entry, at most `cap` bytes. `None` when it cannot be read
/// or is longer.
fn inflate<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    index: usize,
    cap: u64,
) -> Option<Vec<u8>> {
    let entry = zip.by_index(index).ok()?;
    let mut bytes = Vec::new();
    entry
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= cap).then_some(bytes)
}

/// Which parts calamine may read whole, and how, from an entry's name
/// (normalised as calamine looks names up: `\` as `/`, ASCII lower case).
/// The workbook part is whatever the package relationships point to: every
/// target they name is measured (`targets`), and every `…workbook.xml`.
fn kind_of(name: &str, targets: &[String]) -> Option<Kind> {
    if name.ends_with("sharedstrings.xml") {
        Some(Kind::Strings)
    } else if name.ends_with("styles.xml") {
        Some(Kind::Styles)
    } else if name.ends_with(".rels")
        || name.ends_with("workbook.xml")
        || name.ends_with("theme1.xml")
        || targets.iter().any(|t| t == name)
    {
        Some(Kind::Other)
    } else {
        None
    }
}

fn normalise(name: &str) -> String {
    name.replace('\\', "/").to_ascii_lowercase()
}

/// Every entry's name, normalised; `None` when one cannot be decoded
/// (calamine refuses such a zip).
fn entry_names<R: Read + Seek>(zip: &zip::ZipArchive<R>) -> Option<Vec<String>> {
    (0..zip.len())
        .map(|i| zip.name_for_index(i)?.ok().map(|n| normalise(&n)))
        .collect()
}

/// The largest package relationships part read in process (a real one is
/// under a kilobyte).
const RELS_CAP: u64 = 64 * 1024;

/// Every quoted value in the package relationships (`_rels/.rels`), as a
/// part name: calamine's workbook part is one of them, whichever way it
/// reads the file. `None` when the part is missing, too long, or holds an
/// escape we do not decode (then calamine's reading cannot be matched).
fn package_targets<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    names: &[String],
) -> Option<Vec<String>> {
    let index = names.iter().position(|n| n == "_rels/.rels")?;
    let mut text = Vec::new();
    zip.by_index(index)
        .ok()?
        .take(RELS_CAP + 1)
        .read_to_end(&mut text)
        .ok()?;
    if text.len() as u64 > RELS_CAP {
        return None;
    }
    quoted_values(&text)
}

/// The values between matching quotes, unescaped, without a leading `/`,
/// normalised as part names.
fn quoted_values(text: &[u8]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.iter().position(|b| *b == b'"' || *b == b'\'') {
        let quote = rest[open];
        let after = &rest[open + 1..];
        let close = after.iter().position(|b| *b == quote)?;
        let value = String::from_utf8_lossy(&after[..close]);
        let value = unescape(&value)?;
        out.push(normalise(value.strip_prefix('/').unwrap_or(&value)));
        rest = &after[close + 1..];
    }
    Some(out)
}

/// XML's five named escapes and character references; `None` for any
/// other `&`.
fn unescape(value: &str) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';')?;
        let entity = &after[..semi];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = match entity.strip_prefix("#x").or(entity.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => entity.strip_prefix('#')?.parse().ok()?,
                };
                char::from_u32(code)?
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// The estimate of everything calamine reads whole when it opens this
/// workbook, when it is within `budget`; `None` otherwise (or when the zip
/// cannot be read here: the child will say why). Each part is inflated
/// once, never past what the budget could hold of it (every estimate is
/// at least twice its bytes, four times for all but the strings).
pub(crate) fn whole_parts(bytes: &[u8], budget: u64) -> Option<u64> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let names = entry_names(&zip)?;
    let targets = package_targets(&mut zip, &names)?;
    let mut parts = Vec::new();
    let mut floor: u64 = 0;
    for (index, name) in names.iter().enumerate() {
        let Some(kind) = kind_of(name, &targets) else {
            continue;
        };
        let per_byte = if kind == Kind::Strings { 2 } else { 4 };
        let xml = inflate(&mut zip, index, (budget - floor) / per_byte)?;
        let counts = match kind {
            Kind::Strings => scan_strings(&xml),
            _ => scan_events(&xml)?,
        };
        floor += counts.bytes * per_byte;
        parts.push((kind, counts));
    }
    let longest = parts
        .iter()
        .filter(|(k, _)| *k != Kind::Strings)
        .map(|(_, c)| c.longest)
        .max()
        .unwrap_or(0);
    let total = parts
        .iter()
        .fold(0u64, |t, (k, c)| t.saturating_add(estimate(*k, c, longest)));
    (total <= budget).then_some(total)
}

/// What the cells read in process may still take, and whether a read ran
/// past it or past its time: the in-process reader then stops and the file
/// goes to the child.
#[derive(Debug)]
pub(crate) struct Budget {
    left: u64,
    deadline: Option<Instant>,
    tripped: Rc<Flag<bool>>,
}

impl Budget {
    pub(crate) fn new(bytes: u64, deadline: Option<Instant>) -> Self {
        Budget {
            left: bytes,
            deadline,
            tripped: Rc::new(Flag::new(false)),
        }
    }

    /// No budget: the child reader, whose process has its own limits.
    pub(crate) fn unlimited() -> Self {
        Budget::new(u64::MAX, None)
    }

    /// Takes `bytes` from the budget; false (and tripped) when it is spent.
    pub(crate) fn take(&mut self, bytes: u64) -> bool {
        match self.left.checked_sub(bytes) {
            Some(left) => {
                self.left = left;
                true
            }
            None => {
                self.tripped.set(true);
                false
            }
        }
    }

    pub(crate) fn tripped(&self) -> bool {
        self.tripped.get()
    }

    /// The file's bytes as calamine reads them, failing past the deadline
    /// (and tripping the budget): a file that would take the child reader
    /// past its time limit is not read here for longer.
    pub(crate) fn reader(&self, bytes: Vec<u8>) -> Timed {
        Timed {
            inner: Cursor::new(bytes),
            deadline: self.deadline,
            tripped: Rc::clone(&self.tripped),
        }
    }
}

/// A reader that fails once its deadline has passed.
pub(crate) struct Timed {
    inner: Cursor<Vec<u8>>,
    deadline: Option<Instant>,
    tripped: Rc<Flag<bool>>,
}

impl Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.deadline.is_some_and(|d| Instant::now() > d) {
            self.tripped.set(true);
            return Err(std::io::Error::other("in-process reading time is over"));
        }
        self.inner.read(buf)
    }
}

impl Seek for Timed {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_their_count_are_counted() {
        let c = scan_strings(
            b"<?xml version=\"1.0\"?><x:sst xmlns:x=\"u\" count=\"3\" uniqueCount = '2'>\
              <x:si><x:t>a</x:t></x:si><si/><si><t>bbbb</t></si></x:sst>",
        );
        assert_eq!(c.strings, 3);
        assert_eq!(c.unique_count, 2);
        assert_eq!(c.tags, 12);
        assert!(estimate(Kind::Strings, &c, 0) < 1000);
    }

    #[test]
    fn a_forged_unique_count_is_over_any_budget() {
        let forged = scan_strings(b"<sst uniqueCount=\"100000000000\"><si><t>a</t></si></sst>");
        assert_eq!(forged.unique_count, 100_000_000_000);
        assert_eq!(estimate(Kind::Strings, &forged, 0), u64::MAX);
        // A count calamine might read but we cannot is treated the same.
        let odd = scan_strings(b"<sst uniqueCount=\" +7\"><si/></sst>");
        assert_eq!(estimate(Kind::Strings, &odd, 0), u64::MAX);
        // Wherever it stands (here behind a `>` inside a value, which ends
        // no tag): the largest count counts.
        let hidden =
            scan_strings(b"<sst a=\">\" uniqueCount=\"9\"><!-- uniqueCount=\"1\" --><si/></sst>");
        assert_eq!(hidden.unique_count, 9);
    }

    #[test]
    fn styles_cost_grows_with_their_longest_text() {
        let style = |name: &str| {
            format!("<styleSheet><fonts><font><name val=\"{name}\"/></font></fonts></styleSheet>")
        };
        let plain = scan_events(style("Arial").as_bytes()).unwrap();
        let long = scan_events(style(&"A".repeat(10_000)).as_bytes()).unwrap();
        assert_eq!(plain.tags, long.tags);
        assert!(long.longest > 10_000);
        let cost = |c: &Counts| estimate(Kind::Styles, c, c.longest);
        assert!(cost(&long) > 20 * cost(&plain));
    }

    #[test]
    fn package_targets_are_unescaped_part_names() {
        let rels = br#"<Relationships><Relationship Id="rId1" Type="http://x/officeDocument" Target="/XL/work&#98;ook.xml"/></Relationships>"#;
        let values = quoted_values(rels).unwrap();
        assert!(values.contains(&"xl/workbook.xml".to_string()));
        assert_eq!(quoted_values(br#"<a b="&bogus;"/>"#), None);
    }

    #[test]
    fn the_budget_trips_once_spent() {
        let mut b = Budget::new(
            10,
            Some(Instant::now() + std::time::Duration::from_secs(60)),
        );
        assert!(b.take(6));
        assert!(!b.tripped());
        assert!(!b.take(6));
        assert!(b.tripped());
    }

    #[test]
    fn the_timed_reader_fails_past_its_deadline() {
        let b = Budget::new(10, Some(Instant::now() - std::time::Duration::from_secs(1)));
        let mut r = b.reader(vec![1, 2, 3]);
        assert!(r.read(&mut [0u8; 3]).is_err());
        assert!(b.tripped());
    }
}
