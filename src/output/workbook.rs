//! The consolidated workbook an auditor opens: per-unit table with live total
//! formulas, indicators, list sections, submission status, findings and
//! provenance. It only lays out what `consolidate` computed; every total
//! formula stores the polars total as its cached result so the figures show
//! in any viewer. Text from communes is always written as a string.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Formula, Workbook, Worksheet, XlsxError,
};

mod charts;
mod compare;

use super::style::{self, merge};
use crate::check::timeliness;
use crate::config::Config;
use crate::consolidate::{Consolidated, Counted, counted};
use crate::model::finding::{Finding, Lang, column_name};
use crate::model::frame::{Columns, Out, get, out_of_value};
use crate::model::level::Reporting;
use crate::model::registry::Unit;
use crate::model::schema::{
    Display, FieldDef, FieldType, IndicatorDef, SheetDef, SheetKind, rewrite_names,
};
use crate::model::submission::{CheckResult, Record, Resubmission, Submission, UnitStatus};
use crate::model::values::{Decimals, MAX_DECIMALS, format_count, format_number};

const A4: u8 = 9;
/// The row (0-based) of every table's column headings.
pub(crate) const HEADER_ROW: u32 = 7;
/// The sheet naming the sources and the run's parameters.
pub(crate) const SOURCES_SHEET: &str = "Nguồn";

struct Formats {
    org: Format,
    motto: Format,
    motto_sub: Format,
    title: Format,
    subtitle: Format,
    note: Format,
    header: Format,
    text: Format,
    wrap: Format,
    center: Format,
    int: Format,
    /// Numbers with 0…MAX_DECIMALS decimals, thousands grouped.
    nums: Vec<Format>,
    date: Format,
    total_label: Format,
    total_nums: Vec<Format>,
}

impl Formats {
    fn new() -> Formats {
        let base = style::base();
        let cell = style::cell();
        Formats {
            org: style::bold_center(),
            motto: style::bold_center(),
            motto_sub: style::motto_sub(),
            title: style::title(),
            subtitle: style::italic_center(),
            note: base.clone().set_italic(),
            header: cell
                .clone()
                .set_font_size(10)
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(rust_xlsxwriter::Color::RGB(0xDDEBF7)),
            text: cell.clone(),
            wrap: cell.clone().set_text_wrap(),
            center: cell.clone().set_align(FormatAlign::Center),
            int: cell.clone().set_num_format("#,##0"),
            nums: (0..=MAX_DECIMALS)
                .map(|d| cell.clone().set_num_format(Decimals::excel_format(d)))
                .collect(),
            date: cell
                .clone()
                .set_num_format("dd/mm/yyyy")
                .set_align(FormatAlign::Center),
            total_label: cell.clone().set_bold().set_align(FormatAlign::Center),
            total_nums: (0..=MAX_DECIMALS)
                .map(|d| {
                    cell.clone()
                        .set_bold()
                        .set_num_format(Decimals::excel_format(d))
                })
                .collect(),
        }
    }

    /// The format showing `n` with its decimals.
    fn num(&self, n: f64, decimals: Decimals) -> &Format {
        &self.nums[usize::from(decimals.places(n))]
    }
}

/// The creation time written into the file: SOURCE_DATE_EPOCH when set,
/// else the newest input's modification time, so that the same inputs give
/// the same bytes.
fn creation_time(result: &CheckResult) -> Result<ExcelDateTime, XlsxError> {
    let from_env = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok());
    let newest = result
        .submissions
        .iter()
        .filter_map(|s| s.modified())
        .filter_map(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .max();
    ExcelDateTime::from_timestamp(from_env.or(newest).unwrap_or(946_684_800))
}

pub(crate) fn build(
    result: &CheckResult,
    c: &Consolidated,
    config: &Config,
) -> Result<Vec<u8>, XlsxError> {
    laid_out(result, c, config)?.save_to_buffer()
}

/// Builds the workbook and writes it to `path` (the same bytes as `build`,
/// never held whole in memory: a list sheet can be tens of megabytes).
pub(crate) fn write(
    result: &CheckResult,
    c: &Consolidated,
    config: &Config,
    path: &std::path::Path,
) -> Result<(), super::OutputError> {
    let mut wb = laid_out(result, c, config)?;
    let mut sink = super::Sink::create(path)?;
    wb.save_to_writer(&mut sink.out)?;
    sink.finish()
}

/// Every sheet of the workbook, laid out.
fn laid_out(
    result: &CheckResult,
    c: &Consolidated,
    config: &Config,
) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let f = Formats::new();
    let props = DocProperties::new()
        .set_title(format!(
            "{} — {}",
            config.schema.title,
            config.period.label_vi()
        ))
        .set_author(format!("tonghop {}", env!("CARGO_PKG_VERSION")))
        .set_creation_datetime(&creation_time(result)?);
    wb.set_properties(&props);

    // The sheets with a row per commune, establishment or finding are
    // written row by row to a temporary file (rust_xlsxwriter's constant
    // memory mode), so a province's thousands of rows are not all held in
    // memory at once; their rows are always written top to bottom.
    summary_sheet(wb.add_worksheet_with_constant_memory()?, c, config, &f)?;
    indicator_sheet(wb.add_worksheet(), c, config, &f)?;
    indicator_by_unit_sheet(wb.add_worksheet_with_constant_memory()?, c, config, &f)?;
    if !compare::columns(c, config).is_empty() {
        compare::comparison_sheet(wb.add_worksheet_with_constant_memory()?, c, config, &f)?;
    }
    let counted = counted(result, config);
    for (def_index, _) in config
        .schema
        .sheets
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == SheetKind::List)
    {
        list_sheet(
            wb.add_worksheet_with_constant_memory()?,
            def_index,
            &counted,
            config,
            &f,
        )?;
    }
    charts::chart_sheet(wb.add_worksheet(), c, config, &f)?;
    status_sheet(wb.add_worksheet_with_constant_memory()?, result, config, &f)?;
    findings_sheet(wb.add_worksheet_with_constant_memory()?, result, config, &f)?;
    sources_sheet(wb.add_worksheet_with_constant_memory()?, result, config, &f)?;
    Ok(wb)
}

/// Freezes the header (and the first `frozen_cols` columns), filters the
/// table down to `last_row`, and sets up printing.
fn finish_table(
    ws: &mut Worksheet,
    last_row: u32,
    last_col: u16,
    frozen_cols: u16,
) -> Result<(), XlsxError> {
    ws.set_freeze_panes(HEADER_ROW + 1, frozen_cols)?;
    ws.autofilter(HEADER_ROW, 0, last_row.max(HEADER_ROW), last_col)?;
    a4_landscape(ws, HEADER_ROW)
}

fn a4_landscape(ws: &mut Worksheet, header_row: u32) -> Result<(), XlsxError> {
    ws.set_paper_size(A4)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true);
    ws.set_margins(0.4, 0.4, 0.5, 0.5, 0.3, 0.3);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_footer("&C&\"Times New Roman\"Trang &P/&N");
    Ok(())
}

