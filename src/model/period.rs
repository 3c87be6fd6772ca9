//! Reporting periods: a year, a half, a quarter or a month. The configured
//! period decides which files belong to the run; a file that states another
//! one is refused. This module also reads the period a file states, in every
//! way Vietnamese reports write it ("Quý I/2024", "6 tháng đầu năm 2024",
//! "T7/2024", "từ 15/12/2023 đến 14/6/2024" …), and tells a period statement
//! it cannot read from text that states no period at all.

use chrono::{Datelike, NaiveDate};

use crate::model::finding::Lang;
use crate::model::i18n::Bilingual;
use crate::model::schema::PeriodKind;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub kind: PeriodKind,
    pub year: i32,
    /// Half 1–2, quarter 1–4 or month 1–12; 0 for a year.
    pub part: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Lang::Vi))]
pub struct PeriodError {
    pub text: String,
    pub expected: &'static str,
}

impl Bilingual for PeriodError {
    fn message(&self, lang: Lang) -> String {
        let PeriodError { text, expected } = self;
        lang.pick(
            format!("kỳ báo cáo “{text}” không hợp lệ; cần dạng {expected}"),
            format!("invalid period “{text}”; expected {expected}"),
        )
    }
}

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

/// The last day of a month; `None` for a month that does not exist.
fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?
        .checked_add_months(chrono::Months::new(1))?
        .pred_opt()
}

impl Period {
    pub fn year(year: i32) -> Period {
        Period {
            kind: PeriodKind::Year,
            year,
            part: 0,
        }
    }

    /// "2023", "2023-H1", "2023-Q3", "2023-07", according to the schema's kind.
    pub fn parse(text: &str, kind: PeriodKind) -> Result<Period, PeriodError> {
        let expected = match kind {
            PeriodKind::Year => "YYYY (2023)",
            PeriodKind::Half => "YYYY-H1 | YYYY-H2",
            PeriodKind::Quarter => "YYYY-Q1 … YYYY-Q4",
            PeriodKind::Month => "YYYY-MM (2023-07)",
        };
        let err = || PeriodError {
            text: text.to_string(),
            expected,
        };
        let t = text.trim().to_ascii_uppercase();
        let (year_text, rest) = t.split_at(t.len().min(4));
        let year: i32 = year_text.parse().map_err(|_| err())?;
        if !(1900..=2200).contains(&year) {
            return Err(err());
        }
        let part = match (kind, rest) {
            (PeriodKind::Year, "") => 0,
            (PeriodKind::Half, r) => r
                .strip_prefix("-H")
                .and_then(|p| p.parse().ok())
                .filter(|p| (1..=2).contains(p))
                .ok_or_else(err)?,
            (PeriodKind::Quarter, r) => r
                .strip_prefix("-Q")
                .and_then(|p| p.parse().ok())
                .filter(|p| (1..=4).contains(p))
                .ok_or_else(err)?,
            (PeriodKind::Month, r) => r
                .strip_prefix('-')
                .and_then(|p| p.parse().ok())
                .filter(|p| (1..=12).contains(p))
                .ok_or_else(err)?,
            _ => return Err(err()),
        };
        Ok(Period { kind, year, part })
    }

    /// The identifier used in file names and machine outputs.
    pub fn id(&self) -> String {
        match self.kind {
            PeriodKind::Year => format!("{}", self.year),
            PeriodKind::Half => format!("{}-H{}", self.year, self.part),
            PeriodKind::Quarter => format!("{}-Q{}", self.year, self.part),
            PeriodKind::Month => format!("{}-{:02}", self.year, self.part),
        }
    }

    /// How the period is written on a Vietnamese form.
    pub fn label_vi(&self) -> String {
        match self.kind {
            PeriodKind::Year => format!("Năm {}", self.year),
            PeriodKind::Half if self.part == 1 => format!("6 tháng đầu năm {}", self.year),
            PeriodKind::Half => format!("6 tháng cuối năm {}", self.year),
            PeriodKind::Quarter => format!(
                "Quý {} năm {}",
                ROMAN
                    .get(self.part.wrapping_sub(1) as usize)
                    .unwrap_or(&"?"),
                self.year
            ),
            PeriodKind::Month => format!("Tháng {} năm {}", self.part, self.year),
        }
    }

    pub fn label_en(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        match self.kind {
            PeriodKind::Year => format!("year {}", self.year),
            PeriodKind::Half => format!("H{} {}", self.part, self.year),
            PeriodKind::Quarter => format!("Q{} {}", self.part, self.year),
            PeriodKind::Month => format!(
                "{} {}",
                MONTHS
                    .get(self.part.wrapping_sub(1) as usize)
                    .unwrap_or(&"?"),
                self.year
            ),
        }
    }

    pub fn label(&self, lang: crate::model::finding::Lang) -> String {
        match lang {
            crate::model::finding::Lang::Vi => self.label_vi(),
            crate::model::finding::Lang::En => self.label_en(),
        }
    }

