//! The draft schema as TOML text: the keys `docs/schema.md` documents, in
//! the order a person reads them, each guess followed by a "# đoán: …"
//! comment saying why and what to review. Several value columns are written
//! as `[[sheets.value_columns]]`; a column the numbering row computes
//! ("4=2/3") gets its `derived` expression as a commented suggestion only.

use std::fmt::Write;

use super::guess::YesNoWords;
use super::infer::{Draft, DraftField, DraftSheet, ValueColumn};
use crate::model::schema::{FieldType, SheetKind};

/// A TOML basic string, quoted and escaped.
fn quote(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn type_name(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Integer => "integer",
        FieldType::Number => "number",
        FieldType::Text => "text",
        FieldType::YesNo => "yes_no",
        FieldType::Date => "date",
        FieldType::Choice => "choice",
    }
}

/// The whole draft. `source` is the form's file name as given.
pub(super) fn to_toml(draft: &Draft, source: &str) -> String {
    let mut body = String::new();
    let _ = writeln!(body, "id = {}   # đoán: {}", quote(&draft.id), draft.origin);
    let _ = writeln!(body, "title = {}", quote(&draft.title));
    let _ = writeln!(body, "version = {}", quote(&draft.version));
    let _ = writeln!(
        body,
        "period = {}   # đoán: {}",
        quote(draft.period),
        draft.period_why
    );
    for sheet in &draft.sheets {
        write_sheet(&mut body, sheet);
    }
    let guesses = body.matches("# đoán:").count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Lược đồ nháp do `tonghop schema infer` viết từ {source}.\n\
         # Draft schema written by `tonghop schema infer` from {source}.\n\
         # Xem lại {guesses} chỗ có “# đoán:” và các dòng “# xem lại:”, đặt lại id nếu muốn,\n\
         # thêm rules/indicators, rồi chạy `tonghop schema check` trên tệp này.\n\
         # Các id được tạo từ nhãn (không dấu, tối đa bốn từ)."
    );
    for note in &draft.skipped {
        let _ = writeln!(out, "# {note}");
    }
    let _ = writeln!(out);
    out.push_str(&body);
    out
}

fn write_sheet(out: &mut String, sheet: &DraftSheet) {
    let kind = match sheet.kind {
        SheetKind::Form => "form",
        SheetKind::List => "list",
    };
    let _ = writeln!(out, "\n# {} — {}", "-".repeat(60), sheet.name);
    let _ = writeln!(out, "# Tiêu đề bảng: {}", sheet.header);
    if let Some(numbering) = &sheet.numbering {
        let _ = writeln!(out, "# Dòng đánh số cột (không phải dữ liệu): {numbering}");
    }
    for note in &sheet.notes {
        let _ = writeln!(out, "# {note}");
    }
    let _ = writeln!(out, "[[sheets]]");
    let _ = writeln!(out, "id = {}", quote(&sheet.id));
    let _ = writeln!(out, "kind = \"{kind}\"");
    let _ = writeln!(out, "name = {}", quote(&sheet.name));
    if let Some(why) = &sheet.continued {
        let _ = writeln!(out, "continued = true   # đoán: {why}");
    }
    if let Some(title) = &sheet.title {
        let _ = writeln!(out, "title = {}", quote(title));
    }
    if let Some(header) = &sheet.value_header {
        let _ = writeln!(
            out,
            "columns = {{ value = [{}] }}   # đoán: cột số liệu tên “{header}”",
            quote(header)
        );
    }
    write_sections(out, sheet);
    for column in &sheet.value_columns {
        write_value_column(out, column);
    }
    for field in &sheet.fields {
        write_field(out, field, sheet.kind);
        write_row_columns(out, field, &sheet.value_columns);
    }
}

fn write_sections(out: &mut String, sheet: &DraftSheet) {
    if sheet.sections.is_empty() {
        return;
    }
    let _ = writeln!(out, "sections = [");
    for (code, label) in &sheet.sections {
        let label: String = label.chars().take(300).collect();
        let _ = writeln!(
            out,
            "  {{ code = {}, label = {} }},",
            quote(code),
            quote(&label)
        );
    }
    let _ = writeln!(out, "]");
}

