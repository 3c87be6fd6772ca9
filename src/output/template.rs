//! Blank and per-unit report templates, generated from the schema alone: the
//! official heading, title and period, the table of every form sheet (STT,
//! label, unit of measure, value, note) and every list sheet, the signature
//! block, Excel data validation with Vietnamese input and error messages on
//! every input cell, sheet protection that leaves only input cells editable,
//! a "Hướng dẫn" sheet, and a hidden sheet naming the schema, version, period
//! and unit so that `check` identifies the file before reading any label.
//! `feedback` builds its workbooks with the same sheets, filled.

use std::collections::HashMap;

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::style;
use crate::config::Config;
use crate::model::registry::Unit;
use crate::model::schema::{FieldDef, FieldType, SheetDef, SheetKind};
use crate::model::text::strip_diacritics;
use crate::output::feedback::{FEEDBACK_SHEET, Fill, to_fix_sheet};

/// Where a finding sits in the template: (sheet name, row, column).
pub(crate) type TemplateCell = (String, u32, u16);

use crate::model::schema::META_SHEET;
/// Rows offered in a blank list sheet.
const LIST_ROWS: u32 = 60;
/// Empty rows left under the records of a feedback list, for the commune to
/// add the ones it forgot.
const LIST_SPARE_ROWS: u32 = 20;
/// The header row of form sheets (zero-based), as in pcmd-form.md.
const FORM_HEADER: u32 = 7;
const LIST_HEADER: u32 = 2;

pub(super) struct Formats {
    pub(super) bold_center: Format,
    pub(super) motto_sub: Format,
    pub(super) title: Format,
    pub(super) italic_center: Format,
    pub(super) header: Format,
    pub(super) label: Format,
    pub(super) section: Format,
    pub(super) center: Format,
    pub(super) input: Format,
    pub(super) input_date: Format,
    pub(super) error: Format,
    pub(super) warning: Format,
    pub(super) plain: Format,
    /// Drop-down lists Excel cannot hold in the rule itself (an item with a
    /// comma, or more than 255 characters in all), by field id: the range
    /// of the hidden sheet that holds them (`'_tonghop'!$D$1:$D$12`).
    pub(super) list_ranges: HashMap<String, String>,
}

impl Formats {
    pub(super) fn new() -> Formats {
        let base = style::base();
        let cell = style::cell();
        Formats {
            bold_center: style::bold_center(),
            motto_sub: style::motto_sub(),
            title: style::title(),
            italic_center: style::italic_center(),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center),
            label: cell.clone().set_text_wrap(),
            section: cell.clone().set_bold().set_text_wrap(),
            center: cell.clone().set_align(FormatAlign::Center),
            input: cell
                .clone()
                .set_unlocked()
                .set_background_color(rust_xlsxwriter::Color::RGB(0xFFF9E5)),
            input_date: cell
                .set_unlocked()
                .set_num_format("dd/mm/yyyy")
                .set_background_color(rust_xlsxwriter::Color::RGB(0xFFF9E5)),
            error: base
                .clone()
                .set_border(FormatBorder::Thin)
                .set_unlocked()
                .set_background_color(rust_xlsxwriter::Color::RGB(0xFFC7CE)),
            warning: base
                .clone()
                .set_border(FormatBorder::Thin)
                .set_unlocked()
                .set_background_color(rust_xlsxwriter::Color::RGB(0xFFEB9C)),
            plain: base,
            list_ranges: HashMap::new(),
        }
    }
}

/// Excel's limit on a drop-down list written in the rule itself, commas
/// between the items included.
const INLINE_LIST_MAX: usize = 255;

/// The words a field's drop-down offers: its choices, or its yes/no words.
fn drop_down_items(field: &FieldDef) -> Vec<&str> {
    match field.ty {
        FieldType::YesNo => yes_no_list(&field.words),
        FieldType::Choice => field.choices.iter().map(|c| c.value.as_str()).collect(),
        _ => Vec::new(),
    }
}