/// The official heading: issuing body on the left, national motto on the
/// right, then the title and the period.
fn heading(
    ws: &mut Worksheet,
    last_col: u16,
    title: &str,
    config: &Config,
    note: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    let last_col = last_col.max(3);
    // Both halves at least two columns wide: Excel refuses a one-cell merge
    // (a schema without indicators has a four-column "Chỉ tiêu theo xã").
    let split = (last_col / 2).max(2);
    let org = format!("UBND {}", config.consolidating.name.to_uppercase());
    merge(ws, 0, 0, split - 1, &org, &f.org)?;
    merge(
        ws,
        0,
        split,
        last_col,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        &f.motto,
    )?;
    merge(
        ws,
        1,
        split,
        last_col,
        "Độc lập - Tự do - Hạnh phúc",
        &f.motto_sub,
    )?;
    merge(ws, 3, 0, last_col, title, &f.title)?;
    ws.set_row_height(3, 36)?;
    merge(
        ws,
        4,
        0,
        last_col,
        &config.lang.pick(
            format!("Kỳ báo cáo: {}", config.period.label_vi()),
            format!("Reporting period: {}", config.period.label(config.lang)),
        ),
        &f.subtitle,
    )?;
    merge(ws, 5, 0, last_col, note, &f.note)?;
    Ok(())
}

/// The end of every printed sheet, as official tables end: two rows below
/// `last_row`, the place-and-date line (the date left for the signer),
/// "Người lập biểu" on the left and "Thủ trưởng đơn vị" on the right with
/// their notes; and the page numbers in the footer, in the run's language.
fn ending(
    ws: &mut Worksheet,
    last_row: u32,
    last_col: u16,
    config: &Config,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = config.lang;
    // Split as the heading splits, so the signer sits under the motto.
    let last_col = last_col.max(3);
    let split = (last_col / 2).max(2);
    let row = last_row + 2;
    let place = place_name(&config.consolidating.name);
    let date = lang.pick(
        format!("{place}, ngày …… tháng …… năm ……"),
        format!("{place}, date ……………………"),
    );
    merge(ws, row, split, last_col, &date, &f.subtitle)?;
    // Row by row, as constant-memory sheets must be written. The signers
    // sign and write their names below: no row is reserved for it, which
    // would print on a page of its own when the table ends a page.
    let lines = [
        (
            row + 1,
            [
                lang.pick("NGƯỜI LẬP BIỂU", "PREPARED BY"),
                lang.pick("THỦ TRƯỞNG ĐƠN VỊ", "HEAD OF UNIT"),
            ],
            &f.org,
        ),
        (
            row + 2,
            [
                lang.pick("(Ký, ghi rõ họ tên)", "(Signature, full name)"),
                lang.pick("(Ký tên, đóng dấu)", "(Signature and seal)"),
            ],
            &f.subtitle,
        ),
    ];
    for (at, [left, right], format) in lines {
        merge(ws, at, 0, split - 1, left, format)?;
        merge(ws, at, split, last_col, right, format)?;
    }
    ws.set_header("&R&\"Times New Roman,Italic\"&9&A");
    ws.set_footer(lang.pick(
        "&C&\"Times New Roman\"Trang &P/&N",
        "&C&\"Times New Roman\"Page &P/&N",
    ));
    Ok(())
}

/// The place of the place-and-date line: the consolidating unit's name
/// without its level word ("Huyện Văn Bàn" → "Văn Bàn"); dots when unnamed.
fn place_name(name: &str) -> String {
    let place = crate::model::level::split_level_word(name).1;
    if place.trim().is_empty() {
        "……………".to_string()
    } else {
        place.trim().to_string()
    }
}

fn header_row(
    ws: &mut Worksheet,
    row: u32,
    headers: &[(String, f64)],
    f: &Formats,
) -> Result<(), XlsxError> {
    let mut lines = 1usize;
    for (col, (text, width)) in headers.iter().enumerate() {
        ws.write_string_with_format(row, col as u16, text, &f.header)?;
        ws.set_column_width(col as u16, *width)?;
        // Bold 10-point text fits about 1.1 characters per width unit.
        let per_line = ((*width * 1.1) as usize).saturating_sub(2).max(1);
        lines = lines.max(text.chars().count().div_ceil(per_line));
    }
    ws.set_row_height(row, 13.0 * lines as f64 + 6.0)?;
    Ok(())
}

fn write_out(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: Out,
    ty: Option<FieldType>,
    decimals: Decimals,
    f: &Formats,
) -> Result<(), XlsxError> {
    match (value, ty) {
        (Out::Null, _) => ws.write_blank(row, col, &f.text).map(|_| ()),
        (Out::Bool(b), _) => ws
            .write_string_with_format(row, col, if b { "Có" } else { "Không" }, &f.center)
            .map(|_| ()),
        (Out::Num(n), _) => ws
            .write_number_with_format(row, col, n, f.num(n, decimals))
            .map(|_| ()),
        (Out::Date(d), Some(FieldType::Date)) => {
            let dt = ExcelDateTime::from_ymd(
                u16::try_from(d.year()).unwrap_or(1900),
                d.month() as u8,
                d.day() as u8,
            )?;
            ws.write_datetime_with_format(row, col, &dt, &f.date)
                .map(|_| ())
        }
        (Out::Date(d), _) => ws
            .write_string_with_format(row, col, Out::date_text(d), &f.text)
            .map(|_| ()),
        (Out::Text(s), _) => ws
            .write_string_with_format(row, col, &s, &f.text)
            .map(|_| ()),
    }
}

/// A field's value: a yes/no answer in the form's own words ("Đạt"; a tick
/// column's "x", blank for no), anything else as `write_out` writes it.
fn write_field(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: Out,
    fd: &FieldDef,
    f: &Formats,
) -> Result<(), XlsxError> {
    match value {
        Out::Bool(b) if fd.words.declared => {
            ws.write_string_with_format(row, col, fd.words.word(b), &f.center)?;
            Ok(())
        }
        other => write_out(ws, row, col, other, Some(fd.ty), fd.decimals(), f),
    }
}

/// "Tổng hợp từ báo cáo của 99/99 xã, phường.": the reporting units named
/// by their kinds (`Level::units_noun`), so the wording follows the level.
fn reporting_note(c: &Consolidated, config: &Config) -> String {
    let lang = config.lang;
    let total = format_count(config.registry.units.len(), lang);
    let reporting = format_count(c.reporting, lang);
    let noun = match config.level.reporting {
        // "2/9 huyện, thị xã, thành phố (45 đơn vị cấp xã)": whose figures.
        Reporting::Districts => {
            let communes = format_count(c.reports, lang);
            lang.pick(
                format!(
                    "{} ({communes} đơn vị cấp xã)",
                    config.level.units_noun(lang)
                ),
                format!("{} ({communes} communes)", config.level.units_noun(lang)),
            )
        }
        Reporting::Communes => config.level.units_noun(lang),
    };
    if c.reporting == config.registry.units.len() {
        lang.pick(
            format!("Tổng hợp từ báo cáo của {total}/{total} {noun}."),
            format!("Consolidated from {total}/{total} {noun}."),
        )
    } else {
        lang.pick(format!(
                "Tổng hợp từ báo cáo hợp lệ của {reporting}/{total} {noun}; đơn vị bị loại hoặc chưa nộp không được tính (xem trang “Tình hình nộp”)."
            ),
            format!(
                "Consolidated from the accepted reports of {reporting}/{total} {noun}; rejected or missing units are not counted (see “Tình hình nộp”)."
            ),
        )
    }
}

