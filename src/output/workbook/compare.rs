//! The comparison with earlier periods, when the history holds them: the
//! "Cùng kỳ năm trước", "So sánh (%)" (and "Kỳ trước") columns of the
//! Chỉ tiêu sheet, and the sheet "So sánh cùng kỳ" with the same per unit.
//! Without those columns in the indicator table nothing here is written.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{
    Formats, HEADER_ROW, a4_landscape, ending, header_row, heading, reporting_note, text_of,
    write_out,
};
use crate::config::Config;
use crate::consolidate::Consolidated;
use crate::history::compare::{NOTE, PREVIOUS_PERIOD, PREVIOUS_YEAR, VS_PREVIOUS_YEAR};
use crate::model::frame::Columns;
use crate::model::values::{Decimals, MAX_DECIMALS};

/// The comparison columns the indicator table has: (column, heading, width).
pub(super) fn columns(c: &Consolidated, config: &Config) -> Vec<(&'static str, String, f64)> {
    let lang = config.lang;
    let base = match &config.compare_with {
        Some(p) => lang.pick(
            format!("Kỳ so sánh ({})", p.label_vi()),
            format!("Compared with ({})", p.label_en()),
        ),
        None => lang
            .pick("Cùng kỳ năm trước", "Same period last year")
            .to_string(),
    };
    [
        (PREVIOUS_YEAR, base, 11.0),
        (
            VS_PREVIOUS_YEAR,
            lang.pick("So sánh (%)", "Change (%)").to_string(),
            10.0,
        ),
        (
            PREVIOUS_PERIOD,
            lang.pick("Kỳ trước", "Previous period").to_string(),
            11.0,
        ),
        (NOTE, lang.pick("Ghi chú", "Note").to_string(), 30.0),
    ]
    .into_iter()
    .filter(|(name, _, _)| c.indicators.column(name).is_ok())
    .collect()
}

/// Writes the comparison cells of indicator row `i` at `(row, first
/// column)`.
pub(super) fn write_cells(
    ws: &mut Worksheet,
    (row, first): (u32, u16),
    extra: &[(&'static str, String, f64)],
    cols: &Columns,
    i: usize,
    decimals: Decimals,
    f: &Formats,
) -> Result<(), XlsxError> {
    for (k, (name, _, _)) in extra.iter().enumerate() {
        let places = if *name == VS_PREVIOUS_YEAR {
            Decimals::Fixed(1)
        } else {
            decimals
        };
        let col = first + k as u16;
        match cols.get(name, i) {
            crate::model::frame::Out::Text(t) => {
                ws.write_string_with_format(row, col, &t, &f.wrap)?;
            }
            other => write_out(ws, row, col, other, None, places, f)?,
        }
    }
    Ok(())
}

/// "So sánh cùng kỳ": each reporting unit's indicators beside their past.
pub(super) fn comparison_sheet(
    ws: &mut Worksheet,
    c: &Consolidated,
    config: &Config,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = config.lang;
    ws.set_name(lang.pick("So sánh cùng kỳ", "Comparison"))?;
    let extra = columns(c, config);
    let mut headers: Vec<(String, f64)> = vec![
        ("STT".into(), 5.0),
        (lang.pick("Mã", "Code").to_string(), 7.0),
        (lang.pick("Đơn vị", "Unit").to_string(), 22.0),
        (lang.pick("Chỉ tiêu", "Indicator").to_string(), 36.0),
        (lang.pick("Kỳ này", "This period").to_string(), 11.0),
    ];
    headers.extend(extra.iter().map(|(_, h, w)| (h.clone(), *w)));
    let last_col = (headers.len() - 1) as u16;
    let title = lang.pick(
        "SO SÁNH VỚI CÙNG KỲ THEO ĐƠN VỊ",
        "COMPARISON WITH EARLIER PERIODS BY UNIT",
    );
    heading(ws, last_col, title, config, &reporting_note(c, config), f)?;
    header_row(ws, HEADER_ROW, &headers, f)?;
    let df = &c.indicators;
    let cols = Columns::of(df);
    for i in 0..df.height() {
        let row = HEADER_ROW + 1 + i as u32;
        let id = text_of(cols.get("indicator_id", i));
        let ind = config
            .schema
            .indicators
            .iter()
            .find(|x| x.id.get_ref() == &id);
        let label = ind.map_or(id.clone(), |d| {
            lang.pick(d.label.as_str(), d.label_en.as_deref().unwrap_or(&d.label))
                .to_string()
        });
        let decimals = ind.map_or(Decimals::UpTo(MAX_DECIMALS), |d| d.decimals());
        ws.write_number_with_format(row, 0, (i + 1) as f64, &f.center)?;
        ws.write_string_with_format(row, 1, text_of(cols.get("unit_code", i)), &f.center)?;
        ws.write_string_with_format(row, 2, text_of(cols.get("unit_name", i)), &f.text)?;
        ws.write_string_with_format(row, 3, &label, &f.wrap)?;
        write_out(ws, row, 4, cols.get("value", i), None, decimals, f)?;
        write_cells(ws, (row, 5), &extra, &cols, i, decimals, f)?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 3)?;
    a4_landscape(ws, HEADER_ROW)?;
    ending(ws, HEADER_ROW + df.height() as u32, last_col, config, f)?;
    Ok(())
}
