//! The names attachments are saved under: safe on every file system and
//! informative at a glance, `20231215-0930_ubndxa-khanhyenthuong_BC_PCMD_2023.xlsx`
//! (the message's date, the sender's address before "@", the name the sender
//! gave made ASCII, the extension of the content). Whatever a sender puts in
//! a file name — separators, "..", drive letters, Windows device names,
//! control characters, 300 characters — the result is a plain name inside
//! the inbox.

use chrono::{DateTime, FixedOffset};

/// The longest name written.
pub(crate) const MAX_LEN: usize = 120;

const MAX_SENDER: usize = 40;

/// Windows device names, reserved with any extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// ASCII letters, digits, "_" and "-"; everything else becomes "-", runs of
/// "-" collapse, and the ends are trimmed.
fn slug(text: &str, keep_underscore: bool) -> String {
    let folded = crate::model::text::strip_diacritics(text);
    let mut out = String::new();
    for c in folded.chars() {
        let keep = c.is_ascii_alphanumeric() || (keep_underscore && c == '_');
        if keep {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches(['-', '_']).to_string()
}

/// Cuts to at most `max` bytes (ASCII, so characters) without a trailing "-".
fn cut(text: &str, max: usize) -> String {
    text.chars()
        .take(max)
        .collect::<String>()
        .trim_end_matches(['-', '_'])
        .to_string()
}

/// The sender part: the address before "@", lower case.
pub(crate) fn sender_part(address: &str) -> String {
    let local = address.split('@').next().unwrap_or_default();
    let s = cut(&slug(&local.to_lowercase(), false), MAX_SENDER);
    if s.is_empty() {
        "khong-ro-nguoi-gui".to_string()
    } else {
        s
    }
}

/// The original name's last path component, without its extension, made safe.
pub(crate) fn original_part(original: &str) -> String {
    let last = original
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim();
    let stem = match last.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty() && ext.len() <= 5 && ext.chars().all(|c| c.is_alphanumeric()) =>
        {
            stem
        }
        _ => last,
    };
    let s = slug(stem, true);
    if s.is_empty() {
        "tep-dinh-kem".to_string()
    } else if RESERVED.contains(&s.to_ascii_lowercase().as_str()) {
        format!("tep-{s}")
    } else {
        s
    }
}

/// The date part, in the sender's own time zone as the Date header says.
pub(crate) fn date_part(date: Option<&DateTime<FixedOffset>>) -> String {
    date.map(|d| d.format("%Y%m%d-%H%M").to_string())
        .unwrap_or_else(|| "khong-ngay".to_string())
}

/// `date_sender_original.ext`, at most `MAX_LEN` characters.
pub(crate) fn saved_name(
    date: Option<&DateTime<FixedOffset>>,
    sender: &str,
    original: &str,
    ext: &str,
) -> String {
    let head = format!("{}_{}_", date_part(date), sender_part(sender));
    let ext = slug(ext, false).to_ascii_lowercase();
    let room = MAX_LEN
        .saturating_sub(head.len() + ext.len() + 1 + 3)
        .max(8);
    let body = cut(&original_part(original), room);
    let body = if body.is_empty() {
        "tep-dinh-kem".to_string()
    } else {
        body
    };
    format!("{head}{body}.{ext}")
}

/// The `n`th alternative of a name taken by other bytes: `name-2.xlsx`.
pub(crate) fn numbered(name: &str, n: usize) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}-{n}.{ext}"),
        None => format!("{name}-{n}"),
    }
}

/// Whether a name is one this module could have produced: a single plain
/// component of safe characters.
pub(crate) fn is_safe(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_LEN + 4
        && !name.starts_with('.')
        && !name.contains("..")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !RESERVED.contains(
            &name
                .split('.')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase()
                .as_str(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2023-12-15T09:30:00+07:00").unwrap()
    }

    #[test]
    fn the_documented_example() {
        assert_eq!(
            saved_name(
                Some(&date()),
                "xa.khanhyenthuong@laocai.gov.vn",
                "BC_PCMD_2023.xlsx",
                "xlsx"
            ),
            "20231215-0930_xa-khanhyenthuong_BC_PCMD_2023.xlsx"
        );
        assert_eq!(
            saved_name(
                Some(&date()),
                "UBNDXA.VoLao@laocai.gov.vn",
                "Báo cáo PCMD xã Võ Lao (đã sửa).xls",
                "xlsx"
            ),
            "20231215-0930_ubndxa-volao_Bao-cao-PCMD-xa-Vo-Lao-da-sua.xlsx"
        );
        assert_eq!(
            saved_name(None, "", "", "ods"),
            "khong-ngay_khong-ro-nguoi-gui_tep-dinh-kem.ods"
        );
    }

    #[test]
    fn hostile_names_become_plain_components() {
        let long = "a".repeat(300) + ".xlsx";
        for hostile in [
            "../../evil.xlsx",
            "/etc/passwd.xlsx",
            "C:\\Windows\\x.xlsx",
            "CON.xlsx",
            "nul",
            "com1",
            "LPT9.xls",
            "a\u{0}b\r\nc\u{7}.xlsx",
            "..",
            ".",
            ".hidden.xlsx",
            "...xlsx",
            "x/..",
            "\u{202E}xslx.exe",
            long.as_str(),
        ] {
            let name = saved_name(Some(&date()), "../..@x", hostile, "xlsx");
            assert!(is_safe(&name), "{hostile:?} → {name:?}");
            assert!(name.len() <= MAX_LEN, "{name}");
            assert!(name.ends_with(".xlsx"), "{name}");
            assert!(!name.contains('/') && !name.contains('\\'), "{name}");
        }
        assert_eq!(original_part("CON.xlsx"), "tep-CON");
        assert_eq!(original_part("../../evil.xlsx"), "evil");
        assert_eq!(original_part("C:\\Windows\\x.xlsx"), "x");
    }

    #[test]
    fn numbered_alternatives() {
        assert_eq!(numbered("a_b.xlsx", 2), "a_b-2.xlsx");
        assert!(!is_safe("CON.xlsx"));
        assert!(!is_safe("../x.xlsx"));
        assert!(is_safe("20231215-0930_a_b.xlsx"));
    }
}