fn summary_sheet(
    ws: &mut Worksheet,
    c: &Consolidated,
    config: &Config,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = config.lang;
    ws.set_name("Tổng hợp")?;
    let fields: Vec<_> = config.schema.form_fields().map(|(_, fd)| fd).collect();
    let mut headers = vec![
        ("STT".to_string(), 5.0),
        (lang.pick("Mã", "Code").to_string(), 7.0),
        (lang.pick("Đơn vị", "Unit").to_string(), 22.0),
        (lang.pick("Tình trạng", "Status").to_string(), 10.0),
    ];
    for fd in &fields {
        let label = fd.label_in(lang);
        headers.push((
            fd.unit
                .as_ref()
                .map_or(label.to_string(), |u| format!("{label} ({u})")),
            11.0,
        ));
    }
    let last_col = (headers.len() - 1) as u16;
    let title = format!("TỔNG HỢP {}", config.schema.title.to_uppercase());
    heading(ws, last_col, &title, config, &reporting_note(c, config), f)?;
    header_row(ws, HEADER_ROW, &headers, f)?;

    let first = HEADER_ROW + 1;
    let units = Columns::of(&c.units);
    for i in 0..c.units.height() {
        let row = first + i as u32;
        write_out(ws, row, 0, units.get("stt", i), None, Decimals::Fixed(0), f)?;
        ws.write_string_with_format(row, 1, text_of(units.get("unit_code", i)), &f.center)?;
        ws.write_string_with_format(row, 2, text_of(units.get("unit_name", i)), &f.text)?;
        let status = c.statuses[i];
        let label = status.label(lang);
        ws.write_string_with_format(row, 3, label, &f.center)?;
        for (j, fd) in fields.iter().enumerate() {
            write_field(ws, row, 4 + j as u16, units.get(fd.id(), i), fd, f)?;
        }
    }
    let last = first + c.units.height().max(1) as u32 - 1;
    let total_row = last + 1;
    ws.merge_range(
        total_row,
        0,
        total_row,
        3,
        lang.pick("Tổng cộng", "Total"),
        &f.total_label,
    )?;
    total_cells(ws, c, &fields, &units, (first, last), f)?;
    finish_table(ws, last, last_col, 4)?;
    ending(ws, total_row, last_col, config, f)?;
    Ok(())
}

/// The total row's cells: a stored formula per numeric or yes/no column,
/// its result the consolidated total.
fn total_cells(
    ws: &mut Worksheet,
    c: &Consolidated,
    fields: &[&FieldDef],
    units: &Columns,
    (first, last): (u32, u32),
    f: &Formats,
) -> Result<(), XlsxError> {
    let total_row = last + 1;
    for (j, fd) in fields.iter().enumerate() {
        let col = 4 + j as u16;
        let letter = column_name(u32::from(col));
        let range = format!("{letter}{}:{letter}{}", first + 1, last + 1);
        let total = match get(&c.totals, fd.id(), 0) {
            Out::Num(n) => n,
            _ => 0.0,
        };
        // The total shows every decimal its column shows.
        let places = (0..c.units.height())
            .filter_map(|i| match units.get(fd.id(), i) {
                Out::Num(n) => Some(fd.decimals().places(n)),
                _ => None,
            })
            .chain(std::iter::once(fd.decimals().places(total)))
            .max()
            .unwrap_or(0);
        let format = &f.total_nums[usize::from(places)];
        // A district's row holds its communes' count of "Có", added up.
        let counts = c.rolled_up;
        let formula = match fd.ty {
            _ if fd.column.as_ref().is_some_and(|c| c.derived.is_some()) => {
                let value = get(&c.totals, fd.id(), 0);
                derived_total(ws, (fields, j), (total_row, col), value, format, f)?;
                continue;
            }
            FieldType::YesNo if counts => format!("=SUM({range})"),
            FieldType::YesNo => format!(
                "=COUNTIF({range},\"{}\")",
                fd.words.word(true).replace('"', "\"\"")
            ),
            FieldType::Integer | FieldType::Number => format!("=SUM({range})"),
            _ => {
                ws.write_blank(total_row, col, &f.total_label)?;
                continue;
            }
        };
        ws.write_formula_with_format(
            total_row,
            col,
            Formula::new(formula).set_result(format_number(total)),
            format,
        )?;
    }
    Ok(())
}

/// A derived column's total: its formula over the row's totals, with the
/// recomputed total as result (blank when there is none, as Excel shows it).
fn derived_total(
    ws: &mut Worksheet,
    (fields, j): (&[&FieldDef], usize),
    (row, col): (u32, u16),
    value: Out,
    format: &Format,
    f: &Formats,
) -> Result<(), XlsxError> {
    let fd = fields[j];
    match derived_total_formula(fields, j, row) {
        Some(formula) => {
            let result = match value {
                Out::Num(n) => format_number(n),
                _ => String::new(),
            };
            let formula = Formula::new(formula).set_result(result);
            ws.write_formula_with_format(row, col, formula, format)?;
        }
        None => write_out(ws, row, col, value, Some(fd.ty), fd.decimals(), f)?,
    }
    Ok(())
}

/// The total of a derived column ("So sánh (%)") is its expression over the
/// totals of the columns it reads, never their sum: `=IFERROR(E30/F30*100,"")`.
/// `None` when the expression is more than arithmetic Excel reads alike.
fn derived_total_formula(fields: &[&FieldDef], j: usize, total_row: u32) -> Option<String> {
    let column = fields[j].column.as_ref()?;
    let derived = column.derived.as_ref()?;
    let cell_of = |name: &str| {
        let k = fields.iter().position(|f| {
            f.column
                .as_ref()
                .is_some_and(|c| c.row == column.row && c.column == name)
        })?;
        Some(format!("{}{}", column_name(4 + k as u32), total_row + 1))
    };
    let unknown = std::cell::Cell::new(false);
    let excel = rewrite_names(&derived.source, |name| {
        let cell = cell_of(name);
        unknown.set(unknown.get() || cell.is_none());
        cell
    });
    let arithmetic = excel
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " .+-*/()".contains(c));
    (!unknown.get() && arithmetic).then(|| format!("=IFERROR({},\"\")", excel.replace(' ', "")))
}

