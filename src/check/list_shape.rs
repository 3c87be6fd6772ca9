//! List shapes and keys, in the check stage: the sub-columns of a field
//! split over them ("Năm sinh" under "Nam" | "Nữ", `split_by`), reading such
//! a field, the keys over several fields within one file
//! (`value-not-unique`), and the same record sent by two units
//! (`record-in-several-units`, a warning of the run).

use std::collections::HashMap;

use crate::model::book::{Cell, Sheet};
use crate::model::finding::{Code, Finding, sort_findings};
use crate::model::messages;
use crate::model::schema::{FieldDef, RecordKey, Schema, SheetDef};
use crate::model::submission::{FieldValue, Record, Source, Status, Submission};
use crate::model::text::{label_key, loose_key};
use crate::model::values::Value;

/// The split fields' sub-columns found under their header cells, and the
/// row of those sub-headers (the header's last row).
pub(crate) struct Splits {
    pub cols: HashMap<String, Vec<(u32, String)>>,
    pub sub_row: Option<u32>,
}

/// For each field with `split_by` whose header cell is at `cols[field]`:
/// the cells of the row under it (or of the header row itself, when the
/// field's header is the upper of two rows) that name the choices of the
/// `split_by` field, left to right from the field's column. Fewer than two
/// such cells: the field is read as one plain column.
pub(crate) fn find_splits(
    sheet: &Sheet,
    def: &SheetDef,
    cols: &HashMap<String, u32>,
    header_row: u32,
) -> Splits {
    let mut out = Splits {
        cols: HashMap::new(),
        sub_row: None,
    };
    for field in def.fields.iter().filter(|f| f.split_by.is_some()) {
        let Some(&col) = cols.get(field.id()) else {
            continue;
        };
        let by = split_target(def, field);
        for row in [header_row + 1, header_row] {
            let subs = sub_columns(sheet, row, col, by);
            if subs.len() >= 2 {
                out.sub_row = out.sub_row.max(Some(row));
                out.cols.insert(field.id().to_string(), subs);
                break;
            }
        }
    }
    out
}

/// The choice field a split field's sub-columns name.
pub(crate) fn split_target<'a>(def: &'a SheetDef, field: &FieldDef) -> &'a FieldDef {
    let by = field.split_by.as_ref().expect("a split field");
    def.fields
        .iter()
        .find(|f| f.id() == by.get_ref())
        .expect("split_by names a field of the list (checked at load)")
}

/// Consecutive cells of `row` from `col` that each name a different choice
/// of `by`; a cell above one of them (but the first) ends the group, as it
/// heads another column.
fn sub_columns(sheet: &Sheet, row: u32, col: u32, by: &FieldDef) -> Vec<(u32, String)> {
    let mut subs: Vec<(u32, String)> = Vec::new();
    for c in col.. {
        let above_filled = c > col && row > 0 && !sheet.get(row - 1, c).is_blank();
        let Some(choice) = choice_named(sheet.get(row, c), by).filter(|_| !above_filled) else {
            break;
        };
        if subs.iter().any(|(_, v)| *v == choice) {
            break;
        }
        subs.push((c, choice));
    }
    subs
}

/// The choice a header cell names: its value or an alias, ignoring case,
/// punctuation and (as a fallback) diacritics.
fn choice_named(cell: &Cell, by: &FieldDef) -> Option<String> {
    let Cell::Text(text) = cell else { return None };
    let (exact, loose) = (label_key(text), loose_key(text));
    by.choices
        .iter()
        .find(|c| {
            std::iter::once(&c.value)
                .chain(&c.aliases)
                .any(|n| label_key(n) == exact || loose_key(n) == loose)
        })
        .map(|c| c.value.clone())
}

/// The sub-column of a split field a record fills: `Ok(Some(..))` the one
/// filled, `Ok(None)` none, `Err(cells)` several (which one is meant is not
/// guessed).
pub(crate) fn filled_sub_column<'a>(
    sheet: &Sheet,
    row: u32,
    subs: &'a [(u32, String)],
) -> Result<Option<&'a (u32, String)>, Vec<u32>> {
    let filled: Vec<&(u32, String)> = subs
        .iter()
        .filter(|(c, _)| !sheet.get(row, *c).is_blank())
        .collect();
    match filled.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(many.iter().map(|(c, _)| *c).collect()),
    }
}

/// The value of the `split_by` field of a record: the choice heading the
/// sub-column the record filled, pointing at that cell.
pub(crate) fn choice_value(choice: &str, source: Source) -> FieldValue {
    FieldValue::new(
        Some(Value::Text(choice.to_string())),
        choice.to_string(),
        source,
    )
}

/// A record's key: the compared spelling of each key field's value, or
/// `None` when one of them is missing (nothing to compare).
pub(crate) fn record_key(record: &Record, key: &RecordKey) -> Option<Vec<String>> {
    key.field_ids()
        .map(|id| {
            let v = record.values.get(id)?.value.as_ref()?;
            Some(label_key(&v.display()))
        })
        .collect()
}

