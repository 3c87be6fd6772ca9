//! Parsing cell values the Vietnamese way. Communes type numbers as text with
//! dots for thousands and commas for decimals, write "-" for zero, tick boxes
//! with "x", and mix real dates with "dd/mm/yyyy" text. This module turns one
//! cell into one typed value, saying when it had to read leniently.

use chrono::{Datelike, NaiveDate};

use crate::model::book::Cell;
use crate::model::schema::{Choice, FieldDef, FieldType, YesNoWords};
use crate::model::text::{clean, label_key, loose_key};

/// A typed value read from a cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    Num(f64),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
}

impl Value {
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Num(n) => Some(*n),
            Value::Bool(b) => Some(f64::from(u8::from(*b))),
            _ => None,
        }
    }

    /// How the value is shown to people: "Có"/"Không", dd/mm/yyyy, plain numbers.
    pub fn display(&self) -> String {
        match self {
            Value::Int(i) => i.to_string(),
            Value::Num(n) => format_number(*n),
            Value::Text(t) => t.clone(),
            Value::Bool(true) => "Có".to_string(),
            Value::Bool(false) => "Không".to_string(),
            Value::Date(d) => date_dmy(*d),
        }
    }
}

/// "31/12/2023", as chrono's `%d/%m/%Y` spells it (without parsing the
/// pattern for each of a list's dates).
pub(crate) fn date_dmy(d: NaiveDate) -> String {
    if (0..=9999).contains(&d.year()) {
        format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
    } else {
        d.format("%d/%m/%Y").to_string()
    }
}

/// "2023-12-31", as chrono's `%Y-%m-%d` spells it.
pub(crate) fn date_iso(d: NaiveDate) -> String {
    if (0..=9999).contains(&d.year()) {
        format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

/// Shortest faithful text for a number: 12 not 12.0. The machine spelling
/// (CSV, JSON, cached formula results): "." for decimals, no grouping.
pub(crate) fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The most decimals a figure is shown with anywhere. Communes type at most
/// two or three; six keeps every typed decimal while hiding binary noise
/// such as 0.30000000000000004.
pub(crate) const MAX_DECIMALS: u8 = 6;

/// How many decimals a figure is shown with. Every place that shows a number
/// to people (workbook number formats, the terminal, messages) asks this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decimals {
    /// Always this many, as the schema's `decimals` asks ("7,50").
    Fixed(u8),
    /// As many as the value has, up to this many ("281,5", "12").
    UpTo(u8),
}

impl Decimals {
    /// The decimals `n` is shown with.
    pub fn places(self, n: f64) -> u8 {
        match self {
            Decimals::Fixed(d) => d.min(MAX_DECIMALS),
            Decimals::UpTo(max) => {
                let max = max.min(MAX_DECIMALS);
                (0..max)
                    .find(|&d| {
                        let scale = 10f64.powi(i32::from(d));
                        let rounded = (n * scale).round() / scale;
                        // Equal but for the float noise of sums (0.1 + 0.2).
                        (rounded - n).abs() <= n.abs().max(1.0) * 1e-12
                    })
                    .unwrap_or(max)
            }
        }
    }

    /// The Excel number format: thousands grouped, `places` decimals.
    pub fn excel_format(places: u8) -> String {
        if places == 0 {
            "#,##0".to_string()
        } else {
            format!("#,##0.{}", "0".repeat(usize::from(places)))
        }
    }
}

/// How a figure is spelt in text: by programs (CSV), or in a language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Spelling {
    /// "1234.5": no grouping, "." for decimals.
    Plain,
    /// "1.234,5" in Vietnamese, "1,234.5" in English.
    In(crate::model::finding::Lang),
}

/// A count in a sentence: "1.234 tệp" in Vietnamese, "1,234 files" in English.
pub(crate) fn format_count(n: usize, lang: crate::model::finding::Lang) -> String {
    format_figure(n as f64, Decimals::Fixed(0), Spelling::In(lang))
}