fn write_value_column(out: &mut String, column: &ValueColumn) {
    let _ = writeln!(out, "\n[[sheets.value_columns]]");
    if let Some(note) = &column.note {
        let _ = writeln!(out, "# xem lại: {note}");
    }
    let _ = writeln!(out, "id = {}", quote(&column.id));
    let _ = writeln!(out, "label = {}", quote(&column.label));
    let _ = writeln!(
        out,
        "# xem lại: tiêu đề khác các xã ghi cho cột này (“Cùng kỳ” cho “Cùng kỳ năm trước”) đặt trong aliases = [...]"
    );
    if column.decimal {
        let _ = writeln!(
            out,
            "type = \"number\"   # đoán: cột tỷ lệ/phần trăm có số lẻ"
        );
    } else {
        let _ = writeln!(out, "# đoán: kiểu theo từng chỉ tiêu");
    }
    if column.label.contains('%') {
        let _ = writeln!(out, "unit = \"%\"   # đoán: tiêu đề cột ghi %");
    }
    if let (Some(expr), Some(from)) = (&column.derived, &column.derived_from) {
        let _ = writeln!(out, "derived = {}   # đoán: theo {from}", quote(expr));
    } else if let Some(expr) = &column.derived {
        let number = column.number.as_deref().unwrap_or("?");
        let _ = writeln!(
            out,
            "# derived = {}   # đoán: dòng đánh số ghi cột {number} được tính; bỏ # nếu đúng",
            quote(expr)
        );
    }
}

fn write_field(out: &mut String, field: &DraftField, kind: SheetKind) {
    let _ = writeln!(out, "\n[[sheets.fields]]   # ô {}", field.cell);
    for note in &field.notes {
        let _ = writeln!(out, "# xem lại: {note}");
    }
    let _ = writeln!(out, "id = {}", quote(&field.id));
    if kind == SheetKind::Form {
        if let Some(section) = &field.section {
            let _ = writeln!(out, "section = {}", quote(section));
        }
        if let Some(code) = &field.code {
            let _ = writeln!(out, "code = {}", quote(code));
        }
    }
    let _ = writeln!(out, "label = {}", quote(&field.label));
    if let Some(unit) = &field.unit {
        let _ = writeln!(out, "unit = {}", quote(unit));
    }
    let guess = &field.guess;
    let _ = writeln!(
        out,
        "type = \"{}\"   # đoán: {}",
        type_name(guess.ty),
        guess.why
    );
    if let Some(words) = &guess.words {
        write_yes_no_words(out, words);
    }
    if guess.ty == FieldType::Choice {
        let choices: Vec<String> = guess
            .choices
            .iter()
            .map(|c| format!("{{ value = {} }}", quote(c)))
            .collect();
        let _ = writeln!(out, "choices = [{}]", choices.join(", "));
        let _ = writeln!(
            out,
            "# xem lại: cách ghi khác của mỗi giá trị (“Nhà nghỉ” cho “Lưu trú”) đặt trong aliases = [...]"
        );
    }
    if guess.count {
        let _ = writeln!(out, "min = 0   # đoán: số đếm không âm");
    }
    if let Some(choice) = &field.split_by {
        let _ = writeln!(
            out,
            "split_by = {}   # đoán: mỗi dòng điền một cột con",
            quote(choice)
        );
    }
    if let Some(why) = &field.optional {
        let _ = writeln!(out, "required = false   # đoán: {why}");
    }
}

/// A yes/no's own words: "Đạt" / "Chưa đạt", or a tick whose blank is no.
fn write_yes_no_words(out: &mut String, words: &YesNoWords) {
    let _ = writeln!(out, "yes = [{}]", quote(&words.yes));
    match &words.no {
        Some(no) => {
            let _ = writeln!(out, "no = [{}]", quote(no));
        }
        None => {
            let _ = writeln!(
                out,
                "blank = \"no\"   # đoán: chỉ đánh dấu “{}”, để trống là không",
                words.yes
            );
        }
    }
}

/// `value_columns = [...]` for a row that has only some of the sheet's
/// value columns.
fn write_row_columns(out: &mut String, field: &DraftField, columns: &[ValueColumn]) {
    let Some((places, why)) = &field.columns else {
        return;
    };
    let ids: Vec<String> = places
        .iter()
        .filter_map(|&i| columns.get(i))
        .map(|c| quote(&c.id))
        .collect();
    if ids.is_empty() || columns.is_empty() {
        return;
    }
    let _ = writeln!(out, "value_columns = [{}]   # đoán: {why}", ids.join(", "));
}
