//! One test per finding code: each writes a small pcmd workbook with
//! rust_xlsxwriter (the canonical layout of pcmd-form.md with one thing
//! broken), runs the library's check on it and asserts the code, the cell and
//! the field. The samples cover the same codes on files made by other
//! programs; these pin each code down in isolation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::Workbook;
use tonghop::Limits;
use tonghop::Period;
use tonghop::Schema;
use tonghop::{Code, Severity};
use tonghop::{Config, ConsolidatingUnit};
use tonghop::{Registry, Unit};
use tonghop::{Status, Submission, check_file};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema_text() -> String {
    std::fs::read_to_string(repo().join("schemas/pcmd.toml")).unwrap()
}

fn config_with(schema_text: &str, registry: Option<Registry>, limits: Limits) -> Config {
    let schema =
        Schema::parse(schema_text, &repo().join("schemas/pcmd.toml")).expect("schema loads");
    let registry = registry
        .unwrap_or_else(|| Registry::load(&repo().join("schemas/units/van-ban-2023.csv")).unwrap());
    let period = Period::parse("2023", schema.period).unwrap();
    let mut config = Config::new(schema, registry, period);
    config.consolidating = ConsolidatingUnit {
        code: "089".into(),
        name: "Huyện Văn Bàn".into(),
    };
    config.limits = limits;
    config
}

fn config() -> Config {
    config_with(&schema_text(), None, Limits::default())
}

/// The Biểu 01 rows of pcmd-form.md: (STT, label, value).
fn form_rows() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        ("I", "Công tác chỉ đạo, tuyên truyền", ""),
        (
            "1",
            "Số văn bản chỉ đạo, hướng dẫn về phòng, chống mại dâm được ban hành",
            "2",
        ),
        (
            "2",
            "Số cuộc truyền thông, tuyên truyền về phòng, chống mại dâm",
            "1",
        ),
        ("3", "Số lượt người tham gia truyền thông", "60"),
        (
            "4",
            "Số băng rôn, khẩu hiệu, pa-nô, áp phích tuyên truyền",
            "2",
        ),
        (
            "II",
            "Quản lý cơ sở kinh doanh dịch vụ dễ phát sinh tệ nạn mại dâm",
            "",
        ),
        (
            "5",
            "Tổng số cơ sở kinh doanh dịch vụ dễ phát sinh tệ nạn mại dâm",
            "2",
        ),
        ("5.1", "Cơ sở kinh doanh dịch vụ lưu trú", "1"),
        ("5.2", "Cơ sở kinh doanh dịch vụ karaoke", "1"),
        ("5.3", "Cơ sở kinh doanh dịch vụ xoa bóp (massage)", "0"),
        ("5.4", "Cơ sở kinh doanh dịch vụ khác", "0"),
        (
            "6",
            "Số cơ sở đã ký cam kết không để xảy ra tệ nạn mại dâm",
            "2",
        ),
        ("7", "Số lượt kiểm tra cơ sở kinh doanh dịch vụ", "2"),
        ("8", "Số cơ sở vi phạm bị xử lý", "0"),
        ("III", "Tình hình tệ nạn mại dâm", ""),
        ("9", "Trên địa bàn có tệ nạn mại dâm (Có/Không)", "Không"),
        (
            "10",
            "Số vụ vi phạm pháp luật về mại dâm được phát hiện, xử lý",
            "0",
        ),
        ("11", "Số đối tượng vi phạm bị xử lý", "0"),
        ("12", "Số người bán dâm được hỗ trợ hòa nhập cộng đồng", "0"),
        (
            "13",
            "Số nạn nhân bị mua bán trở về được tiếp nhận, hỗ trợ",
            "0",
        ),
        ("IV", "Xây dựng xã, thị trấn lành mạnh", ""),
        (
            "14",
            "Đăng ký xây dựng xã, thị trấn lành mạnh không có ma túy, mại dâm (Có/Không)",
            "Có",
        ),
        (
            "15",
            "Có kế hoạch phòng, chống mại dâm lồng ghép phòng, chống ma túy, HIV/AIDS, mua bán người (Có/Không)",
            "Có",
        ),
    ]
}

/// What to write: the canonical report of Xã Tân An for 2023, with edits.
struct Form {
    unit: String,
    period_line: String,
    headers: Vec<&'static str>,
    /// STT → value (numbers are written as numbers, the rest as text).
    values: BTreeMap<&'static str, String>,
    skip_rows: Vec<&'static str>,
    list_headers: Vec<&'static str>,
    list_rows: Vec<Vec<String>>,
    with_list: bool,
    /// Applied to every text written (a legacy font encoding, NFD …).
    text: fn(&str) -> String,
    /// Extra rows above everything (the form moved down).
    shift: u32,
    /// "Số liệu" before "Đơn vị tính".
    swap_value_unit: bool,
}

impl Form {
    fn canonical() -> Form {
        Form {
            unit: "Xã Tân An".into(),
            period_line: "Kỳ báo cáo: Năm 2023".into(),
            headers: vec!["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú"],
            values: BTreeMap::new(),
            skip_rows: Vec::new(),
            list_headers: vec![
                "STT",
                "Tên cơ sở",
                "Loại hình",
                "Địa chỉ",
                "Chủ cơ sở",
                "Ký cam kết",
                "Ngày ký cam kết",
            ],
            list_rows: vec![
                row(&[
                    "1",
                    "Nhà nghỉ Bình An",
                    "Lưu trú",
                    "Thôn 1",
                    "Lò Văn A",
                    "Có",
                    "05/07/2023",
                ]),
                row(&[
                    "2",
                    "Karaoke Hoa Mai",
                    "Karaoke",
                    "Thôn 2",
                    "Hà Thị B",
                    "Có",
                    "06/07/2023",
                ]),
            ],
            with_list: true,
            text: |s| s.to_string(),
            shift: 0,
            swap_value_unit: false,
        }
    }

    fn set(mut self, stt: &'static str, value: &str) -> Form {
        self.values.insert(stt, value.to_string());
        self
    }