fn text_of(o: Out) -> String {
    match o {
        Out::Text(t) => t,
        Out::Date(d) => Out::date_text(d),
        Out::Num(n) => format_number(n),
        Out::Bool(b) => if b { "Có" } else { "Không" }.to_string(),
        Out::Null => String::new(),
    }
}

/// An indicator's label in the run's language; English falls back to the
/// Vietnamese label when the schema gives none.
fn indicator_label(ind: &IndicatorDef, lang: Lang) -> &str {
    if lang == Lang::En {
        ind.label_en.as_deref().unwrap_or(&ind.label)
    } else {
        &ind.label
    }
}

/// The indicator sheet's column headings, then the comparison columns.
fn indicator_headers(lang: Lang, extra: &[(&'static str, String, f64)]) -> Vec<(String, f64)> {
    let mut headers: Vec<(String, f64)> = vec![
        ("STT".into(), 5.0),
        (lang.pick("Chỉ tiêu", "Indicator").to_string(), 48.0),
        (lang.pick("Đơn vị tính", "Unit").to_string(), 10.0),
        (lang.pick("Tử số", "Numerator").to_string(), 10.0),
        (lang.pick("Mẫu số", "Denominator").to_string(), 10.0),
        (lang.pick("Kết quả", "Result").to_string(), 11.0),
        (lang.pick("Tỷ lệ (%)", "Rate (%)").to_string(), 10.0),
        (lang.pick("Chỉ tiêu kế hoạch", "Target").to_string(), 11.0),
        (lang.pick("Đạt/Chưa đạt", "Met").to_string(), 11.0),
    ];
    headers.extend(extra.iter().map(|(_, h, w)| (h.clone(), *w)));
    headers
}

fn indicator_sheet(
    ws: &mut Worksheet,
    c: &Consolidated,
    config: &Config,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = config.lang;
    ws.set_name("Chỉ tiêu")?;
    let extra = compare::columns(c, config);
    let headers = indicator_headers(lang, &extra);
    let last_col = (headers.len() - 1) as u16;
    let title = format!("CÁC CHỈ TIÊU {}", config.schema.title.to_uppercase());
    heading(
        ws,
        last_col,
        &title,
        config,
        &format!(
            "{} — {}",
            config.consolidating.name,
            reporting_note(c, config)
        ),
        f,
    )?;
    header_row(ws, HEADER_ROW, &headers, f)?;
    let cols = Columns::of(&c.indicators);
    let district = c.district_indicators(config);
    let last_row = HEADER_ROW + district.len() as u32;
    for (stt, (i, ind)) in (1..).zip(district) {
        let row = HEADER_ROW + stt;
        ws.write_number_with_format(row, 0, f64::from(stt), &f.center)?;
        indicator_cells(ws, row, (i, ind), &cols, lang, f)?;
        compare::write_cells(ws, (row, 9), &extra, &cols, i, ind.decimals(), f)?;
    }
    a4_landscape(ws, HEADER_ROW)?;
    ending(ws, last_row, last_col, config, f)?;
    Ok(())
}

/// One indicator's cells, from its label to "Đạt/Chưa đạt"; `i` is its row
/// in the indicators frame.
fn indicator_cells(
    ws: &mut Worksheet,
    row: u32,
    (i, ind): (usize, &IndicatorDef),
    cols: &Columns,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    let label = indicator_label(ind, lang);
    ws.write_string_with_format(row, 1, label, &f.wrap)?;
    // Tall enough for the label wrapped at about 46 characters a line.
    ws.set_row_height(
        row,
        16.0 * label.chars().count().div_ceil(46).max(1) as f64 + 2.0,
    )?;
    ws.write_string_with_format(row, 2, ind.unit.as_deref().unwrap_or(""), &f.center)?;
    let every = Decimals::UpTo(MAX_DECIMALS);
    write_out(ws, row, 3, cols.get("numerator", i), None, every, f)?;
    write_out(ws, row, 4, cols.get("denominator", i), None, every, f)?;
    result_cells(ws, row, ind, cols, i, f)?;
    write_out(ws, row, 7, cols.get("target", i), None, ind.decimals(), f)?;
    let met = match cols.get("met", i) {
        Out::Bool(true) => lang.pick("Đạt", "Met"),
        Out::Bool(false) => lang.pick("Chưa đạt", "Not met"),
        _ => "",
    };
    ws.write_string_with_format(row, 8, met, &f.center)?;
    Ok(())
}

/// "Kết quả" and "Tỷ lệ (%)": a number indicator's value where Excel can
/// add it up and no rate; a ratio's "19/22" next to its rate.
fn result_cells(
    ws: &mut Worksheet,
    row: u32,
    ind: &IndicatorDef,
    cols: &Columns,
    i: usize,
    f: &Formats,
) -> Result<(), XlsxError> {
    match (ind.display, cols.get("value", i)) {
        (Display::Number, Out::Num(v)) => ws
            .write_number_with_format(row, 5, v, f.num(v, ind.decimals()))
            .map(|_| ())?,
        (Display::Number, _) => ws.write_blank(row, 5, &f.text).map(|_| ())?,
        (Display::Ratio, _) => ws
            .write_string_with_format(row, 5, text_of(cols.get("display", i)), &f.center)
            .map(|_| ())?,
    }
    match (ind.display, cols.get("value", i)) {
        (Display::Ratio, Out::Num(v)) => ws
            .write_number_with_format(row, 6, v, f.num(v, ind.decimals()))
            .map(|_| ())?,
        _ => ws.write_blank(row, 6, &f.text).map(|_| ())?,
    }
    Ok(())
}

/// The by-unit sheet's column headings: the unit, its status, then one
/// column per indicator.
fn by_unit_headers(config: &Config) -> Vec<(String, f64)> {
    let lang = config.lang;
    let mut headers: Vec<(String, f64)> = vec![
        ("STT".into(), 5.0),
        (lang.pick("Mã", "Code").to_string(), 7.0),
        (lang.pick("Đơn vị", "Unit").to_string(), 22.0),
        (lang.pick("Tình trạng", "Status").to_string(), 10.0),
    ];
    for ind in &config.schema.indicators {
        headers.push((indicator_label(ind, lang).to_string(), 13.0));
    }
    headers
}

/// The indicators frame's row of each (unit code, indicator id), looked up
/// once so the sheet is not quadratic in units × indicators. The first row
/// wins, as a linear search would.
fn rows_by_unit_indicator(
    cols: &Columns,
    height: usize,
) -> std::collections::HashMap<(String, String), usize> {
    let mut by_unit_indicator = std::collections::HashMap::new();
    for i in 0..height {
        let key = (
            text_of(cols.get("unit_code", i)),
            text_of(cols.get("indicator_id", i)),
        );
        by_unit_indicator.entry(key).or_insert(i);
    }
    by_unit_indicator
}

fn indicator_by_unit_sheet(
    ws: &mut Worksheet,
    c: &Consolidated,
    config: &Config,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = config.lang;
    ws.set_name(config.level.by_unit_sheet())?;
    let headers = by_unit_headers(config);
    let last_col = (headers.len() - 1) as u16;
    heading(
        ws,
        last_col,
        &format!(
            "CÁC CHỈ TIÊU THEO ĐƠN VỊ — {}",
            config.schema.title.to_uppercase()
        ),
        config,
        &reporting_note(c, config),
        f,
    )?;
    header_row(ws, HEADER_ROW, &headers, f)?;
    let cols = Columns::of(&c.indicators);
    let by_unit_indicator = rows_by_unit_indicator(&cols, c.indicators.height());
    for (u, unit) in config.registry.units.iter().enumerate() {
        let row = HEADER_ROW + 1 + u as u32;
        ws.write_number_with_format(row, 0, (u + 1) as f64, &f.center)?;
        ws.write_string_with_format(row, 1, &unit.code, &f.center)?;
        ws.write_string_with_format(row, 2, &unit.name, &f.text)?;
        let status = c.statuses[u];
        ws.write_string_with_format(row, 3, status.label(lang), &f.center)?;
        for (j, ind) in config.schema.indicators.iter().enumerate() {
            let found = by_unit_indicator
                .get(&(unit.code.clone(), ind.id.get_ref().clone()))
                .copied();
            by_unit_cell(ws, (row, 4 + j as u16), ind, found, &cols, f)?;
        }
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 4)?;
    a4_landscape(ws, HEADER_ROW)?;
    let last_row = HEADER_ROW + config.registry.units.len() as u32;
    ending(ws, last_row, last_col, config, f)?;
    Ok(())
}

/// A unit's cell for one indicator: a number indicator's value as a number,
/// otherwise its display text ("19/22"); blank when the unit has none.
fn by_unit_cell(
    ws: &mut Worksheet,
    (row, col): (u32, u16),
    ind: &IndicatorDef,
    found: Option<usize>,
    cols: &Columns,
    f: &Formats,
) -> Result<(), XlsxError> {
    match found.map(|i| (cols.get("display", i), cols.get("value", i))) {
        Some((_, Out::Num(v))) if ind.display == Display::Number => ws
            .write_number_with_format(row, col, v, f.num(v, ind.decimals()))
            .map(|_| ())?,
        Some((Out::Text(d), _)) => ws
            .write_string_with_format(row, col, &d, &f.center)
            .map(|_| ())?,
        _ => ws.write_blank(row, col, &f.text).map(|_| ())?,
    }
    Ok(())
}

/// A list sheet's column headings: the unit, the list's fields (text wider
/// than dates and numbers), then where each row came from.
fn list_headers(def: &SheetDef, lang: Lang) -> Vec<(String, f64)> {
    let mut headers: Vec<(String, f64)> = vec![
        ("STT".into(), 5.0),
        (lang.pick("Mã đơn vị", "Unit code").to_string(), 8.0),
        (lang.pick("Đơn vị", "Unit").to_string(), 20.0),
    ];
    for fd in &def.fields {
        let width = match fd.ty {
            FieldType::Text => 24.0,
            FieldType::Date => 12.0,
            _ => 11.0,
        };
        headers.push((fd.label_in(lang).to_string(), width));
    }
    headers.push((lang.pick("Tệp nguồn", "Source file").to_string(), 40.0));
    headers.push((lang.pick("Dòng", "Row").to_string(), 6.0));
    headers
}

/// A list sheet's note under the title: how many rows it holds.
fn list_note(rows: usize, lang: Lang) -> String {
    lang.pick(
        format!(
            "Tổng số: {} dòng, từ các báo cáo hợp lệ.",
            format_count(rows, lang)
        ),
        format!("{} rows, from accepted reports.", format_count(rows, lang)),
    )
}

/// A list sheet, written straight from the records of the reports that
/// count (`consolidate::counted`, in its order), never held as a table.
fn list_sheet(
    ws: &mut Worksheet,
    def_index: usize,
    counted: &[Counted<'_>],
    config: &Config,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = config.lang;
    let def = &config.schema.sheets[def_index];
    debug_assert_eq!(def.kind, SheetKind::List);
    let sheet_name = def
        .consolidated_name
        .clone()
        .unwrap_or_else(|| def.name.clone());
    ws.set_name(&sheet_name)?;
    let headers = list_headers(def, lang);
    let last_col = (headers.len() - 1) as u16;
    let title = def
        .title
        .clone()
        .unwrap_or_else(|| sheet_name.to_uppercase());
    let records = || {
        counted.iter().flat_map(|c| {
            c.data
                .lists
                .get(def.id())
                .into_iter()
                .flatten()
                .map(move |r| (c, r))
        })
    };
    let rows = records().count();
    let note = list_note(rows, lang);
    heading(ws, last_col, &title, config, &note, f)?;
    header_row(ws, HEADER_ROW, &headers, f)?;
    for (i, (c, r)) in records().enumerate() {
        list_row(ws, HEADER_ROW + 1 + i as u32, i, def, (c, r), f)?;
    }
    finish_table(ws, HEADER_ROW + rows as u32, last_col, 3)?;
    ending(ws, HEADER_ROW + rows as u32, last_col, config, f)?;
    Ok(())
}

/// Row `i` of a list: its number, unit, fields, source file and row.
fn list_row(
    ws: &mut Worksheet,
    row: u32,
    i: usize,
    def: &SheetDef,
    (c, record): (&Counted<'_>, &Record),
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.write_number_with_format(row, 0, (i + 1) as f64, &f.center)?;
    ws.write_string_with_format(row, 1, c.code, &f.center)?;
    ws.write_string_with_format(row, 2, c.name, &f.text)?;
    for (j, fd) in def.fields.iter().enumerate() {
        let value = record.values.get(fd.id()).and_then(|v| v.value.as_ref());
        write_field(ws, row, 3 + j as u16, out_of_value(fd.ty, value), fd, f)?;
    }
    let base = 3 + def.fields.len() as u16;
    // Through a district's table, the commune's file is the district's
    // ("inbox/…"): the table it came through is named before it.
    let file = match c.via {
        Some(via) => format!("{via} → {}", c.file),
        None => c.file.to_string(),
    };
    ws.write_string_with_format(row, base, file, &f.text)?;
    let line = Out::Num(f64::from(record.row) + 1.0);
    write_out(ws, row, base + 1, line, None, Decimals::Fixed(0), f)?;
    Ok(())
}

fn status_sheet(
    ws: &mut Worksheet,
    result: &CheckResult,
    config: &Config,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = config.lang;
    ws.set_name("Tình hình nộp")?;
    let deadline = config.deadline;
    let headers = status_headers(lang, deadline);
    let last_col: u16 = if deadline.is_some() { 11 } else { 10 };
    let note = status_note(result, deadline, lang);
    heading(ws, last_col, "TÌNH HÌNH NỘP BÁO CÁO", config, &note, f)?;
    header_row(ws, HEADER_ROW, &headers, f)?;
    let rows = status_rows(result, config);
    for (stt, (row, (code, name, s))) in (1..).zip((HEADER_ROW + 1..).zip(&rows)) {
        ws.write_number_with_format(row, 0, f64::from(stt), &f.center)?;
        ws.write_string_with_format(row, 1, *code, &f.center)?;
        ws.write_string_with_format(row, 2, *name, &f.text)?;
        match s {
            Some(s) => submission_cells(ws, row, s, deadline, lang, f)?,
            None => not_received_cells(ws, row, last_col, lang, f)?,
        }
    }
    let last_row = HEADER_ROW + rows.len() as u32;
    finish_table(ws, last_row, last_col, 0)?;
    ending(ws, last_row, last_col, config, f)?;
    Ok(())
}

/// The status sheet's rows in order: each unit of the registry with each
/// of its files (or one row saying nothing came, so a missing unit is
/// seen), then the files no unit could be found for.
fn status_rows<'a>(
    result: &'a CheckResult,
    config: &'a Config,
) -> Vec<(&'a str, &'a str, Option<&'a Submission>)> {
    let unidentified = config.lang.pick("(không xác định)", "(unidentified)");
    unit_rows(&config.registry.units, &result.submissions, unidentified)
}

/// `status_rows` over the registry's units: the submissions are put with
/// their unit in one pass (a national run has 40,000 units and as many
/// files; filtering every file for every unit was quadratic), each unit's
/// in submission order. A unit index outside the registry has no row, as
/// no unit of the registry claims it.
fn unit_rows<'a>(
    units: &'a [Unit],
    submissions: &'a [Submission],
    unidentified: &'a str,
) -> Vec<(&'a str, &'a str, Option<&'a Submission>)> {
    let mut by_unit: Vec<Vec<&Submission>> = vec![Vec::new(); units.len()];
    for s in submissions {
        if let Some(mine) = s.unit.and_then(|u| by_unit.get_mut(u)) {
            mine.push(s);
        }
    }
    let mut rows = Vec::with_capacity(units.len() + submissions.len());
    for (unit, mine) in units.iter().zip(by_unit) {
        if mine.is_empty() {
            rows.push((unit.code.as_str(), unit.name.as_str(), None));
        }
        for s in mine {
            rows.push((unit.code.as_str(), unit.name.as_str(), Some(s)));
        }
    }
    for s in submissions.iter().filter(|s| s.unit.is_none()) {
        rows.push(("", unidentified, Some(s)));
    }
    rows
}

/// A unit that sent nothing: its status, and blanks to the last column so
/// the table's borders run through.
fn not_received_cells(
    ws: &mut Worksheet,
    row: u32,
    last_col: u16,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, 3, UnitStatus::NotReceived.label(lang), &f.center)?;
    for col in 4..=last_col {
        ws.write_blank(row, col, &f.text)?;
    }
    Ok(())
}

/// The status sheet's column headings, with the deadline's when there is one.
fn status_headers(lang: Lang, deadline: Option<NaiveDate>) -> Vec<(String, f64)> {
    let headers: Vec<(String, f64)> = vec![
        ("STT".into(), 5.0),
        (lang.pick("Mã", "Code").to_string(), 7.0),
        (lang.pick("Đơn vị", "Unit").to_string(), 22.0),
        (lang.pick("Tình trạng", "Status").to_string(), 16.0),
        (lang.pick("Tệp", "File").to_string(), 46.0),
        (lang.pick("Thời điểm nhận", "Received").to_string(), 16.0),
        (lang.pick("Số lỗi", "Errors").to_string(), 8.0),
        (lang.pick("Số cảnh báo", "Warnings").to_string(), 9.0),
        (
            lang.pick(
                "Thay đổi so với tệp trước",
                "Changes since the previous file",
            )
            .to_string(),
            40.0,
        ),
        (lang.pick("Người gửi", "Sender").to_string(), 30.0),
        (lang.pick("Tiêu đề thư", "Email subject").to_string(), 36.0),
    ];
    let mut headers = headers;
    if let Some(day) = deadline {
        let day = day.format("%d/%m/%Y");
        headers.push((
            lang.pick(format!("Hạn nộp {day}"), format!("Deadline {day}")),
            16.0,
        ));
    }
    headers
}

/// The status sheet's note: the run's counts and its timeliness.
fn status_note(result: &CheckResult, deadline: Option<NaiveDate>, lang: Lang) -> String {
    let sum = crate::output::report::summary(result);
    let n = |count: usize| format_count(count, lang);
    let note = lang.pick(
        format!(
            "{} tệp: {} hợp lệ, {} bị loại, {} đã có bản mới hơn{}; {} đơn vị chưa nộp.",
            n(sum.files),
            n(sum.accepted),
            n(sum.rejected),
            n(sum.superseded),
            crate::output::report::held_count(
                sum.held,
                ", {} tạm giữ chờ xác nhận người gửi",
                lang
            ),
            n(sum.missing_units)
        ),
        format!(
            "{} files: {} accepted, {} rejected, {} superseded{}; {} units not received.",
            n(sum.files),
            n(sum.accepted),
            n(sum.rejected),
            n(sum.superseded),
            crate::output::report::held_count(
                sum.held,
                ", {} held until the sender is confirmed",
                lang
            ),
            n(sum.missing_units)
        ),
    );
    let mut note = note;
    if let Some(day) = deadline {
        note.push(' ');
        note.push_str(timeliness::summary_line(result, day, lang).trim_end());
    }
    note
}

/// A file's cells of its status row, from the status column on.
fn submission_cells(
    ws: &mut Worksheet,
    row: u32,
    s: &Submission,
    deadline: Option<NaiveDate>,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, 3, s.status.label(lang), &f.center)?;
    ws.write_string_with_format(row, 4, &s.file, &f.text)?;
    // An emailed file was received when its email was sent; in Vietnam's
    // time, as the on-time verdict counts it.
    let received = timeliness::received(s)
        .map(timeliness::time_text)
        .unwrap_or_default();
    ws.write_string_with_format(row, 5, &received, &f.center)?;
    ws.write_number_with_format(
        row,
        6,
        s.count(crate::model::finding::Severity::Error) as f64,
        &f.int,
    )?;
    ws.write_number_with_format(
        row,
        7,
        s.count(crate::model::finding::Severity::Warning) as f64,
        &f.int,
    )?;
    let changes = s.resubmission.as_ref().map(|r| changes_text(r, lang));
    ws.write_string_with_format(row, 8, changes.unwrap_or_default(), &f.text)?;
    let (sender, subject) = s
        .mail
        .as_ref()
        .map(|m| (m.from.as_str(), m.subject.as_str()))
        .unwrap_or_default();
    ws.write_string_with_format(row, 9, sender, &f.text)?;
    ws.write_string_with_format(row, 10, subject, &f.text)?;
    if let Some(day) = deadline {
        let verdict = timeliness::of(s, day)
            .map(|v| timeliness::label(v, lang))
            .unwrap_or_default();
        ws.write_string_with_format(row, 11, verdict, &f.center)?;
    }
    Ok(())
}

