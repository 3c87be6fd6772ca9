//! The round trip of `tonghop schema infer` on a form's blank template:
//! the draft, the edits its "# xem lại:" comments point to (taken from the
//! hand-written schema, matched by label), and the totals row of the
//! consolidated workbook, by column header, to compare the two schemas by.

use std::path::Path;

use calamine::{Data, Reader};

use super::{Project, workbook};

/// Writes the blank template of the project's schema and infers a draft
/// from it (`draft.toml`); returns its text.
pub fn infer_blank(project: &Project) -> String {
    project.run(&["template", "-o", "mau"]).assert_code(0);
    let blank = std::fs::read_dir(project.join("mau"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .expect("the blank template");
    let run = project.run(&[
        "schema",
        "infer",
        blank.to_str().unwrap(),
        "-o",
        "draft.toml",
    ]);
    run.assert_code(0);
    assert!(run.stderr.contains("đọc được"), "{}", run.stderr);
    std::fs::read_to_string(project.join("draft.toml")).unwrap()
}

fn table_list<'a>(table: &'a toml::Table, key: &str) -> Vec<&'a toml::Table> {
    table
        .get(key)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_table()).collect())
        .unwrap_or_default()
}

/// Inserts `line` after the first line of `draft` equal to `after`, once
/// per occurrence of `after`.
fn insert_after(draft: &mut String, after: &str, line: &str) {
    let needle = format!("\n{after}\n");
    if let Some(at) = draft.find(&needle) {
        draft.insert_str(at + needle.len(), &format!("{line}\n"));
    }
}

/// The edits the draft's "# xem lại:" lines ask for, with the hand-written
/// schema's answers: each value column's `aliases` (the headers communes
/// write), each choice list's values with their aliases (from `choices` or
/// the field's vocabulary), each list sheet's `empty_markers`.
pub fn with_review_edits(draft: &str, hand_schema: &str) -> String {
    let hand: toml::Table = toml::from_str(hand_schema).unwrap();
    let mut out = draft.to_string();
    for sheet in table_list(&hand, "sheets") {
        for column in table_list(sheet, "value_columns") {
            if let Some(aliases) = column.get("aliases") {
                let label = format!("label = {}", column["label"]);
                insert_after(&mut out, &label, &format!("aliases = {aliases}"));
            }
        }
        if let Some(markers) = sheet.get("empty_markers") {
            let name = format!("name = {}", sheet["name"]);
            insert_after(&mut out, &name, &format!("empty_markers = {markers}"));
        }
        for field in table_list(sheet, "fields") {
            let choices = field.get("choices").or_else(|| {
                let vocabulary = field.get("vocabulary")?.as_str()?;
                hand.get("vocabularies")?.get(vocabulary)?.get("choices")
            });
            if let Some(choices) = choices {
                replace_choices(&mut out, field["label"].as_str().unwrap(), choices);
            }
        }
    }
    out
}

/// The drafted `choices = [...]` line of the field labelled `label`,
/// replaced by `choices`.
fn replace_choices(draft: &mut String, label: &str, choices: &toml::Value) {
    let label = format!("label = {}\n", toml::Value::String(label.into()));
    let Some(at) = draft.find(&label) else { return };
    let Some(offset) = draft[at..].find("choices = [") else {
        return;
    };
    let start = at + offset;
    let end = start + draft[start..].find('\n').unwrap();
    draft.replace_range(start..end, &format!("choices = {choices}"));
}

/// The "Tổng cộng" row of the workbook's Tổng hợp from its first value
/// column on: (column header, total), in column order.
pub fn totals_by_header(path: &Path) -> Vec<(String, Option<f64>)> {
    let range = workbook(path).worksheet_range("Tổng hợp").unwrap();
    let text = |r: u32, c: u32| {
        range
            .get_value((r, c))
            .map(super::data_text)
            .unwrap_or_default()
    };
    let (height, width) = range.get_size();
    let start = range.start().unwrap_or((0, 0)).0;
    let rows = start..start + height as u32;
    let find = |want: &str| rows.clone().find(|&r| text(r, 0) == want).unwrap();
    let (header, total) = (find("STT"), find("Tổng cộng"));
    (4..width as u32)
        .filter(|&c| !text(header, c).is_empty())
        .map(|c| {
            let value = match range.get_value((total, c)) {
                Some(Data::Float(f)) => Some(*f),
                Some(Data::Int(i)) => Some(*i as f64),
                _ => None,
            };
            (text(header, c), value)
        })
        .collect()
}

/// `id → id` of the draft for each value of the hand-written schema, both
/// matched by label: a row `so_vu` → `so_vu_vi_pham`, a value
/// `so_vu.ky_nay` → `so_vu_vi_pham.ky_nay`.
fn draft_ids(draft: &toml::Table, hand: &toml::Table) -> Vec<(String, String)> {
    let by_label = |list: Vec<&toml::Table>| -> Vec<(String, String)> {
        list.iter()
            .map(|t| {
                (
                    t["label"].to_string(),
                    t["id"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let mut out = Vec::new();
    for (hand_sheet, draft_sheet) in table_list(hand, "sheets")
        .into_iter()
        .zip(table_list(draft, "sheets"))
    {
        let draft_fields = by_label(table_list(draft_sheet, "fields"));
        let draft_columns = by_label(table_list(draft_sheet, "value_columns"));
        let find = |list: &[(String, String)], label: &str| {
            list.iter()
                .find(|(l, _)| l == label)
                .map(|(_, id)| id.clone())
        };
        for (label, id) in by_label(table_list(hand_sheet, "fields")) {
            let Some(row) = find(&draft_fields, &label) else {
                continue;
            };
            for (column_label, column) in by_label(table_list(hand_sheet, "value_columns")) {
                if let Some(draft_column) = find(&draft_columns, &column_label) {
                    out.push((format!("{id}.{column}"), format!("{row}.{draft_column}")));
                }
            }
            out.push((id, row));
        }
    }
    out
}

/// The identifiers of an expression or message renamed by `ids`.
fn renamed(text: &str, ids: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let new = ids.iter().find(|(old, _)| old == word).map(|(_, new)| new);
        out.push_str(new.unwrap_or(word));
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The draft with the hand-written schema's `[[unit_attributes]]`,
/// `[[rules]]` and `[[indicators]]` added, the ids they read renamed to the
/// draft's (matched by label): the "thêm rules/indicators" the draft's
/// heading asks for.
pub fn with_hand_rules(draft: &str, hand_schema: &str) -> String {
    let hand: toml::Table = toml::from_str(hand_schema).unwrap();
    let parsed: toml::Table = toml::from_str(draft).unwrap();
    let ids = draft_ids(&parsed, &hand);
    let mut extra = toml::Table::new();
    for key in ["unit_attributes", "rules", "indicators"] {
        let Some(list) = hand.get(key).and_then(|v| v.as_array()) else {
            continue;
        };
        let list: Vec<toml::Value> = list
            .iter()
            .map(|entry| {
                let table: toml::Table = entry
                    .as_table()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| match v.as_str() {
                        Some(s) if k != "id" => (k.clone(), toml::Value::String(renamed(s, &ids))),
                        _ => (k.clone(), v.clone()),
                    })
                    .collect();
                toml::Value::Table(table)
            })
            .collect();
        extra.insert(key.into(), toml::Value::Array(list));
    }
    format!("{draft}\n{}", toml::to_string(&extra).unwrap())
}
