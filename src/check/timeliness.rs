//! Whether each report came in by the deadline of `tonghop.toml`. A report
//! was received when its email was sent (the Date `tonghop mail` recorded),
//! else when its file was last modified. Days are Vietnam's (UTC+7, no
//! daylight saving), whatever the machine's time zone, so that the same
//! inputs give the same verdicts anywhere; a report received any time on the
//! deadline day is on time.

use std::time::SystemTime;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::config::Config;
use crate::model::finding::Lang;
use crate::model::submission::{CheckResult, Submission};

fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("a valid offset")
}

/// The deadline of the project, when one is set: "15/01/2024" or
/// "2024-01-15". A deadline that cannot be read is an error, never ignored:
/// every verdict depends on it.
pub fn deadline(config: &Config) -> anyhow::Result<Option<NaiveDate>> {
    let Some(text) = &config.deadline else {
        return Ok(None);
    };
    match parse_date(text) {
        Some(date) => Ok(Some(date)),
        None => anyhow::bail!(config.lang.pick(
            format!("hạn nộp “{text}” trong tonghop.toml không đọc được: hãy ghi dạng 15/01/2024"),
            format!("the deadline “{text}” in tonghop.toml cannot be read: write it as 15/01/2024"),
        )),
    }
}

/// When a report was received, in Vietnam's time: its email's Date, else
/// its file's modification time.
pub fn received(s: &Submission) -> Option<DateTime<FixedOffset>> {
    let from_mail = s.mail.as_ref().and_then(|m| m.date);
    let from_file = || {
        s.modified()
            .map(|t: SystemTime| DateTime::<chrono::Utc>::from(t).fixed_offset())
    };
    from_mail
        .or_else(from_file)
        .map(|t| t.with_timezone(&vietnam()))
}

/// On time or late, by how many days; unknown when the report's time is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    OnTime,
    Late { days: i64 },
}

pub fn verdict(received_at: DateTime<FixedOffset>, deadline: NaiveDate) -> Verdict {
    let day = received_at.with_timezone(&vietnam()).date_naive();
    if day <= deadline {
        Verdict::OnTime
    } else {
        Verdict::Late {
            days: (day - deadline).num_days(),
        }
    }
}

pub fn of(s: &Submission, deadline: NaiveDate) -> Option<Verdict> {
    received(s).map(|t| verdict(t, deadline))
}

/// Files on time and late (a file whose time is unknown is neither).
pub fn count(result: &CheckResult, deadline: NaiveDate) -> (usize, usize) {
    let verdicts: Vec<Verdict> = result
        .submissions
        .iter()
        .filter_map(|s| of(s, deadline))
        .collect();
    let on_time = verdicts.iter().filter(|v| **v == Verdict::OnTime).count();
    (on_time, verdicts.len() - on_time)
}

/// "đúng hạn" / "muộn 3 ngày".
pub fn label(v: Verdict, lang: Lang) -> String {
    match (v, lang) {
        (Verdict::OnTime, Lang::Vi) => "Đúng hạn".into(),
        (Verdict::OnTime, Lang::En) => "On time".into(),
        (Verdict::Late { days }, Lang::Vi) => format!("Muộn {days} ngày"),
        (Verdict::Late { days }, Lang::En) => format!("Late by {days} day(s)"),
    }
}

/// The summary line of the text report.
pub fn summary_line(result: &CheckResult, deadline: NaiveDate, lang: Lang) -> String {
    let (on_time, late) = count(result, deadline);
    let day = deadline.format("%d/%m/%Y");
    match lang {
        Lang::Vi => format!("Hạn nộp {day}: {on_time} tệp đúng hạn, {late} tệp muộn.\n"),
        Lang::En => format!("Deadline {day}: {on_time} file(s) on time, {late} late.\n"),
    }
}

/// The line under a submission's heading in the text report.
pub fn submission_line(s: &Submission, deadline: NaiveDate, lang: Lang) -> String {
    match received(s) {
        Some(t) => format!(
            "  {}: {} — {}\n",
            lang.pick("Nhận", "Received"),
            t.format("%d/%m/%Y %H:%M"),
            label(verdict(t, deadline), lang).to_lowercase()
        ),
        None => String::new(),
    }
}

/// "2023-12-31" or "31/12/2023".
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    #[test]
    fn the_deadline_day_is_vietnams() {
        let deadline = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
        assert_eq!(
            verdict(at("2024-01-15T23:59:00+07:00"), deadline),
            Verdict::OnTime
        );
        // 16:59 UTC on the 15th is 23:59 in Hà Nội: on time.
        assert_eq!(
            verdict(at("2024-01-15T16:59:00Z"), deadline),
            Verdict::OnTime
        );
        // 17:00 UTC on the 15th is already the 16th in Hà Nội.
        assert_eq!(
            verdict(at("2024-01-15T17:00:00Z"), deadline),
            Verdict::Late { days: 1 }
        );
        assert_eq!(
            verdict(at("2024-01-18T08:00:00+07:00"), deadline),
            Verdict::Late { days: 3 }
        );
    }
}
