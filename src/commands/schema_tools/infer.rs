//! `schema infer`: a form workbook (blank or filled) read into a `Draft` —
//! its form sheets (header, value columns, sections, rows with STT code,
//! label and unit) and list sheets (header cells, records). The header and
//! label heuristics are the locator's (`check::locate`: the default header
//! candidates of `FormColumns`, how a header cell "says" a label, where a
//! list ends); the guesses are `guess`'s, each with its reason.

use std::collections::HashMap;

use super::guess::{self, Guess, Ids, id_from_label, is_numbering, numbering_formula};
use super::shapes;
use crate::check::identify::template_meta;
use crate::check::locate::{
    cell_text, header_says, is_signature_row, list_rows, normalize_code, without_parentheses,
};
use crate::model::book::{Book, Cell, Sheet};
use crate::model::finding::column_name;
use crate::model::schema::{FieldType, FormColumns, META_SHEET, PERIOD_COLUMNS, SheetKind};
use crate::model::text::{label_key, loose_key};
use crate::read::validations::{Allowed, Validation};

/// Header rows are looked for this far down a sheet, as `locate` does.
const HEADER_SEARCH_ROWS: u32 = 40;

/// Sheet names of instructions, not of the form.
const INSTRUCTION_SHEETS: [&str; 4] = ["huong dan", "hd", "huong dan dien", "huong dan ghi"];

#[derive(Debug)]
pub(super) struct Draft {
    pub id: String,
    pub title: String,
    pub version: String,
    pub period: &'static str,
    /// Why the period kind was chosen.
    pub period_why: String,
    /// Where the id and version come from.
    pub origin: String,
    pub sheets: Vec<DraftSheet>,
    /// Sheets not taken, with the reason.
    pub skipped: Vec<String>,
}

#[derive(Debug)]
pub(super) struct DraftSheet {
    pub id: String,
    pub kind: SheetKind,
    pub name: String,
    pub title: Option<String>,
    /// "A8:E8": where the header was found.
    pub header: String,
    /// The value column's header, when it is not one of the default
    /// candidates (`columns = { value = [...] }`).
    pub value_header: Option<String>,
    /// Two or more value columns (`[[sheets.value_columns]]`).
    pub value_columns: Vec<ValueColumn>,
    /// The column-numbering row as read ("A | B | 1 | 2").
    pub numbering: Option<String>,
    pub sections: Vec<(String, String)>,
    pub fields: Vec<DraftField>,
    pub notes: Vec<String>,
    /// A list continued on a further sheet: why it is thought so.
    pub continued: Option<String>,
}

#[derive(Debug)]
pub(super) struct ValueColumn {
    pub id: String,
    pub label: String,
    /// Why the label differs from the header cell.
    pub note: Option<String>,
    /// Its number in the numbering row ("2").
    pub number: Option<String>,
    /// The numbering row's formula for it ("2/3"), as an expression over
    /// the other columns' ids.
    pub derived: Option<String>,
    /// Where `derived` was read when it is the form's own statement (a
    /// tonghop template's input message), not the numbering row's guess.
    pub derived_from: Option<String>,
    pub decimal: bool,
}