/// A resubmission in one cell: the file it replaces, the changed cells,
/// the findings fixed and new.
fn changes_text(r: &Resubmission, lang: Lang) -> String {
    let cells: Vec<String> = r
        .changes
        .iter()
        .map(|c| {
            format!(
                "{} {} → {}",
                c.cell.as_deref().unwrap_or(&c.field),
                c.old,
                c.new
            )
        })
        .collect();
    let mut text = lang.pick(
        format!("Thay cho {}: ", r.previous),
        format!("Replaces {}: ", r.previous),
    );
    text.push_str(&cells.join("; "));
    if !r.fixed.is_empty() {
        text.push_str(&lang.pick(
            format!(". Đã sửa: {}", r.fixed.join("; ")),
            format!(". Fixed: {}", r.fixed.join("; ")),
        ));
    }
    if !r.new_errors.is_empty() {
        text.push_str(&lang.pick(
            format!(". Lỗi mới: {}", r.new_errors.join("; ")),
            format!(". New errors: {}", r.new_errors.join("; ")),
        ));
    }
    if !r.new_warnings.is_empty() {
        text.push_str(&lang.pick(
            format!(". Cảnh báo mới: {}", r.new_warnings.join("; ")),
            format!(". New warnings: {}", r.new_warnings.join("; ")),
        ));
    }
    text
}

