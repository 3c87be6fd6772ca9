//! Roll-ups: `build --period 2024` over a quarterly schema (or 2024-H1
//! over months or quarters) adds up the schema's periods from the history,
//! each field as its `rollup` says (`sum`, `last`, `max`, `average`). Each
//! unit becomes one accepted submission made from its periods; a unit
//! missing one of them is `rollup-period-missing` (an error: it is not
//! counted), never a zero.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::prior::{PastValues, form_values};
use super::{HistoryError, store};
use crate::config::Config;
use crate::model::finding::{Code, Finding, Msg};
use crate::model::messages;
use crate::model::period::Period;
use crate::model::schema::FieldDef;
use crate::model::schema::history::Rollup;
use crate::model::submission::{
    CheckResult, FieldValue, Sender, Source, Status, Submission, SubmissionData,
};
use crate::model::values::Value;

/// Is this build a roll-up (a period longer than the schema's)?
pub(crate) fn is_rollup(config: &Config) -> bool {
    config.period.kind != config.schema.period
}

/// The schema's periods that make up the build's, each with its values
/// from the history (`None` when the history lacks the period).
fn parts(config: &Config) -> Result<Vec<(Period, Option<PastValues>)>, HistoryError> {
    let root = store::folder(&config.project_dir);
    let mut out = Vec::new();
    for part in config.period.parts_of(config.schema.period) {
        let table = store::read(&root, config.schema.id(), &part.id())?;
        out.push((part, table.map(|t| form_values(&t, config))));
    }
    Ok(out)
}

/// Every numeric form field must say how it rolls up: adding up a stock
/// (establishments at the end of each quarter) would be a wrong figure.
fn undeclared(config: &Config) -> Vec<&FieldDef> {
    config
        .schema
        .form_fields()
        .map(|(_, f)| f)
        .filter(|f| f.ty.is_numeric() && f.rollup.is_none())
        .collect()
}

/// The check result of a roll-up: a submission per unit with any period.
pub fn check_result(config: &Config) -> Result<CheckResult, HistoryError> {
    if !config.inputs.is_empty() {
        let first = config.period.parts_of(config.schema.period);
        let example = first.first().map(Period::id).unwrap_or_default();
        return Err(HistoryError::Rollup(Msg::new(
            format!(
                "kỳ {} được cộng dồn từ lịch sử số liệu, không đọc tệp: hãy tổng hợp từng kỳ với tệp của kỳ đó trước (tonghop build --period {example} …)",
                config.period.id()
            ),
            format!(
                "{} is added up from the history and reads no files: build each period with its files first (tonghop build --period {example} …)",
                config.period.id()
            ),
        )));
    }
    let fields = undeclared(config);
    if !fields.is_empty() {
        let ids: Vec<&str> = fields.iter().map(|f| f.id()).collect();
        return Err(HistoryError::Rollup(Msg::new(
            format!(
                "không cộng dồn được kỳ {}: lược đồ chưa ghi `rollup` (sum, last, max, average) cho trường {}",
                config.period.id(),
                ids.join(", ")
            ),
            format!(
                "cannot roll up {}: the schema gives no `rollup` (sum, last, max, average) for field(s) {}",
                config.period.id(),
                ids.join(", ")
            ),
        )));
    }
    let parts = parts(config)?;
    let mut submissions = Vec::new();
    let mut missing_units = Vec::new();
    for (u, unit) in config.registry.units.iter().enumerate() {
        let present: Vec<&Period> = parts
            .iter()
            .filter(|(_, v)| v.as_ref().is_some_and(|v| v.contains_key(&unit.code)))
            .map(|(p, _)| p)
            .collect();
        if present.is_empty() {
            missing_units.push(u);
            continue;
        }
        submissions.push(unit_submission(config, u, &parts, &present));
    }
    Ok(CheckResult {
        submissions,
        missing_units,
    })
}