#[derive(Clone, Debug)]
pub(super) struct DraftField {
    pub id: String,
    pub label: String,
    pub code: Option<String>,
    pub section: Option<String>,
    pub unit: Option<String>,
    pub guess: Guess,
    /// A1 of the label cell (form) or header cell (list).
    pub cell: String,
    /// `required = false`, with the reason.
    pub optional: Option<String>,
    pub notes: Vec<String>,
    /// The places (in the sheet's value columns) of the columns this row
    /// has, when its input cells or filled cells show it has only some,
    /// with the reason; `None`: all.
    pub columns: Option<(Vec<usize>, &'static str)>,
    /// The sheet row (0-based) of a form field.
    pub row: u32,
    /// A list value split over sub-columns: the id of the choice field its
    /// sub-headers are (its label until the fields have ids).
    pub split_by: Option<String>,
}

/// Reads the form workbook into a draft. `None` when no sheet holds a form
/// table or a list.
/// `validations` are the sheets' data validations, by sheet name
/// (`read::validations`; empty for formats without them).
pub(super) fn infer(
    book: &Book,
    file_stem: &str,
    validations: &HashMap<String, Vec<Validation>>,
) -> Option<Draft> {
    let checks_of = |s: &Sheet| validations.get(&s.name).map_or(&[][..], Vec::as_slice);
    let mut skipped = Vec::new();
    // `period_start`/`period_end` are the engine's: never a field's id.
    let mut field_ids = Ids::with(PERIOD_COLUMNS.iter().map(|c| c.to_string()));
    let taken = |s: &Sheet| !s.hidden && !INSTRUCTION_SHEETS.contains(&loose_key(&s.name).as_str());
    // Form fields first: they share one namespace that list fields may not reuse.
    let mut found: Vec<(usize, DraftSheet)> = Vec::new();
    for (i, sheet) in book.sheets.iter().enumerate().filter(|(_, s)| taken(s)) {
        if let Some(head) = form_head(sheet) {
            let checks = checks_of(sheet);
            found.push((i, form_sheet(sheet, &head, checks, &mut field_ids)));
        }
    }
    let form_ids: Vec<String> = found
        .iter()
        .flat_map(|(_, s)| s.fields.iter().map(|f| f.id.clone()))
        .collect();
    for (i, sheet) in book.sheets.iter().enumerate() {
        if found.iter().any(|(j, _)| *j == i) {
            continue;
        }
        if !taken(sheet) {
            if sheet.name != META_SHEET {
                skipped.push(format!("trang “{}” (ẩn hoặc hướng dẫn) bỏ qua", sheet.name));
            }
            continue;
        }
        match list_head(sheet) {
            Some(head) => found.push((i, list_sheet(sheet, &head, checks_of(sheet), &form_ids))),
            None => skipped.push(format!(
                "trang “{}”: không thấy bảng chỉ tiêu hay danh sách",
                sheet.name
            )),
        }
    }
    let sheets = named_sheets(found, &mut skipped);
    let meta = template_meta(book).unwrap_or_default();
    (!sheets.is_empty()).then(|| draft(book, &meta, file_stem, sheets, skipped))
}

/// The sheets in workbook order, with their ids; a sheet without a field
/// (a header over nothing is no table yet) is left out with a note.
fn named_sheets(mut found: Vec<(usize, DraftSheet)>, skipped: &mut Vec<String>) -> Vec<DraftSheet> {
    found.sort_by_key(|(i, _)| *i);
    let found = shapes::join_continued(found.into_iter().map(|(_, s)| s).collect());
    let mut ids = Ids::default();
    let mut sheets = Vec::new();
    for mut sheet in found {
        if sheet.fields.is_empty() {
            skipped.push(format!(
                "trang “{}”: có tiêu đề bảng nhưng không có dòng/cột nào",
                sheet.name
            ));
            continue;
        }
        sheet.id = ids.unique(&id_from_label(&sheet.name, "bieu"));
        sheets.push(sheet);
    }
    sheets
}

fn draft(
    book: &Book,
    meta: &HashMap<String, String>,
    file_stem: &str,
    sheets: Vec<DraftSheet>,
    skipped: Vec<String>,
) -> Draft {
    let from_template = meta.get("schema").filter(|s| !s.is_empty());
    let (period, period_why) = period_kind(book, meta.get("period"));
    let title = sheets
        .iter()
        .find_map(|s| s.title.clone())
        .unwrap_or_else(|| file_stem.to_string());
    Draft {
        id: from_template
            .cloned()
            .unwrap_or_else(|| id_from_label(file_stem, "bieu_mau")),
        version: meta
            .get("version")
            .filter(|_| from_template.is_some())
            .cloned()
            .unwrap_or_else(|| "0.1.0".into()),
        origin: match from_template {
            Some(_) => "id, version theo trang ẩn của biểu mẫu tonghop".into(),
            None => "id theo tên tệp; đổi nếu muốn".into(),
        },
        title: title.chars().take(300).collect(),
        period,
        period_why,
        sheets,
        skipped,
    }
}

/// The kind of period: from a tonghop template's hidden sheet, else from
/// the words of the heading ("Quý", "Tháng", "6 tháng"), else a year.
fn period_kind(book: &Book, meta: Option<&String>) -> (&'static str, String) {
    if let Some(p) = meta.filter(|p| !p.is_empty()) {
        let kind = if p.contains("-Q") {
            "quarter"
        } else if p.contains("-H") {
            "half"
        } else if p.contains('-') {
            "month"
        } else {
            "year"
        };
        return (kind, format!("theo kỳ “{p}” của biểu mẫu"));
    }
    // Lines that state the period: "Quý … năm …", "Kỳ báo cáo: tháng …",
    // a title ending "… QUÝ II NĂM 2024"; never a column header such as
    // "Thực hiện tháng 8".
    const PERIOD_LINES: [&str; 8] = [
        "quy",
        "thang",
        "6 thang",
        "sau thang",
        "nam",
        "ky bao cao",
        "tu ngay",
        "bao cao",
    ];
    let lines: Vec<String> = book
        .sheets
        .iter()
        .flat_map(|s| s.text_cells().take_while(|((r, _), _)| *r < 12))
        .map(|(_, t)| loose_key(t))
        .filter(|k| {
            PERIOD_LINES
                .iter()
                .any(|w| k == w || k.starts_with(&format!("{w} ")))
        })
        .collect();
    let says = |w: &str| {
        lines
            .iter()
            .any(|k| k.starts_with(&format!("{w} ")) || k.contains(&format!(" {w} ")))
    };
    if says("quy") {
        ("quarter", "theo chữ “Quý” ở đầu biểu".into())
    } else if says("6 thang") || says("sau thang") {
        ("half", "theo chữ “6 tháng” ở đầu biểu".into())
    } else if says("thang") {
        ("month", "theo chữ “Tháng” ở đầu biểu".into())
    } else if let Some(kind) = lines.iter().find_map(|l| period_from_dates(l)) {
        kind
    } else {
        ("year", "không thấy quý, tháng: coi là báo cáo năm".into())
    }
}

/// The kind of period a line "từ ngày 15/12/2023 đến ngày 14/6/2024" spans
/// (about 1, 3, 6 or 12 months); a window that does not start on the 1st
/// is the config's `cutoff_day`, which the reason names.
fn period_from_dates(line: &str) -> Option<(&'static str, String)> {
    let numbers: Vec<u32> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    let dates: Vec<chrono::NaiveDate> = numbers
        .windows(3)
        .filter_map(|w| chrono::NaiveDate::from_ymd_opt(w[2] as i32, w[1], w[0]))
        .filter(|d| chrono::Datelike::year(d) >= 1990)
        .collect();
    let (first, last) = (dates.first()?, dates.get(1)?);
    let days = (*last - *first).num_days() + 1;
    let kind = match (days as f64 / 30.44).round() as i64 {
        1 => "month",
        3 => "quarter",
        6 => "half",
        12 => "year",
        _ => return None,
    };
    let day = chrono::Datelike::day(first);
    let mut why = format!(
        "kỳ từ {} đến {} ({days} ngày)",
        first.format("%d/%m/%Y"),
        last.format("%d/%m/%Y")
    );
    if day != 1 {
        why.push_str(&format!(
            "; kỳ không theo tháng dương lịch: đặt cutoff_day = {day} trong tonghop.toml"
        ));
    }
    Some((kind, why))
}

/// The texts of a row's non-empty cells, by column.
fn row_texts(sheet: &Sheet, row: u32) -> Vec<(u32, String)> {
    sheet
        .row(row)
        .map(|(c, _)| (c, cell_text(sheet, row, c)))
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

fn a1(row: u32, col: u32) -> String {
    format!("{}{}", column_name(col), row + 1)
}

// ---------------------------------------------------------------- form sheets

/// Where a form table's header is, and what each column is.
#[derive(Debug)]
struct FormHead {
    first_row: u32,
    /// The last header row (the sub-header row of a two-row header).
    row: u32,
    code_col: Option<u32>,
    label_col: u32,
    unit_col: Option<u32>,
    values: Vec<(u32, String)>,
}

/// The form header: the first row with a label header ("Chỉ tiêu", "Nội
/// dung" … as `locate` reads them), nothing but the STT column left of it,
/// and at least one column right of it that is no STT, unit or note column
/// — the value columns, whatever they are called.
fn form_head(sheet: &Sheet) -> Option<FormHead> {
    let cols = FormColumns::default();
    for row in 0..HEADER_SEARCH_ROWS.min(sheet.row_end()) {
        let cells = row_texts(sheet, row);
        let Some(label_col) = cells
            .iter()
            .find(|(_, t)| header_says(t, &cols.label))
            .map(|(c, _)| *c)
        else {
            continue;
        };
        let role = |labels: &[String]| {
            cells
                .iter()
                .find(|(c, t)| *c != label_col && header_says(t, labels))
                .map(|(c, _)| *c)
        };
        let (code_col, unit_col, note_col) = (role(&cols.code), role(&cols.unit), role(&cols.note));
        // A form's label column comes first (after STT); a header naming
        // something left of it ("Họ tên | Nội dung vi phạm") heads a list.
        if cells
            .iter()
            .any(|(c, _)| *c < label_col && Some(*c) != code_col)
        {
            return None;
        }
        let others = [Some(label_col), code_col, unit_col, note_col];
        let sub = sub_header(sheet, row, label_col);
        let mut values: Vec<(u32, String)> = cells
            .iter()
            .chain(sub.iter())
            .filter(|(c, _)| *c > label_col && !others.contains(&Some(*c)))
            .map(|(c, t)| (*c, t.clone()))
            .collect();
        // A sub-header names its column better than the group above it.
        values.sort_by_key(|(c, _)| *c);
        values.reverse();
        values.dedup_by_key(|(c, _)| *c);
        values.reverse();
        if values.is_empty() {
            return None;
        }
        let last = if sub.is_empty() { row } else { row + 1 };
        return Some(FormHead {
            first_row: row,
            row: last,
            code_col,
            label_col,
            unit_col,
            values,
        });
    }
    None
}

/// The row under a header when it holds sub-headers under a merged group
/// ("Năm 2024" over "Kế hoạch | Thực hiện"): text right of the label
/// column, nothing in the label column, no number, and not the
/// column-numbering row.
fn sub_header(sheet: &Sheet, row: u32, label_col: u32) -> Vec<(u32, String)> {
    let below = row_texts(sheet, row + 1);
    let texts: Vec<String> = below.iter().map(|(_, t)| t.clone()).collect();
    let numbers = sheet
        .row(row + 1)
        .any(|(_, c)| matches!(c, Cell::Number(_)));
    let fits = !below.is_empty()
        && !is_numbering(&texts)
        && !numbers
        && cell_text(sheet, row + 1, label_col).is_empty()
        && below.iter().all(|(c, _)| *c > label_col);
    if fits { below } else { Vec::new() }
}

/// The column-numbering row under a header, by column.
fn numbering_row(sheet: &Sheet, row: u32) -> Option<Vec<(u32, String)>> {
    let cells = row_texts(sheet, row);
    let texts: Vec<String> = cells.iter().map(|(_, t)| t.clone()).collect();
    is_numbering(&texts).then_some(cells)
}

fn form_sheet(sheet: &Sheet, head: &FormHead, checks: &[Validation], ids: &mut Ids) -> DraftSheet {
    let numbering = numbering_row(sheet, head.row + 1);
    let first_data = head.row + 1 + u32::from(numbering.is_some());
    let mut value_columns = value_columns(head, numbering.as_deref());
    derived_from_prompts(head, checks, &mut value_columns);
    let mut out = DraftSheet {
        id: String::new(),
        kind: SheetKind::Form,
        name: sheet.name.clone(),
        title: sheet_title(sheet, head.first_row),
        header: format!(
            "{}:{}",
            a1(head.first_row, head.code_col.unwrap_or(head.label_col)),
            a1(head.row, head.values.last().map_or(head.label_col, |v| v.0))
        ),
        value_header: single_value_header(&value_columns),
        value_columns: Vec::new(),
        numbering: numbering.map(|n| {
            n.iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        }),
        sections: Vec::new(),
        fields: Vec::new(),
        notes: Vec::new(),
        continued: None,
    };
    if value_columns.len() > 1 {
        out.value_columns = value_columns;
    } else if let (Some(_), [one]) = (&out.value_header, value_columns.as_slice()) {
        out.notes
            .extend(one.note.iter().map(|n| format!("xem lại: {n}")));
    }
    form_rows(sheet, (head, checks), first_data, &mut out, ids);
    let validated_columns = head.values.iter().any(|(c, _)| {
        checks
            .iter()
            .any(|v| v.ranges.iter().any(|r| (r.1..=r.3).contains(c)))
    });
    if out.value_columns.len() > 1 && !validated_columns {
        columns_by_filled_cells(sheet, head, &mut out.fields);
    }
    mark_repeated_labels(&mut out.fields);
    out
}

/// What the data validation of a row's (or a list's first record's) value
/// cells allows, when one covers the first of them.
fn validated<'a>(checks: &'a [Validation], row: u32, cols: &[u32]) -> Option<&'a Allowed> {
    let col = *cols.first()?;
    checks
        .iter()
        .find(|v| v.covers(row, col))
        .map(|v| &v.allowed)
}

