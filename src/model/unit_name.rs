//! A unit's name as names are compared: without the words that name no
//! unit ("UBND", "Xã", "Huyện"…) and qualifiers (", huyện Văn Bàn"), in
//! `text`'s key form. It uses nothing but `text`, so that `build.rs`
//! compiles the same code to store the key of every unit of the bundled
//! national lists (`model::national`), which no run then computes.

use super::text::{label_key, strip_diacritics};

/// The key names are compared by across lists and suggestions: the base
/// name without diacritics ("Xã Hòa Mạc" → "hoa mac", as "Hoà Mạc").
pub(crate) fn name_key(name: &str) -> String {
    strip_diacritics(&base_name(name))
}

/// Words that prefix a unit name and do not identify it.
const PREFIXES: &[&str] = &[
    "uy ban nhan dan",
    "ubnd",
    "thi tran",
    "tt",
    "xa",
    "x",
    "phuong",
    "p",
];

/// Words that name the level of a district or province ("Huyện Văn Bàn",
/// "Tỉnh Lào Cai"): compared with their diacritics, so that a commune called
/// "Quan Sơn" keeps its name while "Quận Ba Đình" loses the "quận".
const LEVEL_PREFIXES: &[&str] = &["huyện", "quận", "thị xã", "thành phố", "tỉnh", "đặc khu"];

/// "UBND XÃ KHÁNH YÊN THƯỢNG, huyện Văn Bàn" → "khánh yên thượng";
/// "UBND HUYỆN VĂN BÀN" → "văn bàn" (a district reporting to its province).
pub(crate) fn base_name(name: &str) -> String {
    let mut key = strip_prefixes(label_key(name));
    // Drop a trailing "huyện …" / "tỉnh …" qualifier.
    for marker in [" huyện ", " huyen ", " tỉnh ", " tinh "] {
        if let Some(pos) = find_padded(&key, marker)
            && pos > 0
        {
            key.truncate(pos.saturating_sub(1).min(key.len()));
            key = key.trim().to_string();
        }
    }
    strip_prefixes(key)
}

/// Where `marker` (" huyện ") first stands in `key` with a space added at
/// each end — `format!(" {key} ").find(marker)` — without making that text:
/// this runs for every name of every file.
fn find_padded(key: &str, marker: &str) -> Option<usize> {
    let word = marker.trim_matches(' ');
    if key
        .strip_prefix(word)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    {
        return Some(0);
    }
    // Inside the key, the space before the word is the key's own.
    let inside = key.find(marker).map(|i| i + 1);
    // At its end, the space after the word is the one added.
    let at_end = key
        .strip_suffix(word)
        .filter(|rest| rest.ends_with(' '))
        .map(str::len);
    match (inside, at_end) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `key` without the leading words that name no unit ("ubnd", "xã",
/// "huyện" …), however many there are.
fn strip_prefixes(mut key: String) -> String {
    loop {
        // Without diacritics; ASCII has none to strip (a registry of
        // 40,000 units asks for hundreds of thousands of these).
        let loose = if key.is_ascii() {
            std::borrow::Cow::Borrowed(key.as_str())
        } else {
            std::borrow::Cow::Owned(strip_diacritics(&key))
        };
        let stripped = PREFIXES
            .iter()
            .find_map(|p| leading_words(p, &loose))
            .or_else(|| {
                level_words(&key)
                    .iter()
                    .find_map(|p| leading_words(p, &key))
            });
        match stripped {
            // The same words of `key` (stripping diacritics keeps spaces).
            Some(words) => {
                key = key
                    .splitn(words + 1, ' ')
                    .nth(words)
                    .unwrap_or("")
                    .to_string()
            }
            None => return key,
        }
    }
}

/// The level words that may prefix `key`. Text typed without diacritics
/// cannot tell "Quận" from "Quan" or "Tỉnh" from "Tịnh": there only the
/// unmistakable level words go.
fn level_words(key: &str) -> &'static [&'static str] {
    if key.is_ascii() {
        &["huyen", "thi xa", "thanh pho", "dac khu"]
    } else {
        LEVEL_PREFIXES
    }
}

/// The number of words of `prefix` when `text`'s first words are exactly
/// those ("xa" starts "xa tan an", not "xanh").
fn leading_words(prefix: &str, text: &str) -> Option<usize> {
    let rest = text.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with(' ')).then(|| prefix.split(' ').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `strip_prefixes` as it was written first (word lists compared), to
    /// show the faster one gives the same keys.
    fn strip_prefixes_by_words(mut key: String) -> String {
        loop {
            let loose = strip_diacritics(&key);
            let starts = |p: &str, text: &str| {
                let words = p.split(' ').count();
                let lw: Vec<&str> = text.split(' ').collect();
                (lw.len() >= words && lw[..words].join(" ") == p).then_some(words)
            };
            let stripped = PREFIXES
                .iter()
                .find_map(|p| starts(p, &loose))
                .or_else(|| level_words(&key).iter().find_map(|p| starts(p, &key)));
            match stripped {
                Some(words) => key = key.split(' ').skip(words).collect::<Vec<_>>().join(" "),
                None => return key,
            }
        }
    }

    #[test]
    fn prefixes_are_stripped_as_by_comparing_words() {
        let mut texts: Vec<String> = [
            "",
            "xa",
            "xa ",
            " xa",
            "xanh",
            "xa  tan an",
            "thi xa",
            "thi  xa sa pa",
            "thi xa sa pa",
            "ubnd xa phuong p x tt",
            "ubnd",
            "uy ban nhan dan",
            "uy ban nhan",
            "huyện",
            "huyen van ban",
            "quận ba đình",
            "quan son",
            "tỉnh tịnh biên",
            "tịnh biên",
            "thành phố",
            "thanh pho hue",
            "đặc khu phú quốc",
            "dac khu",
            "ủy ban nhân dân thị trấn khánh yên",
            "x. nậm xây",
            "p 12",
            "phường 12",
            "tt khánh yên",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for edition in [
            crate::model::national::Edition::Before2025Reform,
            crate::model::national::Edition::After2025Reform,
        ] {
            let list = crate::model::national::list(edition);
            texts.extend(list.units().iter().map(|u| label_key(u.name)));
            texts.extend(
                list.units()
                    .iter()
                    .map(|u| strip_diacritics(&label_key(u.name))),
            );
        }
        let mut stripped = 0;
        for text in texts {
            let (fast, slow) = (
                strip_prefixes(text.clone()),
                strip_prefixes_by_words(text.clone()),
            );
            assert_eq!(fast, slow, "{text:?}");
            stripped += usize::from(fast != text);
        }
        assert!(stripped > 10_000, "most names have a prefix: {stripped}");
    }

    #[test]
    fn the_qualifier_is_found_where_the_padded_text_has_it() {
        for key in [
            "",
            "huyện",
            "huyện văn bàn",
            "võ lao huyện văn bàn",
            "võ lao huyện",
            "a huyện b huyện",
            "xhuyện huyện",
            "tỉnh lào cai tỉnh",
            "huyệnx",
            "a huyện",
        ] {
            for marker in [" huyện ", " tỉnh ", " tinh "] {
                assert_eq!(
                    find_padded(key, marker),
                    format!(" {key} ").find(marker),
                    "{key:?} {marker:?}"
                );
            }
        }
    }
}