/// Whether Excel can hold the items in the rule itself: it splits them at
/// every comma and allows 255 characters.
fn fits_inline(items: &[&str]) -> bool {
    let length: usize = items.iter().map(|i| i.chars().count() + 1).sum();
    !items.iter().any(|i| i.contains(',')) && length.saturating_sub(1) <= INLINE_LIST_MAX
}

/// The drop-down lists that do not fit inline, each in its own column of
/// the hidden sheet from column D on, in schema order: (field id, items).
fn hidden_lists(config: &Config) -> Vec<(String, Vec<&str>)> {
    config
        .schema
        .sheets
        .iter()
        .flat_map(|s| &s.fields)
        .map(|f| (f.id().to_string(), drop_down_items(f)))
        .filter(|(_, items)| !items.is_empty() && !fits_inline(items))
        .collect()
}

/// The first column of the hidden sheet that holds drop-down lists.
const HIDDEN_LIST_COL: u16 = 3;

/// Each hidden list's range, as a data validation's formula names it.
fn list_ranges(lists: &[(String, Vec<&str>)]) -> HashMap<String, String> {
    lists
        .iter()
        .enumerate()
        .map(|(k, (id, items))| {
            let col = crate::model::finding::column_name(u32::from(HIDDEN_LIST_COL) + k as u32);
            let range = format!("='{META_SHEET}'!${col}$1:${col}${}", items.len());
            (id.clone(), range)
        })
        .collect()
}

/// "Xã Khánh Yên Thượng" → "KhanhYenThuong", safe in any file system and email.
pub(crate) fn ascii_name(unit: &Unit) -> String {
    let base = crate::model::registry::base_name(&unit.name);
    strip_diacritics(&base)
        .split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .filter(|w| w.chars().all(|c| c.is_ascii_alphanumeric()))
        .collect()
}

/// File name of a template: `pcmd-2023-mau.xlsx` or `pcmd-2023-03082-KhanhYenThuong.xlsx`.
pub(crate) fn file_name(config: &Config, unit: Option<&Unit>) -> String {
    let stem = format!("{}-{}", config.schema.id(), config.period.id());
    match unit {
        Some(u) => format!(
            "{stem}-{}-{}.xlsx",
            u.code
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>(),
            ascii_name(u)
        ),
        None => format!("{stem}-mau.xlsx"),
    }
}

fn type_hint(field: &FieldDef) -> (String, String) {
    if let Some(derived) = field.column.as_ref().and_then(|c| c.derived.as_ref()) {
        return (
            format!(
                "Ghi kết quả của {}, làm tròn; để trống khi không tính được.",
                derived.readable
            ),
            "Số (tính)".into(),
        );
    }
    let min = field.min.map(crate::model::values::format_number);
    match field.ty {
        FieldType::Integer => (
            format!(
                "Nhập số nguyên{}; nếu không có, ghi 0.",
                min.as_ref()
                    .map(|m| format!(" từ {m} trở lên"))
                    .unwrap_or_default()
            ),
            "Số nguyên".into(),
        ),
        FieldType::Number => (
            "Nhập một số; dấu phẩy là dấu thập phân.".into(),
            "Số".into(),
        ),
        FieldType::Text => ("Nhập chữ.".into(), "Chữ".into()),
        FieldType::YesNo => yes_no_hint(&field.words),
        FieldType::Date => ("Nhập ngày dạng dd/mm/yyyy.".into(), "Ngày".into()),
        FieldType::Choice => {
            let list = field
                .choices
                .iter()
                .map(|c| c.value.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            (format!("Chọn một trong: {list}."), "Danh mục".into())
        }
    }
}

/// How a yes/no cell is answered: "Chọn Có hoặc Không.", or a tick column's
/// "Ghi “x” nếu có, để trống nếu không."
fn yes_no_hint(words: &crate::model::schema::YesNoWords) -> (String, String) {
    let (yes, no) = (words.word(true), words.word(false));
    if no.is_empty() || words.blank == Some(false) {
        (
            format!("Ghi “{yes}” nếu có, để trống nếu không."),
            format!("{yes}/(trống)"),
        )
    } else {
        (format!("Chọn {yes} hoặc {no}."), format!("{yes}/{no}"))
    }
}

/// The words a yes/no cell's drop-down offers.
fn yes_no_list(words: &crate::model::schema::YesNoWords) -> Vec<&str> {
    [words.word(true), words.word(false)]
        .into_iter()
        .filter(|w| !w.is_empty())
        .collect()
}

/// Excel allows 32 characters in a validation title.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        text.chars().take(max - 1).collect::<String>() + "…"
    }
}