/// A figure for people or for a table, rounded to its decimals: Vietnamese
/// writes "1.234,5" and "7,5%", English "1,234.5" and "7.5%".
pub(crate) fn format_figure(n: f64, decimals: Decimals, spelling: Spelling) -> String {
    if !n.is_finite() {
        return format!("{n}");
    }
    let places = usize::from(decimals.places(n));
    let fixed = format!("{:.*}", places, n.abs());
    let (whole, fraction) = fixed.split_once('.').unwrap_or((fixed.as_str(), ""));
    // "-0" is not a figure: a value that rounds to zero loses its sign.
    let negative = n < 0.0 && fixed.bytes().any(|b| b.is_ascii_digit() && b != b'0');
    let (group, point) = match spelling {
        Spelling::Plain => (None, '.'),
        Spelling::In(crate::model::finding::Lang::Vi) => (Some('.'), ','),
        Spelling::In(crate::model::finding::Lang::En) => (Some(','), '.'),
    };
    let mut out = String::with_capacity(fixed.len() + whole.len() / 3 + 1);
    if negative {
        out.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.extend(group);
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push(point);
        out.push_str(fraction);
    }
    out
}

/// Why a lenient reading was needed (becomes a `value-coerced` finding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Leniency {
    NumberAsText,
    DashAsZero,
    YesNoSpelling,
    DateSpelling,
    DateFromNumber,
    ChoiceSpelling,
    /// "12 cơ sở": the unit of measure typed after the number.
    NumberWithUnit,
    /// A SUM or +/- formula with no stored result, evaluated here.
    FormulaEvaluated,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Parsed {
    Missing,
    Ok(Value),
    Coerced(Value, Leniency),
    /// Not readable as the field's type.
    Bad,
    /// The cell shows an Excel error such as #DIV/0!.
    FormulaError(String),
    /// A formula whose result was never stored (file not recalculated).
    Uncached(String),
    /// Readable, but not one of the allowed choices.
    NotAllowed(String),
}

/// Reads one cell as the given field type, yes/no with the usual words.
pub(crate) fn parse(cell: &Cell, ty: FieldType, choices: &[Choice]) -> Parsed {
    parse_with(cell, ty, choices, &YesNoWords::default())
}

/// Reads one cell as a field reads it: its type, its choices, its yes/no
/// words.
pub(crate) fn parse_field(cell: &Cell, field: &FieldDef) -> Parsed {
    parse_with(cell, field.ty, &field.choices, &field.words)
}

fn parse_with(cell: &Cell, ty: FieldType, choices: &[Choice], words: &YesNoWords) -> Parsed {
    let blank = matches!(cell, Cell::Empty) || matches!(cell, Cell::Text(t) if clean(t).is_empty());
    match cell {
        // A tick column: nothing ticked is an answer.
        _ if blank && ty == FieldType::YesNo && words.blank.is_some() => {
            Parsed::Ok(Value::Bool(words.blank == Some(true)))
        }
        Cell::Empty => Parsed::Missing,
        Cell::Error(e) => Parsed::FormulaError(e.clone()),
        Cell::Uncached(f) => Parsed::Uncached(f.clone()),
        Cell::Text(t) if clean(t).is_empty() => Parsed::Missing,
        _ => match ty {
            FieldType::Integer => parse_integer(cell),
            FieldType::Number => parse_number(cell),
            FieldType::Text => parse_text(cell),
            FieldType::YesNo => parse_yes_no(cell, words),
            FieldType::Date => parse_date(cell),
            FieldType::Choice => parse_choice(cell, choices),
        },
    }
}

fn parse_number(cell: &Cell) -> Parsed {
    match cell {
        Cell::Number(n) => Parsed::Ok(Value::Num(*n)),
        Cell::Text(t) => match parse_vn_number(t) {
            Some((n, leniency)) => Parsed::Coerced(Value::Num(n), leniency),
            None => match number_with_unit(t) {
                Some(n) => Parsed::Coerced(Value::Num(n), Leniency::NumberWithUnit),
                None => Parsed::Bad,
            },
        },
        _ => Parsed::Bad,
    }
}

/// "12 cơ sở", "937 lượt người": a number then words without digits.
fn number_with_unit(text: &str) -> Option<f64> {
    let c = clean(text);
    let (number, rest) = c.split_once(' ')?;
    let words_only = !rest.is_empty()
        && rest
            .chars()
            .all(|ch| ch.is_alphabetic() || ch == ' ' || ch == '.');
    words_only
        .then(|| parse_vn_number(number))
        .flatten()
        .map(|(n, _)| n)
}