/// The value column's header when the sheet has one and no default
/// candidate says it (the draft then names it in `columns`).
fn single_value_header(columns: &[ValueColumn]) -> Option<String> {
    match columns {
        [one] if !header_says(&one.label, &FormColumns::default().value) => Some(one.label.clone()),
        _ => None,
    }
}

/// The value columns with their ids, numbers and derived formulas
/// ("4=2/3" → "ky_nay / cung_ky", times 100 for a percentage).
fn value_columns(head: &FormHead, numbering: Option<&[(u32, String)]>) -> Vec<ValueColumn> {
    let mut ids = Ids::default();
    let mut columns: Vec<ValueColumn> = head
        .values
        .iter()
        .map(|(col, label)| {
            let token = numbering
                .and_then(|n| n.iter().find(|(c, _)| c == col))
                .map(|(_, t)| numbering_formula(t));
            let decimal = label.contains('%') || loose_key(label).contains("ty le");
            let (label, note) = stable_header(label);
            ValueColumn {
                id: ids.unique(&id_from_label(&label, "cot")),
                note,
                label,
                number: token.as_ref().map(|(n, _)| n.clone()),
                derived: token.and_then(|(_, f)| f),
                derived_from: None,
                decimal,
            }
        })
        .collect();
    let by_number: HashMap<String, String> = columns
        .iter()
        .filter_map(|c| Some((c.number.clone()?, c.id.clone())))
        .collect();
    for column in &mut columns {
        column.derived = column
            .derived
            .take()
            .map(|f| derived_expression(&f, &by_number, column.decimal));
    }
    columns
}