fn validation(field: &FieldDef, f: &Formats) -> Result<DataValidation, XlsxError> {
    let (hint, _) = type_hint(field);
    let dv = DataValidation::new();
    let dv = match (field.ty, f.list_ranges.get(field.id())) {
        (FieldType::YesNo | FieldType::Choice, Some(range)) => {
            dv.allow_list_formula(rust_xlsxwriter::Formula::new(range))
        }
        _ => typed_validation(field, dv)?,
    };
    dv.set_input_title(short(&field.label, 32))?
        .set_input_message(short(&hint, 250))?
        .set_error_title("Giá trị không hợp lệ")?
        .set_error_message(short(&format!("{}: {hint}", field.label), 250))
        .map(|dv| dv.set_error_style(DataValidationErrorStyle::Stop))
}

/// The rule of a field's type: bounds, a drop-down written in the rule, a
/// date.
fn typed_validation(field: &FieldDef, dv: DataValidation) -> Result<DataValidation, XlsxError> {
    Ok(match field.ty {
        FieldType::Integer => dv.allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(
            field.min.unwrap_or(-1e9) as i32,
        )),
        FieldType::Number => dv.allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(
            field.min.unwrap_or(-1e15),
        )),
        FieldType::YesNo => dv.allow_list_strings(&yes_no_list(&field.words))?,
        FieldType::Choice => dv.allow_list_strings(
            &field
                .choices
                .iter()
                .map(|c| c.value.as_str())
                .collect::<Vec<_>>(),
        )?,
        FieldType::Date => dv.allow_date(DataValidationRule::GreaterThanOrEqualTo(
            ExcelDateTime::from_ymd(1990, 1, 1)?,
        )),
        FieldType::Text => dv.allow_any_value(),
    })
}

/// The issuing body over columns 0..=`split`, the national motto over the rest.
fn heading(
    ws: &mut Worksheet,
    split: u16,
    last_col: u16,
    unit: Option<&Unit>,
    f: &Formats,
) -> Result<(), XlsxError> {
    let issuer = match unit {
        Some(u) => format!("UBND {}", u.name.to_uppercase()),
        None => "UBND XÃ …………………".to_string(),
    };
    ws.merge_range(0, 0, 0, split, &issuer, &f.bold_center)?;
    ws.merge_range(
        0,
        split + 1,
        0,
        last_col.max(split + 1),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        &f.bold_center,
    )?;
    ws.merge_range(
        1,
        split + 1,
        1,
        last_col.max(split + 1),
        "Độc lập - Tự do - Hạnh phúc",
        &f.motto_sub,
    )?;
    Ok(())
}

fn signature(ws: &mut Worksheet, row: u32, last_col: u16, f: &Formats) -> Result<(), XlsxError> {
    let split = (last_col / 2).max(1);
    style::merge(
        ws,
        row,
        split + 1,
        last_col.max(split + 1),
        "…………, ngày … tháng … năm …",
        &f.italic_center,
    )?;
    ws.merge_range(row + 1, 0, row + 1, split, "NGƯỜI LẬP BIỂU", &f.bold_center)?;
    style::merge(
        ws,
        row + 1,
        split + 1,
        last_col.max(split + 1),
        "CHỦ TỊCH",
        &f.bold_center,
    )?;
    Ok(())
}

