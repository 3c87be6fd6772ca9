//! What the check makes of each file and of the whole run: a `Submission`
//! (status, findings, typed data, provenance by email) per file and the
//! `CheckResult` of a run. Built by `check`, read by `consolidate`,
//! `output` and the commands.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, FixedOffset};

use crate::model::book::{Cell, FileInfo, Format};
use crate::model::finding::{Finding, Lang, Location, Severity};
use crate::model::period::Period;
use crate::model::values::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Accepted,
    Rejected,
    Superseded,
    /// Sent from an address the registry does not give the unit: not
    /// counted until staff confirm the sender (`--accept-sender`, or the
    /// address added to the registry).
    Held,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Superseded => "superseded",
            Status::Held => "held",
        }
    }

    /// The status as a table cell shows it (workbook sheets).
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Status::Accepted => lang.pick("Đã nộp, hợp lệ", "Accepted"),
            Status::Rejected => lang.pick("Bị loại", "Rejected"),
            Status::Superseded => lang.pick("Đã có bản mới hơn", "Superseded"),
            Status::Held => lang.pick(
                "Tạm giữ — chờ xác nhận người gửi",
                "Held — sender not confirmed",
            ),
        }
    }

    /// The status as the text report's heading of a file shows it.
    pub fn headline(self, lang: Lang) -> &'static str {
        match self {
            Status::Accepted => lang.pick("ĐẠT", "ACCEPTED"),
            Status::Rejected => lang.pick("BỊ LOẠI", "REJECTED"),
            Status::Superseded => lang.pick("ĐÃ CÓ BẢN MỚI HƠN", "SUPERSEDED"),
            Status::Held => lang.pick(
                "TẠM GIỮ — CHỜ XÁC NHẬN NGƯỜI GỬI",
                "HELD — SENDER NOT CONFIRMED",
            ),
        }
    }
}

/// A registry unit's standing in a run: what it sent, summed over its files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitStatus {
    Accepted,
    Rejected,
    /// Only files from a sender not yet confirmed: no confirmed report.
    Held,
    NotReceived,
}

impl UnitStatus {
    /// The unit's standing as the workbook's status columns show it.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            UnitStatus::Accepted => lang.pick("Đã nộp", "Accepted"),
            UnitStatus::Rejected => lang.pick("Bị loại", "Rejected"),
            UnitStatus::Held => lang.pick(
                "Tạm giữ — chờ xác nhận người gửi",
                "Held — sender not confirmed",
            ),
            UnitStatus::NotReceived => lang.pick("Chưa nộp", "Not received"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Submission {
    pub path: PathBuf,
    /// The path as shown in reports.
    pub file: String,
    pub info: Option<FileInfo>,
    pub format: Option<Format>,
    /// Index into the registry.
    pub unit: Option<usize>,
    pub period: Option<Period>,
    pub status: Status,
    pub findings: Vec<Finding>,
    pub data: Option<SubmissionData>,
    /// For the newest of several files of a unit: what changed since the
    /// previous one.
    pub resubmission: Option<Resubmission>,
    /// The email it came in, when `tonghop mail` saved it.
    pub mail: Option<crate::model::submission::MailMeta>,
    /// Whether its sender is one the registry gives its unit.
    pub sender: crate::model::submission::Sender,
}

/// One value that differs between a unit's previous and newest file.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Change {
    pub field: String,
    pub sheet: Option<String>,
    pub cell: Option<String>,
    pub old: String,
    pub new: String,
}

/// How a newer file differs from the one it replaces.
#[derive(Clone, Debug, PartialEq)]
pub struct Resubmission {
    pub previous: String,
    pub changes: Vec<Change>,
    /// Problems of the previous file that are gone ("code field/rule").
    pub fixed: Vec<String>,
    /// Errors the newer file has that the previous one had not.
    pub new_errors: Vec<String>,
    /// Warnings the newer file has that the previous one had not.
    pub new_warnings: Vec<String>,
}

impl Resubmission {
    /// Every problem the newer file brought, errors first.
    pub fn new_problems(&self) -> Vec<String> {
        self.new_errors
            .iter()
            .chain(&self.new_warnings)
            .cloned()
            .collect()
    }
}

impl Submission {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn modified(&self) -> Option<SystemTime> {
        self.info.as_ref().and_then(|i| i.modified)
    }
}

#[derive(Debug)]
pub struct CheckResult {
    pub submissions: Vec<Submission>,
    /// Registry indices of units with no file at all.
    pub missing_units: Vec<usize>,
}

impl CheckResult {
    pub fn has_errors(&self) -> bool {
        self.submissions
            .iter()
            .any(|s| s.findings.iter().any(Finding::is_error))
    }