/// A tonghop template says in each computed cell's input message how it is
/// computed ("Ghi kết quả của Kỳ này / Cùng kỳ năm trước * 100, làm tròn;
/// …"): over the columns' labels, which become their ids again. Only when
/// every name in it is a column's label.
fn derived_from_prompts(head: &FormHead, checks: &[Validation], columns: &mut [ValueColumn]) {
    const OPENING: &str = "Ghi kết quả của ";
    let labels: Vec<(String, String)> = columns
        .iter()
        .map(|c| (c.label.clone(), c.id.clone()))
        .collect();
    for ((col, _), column) in head.values.iter().zip(columns.iter_mut()) {
        let prompt = checks
            .iter()
            .filter(|v| v.ranges.iter().any(|r| (r.1..=r.3).contains(col)))
            .find_map(|v| v.prompt.as_deref()?.strip_prefix(OPENING));
        let Some(formula) = prompt.and_then(|p| p.split(", làm tròn").next()) else {
            continue;
        };
        if let Some(expr) = over_ids(formula, &labels) {
            column.derived = Some(expr);
            column.derived_from = Some(format!("hướng dẫn nhập của cột “{}”", column.label));
            column.decimal = true;
        }
    }
}

/// "Kỳ này / Cùng kỳ năm trước * 100" → "ky_nay / cung_ky_nam_truoc * 100":
/// the longest labels first; `None` when words that are no label remain.
fn over_ids(readable: &str, labels: &[(String, String)]) -> Option<String> {
    let mut by_length: Vec<&(String, String)> = labels.iter().collect();
    by_length.sort_by_key(|(l, _)| std::cmp::Reverse(l.chars().count()));
    let mut text = readable.to_string();
    for (label, id) in by_length {
        text = text.replace(label.as_str(), &format!("\u{1}{id}\u{1}"));
    }
    let rest: String = text.split('\u{1}').step_by(2).collect::<Vec<_>>().concat();
    let plain = rest
        .chars()
        .all(|c| c.is_ascii_digit() || " .+-*/()".contains(c));
    (plain && text.contains('\u{1}')).then(|| text.replace('\u{1}', ""))
}

/// "2/3" with columns 2 = ky_nay, 3 = cung_ky → "ky_nay / cung_ky * 100"
/// (the factor when the column is a percentage).
fn derived_expression(formula: &str, by_number: &HashMap<String, String>, percent: bool) -> String {
    let mut out = String::new();
    let mut number = String::new();
    let flush = |number: &mut String, out: &mut String| {
        if !number.is_empty() {
            out.push_str(by_number.get(number.as_str()).unwrap_or(number));
            number.clear();
        }
    };
    for c in formula.chars() {
        if c.is_ascii_digit() {
            number.push(c);
        } else {
            flush(&mut number, &mut out);
            let op = if matches!(c, 'x' | '×') { '*' } else { c };
            out.push_str(&format!(" {op} "));
        }
    }
    flush(&mut number, &mut out);
    let expr = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if percent {
        format!("{expr} * 100")
    } else {
        expr
    }
}

/// Roman numerals (I … XXXIX): the codes of sections.
fn is_roman(code: &str) -> bool {
    !code.is_empty() && code.len() <= 6 && code.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
}

/// One row of a form table, as read.
struct FormRow {
    row: u32,
    code: String,
    label: String,
    unit: String,
}