fn print_setup(ws: &mut Worksheet, header_row: u32, landscape: bool) -> Result<(), XlsxError> {
    ws.set_paper_size(9)
        .set_print_fit_to_pages(1, 0)
        .set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    if landscape {
        ws.set_landscape();
    }
    ws.set_repeat_rows(header_row, header_row)?;
    Ok(())
}

/// Writes one input cell: blank, or the value the commune sent (as typed when
/// it could not be read), highlighted with a note when a finding is on it.
fn input_cell(
    ws: &mut Worksheet,
    (row, col): (u32, u16),
    field: &FieldDef,
    sent: Option<&crate::model::submission::FieldValue>,
    mark: Option<(crate::model::finding::Severity, String)>,
    f: &Formats,
) -> Result<(), XlsxError> {
    let marked = mark
        .as_ref()
        .map(|(severity, _)| marked_format(*severity, field, f));
    let format = marked.as_ref().unwrap_or(if field.ty == FieldType::Date {
        &f.input_date
    } else {
        &f.input
    });
    write_sent(ws, (row, col), field, sent, format)?;
    if let Some((_, message)) = mark {
        let note = rust_xlsxwriter::Note::new(message)
            .set_author("tonghop")
            .set_width(360)
            .set_height(120);
        ws.insert_note(row, col, &note)?;
    }
    Ok(())
}

/// An input cell's format when a finding is on it: red for an error,
/// yellow for a warning, as a date for a date field.
fn marked_format(
    severity: crate::model::finding::Severity,
    field: &FieldDef,
    f: &Formats,
) -> rust_xlsxwriter::Format {
    let format = match severity {
        crate::model::finding::Severity::Error => f.error.clone(),
        _ => f.warning.clone(),
    };
    if field.ty == FieldType::Date {
        format.set_num_format("dd/mm/yyyy")
    } else {
        format
    }
}

/// The value the commune sent, as its type, else as typed; blank without.
fn write_sent(
    ws: &mut Worksheet,
    (row, col): (u32, u16),
    field: &FieldDef,
    sent: Option<&crate::model::submission::FieldValue>,
    format: &rust_xlsxwriter::Format,
) -> Result<(), XlsxError> {
    use crate::model::values::Value;
    match sent.and_then(|s| s.value.as_ref()) {
        Some(Value::Int(i)) => ws.write_number_with_format(row, col, *i as f64, format)?,
        Some(Value::Num(n)) => ws.write_number_with_format(row, col, *n, format)?,
        Some(Value::Date(d)) => {
            let dt = ExcelDateTime::from_ymd(
                u16::try_from(chrono::Datelike::year(d)).unwrap_or(1900),
                chrono::Datelike::month(d) as u8,
                chrono::Datelike::day(d) as u8,
            )?;
            ws.write_datetime_with_format(row, col, &dt, format)?
        }
        // An answer in the form's own words ("Đạt"), as its drop-down offers.
        Some(Value::Bool(b)) => match field.words.word(*b) {
            "" => ws.write_blank(row, col, format)?,
            word => ws.write_string_with_format(row, col, word, format)?,
        },
        Some(other) => ws.write_string_with_format(row, col, other.display(), format)?,
        None => match sent
            .map(|s| crate::model::text::clean(&s.raw()))
            .filter(|r| !r.is_empty())
        {
            Some(raw) => ws.write_string_with_format(row, col, raw, format)?,
            None => ws.write_blank(row, col, format)?,
        },
    };
    Ok(())
}

/// The form table's header cells, each the first label the schema gives for
/// its column (`columns`), so that `check` finds the header it wrote; the
/// columns `check` does not need fall back to the usual words when the
/// schema gives them no label.
pub(crate) fn form_headers(columns: &crate::model::schema::FormColumns) -> [&str; 5] {
    fn first<'a>(labels: &'a [String], fallback: &'a str) -> &'a str {
        labels.first().map(String::as_str).unwrap_or(fallback)
    }
    [
        first(&columns.code, "STT"),
        first(&columns.label, "Chỉ tiêu"),
        first(&columns.unit, "Đơn vị tính"),
        first(&columns.value, "Số liệu"),
        first(&columns.note, "Ghi chú"),
    ]
}

