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
    let value = parse_cell(check, findings, required)?;
    check_range(check, &value, findings);
    check_text_format(check, &value, findings);
    Some(value)
}

/// A finding about this cell's field, at this cell.
fn cell_finding(check: &CellCheck<'_>, code: Code, msg: Msg) -> Finding {
    Finding::new(code, msg)
        .at(check.source.location())
        .field(check.field.id())
}

/// The cell's value as its field's type, with a finding whenever it was
/// not read as written (missing, repaired, refused or computed here): the
/// officer must see every figure the tool did not take at face value. The
/// texts of a finding (the cell's A1 name, the label, what it showed) are
/// made only for a finding: most cells of a long list raise none.
fn parse_cell(check: &CellCheck<'_>, findings: &mut Vec<Finding>, required: bool) -> Option<Value> {
    let field = check.field;
    let a1 = || check.source.a1();
    let label = || field.label_in(crate::model::finding::Lang::Vi);
    let at = |code: Code, msg: Msg| cell_finding(check, code, msg);
    let seen = || check.cell.as_text();
    match parse_field(check.cell, field) {
        Parsed::Missing => {
            if required {
                findings.push(at(
                    Code::ValueRequired,
                    messages::value_required(&a1(), &label(), field.ty.is_numeric()),
                ));
            }
            None
        }
        Parsed::Ok(v) => Some(v),
        Parsed::Coerced(v, how) => {
            let shown = match &v {
                Value::Bool(b) => field.words.word(*b).to_string(),
                other => other.display(),
            };
            let seen = seen();
            let msg = messages::coerced(&a1(), &label(), &seen, &shown, how);
            findings.push(at(Code::ValueCoerced, msg).value(seen));
            Some(v)
        }
        Parsed::Bad => {
            let seen = seen();
            findings
                .push(at(Code::TypeError, messages::type_error(&a1(), field, &seen)).value(seen));
            None
        }
        Parsed::NotAllowed(typed) => {
            let msg = messages::not_allowed(&a1(), field, &typed);
            findings.push(at(Code::ValueNotAllowed, msg).value(typed));
            None
        }
        Parsed::FormulaError(e) => {
            let msg = messages::formula_error(&a1(), &label(), &e);
            findings.push(at(Code::FormulaError, msg).value(e));
            None
        }
        Parsed::Uncached(f) => read_uncached_sum(check, &f, findings),
    }
}

