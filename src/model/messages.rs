//! Every user-facing finding message, in Vietnamese and English, in one place
//! so that wording stays consistent and translators have one file to read.
//! Messages say what is wrong and what the commune officer should do.

use crate::model::finding::{Lang, Msg};
use crate::model::level::Level;
use crate::model::period::{Period, Stated};
use crate::model::schema::{Choice, FieldDef, FieldType};
use crate::model::values::Leniency;

fn mib(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

pub(crate) fn file_unreadable(detail: &str) -> Msg {
    Msg::new(
        format!(
            "Không đọc được tệp: tệp bị hỏng hoặc bị cắt cụt ({detail}). Hãy mở tệp bằng Excel, lưu lại thành .xlsx rồi gửi lại."
        ),
        format!(
            "The file cannot be read: it is corrupt or truncated ({detail}). Open it in Excel, save it as .xlsx and send it again."
        ),
    )
}

pub(crate) fn not_a_spreadsheet() -> Msg {
    Msg::new(
        "Tệp này không phải là bảng tính Excel (xlsx, xls, ods). Hãy gửi đúng tệp báo cáo.",
        "This file is not a spreadsheet (xlsx, xls, ods). Send the report file itself.",
    )
}

pub(crate) fn file_unsupported(kind: &str) -> Msg {
    Msg::new(
        format!(
            "Định dạng {kind} không được hỗ trợ. Hãy mở tệp bằng Excel và lưu lại thành .xlsx."
        ),
        format!("The {kind} format is not supported. Open the file in Excel and save it as .xlsx."),
    )
}

pub(crate) fn file_encrypted() -> Msg {
    Msg::new(
        "Tệp được đặt mật khẩu nên không đọc được. Hãy gỡ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc) rồi gửi lại.",
        "The file is password-protected. Remove the password (File → Info → Protect Workbook) and send it again.",
    )
}

pub(crate) fn file_too_large_bytes(size: u64, limit: u64) -> Msg {
    Msg::new(
        format!("Tệp quá lớn ({}), vượt giới hạn {}.", mib(size), mib(limit)),
        format!(
            "The file is too large ({}), over the {} limit.",
            mib(size),
            mib(limit)
        ),
    )
}

pub(crate) fn file_too_large_entry(entry: &str, size: u64, limit: u64) -> Msg {
    Msg::new(
        format!(
            "Tệp khi giải nén quá lớn (“{entry}”: {}), vượt giới hạn {}.",
            mib(size),
            mib(limit)
        ),
        format!(
            "The file expands too much (“{entry}”: {}), over the {} limit.",
            mib(size),
            mib(limit)
        ),
    )
}

pub(crate) fn file_too_large_ratio(entry: &str, ratio: u64, limit: u64) -> Msg {
    Msg::new(
        format!(
            "Tệp có tỷ lệ nén bất thường (“{entry}”: {ratio}:1, giới hạn {limit}:1), có thể là tệp độc hại."
        ),
        format!(
            "The file has an abnormal compression ratio (“{entry}”: {ratio}:1, limit {limit}:1); it may be hostile."
        ),
    )
}

pub(crate) fn file_too_large_cells(sheet: &str, limit: u64) -> Msg {
    Msg::new(
        format!("Trang “{sheet}” có quá nhiều ô (hơn {limit})."),
        format!("Sheet “{sheet}” has too many cells (over {limit})."),
    )
}

pub(crate) fn file_too_large_declared(cells: u64, limit: u64) -> Msg {
    Msg::new(
        format!(
            "Tệp khai báo một trang có {cells} ô, vượt giới hạn {limit} ô. Hãy mở bằng Excel, xoá các hàng, cột thừa và lưu lại."
        ),
        format!(
            "The file declares a sheet of {cells} cells, over the {limit} limit. Open it in Excel, delete stray rows and columns and save again."
        ),
    )
}

pub(crate) fn file_too_large_memory(limit: u64) -> Msg {
    Msg::new(
        format!(
            "Đọc tệp cần quá nhiều bộ nhớ (hơn {}); tệp có thể khai báo một vùng dữ liệu khổng lồ. Hãy mở bằng Excel, xoá các ô thừa và lưu lại.",
            mib(limit)
        ),
        format!(
            "Reading the file needs too much memory (over {}); it may declare a huge data range. Open it in Excel, delete stray cells and save again.",
            mib(limit)
        ),
    )
}

pub(crate) fn file_too_slow(seconds: u64) -> Msg {
    Msg::new(
        format!("Đọc tệp quá {seconds} giây nên phải dừng; tệp có thể bị hỏng hoặc quá lớn."),
        format!(
            "Reading the file took over {seconds} seconds and was stopped; it may be corrupt or too large."
        ),
    )
}

/// One finding for a file: the sheets that were converted and the legacy
/// encodings they were typed in.
pub(crate) fn text_fonts_unmatched(sheets: &[&str]) -> Msg {
    let names = sheets
        .iter()
        .map(|s| format!("“{s}”"))
        .collect::<Vec<_>>()
        .join(", ");
    Msg::new(
        format!(
            "Không khớp được phông chữ ghi trong tệp với trang {names}: bảng mã cũ (TCVN3, VNI) của các ô chỉ được đoán theo chữ. Hãy kiểm tra chữ tiếng Việt của trang (lệnh tonghop show), hoặc lưu lại tệp bằng Excel rồi gửi lại."
        ),
        format!(
            "The fonts the file records could not be matched to sheet {names}: the legacy encoding (TCVN3, VNI) of its cells is only guessed from the text. Check the sheet's Vietnamese text (tonghop show), or save the file again with Excel and resend it."
        ),
    )
}

pub(crate) fn text_legacy_encoding(sheets: &[&str], encodings: &[&str]) -> Msg {
    let names = sheets
        .iter()
        .map(|s| format!("“{s}”"))
        .collect::<Vec<_>>()
        .join(", ");
    let vi_encodings = encodings.join(" và ");
    let en_encodings = encodings.join(" and ");
    let (vi_sheets, en_sheets, en_verb) = if sheets.len() == 1 {
        (
            "Trang",
            "Sheet",
            "was typed in the legacy {} encoding and has",
        )
    } else {
        (
            "Các trang",
            "Sheets",
            "were typed in the legacy {} encoding and have",
        )
    };
    let en_verb = en_verb.replace("{}", &en_encodings);
    Msg::new(
        format!(
            "{vi_sheets} {names} gõ bằng bảng mã cũ {vi_encodings}; đã tự chuyển sang Unicode. Lần sau hãy dùng phông Unicode (ví dụ Times New Roman) với bộ gõ để ở bảng mã Unicode."
        ),
        format!(
            "{en_sheets} {names} {en_verb} been converted to Unicode. Next time use a Unicode font (e.g. Times New Roman) and set the keyboard tool to Unicode."
        ),
    )
}

pub(crate) fn template_outdated(used: &str, current: &str, level: &Level) -> Msg {
    let to = level.consolidator_vi();
    Msg::new(
        format!(
            "Tệp dùng mẫu phiên bản {used}, mẫu hiện hành là {current}. Lần sau hãy dùng mẫu mới do {to} gửi."
        ),
        format!(
            "The file uses template version {used}; the current one is {current}. Use the new template next time."
        ),
    )
}

pub(crate) fn template_unrecognized(title: &str, file_title: Option<&str>) -> Msg {
    let (vi, en) = match file_title {
        Some(t) => (
            format!("Tệp này là “{t}”, không phải biểu mẫu “{title}”"),
            format!("This file is “{t}”, not the form “{title}”"),
        ),
        None => (
            format!("Tệp này không có chữ nào, không phải biểu mẫu “{title}”"),
            format!("This file holds no text; it is not the form “{title}”"),
        ),
    };
    Msg::new(
        format!(
            "{vi}: không có dòng tiêu đề cột hay chỉ tiêu nào của biểu. Hãy dùng đúng mẫu báo cáo."
        ),
        format!("{en}: none of its column headers or items are there. Use the report template."),
    )
}

pub(crate) fn sheet_missing(name: &str) -> Msg {
    Msg::new(
        format!("Thiếu trang “{name}” của biểu mẫu. Hãy bổ sung trang này theo mẫu."),
        format!("The sheet “{name}” of the form is missing. Add it as in the template."),
    )
}

pub(crate) fn header_missing(sheet: &str, expected: &[String]) -> Msg {
    let list = expected.join(" | ");
    Msg::new(
        format!(
            "Trang “{sheet}”: không tìm thấy dòng tiêu đề cột ({list}). Hãy giữ nguyên dòng tiêu đề của mẫu."
        ),
        format!(
            "Sheet “{sheet}”: the column header row ({list}) was not found. Keep the template's header row."
        ),
    )
}

pub(crate) fn column_ambiguous(sheet: &str, label: &str, cells: &[String]) -> Msg {
    let cells = cells.join(", ");
    Msg::new(
        format!(
            "Trang “{sheet}”: nhiều ô cùng là tiêu đề cột “{label}” ({cells}) nên không biết đọc cột nào; cột này chưa được đọc. Hãy giữ một cột “{label}” như mẫu."
        ),
        format!(
            "Sheet “{sheet}”: several cells head the column “{label}” ({cells}), so which one to read is unclear; it was not read. Keep one “{label}” column as in the template."
        ),
    )
}

pub(crate) fn value_column_ambiguous(sheet: &str, cells: &[String], read: &str) -> Msg {
    let cells = cells.join(", ");
    Msg::new(
        format!(
            "Trang “{sheet}”: nhiều cột đều có thể là cột số liệu ({cells}); đã đọc cột ở ô {read} nhưng không chắc đúng. Hãy chỉ giữ một cột số liệu như mẫu."
        ),
        format!(
            "Sheet “{sheet}”: several columns could each hold the values ({cells}); the one under {read} was read, but that is a guess. Keep a single value column as in the template."
        ),
    )
}

pub(crate) fn header_row_ambiguous(sheet: &str, row: u32, other: u32) -> Msg {
    Msg::new(
        format!(
            "Trang “{sheet}”: dòng {row} và dòng {other} đều giống dòng tiêu đề cột của danh sách, không biết danh sách bắt đầu từ đâu. Hãy chỉ giữ một dòng tiêu đề."
        ),
        format!(
            "Sheet “{sheet}”: rows {row} and {other} both look like the list's column header, so where the list starts is unclear. Keep a single header row."
        ),
    )
}

pub(crate) fn column_missing(label: &str) -> Msg {
    Msg::new(
        format!("Thiếu cột “{label}”. Hãy bổ sung cột này theo mẫu."),
        format!("The column “{label}” is missing. Add it as in the template."),
    )
}

pub(crate) fn field_missing(field: &FieldDef) -> Msg {
    let code = field
        .code
        .as_deref()
        .map(|c| format!("{c}. "))
        .unwrap_or_default();
    Msg::new(
        format!(
            "Không tìm thấy dòng chỉ tiêu “{code}{}”. Hãy bổ sung dòng này theo mẫu.",
            field.label
        ),
        format!(
            "The row “{code}{}” was not found. Add it as in the template.",
            field.label_en.as_deref().unwrap_or(&field.label)
        ),
    )
}

pub(crate) fn unit_unidentified(level: &Level) -> Msg {
    let units = level.units_words_vi();
    Msg::new(
        format!(
            "Không xác định được đơn vị báo cáo: hãy ghi tên {units} ở ô “Đơn vị báo cáo” hoặc dòng “UBND XÃ …”."
        ),
        "The reporting unit could not be identified: write the commune's name next to “Đơn vị báo cáo” or in the “UBND XÃ …” heading.",
    )
}

pub(crate) fn unit_unknown(typed: &str, suggestions: &[String], level: &Level) -> Msg {
    let to = level.consolidator_vi();
    let (vi, en) = if suggestions.is_empty() {
        (String::new(), String::new())
    } else {
        let names = suggestions.join(", ");
        (
            format!(" Có phải: {names}?"),
            format!(" Did you mean: {names}?"),
        )
    };
    Msg::new(
        format!("Đơn vị “{typed}” không có trong danh sách đơn vị của {to}.{vi}"),
        format!("The unit “{typed}” is not in the registry.{en}"),
    )
}

pub(crate) fn unit_unknown_file_name(stem: &str, suggestions: &[String], level: &Level) -> Msg {
    let names = suggestions.join(", ");
    let units = level.units_words_vi();
    Msg::new(
        format!(
            "Tệp không ghi tên đơn vị và tên tệp “{stem}” không khớp đơn vị nào. Có phải: {names}? Hãy ghi tên {units} ở ô “Đơn vị báo cáo”."
        ),
        format!(
            "The file names no unit and its name “{stem}” matches none. Did you mean: {names}? Write the commune's name next to “Đơn vị báo cáo”."
        ),
    )
}

pub(crate) fn unit_ambiguous(typed: &str, names: &[String], level: &Level) -> Msg {
    let names = names.join(", ");
    let units = level.units_words_vi();
    Msg::new(
        format!(
            "Tên đơn vị “{typed}” khớp với nhiều đơn vị ({names}). Hãy ghi đầy đủ tên {units}."
        ),
        format!("The unit name “{typed}” matches several units ({names}). Write the full name."),
    )
}

pub(crate) fn period_missing(assumed: &Period) -> Msg {
    Msg::new(
        format!(
            "Tệp không ghi kỳ báo cáo; coi như kỳ {}.",
            assumed.label_vi()
        ),
        format!(
            "The file states no reporting period; {} is assumed.",
            assumed.label_en()
        ),
    )
}

pub(crate) fn period_mismatch(found: &Stated, expected: &Period) -> Msg {
    let (fv, ev) = (found.label_vi(), expected.label_vi());
    let (fe, ee) = (found.label_en(), expected.label_en());
    Msg::new(
        format!(
            "Tệp ghi kỳ báo cáo {fv}, trong khi đang tổng hợp kỳ {ev}. Hãy gửi đúng báo cáo kỳ {ev}."
        ),
        format!(
            "The file states the period {fe}, but {ee} is being consolidated. Send the {ee} report."
        ),
    )
}

pub(crate) fn period_unreadable(seen: &str, expected: &Period) -> Msg {
    let (ev, ee) = (expected.label_vi(), expected.label_en());
    Msg::new(
        format!(
            "Không đọc được kỳ báo cáo “{seen}”: tệp không được tính vào kỳ nào. Hãy ghi rõ kỳ báo cáo, ví dụ “{ev}”, rồi gửi lại."
        ),
        format!(
            "The reporting period “{seen}” cannot be read, so the file is counted in no period. Write the period plainly, e.g. “{ev}” ({ee}), and send it again."
        ),
    )
}

pub(crate) fn duplicate_submission(newer: &str) -> Msg {
    Msg::new(
        format!("Đơn vị đã gửi tệp mới hơn ({newer}); tệp này không được dùng để tổng hợp."),
        format!("The unit sent a newer file ({newer}); this one is not used."),
    )
}

/// "Ô D14 (Số băng rôn, khẩu hiệu…)" — the prefix every cell message starts with.
fn cell_prefix(cell: &str, label: &str) -> (String, String) {
    let short = shorten(label, 40);
    (
        format!("Ô {cell} ({short})"),
        format!("Cell {cell} ({short})"),
    )
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut
        .rsplit_once(' ')
        .map_or(cut.as_str(), |(head, _)| head)
        .trim_end_matches([',', ' ']);
    format!("{cut}…")
}

fn cell_msg(cell: &str, label: &str, vi: String, en: String) -> Msg {
    let (pvi, pen) = cell_prefix(cell, label);
    Msg::new(format!("{pvi}: {vi}"), format!("{pen}: {en}"))
}

fn expected(ty: FieldType, choices: &[Choice]) -> (String, String) {
    let names = choices
        .iter()
        .map(|c| c.value.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    match ty {
        FieldType::Integer => ("số nguyên".into(), "a whole number".into()),
        FieldType::Number => ("số".into(), "a number".into()),
        FieldType::Text => ("chữ".into(), "text".into()),
        FieldType::YesNo => (
            "“Có” hoặc “Không”".into(),
            "“Có” (yes) or “Không” (no)".into(),
        ),
        FieldType::Date => ("ngày dạng dd/mm/yyyy".into(), "a date as dd/mm/yyyy".into()),
        FieldType::Choice => (format!("một trong: {names}"), format!("one of: {names}")),
    }
}

/// Blank but required. "Write 0" is advice for a figure only: a blank name,
/// date or choice is not zero.
pub(crate) fn value_required(cell: &str, label: &str, numeric: bool) -> Msg {
    let (vi, en) = if numeric {
        (
            "chưa nhập số liệu (bắt buộc). Nếu bằng 0, hãy ghi 0.",
            "is blank but required. Write 0 if the figure is zero.",
        )
    } else {
        ("chưa nhập (bắt buộc).", "is blank but required.")
    };
    cell_msg(cell, label, vi.into(), en.into())
}

pub(crate) fn value_required_when(cell: &str, label: &str) -> Msg {
    cell_msg(
        cell,
        label,
        "cần nhập vì các ô khác trong dòng này đòi hỏi.".into(),
        "is required by the other cells of this row.".into(),
    )
}

pub(crate) fn type_error(cell: &str, field: &FieldDef, seen: &str) -> Msg {
    let (vi, en) = expected(field.ty, &field.choices);
    cell_msg(
        cell,
        &field.label_in(Lang::Vi),
        format!("cần nhập {vi}, đang ghi “{seen}”"),
        format!("expected {en}, found “{seen}”"),
    )
}

/// A figure in a message: "1.234,5" in Vietnamese, "1,234.5" in English.
fn figure(n: f64, lang: Lang) -> String {
    use crate::model::values::{Decimals, MAX_DECIMALS, Spelling, format_figure};
    format_figure(n, Decimals::UpTo(MAX_DECIMALS), Spelling::In(lang))
}

/// A column the form computes ("So sánh (%)") that does not agree with the
/// row's other columns.
/// `computed` is shown with the column's decimals (or two when it has
/// none): the commune compares it with what it wrote.
pub(crate) fn derived_mismatch(
    cell: &str,
    label: &str,
    formula: &str,
    (seen, computed): (f64, f64),
    decimals: crate::model::values::Decimals,
) -> Msg {
    use crate::model::values::{Decimals, Spelling, format_figure};
    let decimals = match decimals {
        Decimals::Fixed(d) => Decimals::Fixed(d),
        Decimals::UpTo(_) => Decimals::UpTo(2),
    };
    let shown = |lang: Lang| format_figure(computed, decimals, Spelling::In(lang));
    cell_msg(
        cell,
        label,
        format!(
            "ghi {} nhưng tính theo các cột khác của dòng ({formula}) được {}. Hãy tính lại ô này.",
            figure(seen, Lang::Vi),
            shown(Lang::Vi)
        ),
        format!(
            "reads {} but the row's other columns give {} ({formula}). Compute this cell again.",
            figure(seen, Lang::En),
            shown(Lang::En)
        ),
    )
}

pub(crate) fn below_minimum(cell: &str, label: &str, min: f64, seen: f64) -> Msg {
    let (vi, en) = (Lang::Vi, Lang::En);
    cell_msg(
        cell,
        label,
        format!(
            "giá trị {} nhỏ hơn mức tối thiểu {}",
            figure(seen, vi),
            figure(min, vi)
        ),
        format!(
            "{} is below the minimum {}",
            figure(seen, en),
            figure(min, en)
        ),
    )
}

pub(crate) fn above_maximum(cell: &str, label: &str, max: f64, seen: f64) -> Msg {
    let (vi, en) = (Lang::Vi, Lang::En);
    cell_msg(
        cell,
        label,
        format!(
            "giá trị {} lớn hơn mức tối đa {}",
            figure(seen, vi),
            figure(max, vi)
        ),
        format!(
            "{} is above the maximum {}",
            figure(seen, en),
            figure(max, en)
        ),
    )
}

pub(crate) fn not_allowed(cell: &str, field: &FieldDef, seen: &str) -> Msg {
    let (vi, en) = expected(field.ty, &field.choices);
    cell_msg(
        cell,
        &field.label_in(Lang::Vi),
        format!("“{seen}” không hợp lệ, cần chọn {vi}"),
        format!("“{seen}” is not allowed, choose {en}"),
    )
}

pub(crate) fn not_unique(cell: &str, label: &str, seen: &str, first_cell: &str) -> Msg {
    cell_msg(
        cell,
        label,
        format!("“{seen}” bị trùng với ô {first_cell}; mỗi dòng phải khác nhau"),
        format!("“{seen}” repeats cell {first_cell}; each row must be different"),
    )
}

pub(crate) fn invalid_format(
    cell: &str,
    label: &str,
    seen: &str,
    what_vi: &str,
    what_en: &str,
) -> Msg {
    cell_msg(
        cell,
        label,
        format!("“{seen}” không phải {what_vi}"),
        format!("“{seen}” is not {what_en}"),
    )
}

pub(crate) fn formula_error(cell: &str, label: &str, error: &str) -> Msg {
    cell_msg(
        cell,
        label,
        format!("công thức cho kết quả lỗi {error}; hãy sửa công thức hoặc nhập số"),
        format!("the formula gives the error {error}; fix it or type the figure"),
    )
}

pub(crate) fn formula_uncached(cell: &str, label: &str, formula: &str) -> Msg {
    cell_msg(
        cell,
        label,
        format!("công thức “={formula}” chưa được tính; hãy mở tệp bằng Excel, lưu lại rồi gửi"),
        format!(
            "the formula “={formula}” has no stored result; open the file in Excel, save it and send it again"
        ),
    )
}

pub(crate) fn coerced(cell: &str, label: &str, seen: &str, read_as: &str, how: Leniency) -> Msg {
    let (vi, en) = match how {
        Leniency::NumberAsText => ("số đang ghi dạng chữ", "a number typed as text"),
        Leniency::DashAsZero => ("dấu “-” được hiểu là 0", "“-” read as 0"),
        Leniency::YesNoSpelling => (
            "cách ghi Có/Không khác mẫu",
            "a non-standard yes/no spelling",
        ),
        Leniency::DateSpelling => (
            "ngày không ghi theo dạng dd/mm/yyyy",
            "a date not written as dd/mm/yyyy",
        ),
        Leniency::DateFromNumber => ("ngày đang ghi dạng số", "a date stored as a number"),
        Leniency::ChoiceSpelling => (
            "cách ghi khác với danh mục",
            "a spelling different from the list",
        ),
        Leniency::NumberWithUnit => (
            "đơn vị tính ghi kèm sau số",
            "the unit of measure typed after the number",
        ),
        Leniency::FormulaEvaluated => (
            "công thức chưa được tính, tonghop đã tự tính",
            "a formula with no stored result, evaluated by tonghop",
        ),
    };
    cell_msg(
        cell,
        label,
        format!("“{seen}” được đọc là {read_as} ({vi})"),
        format!("“{seen}” read as {read_as} ({en})"),
    )
}

pub(crate) fn unit_sender_mismatch(address: &str, sender_unit: &str, unit: &str) -> Msg {
    Msg::new(
        format!(
            "Báo cáo của {unit} lại được gửi từ địa chỉ {address}, là địa chỉ của {sender_unit}. Hãy gọi điện xác nhận với {unit} rồi đề nghị gửi lại từ địa chỉ thư của đơn vị; nếu đơn vị đổi địa chỉ, hãy sửa danh sách đơn vị."
        ),
        format!(
            "The report of {unit} was sent from {address}, an address of {sender_unit}. Confirm with {unit} by phone and ask for it to be sent again from the unit's own address; if the unit changed address, update the registry."
        ),
    )
}

pub(crate) fn sender_unknown(address: &str, unit: &str) -> Msg {
    Msg::new(
        format!(
            "Báo cáo của {unit} được gửi từ địa chỉ {address}, không có trong danh sách đơn vị. Hãy xác nhận người gửi; nếu đúng là địa chỉ của đơn vị, hãy thêm vào cột email của danh sách đơn vị."
        ),
        format!(
            "The report of {unit} was sent from {address}, which is in no unit's entry of the registry. Confirm who sent it; if it is the unit's address, add it to the registry's email column."
        ),
    )
}

/// `sender-unknown` for a unit the registry gives addresses: the file is
/// held, and how staff accept it.
pub(crate) fn sender_unknown_held(address: &str, unit: &str) -> Msg {
    Msg::new(
        format!(
            "Báo cáo của {unit} được gửi từ địa chỉ {address}, không phải địa chỉ thư đã đăng ký của đơn vị. Tệp được tạm giữ, chưa tổng hợp và không thay cho báo cáo gửi từ địa chỉ đã đăng ký. Hãy gọi điện xác nhận với {unit}; nếu đúng là đơn vị gửi, chạy lại với --accept-sender {address} hoặc thêm địa chỉ này vào cột email của danh sách đơn vị."
        ),
        format!(
            "The report of {unit} was sent from {address}, which is not an address registered for the unit. The file is held: not consolidated, and it does not replace a report sent from a registered address. Confirm with {unit} by phone; if the unit did send it, run again with --accept-sender {address} or add the address to the registry's email column."
        ),
    )
}

pub(crate) fn mail_malformed(detail: &str) -> Msg {
    Msg::new(
        format!("Không đọc được thư ({detail}). Hãy đề nghị đơn vị gửi lại thư kèm tệp báo cáo."),
        format!("The message cannot be read ({detail}). Ask the unit to send the report again."),
    )
}

pub(crate) fn mail_truncated() -> Msg {
    Msg::new(
        "Thư bị cắt cụt (tệp thư xuất ra không đầy đủ); tệp đính kèm bị thiếu phần cuối. Hãy xuất lại hộp thư hoặc đề nghị đơn vị gửi lại.",
        "The message is truncated (an incomplete export); its attachment lacks its end. Export the mailbox again or ask the unit to send it again.",
    )
}

pub(crate) fn mail_tnef(name: &str) -> Msg {
    Msg::new(
        format!(
            "Tệp đính kèm “{name}” là winmail.dat (Outlook gửi thư dạng RTF), không đọc được. Hãy đề nghị xã gửi lại thư ở dạng HTML hoặc văn bản thường (Outlook: Tệp → Tuỳ chọn → Thư → Soạn thư theo định dạng HTML) và đính kèm trực tiếp tệp Excel."
        ),
        format!(
            "The attachment “{name}” is winmail.dat (Outlook sent the message as RTF) and cannot be read. Ask the commune to send it again as HTML or plain text (Outlook: File → Options → Mail → Compose messages in HTML) with the Excel file attached directly."
        ),
    )
}

pub(crate) fn mail_zip_encrypted(name: &str) -> Msg {
    Msg::new(
        format!(
            "Tệp nén “{name}” được đặt mật khẩu nên không mở được. Hãy đề nghị đơn vị gửi lại tệp Excel không nén, không đặt mật khẩu."
        ),
        format!(
            "The archive “{name}” is password-protected and cannot be opened. Ask the unit to send the Excel file again, uncompressed and without a password."
        ),
    )
}

pub(crate) fn mail_not_spreadsheet(name: &str) -> Msg {
    Msg::new(
        format!(
            "Tệp đính kèm “{name}” mang tên bảng tính nhưng nội dung không phải bảng tính Excel. Hãy đề nghị đơn vị gửi đúng tệp báo cáo."
        ),
        format!(
            "The attachment “{name}” is named as a spreadsheet but its content is not one. Ask the unit to send the report file itself."
        ),
    )
}

pub(crate) fn zip_too_many_entries(name: &str, count: usize, limit: usize) -> Msg {
    Msg::new(
        format!(
            "Tệp nén “{name}” có {count} tệp bên trong, vượt giới hạn {limit}; có thể là tệp độc hại."
        ),
        format!(
            "The archive “{name}” holds {count} files, over the {limit} limit; it may be hostile."
        ),
    )
}

/// `registry-mismatch`: the registry names a unit of the national list by
/// another name.
pub(crate) fn registry_name_differs(
    code: &str,
    name: &str,
    official: &str,
    list_vi: &str,
    list_en: &str,
) -> Msg {
    Msg::new(
        format!(
            "Danh sách đơn vị ghi mã {code} là “{name}”, nhưng trong {list_vi} mã {code} là “{official}”. Hãy kiểm tra lại mã hoặc tên trong danh sách đơn vị trước khi tổng hợp."
        ),
        format!(
            "The registry gives code {code} as “{name}”, but in {list_en} code {code} is “{official}”. Check the code or the name in the registry before consolidating."
        ),
    )
}

/// `registry-mismatch`: the registry has a code the national list lacks.
pub(crate) fn registry_code_unknown(
    code: &str,
    name: &str,
    suggestions: &[String],
    list_vi: &str,
    list_en: &str,
) -> Msg {
    let hint = |word: &str| {
        if suggestions.is_empty() {
            String::new()
        } else {
            format!(" {word} {}?", suggestions.join(", "))
        }
    };
    Msg::new(
        format!(
            "Danh sách đơn vị có mã {code} (“{name}”), nhưng mã này không có trong {list_vi}.{} Hãy kiểm tra lại mã trong danh sách đơn vị.",
            hint("Có phải:")
        ),
        format!(
            "The registry has code {code} (“{name}”), which is not in {list_en}.{} Check the code in the registry.",
            hint("Did you mean:")
        ),
    )
}

/// `registry-mismatch`, told first when many of the registry's codes are
/// not in the national list: most likely the registry uses the codes of
/// another edition (before or after the 2025 reform), or codes of its own.
pub(crate) fn registry_codes_mostly_unknown(
    unknown: usize,
    total: usize,
    suggested: usize,
    list_vi: &str,
    list_en: &str,
) -> Msg {
    use crate::model::values::format_count;
    let count = |n: usize, lang: Lang| format_count(n, lang);
    let (unknown_vi, total_vi) = (count(unknown, Lang::Vi), count(total, Lang::Vi));
    let (unknown_en, total_en) = (count(unknown, Lang::En), count(total, Lang::En));
    Msg::new(
        format!(
            "{unknown_vi} trong {total_vi} mã của danh sách đơn vị không có trong {list_vi}: có thể danh sách đơn vị dùng mã của một danh mục khác (trước hoặc sau sắp xếp đơn vị hành chính năm 2025). Mỗi mã được báo riêng bên dưới; tên gần đúng chỉ được gợi ý cho {suggested} mã đầu tiên. Hãy kiểm tra kỳ báo cáo và danh sách đơn vị."
        ),
        format!(
            "{unknown_en} of the registry's {total_en} codes are not in {list_en}: the registry may use the codes of another list (before or after the 2025 reorganisation). Each code is reported below; similar names are suggested for the first {suggested} only. Check the period and the registry."
        ),
    )
}

/// `registry-mismatch`: the registry puts a unit under another parent than
/// the national list does.
pub(crate) fn registry_parent_differs(
    code: &str,
    name: &str,
    parent: &str,
    official_parent: &str,
    list_vi: &str,
    list_en: &str,
) -> Msg {
    Msg::new(
        format!(
            "Danh sách đơn vị ghi {name} (mã {code}) thuộc đơn vị mã {parent}, nhưng trong {list_vi} đơn vị này thuộc {official_parent}. Hãy kiểm tra xem đơn vị có đúng là báo cáo cho đơn vị tổng hợp này không."
        ),
        format!(
            "The registry puts {name} (code {code}) under unit {parent}, but in {list_en} it belongs to {official_parent}. Check that the unit really reports to this consolidating unit."
        ),
    )
}

/// `template-unrecognized`: in a province's run over its districts' outputs,
/// a file that is not a district's data table.
pub(crate) fn not_a_district_table() -> Msg {
    Msg::new(
        "Đang tổng hợp từ kết quả tổng hợp của các huyện: tệp này không phải bảng số liệu do “tonghop build” của huyện ghi (tên dạng pcmd-2023-du-lieu.parquet hoặc .csv, đủ các cột unit_code, period, field, value, source_file, source_cell…). Hãy đề nghị huyện gửi thư mục kết quả của huyện.",
        "The districts' outputs are being consolidated: this file is not a data table written by a district's “tonghop build” (named like pcmd-2023-du-lieu.parquet or .csv, with the columns unit_code, period, field, value, source_file, source_cell…). Ask the district for its output folder.",
    )
}

/// `template-unrecognized`: a district's data table holding fields the
/// schema does not have.
pub(crate) fn district_table_other_form(title: &str) -> Msg {
    Msg::new(
        format!(
            "Bảng số liệu của huyện có chỉ tiêu không thuộc biểu mẫu “{title}”: đây là số liệu của biểu mẫu khác (hoặc phiên bản khác). Hãy đề nghị huyện tổng hợp lại theo đúng biểu mẫu."
        ),
        format!(
            "The district's data table has fields the form “{title}” does not: it is another form's data (or another version). Ask the district to consolidate with this form."
        ),
    )
}

/// `period-mismatch`: a district's data table of another period.
pub(crate) fn district_table_period(found: &str, expected: &Period) -> Msg {
    let (ev, ee) = (expected.label_vi(), expected.label_en());
    Msg::new(
        format!(
            "Bảng số liệu của huyện là của kỳ {found}, trong khi đang tổng hợp kỳ {ev}. Hãy đề nghị huyện gửi kết quả tổng hợp kỳ {ev}."
        ),
        format!(
            "The district's data table is for the period {found}, but {ee} is being consolidated. Ask the district for its {ee} outputs."
        ),
    )
}

/// `type-error`: a value of a district's data table its field cannot hold.
pub(crate) fn district_table_value(unit: &str, field: &str) -> Msg {
    Msg::new(
        format!(
            "Bảng số liệu của huyện có giá trị không đúng kiểu của chỉ tiêu “{field}” (đơn vị {unit}): bảng đã bị sửa sau khi tổng hợp? Hãy đề nghị huyện tổng hợp lại."
        ),
        format!(
            "The district's data table holds a value of the wrong type for “{field}” (unit {unit}): was the table edited after the build? Ask the district to build again."
        ),
    )
}

/// `unit-ambiguous`: a district's data table holding communes of several
/// districts.
pub(crate) fn district_table_of_several(districts: &[String]) -> Msg {
    let names = districts.join(", ");
    Msg::new(
        format!(
            "Bảng số liệu gồm các xã của nhiều huyện ({names}): không biết đây là kết quả của huyện nào. Mỗi huyện gửi kết quả tổng hợp riêng của mình."
        ),
        format!(
            "The data table holds communes of several districts ({names}): whose output it is cannot be told. Each district sends its own outputs."
        ),
    )
}

/// `unit-unidentified`: a district's data table whose communes are in no
/// national list and whose folder and file name name no registry unit.
pub(crate) fn district_table_unidentified() -> Msg {
    Msg::new(
        "Không xác định được bảng số liệu này là của huyện nào: các xã trong bảng không có trong danh mục đơn vị hành chính, tên thư mục và tên tệp không khớp huyện nào trong danh sách đơn vị. Hãy đặt bảng vào thư mục mang tên huyện (ví dụ inbox/van-ban/).",
        "Whose data table this is cannot be told: its communes are in no national list, and its folder and file name match no unit of the registry. Put the table in a folder named after the district (e.g. inbox/van-ban/).",
    )
}

/// `unit-unknown`: a district's data table from a district the province's
/// registry does not list.
pub(crate) fn district_not_in_registry(district: &str) -> Msg {
    Msg::new(
        format!(
            "Bảng số liệu là kết quả của {district}, đơn vị không có trong danh sách đơn vị của tỉnh: không được tính. Hãy kiểm tra danh sách đơn vị hoặc tệp đã nhận."
        ),
        format!(
            "The data table is the output of {district}, which is not in the province's registry: it is not counted. Check the registry or the file received."
        ),
    )
}

/// `template-unrecognized`: a district's consolidated workbook (or
/// indicators, or JSON report) sent without the data table it was made from.
pub(crate) fn district_output_without_table() -> Msg {
    Msg::new(
        "Đây là kết quả tổng hợp của huyện (bảng tổng hợp, chỉ tiêu hoặc báo cáo kiểm tra) nhưng không kèm bảng số liệu (…-du-lieu.parquet hoặc .csv) cùng thư mục: tỉnh chỉ cộng số liệu từ bảng số liệu, nơi mỗi số liệu còn ghi rõ xã, tệp và ô. Hãy đề nghị huyện gửi cả thư mục kết quả (out/).",
        "This is a district's output (the consolidated workbook, the indicators or the check report) without the data table (…-du-lieu.parquet or .csv) beside it: the province adds up only data tables, where each figure still names its commune, file and cell. Ask the district for its whole output folder (out/).",
    )
}

// ---- List shapes and keys (issue 14): keys over several fields, split
// sub-columns, lists continued over several sheets.

/// "Họ và tên, Năm sinh" as the cell prefix's label.
fn labels_of(labels: &[String]) -> String {
    labels.join(", ")
}

pub(crate) fn key_not_unique(cell: &str, labels: &[String], seen: &str, first_cell: &str) -> Msg {
    cell_msg(
        cell,
        &labels_of(labels),
        format!("“{seen}” trùng với dòng của ô {first_cell}; mỗi dòng phải khác nhau"),
        format!("“{seen}” repeats the row of cell {first_cell}; each row must be different"),
    )
}

pub(crate) fn split_ambiguous(cells: &[String], label: &str, choices: &[String]) -> Msg {
    let (first, all) = (cells[0].as_str(), cells.join(", "));
    cell_msg(
        first,
        label,
        format!(
            "ghi ở nhiều cột ({all}: {}); chỉ ghi vào một cột",
            choices.join(", ")
        ),
        format!(
            "written in several columns ({all}: {}); fill in one column only",
            choices.join(", ")
        ),
    )
}

pub(crate) fn list_continued(first_sheet: &str, sheet: &str, rows: usize) -> Msg {
    Msg::new(
        format!(
            "Danh sách của trang “{first_sheet}” được đọc tiếp ở trang “{sheet}” ({rows} dòng)."
        ),
        format!("The list of sheet “{first_sheet}” is read on from sheet “{sheet}” ({rows} rows)."),
    )
}

pub(crate) fn list_sheet_unread(first_sheet: &str, sheet: &str, rows: usize) -> Msg {
    Msg::new(
        format!(
            "Trang “{sheet}” cũng có danh sách như trang “{first_sheet}” ({rows} dòng) nhưng không được đọc. Hãy chuyển các dòng này vào trang “{first_sheet}” (hoặc xoá trang thừa) rồi gửi lại."
        ),
        format!(
            "Sheet “{sheet}” holds a list like sheet “{first_sheet}” ({rows} rows) but is not read. Move these rows into sheet “{first_sheet}” (or remove the extra sheet) and send the file again."
        ),
    )
}

pub(crate) fn record_in_several_units(
    cell: &str,
    labels: &[String],
    seen: &str,
    other_unit: &str,
    other_file: &str,
    other_cell: &str,
) -> Msg {
    cell_msg(
        cell,
        &labels_of(labels),
        format!(
            "“{seen}” cũng có trong báo cáo của {other_unit} ({other_file}, ô {other_cell}); hãy kiểm tra để không tính hai lần"
        ),
        format!(
            "“{seen}” is also in the report of {other_unit} ({other_file}, cell {other_cell}); check it is not counted twice"
        ),
    )
}

/// `rollup-period-missing`: a unit has no accepted report for some of the
/// periods a longer one is added up from.
pub(crate) fn rollup_period_missing(period: &Period, missing: &[Period]) -> Msg {
    let ids: Vec<String> = missing.iter().map(Period::id).collect();
    let vi: Vec<String> = missing.iter().map(Period::label_vi).collect();
    let en: Vec<String> = missing.iter().map(Period::label_en).collect();
    Msg::new(
        format!(
            "Chưa có số liệu {} của đơn vị nên không cộng dồn được {}; số liệu của đơn vị không được tính. Hãy tổng hợp kỳ còn thiếu (tonghop build --period {}) rồi chạy lại.",
            vi.join(", "),
            period.label_vi().to_lowercase(),
            ids[0]
        ),
        format!(
            "No figures of the unit for {}, so {} cannot be added up; the unit is not counted. Build the missing period (tonghop build --period {}) and run again.",
            en.join(", "),
            period.label_en(),
            ids[0]
        ),
    )
}

/// `value-outlier`: a value jumps against the unit's own past (the median
/// of its last periods).
pub(crate) fn value_jump(field: &FieldDef, median: f64, value: f64) -> Msg {
    let (vi, en) = if value > median {
        ("tăng bất thường", "jumps up")
    } else {
        ("giảm bất thường", "drops")
    };
    Msg::new(
        format!(
            "Số liệu “{}” {vi} so với cùng kỳ: {} → {}. Đề nghị kiểm tra lại.",
            field.label,
            figure(median, Lang::Vi),
            figure(value, Lang::Vi)
        ),
        format!(
            "“{}” {en} against the unit's past (the median of its last periods): {} → {}. Please check it.",
            field.label_in(Lang::En),
            figure(median, Lang::En),
            figure(value, Lang::En)
        ),
    )
}

/// `value-outlier`: a value stands far from the other units' of the period.
pub(crate) fn value_apart(field: &FieldDef, median: f64, value: f64, z: f64) -> Msg {
    Msg::new(
        format!(
            "Số liệu “{}” khác xa các đơn vị khác trong kỳ: {} (trung vị các đơn vị: {}; điểm z hiệu chỉnh {}). Đề nghị kiểm tra lại.",
            field.label,
            figure(value, Lang::Vi),
            figure(median, Lang::Vi),
            figure(z, Lang::Vi)
        ),
        format!(
            "“{}” stands far from the other units of the period: {} (the units' median: {}; modified z-score {}). Please check it.",
            field.label_in(Lang::En),
            figure(value, Lang::En),
            figure(median, Lang::En),
            figure(z, Lang::En)
        ),
    )
}