    fn write(&self, dir: &Path, name: &str) -> PathBuf {
        let t = self.text;
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Biểu 01").unwrap();
        let heading = [
            (0, 0, format!("UBND {}", self.unit.to_uppercase())),
            (0, 3, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".to_string()),
            (
                3,
                0,
                "BÁO CÁO KẾT QUẢ CÔNG TÁC PHÒNG, CHỐNG TỆ NẠN MẠI DÂM".to_string(),
            ),
            (4, 0, self.period_line.clone()),
            (5, 0, "Đơn vị báo cáo:".to_string()),
            (5, 2, self.unit.clone()),
        ];
        let k = self.shift;
        let (value_col, unit_col) = if self.swap_value_unit { (2, 3) } else { (3, 2) };
        let mut headers = self.headers.clone();
        if self.swap_value_unit {
            headers.swap(2, 3);
        }
        for (r, c, text) in heading {
            ws.write_string(r + k, c, t(&text)).unwrap();
        }
        for (c, h) in headers.iter().enumerate() {
            ws.write_string(7 + k, c as u16, t(h)).unwrap();
        }
        let mut r = 8 + k;
        for (stt, label, value) in form_rows() {
            if self.skip_rows.contains(&stt) {
                continue;
            }
            ws.write_string(r, 0, stt).unwrap();
            ws.write_string(r, 1, t(label)).unwrap();
            let value = self
                .values
                .get(stt)
                .cloned()
                .unwrap_or_else(|| value.to_string());
            if let Ok(n) = value.parse::<f64>() {
                ws.write_number(r, value_col, n).unwrap();
                ws.write_string(r, unit_col, t("Cơ sở")).unwrap();
            } else if !value.is_empty() {
                ws.write_string(r, value_col, t(&value)).unwrap();
            }
            r += 1;
        }
        if self.with_list {
            let ws = wb.add_worksheet();
            ws.set_name("Biểu 02").unwrap();
            ws.write_string(
                0,
                0,
                t("DANH SÁCH CƠ SỞ KINH DOANH DỊCH VỤ DỄ PHÁT SINH TỆ NẠN MẠI DÂM"),
            )
            .unwrap();
            for (c, h) in self.list_headers.iter().enumerate() {
                ws.write_string(2, c as u16, t(h)).unwrap();
            }
            for (i, cells) in self.list_rows.iter().enumerate() {
                for (c, v) in cells.iter().enumerate() {
                    ws.write_string(3 + i as u32, c as u16, t(v)).unwrap();
                }
            }
        }
        let path = dir.join(name);
        wb.save(&path).unwrap();
        path
    }
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

fn check(form: &Form, name: &str, config: &Config) -> Submission {
    let dir = tempfile::tempdir().unwrap();
    let path = form.write(dir.path(), name);
    check_file(&path, config)
}

/// The one finding with this code; panics with the whole list otherwise.
fn only(s: &Submission, code: Code) -> &tonghop::Finding {
    let hits: Vec<_> = s.findings.iter().filter(|f| f.code == code).collect();
    assert_eq!(hits.len(), 1, "expected one {code}, got {:#?}", s.findings);
    hits[0]
}

fn assert_at(s: &Submission, code: Code, sheet: &str, cell: &str, field: &str) {
    let f = only(s, code);
    assert_eq!(
        (f.sheet(), f.cell().as_deref(), f.field.as_deref()),
        (Some(sheet), Some(cell), Some(field)),
        "{f:#?}"
    );
    assert!(
        f.message.vi.contains(cell),
        "the message names the cell: {}",
        f.message.vi
    );
}

/// Asserts that a finding's Vietnamese message says `text`.
fn assert_says(f: &tonghop::Finding, text: &str) {
    assert!(f.message.vi.contains(text), "{}", f.message.vi);
}

/// A registry unit known only by its code and name.
fn unit(code: &str, name: &str) -> Unit {
    Unit::named(code, name)
}

#[test]
fn canonical_form_is_accepted_as_its_unit() {
    let s = check(&Form::canonical(), "bc.xlsx", &config());
    assert_eq!(s.status, Status::Accepted, "{:#?}", s.findings);
    assert_eq!(
        s.unit
            .map(|u| config().registry.units[u].code.clone())
            .as_deref(),
        Some("03079")
    );
    assert!(s.findings.is_empty(), "{:#?}", s.findings);
}

#[test]
fn type_error() {
    let s = check(&Form::canonical().set("4", "ba"), "bc.xlsx", &config());
    assert_at(&s, Code::TypeError, "Biểu 01", "D13", "so_bang_ron");
    assert_eq!(only(&s, Code::TypeError).value.as_deref(), Some("ba"));
    assert_eq!(s.status, Status::Rejected);
}

#[test]
fn value_required() {
    let s = check(&Form::canonical().set("7", ""), "bc.xlsx", &config());
    assert_at(
        &s,
        Code::ValueRequired,
        "Biểu 01",
        "D21",
        "so_luot_kiem_tra",
    );
}

#[test]
fn value_below_minimum() {
    let s = check(&Form::canonical().set("1", "-1"), "bc.xlsx", &config());
    assert_at(&s, Code::ValueBelowMinimum, "Biểu 01", "D10", "so_van_ban");
}

#[test]
fn value_above_maximum() {
    let text = schema_text().replace("id = \"so_van_ban\"\n", "id = \"so_van_ban\"\nmax = 50\n");
    let s = check(
        &Form::canonical().set("1", "51"),
        "bc.xlsx",
        &config_with(&text, None, Limits::default()),
    );
    assert_at(&s, Code::ValueAboveMaximum, "Biểu 01", "D10", "so_van_ban");
}

#[test]
fn value_coerced_is_info_and_keeps_the_file_accepted() {
    let s = check(
        &Form::canonical().set("1", "-").set("15", "x"),
        "bc.xlsx",
        &config(),
    );
    assert_eq!(s.status, Status::Accepted);
    let coerced: Vec<_> = s
        .findings
        .iter()
        .filter(|f| f.code == Code::ValueCoerced)
        .collect();
    assert_eq!(coerced.len(), 2);
    assert!(coerced.iter().all(|f| f.severity == Severity::Info));
}

#[test]
fn formula_uncached() {
    // rust_xlsxwriter always stores a result; openpyxl stores none, like any
    // program that never calculates. The sample file was made by openpyxl.
    let path = repo().join("samples/van-ban-2023-loi/inbox/Chieng Ken - bao cao PCMD 2023.xlsx");
    let s = check_file(&path, &config());
    assert_at(&s, Code::FormulaUncached, "Biểu 01", "D17", "so_bang_ron");
    assert_eq!(
        only(&s, Code::FormulaUncached).value.as_deref(),
        Some("=D15*1")
    );
}

#[test]
fn formula_error() {
    // A cached #DIV/0!, written by LibreOffice when it recalculated =D12/D11.
    let path = repo().join("samples/van-ban-2023-loi/inbox/Báo cáo mại dâm Nậm Chày 2023.xlsx");
    let s = check_file(&path, &config());
    assert_at(&s, Code::FormulaError, "Biểu 01", "D21", "so_luot_kiem_tra");
}

#[test]
fn rule_violation_points_at_the_rule_cell() {
    let s = check(&Form::canonical().set("5", "3"), "bc.xlsx", &config());
    let rules: Vec<_> = s
        .findings
        .iter()
        .filter(|f| f.code == Code::RuleViolation)
        .map(|f| f.rule.clone().unwrap())
        .collect();
    assert!(rules.contains(&"tong_co_so".to_string()), "{rules:?}");
    let f = s
        .findings
        .iter()
        .find(|f| f.rule.as_deref() == Some("tong_co_so"))
        .unwrap();
    assert_eq!(
        (f.cell().as_deref(), f.severity),
        (Some("D15"), Severity::Error)
    );
}

#[test]
fn warning_rule_keeps_the_file_accepted() {
    let s = check(&Form::canonical().set("3", "0"), "bc.xlsx", &config());
    let f = only(&s, Code::RuleViolation);
    assert_eq!(
        (f.rule.as_deref(), f.severity),
        (Some("luot_nguoi"), Severity::Warning)
    );
    assert_eq!(s.status, Status::Accepted);
}

#[test]
fn list_scoped_rule_on_a_date_outside_the_period() {
    let mut form = Form::canonical();
    form.list_rows[1][6] = "06/07/2022".into();
    let s = check(&form, "bc.xlsx", &config());
    let f = only(&s, Code::RuleViolation);
    assert_eq!(
        (f.rule.as_deref(), f.cell().as_deref(), f.severity),
        (Some("ngay_ky_trong_ky"), Some("G5"), Severity::Warning)
    );
}

#[test]
fn value_required_when_another_cell_says_so() {
    let mut form = Form::canonical();
    form.list_rows[0][6] = String::new();
    let s = check(&form, "bc.xlsx", &config());
    assert_at(&s, Code::ValueRequired, "Biểu 02", "G4", "ngay_ky");
}

#[test]
fn value_not_allowed_and_not_unique() {
    let mut form = Form::canonical();
    form.list_rows[1][1] = "Nhà nghỉ Bình An".into();
    form.list_rows[0][2] = "Quán bar".into();
    let s = check(&form, "bc.xlsx", &config());
    assert_at(&s, Code::ValueNotAllowed, "Biểu 02", "C4", "loai_hinh");
    assert_at(&s, Code::ValueNotUnique, "Biểu 02", "B5", "ten_co_so");
}

#[test]
fn value_invalid_format() {
    let text = schema_text().replace(
        "id = \"chu_co_so\"\n",
        "id = \"chu_co_so\"\nformat = \"email\"\n",
    );
    let s = check(
        &Form::canonical(),
        "bc.xlsx",
        &config_with(&text, None, Limits::default()),
    );
    let hits: Vec<_> = s
        .findings
        .iter()
        .filter(|f| f.code == Code::ValueInvalidFormat)
        .collect();
    assert_eq!(hits.len(), 2, "{:#?}", s.findings);
    assert_eq!(hits[0].cell().as_deref(), Some("E4"));
}

#[test]
fn field_missing() {
    let mut form = Form::canonical();
    form.skip_rows.push("13");
    let s = check(&form, "bc.xlsx", &config());
    let f = only(&s, Code::FieldMissing);
    assert_eq!(
        (f.sheet(), f.field.as_deref()),
        (Some("Biểu 01"), Some("so_nan_nhan"))
    );
}

#[test]
fn header_missing() {
    let mut form = Form::canonical();
    form.headers = vec!["STT", "Chỉ tiêu", "Đơn vị tính", "", "Ghi chú"];
    let s = check(&form, "bc.xlsx", &config());
    assert_eq!(only(&s, Code::HeaderMissing).sheet(), Some("Biểu 01"));
}

#[test]
fn column_missing() {
    let mut form = Form::canonical();
    form.list_headers[4] = "";
    let s = check(&form, "bc.xlsx", &config());
    let f = only(&s, Code::ColumnMissing);
    assert_eq!(
        (f.sheet(), f.field.as_deref()),
        (Some("Biểu 02"), Some("chu_co_so"))
    );
}

#[test]
fn header_ambiguous_two_columns_for_one_field() {
    let mut form = Form::canonical();
    form.list_headers.push("Tên cơ sở");
    for row in &mut form.list_rows {
        row.push("Nhà nghỉ khác".into());
    }
    let s = check(&form, "bc.xlsx", &config());
    let f = only(&s, Code::HeaderAmbiguous);
    assert_eq!(
        (f.sheet(), f.cell().as_deref(), f.field.as_deref()),
        (Some("Biểu 02"), Some("B3"), Some("ten_co_so"))
    );
    assert_says(f, "B3, H3");
    assert!(
        s.findings.iter().all(|f| f.code != Code::ColumnMissing),
        "{:#?}",
        s.findings
    );
    // Neither column is read.
    let records = &s.data.as_ref().unwrap().lists["danh_sach"];
    assert!(records.iter().all(|r| !r.values.contains_key("ten_co_so")));
    assert_eq!(s.status, Status::Rejected);
}

#[test]
fn header_ambiguous_two_value_columns_on_a_form() {
    let mut form = Form::canonical();
    form.headers = vec!["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Kết quả"];
    let s = check(&form, "bc.xlsx", &config());
    let f = only(&s, Code::HeaderAmbiguous);
    assert_eq!(
        (f.sheet(), f.cell().as_deref(), f.value.as_deref()),
        (Some("Biểu 01"), Some("D8"), Some("D8, E8"))
    );
    assert_eq!(s.status, Status::Rejected);
    // "Số liệu năm 2023" beside "Số liệu" only starts with the label: the
    // exact one is the value column, without doubt.
    let mut form = Form::canonical();
    form.headers = vec![
        "STT",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Số liệu",
        "Số liệu năm 2022",
    ];
    let s = check(&form, "bc.xlsx", &config());
    assert!(s.findings.is_empty(), "{:#?}", s.findings);
}

#[test]
fn header_ambiguous_two_header_rows() {
    let mut form = Form::canonical();
    // The list's header row once more, as the first row below it.
    let header = row(&form.list_headers);
    form.list_rows.insert(0, header);
    let s = check(&form, "bc.xlsx", &config());
    let f = only(&s, Code::HeaderAmbiguous);
    assert_eq!((f.sheet(), f.field.as_deref()), (Some("Biểu 02"), None));
    assert_says(f, "dòng 3 và dòng 4");
}

#[test]
fn a_list_that_says_none_is_empty() {
    let mut form = Form::canonical();
    form.list_rows = vec![row(&["1", "Không có", "", "", "", "", ""])];
    form = form
        .set("5", "0")
        .set("5.1", "0")
        .set("5.2", "0")
        .set("6", "0")
        .set("7", "0");
    let s = check(&form, "bc.xlsx", &config());
    assert!(
        s.findings.iter().all(|f| f.code != Code::ValueRequired),
        "{:#?}",
        s.findings
    );
    assert_eq!(s.data.as_ref().unwrap().lists["danh_sach"], vec![]);
    // "Không" under the yes/no column is an answer: the row stays a record.
    let mut form = Form::canonical();
    form.list_rows = vec![row(&["", "", "", "", "", "Không", ""])];
    let s = check(&form, "bc.xlsx", &config());
    assert_eq!(s.data.as_ref().unwrap().lists["danh_sach"].len(), 1);
}

#[test]
fn value_required_advises_zero_for_numbers_only() {
    let s = check(&Form::canonical().set("7", ""), "bc.xlsx", &config());
    let f = only(&s, Code::ValueRequired);
    assert_says(f, "Nếu bằng 0, hãy ghi 0");
    let mut form = Form::canonical();
    form.list_rows[0][1] = String::new();
    let s = check(&form, "bc.xlsx", &config());
    let f = only(&s, Code::ValueRequired);
    assert_eq!(f.field.as_deref(), Some("ten_co_so"));
    assert!(!f.message.vi.contains("ghi 0"), "{}", f.message.vi);
    assert!(!f.message.en.contains("Write 0"), "{}", f.message.en);
}

#[test]
fn sheet_missing() {
    let mut form = Form::canonical();
    form.with_list = false;
    let s = check(&form, "bc.xlsx", &config());
    only(&s, Code::SheetMissing);
    assert_eq!(s.status, Status::Rejected);
}

#[test]
fn template_unrecognized_gives_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    wb.add_worksheet()
        .write_string(0, 0, "Bảng lương tháng 7")
        .unwrap();
    let path = dir.path().join("luong.xlsx");
    wb.save(&path).unwrap();
    let s = check_file(&path, &config());
    assert_eq!(
        s.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        vec![Code::TemplateUnrecognized]
    );
    let message = &s.findings[0].message;
    assert!(
        message.vi.contains("“Bảng lương tháng 7”"),
        "{}",
        message.vi
    );
    assert!(
        message.en.contains("“Bảng lương tháng 7”"),
        "{}",
        message.en
    );
}

#[test]
fn template_unrecognized_when_the_file_holds_too_little_of_the_form() {
    // Another report that shares the list's sheet name and two form labels:
    // before, it got sheet-missing, a field-missing per row and its title
    // taken for a unit name.
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Biểu 01").unwrap();
    ws.write_string(0, 0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        .unwrap();
    ws.write_string(2, 0, "BÁO CÁO TAI NẠN LAO ĐỘNG").unwrap();
    ws.write_string(3, 0, "Đơn vị báo cáo: BÁO CÁO TAI NẠN LAO ĐỘNG")
        .unwrap();
    for (c, h) in ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"]
        .iter()
        .enumerate()
    {
        ws.write_string(5, c as u16, *h).unwrap();
    }
    let rows = [
        "Số vụ tai nạn lao động",
        "Số người bị nạn",
        "Số lượt kiểm tra cơ sở kinh doanh dịch vụ",
        "Số cơ sở vi phạm bị xử lý",
    ];
    for (i, label) in rows.iter().enumerate() {
        ws.write_string(6 + i as u32, 1, *label).unwrap();
        ws.write_number(6 + i as u32, 3, 1.0).unwrap();
    }
    let path = dir.path().join("tnld.xlsx");
    wb.save(&path).unwrap();
    let s = check_file(&path, &config());
    assert_eq!(
        s.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        vec![Code::TemplateUnrecognized],
        "{:#?}",
        s.findings
    );
    assert!(
        s.findings[0]
            .message
            .vi
            .contains("“BÁO CÁO TAI NẠN LAO ĐỘNG”"),
        "{}",
        s.findings[0].message.vi
    );
}

#[test]
fn unit_unidentified() {
    let mut form = Form::canonical();
    form.unit = String::new();
    let s = check(&form, "bao cao 2023.xlsx", &config());
    only(&s, Code::UnitUnidentified);
    assert_eq!(s.unit, None);
}

#[test]
fn unit_identified_from_the_file_name_when_the_content_names_none() {
    let mut form = Form::canonical();
    form.unit = String::new();
    let s = check(&form, "BC_PCMD_2023_KhanhYenTrung.xlsx", &config());
    assert_eq!(
        s.unit
            .map(|u| config().registry.units[u].code.clone())
            .as_deref(),
        Some("03100")
    );
}

#[test]
fn unit_unknown_suggests_the_nearest() {
    let mut form = Form::canonical();
    form.unit = "Xã Tân Ann".into();
    let s = check(&form, "bc.xlsx", &config());
    let f = only(&s, Code::UnitUnknown);
    assert_says(f, "Có phải: Xã Tân An");
}

#[test]
fn unit_ambiguous() {
    let registry = Registry::new(
        vec![unit("1", "Xã Tân An"), unit("2", "Thị trấn Tân An")],
        Path::new("units.csv"),
    );
    let mut form = Form::canonical();
    form.unit = "Tân An".into();
    let s = check(
        &form,
        "bc.xlsx",
        &config_with(&schema_text(), Some(registry), Limits::default()),
    );
    only(&s, Code::UnitAmbiguous);
}

/// A canonical Tân An form saved by `tonghop mail` as sent from `from`:
/// the file and its entry in the inbox's index, checked as a whole run.
fn mailed_from(from: &str) -> Submission {
    mailed_from_accepting(from, &[])
}

/// The same, with staff accepting some senders (`--accept-sender`).
fn mailed_from_accepting(from: &str, accepted: &[&str]) -> Submission {
    let dir = tempfile::tempdir().unwrap();
    let name = "20231218-0900_sender_bc.xlsx";
    let path = Form::canonical().write(dir.path(), name);
    let sha = tonghop::sha256_hex(&std::fs::read(&path).unwrap());
    let index = tonghop::MailIndex {
        version: 1,
        entries: vec![tonghop::MailIndexEntry {
            file: name.into(),
            message_id: "<1@x>".into(),
            from: from.into(),
            to: vec![],
            date: Some("2023-12-18T09:00:00+07:00".into()),
            subject: "Báo cáo".into(),
            original_name: "bc.xlsx".into(),
            sha256: sha,
        }],
    };
    std::fs::write(tonghop::MailIndex::path(dir.path()), index.to_bytes()).unwrap();
    let mut config = config();
    config.inputs = vec![path];
    config.accept_senders = accepted.iter().map(|a| a.to_string()).collect();
    let mut result = tonghop::check_all(&config);
    let s = result.submissions.remove(0);
    assert_eq!(
        s.mail.as_ref().map(|m| m.from.clone()),
        Some(from.to_lowercase()),
        "the index entry is found"
    );
    s
}

#[test]
fn unit_sender_mismatch() {
    // Tân An's report from Tân Thượng's address.
    let s = mailed_from("UBNDXA.TanThuong@laocai.gov.vn");
    let f = only(&s, Code::UnitSenderMismatch);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.value.as_deref(), Some("ubndxa.tanthuong@laocai.gov.vn"));
    assert_says(f, "Xã Tân Thượng");
    assert_eq!(s.status, Status::Rejected);
    // From its own address: nothing to say.
    let own = mailed_from("ubndxa.tanan@laocai.gov.vn");
    assert!(own.findings.is_empty(), "{:#?}", own.findings);
    assert_eq!(own.status, Status::Accepted);
}

#[test]
fn sender_unknown() {
    let s = mailed_from("someone@example.com");
    let f = only(&s, Code::SenderUnknown);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.value.as_deref(), Some("someone@example.com"));
    // Tân An has a registered address: the stranger's file is held.
    assert_eq!(s.status, Status::Held);
    assert_says(f, "tạm giữ");
    assert_says(f, "--accept-sender someone@example.com");
    // Accepted by staff: counted, nothing to say.
    let s = mailed_from_accepting("someone@example.com", &["someone@example.com"]);
    assert!(s.findings.is_empty(), "{:#?}", s.findings);
    assert_eq!(s.status, Status::Accepted);
}