    pub fn start(&self) -> NaiveDate {
        let month = match self.kind {
            PeriodKind::Year => 1,
            PeriodKind::Half => 1 + 6 * (self.part - 1),
            PeriodKind::Quarter => 1 + 3 * (self.part - 1),
            PeriodKind::Month => self.part,
        };
        NaiveDate::from_ymd_opt(self.year, month, 1).expect("valid period start")
    }

    pub fn end(&self) -> NaiveDate {
        let months = match self.kind {
            PeriodKind::Year => 12,
            PeriodKind::Half => 6,
            PeriodKind::Quarter => 3,
            PeriodKind::Month => 1,
        };
        month_end(self.year, self.start().month() + months - 1).expect("valid period end")
    }

    /// The first day of the administrative cut-off window of this period
    /// (Nghị định 09/2019/NĐ-CP): the 15th of the month before it starts.
    fn cutoff_start(&self) -> NaiveDate {
        let before = self
            .start()
            .checked_sub_months(chrono::Months::new(1))
            .expect("valid period start");
        before.with_day(15).expect("every month has a 15th")
    }

    /// The last day of the cut-off window: the 14th of its last month.
    fn cutoff_end(&self) -> NaiveDate {
        self.end().with_day(14).expect("every month has a 14th")
    }

    /// Every named period of a year, the longest first.
    fn all_of_year(year: i32) -> impl Iterator<Item = Period> {
        [
            (PeriodKind::Year, 0..=0),
            (PeriodKind::Half, 1..=2),
            (PeriodKind::Quarter, 1..=4),
            (PeriodKind::Month, 1..=12),
        ]
        .into_iter()
        .flat_map(move |(kind, parts)| parts.map(move |part| Period { kind, year, part }))
    }
}

/// The days a period's figures cover: its calendar days, or a sector's
/// cut-off window set in the project (`cutoff_day` in `tonghop.toml`: the
/// public security's 15/12/2023 – 14/6/2024 for 2024-H1). Rules and
/// aggregates see it as `period_start` and `period_end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The days a cut-off window may start on: every month has them.
pub(crate) const CUTOFF_DAYS: std::ops::RangeInclusive<u32> = 2..=28;

impl Window {
    /// The window of `period`: with a cut-off day `d`, from day `d` of the
    /// month before the period to day `d - 1` of its last month; without
    /// one, the calendar period. `d` must be in `CUTOFF_DAYS`.
    pub fn of(period: &Period, cutoff_day: Option<u32>) -> Window {
        match cutoff_day.filter(|d| CUTOFF_DAYS.contains(d)) {
            None => Window {
                start: period.start(),
                end: period.end(),
            },
            Some(day) => Window {
                start: period.cutoff_start().with_day(day).expect("day ≤ 28"),
                end: period.end().with_day(day - 1).expect("day ≤ 27"),
            },
        }
    }

    /// Whether a file stating `stated` states this window: a span of
    /// exactly these days counts as the configured period.
    pub fn is_stated_by(&self, stated: &Stated) -> bool {
        matches!(stated, Stated::Span { start, end } if *start == self.start && *end == self.end)
    }
}

/// Roll-ups: a period longer than the schema's, made of the schema's.
impl Period {
    /// The kinds from the longest to the shortest.
    fn rank(kind: PeriodKind) -> u8 {
        match kind {
            PeriodKind::Year => 0,
            PeriodKind::Half => 1,
            PeriodKind::Quarter => 2,
            PeriodKind::Month => 3,
        }
    }

    /// `text` as a period longer than `kind` ("2024", "2024-H1" for a
    /// quarterly schema); `None` when it is none.
    pub fn longer_than(text: &str, kind: PeriodKind) -> Option<Period> {
        [PeriodKind::Year, PeriodKind::Half, PeriodKind::Quarter]
            .into_iter()
            .filter(|k| Period::rank(*k) < Period::rank(kind))
            .find_map(|k| Period::parse(text, k).ok())
    }

    /// The periods of `kind` that make up this one, in order ("2024" in
    /// quarters: 2024-Q1 … 2024-Q4); empty when `kind` is not shorter.
    pub fn parts_of(&self, kind: PeriodKind) -> Vec<Period> {
        if Period::rank(kind) <= Period::rank(self.kind) {
            return Vec::new();
        }
        let (start, end) = (self.start(), self.end());
        Period::all_of_year(self.year)
            .filter(|p| p.kind == kind && p.start() >= start && p.end() <= end)
            .collect()
    }
}

/// What a file says its period is: a named period, or a stretch of days
/// that is none ("9 tháng năm 2024", a date range of the sector's own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stated {
    Named(Period),
    Span { start: NaiveDate, end: NaiveDate },
}

impl Stated {
    /// The period a date range stands for: a calendar period, or one of the
    /// standard cut-off windows ("15/12/2023 – 14/6/2024" is the first half
    /// of 2024); anything else stays a span of its own.
    pub fn from_dates(start: NaiveDate, end: NaiveDate) -> Stated {
        Period::all_of_year(end.year())
            .find(|p| {
                (p.start() == start && p.end() == end)
                    || (p.cutoff_start() == start && p.cutoff_end() == end)
            })
            .map(Stated::Named)
            .unwrap_or(Stated::Span { start, end })
    }