/// The value columns of a form sheet: its declared ones, or the one
/// `columns.value` names.
fn value_headers(def: &SheetDef) -> Vec<&str> {
    if def.value_columns.is_empty() {
        vec![form_headers(&def.columns)[3]]
    } else {
        def.value_columns.iter().map(|c| c.label.as_str()).collect()
    }
}

fn form_sheet(
    ws: &mut Worksheet,
    def: &SheetDef,
    config: &Config,
    unit: Option<&Unit>,
    fill: Option<Fill<'_>>,
    cells: &mut Vec<(String, Option<u32>, TemplateCell)>,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(&def.name)?;
    let values = value_headers(def);
    let note_col = 3 + values.len() as u16;
    form_top(ws, def, config, unit, note_col, f)?;
    let headers = form_headers(&def.columns);
    let header_cells = headers[..3]
        .iter()
        .chain(&values)
        .chain(std::iter::once(&headers[4]));
    for (col, h) in header_cells.enumerate() {
        ws.write_string_with_format(FORM_HEADER, col as u16, *h, &f.header)?;
    }
    ws.set_row_height(FORM_HEADER, 32)?;
    let mut row = FORM_HEADER + 1;
    let mut current_section: Option<&str> = None;
    for (i, field) in def.fields.iter().enumerate().filter(|(_, f)| f.is_row()) {
        if field.section.as_deref() != current_section {
            current_section = field.section.as_deref();
            if let Some(section) = def
                .sections
                .iter()
                .find(|s| Some(s.code.as_str()) == current_section)
            {
                ws.write_string_with_format(row, 0, &section.code, &f.section)?;
                ws.merge_range(row, 1, row, note_col, &section.label, &f.section)?;
                row += 1;
            }
        }
        form_row(ws, def, i, (row, note_col), fill, cells, f)?;
        row += 1;
    }
    signature(ws, row + 1, note_col, f)?;
    ws.protect();
    print_setup(ws, FORM_HEADER, false)
}

/// Column widths, heading, title, period and reporting unit of a form sheet.
fn form_top(
    ws: &mut Worksheet,
    def: &SheetDef,
    config: &Config,
    unit: Option<&Unit>,
    note_col: u16,
    f: &Formats,
) -> Result<(), XlsxError> {
    let widths = [(0u16, 6.0), (1, 56.0), (2, 12.0)]
        .into_iter()
        .chain((3..note_col).map(|c| (c, 12.0)))
        .chain(std::iter::once((note_col, 20.0)));
    for (col, width) in widths {
        ws.set_column_width(col, width)?;
    }
    heading(ws, 1, note_col, unit, f)?;
    let title = def
        .title
        .clone()
        .unwrap_or_else(|| config.schema.title.to_uppercase());
    ws.merge_range(3, 0, 3, note_col, &title, &f.title)?;
    ws.set_row_height(3, 36)?;
    ws.merge_range(
        4,
        0,
        4,
        note_col,
        &format!("Kỳ báo cáo: {}", config.period.label_vi()),
        &f.italic_center,
    )?;
    ws.write_string_with_format(5, 0, "Đơn vị báo cáo:", &f.plain)?;
    match unit {
        Some(u) => ws.write_string_with_format(5, 2, &u.name, &f.plain)?,
        None => ws.write_string_with_format(5, 2, "", &f.input)?,
    };
    Ok(())
}