#[test]
fn period_missing_assumes_the_configured_one() {
    let mut form = Form::canonical();
    form.period_line = String::new();
    let s = check(&form, "bc.xlsx", &config());
    let f = only(&s, Code::PeriodMissing);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(s.status, Status::Accepted);
}

#[test]
fn period_unreadable() {
    let mut form = Form::canonical();
    form.period_line = "Kỳ báo cáo: Quý V/2023".into();
    let s = check(&form, "bc.xlsx", &config());
    let f = only(&s, Code::PeriodUnreadable);
    assert_eq!(f.value.as_deref(), Some("Kỳ báo cáo: Quý V/2023"));
    assert_eq!(f.severity, Severity::Error);
    assert_says(f, "“Kỳ báo cáo: Quý V/2023”");
    assert!(s.findings.iter().all(|f| f.code != Code::PeriodMissing));
    assert_eq!((s.status, s.period.clone()), (Status::Rejected, None));
}

/// The canonical form with the period line `line` is checked for 2023: one
/// period-mismatch, whose value is the period `seen`.
fn period_mismatch_seen(line: &str, seen: &str) -> Submission {
    let mut form = Form::canonical();
    form.period_line = line.into();
    let s = check(&form, "bc.xlsx", &config());
    assert_eq!(only(&s, Code::PeriodMismatch).value.as_deref(), Some(seen));
    s
}