    pub fn period(&self) -> Option<&Period> {
        match self {
            Stated::Named(p) => Some(p),
            Stated::Span { .. } => None,
        }
    }

    /// First and last day (the calendar ones for a named period).
    pub fn bounds(&self) -> (NaiveDate, NaiveDate) {
        match self {
            Stated::Named(p) => (p.start(), p.end()),
            Stated::Span { start, end } => (*start, *end),
        }
    }

    fn days(&self) -> i64 {
        let (start, end) = self.bounds();
        (end - start).num_days()
    }

    /// Whether this statement takes in the whole of `other` ("Năm 2024"
    /// takes in "Quý I/2024").
    pub fn covers(&self, other: &Stated) -> bool {
        let ((a, b), (c, d)) = (self.bounds(), other.bounds());
        a <= c && d <= b
    }

    /// "2024-Q1" for a named period, "2024-01-01/2024-09-30" for a span.
    pub fn id(&self) -> String {
        match self {
            Stated::Named(p) => p.id(),
            Stated::Span { start, end } => format!("{start}/{end}"),
        }
    }

    pub fn label_vi(&self) -> String {
        match self {
            Stated::Named(p) => p.label_vi(),
            Stated::Span { start, end } => format!(
                "từ ngày {} đến ngày {}",
                start.format("%d/%m/%Y"),
                end.format("%d/%m/%Y")
            ),
        }
    }

    pub fn label_en(&self) -> String {
        match self {
            Stated::Named(p) => p.label_en(),
            Stated::Span { start, end } => {
                format!("{} to {}", start.format("%d/%m/%Y"), end.format("%d/%m/%Y"))
            }
        }
    }
}

/// A period statement that may lack its year ("6 tháng cuối năm").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    Quarter(u32),
    Month(u32),
    /// "9 tháng (đầu) năm": January to the n-th month.
    FirstMonths(u32),
    /// "6 tháng cuối năm": the last n months.
    LastMonths(u32),
}

impl Shape {
    pub(crate) fn in_year(self, year: i32) -> Option<Stated> {
        let named = |kind, part| Some(Stated::Named(Period { kind, year, part }));
        let day = |month, first: bool| {
            if first {
                NaiveDate::from_ymd_opt(year, month, 1)
            } else {
                month_end(year, month)
            }
        };
        match self {
            Shape::Quarter(q) if (1..=4).contains(&q) => named(PeriodKind::Quarter, q),
            Shape::Month(m) if (1..=12).contains(&m) => named(PeriodKind::Month, m),
            Shape::FirstMonths(n) if (1..=12).contains(&n) => {
                Some(Stated::from_dates(day(1, true)?, day(n, false)?))
            }
            Shape::LastMonths(n) if (1..=12).contains(&n) => {
                Some(Stated::from_dates(day(13 - n, true)?, day(12, false)?))
            }
            _ => None,
        }
    }
}

/// What one line of a heading says about the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reading {
    Stated(Stated),
    /// A period without its year: the year has to come from elsewhere.
    Yearless(Shape),
    /// The line states a period that cannot be read ("Quý V/2024",
    /// "Tháng 13/2024", "Quý …/2024" with the dots never filled in).
    Unreadable,
}

/// A line's words, with and without diacritics, side by side.
struct Words {
    exact: Vec<String>,
    loose: Vec<String>,
    /// Typed with no diacritics at all: only then does "nam" stand for
    /// "năm" ("Nậm", a place, is not "Năm", a year).
    unmarked: bool,
    /// Words of a time that is not the report's (see `other_time`).
    other: Vec<bool>,
}

impl Words {
    fn of(text: &str) -> Words {
        let exact_key = crate::model::text::label_key(text);
        let loose_key = crate::model::text::loose_key(text);
        Words {
            unmarked: exact_key == loose_key,
            exact: exact_key.split(' ').map(str::to_string).collect(),
            loose: loose_key.split(' ').map(str::to_string).collect(),
            other: Vec::new(),
        }
        .mark_other_times()
    }

    /// Word `i` is the keyword: written with its marks (in any of the given
    /// spellings), or without any when the whole line has none.
    fn is(&self, i: usize, loose: &str, marked: &[&str]) -> bool {
        self.exact
            .get(i)
            .is_some_and(|w| marked.contains(&w.as_str()))
            || (self.unmarked && self.loose.get(i).is_some_and(|w| w == loose))
    }

    fn nam(&self, i: usize) -> bool {
        self.is(i, "nam", &["năm"])
    }

