//! List shapes `schema infer` recognises beyond one column per field: one
//! fact split over sub-columns ("Năm sinh" over "Nam" | "Nữ": `split_by`),
//! and a list continued on further sheets with the same header
//! ("Biểu 02 (tiếp)": `continued`). Each is a guess the draft comments.

use super::guess::{self, Guess};
use super::infer::{DraftField, DraftSheet};
use crate::model::book::{Cell, Sheet};
use crate::model::finding::column_name;
use crate::model::schema::{FieldType, SheetKind};
use crate::model::text::loose_key;

/// A list's columns: (column, header label, the group header above it).
pub(super) type ListColumn = (u32, String, Option<String>);

/// Sub-headers that are the sexes: a split the blank form already tells.
const SEXES: [&str; 2] = ["nam", "nu"];

/// Sub-columns of one group header that hold one fact between them.
pub(super) struct Split {
    /// The places of the sub-columns among the list's columns.
    pub members: Vec<usize>,
    pub group: String,
}

/// The groups of sub-columns ("Năm sinh" over "Nam" | "Nữ") whose records
/// fill one of them at most, each with the same kind of value (numbers,
/// dates); on a blank list only the sexes' sub-columns, which say it.
/// `columns` are the list's (column, label, group) in order.
pub(super) fn splits(sheet: &Sheet, columns: &[ListColumn], records: &[u32]) -> Vec<Split> {
    let mut out: Vec<Split> = Vec::new();
    for (i, (_, _, group)) in columns.iter().enumerate() {
        let Some(group) = group else { continue };
        match out.last_mut() {
            Some(s) if s.group == *group && s.members.last() == Some(&(i - 1)) => s.members.push(i),
            _ => out.push(Split {
                members: vec![i],
                group: group.clone(),
            }),
        }
    }
    out.retain(|s| s.members.len() >= 2 && holds_one_fact(sheet, columns, records, s));
    out
}

fn holds_one_fact(sheet: &Sheet, columns: &[ListColumn], records: &[u32], split: &Split) -> bool {
    let cols: Vec<u32> = split.members.iter().map(|&i| columns[i].0).collect();
    if records.is_empty() {
        let keys: Vec<String> = split
            .members
            .iter()
            .map(|&i| loose_key(&columns[i].1))
            .collect();
        return keys.len() == SEXES.len() && SEXES.iter().all(|s| keys.contains(&s.to_string()));
    }
    let filled = |r: u32| {
        cols.iter()
            .filter(|&&c| !sheet.get(r, c).is_blank())
            .count()
    };
    if records.iter().any(|&r| filled(r) > 1) || records.iter().all(|&r| filled(r) == 0) {
        return false;
    }
    let cells: Vec<&Cell> = records
        .iter()
        .flat_map(|&r| cols.iter().map(move |&c| sheet.get(r, c)))
        .collect();
    matches!(
        guess::values_type(&cells),
        Some((FieldType::Integer | FieldType::Number | FieldType::Date, _))
    )
}

/// The fields of a split's sub-columns become one field under the group's
/// label, `split_by` a choice field whose choices are the sub-headers
/// (placed right after it). `fields` are in the list's column order; the
/// splits are applied from the last, so that places stay valid.
pub(super) fn merge_splits(
    fields: &mut Vec<DraftField>,
    splits: &[Split],
    (sheet, columns, records): (&Sheet, &[ListColumn], &[u32]),
    header_row: u32,
) {
    for split in splits.iter().rev() {
        let cols: Vec<u32> = split.members.iter().map(|&i| columns[i].0).collect();
        let cells: Vec<&Cell> = records
            .iter()
            .map(|&r| {
                let filled = cols
                    .iter()
                    .map(|&c| sheet.get(r, c))
                    .find(|c| !c.is_blank());
                filled.unwrap_or(sheet.get(r, cols[0]))
            })
            .collect();
        let choices: Vec<String> = split
            .members
            .iter()
            .map(|&i| columns[i].1.clone())
            .collect();
        let first = split.members[0];
        let value = &mut fields[first];
        value.cell = format!("{}{}", column_name(cols[0]), header_row + 1);
        if !records.is_empty() {
            value.guess = guess::guess_type(&split.group, "", &cells, None, FieldType::Text);
            let blank = cells.iter().filter(|c| c.is_blank()).count();
            value.optional =
                (blank > 0).then(|| format!("{blank} / {} dòng để trống", cells.len()));
        }
        let choice = split_fields(value, &split.group, choices);
        for &i in split.members[1..].iter().rev() {
            fields.remove(i);
        }
        fields.insert(first + 1, choice);
    }
}

/// The value field of a split under its group's label, `split_by` the
/// choice field returned, whose choices are the sub-headers ("Giới tính"
/// for Nam | Nữ, else a label to review).
fn split_fields(value: &mut DraftField, group: &str, choices: Vec<String>) -> DraftField {
    let sexes = choices.len() == 2
        && choices
            .iter()
            .all(|c| SEXES.contains(&loose_key(c).as_str()));
    let choice_label = if sexes {
        "Giới tính".to_string()
    } else {
        format!("Phân loại theo cột con của “{group}”")
    };
    value.label = group.to_string();
    value.unit = None;
    value.notes = vec![format!(
        "“{group}” tách theo cột con {}: mỗi dòng ghi vào một cột, cột cho biết “{choice_label}”",
        choices.join(" | ")
    )];
    value.split_by = Some(choice_label.clone());
    let mut choice = value.clone();
    choice.label = choice_label;
    choice.notes = if sexes {
        Vec::new()
    } else {
        vec!["đặt lại nhãn và id của trường phân loại này".into()]
    };
    choice.split_by = None;
    choice.guess = Guess {
        ty: FieldType::Choice,
        why: "các tiêu đề cột con".into(),
        choices,
        count: false,
        words: None,
    };
    choice
}

/// A split's `split_by` names its choice field by label until the fields
/// have ids: then by id.
pub(super) fn resolve_split_ids(fields: &mut [DraftField]) {
    let ids: Vec<(String, String)> = fields
        .iter()
        .map(|f| (f.label.clone(), f.id.clone()))
        .collect();
    for field in fields.iter_mut() {
        if let Some(label) = &field.split_by {
            field.split_by = ids
                .iter()
                .find(|(l, _)| l == label)
                .map(|(_, id)| id.clone());
        }
    }
}

/// A list sheet whose fields are an earlier list sheet's, label for label,
/// is that list continued ("Biểu 02 (tiếp)"): it is left out and the
/// earlier sheet gets `continued`.
pub(super) fn join_continued(sheets: Vec<DraftSheet>) -> Vec<DraftSheet> {
    let mut out: Vec<DraftSheet> = Vec::new();
    for sheet in sheets {
        let labels = |s: &DraftSheet| -> Vec<String> {
            s.fields.iter().map(|f| loose_key(&f.label)).collect()
        };
        let earlier = out.iter_mut().find(|s| {
            s.kind == SheetKind::List
                && sheet.kind == SheetKind::List
                && labels(s) == labels(&sheet)
        });
        match earlier {
            Some(first) => {
                first.continued = Some(format!(
                    "trang “{}” có cùng tiêu đề cột: danh sách ghi tiếp sang trang đó",
                    sheet.name
                ));
            }
            None => out.push(sheet),
        }
    }
    out
}