#[test]
fn period_mismatch_for_a_short_quarter() {
    let s = period_mismatch_seen("Kỳ báo cáo: Quý I/2023", "2023-Q1");
    assert_eq!(s.status, Status::Rejected);
}

#[test]
fn period_mismatch() {
    period_mismatch_seen("Kỳ báo cáo: 6 tháng đầu năm 2023", "2023-H1");
}

#[test]
fn file_too_large() {
    let limits = Limits {
        max_file_bytes: 1000,
        ..Limits::default()
    };
    let s = check(
        &Form::canonical(),
        "bc.xlsx",
        &config_with(&schema_text(), None, limits),
    );
    only(&s, Code::FileTooLarge);
}

#[test]
fn too_many_cells() {
    let limits = Limits {
        max_cells_per_sheet: 20,
        ..Limits::default()
    };
    let s = check(
        &Form::canonical(),
        "bc.xlsx",
        &config_with(&schema_text(), None, limits),
    );
    assert!(only(&s, Code::FileTooLarge).message.vi.contains("Biểu 01"));
}

#[test]
fn file_unsupported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bc.xls");
    std::fs::write(
        &path,
        "<html><body><table><tr><td>Số liệu</td></tr></table></body></html>",
    )
    .unwrap();
    only(&check_file(&path, &config()), Code::FileUnsupported);
}