    fn number(&self, i: usize) -> Option<u32> {
        let w = self.loose.get(i)?;
        (!w.is_empty() && w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit()))
            .then(|| w.parse().ok())
            .flatten()
    }

    fn year(&self, i: usize) -> Option<i32> {
        let w = self.loose.get(i)?;
        (w.len() == 4)
            .then(|| self.number(i))
            .flatten()
            .map(|n| n as i32)
            .filter(|y| (1990..=2100).contains(y))
    }

    /// A year at `i`, after an optional "năm": "2024", "năm 2024".
    fn year_from(&self, i: usize) -> Option<i32> {
        self.year(i)
            .or_else(|| self.nam(i).then(|| self.year(i + 1)).flatten())
    }

    /// Whether a year (or "năm" + year) follows at `i`, however unreadable
    /// what came before it.
    fn year_at(&self, i: usize) -> bool {
        self.year_from(i).is_some()
    }

    /// "t7" → 7: a letter glued to a number ("Q1/2024", "T7/2024").
    fn glued(&self, i: usize, letter: char) -> Option<Option<u32>> {
        let w = self.loose.get(i)?;
        let digits = w.strip_prefix(letter)?;
        (!digits.is_empty() && digits.len() <= 2 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())
    }

    fn len(&self) -> usize {
        self.loose.len()
    }

    /// Whether word `i` belongs to a time that is not the report's: "tính
    /// đến hết tháng 11 năm 2023", "định hướng đến năm 2030", "so với cùng
    /// kỳ năm 2022", "so với năm 2022".
    fn other_time(&self, i: usize) -> bool {
        self.other.get(i).copied().unwrap_or(false)
    }

    /// Marks the words of each time phrase that follows "đến", "hết",
    /// "với" or "cùng kỳ".
    fn mark_other_times(mut self) -> Words {
        let n = self.len();
        let mut other = vec![false; n];
        for i in 0..n {
            let trigger = self.is(i, "den", &["đến"])
                || self.is(i, "het", &["hết"])
                || self.is(i, "voi", &["với"])
                || (self.is(i, "ky", &["kỳ"]) && i > 0 && self.is(i - 1, "cung", &["cùng"]));
            if !trigger {
                continue;
            }
            let mut j = i + 1;
            while j < n && self.in_time_phrase(j) {
                other[j] = true;
                j += 1;
            }
        }
        self.other = other;
        self
    }

    /// A word a period phrase is made of: its keywords, numbers, quarters.
    fn in_time_phrase(&self, i: usize) -> bool {
        const KEYWORDS: [(&str, &[&str]); 7] = [
            ("quy", &["quý", "qúy"]),
            ("thang", &["tháng"]),
            ("nam", &["năm"]),
            ("ngay", &["ngày"]),
            ("dau", &["đầu"]),
            ("cuoi", &["cuối"]),
            ("het", &["hết"]),
        ];
        KEYWORDS
            .iter()
            .any(|(loose, marked)| self.is(i, loose, marked))
            || self.number(i).is_some()
            || self
                .loose
                .get(i)
                .is_some_and(|w| ROMAN_LOWER.contains(&w.as_str()))
            || self.glued(i, 'q').is_some()
            || self.glued(i, 't').is_some()
    }

    /// The words outside `taken`.
    fn without(self, taken: std::ops::Range<usize>) -> Words {
        let keep = |words: Vec<String>| {
            words
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !taken.contains(i))
                .map(|(_, w)| w)
                .collect()
        };
        Words {
            exact: keep(self.exact),
            loose: keep(self.loose),
            unmarked: self.unmarked,
            other: Vec::new(),
        }
        .mark_other_times()
    }
}

const ROMAN_LOWER: [&str; 4] = ["i", "ii", "iii", "iv"];
/// Roman numerals a quarter is never written with but a typo can give.
const ROMAN_OTHER: [&str; 4] = ["v", "vi", "vii", "viii"];

/// Reads the period one heading line states: "Năm 2024", "Quý I/2024",
/// "quý 1 năm 2024", "Q1/2024", "Quý I - 2024", "6 tháng đầu năm 2024",
/// "6 tháng cuối năm", "9 tháng năm 2024", "Tháng 7/2024", "tháng 07 năm
/// 2024", "T7/2024", "từ 15/12/2023 đến 14/6/2024". `None` when the line
/// states no period at all (a signature date "Văn Bàn, ngày 15 tháng 12 năm
/// 2023" states none).
pub(crate) fn read_period(text: &str) -> Option<Reading> {
    let w = Words::of(text);
    let range = read_range(&w);
    // "Năm 2023 (từ 01/01/2023 đến 15/12/2023)": the period the line names
    // is what it states; its date range only shows the window counted.
    let rest = match &range {
        Some((_, words)) => w.without(words.clone()),
        None => w,
    };
    let named = if range.is_none() && is_signature_date(&rest) {
        None
    } else {
        read_named(&rest)
    };
    match (named, range) {
        (Some(Reading::Unreadable), Some((r, _))) => Some(r),
        (Some(named), _) => Some(named),
        (None, range) => range.map(|(r, _)| r),
    }
}

fn read_named(w: &Words) -> Option<Reading> {
    read_quarter(w)
        .or_else(|| read_months(w))
        .or_else(|| read_year(w))
        .or_else(|| unread_report_period(w))
}

/// "Văn Bàn, ngày 15 tháng 12 năm 2023" is when it was signed, and "(Kèm
/// theo Công văn số …/UBND ngày … tháng … năm 2023)" when another document
/// was: a day, even one left blank, is no reporting period.
fn is_signature_date(w: &Words) -> bool {
    let thang = |i: usize| w.is(i, "thang", &["tháng"]);
    (0..w.len()).any(|i| {
        w.is(i, "ngay", &["ngày"]) && (thang(i + 1) || (w.number(i + 1).is_some() && thang(i + 2)))
    })
}

