//! A past period's partition made into the frame consolidation computes
//! indicators from: one row per past unit, its form fields typed as the
//! schema says, under the code of the registry unit it now counts for (an
//! empty code when it counts only for the consolidating unit's total).

use std::collections::{BTreeSet, HashMap};

use polars::prelude::*;

use crate::config::Config;
use crate::model::frame::{Col, Columns, Out, frame};
use crate::model::period::Period;
use crate::model::schema::FieldType;
use crate::model::values::Value;

/// The machine spelling of the history's `value` column read back as the
/// field's type; `None` for what does not read (never a made-up zero).
pub(crate) fn typed(ty: FieldType, text: &str) -> Option<Value> {
    match ty {
        FieldType::Integer => text
            .parse::<i64>()
            .map(Value::Int)
            .ok()
            .or_else(|| text.parse::<f64>().ok().map(Value::Num)),
        FieldType::Number => text.parse::<f64>().ok().map(Value::Num),
        FieldType::YesNo => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        FieldType::Date => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(Value::Date),
        FieldType::Text | FieldType::Choice => Some(Value::Text(text.to_string())),
    }
}

/// Form values by past unit code, then field id.
pub(crate) type PastValues = HashMap<String, HashMap<String, Value>>;

/// The form values of a partition (list sheets are left out).
pub(crate) fn form_values(history: &DataFrame, config: &Config) -> PastValues {
    let cols = Columns::of(history);
    let mut out: PastValues = HashMap::new();
    for row in 0..history.height() {
        let text = |name: &str| match cols.get(name, row) {
            Out::Text(t) => Some(t),
            _ => None,
        };
        let (Some(unit), Some(field), Some(value)) =
            (text("unit_code"), text("field"), text("value"))
        else {
            continue;
        };
        let Some((sheet, def)) = config.schema.form_field(&field) else {
            continue;
        };
        if text("sheet_id").as_deref() != Some(sheet.id()) {
            continue;
        }
        if let Some(v) = typed(def.ty, &value) {
            out.entry(unit).or_default().insert(field, v);
        }
    }
    out
}

/// The frame of past rows: `unit_code` is the registry unit a past unit
/// counts for ("" for the total only), then each form field and aggregate,
/// then the past period's bounds.
pub(crate) fn frame_of(
    config: &Config,
    past: &PastValues,
    included: &BTreeSet<String>,
    targets: &HashMap<String, String>,
    period: &Period,
) -> PolarsResult<DataFrame> {
    let codes: Vec<&String> = included.iter().filter(|c| past.contains_key(*c)).collect();
    let mut cols = vec![Col::text(
        "unit_code",
        codes
            .iter()
            .map(|c| targets.get(*c).cloned().unwrap_or_default()),
    )];
    for (_, f) in config.schema.form_fields() {
        cols.push(Col {
            name: f.id().to_string(),
            ty: f.ty,
            values: codes
                .iter()
                .map(|c| past[*c].get(f.id()).cloned())
                .collect(),
        });
    }
    // Aggregates over list sheets are not kept in the history: an
    // indicator using one has no past figure rather than a wrong one.
    for (_, agg) in config.schema.aggregates() {
        cols.push(Col {
            name: agg.id.get_ref().clone(),
            ty: FieldType::Number,
            values: vec![None; codes.len()],
        });
    }
    for (name, date) in [
        ("period_start", period.start()),
        ("period_end", period.end()),
    ] {
        cols.push(Col {
            name: name.to_string(),
            ty: FieldType::Date,
            values: vec![Some(Value::Date(date)); codes.len()],
        });
    }
    frame(&cols, codes.len())
}
