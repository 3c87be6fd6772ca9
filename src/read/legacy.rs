//! Legacy Vietnamese font encodings. Before Unicode, Vietnamese was typed
//! with TCVN3 (ABC: fonts `.VnTime`, `.VnArial`) or VNI-Windows (`VNI-Times`)
//! fonts: the file stores single-byte text that only those fonts draw as
//! Vietnamese. Excel hands us the Windows-1252 reading of the bytes ("Sè v¨n
//! b¶n" for "Số văn bản"). Every sheet is converted to Unicode here, before
//! anything reads it, cell by cell:
//!
//! - a cell set in a legacy font (where the format shows fonts: xlsx, xls) is
//!   decoded as that font draws it: each Windows-1252 character is the byte
//!   the font turns into a letter, and characters outside Windows-1252 were
//!   typed in Unicode and are kept ("Ủy ban nh©n d©n" → "Ủy ban nhân dân");
//! - any other cell, in a sheet that has legacy text (by its fonts or by its
//!   content), is decoded only when decoding makes it Vietnamese and leaves
//!   fewer characters Vietnamese does not use ("L©m tr\u{AD}êng" in Arial).
//!   Text that reads as Vietnamese already ("Có", "Ghi chú") is Unicode and
//!   never touched — unless nothing in the book was typed in Unicode and
//!   no cell shows its font, where "Cã" is TCVN3 "Có" like its neighbours
//!   (see `Trust`).
//!
//! A file with converted sheets gets one `text-legacy-encoding` finding.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::model::book::{Book, Cell, Sheet};
use crate::model::finding::{Code, Finding};
use crate::model::messages;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    Tcvn3,
    Vni,
}

impl Encoding {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Encoding::Tcvn3 => "TCVN3 (ABC)",
            Encoding::Vni => "VNI-Windows",
        }
    }

    /// The short identifier used in machine-readable output.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Encoding::Tcvn3 => "tcvn3",
            Encoding::Vni => "vni",
        }
    }

    /// The encoding an identifier of `id` names.
    pub(crate) fn from_id(id: &str) -> Option<Encoding> {
        [Encoding::Tcvn3, Encoding::Vni]
            .into_iter()
            .find(|e| e.id() == id)
    }
}

struct Tables {
    /// TCVN3 byte → lower-case letter (capitals with tone marks share it).
    tcvn3: HashMap<u8, char>,
    /// TCVN3 byte → the capital, for bytes that only capitals use.
    tcvn3_upper_only: HashMap<u8, char>,
    /// VNI byte sequence (1 or 2 bytes) of a lower-case letter → the letter.
    /// Capitals are the same sequences with the first byte in upper case.
    vni_lower: HashMap<Vec<u8>, char>,
    /// Letter → its VNI bytes, both cases (for `encode_vni`).
    vni_bytes: HashMap<char, Vec<u8>>,
    /// Every Vietnamese letter with a diacritic.
    letters: HashSet<char>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut t = Tables {
            tcvn3: HashMap::new(),
            tcvn3_upper_only: HashMap::new(),
            vni_lower: HashMap::new(),
            vni_bytes: HashMap::new(),
            letters: HashSet::new(),
        };
        for line in include_str!("legacy/vn-legacy-charsets.tsv")
            .lines()
            .skip(1)
        {
            let cols: Vec<&str> = line.split('\t').collect();
            let Some(letter) = cols.first().and_then(|c| c.chars().next()) else {
                continue;
            };
            t.letters.insert(letter);
            if let Some(byte) = cols
                .get(2)
                .and_then(|b| u8::from_str_radix(b.trim(), 16).ok())
            {
                if letter.is_lowercase() {
                    t.tcvn3.insert(byte, letter);
                } else {
                    t.tcvn3_upper_only.insert(byte, letter);
                }
            }
            if let Some(seq) = cols.get(3) {
                let bytes: Option<Vec<u8>> = seq
                    .split_whitespace()
                    .map(|b| u8::from_str_radix(b, 16).ok())
                    .collect();
                if let Some(bytes) = bytes {
                    if letter.is_lowercase() {
                        t.vni_lower.insert(bytes.clone(), letter);
                    }
                    t.vni_bytes.insert(letter, bytes);
                }
            }
        }
        // A capital's byte that a lower-case letter also uses is not "upper only".
        let lower: Vec<u8> = t.tcvn3.keys().copied().collect();
        for b in lower {
            t.tcvn3_upper_only.remove(&b);
        }
        t
    })
}

/// Windows-1252 characters for bytes 0x80–0x9F. The five bytes Windows-1252
/// leaves undefined stand for nothing; they become U+FFFD.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž',
    '\u{FFFD}', '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{FFFD}',
    'ž', 'Ÿ',
];