fn unit_submission(
    config: &Config,
    u: usize,
    parts: &[(Period, Option<PastValues>)],
    present: &[&Period],
) -> Submission {
    let code = &config.registry.units[u].code;
    let missing: Vec<Period> = parts
        .iter()
        .map(|(p, _)| p)
        .filter(|p| !present.contains(p))
        .cloned()
        .collect();
    let ids: Vec<String> = present.iter().map(|p| p.id()).collect();
    let file = format!("{}: {}", store::FOLDER, ids.join(" + "));
    let mut findings = Vec::new();
    if !missing.is_empty() {
        let seen: Vec<String> = missing.iter().map(Period::id).collect();
        findings.push(
            Finding::new(
                Code::RollupPeriodMissing,
                messages::rollup_period_missing(&config.period, &missing),
            )
            .value(seen.join(", ")),
        );
    }
    let unit_parts: Vec<Option<&std::collections::HashMap<String, Value>>> = parts
        .iter()
        .map(|(_, v)| v.as_ref().and_then(|v| v.get(code)))
        .collect();
    Submission {
        path: PathBuf::from(store::FOLDER),
        file,
        info: None,
        format: None,
        unit: Some(u),
        period: Some(config.period.clone()),
        status: if missing.is_empty() {
            Status::Accepted
        } else {
            Status::Rejected
        },
        findings,
        data: Some(SubmissionData {
            form: rolled_form(config, &unit_parts),
            lists: BTreeMap::new(),
            aggregates: BTreeMap::new(),
            // A roll-up's units are the registry's own: their attributes
            // are the registry's.
            unit_attributes: config.registry.units[u].attributes.clone(),
            parts: Vec::new(),
        }),
        resubmission: None,
        mail: None,
        sender: Sender::default(),
    }
}

/// Each form field rolled up over the unit's periods.
fn rolled_form(
    config: &Config,
    parts: &[Option<&std::collections::HashMap<String, Value>>],
) -> BTreeMap<String, FieldValue> {
    let mut form = BTreeMap::new();
    for (sheet, f) in config.schema.form_fields() {
        let values: Vec<Option<&Value>> = parts
            .iter()
            .map(|p| p.and_then(|p| p.get(f.id())))
            .collect();
        let value = match f.rollup {
            Some(rule) if f.ty.is_numeric() => {
                let numbers: Vec<Option<f64>> =
                    values.iter().map(|v| v.and_then(Value::as_f64)).collect();
                rule.apply(&numbers).map(|n| number(f, rule, n))
            }
            // Text, dates, choices and yes/no: as the last period says.
            _ => values.last().copied().flatten().cloned(),
        };
        let raw = value.as_ref().map(Value::display).unwrap_or_default();
        let source = Source {
            sheet: sheet.name.as_str().into(),
            row: 0,
            col: 0,
        };
        form.insert(f.id().to_string(), FieldValue::new(value, raw, source));
    }
    form
}

/// An integer field stays an integer when its roll-up is whole (an
/// average may not be).
fn number(f: &FieldDef, rule: Rollup, n: f64) -> Value {
    if f.ty == crate::model::schema::FieldType::Integer
        && n.fract() == 0.0
        && rule != Rollup::Average
    {
        Value::Int(n as i64)
    } else {
        Value::Num(n)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::period::Period;
    use crate::model::schema::PeriodKind;

    #[test]
    fn a_longer_period_is_made_of_the_schemas_periods() {
        let year = Period::longer_than("2024", PeriodKind::Quarter).unwrap();
        let ids: Vec<String> = year
            .parts_of(PeriodKind::Quarter)
            .iter()
            .map(Period::id)
            .collect();
        assert_eq!(ids, ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]);
        let half = Period::longer_than("2024-H1", PeriodKind::Month).unwrap();
        assert_eq!(half.parts_of(PeriodKind::Month).len(), 6);
        let half = Period::longer_than("2024-H2", PeriodKind::Quarter).unwrap();
        let ids: Vec<String> = half
            .parts_of(PeriodKind::Quarter)
            .iter()
            .map(Period::id)
            .collect();
        assert_eq!(ids, ["2024-Q3", "2024-Q4"]);
        // Not longer than the schema's own kind: no roll-up.
        assert!(Period::longer_than("2024-Q1", PeriodKind::Quarter).is_none());
        assert!(Period::longer_than("2024", PeriodKind::Year).is_none());
    }
}