    /// The accepted submission of each unit, in registry order.
    pub fn accepted_by_unit(&self, units: usize) -> Vec<Option<&Submission>> {
        let mut out = vec![None; units];
        for s in &self.submissions {
            if let (Status::Accepted, Some(u)) = (s.status, s.unit) {
                out[u] = Some(s);
            }
        }
        out
    }

    /// Each registry unit's standing, in registry order: accepted, held
    /// (only files from a sender not confirmed), rejected or not received.
    pub fn unit_statuses(&self, units: usize) -> Vec<UnitStatus> {
        let accepted = self.accepted_by_unit(units);
        let sent = units_sent(&self.submissions, units);
        // Units that sent some file not held for its sender.
        let confirmed = units_sent_where(&self.submissions, units, |s| s.status != Status::Held);
        (0..units)
            .map(|u| {
                if accepted[u].is_some() {
                    UnitStatus::Accepted
                } else if sent[u] && !confirmed[u] {
                    UnitStatus::Held
                } else if sent[u] {
                    UnitStatus::Rejected
                } else {
                    UnitStatus::NotReceived
                }
            })
            .collect()
    }
}

/// Which registry units sent at least one file.
pub(crate) fn units_sent(submissions: &[Submission], units: usize) -> Vec<bool> {
    units_sent_where(submissions, units, |_| true)
}

/// Which registry units sent at least one file that `counts`.
fn units_sent_where(
    submissions: &[Submission],
    units: usize,
    counts: impl Fn(&Submission) -> bool,
) -> Vec<bool> {
    let mut sent = vec![false; units];
    for u in submissions
        .iter()
        .filter(|s| counts(s))
        .filter_map(|s| s.unit)
    {
        sent[u] = true;
    }
    sent
}

/// Where a value came from. The sheet's name is shared by every value read
/// from it (a list sheet can hold millions).
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub sheet: Arc<str>,
    pub row: u32,
    pub col: u32,
}

impl Source {
    pub fn location(&self) -> Location {
        Location::cell(&self.sheet, self.row, self.col)
    }

    /// "D14", as `Location::a1` spells it.
    pub fn a1(&self) -> String {
        let mut out = String::with_capacity(8);
        self.push_a1(&mut out);
        out
    }

    /// "Biểu 01!D14": the sheet and the cell, as the tidy table names a
    /// value's cell (spelt once per value of a list, so in one string).
    pub(crate) fn cell_ref(&self) -> String {
        let mut out = String::with_capacity(self.sheet.len() + 9);
        out.push_str(&self.sheet);
        out.push('!');
        self.push_a1(&mut out);
        out
    }