/// The findings sheet's column headings; the message, last, is the widest.
fn findings_headers(lang: Lang) -> Vec<(String, f64)> {
    vec![
        (lang.pick("Tệp", "File").to_string(), 36.0),
        (lang.pick("Mã đơn vị", "Unit code").to_string(), 8.0),
        (lang.pick("Đơn vị", "Unit").to_string(), 18.0),
        (lang.pick("Trang", "Sheet").to_string(), 10.0),
        (lang.pick("Ô", "Cell").to_string(), 6.0),
        (lang.pick("Mã lỗi", "Code").to_string(), 18.0),
        (lang.pick("Mức độ", "Severity").to_string(), 9.0),
        (lang.pick("Trường", "Field").to_string(), 16.0),
        (lang.pick("Quy tắc", "Rule").to_string(), 14.0),
        (lang.pick("Giá trị", "Value").to_string(), 12.0),
        (lang.pick("Nội dung", "Message").to_string(), 60.0),
    ]
}

fn findings_sheet(
    ws: &mut Worksheet,
    result: &CheckResult,
    config: &Config,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = config.lang;
    ws.set_name("Lỗi")?;
    let headers = findings_headers(lang);
    let count: usize = result.submissions.iter().map(|s| s.findings.len()).sum();
    heading(
        ws,
        10,
        "DANH SÁCH LỖI VÀ CẢNH BÁO",
        config,
        &lang.pick(
            format!("{} mục.", format_count(count, lang)),
            format!("{} findings.", format_count(count, lang)),
        ),
        f,
    )?;
    header_row(ws, HEADER_ROW, &headers, f)?;
    let mut row = HEADER_ROW + 1;
    for s in &result.submissions {
        // A file no unit was found for still lists its findings, unit blank.
        let (code, name) = s
            .unit
            .map(|u| {
                (
                    config.registry.units[u].code.as_str(),
                    config.registry.units[u].name.as_str(),
                )
            })
            .unwrap_or(("", ""));
        for fi in &s.findings {
            let cells = finding_cells(&s.file, (code, name), fi, lang);
            finding_row(ws, row, &cells, f)?;
            row += 1;
        }
    }
    finish_table(ws, row.saturating_sub(1), 10, 0)?;
    ending(ws, row.saturating_sub(1), 10, config, f)?;
    Ok(())
}