/// The key's values as shown in a message ("Nguyễn Văn An, 1990").
fn key_text(record: &Record, key: &RecordKey) -> String {
    key.field_ids()
        .filter_map(|id| record.values.get(id)?.value.as_ref().map(Value::display))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The cell a key finding points at: the key's first field's cell.
fn key_source<'a>(record: &'a Record, key: &RecordKey) -> Option<&'a Source> {
    key.field_ids()
        .find_map(|id| record.values.get(id))
        .map(|fv| &fv.source)
}

fn key_labels(def: &SheetDef, key: &RecordKey) -> Vec<String> {
    key.field_ids()
        .filter_map(|id| def.fields.iter().find(|f| f.id() == id))
        .map(|f| f.label.clone())
        .collect()
}

/// A cell as named from another cell: "B7" on the same sheet, "Biểu 02!B7"
/// on another one (a list continued over several sheets).
pub(crate) fn cell_seen_from(cell: &Source, from: &Source) -> String {
    if cell.sheet == from.sheet {
        cell.a1()
    } else {
        format!("{}!{}", cell.sheet, cell.a1())
    }
}

/// `value-not-unique` for each record repeating an earlier record's key
/// (of a key over several fields; one-field keys are `unique` fields).
pub(crate) fn repeated_keys(def: &SheetDef, records: &[Record]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for key in &def.keys {
        let mut firsts: HashMap<Vec<String>, &Record> = HashMap::new();
        for record in records {
            let Some(k) = record_key(record, key) else {
                continue;
            };
            let Some(first) = firsts.get(&k) else {
                firsts.insert(k, record);
                continue;
            };
            let (Some(at), Some(first_at)) = (key_source(record, key), key_source(first, key))
            else {
                continue;
            };
            let seen = key_text(record, key);
            findings.push(
                Finding::new(
                    Code::ValueNotUnique,
                    messages::key_not_unique(
                        &at.a1(),
                        &key_labels(def, key),
                        &seen,
                        &cell_seen_from(first_at, at),
                    ),
                )
                .at(at.location())
                .field(key.fields[0].get_ref())
                .value(seen),
            );
        }
    }
    findings
}

/// One record of an accepted file, for the comparison across units.
struct Held<'a> {
    sub: usize,
    record: &'a Record,
}

/// `record-in-several-units`: a record whose `across_units` key another
/// unit's accepted file also holds. Each such record gets a warning naming
/// the other unit's file and cell: the same establishment or person counted
/// twice in the district's totals is said, never silently summed (nor
/// silently dropped: which unit is right is for staff to tell).
pub(crate) fn across_units(submissions: &mut [Submission], schema: &Schema, unit_names: &[String]) {
    let mut found: Vec<(usize, Finding)> = Vec::new();
    for def in schema.list_sheets() {
        for key in def.keys.iter().filter(|k| k.across_units) {
            found.extend(across_units_of(submissions, def, key, unit_names));
        }
    }
    for (sub, finding) in found {
        submissions[sub].findings.push(finding);
    }
    for s in submissions.iter_mut() {
        sort_findings(&mut s.findings);
    }
}

fn across_units_of(
    submissions: &[Submission],
    def: &SheetDef,
    key: &RecordKey,
    unit_names: &[String],
) -> Vec<(usize, Finding)> {
    let mut by_key: HashMap<Vec<String>, Vec<Held>> = HashMap::new();
    for (sub, s) in submissions.iter().enumerate() {
        if s.status != Status::Accepted || s.unit.is_none() {
            continue;
        }
        let records = s.data.as_ref().and_then(|d| d.lists.get(def.id()));
        for record in records.into_iter().flatten() {
            if let Some(k) = record_key(record, key) {
                by_key.entry(k).or_default().push(Held { sub, record });
            }
        }
    }
    let mut out = Vec::new();
    let mut keys: Vec<&Vec<String>> = by_key.keys().collect();
    keys.sort();
    for k in keys {
        let held = &by_key[k];
        let unit_of = |h: &Held| submissions[h.sub].unit;
        // The first record, and the first of another unit: every record of
        // the group is paired with one of them, in one pass.
        let first = &held[0];
        let Some(second) = held.iter().find(|h| unit_of(h) != unit_of(first)) else {
            continue;
        };
        for one in held {
            let other = if unit_of(one) == unit_of(first) {
                second
            } else {
                first
            };
            out.push((
                one.sub,
                across_finding(submissions, def, key, one, other, unit_names),
            ));
        }
    }
    out
}

fn across_finding(
    submissions: &[Submission],
    def: &SheetDef,
    key: &RecordKey,
    one: &Held,
    other: &Held,
    unit_names: &[String],
) -> Finding {
    let other_sub = &submissions[other.sub];
    let other_unit = other_sub
        .unit
        .and_then(|u| unit_names.get(u))
        .cloned()
        .unwrap_or_default();
    let at = key_source(one.record, key);
    let other_at = key_source(other.record, key)
        .map(Source::a1)
        .unwrap_or_default();
    let seen = key_text(one.record, key);
    let message = messages::record_in_several_units(
        &at.map(Source::a1).unwrap_or_default(),
        &key_labels(def, key),
        &seen,
        &other_unit,
        &other_sub.file,
        &other_at,
    );
    let mut finding = Finding::new(Code::RecordInSeveralUnits, message)
        .field(key.fields[0].get_ref())
        .value(seen);
    if let Some(at) = at {
        finding = finding.at(at.location());
    }
    finding
}