    fn push_a1(&self, out: &mut String) {
        use std::fmt::Write as _;
        crate::model::finding::push_column_name(self.col, out);
        let _ = write!(out, "{}", u64::from(self.row) + 1);
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldValue {
    pub value: Option<Value>,
    /// What the cell showed, as typed, when it is not what the value shows
    /// (`raw`): most cells show their value, and a list of a million values
    /// need not hold each text twice.
    typed: Option<Box<str>>,
    pub source: Source,
}

impl FieldValue {
    /// A value read from a cell that showed `raw`.
    pub fn new(value: Option<Value>, raw: String, source: Source) -> Self {
        let shown = match &value {
            Some(Value::Text(t)) => *t == raw,
            Some(v) => v.display() == raw,
            None => false,
        };
        FieldValue {
            value,
            typed: (!shown).then(|| raw.into_boxed_str()),
            source,
        }
    }

    /// A value read from `cell`: `new` with what the cell showed, spelt
    /// only when it may differ from what the value shows (a long list's
    /// texts, dates and numbers mostly show their value).
    pub(crate) fn from_cell(value: Option<Value>, cell: &Cell, source: Source) -> Self {
        let shown = match (&value, cell) {
            (Some(Value::Text(t)), Cell::Text(c)) => t == c,
            (Some(Value::Date(a)), Cell::Date(b)) => a == b,
            (Some(Value::Int(i)), Cell::Number(n)) => {
                n.fract() == 0.0 && n.abs() < 1e15 && *n as i64 == *i
            }
            (Some(Value::Num(x)), Cell::Number(n)) => x.to_bits() == n.to_bits(),
            _ => false,
        };
        if shown {
            FieldValue {
                value,
                typed: None,
                source,
            }
        } else {
            FieldValue::new(value, cell.as_text(), source)
        }
    }

    /// What the cell showed, as typed.
    pub fn raw(&self) -> std::borrow::Cow<'_, str> {
        match (&self.typed, &self.value) {
            (Some(typed), _) => std::borrow::Cow::Borrowed(typed),
            (None, Some(Value::Text(t))) => std::borrow::Cow::Borrowed(t),
            (None, Some(v)) => std::borrow::Cow::Owned(v.display()),
            (None, None) => std::borrow::Cow::Borrowed(""),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The sheet's name, shared by every record read from it.
    pub sheet: Arc<str>,
    pub row: u32,
    /// Field id → value and the cell it came from.
    pub values: Fields,
}

/// A list record's values by field id, in id order. A record has a handful
/// of fields and a list can have hundreds of thousands of records: a sorted
/// vector with shared ids costs a fraction of a map with a node and a key
/// string per record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields(Vec<(Arc<str>, FieldValue)>);

impl Fields {
    pub fn with_capacity(n: usize) -> Self {
        Fields(Vec::with_capacity(n))
    }

    fn find(&self, id: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| (**k).cmp(id))
    }

    pub fn get(&self, id: &str) -> Option<&FieldValue> {
        self.find(id).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.find(id).is_ok()
    }

    /// Sets a field's value; returns the value it replaces.
    pub fn insert(&mut self, id: Arc<str>, value: FieldValue) -> Option<FieldValue> {
        match self.find(&id) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (id, value));
                None
            }
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The field ids, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| &**k)
    }

    /// (id, value) in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &FieldValue)> {
        self.into_iter()
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = (&'a str, &'a FieldValue);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Arc<str>, FieldValue)>,
        fn(&'a (Arc<str>, FieldValue)) -> (&'a str, &'a FieldValue),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (&**k, v))
    }
}

impl FromIterator<(Arc<str>, FieldValue)> for Fields {
    fn from_iter<I: IntoIterator<Item = (Arc<str>, FieldValue)>>(iter: I) -> Self {
        let mut fields = Fields::default();
        for (id, value) in iter {
            fields.insert(id, value);
        }
        fields
    }
}

impl std::ops::Index<&str> for Fields {
    type Output = FieldValue;

    fn index(&self, id: &str) -> &FieldValue {
        self.get(id)
            .unwrap_or_else(|| panic!("no field “{id}” in the record"))
    }
}

/// Everything read from one submission, typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SubmissionData {
    pub form: BTreeMap<String, FieldValue>,
    /// List sheet id → records (absent when the sheet was not found).
    pub lists: BTreeMap<String, Vec<Record>>,
    /// Aggregate id → value.
    pub aggregates: BTreeMap<String, Option<f64>>,
    /// The schema's unit attributes (dân số …) of the registry entry the
    /// file was identified as; empty for an unidentified file.
    pub unit_attributes: BTreeMap<String, Option<f64>>,
    /// When the file is a lower level's build output (a district's data
    /// table, for its province): what each unit below it reported, with
    /// the file and cells it came from. Empty for a unit's own report.
    pub parts: Vec<Part>,
}