/// One form row: STT, label, unit of measure, an input cell per value
/// column the row has (blank where it has none), the note.
fn form_row(
    ws: &mut Worksheet,
    def: &SheetDef,
    first: usize,
    (row, note_col): (u32, u16),
    fill: Option<Fill<'_>>,
    cells: &mut Vec<(String, Option<u32>, TemplateCell)>,
    f: &Formats,
) -> Result<(), XlsxError> {
    let field = &def.fields[first];
    ws.write_string_with_format(row, 0, field.code.as_deref().unwrap_or(""), &f.center)?;
    ws.write_string_with_format(row, 1, &field.label, &f.label)?;
    ws.set_row_height(
        row,
        16.0 * field.label.chars().count().div_ceil(62).max(1) as f64 + 2.0,
    )?;
    ws.write_string_with_format(row, 2, field.unit.as_deref().unwrap_or(""), &f.center)?;
    let values: Vec<&FieldDef> = std::iter::once(field)
        .chain(def.fields[first + 1..].iter().take_while(|v| !v.is_row()))
        .collect();
    let col_of = |v: &FieldDef| 3 + v.column.as_ref().map_or(0, |c| c.index) as u16;
    // A column this row does not have stays a bordered, locked blank.
    for col in (3..note_col).filter(|c| !values.iter().any(|v| col_of(v) == *c)) {
        ws.write_blank(row, col, &f.center)?;
    }
    for value in values {
        let col = col_of(value);
        let sent = fill.and_then(|fl| fl.data.form.get(value.id()));
        let mark = fill.and_then(|fl| fl.mark(value.id(), None));
        input_cell(ws, (row, col), value, sent, mark, f)?;
        cells.push((value.id().to_string(), None, (def.name.clone(), row, col)));
        ws.add_data_validation(row, col, row, col, &validation(value, f)?)?;
    }
    ws.write_blank(row, note_col, &f.input)?;
    Ok(())
}

/// How many input rows a list sheet offers: the blank template's 60, or
/// every record the commune sent and some spare rows when that is more, so
/// that a feedback file keeps them all.
fn list_rows(records: usize) -> u32 {
    let records = u32::try_from(records).unwrap_or(u32::MAX);
    LIST_ROWS.max(records.saturating_add(LIST_SPARE_ROWS))
}

fn list_sheet(
    ws: &mut Worksheet,
    def: &SheetDef,
    fill: Option<Fill<'_>>,
    cells: &mut Vec<(String, Option<u32>, TemplateCell)>,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(&def.name)?;
    let last_col = def.fields.len() as u16;
    ws.set_column_width(0, 6.0)?;
    for (i, field) in def.fields.iter().enumerate() {
        let width = match field.ty {
            FieldType::Text => 28.0,
            FieldType::Date => 14.0,
            _ => 13.0,
        };
        ws.set_column_width(1 + i as u16, width)?;
    }
    let title = def.title.clone().unwrap_or_else(|| def.name.to_uppercase());
    ws.merge_range(0, 0, 0, last_col, &title, &f.title)?;
    ws.set_row_height(0, 36)?;
    ws.write_string_with_format(LIST_HEADER, 0, "STT", &f.header)?;
    for (i, field) in def.fields.iter().enumerate() {
        ws.write_string_with_format(LIST_HEADER, 1 + i as u16, &field.label, &f.header)?;
    }
    ws.set_row_height(LIST_HEADER, 32)?;
    let records = fill
        .and_then(|fl| fl.data.lists.get(def.id()))
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let first = LIST_HEADER + 1;
    let last = LIST_HEADER + list_rows(records.len());
    for row in first..=last {
        let record = records.get((row - first) as usize);
        match record {
            Some(_) => ws.write_number_with_format(row, 0, f64::from(row - first + 1), &f.input)?,
            None => ws.write_blank(row, 0, &f.input)?,
        };
        for (i, field) in def.fields.iter().enumerate() {
            let col = 1 + i as u16;
            let sent = record.and_then(|r| r.values.get(field.id()));
            let mark = record.and_then(|r| fill.and_then(|fl| fl.mark(field.id(), Some(r.row))));
            input_cell(ws, (row, col), field, sent, mark, f)?;
            if let Some(r) = record {
                cells.push((
                    field.id().to_string(),
                    Some(r.row),
                    (def.name.clone(), row, col),
                ));
            }
        }
    }
    for (i, field) in def.fields.iter().enumerate() {
        let col = 1 + i as u16;
        ws.add_data_validation(first, col, last, col, &validation(field, f)?)?;
    }
    signature(ws, last + 2, last_col, f)?;
    ws.protect();
    print_setup(ws, LIST_HEADER, true)
}

