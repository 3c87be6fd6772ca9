//! Feedback workbooks: the unit's own template filled with what it sent,
//! each problem marked on its cell, and a first sheet "Cần sửa" listing the
//! problems with links to their cells; a short workbook for a file that
//! could not be used at all.

use rust_xlsxwriter::{ExcelDateTime, Workbook, Worksheet, XlsxError};

use crate::config::Config;
use crate::model::registry::Unit;
use crate::output::template::{self, Formats, TemplateCell};

/// What a feedback workbook puts back into the template: the values the
/// commune sent and the findings to mark on their cells.
#[derive(Clone, Copy)]
pub(crate) struct Fill<'a> {
    pub data: &'a crate::model::submission::SubmissionData,
    pub findings: &'a [crate::model::finding::Finding],
}

impl Fill<'_> {
    /// The most severe finding on a form field, or on a list field of the
    /// record read from `source_row`.
    pub(super) fn mark(
        &self,
        field: &str,
        source_row: Option<u32>,
    ) -> Option<(crate::model::finding::Severity, String)> {
        self.findings
            .iter()
            .filter(|f| {
                f.field.as_deref() == Some(field)
                    && f.severity != crate::model::finding::Severity::Info
            })
            .filter(|f| {
                source_row.is_none() || f.location.as_ref().and_then(|l| l.row) == source_row
            })
            .max_by_key(|f| f.severity)
            .map(|f| (f.severity, f.message.vi.clone()))
    }
}

/// The first sheet of a feedback workbook.
pub(crate) const FEEDBACK_SHEET: &str = "Cần sửa";

/// Lists the findings, each linked to its cell in this workbook.
pub(super) fn to_fix_sheet(
    ws: &mut Worksheet,
    to: &str,
    findings: &[crate::model::finding::Finding],
    cells: &[(String, Option<u32>, TemplateCell)],
    f: &Formats,
) -> Result<(), XlsxError> {
    to_fix_heading(ws, to, f)?;
    // A form field's cell, or a list field's cell by the record's source row.
    let by_field: std::collections::HashMap<(&str, Option<u32>), &TemplateCell> = cells
        .iter()
        .map(|(id, rec, cell)| ((id.as_str(), *rec), cell))
        .collect();
    let shown = findings
        .iter()
        .filter(|x| x.severity != crate::model::finding::Severity::Info);
    for (row, finding) in (4..).zip(shown) {
        let place = finding.field.as_deref().and_then(|field| {
            let source_row = finding.location.as_ref().and_then(|l| l.row);
            by_field
                .get(&(field, source_row))
                .or_else(|| by_field.get(&(field, None)))
                .map(|cell| (*cell).clone())
        });
        to_fix_row(ws, row, finding, place, f)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9).set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The sheet's title, what to do, and the column headings (row 3).
fn to_fix_heading(ws: &mut Worksheet, to: &str, f: &Formats) -> Result<(), XlsxError> {
    for (col, width) in [(0u16, 5.0), (1, 12.0), (2, 8.0), (3, 10.0), (4, 90.0)] {
        ws.set_column_width(col, width)?;
    }
    ws.merge_range(0, 0, 0, 4, "CÁC ĐIỂM CẦN SỬA TRONG BÁO CÁO", &f.title)?;
    ws.merge_range(
        1,
        0,
        1,
        4,
        &format!("Sửa các ô tô đỏ (lỗi) và ô tô vàng (cảnh báo) ngay trong tệp này, lưu lại và gửi lại cho {to}. Bấm vào nội dung để đến ô cần sửa."),
        &f.italic_center,
    )?;
    for (col, h) in ["STT", "Trang", "Ô", "Mức độ", "Nội dung"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(3, col as u16, *h, &f.header)?;
    }
    Ok(())
}

/// One finding's row: its number, place (linked when the workbook has the
/// cell), severity and message.
fn to_fix_row(
    ws: &mut Worksheet,
    row: u32,
    finding: &crate::model::finding::Finding,
    place: Option<TemplateCell>,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.write_number_with_format(row, 0, f64::from(row - 3), &f.center)?;
    let severity = finding.severity.label(crate::model::finding::Lang::Vi);
    ws.write_string_with_format(row, 3, severity, &f.center)?;
    match place {
        Some((sheet, r, c)) => {
            let a1 = format!(
                "{}{}",
                crate::model::finding::column_name(u32::from(c)),
                r + 1
            );
            ws.write_string_with_format(row, 1, &sheet, &f.label)?;
            ws.write_string_with_format(row, 2, &a1, &f.center)?;
            let url = rust_xlsxwriter::Url::new(format!("internal:'{sheet}'!{a1}"))
                .set_text(&finding.message.vi);
            ws.write_url_with_format(row, 4, url, &f.label)?;
        }
        None => {
            ws.write_string_with_format(row, 1, finding.sheet().unwrap_or(""), &f.label)?;
            ws.write_blank(row, 2, &f.label)?;
            ws.write_string_with_format(row, 4, &finding.message.vi, &f.label)?;
        }
    }
    ws.set_row_height(
        row,
        16.0 * finding.message.vi.chars().count().div_ceil(95).max(1) as f64 + 2.0,
    )?;
    Ok(())
}

/// A short feedback workbook for a file that could not be used at all.
pub(crate) fn feedback_unreadable(
    to: &str,
    file: &str,
    findings: &[crate::model::finding::Finding],
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let f = Formats::new();
    let ws = wb.add_worksheet();
    ws.set_name(FEEDBACK_SHEET)?;
    ws.set_column_width(0, 110.0)?;
    ws.write_string_with_format(0, 0, "TỆP BÁO CÁO CHƯA DÙNG ĐƯỢC", &f.title)?;
    ws.write_string_with_format(1, 0, format!("Tệp: {file}"), &f.plain)?;
    let mut row = 3;
    for finding in findings
        .iter()
        .filter(|x| x.severity != crate::model::finding::Severity::Info)
    {
        ws.write_string_with_format(row, 0, format!("• {}", finding.message.vi), &f.label)?;
        row += 1;
    }
    ws.write_string_with_format(
        row + 1,
        0,
        format!(
            "Hãy sửa theo hướng dẫn trên, lưu thành .xlsx (không đặt mật khẩu) và gửi lại cho {to}."
        ),
        &f.plain,
    )?;
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    wb.save_to_buffer()
}

/// The unit's template filled with what it sent, its problems marked, and a
/// first sheet "Cần sửa" listing them with links to their cells.
pub(crate) fn feedback(
    config: &Config,
    unit: Option<&Unit>,
    fill: Fill<'_>,
) -> Result<Vec<u8>, XlsxError> {
    template::build_with(config, unit, Some(fill))
}