/// One unit's accepted report inside a lower level's build output: a
/// commune in its district's data table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Part {
    pub unit_code: String,
    pub unit_name: String,
    /// The commune's file as the district's build named it.
    pub file: String,
    pub data: SubmissionData,
}

/// Where a checked file came from, when `tonghop mail` saved it.
#[derive(Clone, Debug, PartialEq)]
pub struct MailMeta {
    pub from: String,
    pub to: Vec<String>,
    pub date: Option<DateTime<FixedOffset>>,
    pub subject: String,
    pub message_id: String,
    pub original_name: String,
}

impl MailMeta {
    /// "15/12/2023 09:30", in the sender's time zone.
    pub fn date_text(&self) -> String {
        self.date
            .map(|d| d.format("%d/%m/%Y %H:%M").to_string())
            .unwrap_or_default()
    }

    /// The date as RFC 3339, for the JSON report.
    pub fn date_rfc3339(&self) -> Option<String> {
        self.date.map(|d| d.to_rfc3339())
    }
}

/// What the registry says about who sent a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sender {
    /// Not saved by `tonghop mail`, or nothing to compare with: the registry
    /// lists no address for the file's unit, or the unit is not known.
    #[default]
    Unchecked,
    /// One of the addresses the registry gives the file's unit.
    Registered,
    /// Not the unit's address, but accepted by staff (`--accept-sender`).
    AcceptedByStaff,
    /// An address in no unit's entry, for a unit that has addresses: the
    /// file is held until staff confirm the sender.
    Unregistered,
    /// An address the registry gives another unit.
    OtherUnit,
}