fn instructions(ws: &mut Worksheet, config: &Config, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Hướng dẫn")?;
    let row = instructions_heading(ws, config, f)?;
    let row = field_guide(ws, config, row + 2, f)?;
    rule_guide(ws, config, row + 2, f)?;
    print_setup(ws, 0, false)
}

/// The title, the period and the deadline; returns the last row written.
fn instructions_heading(
    ws: &mut Worksheet,
    config: &Config,
    f: &Formats,
) -> Result<u32, XlsxError> {
    for (col, width) in [
        (0u16, 24.0),
        (1, 8.0),
        (2, 50.0),
        (3, 12.0),
        (4, 12.0),
        (5, 44.0),
    ] {
        ws.set_column_width(col, width)?;
    }
    ws.merge_range(
        0,
        0,
        0,
        5,
        &format!("HƯỚNG DẪN ĐIỀN {}", config.schema.title.to_uppercase()),
        &f.title,
    )?;
    ws.set_row_height(0, 36)?;
    let mut row = 1;
    ws.merge_range(
        row,
        0,
        row,
        5,
        &format!("Kỳ báo cáo: {}", config.period.label_vi()),
        &f.italic_center,
    )?;
    if let Some(deadline) = config.deadline {
        row += 1;
        ws.merge_range(
            row,
            0,
            row,
            5,
            &format!("Hạn nộp: {}", deadline.format("%d/%m/%Y")),
            &f.bold_center,
        )?;
    }
    Ok(row)
}

/// One row per field from `row`: its sheet, code, label, type, unit and
/// how to write it. Returns the last row written.
fn field_guide(
    ws: &mut Worksheet,
    config: &Config,
    mut row: u32,
    f: &Formats,
) -> Result<u32, XlsxError> {
    for (col, h) in [
        "Trang",
        "STT",
        "Chỉ tiêu",
        "Kiểu",
        "Đơn vị tính",
        "Cách ghi",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(row, col as u16, *h, &f.header)?;
    }
    for def in &config.schema.sheets {
        for field in &def.fields {
            row += 1;
            let (hint, kind) = type_hint(field);
            let help = field
                .help
                .as_ref()
                .map(|h| format!("{hint} {h}"))
                .unwrap_or(hint);
            let cells = [
                def.name.as_str(),
                field.code.as_deref().unwrap_or(""),
                &field.label_in(crate::model::finding::Lang::Vi),
                &kind,
                field.unit.as_deref().unwrap_or(""),
                &help,
            ];
            for (col, text) in cells.iter().enumerate() {
                ws.write_string_with_format(row, col as u16, *text, &f.label)?;
            }
            ws.set_row_height(
                row,
                16.0 * field.label.chars().count().div_ceil(48).max(1) as f64 + 2.0,
            )?;
        }
    }
    Ok(row)
}

/// The schema's rules from `row`, each with its severity and its message
/// without the figures (which are the commune's).
fn rule_guide(
    ws: &mut Worksheet,
    config: &Config,
    mut row: u32,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.merge_range(
        row,
        0,
        row,
        5,
        "Các điều kiện sẽ được kiểm tra khi tổng hợp",
        &f.section,
    )?;
    for rule in &config.schema.rules {
        row += 1;
        let severity = match rule.severity {
            crate::model::finding::Severity::Error => "Lỗi",
            _ => "Cảnh báo",
        };
        ws.write_string_with_format(row, 0, severity, &f.label)?;
        let text = rule
            .message
            .split(['{'])
            .next()
            .unwrap_or(&rule.message)
            .trim_end_matches([' ', '('])
            .to_string();
        let text = if text.is_empty() {
            &rule.message
        } else {
            &text
        };
        ws.merge_range(
            row,
            1,
            row,
            5,
            &format!("{}: {text}", rule.id.get_ref()),
            &f.label,
        )?;
    }
    Ok(())
}