/// A day at `i`: "15/12/2023" (three numbers), "15 tháng 12 năm 2023", or
/// "01/01" with the year left to the end of the range. Returns the day,
/// month, year and the index after it.
fn date_at(w: &Words, i: usize) -> Option<(u32, u32, Option<i32>, usize)> {
    let i = if w.is(i, "ngay", &["ngày"]) {
        i + 1
    } else {
        i
    };
    let day = w.number(i).filter(|_| w.year(i).is_none())?;
    let (month, j) = if w.is(i + 1, "thang", &["tháng"]) {
        (w.number(i + 2)?, i + 3)
    } else {
        (w.number(i + 1).filter(|_| w.year(i + 1).is_none())?, i + 2)
    };
    Some(match w.year_from(j) {
        Some(year) if w.nam(j) => (day, month, Some(year), j + 2),
        Some(year) => (day, month, Some(year), j + 1),
        None => (day, month, None, j),
    })
}

/// "từ tháng 1 đến tháng 6 năm 2024": a month at `i`, its year optional.
fn month_at(w: &Words, i: usize) -> Option<(u32, Option<i32>, usize)> {
    if !w.is(i, "thang", &["tháng"]) {
        return None;
    }
    let month = w.number(i + 1).filter(|m| (1..=12).contains(m))?;
    match w.year_from(i + 2) {
        Some(y) => Some((month, Some(y), if w.nam(i + 2) { i + 4 } else { i + 3 })),
        None => Some((month, None, i + 2)),
    }
}

/// "từ (ngày) 15/12/2023 đến (ngày) 14/6/2024", "từ tháng 1 đến tháng 6
/// năm 2024".
/// Returns the reading and the words it took.
fn read_range(w: &Words) -> Option<(Reading, std::ops::Range<usize>)> {
    let from = (0..w.len()).find(|&i| w.is(i, "tu", &["từ"]))?;
    let to = (from + 1..w.len()).find(|&i| w.is(i, "den", &["đến"]))?;
    let checked = |start: NaiveDate, end: NaiveDate| {
        if start <= end {
            Reading::Stated(Stated::from_dates(start, end))
        } else {
            Reading::Unreadable
        }
    };
    if let (Some((d1, m1, y1, at)), Some((d2, m2, Some(y2), next))) =
        (date_at(w, from + 1), date_at(w, to + 1))
        && at == to
    {
        // "từ 01/01 đến 31/12/2023": the start takes the end's year.
        let start = NaiveDate::from_ymd_opt(y1.unwrap_or(y2), m1, d1);
        let end = NaiveDate::from_ymd_opt(y2, m2, d2);
        let reading = match (start, end) {
            (Some(start), Some(end)) => checked(start, end),
            _ => Reading::Unreadable,
        };
        return Some((reading, from..next));
    }
    if let (Some((m1, y1, at)), Some((m2, Some(y2), next))) =
        (month_at(w, from + 1), month_at(w, to + 1))
        && at == to
    {
        let y1 = y1.unwrap_or(y2);
        let start = NaiveDate::from_ymd_opt(y1, m1, 1)?;
        let end = month_end(y2, m2)?;
        return Some((checked(start, end), from..next));
    }
    // "từ ngày …/…/2023 đến ngày …/…/2024": a range left blank or mistyped.
    let dated = |i: usize| w.is(i, "ngay", &["ngày"]) || w.number(i).is_some();
    let has_year = (from..w.len()).any(|i| w.year(i).is_some());
    (dated(from + 1) && dated(to + 1) && has_year).then_some((Reading::Unreadable, from..w.len()))
}

fn stated_or_yearless(shape: Shape, year: Option<i32>) -> Reading {
    match year {
        Some(y) => shape
            .in_year(y)
            .map(Reading::Stated)
            .unwrap_or(Reading::Unreadable),
        None => Reading::Yearless(shape),
    }
}

/// "Quý I/2024", "QUÝ II năm 2024", "quý 1 năm 2024", "Quý I - 2024", "Q1/2024".
fn read_quarter(w: &Words) -> Option<Reading> {
    for i in 0..w.len() {
        if let Some(q) = w.glued(i, 'q')
            && w.year_at(i + 1)
        {
            return Some(match q.filter(|q| (1..=4).contains(q)) {
                Some(q) => stated_or_yearless(Shape::Quarter(q), w.year_from(i + 1)),
                None => Reading::Unreadable,
            });
        }
        if !w.is(i, "quy", &["quý", "qúy"]) || w.other_time(i) {
            continue;
        }
        let part_word = w.loose.get(i + 1).map(String::as_str).unwrap_or("");
        let part = ROMAN_LOWER
            .iter()
            .position(|r| *r == part_word)
            .map(|p| p as u32 + 1)
            .or_else(|| w.number(i + 1).filter(|_| w.year(i + 1).is_none()));
        match part {
            Some(q) if (1..=4).contains(&q) => {
                return Some(stated_or_yearless(Shape::Quarter(q), w.year_from(i + 2)));
            }
            // "Quý V/2024", "Quý 5 năm 2024".
            Some(_) if w.year_at(i + 2) => return Some(Reading::Unreadable),
            None if ROMAN_OTHER.contains(&part_word) && w.year_at(i + 2) => {
                return Some(Reading::Unreadable);
            }
            // "Quý …/2024": the dots vanish and the year follows at once.
            None if w.year_at(i + 1) => return Some(Reading::Unreadable),
            // "Quý cơ quan": the honorific, no period.
            _ => {}
        }
    }
    None
}