fn parse_integer(cell: &Cell) -> Parsed {
    let whole = |n: f64| n.fract() == 0.0 && n.abs() < 9.0e15;
    // In a whole-number field "1,234" can only mean 1234 (commas as
    // thousands), while "1,5" stays a type error.
    if let Cell::Text(t) = cell {
        let c = clean(t);
        let groups: Vec<&str> = c.split(',').collect();
        let thousands = groups.len() > 1
            && (1..=3).contains(&groups[0].len())
            && groups.iter().all(|g| digits_only(g))
            && groups[1..].iter().all(|g| g.len() == 3);
        if thousands {
            return groups.concat().parse::<i64>().map_or(Parsed::Bad, |n| {
                Parsed::Coerced(Value::Int(n), Leniency::NumberAsText)
            });
        }
    }
    match parse_number(cell) {
        Parsed::Ok(Value::Num(n)) if whole(n) => Parsed::Ok(Value::Int(n as i64)),
        Parsed::Coerced(Value::Num(n), how) if whole(n) => {
            Parsed::Coerced(Value::Int(n as i64), how)
        }
        Parsed::Ok(_) | Parsed::Coerced(..) => Parsed::Bad,
        other => other,
    }
}

/// "12", " 12 ", "1.234" (= 1234), "1.234,5" (= 1234.5), "1 234", "-" (= 0).
pub(crate) fn parse_vn_number(raw: &str) -> Option<(f64, Leniency)> {
    let s = clean(raw);
    if matches!(s.as_str(), "-" | "–" | "—") {
        return Some((0.0, Leniency::DashAsZero));
    }
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    let body: String = body.chars().filter(|c| *c != ' ').collect();
    let (int_part, frac_part) = match body.split_once(',') {
        Some((i, f)) => (i.to_string(), Some(f)),
        None => (body.clone(), None),
    };
    let int_digits = if int_part.contains('.') {
        let groups: Vec<&str> = int_part.split('.').collect();
        let thousands = groups[0].len() <= 3
            && !groups[0].is_empty()
            && groups[1..].iter().all(|g| g.len() == 3);
        if thousands {
            groups.concat()
        } else if groups.len() == 2 && frac_part.is_none() {
            // "12.5": an English decimal point typed by habit.
            return digits_only(groups[0])
                .then(|| format!("{}.{}", groups[0], groups[1]))
                .filter(|_| digits_only(groups[1]))
                .and_then(|t| t.parse::<f64>().ok())
                .map(|n| (if negative { -n } else { n }, Leniency::NumberAsText));
        } else {
            return None;
        }
    } else {
        int_part
    };
    if !digits_only(&int_digits) || frac_part.is_some_and(|f| !digits_only(f)) {
        return None;
    }
    let text = match frac_part {
        Some(f) => format!("{int_digits}.{f}"),
        None => int_digits,
    };
    let n: f64 = text.parse().ok()?;
    Some((if negative { -n } else { n }, Leniency::NumberAsText))
}

fn digits_only(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn parse_text(cell: &Cell) -> Parsed {
    match cell {
        Cell::Text(t) => Parsed::Ok(Value::Text(clean(t))),
        Cell::Number(n) => Parsed::Ok(Value::Text(format_number(*n))),
        Cell::Bool(b) => Parsed::Ok(Value::Text(Value::Bool(*b).display())),
        Cell::Date(d) => Parsed::Ok(Value::Text(Value::Date(*d).display())),
        _ => Parsed::Bad,
    }
}

fn parse_yes_no(cell: &Cell, words: &YesNoWords) -> Parsed {
    match cell {
        Cell::Bool(b) => Parsed::Ok(Value::Bool(*b)),
        Cell::Number(n) if *n == 1.0 || *n == 0.0 => {
            Parsed::Coerced(Value::Bool(*n == 1.0), Leniency::YesNoSpelling)
        }
        Cell::Text(t) => {
            let typed = |exact: bool| {
                let answer = |w: &Vec<String>| said_by(t, w, exact);
                match (answer(&words.yes), answer(&words.no)) {
                    (true, _) => Some(true),
                    (_, true) => Some(false),
                    _ => None,
                }
            };
            // A form's own words are answers as typed; the usual ones only
            // as typed when they are "Có"/"Không" themselves.
            if words.declared
                && let Some(answer) = typed(true)
            {
                return Parsed::Ok(Value::Bool(answer));
            }
            let usual = YesNoWords::default();
            let exact = label_key(t);
            for answer in [true, false] {
                if !words.declared && exact == label_key(usual.word(answer)) {
                    return Parsed::Ok(Value::Bool(answer));
                }
            }
            match typed(false).or_else(|| usual_answer(t, &usual)) {
                Some(answer) => Parsed::Coerced(Value::Bool(answer), Leniency::YesNoSpelling),
                None => Parsed::Bad,
            }
        }
        _ => Parsed::Bad,
    }
}

/// The usual words, read loosely: "co", "X", "ko", "✓".
fn usual_answer(text: &str, usual: &YesNoWords) -> Option<bool> {
    if said_by(text, &usual.yes, false) {
        Some(true)
    } else if said_by(text, &usual.no, false) {
        Some(false)
    } else {
        None
    }
}

/// Whether a cell's text is one of the words: with its diacritics
/// (`exact`), or also without them and in any case.
fn said_by(text: &str, words: &[String], exact: bool) -> bool {
    let (key, loose) = (label_key(text), loose_key(text));
    words.iter().any(|w| {
        (!key.is_empty() && label_key(w) == key)
            || (!exact && !loose.is_empty() && loose_key(w) == loose)
            || text.trim() == w.trim()
    })
}

fn parse_date(cell: &Cell) -> Parsed {
    match cell {
        Cell::Date(d) => Parsed::Ok(Value::Date(*d)),
        Cell::Number(n) => match excel_serial_to_date(*n) {
            Some(d) => Parsed::Coerced(Value::Date(d), Leniency::DateFromNumber),
            None => Parsed::Bad,
        },
        Cell::Text(t) => match parse_date_text(t) {
            Some((d, true)) => Parsed::Ok(Value::Date(d)),
            Some((d, false)) => Parsed::Coerced(Value::Date(d), Leniency::DateSpelling),
            None => Parsed::Bad,
        },
        _ => Parsed::Bad,
    }
}

/// Excel's 1900 date system (with its phantom 29 February 1900).
pub(crate) fn excel_serial_to_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = if days < 60 { days + 1 } else { days };
    base.checked_add_signed(chrono::Duration::days(days))
}

