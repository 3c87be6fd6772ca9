//! The "Biểu đồ" sheet of the consolidated workbook: native Excel charts
//! whose series point at the cells of the other sheets, so that a chart
//! always shows what the tables say. Per-unit bars of each indicator shown
//! as a number (of each numeric form field when the schema has no such
//! indicator), and each indicator's result against its target, laid out so
//! that no chart is split across A4 pages; when the history holds the
//! compared period (`history::compare`), each indicator of this period
//! against that one ("cùng kỳ").

use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartFont, ChartRange, Formula, Worksheet, XlsxError,
};

use super::{Formats, HEADER_ROW, ending, header_row, heading, reporting_note};
use crate::config::Config;
use crate::consolidate::Consolidated;
use crate::model::frame::{Columns, Out};
use crate::model::schema::{Display, FieldType};

pub(super) const SHEET: &str = "Biểu đồ";
/// The sheets the charts draw from (named as `workbook` names them; the
/// per-unit indicators sheet is named by the level).
const INDICATORS: &str = "Chỉ tiêu";
const SUMMARY: &str = "Tổng hợp";
/// A chart's width in pixels (that of the sheet's five columns: an A4
/// portrait page within its margins) and least height; rows are 20 px.
const WIDTH: u32 = 670;
const HEIGHT: u32 = 360;
/// Rows of 20 px an A4 portrait page holds within its margins, printed to
/// the page's width.
const PAGE_ROWS: u32 = 50;
/// Up to this many units every unit's name is written on the axis.
const NAMED_UNITS: u32 = 60;
const LAST_COL: u16 = 4;

/// Per-unit bars: a title and the column of a sheet holding one row per
/// registry unit from `HEADER_ROW + 1`, with the unit names in column C.
struct PerUnit {
    sheet: &'static str,
    col: u16,
    title: String,
}

/// Rows handed out top to bottom, with a page break before a chart that
/// would not fit on what is left of the page.
struct Layout {
    row: u32,
    page_start: u32,
    breaks: Vec<u32>,
}

impl Layout {
    fn place(&mut self, rows: u32) -> u32 {
        if self.row + rows > self.page_start + PAGE_ROWS && self.row > self.page_start {
            self.breaks.push(self.row);
            self.page_start = self.row;
        }
        let at = self.row;
        self.row += rows;
        at
    }
}

pub(super) fn chart_sheet(
    ws: &mut Worksheet,
    c: &Consolidated,
    config: &Config,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(SHEET)?;
    let title = format!("BIỂU ĐỒ {}", config.schema.title.to_uppercase());
    heading(ws, LAST_COL, &title, config, &reporting_note(c, config), f)?;
    ws.set_column_width(0, 44)?;
    ws.set_column_range_width(1, LAST_COL, 13)?;
    let mut layout = Layout {
        row: HEADER_ROW,
        page_start: 0,
        breaks: Vec::new(),
    };
    target_chart(ws, c, config, f, &mut layout)?;
    compare_chart(ws, c, config, f, &mut layout)?;
    let units = config.registry.units.len() as u32;
    // Tall enough for a bar per unit (14 px), at most a page.
    let height = (120 + 14 * units).clamp(HEIGHT, (PAGE_ROWS - 2) * 20);
    for series in per_unit_series(config) {
        let at = layout.place(height / 20 + 1);
        ws.insert_chart(at, 0, &per_unit_chart(&series, units, height))?;
    }
    ws.set_paper_size(super::A4)
        .set_portrait()
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true);
    ws.set_margins(0.6, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_page_breaks(&layout.breaks)?;
    ending(ws, layout.row, LAST_COL, config, f)
}