/// The rows under the header, down to the signature block: section rows
/// (a Roman STT code), group captions ("Trong đó:") and fields.
fn form_rows(
    sheet: &Sheet,
    (head, checks): (&FormHead, &[Validation]),
    first: u32,
    out: &mut DraftSheet,
    ids: &mut Ids,
) {
    let mut section: Option<String> = None;
    for row in first..sheet.row_end() {
        if is_signature_row(sheet, row) {
            break;
        }
        let text = |col: Option<u32>| col.map(|c| cell_text(sheet, row, c)).unwrap_or_default();
        let line = FormRow {
            row,
            code: normalize_code(&text(head.code_col)),
            label: text(Some(head.label_col)),
            unit: text(head.unit_col),
        };
        if line.label.is_empty() {
            if !line.code.is_empty() {
                out.notes.push(format!(
                    "dòng {}: STT “{}” không có nhãn, bỏ qua",
                    row + 1,
                    line.code
                ));
            }
            continue;
        }
        if is_roman(&line.code) && line.unit.is_empty() {
            out.sections.push((line.code.clone(), line.label.clone()));
            section = Some(line.code);
            continue;
        }
        if line.code.is_empty() && line.unit.is_empty() && line.label.ends_with(':') {
            out.notes.push(format!(
                "dòng {}: “{}” là dòng tiêu đề nhóm, không phải chỉ tiêu",
                row + 1,
                line.label
            ));
            continue;
        }
        out.fields
            .push(form_field(sheet, (head, checks), &line, &section));
    }
    name_fields(&mut out.fields, "chi_tieu", ids);
}

/// Gives the fields their ids, made from their labels.
fn name_fields(fields: &mut [DraftField], fallback: &str, ids: &mut Ids) {
    let labels: Vec<&str> = fields.iter().map(|f| f.label.as_str()).collect();
    let names = guess::ids_for_labels(&labels, fallback, ids);
    for (field, id) in fields.iter_mut().zip(names) {
        field.id = id;
    }
}

fn form_field(
    sheet: &Sheet,
    (head, checks): (&FormHead, &[Validation]),
    line: &FormRow,
    section: &Option<String>,
) -> DraftField {
    let columns = row_columns(head, checks, line.row);
    // Computed and percentage columns say nothing of the row's own type.
    let plain: Vec<u32> = head
        .values
        .iter()
        .enumerate()
        .filter(|(i, _)| columns.as_ref().is_none_or(|c| c.contains(i)))
        .map(|(_, v)| v)
        .filter(|(_, l)| !l.contains('%') && !loose_key(l).contains("ty le"))
        .map(|(c, _)| *c)
        .collect();
    let cols: Vec<u32> = if plain.is_empty() {
        head.values.iter().map(|(c, _)| *c).collect()
    } else {
        plain
    };
    let cells: Vec<&Cell> = cols.iter().map(|&c| sheet.get(line.row, c)).collect();
    let mut notes = Vec::new();
    let code = (!line.code.is_empty()).then(|| line.code.clone());
    let code = code.filter(|c| {
        let fits = c.chars().count() <= 10;
        if !fits {
            notes.push(format!("STT “{c}” dài quá 10 ký tự, bỏ đi"));
        }
        fits
    });
    DraftField {
        id: String::new(),
        label: line.label.chars().take(300).collect(),
        code,
        section: section.clone(),
        unit: (!line.unit.is_empty()).then(|| line.unit.clone()),
        guess: guess::guess_type(
            &line.label,
            &line.unit,
            &cells,
            validated(checks, line.row, &cols),
            FieldType::Number,
        ),
        cell: a1(line.row, head.label_col),
        optional: None,
        notes,
        columns: columns.map(|c| (c, "chỉ các cột này có ô nhập ở dòng này")),
        row: line.row,
        split_by: None,
    }
}

/// The value columns a row has, when the form's input cells (its data
/// validations, as a tonghop template writes one on each) show that it has
/// only some of them: the others are no input cells. `None` when it has all
/// or the form does not say.
fn row_columns(head: &FormHead, checks: &[Validation], row: u32) -> Option<Vec<usize>> {
    let covered: Vec<usize> = head
        .values
        .iter()
        .enumerate()
        .filter(|(_, (col, _))| checks.iter().any(|v| v.covers(row, *col)))
        .map(|(i, _)| i)
        .collect();
    (!covered.is_empty() && covered.len() < head.values.len()).then_some(covered)
}

/// On a filled form without input cells marked (no data validation), a row
/// filled in only some of the columns other rows fill has those columns —
/// a guess the draft asks to review: a commune may leave a cell blank.
fn columns_by_filled_cells(sheet: &Sheet, head: &FormHead, fields: &mut [DraftField]) {
    let filled: Vec<Vec<usize>> = fields
        .iter()
        .map(|f| {
            let blank = |c: u32| sheet.get(f.row, c).is_blank();
            (0..head.values.len())
                .filter(|&i| !blank(head.values[i].0))
                .collect()
        })
        .collect();
    let used: std::collections::BTreeSet<usize> = filled.iter().flatten().copied().collect();
    for (field, places) in fields.iter_mut().zip(filled) {
        if !places.is_empty() && places.len() < used.len() && field.columns.is_none() {
            field.columns = Some((
                places,
                "chỉ các cột này có số liệu ở dòng này trong tệp đã điền; thêm cột nếu xã có thể để trống",
            ));
        }
    }
}

/// The unit of measure a list header gives in brackets: "Số tiền (triệu
/// đồng)", "Số lao động (người)". A bracketed word under a header that
/// counts nothing is no unit ("Địa chỉ (thôn)").
fn unit_in_label(label: &str) -> Option<String> {
    let open = label.rfind('(')?;
    let inner = label[open + 1..].trim_end().trim_end_matches(')').trim();
    let counts = ["so ", "tong "]
        .iter()
        .any(|w| loose_key(label).starts_with(w));
    match guess::unit_type(inner)? {
        FieldType::Number => Some(inner.to_string()),
        _ if counts => Some(inner.to_string()),
        _ => None,
    }
}