/// One finding's texts in the findings sheet's column order.
fn finding_cells(file: &str, (code, name): (&str, &str), fi: &Finding, lang: Lang) -> [String; 11] {
    [
        file.to_string(),
        code.to_string(),
        name.to_string(),
        fi.sheet().unwrap_or("").to_string(),
        fi.cell().unwrap_or_default(),
        fi.code.to_string(),
        fi.severity.label(lang).to_string(),
        fi.field.clone().unwrap_or_default(),
        fi.rule.clone().unwrap_or_default(),
        fi.value.clone().unwrap_or_default(),
        fi.message.get(lang).to_string(),
    ]
}

/// A finding's row, every cell a string; the message wraps, and the row
/// is tall enough for it at about 64 characters a line.
fn finding_row(
    ws: &mut Worksheet,
    row: u32,
    cells: &[String; 11],
    f: &Formats,
) -> Result<(), XlsxError> {
    for (col, text) in cells.iter().enumerate() {
        let format = if col == 10 { &f.wrap } else { &f.text };
        ws.write_string_with_format(row, col as u16, text, format)?;
    }
    let lines = cells[10].chars().count().div_ceil(64).max(1);
    ws.set_row_height(row, 15.0 * lines as f64 + 2.0)?;
    Ok(())
}

fn sources_sheet(
    ws: &mut Worksheet,
    result: &CheckResult,
    config: &Config,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = config.lang;
    ws.set_name(SOURCES_SHEET)?;
    let headers = sources_headers(lang);
    heading(
        ws,
        8,
        "NGUỒN SỐ LIỆU",
        config,
        lang.pick(
            "Các tệp đã đọc, mã băm SHA-256 và tham số của lần tổng hợp.",
            "Files read, their SHA-256 and the run's parameters.",
        ),
        f,
    )?;
    header_row(ws, HEADER_ROW, &headers, f)?;
    let mut row = HEADER_ROW + 1;
    for s in &result.submissions {
        source_row(ws, row, s, config, f)?;
        row += 1;
    }
    row += 1;
    let params = run_parameters(config);
    for (k, v) in params {
        ws.write_string_with_format(row, 0, &k, &f.header)?;
        ws.merge_range(row, 1, row, 8, &v, &f.text)?;
        row += 1;
    }
    a4_landscape(ws, HEADER_ROW)?;
    ending(ws, row - 1, 8, config, f)?;
    Ok(())
}

/// The sources sheet's column headings.
fn sources_headers(lang: Lang) -> Vec<(String, f64)> {
    vec![
        (lang.pick("Tệp", "File").to_string(), 40.0),
        ("SHA-256".into(), 66.0),
        (
            lang.pick("Kích thước (byte)", "Size (bytes)").to_string(),
            12.0,
        ),
        (lang.pick("Định dạng", "Format").to_string(), 9.0),
        (lang.pick("Mã đơn vị", "Unit code").to_string(), 8.0),
        (lang.pick("Đơn vị", "Unit").to_string(), 20.0),
        (lang.pick("Kỳ", "Period").to_string(), 8.0),
        (lang.pick("Tình trạng", "Status").to_string(), 16.0),
        (lang.pick("Thời điểm sửa đổi", "Modified").to_string(), 16.0),
        (lang.pick("Người gửi", "Sender").to_string(), 30.0),
        (lang.pick("Ngày gửi thư", "Email date").to_string(), 16.0),
        (lang.pick("Tiêu đề thư", "Email subject").to_string(), 36.0),
        (
            lang.pick("Tên tệp đính kèm", "Attachment name").to_string(),
            30.0,
        ),
        ("Message-ID".into(), 30.0),
    ]
}