/// What is drawn per unit: the indicators shown as numbers (a ratio's
/// per-unit cell is text such as "3/4"), else the numeric form fields.
fn per_unit_series(config: &Config) -> Vec<PerUnit> {
    let lang = config.lang;
    let indicators: Vec<PerUnit> = (4u16..)
        .zip(&config.schema.indicators)
        .filter(|(_, ind)| ind.display == Display::Number)
        .map(|(col, ind)| PerUnit {
            sheet: config.level.by_unit_sheet(),
            col,
            title: lang
                .pick(
                    ind.label.as_str(),
                    ind.label_en.as_deref().unwrap_or(&ind.label),
                )
                .to_string(),
        })
        .collect();
    if !indicators.is_empty() {
        return indicators;
    }
    (4u16..)
        .zip(config.schema.form_fields().map(|(_, fd)| fd))
        .filter(|(_, fd)| matches!(fd.ty, FieldType::Integer | FieldType::Number))
        .map(|(col, fd)| PerUnit {
            sheet: SUMMARY,
            col,
            title: fd.label_in(lang).to_string(),
        })
        .collect()
}

/// Horizontal bars, one per unit, in the registry's order from the top.
fn per_unit_chart(series: &PerUnit, units: u32, height: u32) -> Chart {
    let (first, last) = (HEADER_ROW + 1, HEADER_ROW + units.max(1));
    let mut chart = Chart::new_bar();
    chart
        .add_series()
        .set_name(series.title.as_str())
        .set_categories(&ChartRange::new_from_range(series.sheet, first, 2, last, 2))
        .set_values(&ChartRange::new_from_range(
            series.sheet,
            first,
            series.col,
            last,
            series.col,
        ))
        .set_data_label(ChartDataLabel::new().show_value());
    titled(&mut chart, &series.title);
    chart.legend().set_hidden();
    if units <= NAMED_UNITS {
        chart.y_axis().set_label_interval(1);
    }
    chart.set_height(height);
    chart
}

/// The title, the size and the look every chart shares. A bar chart's
/// categories (here its y axis) run up from the bottom: reversed, the first
/// row is on top as in the tables.
fn titled(chart: &mut Chart, title: &str) {
    chart
        .title()
        .set_name(title)
        .set_font(ChartFont::new().set_size(12).set_bold());
    chart
        .y_axis()
        .set_reverse()
        .set_font(ChartFont::new().set_size(8));
    chart.set_width(WIDTH).set_height(HEIGHT);
}

/// The indicators that have a target: a small table of each one's result
/// and target (formulas reading the "Chỉ tiêu" sheet) and clustered bars
/// of the two. Nothing when no indicator has a target.
fn target_chart(
    ws: &mut Worksheet,
    c: &Consolidated,
    config: &Config,
    f: &Formats,
    layout: &mut Layout,
) -> Result<(), XlsxError> {
    let lang = config.lang;
    let headers = [
        lang.pick("Chỉ tiêu kế hoạch", "Target").to_string(),
        lang.pick(
            "Kết quả so với chỉ tiêu kế hoạch",
            "Results against targets",
        )
        .to_string(),
    ];
    pair_chart(ws, f, layout, &targets(c, config), &headers, lang)
}

/// This period's indicators against the compared period's, when the
/// indicator table has the comparison (its column follows "Đạt/Chưa đạt").
fn compare_chart(
    ws: &mut Worksheet,
    c: &Consolidated,
    config: &Config,
    f: &Formats,
    layout: &mut Layout,
) -> Result<(), XlsxError> {
    let lang = config.lang;
    let Some((_, base, _)) = super::compare::columns(c, config).into_iter().next() else {
        return Ok(());
    };
    let title = format!("{} — {base}", config.period.label(lang));
    let rows = pairs(
        c,
        config,
        |_| true,
        "J",
        crate::history::compare::PREVIOUS_YEAR,
    );
    pair_chart(ws, f, layout, &rows, &[base, title], lang)
}