/// A header that names the period ("Thực hiện tháng 8", "Năm 2024")
/// changes every period: the draft keeps the words before the numbers,
/// which the locator reads as the start of the header.
fn stable_header(label: &str) -> (String, Option<String>) {
    let words: Vec<&str> = label.split_whitespace().collect();
    let keep = words
        .iter()
        .rposition(|w| !w.chars().any(|c| c.is_ascii_digit()))
        .map_or(0, |i| i + 1);
    let cut = words[..keep].join(" ");
    if keep == words.len()
        || cut.is_empty()
        || words[..keep]
            .iter()
            .any(|w| w.chars().any(|c| c.is_ascii_digit()))
    {
        (label.to_string(), None)
    } else {
        let note = format!("tiêu đề “{label}” có số của kỳ: chỉ giữ “{cut}” để đọc được mọi kỳ");
        (cut, Some(note))
    }
}

/// A label that repeats is told apart only by its STT code (`locate`): say
/// so where a repeat has none.
fn mark_repeated_labels(fields: &mut [DraftField]) {
    let mut count: HashMap<String, usize> = HashMap::new();
    for f in fields.iter() {
        *count
            .entry(label_key(&without_parentheses(&f.label)))
            .or_default() += 1;
    }
    for f in fields.iter_mut() {
        if count[&label_key(&without_parentheses(&f.label))] > 1 {
            f.notes.push(match &f.code {
                Some(_) => "nhãn này lặp lại: dòng được nhận theo STT".into(),
                None => "nhãn này lặp lại và không có STT: hãy ghi code".into(),
            });
        }
    }
}

/// The sheet's title: the first line above the header that starts like a
/// report title or is written in capitals, without the national motto or
/// the issuing body, nor a line naming a year (the title is matched in
/// every period's files).
fn sheet_title(sheet: &Sheet, header_row: u32) -> Option<String> {
    const NOT_TITLES: [&str; 6] = [
        "cong hoa",
        "doc lap",
        "ubnd",
        "uy ban",
        "ky bao cao",
        "don vi",
    ];
    const TITLE_WORDS: [&str; 5] = ["bao cao", "danh sach", "tong hop", "thong ke", "ket qua"];
    (0..header_row)
        .flat_map(|r| row_texts(sheet, r))
        .map(|(_, t)| t)
        .find(|t| {
            let k = loose_key(t);
            let capitals = !t.chars().any(char::is_lowercase) && k.split(' ').count() >= 3;
            !NOT_TITLES.iter().any(|w| k.starts_with(w))
                && (capitals || TITLE_WORDS.iter().any(|w| k.starts_with(w)))
        })
        .filter(|t| !t.chars().any(|c| c.is_ascii_digit()) && t.chars().count() <= 300)
}

// ---------------------------------------------------------------- list sheets

/// A list's header: its row (the last of two when sub-headers sit under a
/// merged group) and each column's label, with the group above it.
struct ListHead {
    first_row: u32,
    row: u32,
    columns: Vec<(u32, String, Option<String>)>,
    stt_col: Option<u32>,
}

/// The list header: the first row, within the first 40, with at least two
/// text cells and at least half as many as the fullest row (a title is one
/// merged cell; records come below the header).
fn list_head(sheet: &Sheet) -> Option<ListHead> {
    let end = HEADER_SEARCH_ROWS.min(sheet.row_end());
    let text_count = |r: u32| {
        sheet
            .row(r)
            .filter(|(_, c)| matches!(c, Cell::Text(t) if !t.trim().is_empty()))
            .count()
    };
    let most = (0..end).map(text_count).max().unwrap_or(0);
    let row = (0..end).find(|&r| text_count(r) >= 2 && 2 * text_count(r) >= most)?;
    let top = row_texts(sheet, row);
    let sub = list_sub_header(sheet, row, &top);
    let group_of = |col: u32| {
        top.iter()
            .rev()
            .find(|(c, _)| *c <= col)
            .map(|(_, t)| t.clone())
    };
    let mut columns: Vec<(u32, String, Option<String>)> = Vec::new();
    for (col, label) in &top {
        if !sub.iter().any(|(c, _)| c == col) {
            columns.push((*col, label.clone(), None));
        }
    }
    for (col, label) in &sub {
        columns.push((*col, label.clone(), group_of(*col)));
    }
    columns.sort_by_key(|(c, _, _)| *c);
    let stt_col = columns
        .iter()
        .find(|(_, l, _)| header_says(l, &FormColumns::default().code))
        .map(|(c, _, _)| *c);
    columns.retain(|(c, _, _)| Some(*c) != stt_col);
    Some(ListHead {
        first_row: row,
        row: if sub.is_empty() { row } else { row + 1 },
        columns,
        stt_col,
    })
}

/// Sub-headers under a merged group header: the row below holds text in a
/// column the header row leaves blank, and no number.
fn list_sub_header(sheet: &Sheet, row: u32, top: &[(u32, String)]) -> Vec<(u32, String)> {
    let below = row_texts(sheet, row + 1);
    let texts: Vec<String> = below.iter().map(|(_, t)| t.clone()).collect();
    let numbers = sheet
        .row(row + 1)
        .any(|(_, c)| matches!(c, Cell::Number(_)));
    let under_group = below.iter().any(|(c, _)| !top.iter().any(|(t, _)| t == c));
    if !below.is_empty() && under_group && !numbers && !is_numbering(&texts) {
        below
    } else {
        Vec::new()
    }
}