fn meta_sheet(ws: &mut Worksheet, config: &Config, unit: Option<&Unit>) -> Result<(), XlsxError> {
    ws.set_name(META_SHEET)?;
    let rows = [
        ("schema", config.schema.id().to_string()),
        ("version", config.schema.version.clone()),
        ("period", config.period.id()),
        ("unit", unit.map(|u| u.code.clone()).unwrap_or_default()),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        ws.write_string(i as u32, 0, *k)?;
        ws.write_string(i as u32, 1, v)?;
    }
    ws.set_hidden(true);
    Ok(())
}

/// One template workbook, blank or for a unit.
pub(crate) fn build(config: &Config, unit: Option<&Unit>) -> Result<Vec<u8>, XlsxError> {
    build_with(config, unit, None)
}

pub(super) fn build_with(
    config: &Config,
    unit: Option<&Unit>,
    fill: Option<Fill<'_>>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let lists = hidden_lists(config);
    let mut f = Formats::new();
    f.list_ranges = list_ranges(&lists);
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(format!(
                "{} — {}",
                config.schema.title,
                config.period.label_vi()
            ))
            .set_author(format!("tonghop {}", env!("CARGO_PKG_VERSION")))
            .set_creation_datetime(&ExcelDateTime::from_ymd(
                config.period.year.clamp(1900, 9999) as u16,
                1,
                1,
            )?),
    );
    if fill.is_some() {
        wb.add_worksheet().set_name(FEEDBACK_SHEET)?;
    }
    let mut cells = Vec::new();
    for def in &config.schema.sheets {
        let ws = wb.add_worksheet();
        match def.kind {
            SheetKind::Form => form_sheet(ws, def, config, unit, fill, &mut cells, &f)?,
            SheetKind::List => list_sheet(ws, def, fill, &mut cells, &f)?,
        }
    }
    if let Some(fill) = fill {
        let ws = wb.worksheet_from_name(FEEDBACK_SHEET)?;
        to_fix_sheet(
            ws,
            config.level.consolidator_vi(),
            fill.findings,
            &cells,
            &f,
        )?;
    }
    instructions(wb.add_worksheet(), config, &f)?;
    let meta = wb.add_worksheet();
    meta_sheet(meta, config, unit)?;
    for (k, (_, items)) in lists.iter().enumerate() {
        for (row, item) in items.iter().enumerate() {
            meta.write_string(row as u32, HIDDEN_LIST_COL + k as u16, *item)?;
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_names() {
        let unit = |name: &str| Unit::named("1", name);
        assert_eq!(ascii_name(&unit("Xã Khánh Yên Thượng")), "KhanhYenThuong");
        assert_eq!(ascii_name(&unit("Thị trấn Khánh Yên")), "KhanhYen");
        assert_eq!(ascii_name(&unit("Xã Hoà Mạc")), "HoaMac");
        assert_eq!(ascii_name(&unit("Xã ../..\\CON")), "Con");
    }

    #[test]
    fn a_list_of_two_fields_gets_a_template() {
        // The signature block of a three-column list sheet (STT + two
        // fields) is one column wide on the right: no one-cell merge.
        let schema = crate::model::schema::Schema::parse(
            r#"
id = "hai_cot"
title = "Danh sách hai cột"
version = "1"
period = "year"
[[sheets]]
id = "ds"
kind = "list"
name = "Danh sách"
[[sheets.fields]]
id = "ten"
label = "Họ và tên"
type = "text"
[[sheets.fields]]
id = "so"
label = "Số nhân khẩu"
type = "integer"
"#,
            std::path::Path::new("hai_cot.toml"),
        )
        .expect("the schema loads");
        let registry =
            crate::model::registry::Registry::new(Vec::new(), std::path::Path::new("u.csv"));
        let period = crate::model::period::Period::year(2024);
        let config = Config::new(schema, registry, period);
        let bytes = build(&config, None).expect("the template is written");
        assert!(bytes.starts_with(b"PK"));
    }
}