/// "Tháng 7/2024", "tháng 07 năm 2024", "T7/2024", "6 tháng đầu năm 2024",
/// "6 tháng cuối năm", "9 tháng năm 2024".
fn read_months(w: &Words) -> Option<Reading> {
    for i in 0..w.len() {
        if let Some(m) = w.glued(i, 't')
            && w.year_at(i + 1)
        {
            return Some(match m.filter(|m| (1..=12).contains(m)) {
                Some(m) => stated_or_yearless(Shape::Month(m), w.year_from(i + 1)),
                None => Reading::Unreadable,
            });
        }
        if !w.is(i, "thang", &["tháng"]) || w.other_time(i) {
            continue;
        }
        let count = i
            .checked_sub(1)
            .filter(|&b| !w.other_time(b))
            .and_then(|b| {
                w.number(b)
                    .or_else(|| w.is(b, "sau", &["sáu"]).then_some(6))
            });
        if let Some(n) = count {
            let (shape, after) = if w.is(i + 1, "dau", &["đầu"]) {
                (Shape::FirstMonths(n), i + 2)
            } else if w.is(i + 1, "cuoi", &["cuối"]) {
                (Shape::LastMonths(n), i + 2)
            } else if w.year_at(i + 1) {
                (Shape::FirstMonths(n), i + 1)
            } else {
                continue;
            };
            // "6 tháng đầu năm và phương hướng 6 tháng cuối năm 2024": the
            // line's year may come further on.
            let year = w
                .year_from(after)
                .or_else(|| (after..w.len()).find_map(|j| w.year(j)));
            if year.is_none() && !w.nam(after) {
                continue;
            }
            return Some(stated_or_yearless(shape, year));
        }
        if let Some(m) = w.number(i + 1).filter(|_| w.year(i + 1).is_none()) {
            let year = w.year_from(i + 2);
            if !(1..=12).contains(&m) {
                if year.is_some() {
                    return Some(Reading::Unreadable);
                }
                continue;
            }
            return Some(stated_or_yearless(Shape::Month(m), year));
        }
        // "Tháng …/2024", "tháng … năm 2024".
        if w.year_at(i + 1) {
            return Some(Reading::Unreadable);
        }
    }
    None
}

/// "Năm 2024", "NĂM 2024", "Kỳ báo cáo: năm 2024".
fn read_year(w: &Words) -> Option<Reading> {
    (0..w.len())
        .find(|&i| w.nam(i) && w.year(i + 1).is_some() && !w.other_time(i))
        .and_then(|i| w.year(i + 1))
        .map(|y| Reading::Stated(Stated::Named(Period::year(y))))
}

/// "Kỳ báo cáo: Năm ……" — a line that starts with the label and goes on
/// with something that is no period. The label alone, or with only dots,
/// states nothing.
fn unread_report_period(w: &Words) -> Option<Reading> {
    let labelled = w.loose.get(..3).is_some_and(|s| s == ["ky", "bao", "cao"]);
    (labelled && w.loose[3..].iter().any(|s| !s.is_empty())).then_some(Reading::Unreadable)
}

/// What all the lines of a file's heading say about its period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Statement {
    /// The periods stated, the most precise first ("Quý I/2024" before the
    /// "Năm 2024" of the title).
    Stated(Vec<Stated>),
    /// Only statements that cannot be read: the first of them, as typed.
    Unreadable(String),
    Nothing,
}