/// A small table of pairs (formulas reading "Chỉ tiêu": the result, then
/// `headers[0]`) and clustered bars of the two titled `headers[1]`.
fn pair_chart(
    ws: &mut Worksheet,
    f: &Formats,
    layout: &mut Layout,
    rows: &[Target],
    headers: &[String; 2],
    lang: crate::model::finding::Lang,
) -> Result<(), XlsxError> {
    if rows.is_empty() {
        return Ok(());
    }
    let header = layout.place(rows.len() as u32 + 2);
    let headers3 = [
        (lang.pick("Chỉ tiêu", "Indicator").to_string(), 44.0),
        (lang.pick("Kết quả", "Result").to_string(), 12.0),
        (headers[0].clone(), 12.0),
    ];
    header_row(ws, header, &headers3, f)?;
    for (k, t) in (1u32..).zip(rows) {
        ws.write_string_with_format(header + k, 0, &t.label, &f.wrap)?;
        for (col, (cell, value)) in [(1u16, (&t.result, t.value)), (2, (&t.target, t.goal))] {
            let formula = Formula::new(format!("='{INDICATORS}'!{cell}"));
            match value {
                Some(v) => ws.write_formula_with_format(
                    header + k,
                    col,
                    formula.set_result(crate::model::values::format_number(v)),
                    f.num(v, t.decimals),
                )?,
                None => ws.write_formula_with_format(header + k, col, formula, &f.text)?,
            };
        }
    }
    let (first, last) = (header + 1, header + rows.len() as u32);
    let mut chart = Chart::new_bar();
    for (col, name) in [(1u16, &headers3[1].0), (2, &headers3[2].0)] {
        chart
            .add_series()
            .set_name(name.as_str())
            .set_categories(&ChartRange::new_from_range(SHEET, first, 0, last, 0))
            .set_values(&ChartRange::new_from_range(SHEET, first, col, last, col))
            .set_data_label(ChartDataLabel::new().show_value());
    }
    titled(&mut chart, &headers[1]);
    let at = layout.place(HEIGHT / 20 + 1);
    ws.insert_chart(at, 0, &chart)?;
    Ok(())
}

/// One indicator with a target: its label, the A1 cells of its result and
/// target on "Chỉ tiêu", their values and how its values are shown.
struct Target {
    label: String,
    result: String,
    target: String,
    value: Option<f64>,
    goal: Option<f64>,
    decimals: crate::model::values::Decimals,
}

/// The district's indicators that have a target, in the "Chỉ tiêu" sheet's
/// order (its rows follow `district_indicators` from `HEADER_ROW + 1`).
fn targets(c: &Consolidated, config: &Config) -> Vec<Target> {
    pairs(c, config, |ind| ind.target.is_some(), "H", "target")
}

/// The district's indicators `keep` picks, each with its result's cell and
/// the cell of `column` (in `other_col` of "Chỉ tiêu").
fn pairs(
    c: &Consolidated,
    config: &Config,
    keep: impl Fn(&crate::model::schema::IndicatorDef) -> bool,
    other_col: &str,
    column: &str,
) -> Vec<Target> {
    let cols = Columns::of(&c.indicators);
    let num = |o: Out| match o {
        Out::Num(v) => Some(v),
        _ => None,
    };
    (1u32..)
        .zip(c.district_indicators(config))
        .filter(|(_, (_, ind))| keep(ind))
        .map(|(stt, (i, ind))| {
            let row = HEADER_ROW + stt + 1;
            // A ratio's rate is in "Tỷ lệ (%)" (G), a number in "Kết quả" (F).
            let col = if ind.display == Display::Ratio {
                'G'
            } else {
                'F'
            };
            Target {
                label: config
                    .lang
                    .pick(
                        ind.label.as_str(),
                        ind.label_en.as_deref().unwrap_or(&ind.label),
                    )
                    .to_string(),
                result: format!("${col}${row}"),
                target: format!("${other_col}${row}"),
                value: num(cols.get("value", i)),
                goal: num(cols.get(column, i)),
                decimals: ind.decimals(),
            }
        })
        .collect()
}