fn list_sheet(
    sheet: &Sheet,
    head: &ListHead,
    checks: &[Validation],
    form_ids: &[String],
) -> DraftSheet {
    let numbering = numbering_row(sheet, head.row + 1);
    let last_header = head.row + u32::from(numbering.is_some());
    let cols: HashMap<String, u32> = head
        .columns
        .iter()
        .map(|(c, _, _)| (c.to_string(), *c))
        .collect();
    let records = list_rows(sheet, last_header, &cols);
    let reserved = PERIOD_COLUMNS.iter().map(|c| c.to_string());
    let mut ids = Ids::with(form_ids.iter().cloned().chain(reserved));
    let mut fields: Vec<DraftField> = head
        .columns
        .iter()
        .map(|(col, label, group)| {
            let check = validated(checks, last_header + 1, &[*col]);
            list_field(sheet, (*col, label, group), (&records, check), head)
        })
        .collect();
    let splits = shapes::splits(sheet, &head.columns, &records);
    let at = (sheet, head.columns.as_slice(), records.as_slice());
    shapes::merge_splits(&mut fields, &splits, at, head.first_row);
    name_fields(&mut fields, "cot", &mut ids);
    shapes::resolve_split_ids(&mut fields);
    let notes = list_notes(head.stt_col, records.len());
    sex_split_hint(&mut fields);
    DraftSheet {
        id: String::new(),
        kind: SheetKind::List,
        name: sheet.name.clone(),
        title: sheet_title(sheet, head.first_row),
        header: format!("dòng {}", head.first_row + 1),
        value_header: None,
        value_columns: Vec::new(),
        numbering: numbering.map(|n| {
            n.iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        }),
        sections: Vec::new(),
        fields,
        notes,
        continued: None,
    }
}

/// The comments over a list sheet: what is no data, how many records, and
/// what a form does not show (empty markers, continuation, keys).
fn list_notes(stt_col: Option<u32>, records: usize) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(c) = stt_col {
        notes.push(format!("cột {} (STT) không phải dữ liệu", column_name(c)));
    }
    notes.push(format!("{records} dòng dữ liệu đã điền"));
    notes.push(
        "xem lại: câu xã ghi ở dòng duy nhất khi danh sách trống (“Không phát sinh”) đặt trong empty_markers = [...] (mặc định “Không”, “Không có”)"
            .into(),
    );
    notes.push(
        "xem lại: danh sách dài ghi tiếp sang trang sau (“Biểu 02 (tiếp)”): continued = true; bản ghi trùng theo nhiều cột (họ tên + năm sinh): [[sheets.keys]]"
            .into(),
    );
    notes
}

/// A choice of the sexes on a list not split: communes often put a year or
/// date of birth under "Nam" | "Nữ" instead; say how to declare it.
fn sex_split_hint(fields: &mut [DraftField]) {
    let sexes = |f: &DraftField| {
        let keys: Vec<String> = f.guess.choices.iter().map(|c| loose_key(c)).collect();
        f.guess.ty == FieldType::Choice
            && keys.len() == 2
            && keys.contains(&"nam".into())
            && keys.contains(&"nu".into())
    };
    if fields.iter().any(|f| f.split_by.is_some()) {
        return;
    }
    if let Some(choice) = fields.iter_mut().find(|f| sexes(f)) {
        choice.notes.push(format!(
            "nếu xã ghi năm sinh (hay cột khác) tách theo cột con Nam | Nữ, thêm split_by = \"{}\" vào trường ấy",
            choice.id
        ));
    }
}