/// scripts/make_xls_fonts_unmatched.py: an .xls (xlwt, then its code page
/// changed) whose font records name a sheet differently from calamine. The
/// .VnTime fonts of its cells cannot be given to the sheet: said, never
/// dropped silently.
#[test]
fn text_fonts_unmatched() {
    let path = repo().join("tests/fixtures/xlwt/fonts-unmatched.xls");
    let s = check_file(&path, &config());
    let f = only(&s, Code::TextFontsUnmatched);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.sheet(), Some("Bieu 01–"), "{f:#?}");
    assert!(f.message.vi.contains("“Bieu 01–”"), "{}", f.message.vi);
    assert!(
        f.message.en.contains("could not be matched"),
        "{}",
        f.message.en
    );
    // The same file as Excel records it (code page 1200): the fonts match.
    let bytes = std::fs::read(&path).unwrap();
    let cp1252 = [0x42, 0x00, 0x02, 0x00, 0xE4, 0x04];
    let at = bytes.windows(6).position(|w| w == cp1252).unwrap();
    let mut fixed = bytes.clone();
    fixed[at + 4..at + 6].copy_from_slice(&[0xB0, 0x04]);
    let dir = tempfile::tempdir().unwrap();
    let excel = dir.path().join("bc.xls");
    std::fs::write(&excel, fixed).unwrap();
    let s = check_file(&excel, &config());
    assert!(
        !s.findings
            .iter()
            .any(|f| f.code == Code::TextFontsUnmatched),
        "{:#?}",
        s.findings
    );
}

#[test]
fn english_messages_exist_for_every_finding() {
    let s = check(
        &Form::canonical().set("4", "ba").set("7", ""),
        "bc.xlsx",
        &config(),
    );
    for f in &s.findings {
        assert!(
            !f.message.en.is_empty() && f.message.en != f.message.vi,
            "{f:#?}"
        );
    }
}

#[test]
fn commune_text_that_looks_like_a_formula_stays_text_in_every_output() {
    let mut form = Form::canonical();
    form.list_rows[0][1] = "=HYPERLINK(\"http://example.invalid\",\"bấm\")".into();
    form.list_rows[1][1] = "@SUM(A1:A9)".into();
    form.list_rows[1][3] = "+cmd|' /C calc'!A0".into();
    form.list_rows[1][4] = "-Hà Thị B".into();
    form.list_rows[0][3] = "@SUM(1+9)".into();
    let dir = tempfile::tempdir().unwrap();
    let path = form.write(dir.path(), "bc.xlsx");
    let mut config = config();
    config.output = dir.path().join("out");
    config.base_dir = dir.path().to_path_buf();
    let submission = check_file(&path, &config);
    assert_eq!(
        submission.status,
        Status::Accepted,
        "{:#?}",
        submission.findings
    );
    let result = tonghop::CheckResult {
        submissions: vec![submission],
        missing_units: Vec::new(),
    };
    let consolidated = tonghop::consolidate(&result, &config).unwrap();
    tonghop::write_all(&result, &consolidated, &config).unwrap();

    let mut wb: Xlsx<_> = open_workbook(config.output.join("pcmd-2023-tong-hop.xlsx")).unwrap();
    let formulas = wb.worksheet_formula("Danh sách cơ sở").unwrap();
    assert!(
        formulas.used_cells().next().is_none(),
        "no formula in the list sheet"
    );
    let range = wb.worksheet_range("Danh sách cơ sở").unwrap();
    let texts: Vec<String> = range
        .used_cells()
        .filter_map(|(_, _, d)| match d {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    for expected in [
        "=HYPERLINK(\"http://example.invalid\",\"bấm\")",
        "@SUM(A1:A9)",
        "+cmd|' /C calc'!A0",
        "-Hà Thị B",
        "@SUM(1+9)",
    ] {
        assert!(
            texts.iter().any(|t| t == expected),
            "{expected} kept as text: {texts:?}"
        );
    }
    let csv = std::fs::read_to_string(config.output.join("pcmd-2023-du-lieu.csv")).unwrap();
    assert!(
        csv.contains(",'@SUM(A1:A9),") && csv.contains(",'+cmd|' /C calc'!A0,"),
        "quoted in CSV so that Excel does not run it"
    );
}

fn values_of(s: &Submission) -> BTreeMap<String, String> {
    let data = s.data.as_ref().expect("data read");
    data.form
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.value.as_ref().map(|x| x.display()).unwrap_or_default(),
            )
        })
        .collect()
}

/// How a variant writes the form's text (legacy font encoders, NFD).
type Encode = fn(&str) -> String;

#[test]
fn legacy_encodings_and_nfd_read_the_same_values() {
    use unicode_normalization::UnicodeNormalization;
    let canonical = check(&Form::canonical(), "bc.xlsx", &config());
    let expected = values_of(&canonical);
    let variants: [(&str, Encode, bool); 3] = [
        ("TCVN3", tonghop::encode_tcvn3, true),
        ("VNI", tonghop::encode_vni, true),
        ("NFD", |s| s.nfd().collect(), false),
    ];
    for (name, encode, legacy) in variants {
        let mut form = Form::canonical();
        form.text = encode;
        let s = check(&form, "bc.xlsx", &config());
        assert_eq!(s.status, Status::Accepted, "{name}: {:#?}", s.findings);
        assert_eq!(s.unit, canonical.unit, "{name}: the unit is identified");
        assert_eq!(values_of(&s), expected, "{name}: the same values");
        let list = &s.data.as_ref().unwrap().lists["danh_sach"];
        assert_eq!(
            list[0].values["ten_co_so"]
                .value
                .as_ref()
                .unwrap()
                .display(),
            "Nhà nghỉ Bình An",
            "{name}"
        );
        let warnings = s
            .findings
            .iter()
            .filter(|f| f.code == Code::TextLegacyEncoding)
            .count();
        assert_eq!(
            warnings,
            if legacy { 1 } else { 0 },
            "{name}: one warning per file"
        );
    }
}

/// A small deterministic generator, so that failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

#[test]
fn property_random_values_read_back_the_same_in_every_variant() {
    use unicode_normalization::UnicodeNormalization;
    let config = config();
    let numeric: Vec<&'static str> = form_rows()
        .into_iter()
        .filter(|(stt, _, v)| !v.is_empty() && v.parse::<f64>().is_ok() && !stt.starts_with('I'))
        .map(|(stt, _, _)| stt)
        .collect();
    let mut rng = Lcg(2023);
    for round in 0..12 {
        let mut form = Form::canonical();
        for stt in &numeric {
            form = form.set(stt, &rng.next(2000).to_string());
        }
        form = form.set("9", if rng.next(2) == 0 { "Có" } else { "Không" });
        let expected = values_of(&check(&form, "bc.xlsx", &config));
        let variants: [(&str, Encode, u32, bool); 6] = [
            ("canonical", |s| s.to_string(), 0, false),
            ("shifted", |s| s.to_string(), 1 + (round % 15), false),
            ("swapped", |s| s.to_string(), 0, true),
            ("NFD", |s| s.nfd().collect(), 0, false),
            ("TCVN3", tonghop::encode_tcvn3, round % 4, round % 2 == 0),
            ("VNI", tonghop::encode_vni, round % 3, round % 2 == 1),
        ];
        for (name, text, shift, swap) in variants {
            let mut variant = Form {
                text,
                shift,
                swap_value_unit: swap,
                ..Form::canonical()
            };
            variant.values = form.values.clone();
            let s = check(&variant, "bc.xlsx", &config);
            assert_eq!(
                values_of(&s),
                expected,
                "round {round}, {name} (shift {shift}, swap {swap})"
            );
            assert!(s.unit.is_some(), "round {round}, {name}: unit identified");
        }
    }
}

