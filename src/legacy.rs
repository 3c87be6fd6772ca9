//! Legacy Vietnamese font encodings. Before Unicode, Vietnamese was typed
//! with TCVN3 (ABC: fonts `.VnTime`, `.VnArial`) or VNI-Windows (`VNI-Times`)
//! fonts: the file stores single-byte text that only those fonts draw as
//! Vietnamese. Excel hands us the Windows-1252 reading of the bytes ("Sè v¨n
//! b¶n" for "Số văn bản"). A sheet whose text decodes to valid Vietnamese
//! syllables is converted to Unicode here, before anything reads it, and
//! reported once (`text-legacy-encoding`). Real Unicode text is never
//! touched: it either holds characters Windows-1252 cannot encode or does
//! not decode to Vietnamese.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::finding::{Code, Finding, Location};
use crate::ingest::{Book, Sheet};
use crate::messages;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Tcvn3,
    Vni,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Tcvn3 => "TCVN3 (ABC)",
            Encoding::Vni => "VNI-Windows",
        }
    }
}

struct Tables {
    /// TCVN3 byte → lower-case letter (capitals with tone marks share it).
    tcvn3: HashMap<u8, char>,
    /// TCVN3 byte → the capital, for bytes that only capitals use.
    tcvn3_upper_only: HashMap<u8, char>,
    /// VNI byte sequence (1 or 2 bytes) → letter.
    vni: HashMap<Vec<u8>, char>,
    /// Every Vietnamese letter with a diacritic.
    letters: std::collections::HashSet<char>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut t = Tables {
            tcvn3: HashMap::new(),
            tcvn3_upper_only: HashMap::new(),
            vni: HashMap::new(),
            letters: Default::default(),
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
                    t.vni.insert(bytes, letter);
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

/// The bytes behind a string Excel decoded as Windows-1252, or `None` when
/// the text holds characters Windows-1252 cannot encode (real Unicode).
fn cp1252_bytes(text: &str) -> Option<Vec<u8>> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    (!unmappable).then(|| bytes.into_owned())
}

/// Decodes TCVN3 bytes. `capitals` forces upper case (the `.VnTimeH` fonts);
/// otherwise a letter takes the case of the word it stands in.
pub fn decode_tcvn3(text: &str, capitals: bool) -> Option<String> {
    let bytes = cp1252_bytes(text)?;
    let t = tables();
    let mut out = String::with_capacity(text.len());
    for &b in &bytes {
        match (t.tcvn3.get(&b), t.tcvn3_upper_only.get(&b)) {
            (Some(&c), _) => out.push(c),
            (None, Some(&c)) => out.push(c),
            _ => out.push(b as char),
        }
    }
    Some(if capitals {
        out.to_uppercase()
    } else {
        fix_case(&out)
    })
}

/// Words written in capitals ("UBND X· NËM" → "UBND XÃ NẬM"): TCVN3 stores
/// toned capitals with lower-case bytes, so the case comes from the ASCII
/// letters around them — the whole cell when it is all capitals, else the
/// word when it has at least two capitals and no small letter.
fn fix_case(text: &str) -> String {
    let all_caps = |s: &str, min: usize| {
        let ascii: Vec<char> = s.chars().filter(|c| c.is_ascii_alphabetic()).collect();
        ascii.len() >= min && ascii.iter().all(|c| c.is_ascii_uppercase())
    };
    if all_caps(text, 3) {
        return text.to_uppercase();
    }
    text.split_inclusive(|c: char| !c.is_alphanumeric())
        .map(|word| {
            if all_caps(word, 2) {
                word.to_uppercase()
            } else {
                word.to_string()
            }
        })
        .collect()
}

/// Decodes VNI-Windows: a base letter followed by one or two modifier bytes.
pub fn decode_vni(text: &str) -> Option<String> {
    let bytes = cp1252_bytes(text)?;
    let t = tables();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if let Some(&c) = bytes.get(i..i + 2).and_then(|pair| t.vni.get(pair)) {
            out.push(c);
            i += 2;
        } else if let Some(&c) = t.vni.get(&bytes[i..i + 1]) {
            out.push(c);
            i += 1;
        } else {
            out.push(bytes[i] as char);
            i += 1;
        }
    }
    Some(out)
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
    let to_bytes: HashMap<char, &Vec<u8>> = tables().vni.iter().map(|(b, c)| (*c, b)).collect();
    let bytes: Vec<u8> = text
        .chars()
        .flat_map(|c| match to_bytes.get(&c) {
            Some(b) => (*b).clone(),
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
    let base: String = crate::text::strip_diacritics(&c.to_string());
    matches!(base.as_str(), "a" | "e" | "i" | "o" | "u" | "y")
}

/// Is this (lower-case) word a possible Vietnamese syllable?
pub fn is_syllable(word: &str) -> bool {
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
    let t = tables();
    let mut valid = 0;
    let mut total = 0;
    for word in decoded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
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

/// A cheap first look, before a sheet's fonts are read: does the text hold a
/// Windows-1252 character that Vietnamese Unicode text does not use ("¸",
/// "¨", "¶" in TCVN3; "û", "ø", "ï" in VNI)? Single legacy words can do
/// without ("Khoâng"), but a legacy-typed sheet always has some.
pub fn may_be_legacy(text: &str) -> bool {
    const VIETNAMESE_LATIN1: &str = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý";
    const TYPOGRAPHY: &str = "\u{A0}‘’“”–—…•°·©«»";
    text.chars().any(|c| {
        let latin1 = ('\u{80}'..='\u{FF}').contains(&c) && !VIETNAMESE_LATIN1.contains(c);
        let cp1252_extra = "€‚ƒ„†‡ˆ‰Š‹ŒŽ˜™š›œžŸ".contains(c);
        (latin1 || cp1252_extra) && !TYPOGRAPHY.contains(c)
    })
}

/// Text that could be legacy: encodable as Windows-1252 with some byte
/// above 0x7F.
fn candidate(text: &str) -> bool {
    !text.is_ascii() && cp1252_bytes(text).is_some()
}

/// Decides a sheet's encoding from its text: the encoding whose decoding
/// turns the most non-ASCII words into Vietnamese syllables, if it does so
/// for most of them and clearly better than reading the text as it is.
pub fn detect(texts: &[&str]) -> Option<Encoding> {
    // Lists repeat the same few texts ("Có", "Karaoke") thousands of times:
    // score each distinct text once, weighted by how often it occurs.
    let mut candidates: std::collections::HashMap<&str, usize> = Default::default();
    for t in texts.iter().copied().filter(|t| candidate(t)) {
        *candidates.entry(t).or_default() += 1;
    }
    if candidates.is_empty() {
        return None;
    }
    let score = |decode: &dyn Fn(&str) -> Option<String>| {
        candidates.iter().fold((0, 0), |(v, n), (t, &times)| {
            let (dv, dn) = syllable_score(&decode(t).unwrap_or_default());
            (v + dv * times, n + dn * times)
        })
    };
    let raw = score(&|t: &str| Some(t.to_string()));
    let tcvn3 = score(&|t: &str| decode_tcvn3(t, false));
    let vni = score(&|t: &str| decode_vni(t));
    let good = |(v, n): (usize, usize)| n > 0 && v * 10 >= n * 8 && v >= 2 && v > raw.0 + 1;
    match (good(tcvn3), good(vni)) {
        (true, true) if vni.0 > tcvn3.0 => Some(Encoding::Vni),
        (true, _) => Some(Encoding::Tcvn3),
        (false, true) => Some(Encoding::Vni),
        _ => None,
    }
}

fn convert_sheet(sheet: &mut Sheet, encoding: Encoding) {
    sheet.map_text(|text| {
        if !candidate(text) {
            return None;
        }
        match encoding {
            Encoding::Tcvn3 => decode_tcvn3(text, false),
            Encoding::Vni => decode_vni(text),
        }
    });
}

/// The encoding a font name stands for, and whether it draws capitals
/// (".VnTimeH", ".VnArialH").
pub fn font_encoding(font: &str) -> Option<(Encoding, bool)> {
    let lower = font.to_ascii_lowercase();
    if lower.starts_with(".vn") {
        Some((Encoding::Tcvn3, font.ends_with('H')))
    } else if lower.starts_with("vni") {
        Some((Encoding::Vni, false))
    } else {
        None
    }
}

/// Converts the cells whose font names a legacy encoding; returns the
/// encoding used most.
fn convert_by_font(sheet: &mut Sheet) -> Option<Encoding> {
    let mut counts = [0usize; 2];
    let fonts: Vec<((u32, u32), String)> = sheet
        .legacy_fonts
        .iter()
        .map(|(p, f)| (*p, f.clone()))
        .collect();
    for (pos, font) in fonts {
        let Some((encoding, capitals)) = font_encoding(&font) else {
            continue;
        };
        let crate::ingest::Cell::Text(text) = sheet.get(pos.0, pos.1).clone() else {
            continue;
        };
        let decoded = match encoding {
            Encoding::Tcvn3 => decode_tcvn3(&text, capitals),
            Encoding::Vni => decode_vni(&text),
        };
        if let Some(decoded) = decoded {
            sheet.set_text(pos, decoded);
            counts[usize::from(encoding == Encoding::Vni)] += 1;
        }
    }
    match counts {
        [0, 0] => None,
        [t, v] if v > t => Some(Encoding::Vni),
        _ => Some(Encoding::Tcvn3),
    }
}

/// Converts every legacy-encoded sheet of the book to Unicode: by the cells'
/// font names where the file shows them, else by the text itself.
pub fn normalize_book(book: &mut Book) -> Vec<Finding> {
    let mut findings = Vec::new();
    for sheet in &mut book.sheets {
        let by_font = convert_by_font(sheet);
        // Content detection only where some text shows a legacy tell-tale.
        let by_content = if by_font.is_none() && sheet.texts().any(may_be_legacy) {
            let texts: Vec<&str> = sheet.texts().collect();
            detect(&texts)
        } else {
            None
        };
        if let Some(encoding) = by_content {
            convert_sheet(sheet, encoding);
        }
        if let Some(encoding) = by_font.or(by_content) {
            findings.push(
                Finding::new(
                    Code::TextLegacyEncoding,
                    messages::text_legacy_encoding(&sheet.name, encoding.name()),
                )
                .at(Location::sheet(&sheet.name)),
            );
        }
    }
    findings
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
    fn vni_labels() {
        assert_eq!(
            decode_vni("Soá vaên baûn chæ ñaïo").unwrap(),
            "Số văn bản chỉ đạo"
        );
        assert_eq!(decode_vni("UBND XAÕ TAÂN AN").unwrap(), "UBND XÃ TÂN AN");
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
    }

    #[test]
    fn fonts() {
        assert_eq!(font_encoding(".VnTime"), Some((Encoding::Tcvn3, false)));
        assert_eq!(font_encoding(".VnTimeH"), Some((Encoding::Tcvn3, true)));
        assert_eq!(font_encoding("VNI-Times"), Some((Encoding::Vni, false)));
        assert_eq!(font_encoding("Times New Roman"), None);
        assert_eq!(decode_tcvn3("x· kh¸nh", true).unwrap(), "XÃ KHÁNH");
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