/// dd/mm/yyyy is the canonical spelling (returns `true`); d-m-yyyy,
/// dd.mm.yyyy, two-digit years and ISO yyyy-mm-dd are read leniently.
pub(crate) fn parse_date_text(raw: &str) -> Option<(NaiveDate, bool)> {
    if let Some(d) = formal_date(raw) {
        return Some((d, false));
    }
    let s = clean(raw);
    let s = s.split(' ').next().unwrap_or("");
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    if parts.len() != 3 || !parts.iter().all(|p| digits_only(p)) {
        return None;
    }
    let nums: Vec<i32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if parts[0].len() == 4 {
        let d = NaiveDate::from_ymd_opt(nums[0], nums[1] as u32, nums[2] as u32)?;
        return Some((d, false));
    }
    let year = match parts[2].len() {
        4 => nums[2],
        2 => 2000 + nums[2],
        _ => return None,
    };
    let d = NaiveDate::from_ymd_opt(year, nums[1] as u32, nums[0] as u32)?;
    let canonical = s.contains('/') && parts[2].len() == 4 && !s.contains(['-', '.']);
    Some((d, canonical && d.year() == year))
}

/// "ngày 05 tháng 7 năm 2023", the formal way of writing a date.
fn formal_date(raw: &str) -> Option<NaiveDate> {
    let key = loose_key(raw);
    let words: Vec<&str> = key.split(' ').collect();
    let after = |w: &str| {
        words
            .iter()
            .position(|x| *x == w)
            .and_then(|i| words.get(i + 1))
            .and_then(|n| n.parse::<u32>().ok())
    };
    let (day, month, year) = (after("ngay")?, after("thang")?, after("nam")?);
    NaiveDate::from_ymd_opt(year as i32, month, day)
}