fn list_field(
    sheet: &Sheet,
    (col, label, group): (u32, &String, &Option<String>),
    (records, check): (&[u32], Option<&Allowed>),
    head: &ListHead,
) -> DraftField {
    let cells: Vec<&Cell> = records.iter().map(|&r| sheet.get(r, col)).collect();
    let filled = cells.iter().filter(|c| !c.is_blank()).count();
    let note_column = header_says(label, &FormColumns::default().note);
    let optional = if note_column {
        Some("cột ghi chú".to_string())
    } else if filled < cells.len() {
        Some(format!(
            "{} / {} dòng để trống",
            cells.len() - filled,
            cells.len()
        ))
    } else if cells.is_empty() {
        Some("danh sách chưa có dòng nào nên không biết cột nào bắt buộc; bỏ dòng này nếu cột phải có giá trị".into())
    } else {
        None
    };
    let mut notes = Vec::new();
    if let Some(g) = group {
        notes.push(format!("cột con dưới nhóm “{g}”"));
    }
    let unit = unit_in_label(label);
    DraftField {
        id: String::new(),
        label: label.chars().take(300).collect(),
        code: None,
        section: None,
        guess: guess::guess_type(
            label,
            unit.as_deref().unwrap_or(""),
            &cells,
            check,
            FieldType::Text,
        ),
        unit,
        cell: a1(
            if group.is_some() {
                head.row
            } else {
                head.first_row
            },
            col,
        ),
        optional,
        notes,
        columns: None,
        row: head.row,
        split_by: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::book::Format;

    fn sheet_of(name: &str, rows: &[&[&str]]) -> Sheet {
        let mut sheet = Sheet::new(name, false);
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                if !text.is_empty() {
                    let cell = match text.parse::<f64>() {
                        Ok(n) => Cell::Number(n),
                        Err(_) => Cell::Text(text.to_string()),
                    };
                    sheet.set(r as u32, c as u32, cell);
                }
            }
        }
        sheet
    }

    fn draft_of(rows: &[&[&str]]) -> String {
        let book = Book {
            format: Format::Xlsx,
            sheets: vec![sheet_of("Biểu 1", rows)],
        };
        let draft = infer(&book, "ke-hoach", &HashMap::new()).expect("a form is found");
        super::super::draft::to_toml(&draft, "ke-hoach.xlsx")
    }

    #[test]
    fn a_two_row_header_gives_one_value_column_per_sub_header() {
        let text = draft_of(&[
            &["BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH"],
            &[
                "STT",
                "Chỉ tiêu",
                "Đơn vị tính",
                "Năm 2024",
                "",
                "",
                "Ghi chú",
            ],
            &["", "", "", "Kế hoạch", "Thực hiện", "% so với kế hoạch", ""],
            &["A", "B", "C", "1", "2", "3=2/1", ""],
            &["1", "Số hộ được hỗ trợ", "Hộ", "", "", "", ""],
            &["2", "Kinh phí hỗ trợ", "Triệu đồng", "", "", "", ""],
        ]);
        for (id, label) in [
            ("ke_hoach", "Kế hoạch"),
            ("thuc_hien", "Thực hiện"),
            ("so_ke_hoach", "% so với kế hoạch"),
        ] {
            let block = format!("[[sheets.value_columns]]\nid = \"{id}\"\nlabel = \"{label}\"\n");
            assert!(text.contains(&block), "{label}:\n{text}");
        }
        assert!(
            text.contains("# derived = \"thuc_hien / ke_hoach * 100\""),
            "{text}"
        );
        assert!(
            text.contains("type = \"number\"   # đoán: cột tỷ lệ"),
            "{text}"
        );
        assert!(text.contains("id = \"so_ho_ho_tro\""), "{text}");
        assert!(text.contains("A | B | C | 1 | 2 | 3=2/1"), "{text}");
        assert!(!text.contains("columns = {"), "{text}");
    }

    #[test]
    fn a_value_header_naming_the_period_keeps_the_words_before_it() {
        let text = draft_of(&[
            &["STT", "Nội dung", "Đơn vị tính", "Ước thực hiện 2024"],
            &["1", "Diện tích lúa", "ha", "12,5"],
        ]);
        assert!(
            text.contains("columns = { value = [\"Ước thực hiện\"] }"),
            "{text}"
        );
        assert!(text.contains("chỉ giữ “Ước thực hiện”"), "{text}");
        let loaded = crate::model::schema::Schema::parse(&text, std::path::Path::new("d.toml"));
        assert!(loaded.is_ok(), "{loaded:?}");
        assert!(
            text.contains("type = \"number\"   # đoán: theo 1 giá trị đã điền"),
            "{text}"
        );
    }

    #[test]
    fn a_blank_list_with_the_sexes_under_a_group_is_split() {
        let text = draft_of(&[
            &["DANH SÁCH NGƯỜI SAU CAI"],
            &["STT", "Họ và tên", "Năm sinh", "", "Địa chỉ"],
            &["", "", "Nam", "Nữ", ""],
        ]);
        assert!(text.contains("split_by = \"gioi_tinh\""), "{text}");
        assert!(text.contains("label = \"Giới tính\""), "{text}");
        assert!(!text.contains("label = \"Nam\""), "{text}");
        let loaded = crate::model::schema::Schema::parse(&text, std::path::Path::new("d.toml"));
        assert!(loaded.is_ok(), "{loaded:?}");
    }

    #[test]
    fn sub_columns_filled_together_are_no_split() {
        let text = draft_of(&[
            &["STT", "Họ và tên", "Quản lý", ""],
            &["", "", "Năm bắt đầu", "Năm kết thúc"],
            &["1", "Nguyễn Văn A", "2020", "2022"],
            &["2", "Lò Văn B", "2021", ""],
        ]);
        assert!(!text.contains("split_by"), "{text}");
    }

    #[test]
    fn a_period_from_two_dates() {
        let (kind, why) =
            period_from_dates("ky bao cao tu ngay 15 12 2023 den ngay 14 6 2024").unwrap();
        assert_eq!(kind, "half");
        assert!(why.contains("cutoff_day = 15"), "{why}");
        let (kind, why) = period_from_dates("tu ngay 01 07 2024 den ngay 30 09 2024").unwrap();
        assert_eq!(kind, "quarter");
        assert!(!why.contains("cutoff_day"), "{why}");
        assert!(period_from_dates("ngay 5 thang 7 nam 2024").is_none());
    }

    #[test]
    fn a_list_with_a_content_column_is_no_form() {
        let text = draft_of(&[
            &["STT", "Họ tên", "Nội dung vi phạm", "Hình thức xử lý"],
            &["1", "Nguyễn Văn A", "Gây rối", "Phạt tiền"],
        ]);
        assert!(text.contains("kind = \"list\""), "{text}");
        assert!(text.contains("label = \"Nội dung vi phạm\""), "{text}");
    }

    #[test]
    fn a_filled_list_gives_types_choices_and_optional_columns() {
        let text = draft_of(&[
            &["DANH SÁCH NGƯỜI SAU CAI"],
            &["STT", "Họ tên", "Năm sinh", "Giới tính", "Ghi chú"],
            &["1", "Nguyễn Văn A", "1990", "Nam", ""],
            &["2", "Lò Thị B", "1985", "Nữ", "chuyển đi"],
            &["3", "Giàng A C", "1992", "Nam", ""],
            &["4", "Vàng Thị D", "1999", "Nữ", ""],
        ]);
        assert!(text.contains("kind = \"list\""), "{text}");
        assert!(text.contains("4 dòng dữ liệu đã điền"), "{text}");
        assert!(
            text.contains("choices = [{ value = \"Nam\" }, { value = \"Nữ\" }]"),
            "{text}"
        );
        assert!(
            text.contains("type = \"integer\"   # đoán: theo 4 giá trị đã điền"),
            "{text}"
        );
        assert!(
            text.contains("required = false   # đoán: cột ghi chú"),
            "{text}"
        );
    }
}
