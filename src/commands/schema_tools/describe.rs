//! What a commune file must look like under a schema, as `schema check`
//! prints it: each sheet with its names, the header the locator looks for
//! (the template's own header words, `output::template::form_headers`), and
//! each row or column with its STT code, unit and type.

use std::fmt::Write;

use crate::model::finding::Lang;
use crate::model::schema::{FieldDef, FieldType, Schema, SheetDef, SheetKind};
use crate::output::template::form_headers;

fn type_word(ty: FieldType, lang: Lang) -> &'static str {
    match ty {
        FieldType::Integer => lang.pick("số nguyên", "whole number"),
        FieldType::Number => lang.pick("số", "number"),
        FieldType::Text => lang.pick("chữ", "text"),
        FieldType::YesNo => lang.pick("Có/Không", "yes/no"),
        FieldType::Date => lang.pick("ngày dd/mm/yyyy", "date dd/mm/yyyy"),
        FieldType::Choice => lang.pick("chọn một", "one of"),
    }
}

/// A field's type with its bounds and choices: "số nguyên ≥ 0".
fn field_kind(field: &FieldDef, lang: Lang) -> String {
    let mut kind = type_word(field.ty, lang).to_string();
    let n = crate::model::values::format_number;
    if let Some(min) = field.min {
        kind.push_str(&format!(" ≥ {}", n(min)));
    }
    if let Some(max) = field.max {
        kind.push_str(&format!(" ≤ {}", n(max)));
    }
    if field.ty == FieldType::Choice {
        let values: Vec<&str> = field.choices.iter().map(|c| c.value.as_str()).collect();
        kind.push_str(&format!(": {}", values.join(", ")));
    }
    if !field.required {
        kind.push_str(lang.pick(", có thể để trống", ", may be blank"));
    }
    kind
}

/// The description of every sheet.
pub fn describe(schema: &Schema, lang: Lang) -> String {
    let mut out = String::new();
    let title = match lang {
        Lang::Vi => &schema.title,
        Lang::En => schema.title_en.as_ref().unwrap_or(&schema.title),
    };
    let _ = writeln!(
        out,
        "\n{}",
        lang.pick(
            format!(
                "Tệp của xã phải có ({title}, {} trang):",
                schema.sheets.len()
            ),
            format!(
                "A commune file must hold ({title}, {} sheet(s)):",
                schema.sheets.len()
            )
        )
    );
    for sheet in &schema.sheets {
        match sheet.kind {
            SheetKind::Form => form(&mut out, sheet, lang),
            SheetKind::List => list(&mut out, sheet, lang),
        }
    }
    out
}

fn sheet_heading(out: &mut String, sheet: &SheetDef, kind: &str, lang: Lang) {
    let names = std::iter::once(&sheet.name)
        .chain(&sheet.aliases)
        .map(|n| format!("“{n}”"))
        .collect::<Vec<_>>()
        .join(", ");
    let need = if sheet.required {
        ""
    } else {
        lang.pick(" (không bắt buộc)", " (optional)")
    };
    let _ = writeln!(out, "\n  {kind} {names}{need}");
    if let Some(title) = &sheet.title {
        let _ = writeln!(out, "    {} {title}", lang.pick("Tiêu đề:", "Title:"));
    }
}

fn form(out: &mut String, sheet: &SheetDef, lang: Lang) {
    sheet_heading(out, sheet, lang.pick("Trang chỉ tiêu", "Form sheet"), lang);
    let _ = writeln!(
        out,
        "    {} {}",
        lang.pick("Dòng tiêu đề bảng:", "Table header:"),
        form_headers(&sheet.columns).join(" | ")
    );
    let _ = writeln!(
        out,
        "    {}",
        lang.pick(
            "Mỗi chỉ tiêu một dòng, nhận theo nhãn (và STT); giá trị ở cột số liệu:",
            "One row per item, found by its label (and STT code); the value in the value column:"
        )
    );
    let mut section: Option<&str> = None;
    for field in &sheet.fields {
        if field.section.as_deref() != section {
            section = field.section.as_deref();
            if let Some(s) = sheet
                .sections
                .iter()
                .find(|s| Some(s.code.as_str()) == section)
            {
                let _ = writeln!(out, "      {}  {}", s.code, s.label);
            }
        }
        let unit = field
            .unit
            .as_deref()
            .map(|u| format!(" [{u}]"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "      {:>5}  {}{unit} — {}",
            field.code.as_deref().unwrap_or("·"),
            field.label_in(lang),
            field_kind(field, lang)
        );
    }
}

fn list(out: &mut String, sheet: &SheetDef, lang: Lang) {
    sheet_heading(out, sheet, lang.pick("Trang danh sách", "List sheet"), lang);
    let header: Vec<&str> = std::iter::once("STT")
        .chain(sheet.fields.iter().map(|f| f.label.as_str()))
        .collect();
    let _ = writeln!(
        out,
        "    {} {}",
        lang.pick("Dòng tiêu đề cột:", "Column header:"),
        header.join(" | ")
    );
    let _ = writeln!(
        out,
        "    {}",
        lang.pick(
            "Mỗi dòng dưới tiêu đề là một bản ghi; các cột:",
            "Each row under the header is one record; the columns:"
        )
    );
    for field in &sheet.fields {
        let _ = writeln!(
            out,
            "      {} — {}",
            field.label_in(lang),
            field_kind(field, lang)
        );
    }
}