fn parse_choice(cell: &Cell, choices: &[Choice]) -> Parsed {
    let typed = match parse_text(cell) {
        Parsed::Ok(Value::Text(t)) => t,
        _ => return Parsed::Bad,
    };
    let key = label_key(&typed);
    for choice in choices {
        if label_key(&choice.value) == key {
            return if typed == choice.value {
                Parsed::Ok(Value::Text(choice.value.clone()))
            } else {
                Parsed::Coerced(Value::Text(choice.value.clone()), Leniency::ChoiceSpelling)
            };
        }
    }
    let loose = loose_key(&typed);
    for choice in choices {
        let names = std::iter::once(&choice.value).chain(choice.aliases.iter());
        if names.into_iter().any(|n| loose_key(n) == loose) {
            return Parsed::Coerced(Value::Text(choice.value.clone()), Leniency::ChoiceSpelling);
        }
    }
    Parsed::NotAllowed(typed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    #[test]
    fn dates_are_spelt_as_chrono_spells_them() {
        for (y, m, d) in [
            (2023, 12, 31),
            (1, 1, 1),
            (0, 2, 29),
            (999, 7, 4),
            (9999, 12, 31),
            (10000, 1, 1),
            (-5, 3, 9),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(date_dmy(date), date.format("%d/%m/%Y").to_string());
            assert_eq!(date_iso(date), date.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn figures_are_spelt_as_each_language_writes_them() {
        use crate::model::finding::Lang;
        let vi = Spelling::In(Lang::Vi);
        let en = Spelling::In(Lang::En);
        let up = Decimals::UpTo(MAX_DECIMALS);
        assert_eq!(format_figure(7.5, Decimals::UpTo(1), vi), "7,5");
        assert_eq!(format_figure(7.5, Decimals::UpTo(1), en), "7.5");
        assert_eq!(format_figure(1234.5, up, vi), "1.234,5");
        assert_eq!(format_figure(1234.5, up, en), "1,234.5");
        assert_eq!(format_figure(1234.5, up, Spelling::Plain), "1234.5");
        assert_eq!(format_figure(1_234_567.0, up, vi), "1.234.567");
        assert_eq!(format_figure(123.0, up, vi), "123");
        assert_eq!(format_figure(-1234.25, up, vi), "-1.234,25");
        assert_eq!(format_figure(0.1 + 0.2, up, vi), "0,3");
        assert_eq!(format_figure(100.0, Decimals::UpTo(1), vi), "100");
        assert_eq!(format_figure(102.435185, Decimals::UpTo(1), vi), "102,4");
        assert_eq!(format_figure(7.5, Decimals::Fixed(2), vi), "7,50");
        assert_eq!(format_figure(281.5, Decimals::Fixed(0), vi), "282");
        assert_eq!(format_figure(-0.04, Decimals::Fixed(1), vi), "0,0");
        assert_eq!(Decimals::UpTo(6).places(281.5), 1);
        assert_eq!(Decimals::UpTo(6).places(12.0), 0);
        assert_eq!(Decimals::UpTo(6).places(0.125), 3);
        assert_eq!(Decimals::UpTo(6).places(1_234_567.891), 3);
        assert_eq!(Decimals::UpTo(6).places(1.0 / 3.0), 6);
        assert_eq!(format_figure(1_234_567.891, up, vi), "1.234.567,891");
        assert_eq!(format_count(12_345, Lang::Vi), "12.345");
        assert_eq!(format_count(12_345, Lang::En), "12,345");
        assert_eq!(Decimals::excel_format(0), "#,##0");
        assert_eq!(Decimals::excel_format(2), "#,##0.00");
    }

    #[test]
    fn vietnamese_numbers() {
        assert_eq!(parse_vn_number("12"), Some((12.0, Leniency::NumberAsText)));
        assert_eq!(parse_vn_number(" 12 ").map(|x| x.0), Some(12.0));
        assert_eq!(parse_vn_number("1.234").map(|x| x.0), Some(1234.0));
        assert_eq!(parse_vn_number("1.234,5").map(|x| x.0), Some(1234.5));
        assert_eq!(
            parse_vn_number("1.500.050,30").map(|x| x.0),
            Some(1_500_050.3)
        );
        assert_eq!(parse_vn_number("1 234").map(|x| x.0), Some(1234.0));
        assert_eq!(parse_vn_number("12.5").map(|x| x.0), Some(12.5));
        assert_eq!(parse_vn_number("-"), Some((0.0, Leniency::DashAsZero)));
        assert_eq!(parse_vn_number("-5").map(|x| x.0), Some(-5.0));
        assert_eq!(parse_vn_number("ba"), None);
        assert_eq!(parse_vn_number("12 cơ sở"), None);
        assert_eq!(parse_vn_number("1.2.3"), None);
    }

    #[test]
    fn integers() {
        assert_eq!(
            parse(&Cell::Number(7.0), FieldType::Integer, &[]),
            Parsed::Ok(Value::Int(7))
        );
        assert_eq!(
            parse(&Cell::Number(7.5), FieldType::Integer, &[]),
            Parsed::Bad
        );
        assert_eq!(
            parse(&text("1.234"), FieldType::Integer, &[]),
            Parsed::Coerced(Value::Int(1234), Leniency::NumberAsText)
        );
        assert_eq!(
            parse(&text("-"), FieldType::Integer, &[]),
            Parsed::Coerced(Value::Int(0), Leniency::DashAsZero)
        );
        assert_eq!(parse(&text("ba"), FieldType::Integer, &[]), Parsed::Bad);
        assert_eq!(
            parse(&text("1,234"), FieldType::Integer, &[]),
            Parsed::Coerced(Value::Int(1234), Leniency::NumberAsText)
        );
        assert_eq!(parse(&text("1,5"), FieldType::Integer, &[]), Parsed::Bad);
        assert_eq!(
            parse(&text("12 cơ sở"), FieldType::Integer, &[]),
            Parsed::Coerced(Value::Int(12), Leniency::NumberWithUnit)
        );
        assert_eq!(
            parse(&text("12 hoặc 13"), FieldType::Integer, &[]),
            Parsed::Bad
        );
        assert_eq!(
            parse(&text("—"), FieldType::Integer, &[]),
            Parsed::Coerced(Value::Int(0), Leniency::DashAsZero)
        );
        assert_eq!(parse(&text("  "), FieldType::Integer, &[]), Parsed::Missing);
        assert_eq!(
            parse(&Cell::Empty, FieldType::Integer, &[]),
            Parsed::Missing
        );
        assert_eq!(
            parse(&Cell::Error("#DIV/0!".into()), FieldType::Integer, &[]),
            Parsed::FormulaError("#DIV/0!".into())
        );
    }

    #[test]
    fn yes_no() {
        assert_eq!(
            parse(&text("Có"), FieldType::YesNo, &[]),
            Parsed::Ok(Value::Bool(true))
        );
        assert_eq!(
            parse(&text("KHÔNG"), FieldType::YesNo, &[]),
            Parsed::Ok(Value::Bool(false))
        );
        for yes in ["x", "X", "C", "co", "Yes", "TRUE"] {
            assert_eq!(
                parse(&text(yes), FieldType::YesNo, &[]),
                Parsed::Coerced(Value::Bool(true), Leniency::YesNoSpelling),
                "{yes}"
            );
        }
        for no in ["K", "khong", "No", "false"] {
            assert_eq!(
                parse(&text(no), FieldType::YesNo, &[]),
                Parsed::Coerced(Value::Bool(false), Leniency::YesNoSpelling),
                "{no}"
            );
        }
        assert_eq!(
            parse(&Cell::Bool(true), FieldType::YesNo, &[]),
            Parsed::Ok(Value::Bool(true))
        );
        assert_eq!(parse(&text("có lẽ"), FieldType::YesNo, &[]), Parsed::Bad);
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2023, 7, 5).unwrap();
        assert_eq!(
            parse(&text("05/07/2023"), FieldType::Date, &[]),
            Parsed::Ok(Value::Date(d))
        );
        assert_eq!(
            parse(&text("5-7-2023"), FieldType::Date, &[]),
            Parsed::Coerced(Value::Date(d), Leniency::DateSpelling)
        );
        assert_eq!(
            parse(&text("2023-07-05"), FieldType::Date, &[]),
            Parsed::Coerced(Value::Date(d), Leniency::DateSpelling)
        );
        assert_eq!(
            parse(&Cell::Date(d), FieldType::Date, &[]),
            Parsed::Ok(Value::Date(d))
        );
        assert_eq!(excel_serial_to_date(45112.0), Some(d));
        assert_eq!(
            parse(&text("31/02/2023"), FieldType::Date, &[]),
            Parsed::Bad
        );
    }

    #[test]
    fn choices() {
        let choices = vec![
            Choice {
                value: "Lưu trú".into(),
                aliases: vec!["Nhà nghỉ".into(), "Khách sạn".into()],
            },
            Choice {
                value: "Massage".into(),
                aliases: vec!["Xoa bóp".into()],
            },
        ];
        assert_eq!(
            parse(&text("Lưu trú"), FieldType::Choice, &choices),
            Parsed::Ok(Value::Text("Lưu trú".into()))
        );
        assert_eq!(
            parse(&text("LUU TRU"), FieldType::Choice, &choices),
            Parsed::Coerced(Value::Text("Lưu trú".into()), Leniency::ChoiceSpelling)
        );
        assert_eq!(
            parse(&text("nhà nghỉ"), FieldType::Choice, &choices),
            Parsed::Coerced(Value::Text("Lưu trú".into()), Leniency::ChoiceSpelling)
        );
        assert_eq!(
            parse(&text("Quán bar"), FieldType::Choice, &choices),
            Parsed::NotAllowed("Quán bar".into())
        );
    }
}