#[test]
fn a_file_name_that_only_resembles_a_unit_is_suggested_not_identified() {
    let mut form = Form::canonical();
    form.unit = String::new();
    let s = check(&form, "bao cao nam cha 2023.xlsx", &config());
    let f = only(&s, Code::UnitUnknown);
    assert_says(f, "Có phải: Xã Nậm Chầy,");
    assert_eq!(s.unit, None);
}

#[test]
fn registry_mismatch() {
    // A registry typed by hand: Sơn Thuỷ's code given to Võ Lao, a code that
    // does not exist. Caught from the registry alone, before any file.
    let registry = Registry::new(
        vec![
            unit("03061", "Xã Võ Lao"),
            unit("03064", "Xã Võ Lao"),
            unit("03097", "Xã Hòa Mạc"),
            unit("03998", "Xã Nậm Xây"),
        ],
        Path::new("units.csv"),
    );
    let end = Period::parse("2023", tonghop::PeriodKind::Year)
        .unwrap()
        .end();
    let found = tonghop::registry_mismatches(&registry, end);
    let values: Vec<_> = found.iter().map(|f| f.value.as_deref().unwrap()).collect();
    assert_eq!(values, ["03064 Xã Võ Lao", "03998 Xã Nậm Xây"]);
    for f in &found {
        assert_eq!(f.code, Code::RegistryMismatch);
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.location.is_none());
        assert!(!f.message.en.is_empty() && f.message.en != f.message.vi);
    }
    assert_says(&found[0], "“Xã Sơn Thuỷ”");
    assert_says(&found[1], "03121 Xã Nậm Xây");
}

/// A form of its own with three value columns ("Kỳ này | Cùng kỳ năm trước
/// | So sánh (%)", the last derived) and a list with an empty marker.
const COLUMNS_SCHEMA: &str = r#"
id = "cot"
title = "Báo cáo thử nhiều cột"
version = "1"
period = "year"

[[sheets]]
id = "bieu_01"
kind = "form"
name = "Biểu 01"
columns = { label = ["Chỉ tiêu"], value = ["Số liệu"] }

[[sheets.value_columns]]
id = "ky_nay"
label = "Kỳ này"
[[sheets.value_columns]]
id = "cung_ky"
label = "Cùng kỳ năm trước"
[[sheets.value_columns]]
id = "so_sanh"
label = "So sánh (%)"
type = "decimal"
derived = "ky_nay / cung_ky * 100"

[[sheets.fields]]
id = "so_vu"
code = "1"
label = "Số vụ vi phạm"
type = "integer"
[[sheets.fields]]
id = "so_nguoi"
code = "2"
label = "Số người vi phạm"
type = "integer"

[[sheets]]
id = "ds"
kind = "list"
name = "Biểu 02"
required = false
empty_markers = ["Không phát sinh"]
[[sheets.fields]]
id = "ten"
label = "Tên cơ sở"
type = "text"
[[sheets.fields]]
id = "dia_chi"
label = "Địa chỉ"
type = "text"
"#;

/// Writes the columns form of Xã Tân An: `headers` after STT and Chỉ tiêu,
/// one row per (STT, label, values), and the list's rows when given.
fn columns_form(
    dir: &Path,
    headers: &[&str],
    rows: &[(&str, &str, &[&str])],
    list: Option<&[&[&str]]>,
) -> PathBuf {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Biểu 01").unwrap();
    ws.write_string(0, 0, "UBND XÃ TÂN AN").unwrap();
    ws.write_string(3, 0, "BÁO CÁO THỬ NHIỀU CỘT").unwrap();
    ws.write_string(4, 0, "Kỳ báo cáo: Năm 2023").unwrap();
    for (c, h) in ["STT", "Chỉ tiêu"].iter().chain(headers).enumerate() {
        ws.write_string(7, c as u16, *h).unwrap();
    }
    for (r, (stt, label, values)) in rows.iter().enumerate() {
        let r = 8 + r as u32;
        ws.write_string(r, 0, *stt).unwrap();
        ws.write_string(r, 1, *label).unwrap();
        for (c, v) in values.iter().enumerate() {
            let c = 2 + c as u16;
            match v.parse::<f64>() {
                Ok(n) => ws.write_number(r, c, n).unwrap(),
                Err(_) if v.is_empty() => ws,
                Err(_) => ws.write_string(r, c, *v).unwrap(),
            };
        }
    }
    if let Some(list) = list {
        let ws = wb.add_worksheet();
        ws.set_name("Biểu 02").unwrap();
        for (c, h) in ["STT", "Tên cơ sở", "Địa chỉ"].iter().enumerate() {
            ws.write_string(2, c as u16, *h).unwrap();
        }
        for (r, cells) in list.iter().enumerate() {
            for (c, v) in cells.iter().enumerate() {
                ws.write_string(3 + r as u32, c as u16, *v).unwrap();
            }
        }
    }
    let path = dir.join("bc.xlsx");
    wb.save(&path).unwrap();
    path
}

fn columns_check(
    headers: &[&str],
    rows: &[(&str, &str, &[&str])],
    list: Option<&[&[&str]]>,
) -> Submission {
    let dir = tempfile::tempdir().unwrap();
    let path = columns_form(dir.path(), headers, rows, list);
    check_file(&path, &config_with(COLUMNS_SCHEMA, None, Limits::default()))
}

const THREE: [&str; 3] = ["Kỳ này", "Cùng kỳ năm trước", "So sánh (%)"];

#[test]
fn derived_mismatch() {
    // 12 / 8 = 150 %, written 105: wrong. 7 / 6 = 116,67 %, written 116,7:
    // rounded to the place written, right.
    let rows: [(&str, &str, &[&str]); 2] = [
        ("1", "Số vụ vi phạm", &["12", "8", "105"]),
        ("2", "Số người vi phạm", &["7", "6", "116,7"]),
    ];
    let s = columns_check(&THREE, &rows, None);
    assert_at(&s, Code::DerivedMismatch, "Biểu 01", "E9", "so_vu.so_sanh");
    let f = only(&s, Code::DerivedMismatch);
    assert_eq!(f.severity, Severity::Error);
    assert_says(
        f,
        "ghi 105 nhưng tính theo các cột khác của dòng (Kỳ này / Cùng kỳ năm trước * 100) được 150",
    );
    assert_eq!(s.status, Status::Rejected);
    let data = s.data.as_ref().unwrap();
    assert_eq!(
        data.form["so_nguoi.so_sanh"].value,
        Some(tonghop::Value::Num(116.7))
    );
    assert_eq!(
        data.form["so_vu.cung_ky"].value,
        Some(tonghop::Value::Int(8))
    );
}

#[test]
fn value_columns_missing_or_ambiguous() {
    // No "Cùng kỳ năm trước": column-missing, nothing of that column read.
    let rows: [(&str, &str, &[&str]); 2] = [
        ("1", "Số vụ vi phạm", &["12", "150"]),
        ("2", "Số người vi phạm", &["7", "100"]),
    ];
    let s = columns_check(&["Kỳ này", "So sánh (%)"], &rows, None);
    let f = only(&s, Code::ColumnMissing);
    assert_says(f, "Cùng kỳ năm trước");
    assert!(!s.data.as_ref().unwrap().form.contains_key("so_vu.cung_ky"));
    // "Kỳ này" twice: which one is this period's is not guessed.
    let rows: [(&str, &str, &[&str]); 1] = [("1", "Số vụ vi phạm", &["12", "13", "8", "150"])];
    let s = columns_check(
        &["Kỳ này", "Kỳ này", "Cùng kỳ năm trước", "So sánh (%)"],
        &rows,
        None,
    );
    let f = only(&s, Code::HeaderAmbiguous);
    assert_eq!(f.value.as_deref(), Some("C8, D8"));
    assert!(!s.data.as_ref().unwrap().form.contains_key("so_vu.ky_nay"));
    assert_eq!(s.status, Status::Rejected);
}

