//! Validate: read every located cell as its field's type, check required
//! values, ranges, choices, uniqueness and text formats (per file, in
//! parallel). The schema's aggregates and rules are `check::rules`, per run.
//! Returns the typed data and the findings; never aborts.

use std::collections::HashMap;
use std::sync::Arc;

use crate::check::locate::{Layout, ListPlace};
use crate::model::book::{Book, Cell};
use crate::model::finding::{Code, Finding, Msg};
use crate::model::messages;
use crate::model::schema::{FieldDef, Schema, SheetDef, TextFormat};
use crate::model::submission::{FieldValue, Fields, Record, Source, SubmissionData};
use crate::model::values::{Parsed, Value, parse_field};

struct CellCheck<'a> {
    field: &'a FieldDef,
    source: Source,
    cell: &'a Cell,
    sheet: &'a crate::model::book::Sheet,
}

/// Parses one cell and reports what is wrong with it.
fn read_cell(check: &CellCheck<'_>, findings: &mut Vec<Finding>, required: bool) -> Option<Value> {
    let field = check.field;
    let a1 = check.source.a1();
    let label = field.label_in(crate::model::finding::Lang::Vi);
    let at = |code: Code, msg: Msg| {
        Finding::new(code, msg)
            .at(check.source.location())
            .field(field.id())
    };
    let seen = check.cell.as_text();
    let value = match parse_field(check.cell, field) {
        Parsed::Missing => {
            if required {
                findings.push(at(
                    Code::ValueRequired,
                    messages::value_required(&a1, &label, field.ty.is_numeric()),
                ));
            }
            return None;
        }
        Parsed::Ok(v) => v,
        Parsed::Coerced(v, how) => {
            let shown = match &v {
                Value::Bool(b) => field.words.word(*b).to_string(),
                other => other.display(),
            };
            let msg = messages::coerced(&a1, &label, &seen, &shown, how);
            findings.push(at(Code::ValueCoerced, msg).value(seen.clone()));
            v
        }
        Parsed::Bad => {
            findings.push(at(Code::TypeError, messages::type_error(&a1, field, &seen)).value(seen));
            return None;
        }
        Parsed::NotAllowed(typed) => {
            findings.push(
                at(
                    Code::ValueNotAllowed,
                    messages::not_allowed(&a1, field, &typed),
                )
                .value(typed),
            );
            return None;
        }
        Parsed::FormulaError(e) => {
            findings
                .push(at(Code::FormulaError, messages::formula_error(&a1, &label, &e)).value(e));
            return None;
        }
        // A plain sum with no stored result is computed here, once.
        Parsed::Uncached(f) => match crate::check::formula::evaluate_sum(check.sheet, &f)
            .filter(|_| field.ty.is_numeric())
        {
            Some(n) => {
                let value =
                    if field.ty == crate::model::schema::FieldType::Integer && n.fract() == 0.0 {
                        Value::Int(n as i64)
                    } else {
                        Value::Num(n)
                    };
                let msg = messages::coerced(
                    &a1,
                    &label,
                    &format!("={f}"),
                    &value.display(),
                    crate::model::values::Leniency::FormulaEvaluated,
                );
                findings.push(at(Code::ValueCoerced, msg).value(format!("={f}")));
                value
            }
            None => {
                findings.push(
                    at(
                        Code::FormulaUncached,
                        messages::formula_uncached(&a1, &label, &f),
                    )
                    .value(format!("={f}")),
                );
                return None;
            }
        },
    };
    check_range(check, &value, findings);
    check_text_format(check, &value, findings);
    Some(value)
}

fn check_range(check: &CellCheck<'_>, value: &Value, findings: &mut Vec<Finding>) {
    let field = check.field;
    let Some(n) = value.as_f64().filter(|_| field.ty.is_numeric()) else {
        return;
    };
    let a1 = check.source.a1();
    let label = field.label_in(crate::model::finding::Lang::Vi);
    let at = |code: Code, msg: Msg| {
        Finding::new(code, msg)
            .at(check.source.location())
            .field(field.id())
            .value(value.display())
    };
    if let Some(min) = field.min.filter(|m| n < *m) {
        findings.push(at(
            Code::ValueBelowMinimum,
            messages::below_minimum(&a1, &label, min, n),
        ));
    }
    if let Some(max) = field.max.filter(|m| n > *m) {
        findings.push(at(
            Code::ValueAboveMaximum,
            messages::above_maximum(&a1, &label, max, n),
        ));
    }
}

