//! The look shared by every workbook tonghop writes: Times New Roman 12 as on
//! official forms, thin borders on table cells, and the heading styles
//! (issuing body, national motto, title, period line).

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, FormatUnderline};

pub fn base() -> Format {
    Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(12)
}

/// A table cell.
pub fn cell() -> Format {
    base()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
}

pub fn bold_center() -> Format {
    base().set_bold().set_align(FormatAlign::Center)
}

/// "Độc lập - Tự do - Hạnh phúc", underlined.
pub fn motto_sub() -> Format {
    bold_center().set_underline(FormatUnderline::Single)
}

pub fn title() -> Format {
    base()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center)
        .set_text_wrap()
}

pub fn italic_center() -> Format {
    base().set_italic().set_align(FormatAlign::Center)
}