/// The character a Windows-1252 byte stands for.
fn cp1252_char(byte: u8) -> char {
    match byte {
        0x80..=0x9F => CP1252_HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// The byte behind a character Excel read as Windows-1252, or `None` for a
/// character outside Windows-1252 (typed in Unicode). C1 controls are the
/// bytes themselves (old writers store them raw).
fn legacy_byte(c: char) -> Option<u8> {
    match u32::from(c) {
        cp @ 0..=0xFF => Some(cp as u8),
        _ if c == '\u{FFFD}' => None,
        _ => CP1252_HIGH
            .iter()
            .position(|&h| h == c)
            .map(|i| 0x80 + i as u8),
    }
}

/// C1 control characters (U+0080–U+009F) turned into the Windows-1252
/// characters their bytes stand for ("\u{96}" → "–"); `None` when the text
/// has none. Files written by old programs store Windows-1252 bytes where
/// the format wants Latin-1, and no control character may reach the output.
pub(crate) fn c1_to_cp1252(text: &str) -> Option<String> {
    let is_c1 = |c: char| ('\u{80}'..='\u{9F}').contains(&c);
    // Most cells are ASCII: one vectorised pass rules them out.
    if text.is_ascii() {
        return None;
    }
    text.chars().any(is_c1).then(|| {
        text.chars()
            .map(|c| if is_c1(c) { cp1252_char(c as u8) } else { c })
            .collect()
    })
}

/// A decoded character and what is known of its case: TCVN3 writes toned
/// capitals with the lower-case byte, so their case is unknown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Case {
    Known,
    Unknown,
}

/// Decodes TCVN3 bytes. A toned letter takes the case of the word it stands
/// in (see `fix_case`); `capitals` is for the fonts that draw capitals
/// (`.VnTimeH`), where a word that shows no small letter is in capitals.
/// Characters outside Windows-1252 are kept. `None` when nothing changes.
pub(crate) fn decode_tcvn3(text: &str, capitals: bool) -> Option<String> {
    let t = tables();
    let chars: Vec<(char, Case)> = text
        .chars()
        .map(|c| match legacy_byte(c) {
            Some(b) if b >= 0x80 => match (t.tcvn3.get(&b), t.tcvn3_upper_only.get(&b)) {
                (Some(&l), _) => (l, Case::Unknown),
                (None, Some(&u)) => (u, Case::Known),
                _ => (cp1252_char(b), Case::Known),
            },
            _ => (c, Case::Known),
        })
        .collect();
    let decoded = fix_case(&chars, capitals);
    (decoded != text).then_some(decoded)
}

/// How a word shows its case.
#[derive(Clone, Copy, PartialEq, Eq)]
enum WordCase {
    /// No letter of unknown case: nothing to decide.
    Fixed,
    /// A known small letter: the toned letters are small too.
    Lower,
    /// Two or more known capitals and no small letter ("NËM" → "NẬM").
    Capitals,
    /// At most one known capital and no small letter ("Sè", "X·"): capitals
    /// only if the rest of the cell is written in capitals.
    Unsure,
}

fn word_case(word: &[(char, Case)]) -> WordCase {
    if word.iter().all(|(_, case)| *case == Case::Known) {
        return WordCase::Fixed;
    }
    let known = || word.iter().filter(|(_, case)| *case == Case::Known);
    if known().any(|(c, _)| c.is_lowercase()) {
        WordCase::Lower
    } else if known().filter(|(c, _)| c.is_uppercase()).count() >= 2 {
        WordCase::Capitals
    } else {
        WordCase::Unsure
    }
}

/// Words written in capitals ("UBND X· NËM CHÇY" → "UBND XÃ NẬM CHẦY"): a
/// word whose known letters are two or more capitals is in capitals; a word
/// that cannot tell ("X·") is in capitals when no legacy word of the cell
/// shows a small letter and either another one shows capitals or the font
/// draws capitals (`.VnTimeH`). ASCII-only words say nothing ("Sè TT" is
/// "Số TT", not "SỐ TT"), and a cell typed in small letters keeps its case
/// even in a capitals font ("Së lao ®éng" is "Sở lao động").
fn fix_case(chars: &[(char, Case)], capitals_font: bool) -> String {
    let words: Vec<&[(char, Case)]> = chars
        .split(|(c, _)| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let kinds: Vec<WordCase> = words.iter().map(|w| word_case(w)).collect();
    let cell_in_capitals =
        !kinds.contains(&WordCase::Lower) && (capitals_font || kinds.contains(&WordCase::Capitals));
    let mut upper_words = kinds
        .iter()
        .map(|k| *k == WordCase::Capitals || (*k == WordCase::Unsure && cell_in_capitals));
    let mut out = String::with_capacity(chars.len() * 2);
    let mut in_word = false;
    let mut upper = false;
    for &(c, _) in chars {
        if !c.is_alphanumeric() {
            in_word = false;
            out.push(c);
            continue;
        }
        if !in_word {
            in_word = true;
            upper = upper_words.next().unwrap_or(false);
        }
        if upper {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Upper-case Windows-1252 letters: ASCII A–Z and À–Þ (not ×).
fn is_upper_byte(b: u8) -> bool {
    b.is_ascii_uppercase() || ((0xC0..=0xDE).contains(&b) && b != 0xD7)
}

fn lower_byte(b: u8) -> u8 {
    if is_upper_byte(b) { b + 0x20 } else { b }
}

/// Decodes VNI-Windows: a base letter followed by one or two modifier bytes.
/// A letter's case is its first byte's: a capital base with a small tone
/// byte ("Uûy") is still a capital ("Ủy"). Characters outside Windows-1252
/// are kept. `None` when nothing changes.
pub(crate) fn decode_vni(text: &str) -> Option<String> {
    let t = tables();
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let Some(first) = legacy_byte(chars[i]) else {
            out.push(chars[i]);
            i += 1;
            continue;
        };
        let second = chars.get(i + 1).and_then(|&c| legacy_byte(c));
        let single = [lower_byte(first)];
        let pair = second.and_then(|s| t.vni_lower.get(&[single[0], lower_byte(s)][..]));
        let (letter, used) = match (pair, t.vni_lower.get(&single[..])) {
            (Some(&l), _) => (Some(l), 2),
            (None, Some(&l)) => (Some(l), 1),
            _ => (None, 1),
        };
        match letter {
            Some(l) if is_upper_byte(first) => out.extend(l.to_uppercase()),
            Some(l) => out.push(l),
            None if first >= 0x80 => out.push(cp1252_char(first)),
            None => out.push(chars[i]),
        }
        i += used;
    }
    (out != text).then_some(out)
}

/// Decodes `text` as typed in `encoding`; `capitals` for `.VnTimeH` fonts.
pub(crate) fn decode(text: &str, encoding: Encoding, capitals: bool) -> Option<String> {
    match encoding {
        Encoding::Tcvn3 => decode_tcvn3(text, capitals),
        Encoding::Vni => decode_vni(text),
    }
}

/// The other way, for tests and fixtures: Unicode → the Windows-1252 reading
/// of its TCVN3 bytes. Characters outside the table are kept.
pub fn encode_tcvn3(text: &str) -> String {
    let t = tables();
    let to_byte: HashMap<char, u8> = t
        .tcvn3
        .iter()
        .map(|(b, c)| (*c, *b))
        .chain(t.tcvn3_upper_only.iter().map(|(b, c)| (*c, *b)))
        .collect();
    let bytes: Vec<u8> = text
        .chars()
        .flat_map(|c| {
            let lower = c.to_lowercase().next().unwrap_or(c);
            match to_byte.get(&c).or_else(|| to_byte.get(&lower)) {
                Some(b) => vec![*b],
                None => c.to_string().into_bytes(),
            }
        })
        .collect();
    encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned()
}

/// Unicode → the Windows-1252 reading of its VNI-Windows bytes.
pub fn encode_vni(text: &str) -> String {
    let to_bytes = &tables().vni_bytes;
    let bytes: Vec<u8> = text
        .chars()
        .flat_map(|c| match to_bytes.get(&c) {
            Some(b) => b.clone(),
            None => c.to_string().into_bytes(),
        })
        .collect();
    encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned()
}

const INITIALS: &[&str] = &[
    "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];
const FINALS: &[&str] = &["ch", "ng", "nh", "c", "m", "n", "p", "t", ""];

fn is_vowel(c: char) -> bool {
    let base: String = crate::model::text::strip_diacritics(&c.to_string());
    matches!(base.as_str(), "a" | "e" | "i" | "o" | "u" | "y")
}

/// Is this (lower-case) word a possible Vietnamese syllable?
pub(crate) fn is_syllable(word: &str) -> bool {
    let word = word.to_lowercase();
    INITIALS.iter().any(|init| {
        let Some(rest) = word.strip_prefix(init) else {
            return false;
        };
        FINALS.iter().any(|fin| {
            let Some(nucleus) = rest.strip_suffix(fin) else {
                return false;
            };
            let n = nucleus.chars().count();
            (1..=3).contains(&n) && nucleus.chars().all(is_vowel)
        })
    })
}

/// How many words with a Vietnamese letter in `decoded` are real syllables,
/// out of how many such words.
fn syllable_score(decoded: &str) -> (usize, usize) {
    syllable_score_of_words(decoded, 1)
}

/// The same, for words of at least `min_letters` characters.
fn syllable_score_of_words(decoded: &str, min_letters: usize) -> (usize, usize) {
    let t = tables();
    let mut valid = 0;
    let mut total = 0;
    for word in decoded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= min_letters)
    {
        let lower = word.to_lowercase();
        if !lower.chars().any(|c| t.letters.contains(&c)) {
            continue;
        }
        total += 1;
        if is_syllable(&lower) {
            valid += 1;
        }
    }
    (valid, total)
}

/// Punctuation and symbols that Vietnamese Unicode text uses.
const TYPOGRAPHY: &str = "\u{A0}‘’“”–—…•°·©«»";

/// A cheap first look, before a sheet's fonts are read: does the text hold a
/// Windows-1252 character that Vietnamese Unicode text does not use ("¸",
/// "¨", "¶" in TCVN3; "û", "ø", "ï" in VNI)? Single legacy words can do
/// without ("Khoâng"), but a legacy-typed sheet always has some.
pub fn may_be_legacy(text: &str) -> bool {
    const VIETNAMESE_LATIN1: &str = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý";
    if text.is_ascii() {
        return false;
    }
    text.chars().filter(|c| !c.is_ascii()).any(|c| {
        let legacy_char = if ('\u{80}'..='\u{FF}').contains(&c) {
            !VIETNAMESE_LATIN1.contains(c)
        } else {
            // The Windows-1252 characters outside Latin-1 lie in U+0152–U+2122.
            ('\u{152}'..='\u{2122}').contains(&c) && "€‚ƒ„†‡ˆ‰Š‹ŒŽ˜™š›œžŸ".contains(c)
        };
        legacy_char && !TYPOGRAPHY.contains(c)
    })
}

/// Characters that Vietnamese text does not use: not ASCII, not a
/// Vietnamese letter, not common typography — and the typography that TCVN3
/// uses for letters when it stands where a letter would: "·" and "©" after
/// a letter ("X·" is "Xã", "nh©n" is "nhân"), "«" and "»" between letters
/// ("b»ng" is "bằng").
fn foreign_chars(text: &str) -> usize {
    let t = tables();
    let is_letter = |c: char| c.is_alphanumeric();
    let chars: Vec<char> = text.chars().collect();
    let mut count = 0;
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii() || c.is_ascii_alphabetic() || t.letters.contains(&c) {
            continue;
        }
        let after_letter = i > 0 && is_letter(chars[i - 1]);
        let before_letter = chars.get(i + 1).is_some_and(|&n| is_letter(n));
        let in_word = match c {
            '·' | '©' => after_letter,
            '«' | '»' => after_letter && before_letter,
            _ => false,
        };
        if !TYPOGRAPHY.contains(c) || in_word {
            count += 1;
        }
    }
    count
}

/// Text that Vietnamese Unicode could be: only Vietnamese letters, ASCII and
/// typography, every word with a Vietnamese letter a syllable. Such a cell
/// is never converted by content ("Có", "Ghi chú", "Không").
pub(crate) fn is_unicode_vietnamese(text: &str) -> bool {
    let (valid, total) = syllable_score(text);
    foreign_chars(text) == 0 && valid == total
}

/// Where a cell's font says nothing, how much its text must show before it
/// is decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Trust {
    /// The sheet shows Unicode typing (letters outside Windows-1252, or its
    /// legacy cells are known by their fonts): a cell that reads as
    /// Vietnamese ("Có", "Ghi chú") is Unicode and stays as it is.
    UnicodeSeen,
    /// Everything in the sheet could be legacy bytes: a cell that reads as
    /// Vietnamese both ways ("Cã" is TCVN3 "Có") is decoded with the sheet.
    AllLegacy,
}

/// Decodes a cell whose font says nothing, in a sheet typed in `encoding`:
/// when decoding gives mostly real syllables and leaves fewer foreign
/// characters — or, in a sheet with no sign of Unicode typing, reads
/// wholly as Vietnamese.
pub(crate) fn decode_by_content(text: &str, encoding: Encoding, trust: Trust) -> Option<String> {
    if trust == Trust::UnicodeSeen && is_unicode_vietnamese(text) {
        return None;
    }
    let decoded = decode(text, encoding, false)?;
    let (raw_valid, _) = syllable_score(text);
    let (valid, total) = syllable_score(&decoded);
    let mostly_syllables = valid * 10 >= total * 7 && valid >= raw_valid && valid > 0;
    let fewer_foreign = foreign_chars(&decoded) < foreign_chars(text);
    let wholly_vietnamese = trust == Trust::AllLegacy && is_unicode_vietnamese(&decoded);
    (mostly_syllables && (fewer_foreign || wholly_vietnamese)).then_some(decoded)
}

/// Unicode typing: a Vietnamese letter that no Windows-1252 byte stands for
/// ("ư", "ố", "đ") or a combining mark (decomposed text). Legacy text has
/// neither.
fn typed_in_unicode(text: &str) -> bool {
    if text.is_ascii() {
        return false;
    }
    let t = tables();
    // Vietnamese letters lie in Latin-1, Latin Extended-A/B up to "ư" and
    // Latin Extended Additional: a range test spares the set lookup for
    // other scripts.
    let may_be_letter =
        |c: char| ('\u{C0}'..='\u{1B0}').contains(&c) || ('\u{1EA0}'..='\u{1EF9}').contains(&c);
    text.chars().filter(|c| !c.is_ascii()).any(|c| {
        (may_be_letter(c) && t.letters.contains(&c) && legacy_byte(c).is_none())
            || ('\u{300}'..='\u{36F}').contains(&c)
    })
}

/// Text that could be legacy: some non-ASCII character with a Windows-1252
/// byte.
fn candidate(text: &str) -> bool {
    text.chars()
        .any(|c| !c.is_ascii() && legacy_byte(c).is_some())
}

/// Decides a sheet's encoding from its text: the encoding whose decoding
/// turns the most non-ASCII words into Vietnamese syllables, if it does so
/// for most of them and clearly better than reading the text as it is.
pub(crate) fn detect(texts: &[&str]) -> Option<Encoding> {
    // Lists repeat the same few texts ("Có", "Karaoke") thousands of times:
    // score each distinct text once, weighted by how often it occurs.
    let mut candidates: HashMap<&str, usize> = HashMap::new();
    for t in texts.iter().copied().filter(|t| candidate(t)) {
        *candidates.entry(t).or_default() += 1;
    }
    if candidates.is_empty() {
        return None;
    }
    // Evidence is words of two letters or more ("×" reads as TCVN3 "ì"),
    // from at least two different texts.
    let score = |decode: &dyn Fn(&str) -> Option<String>| {
        candidates
            .iter()
            .fold((0, 0, 0), |(v, n, texts), (t, &times)| {
                let decoded = decode(t);
                let (dv, dn) = syllable_score_of_words(decoded.as_deref().unwrap_or(t), 2);
                (v + dv * times, n + dn * times, texts + usize::from(dv > 0))
            })
    };
    let raw = score(&|_: &str| None);
    let tcvn3 = score(&|t: &str| decode_tcvn3(t, false));
    let vni = score(&|t: &str| decode_vni(t));
    let good = |(v, n, texts): (usize, usize, usize)| {
        n > 0 && v * 10 >= n * 8 && texts >= 2 && v > raw.0 + 1
    };
    match (good(tcvn3), good(vni)) {
        (true, true) if vni.0 > tcvn3.0 => Some(Encoding::Vni),
        (true, _) => Some(Encoding::Tcvn3),
        (false, true) => Some(Encoding::Vni),
        _ => None,
    }
}

/// The encoding a font name stands for, and whether it draws capitals
/// (".VnTimeH", ".VnArialH").
pub(crate) fn font_encoding(font: &str) -> Option<(Encoding, bool)> {
    let font = font.trim();
    let lower = font.to_ascii_lowercase();
    if lower.starts_with(".vn") {
        Some((Encoding::Tcvn3, font.ends_with('H')))
    } else if lower.starts_with("vni") {
        Some((Encoding::Vni, false))
    } else {
        None
    }
}

/// What was converted in one sheet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SheetDecoding {
    /// Cells converted from TCVN3.
    pub tcvn3: usize,
    /// Cells converted from VNI-Windows.
    pub vni: usize,
}

impl SheetDecoding {
    /// The encoding most converted cells were in, `None` for a sheet left
    /// as it was (Unicode).
    pub(crate) fn dominant(self) -> Option<Encoding> {
        match (self.tcvn3, self.vni) {
            (0, 0) => None,
            (t, v) if v > t => Some(Encoding::Vni),
            _ => Some(Encoding::Tcvn3),
        }
    }

    fn count(&mut self, encoding: Encoding) {
        match encoding {
            Encoding::Tcvn3 => self.tcvn3 += 1,
            Encoding::Vni => self.vni += 1,
        }
    }
}

/// Converts one sheet: the cells in legacy fonts as their fonts draw them,
/// then the other cells by content, in the encoding the fonts showed or,
/// without legacy fonts, the one the sheet's text shows.
///
/// `unicode_in_book`: a cell of the book outside the legacy fonts (this
/// sheet's or another's, `shows_unicode_typing`) was typed in Unicode, so
/// text that reads as Vietnamese may well have been typed in Unicode here too.
pub(crate) fn decode_sheet(sheet: &mut Sheet, unicode_in_book: bool) -> SheetDecoding {
    let mut done = decode_font_cells(sheet);
    let by_content = match done.dominant() {
        Some(encoding) => Some(encoding),
        // Content detection only where some text shows a legacy tell-tale.
        None if sheet.texts().any(may_be_legacy) => {
            let texts: Vec<&str> = sheet
                .text_cells()
                .filter(|(pos, _)| !sheet.legacy_fonts.contains_key(pos))
                .map(|(_, t)| t)
                .collect();
            detect(&texts)
        }
        None => None,
    };
    if let Some(encoding) = by_content {
        let unfonted = || {
            sheet
                .text_cells()
                .filter(|(pos, _)| !sheet.legacy_fonts.contains_key(pos))
        };
        let trust = if unicode_in_book || done.dominant().is_some() {
            Trust::UnicodeSeen
        } else {
            Trust::AllLegacy
        };
        let decoded: Vec<((u32, u32), String)> = unfonted()
            .filter(|(_, t)| candidate(t))
            .filter_map(|(pos, t)| decode_by_content(t, encoding, trust).map(|d| (pos, d)))
            .collect();
        for (pos, text) in decoded {
            sheet.set_text(pos, text);
            done.count(encoding);
        }
    }
    done
}

/// The cells in legacy fonts, decoded as their fonts draw them.
fn decode_font_cells(sheet: &mut Sheet) -> SheetDecoding {
    let mut done = SheetDecoding::default();
    // Taken out while the cells change, so that no font name is copied.
    let fonts = std::mem::take(&mut sheet.legacy_fonts);
    for (pos, font) in &fonts {
        let Some((encoding, capitals)) = font_encoding(font) else {
            continue;
        };
        let Cell::Text(text) = sheet.get(pos.0, pos.1) else {
            continue;
        };
        if let Some(decoded) = decode(text, encoding, capitals) {
            sheet.set_text(*pos, decoded);
            done.count(encoding);
        }
    }
    sheet.legacy_fonts = fonts;
    done
}

/// Converts every sheet of the book; returns what was done per sheet.
pub(crate) fn decode_book(book: &mut Book) -> Vec<SheetDecoding> {
    // Decoding a sheet changes only its legacy cells: the Unicode typing
    // outside them is looked for once, before.
    let unicode_in_book = book.sheets.iter().any(shows_unicode_typing);
    book.sheets
        .iter_mut()
        .map(|sheet| decode_sheet(sheet, unicode_in_book))
        .collect()
}

/// Whether a cell outside the legacy fonts shows Unicode typing.
fn shows_unicode_typing(sheet: &Sheet) -> bool {
    sheet
        .text_cells()
        .any(|(pos, t)| !sheet.legacy_fonts.contains_key(&pos) && typed_in_unicode(t))
}

/// The sheets whose legacy fonts the file records but could not be matched
/// to them (`Sheet::fonts_unmatched`): one warning for the file, naming
/// them, on the sheet when there is one.
pub(crate) fn fonts_unmatched(book: &Book) -> Option<Finding> {
    let sheets: Vec<&str> = book
        .sheets
        .iter()
        .filter(|s| s.fonts_unmatched)
        .map(|s| s.name.as_str())
        .collect();
    let finding = Finding::new(
        Code::TextFontsUnmatched,
        messages::text_fonts_unmatched(&sheets),
    );
    match sheets.as_slice() {
        [] => None,
        [one] => Some(finding.at(crate::model::finding::Location::sheet(one))),
        _ => Some(finding),
    }
}

/// Converts every legacy-encoded sheet of the book to Unicode and reports
/// it once for the file, naming the sheets.
pub(crate) fn normalize_book(book: &mut Book) -> Vec<Finding> {
    let decodings = decode_book(book);
    let converted: Vec<(&str, Encoding)> = book
        .sheets
        .iter()
        .zip(&decodings)
        .filter_map(|(sheet, d)| Some((sheet.name.as_str(), d.dominant()?)))
        .collect();
    if converted.is_empty() {
        return Vec::new();
    }
    let sheets: Vec<&str> = converted.iter().map(|(s, _)| *s).collect();
    let mut encodings: Vec<&str> = converted.iter().map(|(_, e)| e.name()).collect();
    encodings.sort_unstable();
    encodings.dedup();
    vec![Finding::new(
        Code::TextLegacyEncoding,
        messages::text_legacy_encoding(&sheets, &encodings),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcvn3_labels_and_capitals() {
        assert_eq!(
            decode_tcvn3("Sè v¨n b¶n chØ ®¹o", false).unwrap(),
            "Số văn bản chỉ đạo"
        );
        assert_eq!(
            decode_tcvn3("UBND X· NËM CHÇY", false).unwrap(),
            "UBND XÃ NẬM CHẦY"
        );
        // "ư" is 0xAD, the soft hyphen.
        assert_eq!(decode_tcvn3("Th\u{AD}îng", false).unwrap(), "Thượng");
    }

    #[test]
    fn lowercase_tcvn3_is_not_turned_into_capitals() {
        // "TT" is an abbreviation in capitals: it says nothing of "Sè".
        assert_eq!(decode_tcvn3("Sè TT", false).unwrap(), "Số TT");
        assert_eq!(decode_tcvn3("STT Sè", false).unwrap(), "STT Số");
        assert_eq!(decode_tcvn3("X·", false).unwrap(), "Xã");
        // A word that cannot tell follows the other legacy words of the cell.
        assert_eq!(decode_tcvn3("TæNG Sè", false).unwrap(), "TỔNG SỐ");
        assert_eq!(decode_tcvn3("§¬n vÞ tÝnh", false).unwrap(), "Đơn vị tính");
    }

    #[test]
    fn vntimeh_fonts_make_words_typed_in_capitals_capitals() {
        // "X·" cannot tell its case by itself; in a capitals font it is "XÃ".
        assert_eq!(decode_tcvn3("X·", true).unwrap(), "XÃ");
        assert_eq!(decode_tcvn3("X·", false).unwrap(), "Xã");
        assert_eq!(decode_tcvn3("X· NËM", true).unwrap(), "XÃ NẬM");
        assert_eq!(
            decode_tcvn3("T£N Tæ CHøC TÝN DôNG", true).unwrap(),
            "TÊN TỔ CHỨC TÍN DỤNG"
        );
        // Through the font name, as a sheet's cells are decoded.
        let (encoding, capitals) = font_encoding(".VnArialH").unwrap();
        assert_eq!(
            decode("UBND X· Tæ", encoding, capitals).unwrap(),
            "UBND XÃ TỔ"
        );
        // ASCII text reads the same in every encoding, even in a capitals
        // font: nothing to decode.
        assert_eq!(decode_tcvn3("Tong so xa", true), None);
        // Typed in small letters, the letters keep their case.
        assert_eq!(
            decode_tcvn3("Phô lôc sè 02", true).unwrap(),
            "Phụ lục số 02"
        );
        assert_eq!(decode_tcvn3("Së lao ®éng", true).unwrap(), "Sở lao động");
    }

    #[test]
    fn vni_labels() {
        assert_eq!(
            decode_vni("Soá vaên baûn chæ ñaïo").unwrap(),
            "Số văn bản chỉ đạo"
        );
        assert_eq!(decode_vni("UBND XAÕ TAÂN AN").unwrap(), "UBND XÃ TÂN AN");
    }

    #[test]
    fn vni_capital_with_a_separate_small_tone_byte() {
        assert_eq!(decode_vni("Uûy ban nhaân daân").unwrap(), "Ủy ban nhân dân");
        assert_eq!(decode_vni("Ñoàng").unwrap(), "Đồng");
        assert_eq!(decode_vni("Ôû").unwrap(), "Ở");
        assert_eq!(decode_vni("Öôùc").unwrap(), "Ước");
    }

    #[test]
    fn cells_mixing_unicode_and_legacy_text_are_decoded() {
        assert_eq!(
            decode_tcvn3("Ủy ban nh©n d©n", false).unwrap(),
            "Ủy ban nhân dân"
        );
        assert_eq!(
            decode_tcvn3("tại QuyÕt ®ịnh sè 477", false).unwrap(),
            "tại Quyết định số 477"
        );
        assert_eq!(decode_vni("Ủy ban nhaân daân").unwrap(), "Ủy ban nhân dân");
    }

    #[test]
    fn bytes_0x80_to_0x9f_are_windows_1252_never_controls() {
        // Stored raw (C1 controls) or read as Windows-1252: the same text.
        for raw in ["Th¸ng\u{85} n¨m\u{96}2005 \u{89}", "Th¸ng… n¨m–2005 ‰"] {
            let decoded = decode_tcvn3(raw, false).unwrap();
            assert_eq!(decoded, "Tháng… năm–2005 ‰");
            let vni = decode_vni(raw).unwrap_or_else(|| raw.to_string());
            for text in [&decoded, &vni] {
                assert!(
                    !text.chars().any(|c| ('\u{80}'..='\u{9F}').contains(&c)),
                    "{text:?}"
                );
            }
        }
        assert_eq!(c1_to_cp1252("a\u{96}b\u{80}").unwrap(), "a–b€");
        assert_eq!(c1_to_cp1252("\u{81}").unwrap(), "\u{FFFD}");
        assert_eq!(c1_to_cp1252("Có – không"), None);
    }

    #[test]
    fn unicode_text_is_never_decoded() {
        assert!(
            decode_tcvn3("Số văn bản", false).is_none(),
            "ố is not Windows-1252"
        );
        assert_eq!(detect(&["Nồng độ 5 µg", "Góc 30¸", "Tổng số cơ sở"]), None);
        assert_eq!(detect(&["Café", "Crème brûlée"]), None);
    }

    #[test]
    fn content_decoding_leaves_unicode_vietnamese_alone() {
        for unicode in [
            "Có",
            "Không",
            "Ghi chú",
            "Tên",
            "5 µg/m³",
            "Café",
            "Thôn Nà Hin",
        ] {
            assert_eq!(
                decode_by_content(unicode, Encoding::Tcvn3, Trust::UnicodeSeen),
                None,
                "{unicode}"
            );
        }
        for (legacy, unicode) in [
            ("L©m tr\u{AD}êng A", "Lâm trường A"),
            ("Tæng gi¸ trÞ tµi s¶n", "Tổng giá trị tài sản"),
            ("F: 219-273 mm, dµi 80m", "F: 219-273 mm, dài 80m"),
            ("F24 x F32 b»ng composite", "F24 x F32 bằng composite"),
        ] {
            assert_eq!(
                decode_by_content(legacy, Encoding::Tcvn3, Trust::UnicodeSeen).as_deref(),
                Some(unicode)
            );
        }
        assert_eq!(
            decode_by_content("Toång soá cô sôû", Encoding::Vni, Trust::UnicodeSeen).as_deref(),
            Some("Tổng số cơ sở")
        );
    }

    #[test]
    fn without_fonts_a_sheet_with_no_unicode_typing_decodes_ambiguous_cells() {
        // "Cã" reads as Vietnamese both ways; in an all-legacy sheet it is "Có".
        assert_eq!(
            decode_by_content("Cã", Encoding::Tcvn3, Trust::AllLegacy).as_deref(),
            Some("Có")
        );
        assert_eq!(
            decode_by_content("Cã", Encoding::Tcvn3, Trust::UnicodeSeen),
            None
        );
        let sheet_with = |extra: &str| {
            let mut sheet = Sheet::new("Biểu", false);
            for (row, text) in ["Sè v¨n b¶n chØ ®¹o", "C¬ së kinh doanh", "Cã", extra]
                .into_iter()
                .enumerate()
            {
                sheet.set(row as u32, 0, Cell::Text(text.into()));
            }
            let typed = shows_unicode_typing(&sheet);
            decode_sheet(&mut sheet, typed);
            sheet.get(2, 0).as_text()
        };
        assert_eq!(sheet_with("Kh«ng"), "Có");
        // A cell typed in Unicode elsewhere: "Cã" could be what was typed.
        assert_eq!(sheet_with("Số lượng"), "Cã");
        // Also when the Unicode typing is on another sheet of the book.
        let legacy = |name: &str, texts: &[&str]| {
            let mut sheet = Sheet::new(name, false);
            for (row, text) in texts.iter().enumerate() {
                sheet.set(row as u32, 0, Cell::Text(text.to_string()));
            }
            sheet
        };
        let mut book = Book {
            format: crate::model::book::Format::Ods,
            sheets: vec![
                legacy("A", &["Sè v¨n b¶n chØ ®¹o", "C¬ së kinh doanh", "Cã"]),
                legacy("B", &["Ghi chú", "Số lượng"]),
            ],
        };
        decode_book(&mut book);
        assert_eq!(book.sheets[0].get(0, 0).as_text(), "Số văn bản chỉ đạo");
        assert_eq!(book.sheets[0].get(2, 0).as_text(), "Cã");
    }

    #[test]
    fn a_sheet_decodes_legacy_font_cells_and_keeps_unicode_ones() {
        let mut sheet = Sheet::new("Biểu", false);
        let cells = [
            ((0, 0), "Sè TT", Some(".VnTime")),
            ((0, 1), "Ghi chú", None),
            ((1, 0), "Cã", Some(".VnTime")),
            ((1, 1), "Có", Some("Arial")),
            ((2, 0), "Kh«ng", Some(".VnTime")),
            ((2, 1), "Không", None),
            ((3, 0), "L©m tr\u{AD}êng", None),
        ];
        for ((r, c), text, font) in cells {
            sheet.set(r, c, Cell::Text(text.to_string()));
            if let Some(f) = font.filter(|f| font_encoding(f).is_some()) {
                sheet.legacy_fonts.insert((r, c), f.to_string());
            }
        }
        let typed = shows_unicode_typing(&sheet);
        let done = decode_sheet(&mut sheet, typed);
        let text = |r, c| sheet.get(r, c).as_text();
        assert_eq!(text(0, 0), "Số TT");
        assert_eq!(text(1, 0), "Có");
        assert_eq!(text(2, 0), "Không");
        assert_eq!(text(0, 1), "Ghi chú");
        assert_eq!(text(1, 1), "Có");
        assert_eq!(text(2, 1), "Không");
        assert_eq!(text(3, 0), "Lâm trường", "a legacy cell in another font");
        assert_eq!(done, SheetDecoding { tcvn3: 4, vni: 0 });
        assert_eq!(done.dominant(), Some(Encoding::Tcvn3));
    }

    #[test]
    fn one_finding_per_file_naming_its_sheets() {
        let mut book = Book {
            format: crate::model::book::Format::Xlsx,
            sheets: Vec::new(),
        };
        for name in ["Biểu 01", "Biểu 02", "Ghi chú"] {
            let mut sheet = Sheet::new(name, false);
            if name == "Ghi chú" {
                sheet.set(0, 0, Cell::Text("Không có".into()));
            } else {
                sheet.set(0, 0, Cell::Text("Sè v¨n b¶n".into()));
                sheet.set(1, 0, Cell::Text("C¬ së kinh doanh".into()));
            }
            book.sheets.push(sheet);
        }
        let findings = normalize_book(&mut book);
        assert_eq!(findings.len(), 1);
        let message = &findings[0].message.vi;
        assert!(
            message.contains("“Biểu 01”") && message.contains("“Biểu 02”"),
            "{message}"
        );
        assert!(!message.contains("Ghi chú"), "{message}");
        assert_eq!(book.sheets[2].get(0, 0).as_text(), "Không có");
    }

    #[test]
    fn cheap_look_before_fonts() {
        for legacy in ["Sè v¨n b¶n", "UBND X· NËM CHÇY", "Soá vaên baûn", "Cô sôû"] {
            assert!(may_be_legacy(legacy), "{legacy}");
        }
        for unicode in [
            "Có",
            "Không",
            "Số văn bản",
            "Cơ sở – “Karaoke”",
            "Café",
            "12 °C",
        ] {
            assert!(!may_be_legacy(unicode), "{unicode}");
        }
    }

    #[test]
    fn detection() {
        let tcvn3 = [
            "Sè v¨n b¶n chØ ®¹o",
            "Sè cuéc truyÒn th«ng",
            "UBND X· NËM CHÇY",
            "C¬ së",
        ];
        assert_eq!(detect(&tcvn3), Some(Encoding::Tcvn3));
        let vni = [
            "Soá vaên baûn chæ ñaïo",
            "UBND XAÕ TAÂN AN",
            "Cô sôû kinh doanh",
        ];
        assert_eq!(detect(&vni), Some(Encoding::Vni));
        assert_eq!(detect(&["Số văn bản", "STT", "Chỉ tiêu"]), None);
        // A Japanese sheet's "×" marks read as TCVN3 "ì": one-letter words
        // from a single text are no evidence.
        assert_eq!(detect(&["×"; 30]), None);
        assert_eq!(detect(&["×", "機能大分類", "○"]), None);
    }

    #[test]
    fn fonts() {
        assert_eq!(font_encoding(".VnTime"), Some((Encoding::Tcvn3, false)));
        assert_eq!(font_encoding(".VnTimeH"), Some((Encoding::Tcvn3, true)));
        assert_eq!(font_encoding("VNI-Times"), Some((Encoding::Vni, false)));
        assert_eq!(font_encoding("Times New Roman"), None);
        assert_eq!(decode_tcvn3("X· KH¸NH", true).unwrap(), "XÃ KHÁNH");
    }

    #[test]
    fn round_trips() {
        for text in [
            "Số văn bản chỉ đạo",
            "Xã Khánh Yên Thượng",
            "Đăng ký xây dựng xã, thị trấn lành mạnh",
        ] {
            assert_eq!(decode_vni(&encode_vni(text)).unwrap(), text);
            assert_eq!(decode_tcvn3(&encode_tcvn3(text), false).unwrap(), text);
        }
        assert_eq!(encode_tcvn3("Số văn bản chỉ đạo"), "Sè v¨n b¶n chØ ®¹o");
        assert_eq!(encode_vni("Số văn bản chỉ đạo"), "Soá vaên baûn chæ ñaïo");
    }

    #[test]
    fn syllables() {
        for w in [
            "nghiêng",
            "thượng",
            "số",
            "văn",
            "bản",
            "đạo",
            "khuya",
            "quốc",
        ] {
            assert!(is_syllable(w), "{w}");
        }
        for w in ["àg", "µg", "xyz", "brûlée"] {
            assert!(!is_syllable(w), "{w}");
        }
    }
}
