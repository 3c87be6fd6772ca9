//! Problems are data. Every stage of the pipeline returns `Finding`s instead of
//! aborting; the renderers (terminal, JSON, workbook sheets) decide how they
//! look. Codes are stable identifiers users and scripts rely on: add new ones,
//! never rename these.

use std::fmt;

use serde::Serialize;

/// User-facing language. Vietnamese is the default everywhere.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// The text in this language out of a Vietnamese/English pair: the one
    /// way a renderer chooses between the two.
    pub fn pick<T>(self, vi: T, en: T) -> T {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// A message in both languages; which one is shown is a rendering choice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Msg {
    pub vi: String,
    pub en: String,
}

impl Msg {
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Msg {
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Severity::Error, Lang::Vi) => "lỗi",
            (Severity::Warning, Lang::Vi) => "cảnh báo",
            (Severity::Info, Lang::Vi) => "thông tin",
            (s, Lang::En) => s.as_str(),
        }
    }
}

macro_rules! codes {
    ($($variant:ident => $text:literal, $severity:ident;)*) => {
        /// The catalogue of finding codes.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text),* }
            }

            pub fn parse(text: &str) -> Option<Code> {
                match text { $($text => Some(Code::$variant),)* _ => None }
            }

            /// The severity a finding of this code has unless a schema rule
            /// says otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity),* }
            }
        }
    };
}

codes! {
    FileUnreadable => "file-unreadable", Error;
    FileEncrypted => "file-encrypted", Error;
    FileUnsupported => "file-unsupported", Error;
    FileTooLarge => "file-too-large", Error;
    TemplateUnrecognized => "template-unrecognized", Error;
    SheetMissing => "sheet-missing", Error;
    HeaderMissing => "header-missing", Error;
    ColumnMissing => "column-missing", Error;
    HeaderAmbiguous => "header-ambiguous", Error;
    FieldMissing => "field-missing", Error;
    UnitUnidentified => "unit-unidentified", Error;
    UnitUnknown => "unit-unknown", Error;
    UnitAmbiguous => "unit-ambiguous", Error;
    PeriodMissing => "period-missing", Warning;
    PeriodMismatch => "period-mismatch", Error;
    PeriodUnreadable => "period-unreadable", Error;
    DuplicateSubmission => "duplicate-submission", Warning;
    ValueRequired => "value-required", Error;
    TypeError => "type-error", Error;
    ValueBelowMinimum => "value-below-minimum", Error;
    ValueAboveMaximum => "value-above-maximum", Error;
    ValueNotAllowed => "value-not-allowed", Error;
    ValueNotUnique => "value-not-unique", Error;
    ValueInvalidFormat => "value-invalid-format", Error;
    FormulaError => "formula-error", Error;
    FormulaUncached => "formula-uncached", Error;
    ValueCoerced => "value-coerced", Info;
    RuleViolation => "rule-violation", Error;
    DerivedMismatch => "derived-mismatch", Error;
    TextLegacyEncoding => "text-legacy-encoding", Warning;
    TextFontsUnmatched => "text-fonts-unmatched", Warning;
    TemplateOutdated => "template-outdated", Warning;
    UnitSenderMismatch => "unit-sender-mismatch", Error;
    SenderUnknown => "sender-unknown", Warning;
    RegistryMismatch => "registry-mismatch", Warning;
    // List shapes and keys (issue 14).
    ValueSplitAmbiguous => "value-split-ambiguous", Error;
    ListContinued => "list-continued", Info;
    RecordInSeveralUnits => "record-in-several-units", Warning;
    ListSheetUnread => "list-sheet-unread", Warning;
    // History (issue 18).
    RollupPeriodMissing => "rollup-period-missing", Error;
    ValueOutlier => "value-outlier", Warning;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A zero-based cell position on a named sheet.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub sheet: String,
    pub row: Option<u32>,
    pub col: Option<u32>,
}

impl Location {
    pub fn cell(sheet: &str, row: u32, col: u32) -> Self {
        Location {
            sheet: sheet.to_string(),
            row: Some(row),
            col: Some(col),
        }
    }

    pub fn sheet(sheet: &str) -> Self {
        Location {
            sheet: sheet.to_string(),
            row: None,
            col: None,
        }
    }

    /// "D14" when both row and column are known, "14" for a whole row.
    pub fn a1(&self) -> Option<String> {
        match (self.row, self.col) {
            (Some(r), Some(c)) => Some(format!("{}{}", column_name(c), r + 1)),
            (Some(r), None) => Some(format!("{}", r + 1)),
            _ => None,
        }
    }
}

/// An A1 reference ("D16", "$D$16", "aa3") → zero-based (row, column);
/// `None` beyond Excel's 16,384 columns or for anything else.
pub(crate) fn parse_a1(text: &str) -> Option<(u32, u32)> {
    let t = text.trim().replace('$', "");
    let split = t.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = t.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let col = letters
        .to_ascii_uppercase()
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1))
        - 1;
    if col >= 16_384 {
        return None;
    }
    let row: u32 = digits.parse().ok()?;
    (row >= 1).then_some((row - 1, col))
}

/// Excel column letters for a zero-based index: 0 → A, 25 → Z, 26 → AA.
pub(crate) fn column_name(col: u32) -> String {
    let mut out = String::with_capacity(3);
    push_column_name(col, &mut out);
    out
}

/// `column_name` appended to `out`, without a string of its own (a long
/// list spells a cell per value).
pub(crate) fn push_column_name(mut col: u32, out: &mut String) {
    // Most significant letter first; a u32 column has at most 7 letters.
    let mut letters = [0u8; 8];
    let mut n = letters.len();
    loop {
        n -= 1;
        letters[n] = b'A' + (col % 26) as u8;
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.extend(letters[n..].iter().map(|&b| char::from(b)));
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub location: Option<Location>,
    pub field: Option<String>,
    pub rule: Option<String>,
    pub value: Option<String>,
    pub message: Msg,
}

impl Finding {
    pub fn new(code: Code, message: Msg) -> Self {
        Finding {
            code,
            severity: code.default_severity(),
            location: None,
            field: None,
            rule: None,
            value: None,
            message,
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub fn rule(mut self, rule: &str, severity: Severity) -> Self {
        self.rule = Some(rule.to_string());
        self.severity = severity;
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn sheet(&self) -> Option<&str> {
        self.location.as_ref().map(|l| l.sheet.as_str())
    }

    pub fn cell(&self) -> Option<String> {
        self.location.as_ref().and_then(Location::a1)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Report order: file-level findings first, then by sheet, row, column.
    pub fn sort_key(&self) -> (Option<&str>, Option<u32>, Option<u32>, Code, Option<&str>) {
        let loc = self.location.as_ref();
        (
            loc.map(|l| l.sheet.as_str()),
            loc.and_then(|l| l.row),
            loc.and_then(|l| l.col),
            self.code,
            self.field.as_deref(),
        )
    }
}

pub(crate) fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(3), "D");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16383), "XFD");
    }

    #[test]
    fn a1_cells() {
        assert_eq!(
            Location::cell("Biểu 01", 13, 3).a1().as_deref(),
            Some("D14")
        );
        assert_eq!(Location::sheet("Biểu 01").a1(), None);
    }

    #[test]
    fn codes_are_kebab_case_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()));
            assert!(
                code.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-')
            );
        }
        assert_eq!(Code::ValueCoerced.default_severity(), Severity::Info);
        assert_eq!(Code::PeriodMissing.default_severity(), Severity::Warning);
    }
}