/// A plain sum with no stored result is computed here, once, and said so;
/// any other formula without a result is reported, never read as empty.
fn read_uncached_sum(check: &CellCheck<'_>, f: &str, findings: &mut Vec<Finding>) -> Option<Value> {
    let field = check.field;
    let a1 = check.source.a1();
    let label = field.label_in(crate::model::finding::Lang::Vi);
    let Some(n) =
        crate::check::formula::evaluate_sum(check.sheet, f).filter(|_| field.ty.is_numeric())
    else {
        let msg = messages::formula_uncached(&a1, &label, f);
        findings.push(cell_finding(check, Code::FormulaUncached, msg).value(format!("={f}")));
        return None;
    };
    let value = if field.ty == crate::model::schema::FieldType::Integer && n.fract() == 0.0 {
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
    findings.push(cell_finding(check, Code::ValueCoerced, msg).value(format!("={f}")));
    Some(value)
}

fn check_range(check: &CellCheck<'_>, value: &Value, findings: &mut Vec<Finding>) {
    let field = check.field;
    let Some(n) = value.as_f64().filter(|_| field.ty.is_numeric()) else {
        return;
    };
    let below = field.min.filter(|m| n < *m);
    let above = field.max.filter(|m| n > *m);
    if below.is_none() && above.is_none() {
        return;
    }
    let a1 = check.source.a1();
    let label = field.label_in(crate::model::finding::Lang::Vi);
    let at = |code: Code, msg: Msg| {
        Finding::new(code, msg)
            .at(check.source.location())
            .field(field.id())
            .value(value.display())
    };
    if let Some(min) = below {
        findings.push(at(
            Code::ValueBelowMinimum,
            messages::below_minimum(&a1, &label, min, n),
        ));
    }
    if let Some(max) = above {
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
    let bad = |vi: &str, en: &str| {
        let label = field.label_in(crate::model::finding::Lang::Vi);
        Finding::new(
            Code::ValueInvalidFormat,
            messages::invalid_format(&check.source.a1(), &label, text, vi, en),
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
pub(crate) fn validate(
    book: &Book,
    layout: &Layout,
    schema: &Schema,
) -> (SubmissionData, Vec<Finding>) {
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
            data.form.insert(
                field.id().to_string(),
                FieldValue::from_cell(value, check.cell, source),
            );
        }
    }
    // A list continued over several sheets has one place per sheet, in
    // order: its records are read as one list.
    for (def_index, def) in schema.sheets.iter().enumerate() {
        let places: Vec<&ListPlace> = layout.lists.iter().filter(|p| p.def == def_index).collect();
        if places.is_empty() {
            continue;
        }
        let mut seen = HashMap::new();
        let records: Vec<Record> = places
            .iter()
            .flat_map(|place| read_list(book, place, def, &mut seen, &mut findings))
            .collect();
        findings.extend(crate::check::list_shape::repeated_keys(def, &records));
        data.lists.insert(def.id().to_string(), records);
    }
    findings.extend(crate::check::derived::check(schema, &data));

    (data, findings)
}

/// The first cell of each value of each `unique` field, across the sheets
/// of a list: field id → compared value → its cell.
type FirstSeen<'a> = HashMap<&'a str, HashMap<String, Source>>;

fn read_list<'a>(
    book: &Book,
    place: &ListPlace,
    def: &'a SheetDef,
    seen: &mut FirstSeen<'a>,
    findings: &mut Vec<Finding>,
) -> Vec<Record> {
    let sheet = &book.sheets[place.sheet];
    let mut records = Vec::with_capacity(place.rows.len());
    // Names shared by every record and value instead of copied into each.
    let name: Arc<str> = Arc::from(sheet.name.as_str());
    let ids: HashMap<&str, Arc<str>> = def
        .fields
        .iter()
        .map(|f| (f.id(), Arc::from(f.id())))
        .collect();
    let at = Place {
        sheet,
        name: &name,
        place,
    };
    for &row in &place.rows {
        let mut values = Fields::with_capacity(place.cols.len());
        for field in &def.fields {
            let Some(read) = read_list_cell(&at, def, field, row, findings) else {
                continue;
            };
            let (fv, choice) = read;
            if field.unique
                && let Some(v) = &fv.value
            {
                check_unique(field, v, &fv.source, seen, findings);
            }
            if let Some((by, choice)) = choice {
                values.insert(Arc::from(by), choice);
            }
            values.insert(ids[field.id()].clone(), fv);
        }
        records.push(Record {
            sheet: name.clone(),
            row,
            values,
        });
    }
    records
}

/// A list sheet being read: the sheet, its shared name and where the list is.
struct Place<'a> {
    sheet: &'a crate::model::book::Sheet,
    name: &'a Arc<str>,
    place: &'a ListPlace,
}

/// A list field's cell in one record, and for a field split over
/// sub-columns the value of its `split_by` field. `None` when the field has
/// no column in this sheet.
fn read_list_cell(
    at: &Place<'_>,
    def: &SheetDef,
    field: &FieldDef,
    row: u32,
    findings: &mut Vec<Finding>,
) -> Option<(FieldValue, Option<(String, FieldValue)>)> {
    use crate::check::list_shape::{choice_value, filled_sub_column, split_target};
    let required = field.required && field.required_when.is_none();
    let (sheet, place) = (at.sheet, at.place);
    let source = |col| Source {
        sheet: at.name.clone(),
        row,
        col,
    };
    let (col, choice) = match place.splits.get(field.id()) {
        None => (*place.cols.get(field.id())?, None),
        Some(subs) => match filled_sub_column(sheet, row, subs) {
            Ok(Some((col, choice))) => {
                let by = split_target(def, field).id().to_string();
                (*col, Some((by, choice_value(choice, source(*col)))))
            }
            Ok(None) => (subs[0].0, None),
            Err(cols) => {
                findings.push(split_ambiguous(sheet, row, &cols, field, subs));
                let fv = FieldValue::new(None, sheet.get(row, cols[0]).as_text(), source(cols[0]));
                return Some((fv, None));
            }
        },
    };
    let check = CellCheck {
        field,
        source: source(col),
        cell: sheet.get(row, col),
        sheet,
    };
    let value = read_cell(&check, findings, required);
    Some((
        FieldValue::from_cell(value, check.cell, check.source),
        choice,
    ))
}

/// `value-split-ambiguous`: a record fills two sub-columns of one fact
/// ("Năm sinh" under both "Nam" and "Nữ"); which is meant is not guessed.
fn split_ambiguous(
    sheet: &crate::model::book::Sheet,
    row: u32,
    cols: &[u32],
    field: &FieldDef,
    subs: &[(u32, String)],
) -> Finding {
    let cell = |c: u32| crate::model::finding::Location::cell(&sheet.name, row, c);
    let cells: Vec<String> = cols
        .iter()
        .map(|&c| cell(c).a1().unwrap_or_default())
        .collect();
    let choices: Vec<String> = subs
        .iter()
        .filter(|(c, _)| cols.contains(c))
        .map(|(_, v)| v.clone())
        .collect();
    Finding::new(
        Code::ValueSplitAmbiguous,
        messages::split_ambiguous(&cells, &field.label, &choices),
    )
    .at(cell(cols[0]))
    .field(field.id())
    .value(
        cols.iter()
            .map(|&c| sheet.get(row, c).as_text())
            .collect::<Vec<_>>()
            .join(" | "),
    )
}

/// `value-not-unique` when a `unique` field repeats an earlier record's
/// value (in any sheet of the list).
fn check_unique<'a>(
    field: &'a FieldDef,
    v: &Value,
    source: &Source,
    seen: &mut FirstSeen<'a>,
    findings: &mut Vec<Finding>,
) {
    let key = crate::model::text::label_key(&v.display());
    let firsts = seen.entry(field.id()).or_default();
    match firsts.get(&key) {
        Some(first) => findings.push(
            Finding::new(
                Code::ValueNotUnique,
                messages::not_unique(
                    &source.a1(),
                    &field.label,
                    &v.display(),
                    &crate::check::list_shape::cell_seen_from(first, source),
                ),
            )
            .at(source.location())
            .field(field.id())
            .value(v.display()),
        ),
        None => {
            firsts.insert(key, source.clone());
        }
    }
}