fn check_text_format(check: &CellCheck<'_>, value: &Value, findings: &mut Vec<Finding>) {
    use validator::{ValidateEmail, ValidateLength, ValidateUrl};
    let Value::Text(text) = value else { return };
    let field = check.field;
    let a1 = check.source.a1();
    let label = field.label_in(crate::model::finding::Lang::Vi);
    let bad = |vi: &str, en: &str| {
        Finding::new(
            Code::ValueInvalidFormat,
            messages::invalid_format(&a1, &label, text, vi, en),
        )
        .at(check.source.location())
        .field(field.id())
        .value(text.clone())
    };
    match field.format {
        Some(TextFormat::Email) if !text.validate_email() => {
            findings.push(bad("địa chỉ thư điện tử", "an email address"))
        }
        Some(TextFormat::Url) if !text.validate_url() => {
            findings.push(bad("địa chỉ trang web", "a web address"))
        }
        _ => {}
    }
    if let Some(max) = field.max_length
        && !text.validate_length(None, Some(max), None)
    {
        findings.push(bad(
            &format!("dài tối đa {max} ký tự"),
            &format!("at most {max} characters long"),
        ));
    }
}

/// Reads and checks the cells of one located submission. Its aggregates and
/// rules are evaluated later, for all submissions at once (`rules::evaluate`).
pub fn validate(book: &Book, layout: &Layout, schema: &Schema) -> (SubmissionData, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut data = SubmissionData::default();

    for place in &layout.forms {
        let def = &schema.sheets[place.def];
        let sheet = &book.sheets[place.sheet];
        let sheet_name: Arc<str> = Arc::from(sheet.name.as_str());
        for field in &def.fields {
            let (Some(&row), Some(col)) = (place.rows.get(field.id()), place.col_of(field)) else {
                continue;
            };
            let source = Source {
                sheet: sheet_name.clone(),
                row,
                col,
            };
            let check = CellCheck {
                field,
                source: source.clone(),
                cell: sheet.get(row, col),
                sheet,
            };
            let value = read_cell(
                &check,
                &mut findings,
                field.required && field.required_when.is_none(),
            );
            let raw = check.cell.as_text();
            data.form
                .insert(field.id().to_string(), FieldValue { value, raw, source });
        }
    }
    for place in &layout.lists {
        let def = &schema.sheets[place.def];
        let records = read_list(book, place, def, &mut findings);
        data.lists.insert(def.id().to_string(), records);
    }
    findings.extend(crate::check::derived::check(schema, &data));

    (data, findings)
}

fn read_list(
    book: &Book,
    place: &ListPlace,
    def: &SheetDef,
    findings: &mut Vec<Finding>,
) -> Vec<Record> {
    let sheet = &book.sheets[place.sheet];
    let mut records = Vec::with_capacity(place.rows.len());
    let mut seen: HashMap<&str, HashMap<String, String>> = HashMap::new();
    // Names shared by every record instead of copied into each.
    let sheet_name: Arc<str> = Arc::from(sheet.name.as_str());
    let ids: HashMap<&str, Arc<str>> = def
        .fields
        .iter()
        .map(|f| (f.id(), Arc::from(f.id())))
        .collect();
    for &row in &place.rows {
        let mut values = Fields::with_capacity(place.cols.len());
        for field in &def.fields {
            let Some(&col) = place.cols.get(field.id()) else {
                continue;
            };
            let source = Source {
                sheet: sheet_name.clone(),
                row,
                col,
            };
            let check = CellCheck {
                field,
                source: source.clone(),
                cell: sheet.get(row, col),
                sheet,
            };
            let value = read_cell(
                &check,
                findings,
                field.required && field.required_when.is_none(),
            );
            if field.unique
                && let Some(v) = &value
            {
                let key = crate::model::text::label_key(&v.display());
                let firsts = seen.entry(field.id()).or_default();
                match firsts.get(&key) {
                    Some(first) => findings.push(
                        Finding::new(
                            Code::ValueNotUnique,
                            messages::not_unique(&source.a1(), &field.label, &v.display(), first),
                        )
                        .at(source.location())
                        .field(field.id())
                        .value(v.display()),
                    ),
                    None => {
                        firsts.insert(key, source.a1());
                    }
                }
            }
            let raw = check.cell.as_text();
            values.insert(ids[field.id()].clone(), FieldValue { value, raw, source });
        }
        records.push(Record {
            sheet: sheet_name.clone(),
            row,
            values,
        });
    }
    records
}
