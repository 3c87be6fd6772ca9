//! Reporting periods: a year, a half, a quarter or a month. The configured
//! period decides which files belong to the run; a file that states another
//! one is refused.

use chrono::NaiveDate;

use crate::i18n::tr;
use crate::schema::PeriodKind;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub kind: PeriodKind,
    pub year: i32,
    /// Half 1–2, quarter 1–4 or month 1–12; 0 for a year.
    pub part: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("{}", tr(
    &format!("kỳ báo cáo “{text}” không hợp lệ; cần dạng {expected}"),
    &format!("invalid period “{text}”; expected {expected}")))]
pub struct PeriodError {
    pub text: String,
    pub expected: &'static str,
}

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

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

    pub fn label(&self, lang: crate::finding::Lang) -> String {
        match lang {
            crate::finding::Lang::Vi => self.label_vi(),
            crate::finding::Lang::En => self.label_en(),
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
        let start = self.start();
        start
            .checked_add_months(chrono::Months::new(months))
            .and_then(|d| d.pred_opt())
            .expect("valid period end")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
