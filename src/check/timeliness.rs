//! Whether each report came in by the deadline of `tonghop.toml`. A report
//! was received when its email was sent (the Date `tonghop mail` recorded),
//! else when its file was last modified. Days are Vietnam's (UTC+7, no
//! daylight saving), whatever the machine's time zone, so that the same
//! inputs give the same verdicts anywhere; a report received any time on the
//! deadline day is on time.

use std::time::SystemTime;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use crate::model::finding::Lang;
use crate::model::submission::{CheckResult, Submission};

fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("a valid offset")
}

/// Today's date in Vietnam, whatever the machine's time zone.
pub(crate) fn today() -> NaiveDate {
    day_in_vietnam(Utc::now())
}

fn day_in_vietnam(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&vietnam()).date_naive()
}

/// A moment (a file's modification time) in Vietnam's time.
pub(crate) fn in_vietnam(t: SystemTime) -> DateTime<FixedOffset> {
    DateTime::<Utc>::from(t).with_timezone(&vietnam())
}

/// When a report was received, in Vietnam's time: its email's Date, else
/// its file's modification time.
pub(crate) fn received(s: &Submission) -> Option<DateTime<FixedOffset>> {
    let from_mail = s.mail.as_ref().and_then(|m| m.date);
    from_mail
        .map(|t| t.with_timezone(&vietnam()))
        .or_else(|| s.modified().map(in_vietnam))
}

/// A moment as the reports and the workbook show it: "21/01/2024 07:00".
pub(crate) fn time_text(t: DateTime<FixedOffset>) -> String {
    t.format("%d/%m/%Y %H:%M").to_string()
}

/// On time or late, by how many days; unknown when the report's time is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    OnTime,
    Late { days: i64 },
}

pub(crate) fn verdict(received_at: DateTime<FixedOffset>, deadline: NaiveDate) -> Verdict {
    let day = received_at.with_timezone(&vietnam()).date_naive();
    if day <= deadline {
        Verdict::OnTime
    } else {
        Verdict::Late {
            days: (day - deadline).num_days(),
        }
    }
}

pub(crate) fn of(s: &Submission, deadline: NaiveDate) -> Option<Verdict> {
    received(s).map(|t| verdict(t, deadline))
}

/// Files on time and late (a file whose time is unknown is neither).
pub(crate) fn count(result: &CheckResult, deadline: NaiveDate) -> (usize, usize) {
    let verdicts: Vec<Verdict> = result
        .submissions
        .iter()
        .filter_map(|s| of(s, deadline))
        .collect();
    let on_time = verdicts.iter().filter(|v| **v == Verdict::OnTime).count();
    (on_time, verdicts.len() - on_time)
}

/// "đúng hạn" / "muộn 3 ngày".
pub(crate) fn label(v: Verdict, lang: Lang) -> String {
    match (v, lang) {
        (Verdict::OnTime, Lang::Vi) => "Đúng hạn".into(),
        (Verdict::OnTime, Lang::En) => "On time".into(),
        (Verdict::Late { days }, Lang::Vi) => format!("Muộn {days} ngày"),
        (Verdict::Late { days }, Lang::En) => format!("Late by {days} day(s)"),
    }
}

/// The summary line of the text report.
pub(crate) fn summary_line(result: &CheckResult, deadline: NaiveDate, lang: Lang) -> String {
    let (on_time, late) = count(result, deadline);
    let day = deadline.format("%d/%m/%Y");
    match lang {
        Lang::Vi => format!("Hạn nộp {day}: {on_time} tệp đúng hạn, {late} tệp muộn.\n"),
        Lang::En => format!("Deadline {day}: {on_time} file(s) on time, {late} late.\n"),
    }
}

/// The line under a submission's heading in the text report.
pub(crate) fn submission_line(s: &Submission, deadline: NaiveDate, lang: Lang) -> String {
    match received(s) {
        Some(t) => format!(
            "  {}: {} — {}\n",
            lang.pick("Nhận", "Received"),
            time_text(t),
            label(verdict(t, deadline), lang).to_lowercase()
        ),
        None => String::new(),
    }
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

    #[test]
    fn today_is_vietnams_day() {
        let utc = |text: &str| DateTime::parse_from_rfc3339(text).unwrap().to_utc();
        // 17:00 UTC on 30 June is already 1 July in Hà Nội.
        assert_eq!(
            day_in_vietnam(utc("2025-06-30T17:00:00Z")),
            NaiveDate::from_ymd_opt(2025, 7, 1).unwrap()
        );
        assert_eq!(
            day_in_vietnam(utc("2025-06-30T16:59:00Z")),
            NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()
        );
    }
}
