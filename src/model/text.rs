//! Text normalisation for matching what communes type against what the schema
//! and the registry say. Labels are retyped with other capitals, spacing,
//! punctuation, decomposed Unicode or no diacritics at all; every comparison in
//! the locator and the identifier goes through these keys.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Characters that look like spaces or nothing at all in Excel but break
/// naive comparison.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// NFC, invisible characters removed, every run of whitespace (including
/// non-breaking spaces) collapsed to one space, trimmed. This is how values
/// typed by people are cleaned before they are parsed or written out.
pub(crate) fn clean(s: &str) -> String {
    // Most text is already composed; the quick check spares it the
    // composition pass, the costliest step here.
    match unicode_normalization::is_nfc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => collapse(s.chars()),
        _ => collapse(s.nfc()),
    }
}

fn collapse(chars: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for c in chars {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// The key used to compare labels: cleaned, lower case, punctuation turned
/// into spaces and collapsed. Keeps diacritics.
pub(crate) fn label_key(s: &str) -> String {
    memo(&LABEL_KEYS, s, label_key_uncached)
}

fn label_key_uncached(s: &str) -> String {
    let lowered: String = clean(s)
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes Vietnamese diacritics: decompose, drop combining marks, map đ→d.
pub(crate) fn strip_diacritics(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            other => other,
        })
        .collect()
}

/// The diacritics-insensitive fallback key.
pub(crate) fn loose_key(s: &str) -> String {
    memo(&LOOSE_KEYS, s, |s| strip_diacritics(&label_key(s)))
}

type Memo = std::cell::RefCell<std::collections::HashMap<String, String>>;

thread_local! {
    static LABEL_KEYS: Memo = Default::default();
    static LOOSE_KEYS: Memo = Default::default();
}

/// Distinct texts remembered per thread before the memo starts over, which
/// bounds its memory on files with huge lists of distinct names.
const MEMO_CAPACITY: usize = 20_000;

/// The keys are asked for the same few hundred texts over and over — the
/// schema's labels, and the form's labels in every commune's file — and
/// Unicode normalisation is the costliest step of locating a field, so each
/// thread remembers the keys it computed.
fn memo(
    table: &'static std::thread::LocalKey<Memo>,
    s: &str,
    compute: impl FnOnce(&str) -> String,
) -> String {
    if let Some(key) = table.with(|t| t.borrow().get(s).cloned()) {
        return key;
    }
    let key = compute(s);
    table.with(|t| {
        let mut t = t.borrow_mut();
        if t.len() >= MEMO_CAPACITY {
            t.clear();
        }
        t.insert(s.to_string(), key.clone());
    });
    key
}

/// A key with no spaces at all, for names glued together in file names
/// ("KhanhYenThuong") or split differently.
pub(crate) fn compact_key(s: &str) -> String {
    loose_key(s).replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_collapses_nbsp_and_zero_width() {
        assert_eq!(clean("  Số\u{00A0}\u{00A0}liệu\u{200B} "), "Số liệu");
    }

    #[test]
    fn nfd_and_nfc_give_the_same_key() {
        let nfd: String = "Khánh Yên Thượng".nfd().collect();
        assert_ne!(nfd, "Khánh Yên Thượng");
        assert_eq!(label_key(&nfd), label_key("KHÁNH  YÊN THƯỢNG"));
    }

    #[test]
    fn label_key_drops_punctuation() {
        assert_eq!(
            label_key("Số băng rôn, khẩu hiệu, pa-nô"),
            "số băng rôn khẩu hiệu pa nô"
        );
    }

    #[test]
    fn loose_key_ignores_diacritics_and_tone_placement() {
        assert_eq!(loose_key("Hoà Mạc"), loose_key("Hòa Mạc"));
        assert_eq!(loose_key("Sơn Thuỷ"), loose_key("Sơn Thủy"));
        assert_eq!(loose_key("Đăng ký"), "dang ky");
    }

    #[test]
    fn compact_key_glues_words() {
        assert_eq!(compact_key("Khánh Yên Thượng"), "khanhyenthuong");
    }
}
