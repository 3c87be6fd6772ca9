//! The look shared by every workbook tonghop writes: Times New Roman 12 as on
//! official forms, thin borders on table cells, and the heading styles
//! (issuing body, national motto, title, period line), and merged cells
//! that never fail on a narrow table.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, FormatUnderline, Worksheet, XlsxError};

pub(crate) fn base() -> Format {
    Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(12)
}

/// A table cell.
pub(crate) fn cell() -> Format {
    base()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
}

pub(crate) fn bold_center() -> Format {
    base().set_bold().set_align(FormatAlign::Center)
}

/// "Độc lập - Tự do - Hạnh phúc", underlined.
pub(crate) fn motto_sub() -> Format {
    bold_center().set_underline(FormatUnderline::Single)
}

pub(crate) fn title() -> Format {
    base()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center)
        .set_text_wrap()
}

pub(crate) fn italic_center() -> Format {
    base().set_italic().set_align(FormatAlign::Center)
}

/// Text across columns `first..=last` of a row. Excel refuses a merged range
/// of one cell, so a narrow table (a schema of one or two fields) gets a
/// plain cell instead.
pub(crate) fn merge(
    ws: &mut Worksheet,
    row: u32,
    first: u16,
    last: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if first >= last {
        ws.write_string_with_format(row, first, text, format)?;
    } else {
        ws.merge_range(row, first, row, last, text, format)?;
    }
    Ok(())
}