#[test]
fn a_declared_empty_marker_empties_a_list() {
    let rows: [(&str, &str, &[&str]); 2] = [
        ("1", "Số vụ vi phạm", &["12", "8", "150"]),
        ("2", "Số người vi phạm", &["7", "7", "100"]),
    ];
    let s = columns_check(&THREE, &rows, Some(&[&["1", "Không phát sinh", ""]]));
    assert!(s.findings.is_empty(), "{:#?}", s.findings);
    assert_eq!(s.data.as_ref().unwrap().lists["ds"], vec![]);
    // A marker the schema does not declare is a record like any other.
    let s = columns_check(&THREE, &rows, Some(&[&["1", "Chưa có", ""]]));
    assert_eq!(s.data.as_ref().unwrap().lists["ds"].len(), 1);
}

#[test]
fn a_rule_over_row_column_values() {
    let rule = r#"
[[rules]]
id = "nguoi_it_nhat_bang_vu"
severity = "error"
check = "so_nguoi.ky_nay >= so_vu.ky_nay"
at = "so_nguoi.ky_nay"
message = "Số người ({so_nguoi.ky_nay}) ít hơn số vụ ({so_vu.ky_nay})."
"#;
    let dir = tempfile::tempdir().unwrap();
    let rows: [(&str, &str, &[&str]); 2] = [
        ("1", "Số vụ vi phạm", &["12", "8", "150"]),
        ("2", "Số người vi phạm", &["7", "7", "100"]),
    ];
    let path = columns_form(dir.path(), &THREE, &rows, None);
    let config = config_with(&format!("{COLUMNS_SCHEMA}{rule}"), None, Limits::default());
    let s = check_file(&path, &config);
    let f = only(&s, Code::RuleViolation);
    assert_eq!(
        (f.cell().as_deref(), f.field.as_deref(), f.rule.as_deref()),
        (
            Some("C10"),
            Some("so_nguoi.ky_nay"),
            Some("nguoi_it_nhat_bang_vu")
        )
    );
    assert_says(f, "Số người (7) ít hơn số vụ (12).");
}

// ---- List shapes and keys (issue 14)

/// pcmd with a key over two fields of its list, compared across units too.
fn keyed_config(fields: &str) -> Config {
    let text = schema_text().replacen(
        "[[sheets.aggregates]]",
        &format!(
            "[[sheets.keys]]\nfields = {fields}\nacross_units = true\n\n[[sheets.aggregates]]"
        ),
        1,
    );
    config_with(&text, None, Limits::default())
}

#[test]
fn value_not_unique_over_a_key_of_two_fields() {
    // Two establishments of one owner at one address: the key (chủ cơ sở,
    // địa chỉ) repeats although each name is different.
    let mut form = Form::canonical();
    form.list_rows[1][3] = "Thôn 1".into();
    form.list_rows[1][4] = "Lò Văn A".into();
    let s = check(
        &form,
        "bc.xlsx",
        &keyed_config("[\"chu_co_so\", \"dia_chi\"]"),
    );
    assert_at(&s, Code::ValueNotUnique, "Biểu 02", "E5", "chu_co_so");
    assert_says(only(&s, Code::ValueNotUnique), "“Lò Văn A, Thôn 1”");
    assert_says(only(&s, Code::ValueNotUnique), "ô E4");
    assert_eq!(s.status, Status::Rejected);
}

#[test]
fn record_in_several_units() {
    // Tân An and Võ Lao both list "Nhà nghỉ Bình An" in Thôn 1.
    let mut config = keyed_config("[\"ten_co_so\", \"dia_chi\"]");
    let dir = tempfile::tempdir().unwrap();
    let tan_an = Form::canonical().write(dir.path(), "tan_an.xlsx");
    let mut vo_lao = Form {
        unit: "Xã Võ Lao".into(),
        ..Form::canonical()
    };
    // Its karaoke is another one: only the guest house is in both lists.
    vo_lao.list_rows[1][1] = "Karaoke Sao Mai".into();
    let vo_lao = vo_lao.write(dir.path(), "vo_lao.xlsx");
    config.inputs = vec![tan_an, vo_lao];
    let result = tonghop::check_all(&config);
    for (s, other) in result
        .submissions
        .iter()
        .zip(["vo_lao.xlsx", "tan_an.xlsx"])
    {
        assert_eq!(s.status, Status::Accepted, "{:#?}", s.findings);
        let f = only(s, Code::RecordInSeveralUnits);
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            (f.sheet(), f.cell().as_deref()),
            (Some("Biểu 02"), Some("B4"))
        );
        assert_says(f, "“Nhà nghỉ Bình An, Thôn 1”");
        assert_says(f, other);
        assert_says(f, "ô B4");
    }
}

/// A list of people whose year of birth is split under "Nam" | "Nữ" and
/// which may go on over further sheets.
const SPLIT_SCHEMA: &str = r#"
id = "nguoi"
title = "Danh sách người được hỗ trợ"
version = "1"
period = "year"

[[sheets]]
id = "danh_sach"
kind = "list"
name = "Danh sách"
continued = true

[[sheets.fields]]
id = "ho_ten"
label = "Họ và tên"
type = "text"

[[sheets.fields]]
id = "nam_sinh"
label = "Năm sinh"
type = "integer"
split_by = "gioi_tinh"

[[sheets.fields]]
id = "gioi_tinh"
label = "Giới tính"
type = "choice"
choices = [{ value = "Nam" }, { value = "Nữ" }]
"#;

/// One workbook of Xã Tân An, 2023, with a sheet per list of (name, year
/// under Nam, year under Nữ): the header on rows 5–6, records from row 7.
fn write_split_lists(dir: &Path, sheets: &[(&str, Vec<[&str; 3]>)]) -> PathBuf {
    let mut wb = Workbook::new();
    for (name, records) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        ws.write_string(0, 0, "UBND XÃ TÂN AN").unwrap();
        ws.write_string(1, 0, "DANH SÁCH NGƯỜI ĐƯỢC HỖ TRỢ")
            .unwrap();
        ws.write_string(2, 0, "Năm 2023").unwrap();
        let plain = rust_xlsxwriter::Format::new();
        ws.write_string(4, 0, "STT").unwrap();
        ws.write_string(4, 1, "Họ và tên").unwrap();
        ws.merge_range(4, 2, 4, 3, "Năm sinh", &plain).unwrap();
        ws.write_string(5, 2, "Nam").unwrap();
        ws.write_string(5, 3, "Nữ").unwrap();
        for (i, [who, man, woman]) in records.iter().enumerate() {
            let r = 6 + i as u32;
            ws.write_number(r, 0, (i + 1) as f64).unwrap();
            ws.write_string(r, 1, *who).unwrap();
            for (c, year) in [(2, man), (3, woman)] {
                if let Ok(y) = year.parse::<f64>() {
                    ws.write_number(r, c, y).unwrap();
                }
            }
        }
    }
    let path = dir.join("ds.xlsx");
    wb.save(&path).unwrap();
    path
}

fn split_config() -> Config {
    config_with(SPLIT_SCHEMA, None, Limits::default())
}

