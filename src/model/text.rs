//! Text normalisation for matching what communes type against what the schema
//! and the registry say. Labels are retyped with other capitals, spacing,
//! punctuation, decomposed Unicode or no diacritics at all; every comparison in
//! the locator and the identifier goes through these keys.

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{
    canonical_combining_class, decompose_canonical, is_combining_mark,
};

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
    clean_cow(s).into_owned()
}

/// `clean`, borrowing the text when it is clean already (most cells are):
/// no copy is made to find that out.
pub(crate) fn clean_cow(s: &str) -> Cow<'_, str> {
    if is_clean(s) {
        return Cow::Borrowed(s);
    }
    // Most text is already composed; the quick check spares it the
    // composition pass, the costliest step here.
    Cow::Owned(match unicode_normalization::is_nfc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => collapse(s.chars()),
        _ => collapse(s.nfc()),
    })
}

/// Whether `clean` would return the text unchanged: composed, nothing
/// invisible, single spaces between words and none at the ends.
fn is_clean(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    if s.is_ascii() {
        // ASCII is composed; only its whitespace can need cleaning.
        return !bytes.windows(2).any(|w| w == b"  ")
            && !bytes.iter().any(|b| b.is_ascii_whitespace() && *b != b' ');
    }
    let mut previous_space = false;
    for c in s.chars() {
        if is_invisible(c) || (c.is_whitespace() && (c != ' ' || previous_space)) {
            return false;
        }
        previous_space = c == ' ';
    }
    unicode_normalization::is_nfc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes
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
    keys(s).exact().to_string()
}

/// `label_key` computed: composed, invisible characters dropped, lower
/// case, every run of what is not a letter or digit one space, trimmed —
/// in one pass.
fn label_key_uncached(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut push = |c: char| {
        if is_invisible(c) {
            return;
        }
        for c in c.to_lowercase() {
            if c.is_alphanumeric() {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push(c);
            } else {
                pending_space = !out.is_empty();
            }
        }
    };
    match unicode_normalization::is_nfc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => s.chars().for_each(&mut push),
        _ => s.nfc().for_each(&mut push),
    }
    out
}

/// Removes Vietnamese diacritics: decompose, drop combining marks, map đ→d.
pub(crate) fn strip_diacritics(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    // Each character decomposed on its own: what the marks leave are base
    // letters, which canonical reordering never moves, so this is the NFD
    // result without its reordering buffer. A character leaving something
    // reordering could move takes the full NFD.
    let mut out = String::with_capacity(s.len());
    let mut reorderable = false;
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                reorderable |= canonical_combining_class(d) != 0;
                out.push(without_stroke(d));
            }
        });
        if reorderable {
            return s
                .nfd()
                .filter(|c| !is_combining_mark(*c))
                .map(without_stroke)
                .collect();
        }
    }
    out
}

/// đ → d, Đ → D: the one Vietnamese letter whose mark is no combining mark.
fn without_stroke(c: char) -> char {
    match c {
        'đ' => 'd',
        'Đ' => 'D',
        other => other,
    }
}

/// The diacritics-insensitive fallback key.
pub(crate) fn loose_key(s: &str) -> String {
    keys(s).loose().to_string()
}

/// The keys one text is compared by, each computed at most once per
/// thread however often the text is met: the schema's labels, and the
/// form's labels in every commune's file, come back thousands of times.
#[derive(Debug)]
pub(crate) struct TextKeys {
    /// `label_key`.
    exact: Box<str>,
    /// `loose_key`, made when first asked for.
    loose: OnceCell<Box<str>>,
    /// The text itself when it has a parenthesis, for `bare`.
    parenthesised: Option<Box<str>>,
    bare: OnceCell<Option<Rc<TextKeys>>>,
}

impl TextKeys {
    fn of(s: &str) -> TextKeys {
        TextKeys {
            exact: label_key_uncached(s).into(),
            loose: OnceCell::new(),
            parenthesised: s.contains(['(', ')']).then(|| s.into()),
            bare: OnceCell::new(),
        }
    }

    /// Cleaned, lower case, punctuation a space (`label_key`).
    pub(crate) fn exact(&self) -> &str {
        &self.exact
    }

    /// `exact` without diacritics (`loose_key`).
    pub(crate) fn loose(&self) -> &str {
        self.loose
            .get_or_init(|| strip_diacritics(&self.exact).into())
    }