/// One file read: its hash, size, format, unit, period, status and email.
fn source_row(
    ws: &mut Worksheet,
    row: u32,
    s: &Submission,
    config: &Config,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = config.lang;
    let (code, name) = s
        .unit
        .map(|u| {
            (
                config.registry.units[u].code.clone(),
                config.registry.units[u].name.clone(),
            )
        })
        .unwrap_or_default();
    let mail = |pick: fn(&crate::model::submission::MailMeta) -> String| {
        s.mail.as_ref().map(pick).unwrap_or_default()
    };
    let cells = [
        s.file.clone(),
        s.info
            .as_ref()
            .map(|i| i.sha256.clone())
            .unwrap_or_default(),
        String::new(),
        s.format.map(|x| x.as_str().to_string()).unwrap_or_default(),
        code,
        name,
        s.period.as_ref().map(|p| p.id()).unwrap_or_default(),
        s.status.label(lang).to_string(),
        s.modified()
            .map(|t| timeliness::time_text(timeliness::in_vietnam(t)))
            .unwrap_or_default(),
        mail(|m| m.from.clone()),
        mail(|m| m.date_text()),
        mail(|m| m.subject.clone()),
        mail(|m| m.original_name.clone()),
        mail(|m| m.message_id.clone()),
    ];
    for (col, text) in cells.iter().enumerate() {
        if col == 2 {
            match &s.info {
                Some(i) => ws
                    .write_number_with_format(row, 2, i.size as f64, &f.int)
                    .map(|_| ())?,
                None => ws.write_blank(row, 2, &f.text).map(|_| ())?,
            }
        } else {
            ws.write_string_with_format(row, col as u16, text, &f.text)?;
        }
    }
    Ok(())
}

/// The run's parameters on the Nguồn sheet, in order: a key, and the label
/// in Vietnamese and in English. `tonghop verify` finds each value by its
/// label (in either language) to rebuild the workbook as it was built.
pub(crate) const RUN_PARAMETERS: &[(&str, &str, &str)] = &[
    ("schema", "Lược đồ", "Schema"),
    ("schema_file", "Tệp lược đồ", "Schema file"),
    ("schema_version", "Phiên bản lược đồ", "Schema version"),
    ("schema_sha256", "SHA-256 của lược đồ", "Schema SHA-256"),
    ("registry", "Danh sách đơn vị", "Unit registry"),
    (
        "registry_sha256",
        "SHA-256 của danh sách đơn vị",
        "Registry SHA-256",
    ),
    ("period", "Kỳ báo cáo", "Period"),
    ("consolidating", "Đơn vị tổng hợp", "Consolidating unit"),
    ("tool", "Công cụ", "Tool"),
    ("lang", "Ngôn ngữ", "Language"),
    ("inputs", "Đầu vào", "Inputs"),
    ("inbox", "Thư mục nhận", "Inbox"),
    ("deadline", "Hạn nộp", "Deadline"),
    (
        "accepted_senders",
        "Người gửi được chấp nhận",
        "Accepted senders",
    ),
    ("limits", "Giới hạn khi đọc tệp", "Reading limits"),
];

/// The run's parameters, as (label, value), in `RUN_PARAMETERS`' order.
fn run_parameters(config: &Config) -> Vec<(String, String)> {
    let lang = config.lang;
    RUN_PARAMETERS
        .iter()
        .map(|(key, vi, en)| (lang.pick(*vi, *en).to_string(), parameter(key, config)))
        .collect()
}

/// One run parameter's value, as written and as `verify` reads it back.
fn parameter(key: &str, config: &Config) -> String {
    let lang = config.lang;
    match key {
        "schema" => format!(
            "{} {} ({})",
            config.schema.id(),
            config.schema.version,
            config.source_path(&config.schema.path)
        ),
        "schema_file" => config.source_path(&config.schema.path),
        "schema_version" => config.schema.version.clone(),
        "schema_sha256" => config.schema.sha256.clone(),
        "registry" => config.source_path(&config.registry.path),
        "registry_sha256" => config.registry.sha256.clone(),
        "period" => config.period.id(),
        "consolidating" => format!(
            "{} {}",
            config.consolidating.code, config.consolidating.name
        ),
        "tool" => format!("tonghop {}", env!("CARGO_PKG_VERSION")),
        "lang" => format!("{lang:?}").to_lowercase(),
        "inputs" => format!("{} {}", config.inputs.len(), lang.pick("tệp", "file(s)")),
        "inbox" => config
            .inbox
            .as_deref()
            .map(|p| config.source_path(p))
            .unwrap_or_default(),
        "deadline" => config
            .deadline
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        "accepted_senders" => config.accept_senders.join(", "),
        "limits" => serde_json::to_string(&config.limits).unwrap_or_default(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::{place_name, unit_rows};
    use crate::model::registry::Unit;
    use crate::model::submission::{Sender, Status, Submission};

    fn sent(file: &str, unit: Option<usize>) -> Submission {
        Submission {
            path: file.into(),
            file: file.into(),
            info: None,
            format: None,
            unit,
            period: None,
            status: Status::Accepted,
            findings: Vec::new(),
            data: None,
            resubmission: None,
            mail: None,
            sender: Sender::Unchecked,
        }
    }

    #[test]
    fn status_rows_are_each_unit_with_its_files_then_the_unidentified() {
        let units = vec![
            Unit::named("01", "Xã A"),
            Unit::named("02", "Xã B"),
            Unit::named("03", "Xã C"),
        ];
        let submissions = vec![
            sent("c1", Some(2)),
            sent("a1", Some(0)),
            sent("x1", None),
            sent("c2", Some(2)),
            sent("stray", Some(7)),
            sent("x2", None),
        ];
        let rows: Vec<(&str, &str, Option<&str>)> = unit_rows(&units, &submissions, "?")
            .into_iter()
            .map(|(code, name, s)| (code, name, s.map(|s| s.file.as_str())))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("01", "Xã A", Some("a1")),
                ("02", "Xã B", None),
                ("03", "Xã C", Some("c1")),
                ("03", "Xã C", Some("c2")),
                ("", "?", Some("x1")),
                ("", "?", Some("x2")),
            ]
        );
    }

    #[test]
    fn the_place_is_the_name_without_its_level_word() {
        assert_eq!(place_name("Huyện Văn Bàn"), "Văn Bàn");
        assert_eq!(place_name("Thành phố Lào Cai"), "Lào Cai");
        assert_eq!(place_name("THỊ XÃ SA PA"), "SA PA");
        assert_eq!(place_name("Tỉnh Lào Cai"), "Lào Cai");
        // "Quan" is a name, not the level word "Quận".
        assert_eq!(place_name("Quan Hóa"), "Quan Hóa");
        assert_eq!(place_name("Văn Bàn"), "Văn Bàn");
        assert_eq!(place_name(""), "……………");
    }
}