#[test]
fn value_split_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_split_lists(
        dir.path(),
        &[(
            "Danh sách",
            vec![["Lò Văn A", "1980", ""], ["Hà Thị B", "1990", "1990"]],
        )],
    );
    let s = check_file(&path, &split_config());
    assert_at(&s, Code::ValueSplitAmbiguous, "Danh sách", "C8", "nam_sinh");
    assert_says(only(&s, Code::ValueSplitAmbiguous), "C8, D8");
    assert_eq!(s.status, Status::Rejected);
    // The first record: the year under "Nam" gives both values.
    let first = &s.data.as_ref().unwrap().lists["danh_sach"][0];
    assert_eq!(
        first.values["nam_sinh"].value,
        Some(tonghop::Value::Int(1980))
    );
    assert_eq!(
        first.values["gioi_tinh"].value,
        Some(tonghop::Value::Text("Nam".into()))
    );
}

#[test]
fn list_continued() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_split_lists(
        dir.path(),
        &[
            ("Danh sách", vec![["Lò Văn A", "1980", ""]]),
            ("Danh sách (tiếp)", vec![["Hà Thị B", "", "1990"]]),
        ],
    );
    let s = check_file(&path, &split_config());
    let f = only(&s, Code::ListContinued);
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(f.sheet(), Some("Danh sách (tiếp)"));
    assert_says(f, "(1 dòng)");
    assert_eq!(s.status, Status::Accepted, "{:#?}", s.findings);
    let records = &s.data.as_ref().unwrap().lists["danh_sach"];
    let read: Vec<_> = records
        .iter()
        .map(|r| {
            (
                &*r.sheet,
                r.values["nam_sinh"].value.clone(),
                r.values["gioi_tinh"].value.clone(),
            )
        })
        .collect();
    use tonghop::Value::{Int, Text};
    assert_eq!(
        read,
        [
            ("Danh sách", Some(Int(1980)), Some(Text("Nam".into()))),
            ("Danh sách (tiếp)", Some(Int(1990)), Some(Text("Nữ".into()))),
        ]
    );
}

#[test]
fn a_key_repeated_on_the_continuation_sheet_names_the_first_sheet() {
    let text = SPLIT_SCHEMA.replace(
        "continued = true\n",
        "continued = true\n\n[[sheets.keys]]\nfields = [\"ho_ten\", \"nam_sinh\"]\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write_split_lists(
        dir.path(),
        &[
            ("Danh sách", vec![["Lò Văn A", "1980", ""]]),
            ("Danh sách (tiếp)", vec![["Lò Văn A", "1980", ""]]),
        ],
    );
    let s = check_file(&path, &config_with(&text, None, Limits::default()));
    assert_at(&s, Code::ValueNotUnique, "Danh sách (tiếp)", "B7", "ho_ten");
    assert_says(only(&s, Code::ValueNotUnique), "ô Danh sách!B7");
}

#[test]
fn list_sheet_unread() {
    // The same two sheets, but the schema does not say the list goes on:
    // the second sheet's record is not read, and that is said.
    let text = SPLIT_SCHEMA.replace("continued = true\n", "");
    let dir = tempfile::tempdir().unwrap();
    let path = write_split_lists(
        dir.path(),
        &[
            ("Danh sách", vec![["Lò Văn A", "1980", ""]]),
            ("Danh sách (tiếp)", vec![["Hà Thị B", "", "1990"]]),
        ],
    );
    let s = check_file(&path, &config_with(&text, None, Limits::default()));
    let f = only(&s, Code::ListSheetUnread);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.sheet(), Some("Danh sách (tiếp)"));
    assert_says(f, "(1 dòng)");
    assert_eq!(s.data.as_ref().unwrap().lists["danh_sach"].len(), 1);
}

/// A history partition of the project folder `dir`: one form value per
/// (unit code, field, value), as the data table of a build holds it.
fn history(dir: &Path, schema: &str, period: &str, values: &[(&str, &str, &str, &str)]) {
    use polars::prelude::*;
    let col = |k: usize| -> Vec<String> {
        values
            .iter()
            .map(|v| [v.0, v.1, v.2, v.3][k].to_string())
            .collect()
    };
    let n = values.len();
    let tidy = df!(
        "unit_code" => col(0),
        "unit_name" => vec!["x".to_string(); n],
        "sheet_id" => col(1),
        "field" => col(2),
        "row" => vec![14i64; n],
        "value" => col(3),
        "source_file" => vec![format!("{period}.xlsx"); n],
        "source_cell" => vec!["Biểu 01!D14".to_string(); n],
    )
    .unwrap();
    tonghop::write_history(
        &dir.join("lich-su"),
        schema,
        period,
        &tidy,
        "2024-01-10T08:00:00Z",
    )
    .unwrap();
}

#[test]
fn value_outlier() {
    // Tân An typed 3 or 4 documents a year from 2019 to 2022, then 41.
    let project = tempfile::tempdir().unwrap();
    for (year, n) in [("2019", "3"), ("2020", "4"), ("2021", "3"), ("2022", "4")] {
        history(
            project.path(),
            "pcmd",
            year,
            &[("03079", "bieu_01", "so_van_ban", n)],
        );
    }
    let mut config = config();
    config.project_dir = project.path().to_path_buf();
    let jumped = check(&Form::canonical().set("1", "41"), "bc.xlsx", &config);
    let mut result = tonghop::CheckResult {
        submissions: vec![jumped],
        missing_units: Vec::new(),
    };
    tonghop::flag_outliers(&mut result, &config).unwrap();
    let s = &result.submissions[0];
    let f = only(s, Code::ValueOutlier);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        (f.sheet(), f.field.as_deref()),
        (Some("Biểu 01"), Some("so_van_ban"))
    );
    assert_eq!(f.value.as_deref(), Some("3.5 → 41"));
    assert_says(
        f,
        "tăng bất thường so với cùng kỳ: 3,5 → 41. Đề nghị kiểm tra lại.",
    );
    assert_eq!(s.status, Status::Accepted, "a warning keeps the file");
    // An ordinary change is no outlier.
    let ordinary = check(&Form::canonical().set("1", "5"), "bc.xlsx", &config);
    let mut result = tonghop::CheckResult {
        submissions: vec![ordinary],
        missing_units: Vec::new(),
    };
    tonghop::flag_outliers(&mut result, &config).unwrap();
    assert!(
        !result.submissions[0]
            .findings
            .iter()
            .any(|f| f.code == Code::ValueOutlier)
    );
}

#[test]
fn rollup_period_missing() {
    let dir = repo().join("tests/fixtures/history/hdvh");
    let schema = Schema::load(&dir.join("schema.toml")).unwrap();
    let registry = Registry::new(vec![unit("03097", "Xã Hoà Mạc")], Path::new("units.csv"));
    let mut config = Config::new(
        schema,
        registry,
        Period::parse("2024", tonghop::PeriodKind::Year).unwrap(),
    );
    let project = tempfile::tempdir().unwrap();
    config.project_dir = project.path().to_path_buf();
    for q in ["2024-Q1", "2024-Q2", "2024-Q4"] {
        history(
            project.path(),
            "hdvh",
            q,
            &[
                ("03097", "bieu_01", "so_buoi", "5"),
                ("03097", "bieu_01", "so_clb", "2"),
                ("03097", "bieu_01", "dong_nhat", "60"),
            ],
        );
    }
    let result = tonghop::rollup_check(&config).unwrap();
    let s = &result.submissions[0];
    let f = only(s, Code::RollupPeriodMissing);
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.value.as_deref(), Some("2024-Q3"));
    assert_says(f, "Chưa có số liệu Quý III năm 2024");
    assert_eq!(s.status, Status::Rejected, "not added up without Q3");
}