    /// The keys of the text without its parenthesised parts ("Có tệ nạn
    /// (Có/Không)" → "Có tệ nạn"); these keys when it has none.
    pub(crate) fn bare(&self) -> &TextKeys {
        let bare = self.bare.get_or_init(|| {
            self.parenthesised
                .as_deref()
                .map(|t| keys(&without_parentheses(t)))
        });
        bare.as_deref().unwrap_or(self)
    }
}

/// Drops parenthesised parts: "Có tệ nạn (Có/Không)" → "Có tệ nạn ".
pub(crate) fn without_parentheses(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

type Memo = RefCell<HashMap<Box<str>, Rc<TextKeys>, foldhash::fast::RandomState>>;

thread_local! {
    static KEYS: Memo = Default::default();
}

/// Distinct texts remembered per thread before the memo starts over, which
/// bounds its memory on files with huge lists of distinct names.
const MEMO_CAPACITY: usize = 20_000;

/// The keys of a text. Unicode normalisation is the costliest step of
/// locating a field, and the same few hundred texts are asked for over and
/// over, so each thread remembers the keys it made; a text met again costs
/// one hash and no allocation.
pub(crate) fn keys(s: &str) -> Rc<TextKeys> {
    if let Some(keys) = KEYS.with(|t| t.borrow().get(s).cloned()) {
        return keys;
    }
    let keys = Rc::new(TextKeys::of(s));
    KEYS.with(|t| {
        let mut t = t.borrow_mut();
        if t.len() >= MEMO_CAPACITY {
            t.clear();
        }
        t.insert(s.into(), keys.clone());
    });
    keys
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

    /// Texts with every kind of thing the keys must handle: decomposed
    /// marks, invisible characters (also between a letter and its mark),
    /// odd spaces, punctuation, capitals whose lower case is two
    /// characters, parentheses.
    const AWKWARD: [&str; 14] = [
        "",
        "   ",
        "Số liệu",
        "  Số\u{00A0}\u{00A0}liệu\u{200B} ",
        "So\u{0301} lie\u{0323}\u{0302}u",
        "e\u{200B}\u{0301}x",
        "Có tệ nạn (Có/Không)",
        "5.1.",
        "İstanbul ΣΑΣ",
        "Tổng\tcộng\n",
        "\u{FEFF}UBND XÃ NẬM XÂY",
        "a  b",
        "Hoà/Hòa--Thuỷ,Thủy",
        "ĐĂNG KÝ (lần 2) ",
    ];

    /// The keys as they were computed before the one-pass version.
    fn label_key_reference(s: &str) -> String {
        let cleaned = match unicode_normalization::is_nfc_quick(s.chars()) {
            unicode_normalization::IsNormalized::Yes => collapse(s.chars()),
            _ => collapse(s.nfc()),
        };
        let lowered: String = cleaned
            .chars()
            .flat_map(char::to_lowercase)
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        lowered.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn the_one_pass_keys_are_the_keys() {
        for s in AWKWARD {
            assert_eq!(label_key(s), label_key_reference(s), "{s:?}");
            assert_eq!(
                loose_key(s),
                strip_diacritics(&label_key_reference(s)),
                "{s:?}"
            );
            let bare = without_parentheses(s);
            assert_eq!(keys(s).bare().exact(), label_key_reference(&bare), "{s:?}");
        }
    }

    #[test]
    fn diacritics_go_as_the_full_decomposition_takes_them() {
        let reference = |s: &str| -> String {
            s.nfd()
                .filter(|c| !is_combining_mark(*c))
                .map(without_stroke)
                .collect()
        };
        // The last: two marks the full decomposition reorders (Hebrew
        // point, class 10; acute, class 230), both dropped either way.
        for s in AWKWARD.iter().copied().chain([
            "Đăng ký Hoà Thuỷ Nghĩa Lộc Quỳ",
            "e\u{0323}\u{0302} ô\u{0301}",
            "ǅ Ω Å ﬁ",
            "\u{05B0}\u{0301}a",
        ]) {
            assert_eq!(strip_diacritics(s), reference(s), "{s:?}");
        }
    }

    #[test]
    fn clean_borrows_only_clean_text() {
        for s in AWKWARD {
            let reference = match unicode_normalization::is_nfc_quick(s.chars()) {
                unicode_normalization::IsNormalized::Yes => collapse(s.chars()),
                _ => collapse(s.nfc()),
            };
            let cleaned = clean_cow(s);
            assert_eq!(cleaned, reference, "{s:?}");
            assert_eq!(matches!(cleaned, Cow::Borrowed(_)), reference == s, "{s:?}");
        }
    }

    #[test]
    fn compact_key_glues_words() {
        assert_eq!(compact_key("Khánh Yên Thượng"), "khanhyenthuong");
    }
}