/// Puts together the readings of a heading's lines, in reading order. A
/// period without its year takes the year another line states; with none,
/// it cannot be read.
pub(crate) fn combine(readings: &[(String, Reading)]) -> Statement {
    let mut stated: Vec<Stated> = readings
        .iter()
        .filter_map(|(_, r)| match r {
            Reading::Stated(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let year = stated.first().map(|s| s.bounds().1.year());
    let mut unreadable = None;
    for (text, reading) in readings {
        match reading {
            Reading::Yearless(shape) => match year.and_then(|y| shape.in_year(y)) {
                Some(s) => stated.push(s),
                None => {
                    unreadable.get_or_insert(text);
                }
            },
            Reading::Unreadable => {
                unreadable.get_or_insert(text);
            }
            Reading::Stated(_) => {}
        }
    }
    if !stated.is_empty() {
        // Stable: of two equally precise statements the first one read leads.
        let mut unique: Vec<Stated> = Vec::new();
        for s in stated {
            if !unique.contains(&s) {
                unique.push(s);
            }
        }
        unique.sort_by_key(Stated::days);
        return Statement::Stated(unique);
    }
    match unreadable {
        Some(text) => Statement::Unreadable(text.clone()),
        None => Statement::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cutoff_day_moves_the_window() {
        let h1 = Period::parse("2024-H1", PeriodKind::Half).unwrap();
        let calendar = Window::of(&h1, None);
        assert_eq!(
            (calendar.start, calendar.end),
            (d(2024, 1, 1), d(2024, 6, 30))
        );
        let police = Window::of(&h1, Some(15));
        assert_eq!(
            (police.start, police.end),
            (d(2023, 12, 15), d(2024, 6, 14))
        );
        let q3 = Period::parse("2024-Q3", PeriodKind::Quarter).unwrap();
        let w = Window::of(&q3, Some(20));
        assert_eq!((w.start, w.end), (d(2024, 6, 20), d(2024, 9, 19)));
        assert!(w.is_stated_by(&Stated::Span {
            start: d(2024, 6, 20),
            end: d(2024, 9, 19)
        }));
        assert!(!w.is_stated_by(&Stated::Named(q3)));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_each_kind() {
        assert_eq!(
            Period::parse("2023", PeriodKind::Year).unwrap().id(),
            "2023"
        );
        let h = Period::parse("2023-h2", PeriodKind::Half).unwrap();
        assert_eq!(
            (h.start().to_string(), h.end().to_string()),
            ("2023-07-01".into(), "2023-12-31".into())
        );
        assert_eq!(
            Period::parse("2023-Q1", PeriodKind::Quarter)
                .unwrap()
                .label_vi(),
            "Quý I năm 2023"
        );
        let m = Period::parse("2024-02", PeriodKind::Month).unwrap();
        assert_eq!(m.end().to_string(), "2024-02-29");
        assert!(Period::parse("2023", PeriodKind::Month).is_err());
        assert!(Period::parse("năm 2023", PeriodKind::Year).is_err());
    }

    fn read(text: &str) -> Option<String> {
        match read_period(text)? {
            Reading::Stated(s) => Some(s.id()),
            Reading::Yearless(shape) => Some(format!("yearless {shape:?}")),
            Reading::Unreadable => Some("unreadable".into()),
        }
    }

    #[test]
    fn every_way_a_quarter_is_written() {
        for text in [
            "Quý I/2024",
            "QUÝ I/2024",
            "Quý 1/2024",
            "quý 1 năm 2024",
            "Q1/2024",
            "Quý I - 2024",
            "Kỳ báo cáo: Quý I năm 2024",
            "BÁO CÁO QUÝ I NĂM 2024",
            "Quy I/2024",
        ] {
            assert_eq!(read(text).as_deref(), Some("2024-Q1"), "{text}");
        }
        assert_eq!(read("Quý 2/2024").as_deref(), Some("2024-Q2"));
        assert_eq!(read("Quý II/2024").as_deref(), Some("2024-Q2"));
        assert_eq!(read("Quý IV năm 2023").as_deref(), Some("2023-Q4"));
    }

    #[test]
    fn halves_and_cumulative_months() {
        assert_eq!(read("6 tháng đầu năm 2024").as_deref(), Some("2024-H1"));
        assert_eq!(
            read("BÁO CÁO SÁU THÁNG ĐẦU NĂM 2024").as_deref(),
            Some("2024-H1")
        );
        assert_eq!(read("6 tháng cuối năm 2024").as_deref(), Some("2024-H2"));
        assert_eq!(
            read("6 tháng cuối năm").as_deref(),
            Some("yearless LastMonths(6)")
        );
        // Nine months from January: no named period.
        assert_eq!(
            read("9 tháng năm 2024").as_deref(),
            Some("2024-01-01/2024-09-30")
        );
        assert_eq!(
            read("9 tháng đầu năm 2024").as_deref(),
            Some("2024-01-01/2024-09-30")
        );
        assert_eq!(read("3 tháng đầu năm 2024").as_deref(), Some("2024-Q1"));
    }

    #[test]
    fn months_and_years() {
        for text in [
            "Tháng 7/2024",
            "tháng 07 năm 2024",
            "T7/2024",
            "THÁNG 7 NĂM 2024",
        ] {
            assert_eq!(read(text).as_deref(), Some("2024-07"), "{text}");
        }
        for text in ["Năm 2024", "năm 2024", "NĂM 2024", "Ky bao cao: Nam 2024"] {
            assert_eq!(read(text).as_deref(), Some("2024"), "{text}");
        }
    }

    #[test]
    fn date_ranges_and_cut_off_windows() {
        // The six-month window of Nghị định 09/2019: 15/12 – 14/6.
        for text in [
            "từ 15/12/2023 đến 14/6/2024",
            "Số liệu tính từ ngày 15/12/2023 đến ngày 14/6/2024",
            "(Từ ngày 15 tháng 12 năm 2023 đến ngày 14 tháng 6 năm 2024)",
            "từ 01/01/2024 đến 30/06/2024",
            "từ tháng 1 đến tháng 6 năm 2024",
        ] {
            assert_eq!(read(text).as_deref(), Some("2024-H1"), "{text}");
        }
        assert_eq!(
            read("từ 15/12/2023 đến 14/12/2024").as_deref(),
            Some("2024")
        );
        assert_eq!(
            read("từ 15/12/2023 đến 14/3/2024").as_deref(),
            Some("2024-Q1")
        );
        assert_eq!(
            read("từ 15/6/2024 đến 14/7/2024").as_deref(),
            Some("2024-07")
        );
        // The period the line names is what it states; its range only
        // shows the window counted.
        assert_eq!(
            read("Năm 2023 (từ 01/01/2023 đến 15/12/2023)").as_deref(),
            Some("2023")
        );
        assert_eq!(
            read("Quý I năm 2024 (từ ngày 15 tháng 12 năm 2023 đến ngày 14 tháng 3 năm 2024)")
                .as_deref(),
            Some("2024-Q1")
        );
        assert_eq!(
            read("Số liệu tính từ 01/01 đến 31/12/2023").as_deref(),
            Some("2023")
        );
        assert_eq!(
            read("BÁO CÁO KẾT QUẢ 6 THÁNG ĐẦU NĂM VÀ PHƯƠNG HƯỚNG 6 THÁNG CUỐI NĂM 2024")
                .as_deref(),
            Some("2024-H1")
        );
        // A sector's own window stays a range of its own.
        assert_eq!(
            read("từ 20/12/2023 đến 19/6/2024").as_deref(),
            Some("2023-12-20/2024-06-19")
        );
    }

    #[test]
    fn what_looks_like_a_period_but_cannot_be_read() {
        for text in [
            "Quý V/2024",
            "Quý 5 năm 2024",
            "Tháng 13/2024",
            "T13/2024",
            "Q5/2024",
            "Quý …/2024",
            "Quý ..... năm 2024",
            "Tháng …/2024",
            "từ ngày …/…/2023 đến ngày …/…/2024",
            "từ 31/02/2024 đến 14/6/2024",
            "từ 15/6/2024 đến 14/12/2023",
            "Kỳ báo cáo: Năm ……",
            "Kỳ báo cáo: đợt 2",
        ] {
            assert_eq!(read(text).as_deref(), Some("unreadable"), "{text}");
        }
    }

    #[test]
    fn text_that_states_no_period() {
        for text in [
            "Văn Bàn, ngày 15 tháng 12 năm 2023",
            "UBND XÃ MƯỜNG NẬM 2089",
            "Xã Nậm Mả",
            "Kính gửi quý cơ quan",
            "Quỹ phòng, chống thiên tai năm 2024 đã chi",
            "Đơn vị báo cáo",
            "Kỳ báo cáo:",
            "Kỳ báo cáo: ……………",
            "Thực hiện kỳ báo cáo",
            "Trẻ em dưới 6 tháng tuổi",
        ] {
            let got = read(text);
            // "Quỹ … năm 2024" states a year, never a quarter.
            assert!(
                got.is_none() || got.as_deref() == Some("2024"),
                "{text}: {got:?}"
            );
        }
        assert_eq!(read("Xã Nậm Mả"), None);
        assert_eq!(read("Văn Bàn, ngày 15 tháng 12 năm 2023"), None);
        // Times that are not the report's.
        assert_eq!(
            read("BÁO CÁO NĂM 2023 (số liệu tính đến hết tháng 11 năm 2023)").as_deref(),
            Some("2023")
        );
        assert_eq!(read("(So với cùng kỳ năm 2022)"), None);
        assert_eq!(
            read("Kế hoạch giai đoạn 2021-2025, định hướng đến năm 2030"),
            None
        );
        assert_eq!(read("Số liệu đến hết quý III năm 2024"), None);
        // A template's blank signature date, a reference to another paper.
        assert_eq!(read("Văn Bàn, ngày …… tháng …… năm 2023"), None);
        assert_eq!(
            read("(Kèm theo Công văn số …/UBND ngày … tháng … năm 2023 của UBND huyện)"),
            None
        );
        assert_eq!(
            read("(Kèm theo Quyết định số : 38/2005/QĐ-UBND ngày 23 tháng 9 năm 2005"),
            None
        );
    }

    #[test]
    fn a_yearless_period_takes_the_year_stated_elsewhere() {
        let lines = |texts: &[&str]| -> Vec<(String, Reading)> {
            texts
                .iter()
                .filter_map(|t| read_period(t).map(|r| (t.to_string(), r)))
                .collect()
        };
        let h2 = Stated::Named(Period::parse("2024-H2", PeriodKind::Half).unwrap());
        assert_eq!(
            combine(&lines(&[
                "BÁO CÁO NĂM 2024",
                "Kỳ báo cáo: 6 tháng cuối năm"
            ])),
            Statement::Stated(vec![h2, Stated::Named(Period::year(2024))])
        );
        assert_eq!(
            combine(&lines(&["Kỳ báo cáo: 6 tháng cuối năm"])),
            Statement::Unreadable("Kỳ báo cáo: 6 tháng cuối năm".into())
        );
        assert_eq!(combine(&lines(&["Xã Nậm Mả"])), Statement::Nothing);
    }
}