impl Sender {
    /// Whether the file may count for its unit and replace the unit's other
    /// files: a file from a stranger never replaces the unit's own.
    pub fn is_confirmed(self) -> bool {
        !matches!(self, Sender::Unregistered | Sender::OtherUnit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(unit: usize, status: Status) -> Submission {
        Submission {
            path: PathBuf::from("a.xlsx"),
            file: "a.xlsx".into(),
            info: None,
            format: None,
            unit: Some(unit),
            period: None,
            status,
            findings: Vec::new(),
            data: None,
            resubmission: None,
            mail: None,
            sender: Sender::default(),
        }
    }

    #[test]
    fn a_unit_with_only_held_files_is_held() {
        let result = CheckResult {
            submissions: vec![
                file(0, Status::Accepted),
                file(1, Status::Held),
                file(2, Status::Held),
                file(2, Status::Rejected),
                file(0, Status::Superseded),
            ],
            missing_units: vec![3],
        };
        assert_eq!(
            result.unit_statuses(4),
            [
                UnitStatus::Accepted,
                UnitStatus::Held,
                UnitStatus::Rejected,
                UnitStatus::NotReceived
            ]
        );
    }

    fn fv(text: &str, col: u32) -> FieldValue {
        FieldValue::new(
            Some(Value::Text(text.into())),
            text.into(),
            Source {
                sheet: "Biểu 02".into(),
                row: 3,
                col,
            },
        )
    }

    #[test]
    fn a_source_is_spelt_as_its_location() {
        for (row, col) in [
            (0, 0),
            (13, 3),
            (9, 25),
            (99, 26),
            (0, 701),
            (7, 702),
            (u32::MAX - 1, 16_383),
        ] {
            let source = Source {
                sheet: "Biểu 01".into(),
                row,
                col,
            };
            let a1 = source.location().a1().unwrap();
            assert_eq!(source.a1(), a1);
            assert_eq!(source.cell_ref(), format!("Biểu 01!{a1}"));
        }
    }

    #[test]
    fn a_value_keeps_what_its_cell_showed() {
        let at = Source {
            sheet: "Biểu 01".into(),
            row: 1,
            col: 2,
        };
        let cases = [
            (Some(Value::Int(12)), "12"),
            (Some(Value::Int(1200)), "1.200"),
            (Some(Value::Num(2.5)), "2,5"),
            (Some(Value::Bool(true)), "Có"),
            (Some(Value::Bool(true)), "x"),
            (Some(Value::Text("Thôn 1".into())), "Thôn 1"),
            (Some(Value::Text("Thôn 1".into())), " Thôn 1 "),
            (None, "abc"),
            (None, ""),
        ];
        for (value, raw) in cases {
            let fv = FieldValue::new(value.clone(), raw.to_string(), at.clone());
            assert_eq!(fv.raw(), raw);
            assert_eq!(fv.value, value);
        }
        // Kept only where it differs from what the value shows.
        let same = FieldValue::new(Some(Value::Int(12)), "12".into(), at.clone());
        assert!(same.typed.is_none());
        let differs = FieldValue::new(Some(Value::Int(12)), "12,0".into(), at.clone());
        assert_eq!(differs.typed.as_deref(), Some("12,0"));
    }

    #[test]
    fn a_value_from_its_cell_is_the_value_with_the_cells_text() {
        let at = Source {
            sheet: "Biểu 02".into(),
            row: 4,
            col: 1,
        };
        let date = chrono::NaiveDate::from_ymd_opt(2023, 3, 15).unwrap();
        let cases = [
            (
                Some(Value::Text("Thôn 1".into())),
                Cell::Text("Thôn 1".into()),
            ),
            (
                Some(Value::Text("Thôn 1".into())),
                Cell::Text("Thôn  1 ".into()),
            ),
            (Some(Value::Date(date)), Cell::Date(date)),
            (Some(Value::Date(date)), Cell::Text("15/3/2023".into())),
            (Some(Value::Bool(true)), Cell::Text("Có".into())),
            (Some(Value::Bool(false)), Cell::Text("x".into())),
            (Some(Value::Int(12)), Cell::Number(12.0)),
            (Some(Value::Int(-0)), Cell::Number(-0.0)),
            (Some(Value::Int(12)), Cell::Number(12.5)),
            (Some(Value::Num(0.1)), Cell::Number(0.1)),
            (Some(Value::Num(2e20)), Cell::Number(2e20)),
            (Some(Value::Text("12".into())), Cell::Number(12.0)),
            (None, Cell::Error("#REF!".into())),
            (None, Cell::Empty),
        ];
        for (value, cell) in cases {
            let quick = FieldValue::from_cell(value.clone(), &cell, at.clone());
            let plain = FieldValue::new(value, cell.as_text(), at.clone());
            assert_eq!(quick, plain, "{cell:?}");
        }
    }

    #[test]
    fn record_fields_are_kept_in_id_order_and_found_by_id() {
        let mut fields: Fields = [
            ("ten".into(), fv("Nhà nghỉ A", 1)),
            ("dia_chi".into(), fv("Thôn 1", 2)),
        ]
        .into_iter()
        .collect();
        assert_eq!(fields.keys().collect::<Vec<_>>(), ["dia_chi", "ten"]);
        assert_eq!(fields["ten"].raw(), "Nhà nghỉ A");
        assert!(fields.contains_key("dia_chi") && !fields.contains_key("loai"));
        assert_eq!(fields.get("loai"), None);
        let old = fields.insert("ten".into(), fv("Nhà nghỉ B", 1));
        assert_eq!(
            old.map(|v| v.raw().into_owned()),
            Some("Nhà nghỉ A".to_string())
        );
        assert_eq!(fields.len(), 2);
        let seen: Vec<(&str, u32)> = fields.iter().map(|(k, v)| (k, v.source.col)).collect();
        assert_eq!(seen, [("dia_chi", 2), ("ten", 1)]);
    }
}
