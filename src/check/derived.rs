//! Derived columns: a value the form computes from its row's other values
//! ("So sánh (%)" = kỳ này / cùng kỳ × 100) is computed again from the
//! figures the commune sent, and the commune's own figure is checked against
//! it (`derived-mismatch`). A computed value of nothing (a ratio over zero,
//! a blank input) checks nothing.

use polars::prelude::*;

use crate::model::finding::{Code, Finding};
use crate::model::frame::{Col, frame};
use crate::model::messages;
use crate::model::schema::{DerivedCheck, FieldDef, Schema};
use crate::model::submission::SubmissionData;
use crate::model::values::{Decimals, MAX_DECIMALS};

/// The derived values of one submission that disagree with its other values.
pub(super) fn check(schema: &Schema, data: &SubmissionData) -> Vec<Finding> {
    let derived: Vec<(&FieldDef, &DerivedCheck)> = schema
        .form_fields()
        .filter_map(|(_, f)| Some((f, f.column.as_ref()?.derived.as_ref()?)))
        .filter(|(f, _)| data.form.get(f.id()).is_some_and(|v| v.value.is_some()))
        .collect();
    if derived.is_empty() {
        return Vec::new();
    }
    let Ok(computed) = compute(schema, data, &derived) else {
        // The checker ran every expression at load; a failure here is the
        // engine's, and the value is left unchecked rather than guessed.
        return Vec::new();
    };
    derived
        .iter()
        .zip(computed)
        .filter_map(|((field, check), computed)| mismatch(field, check, data, computed?))
        .collect()
}

/// Evaluates the expressions over a one-row frame of the submission's form
/// values; a result that is not a finite number is `None`.
fn compute(
    schema: &Schema,
    data: &SubmissionData,
    derived: &[(&FieldDef, &DerivedCheck)],
) -> PolarsResult<Vec<Option<f64>>> {
    let cols: Vec<Col> = schema
        .form_fields()
        .map(|(_, f)| Col {
            name: f.id().to_string(),
            ty: f.ty,
            values: vec![data.form.get(f.id()).and_then(|v| v.value.clone())],
        })
        .collect();
    let exprs: Vec<Expr> = derived
        .iter()
        .enumerate()
        .map(|(i, (_, c))| {
            c.expr
                .clone()
                .cast(DataType::Float64)
                .alias(format!("d{i}"))
        })
        .collect();
    let out = frame(&cols, 1)?.lazy().select(exprs).collect()?;
    (0..derived.len())
        .map(|i| {
            let value = out.column(&format!("d{i}"))?.f64()?.get(0);
            Ok(value.filter(|v| v.is_finite()))
        })
        .collect()
}

fn mismatch(
    field: &FieldDef,
    check: &DerivedCheck,
    data: &SubmissionData,
    computed: f64,
) -> Option<Finding> {
    let sent = data.form.get(field.id())?;
    let seen = sent.value.as_ref()?.as_f64()?;
    // The commune rounds: 104,3 for 104,2857 is right, 104 for 104,9 is not.
    let written = Decimals::UpTo(MAX_DECIMALS).places(seen);
    let tolerance = check
        .tolerance
        .unwrap_or(0.5 * 10f64.powi(-i32::from(written)) + 1e-9);
    if (seen - computed).abs() <= tolerance {
        return None;
    }
    let label = field.label_in(crate::model::finding::Lang::Vi);
    Some(
        Finding::new(
            Code::DerivedMismatch,
            messages::derived_mismatch(
                &sent.source.a1(),
                &label,
                &check.readable,
                (seen, computed),
                field.decimals(),
            ),
        )
        .at(sent.source.location())
        .field(field.id())
        .value(sent.raw().into_owned()),
    )
}
