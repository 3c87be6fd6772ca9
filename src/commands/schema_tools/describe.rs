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

/// A field's type with its bounds and choices: "số nguyên ≥ 0"; a yes/no
/// in the form's own words ("Đạt/Chưa đạt", "x/(trống)").
fn field_kind(field: &FieldDef, lang: Lang) -> String {
    let words = &field.words;
    let mut kind = if field.ty == FieldType::YesNo && words.declared {
        let no = match words.word(false) {
            "" => lang.pick("(trống)", "(blank)"),
            no => no,
        };
        format!("{}/{no}", words.word(true))
    } else {
        type_word(field.ty, lang).to_string()
    };
    let n = crate::model::values::format_number;
    if let Some(min) = field.min {
        kind.push_str(&format!(" ≥ {}", n(min)));
    }
    if let Some(max) = field.max {
        kind.push_str(&format!(" ≤ {}", n(max)));
    }
    if field.ty == FieldType::Choice {
        // Quoted: a choice may hold a comma ("Tại gia đình, cộng đồng").
        let values: Vec<String> = field
            .choices
            .iter()
            .map(|c| format!("“{}”", c.value))
            .collect();
        kind.push_str(&format!(": {}", values.join(", ")));
    }
    if !field.required {
        kind.push_str(lang.pick(", có thể để trống", ", may be blank"));
    }
    kind
}

/// The description of every sheet.
pub(super) fn describe(schema: &Schema, lang: Lang) -> String {
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
    let headers = form_headers(&sheet.columns);
    let values: Vec<&str> = if sheet.value_columns.is_empty() {
        vec![headers[3]]
    } else {
        sheet
            .value_columns
            .iter()
            .map(|c| c.label.as_str())
            .collect()
    };
    let header: Vec<&str> = headers[..3]
        .iter()
        .copied()
        .chain(values)
        .chain(std::iter::once(headers[4]))
        .collect();
    let _ = writeln!(
        out,
        "    {} {}",
        lang.pick("Dòng tiêu đề bảng:", "Table header:"),
        header.join(" | ")
    );
    value_columns(out, sheet, lang);
    let _ = writeln!(
        out,
        "    {}",
        lang.pick(
            "Mỗi chỉ tiêu một dòng, nhận theo nhãn (và STT); giá trị ở cột số liệu:",
            "One row per item, found by its label (and STT code); the value in the value column:"
        )
    );
    let mut section: Option<&str> = None;
    for (i, field) in sheet.fields.iter().enumerate().filter(|(_, f)| f.is_row()) {
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
        form_row(out, sheet, i, lang);
    }
}

/// The value columns of a sheet that has several: each header with the
/// other headers it is found under, its type, and how a derived one is
/// computed.
fn value_columns(out: &mut String, sheet: &SheetDef, lang: Lang) {
    if sheet.value_columns.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "    {}",
        lang.pick("Các cột số liệu:", "The value columns:")
    );
    for column in &sheet.value_columns {
        let mut line = format!("      “{}”", column.label);
        if !column.aliases.is_empty() {
            let aliases: Vec<String> = column.aliases.iter().map(|a| format!("“{a}”")).collect();
            line.push_str(&format!(
                " {} {}",
                lang.pick("hoặc", "or"),
                aliases.join(", ")
            ));
        }
        let kind = match (&column.derived, column.ty) {
            (Some(expr), _) => format!(
                "{} = {}",
                lang.pick("tính", "computed"),
                readable(sheet, column.id()).unwrap_or(expr.get_ref())
            ),
            (None, Some(ty)) => type_word(ty, lang).to_string(),
            (None, None) => lang.pick("theo kiểu của dòng", "the row's type").into(),
        };
        let _ = writeln!(out, "{line} — {kind}");
    }
}

/// How a derived column is computed, over the columns' headers.
fn readable<'a>(sheet: &'a SheetDef, column: &str) -> Option<&'a str> {
    sheet.fields.iter().find_map(|f| {
        let c = f.column.as_ref().filter(|c| c.column == column)?;
        c.derived.as_ref().map(|d| d.readable.as_str())
    })
}

/// One form row: STT, label, unit, type, and the value columns it has when
/// the sheet has several.
fn form_row(out: &mut String, sheet: &SheetDef, first: usize, lang: Lang) {
    let field = &sheet.fields[first];
    let unit = field
        .unit
        .as_deref()
        .map(|u| format!(" [{u}]"))
        .unwrap_or_default();
    let columns: Vec<&str> = sheet.fields[first..]
        .iter()
        .take_while(|f| std::ptr::eq(*f, field) || !f.is_row())
        .filter_map(|f| f.column.as_ref().map(|c| c.label.as_str()))
        .collect();
    let columns = if columns.is_empty() {
        String::new()
    } else {
        format!(" ({}: {})", lang.pick("cột", "columns"), columns.join(", "))
    };
    let label = field.column.as_ref().map_or(field.label_in(lang), |_| {
        match lang {
            Lang::En => field.label_en.as_deref().unwrap_or(&field.label),
            Lang::Vi => &field.label,
        }
        .into()
    });
    let _ = writeln!(
        out,
        "      {:>5}  {label}{unit} — {}{columns}",
        field.code.as_deref().unwrap_or("·"),
        field_kind(field, lang)
    );
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
            "      {} — {}{}",
            field.label_in(lang),
            field_kind(field, lang),
            split_words(sheet, field, lang)
        );
    }
    list_shape(out, sheet, lang);
}

/// How a field split over sub-columns is written: "; or under Nam | Nữ".
fn split_words(sheet: &SheetDef, field: &FieldDef, lang: Lang) -> String {
    let Some(by) = &field.split_by else {
        return String::new();
    };
    let Some(choice) = sheet.fields.iter().find(|f| f.id() == by.get_ref()) else {
        return String::new();
    };
    let heads: Vec<&str> = choice.choices.iter().map(|c| c.value.as_str()).collect();
    lang.pick(
        format!(
            "; hoặc ghi dưới một trong các cột con {}",
            heads.join(" | ")
        ),
        format!("; or under one of the sub-columns {}", heads.join(" | ")),
    )
}

/// A list's keys and whether it may go on over further sheets.
fn list_shape(out: &mut String, sheet: &SheetDef, lang: Lang) {
    for key in &sheet.keys {
        let labels: Vec<String> = key
            .fields
            .iter()
            .filter_map(|id| sheet.fields.iter().find(|f| f.id() == id.get_ref()))
            .map(|f| f.label_in(lang).into_owned())
            .collect();
        let across = if key.across_units {
            lang.pick(", cả giữa các xã", ", also between units")
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "    {} {}{across}",
            lang.pick("Không trùng nhau theo:", "No two records alike in:"),
            labels.join(" + ")
        );
    }
    if sheet.continued {
        let _ = writeln!(
            out,
            "    {}",
            lang.pick(
                "Danh sách dài có thể ghi tiếp sang trang sau, cùng dòng tiêu đề.",
                "A long list may go on over further sheets with the same header."
            )
        );
    }
}
