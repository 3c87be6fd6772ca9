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
        let name = format!("name = {}", sheet["name"]);
        if let Some(markers) = sheet.get("empty_markers") {
            insert_after(&mut out, &name, &format!("empty_markers = {markers}"));
        }
        if sheet.get("continued").and_then(|v| v.as_bool()) == Some(true) {
            insert_after(&mut out, &name, "continued = true");
        }
        split_edits(&mut out, sheet);
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

/// `split_by` on the draft's field of the same label as a hand-written
/// field split over sub-columns, naming the draft's id of its choice field
/// (the edit the "# xem lại: … split_by" line under the choice asks for).
fn split_edits(draft: &mut String, hand_sheet: &toml::Table) {
    let fields = table_list(hand_sheet, "fields");
    let parsed: toml::Table = toml::from_str(draft).unwrap();
    let ids = draft_ids(
        &parsed,
        &toml::Table::from_iter([(
            "sheets".to_string(),
            toml::Value::Array(vec![toml::Value::Table(hand_sheet.clone())]),
        )]),
    );
    for field in &fields {
        let Some(by) = field.get("split_by").and_then(|v| v.as_str()) else {
            continue;
        };
        let Some((_, draft_id)) = ids.iter().find(|(hand, _)| hand == by) else {
            continue;
        };
        let label = format!("label = {}", field["label"]);
        insert_after(draft, &label, &format!("split_by = \"{draft_id}\""));
    }
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
    // Sheets by name: the draft names each as its form does.
    for hand_sheet in table_list(hand, "sheets") {
        let Some(draft_sheet) = table_list(draft, "sheets")
            .into_iter()
            .find(|d| d.get("name") == hand_sheet.get("name"))
        else {
            continue;
        };
        let sheet_id = |t: &toml::Table| t["id"].as_str().unwrap().to_string();
        out.push((sheet_id(hand_sheet), sheet_id(draft_sheet)));
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

/// A value with the ids it names renamed (an `id` itself is kept).
fn renamed_value(key: &str, value: &toml::Value, ids: &[(String, String)]) -> toml::Value {
    match value {
        toml::Value::String(s) if key != "id" => toml::Value::String(renamed(s, ids)),
        toml::Value::Array(items) => {
            toml::Value::Array(items.iter().map(|v| renamed_value(key, v, ids)).collect())
        }
        toml::Value::Table(table) => toml::Value::Table(
            table
                .iter()
                .map(|(k, v)| (k.clone(), renamed_value(k, v, ids)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The draft with the hand-written schema's `[[unit_attributes]]`,
/// `[[rules]]` and `[[indicators]]` added, and the `[[sheets.keys]]` and
/// `[[sheets.aggregates]]` of the draft's last sheet, the ids they read
/// renamed to the draft's (matched by label): the "thêm rules/indicators"
/// the draft's heading and the "[[sheets.keys]]" its list's comment ask for.
pub fn with_hand_rules(draft: &str, hand_schema: &str) -> String {
    let hand: toml::Table = toml::from_str(hand_schema).unwrap();
    let parsed: toml::Table = toml::from_str(draft).unwrap();
    let ids = draft_ids(&parsed, &hand);
    let last = table_list(&parsed, "sheets")
        .last()
        .map(|s| s["name"].clone());
    let mut out = draft.to_string();
    for sheet in table_list(&hand, "sheets") {
        if Some(&sheet["name"]) != last.as_ref() {
            continue;
        }
        for key in ["keys", "aggregates"] {
            for entry in table_list(sheet, key) {
                out.push_str(&format!("\n[[sheets.{key}]]\n"));
                for (k, v) in entry {
                    out.push_str(&format!("{k} = {}\n", renamed_value(k, v, &ids)));
                }
            }
        }
    }
    let mut extra = toml::Table::new();
    for key in ["unit_attributes", "rules", "indicators"] {
        if let Some(list) = hand.get(key) {
            extra.insert(key.into(), renamed_value(key, list, &ids));
        }
    }
    format!("{out}\n{}", toml::to_string(&extra).unwrap())
}
