//! Schemas other than pcmd, of every size, built end to end from commune
//! reports written by openpyxl (`scripts/make_small_schema_fixtures.py`,
//! `tests/fixtures/small-schemas/`): rate indicators show their value, every
//! valid schema builds, outputs do not depend on the working folder, and
//! numbers are shown with the decimals they have, spelt as each language
//! writes them. Outputs are read back from the files (calamine for cell
//! values, the package's XML for number formats, CSV and JSON as text).

mod common;

use common::cells::number;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use common::{
    column_letters, copy_dir, data_text as text, fixture, read_csv, run_in, write_project,
    zip_entries, zip_text,
};

const UNITS: &str = "code,name\n90001,Xã An Bình\n90002,Xã Bình Minh\n90003,Xã Cao Sơn\n";

const CONFIG: &str = r#"schema = "schema.toml"
units = "units.csv"
period = "2023"
inbox = "inbox"
output = "out"

[consolidating_unit]
code = "999"
name = "Huyện Thử Nghiệm"
"#;

const HEAD: &str = r#"id = "vanhoa"
title = "Báo cáo kết quả hoạt động văn hoá cơ sở"
version = "1.0.0"
period = "year"
"#;

const FORM_SHEET: &str = r#"
[[sheets]]
id = "bieu_01"
kind = "form"
name = "Biểu 01"
"#;

const BUOI: &str = r#"
[[sheets.fields]]
id = "so_buoi"
label = "Số buổi sinh hoạt văn hoá"
unit = "Buổi"
type = "integer"
min = 0
"#;

const OTHER_FIELDS: &str = r#"
[[sheets.fields]]
id = "so_luot"
label = "Số lượt người tham dự"
unit = "Lượt người"
type = "integer"
min = 0

[[sheets.fields]]
id = "kinh_phi"
label = "Kinh phí hỗ trợ"
unit = "Triệu đồng"
type = "number"
min = 0

[[sheets.fields]]
id = "ty_le_ho"
label = "Tỷ lệ hộ gia đình văn hoá"
unit = "%"
type = "number"
decimals = 1
min = 0
max = 100
"#;

const CLUBS: &str = r#"
[[sheets]]
id = "cau_lac_bo"
kind = "list"
name = "Biểu 02"

[[sheets.fields]]
id = "ten_clb"
label = "Tên câu lạc bộ"
type = "text"

[[sheets.fields]]
id = "so_thanh_vien"
label = "Số thành viên"
type = "integer"

[[sheets.aggregates]]
id = "so_clb"
expr = "count(*)"
"#;

const INDICATORS: &str = r#"
[[indicators]]
id = "binh_quan_luot"
label = "Số lượt người bình quân mỗi buổi"
label_en = "Average attendance per session"
numerator = "sum(so_luot)"
denominator = "sum(so_buoi)"

[[indicators]]
id = "tong_kinh_phi"
label = "Tổng kinh phí hỗ trợ"
label_en = "Total support funds"
numerator = "sum(kinh_phi)"

[[indicators]]
id = "ty_le_xa_co_sinh_hoat"
label = "Tỷ lệ xã có sinh hoạt văn hoá"
label_en = "Share of communes holding sessions"
numerator = "sum(CASE WHEN so_buoi > 0 THEN 1 ELSE 0 END)"
denominator = "count(*)"
factor = 100
display = "ratio"
"#;

/// The whole cultural-activities schema: four fields, a list, three indicators.
fn rate_schema() -> String {
    format!("{HEAD}{FORM_SHEET}{BUOI}{OTHER_FIELDS}{CLUBS}{INDICATORS}")
}

/// A project folder `<tmp>/du-an` holding the schema, the registry, a
/// tonghop.toml and an inbox with a copy of `tests/fixtures/small-schemas/<reports>`.
struct Project {
    root: tempfile::TempDir,
}

impl Project {
    fn new(schema: &str, reports: &str) -> Project {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path().join("du-an");
        write_project(&dir, schema, UNITS, CONFIG);
        copy_dir(
            &fixture(&format!("small-schemas/{reports}")),
            &dir.join("inbox"),
        );
        Project { root }
    }

    fn dir(&self) -> PathBuf {
        self.root.path().join("du-an")
    }

    fn out(&self, name: &str) -> PathBuf {
        self.dir().join("out").join(format!("vanhoa-2023-{name}"))
    }

    fn run(&self, args: &[&str]) -> common::Run {
        run_in(&self.dir(), args)
    }
}

fn sheet(path: &Path, name: &str) -> Range<Data> {
    let mut wb: Xlsx<_> = open_workbook(path).expect("the workbook opens with calamine");
    wb.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

/// The (absolute, 0-based) row whose column `col` reads `label`.
fn row_of(range: &Range<Data>, col: u32, label: &str) -> u32 {
    let (start, _) = range.start().unwrap();
    (start..=range.end().unwrap().0)
        .find(|&r| range.get_value((r, col)).map(text).as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no row reading {label:?} in column {col}"))
}

/// The (absolute, 0-based) column of the header cell reading `label` on the
/// heading row of the consolidated sheets (row 8).
fn col_of(range: &Range<Data>, label: &str) -> u32 {
    (0..=range.end().unwrap().1)
        .find(|&c| range.get_value((7, c)).map(text).as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no header {label:?}"))
}

/// The value of attribute `name` in the XML start tag `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// The number format code of a cell ("#,##0.0"), read from the package:
/// the sheet's `<c r=… s=…>`, the style's `numFmtId` in `cellXfs`, and the
/// format in `numFmts` (or Excel's built-in ones).
fn number_format(path: &Path, sheet_name: &str, row: u32, col: u32) -> String {
    let entries = zip_entries(path);
    let workbook = zip_text(&entries, "xl/workbook.xml");
    let position = workbook
        .split("<sheet ")
        .skip(1)
        .position(|tag| attr(&format!(" {tag}"), "name") == Some(sheet_name))
        .unwrap_or_else(|| panic!("sheet {sheet_name} in workbook.xml"));
    let xml = zip_text(
        &entries,
        &format!("xl/worksheets/sheet{}.xml", position + 1),
    );
    let a1 = format!("{}{}", column_letters(col), row + 1);
    let tag = xml
        .split("<c ")
        .skip(1)
        .map(|t| format!(" {}", &t[..t.find('>').unwrap()]))
        .find(|t| attr(t, "r") == Some(a1.as_str()))
        .unwrap_or_else(|| panic!("cell {a1} on {sheet_name}"));
    let style: usize = attr(&tag, "s").map_or(0, |s| s.parse().unwrap());
    let styles = zip_text(&entries, "xl/styles.xml");
    let xfs = &styles[styles.find("<cellXfs").unwrap()..];
    let xf = xfs.split("<xf ").nth(style + 1).expect("the cell's style");
    let id: u32 = attr(&format!(" {xf}"), "numFmtId")
        .unwrap()
        .parse()
        .unwrap();
    match id {
        0 => "General".into(),
        1 => "0".into(),
        2 => "0.00".into(),
        3 => "#,##0".into(),
        4 => "#,##0.00".into(),
        _ => styles
            .split("<numFmt ")
            .skip(1)
            .map(|t| format!(" {t}"))
            .find(|t| attr(t, "numFmtId") == Some(id.to_string().as_str()))
            .and_then(|t| attr(&t, "formatCode").map(|c| c.replace("&quot;", "\"")))
            .unwrap_or_else(|| panic!("numFmt {id}")),
    }
}

// ---------------------------------------------------------------------------
// 1. A rate shown as a number shows the rate, not its numerator.
// ---------------------------------------------------------------------------

#[test]
fn a_rate_indicator_shows_its_value_not_its_numerator() {
    let project = Project::new(&rate_schema(), "rate");
    let run = project.run(&["build"]);
    run.assert_code(0);

    let rows = read_csv(&project.out("chi-tieu.csv"));
    let find = |unit: &str, id: &str| {
        rows.iter()
            .find(|r| r["unit_code"] == unit && r["indicator_id"] == id)
            .unwrap_or_else(|| panic!("{unit} {id} in the CSV"))
    };
    let district = find("999", "binh_quan_luot");
    assert_eq!(district["numerator"], "11063");
    assert_eq!(district["denominator"], "108");
    assert!(district["value"].starts_with("102.435"), "{district:?}");
    assert_eq!(district["display"], "102.4", "the value, not the numerator");
    // Cao Sơn held no session: 0/0 has no value, and shows none.
    let cao_son = find("90003", "binh_quan_luot");
    assert_eq!(cao_son["value"], "");
    assert_eq!(cao_son["display"], "", "no value, not “0”");
    assert_eq!(find("90001", "binh_quan_luot")["display"], "101.7");
    assert_eq!(find("999", "tong_kinh_phi")["display"], "1516.75");
    assert_eq!(find("999", "ty_le_xa_co_sinh_hoat")["display"], "2/3");

    // The summary on the terminal.
    assert!(
        run.stdout
            .contains("Số lượt người bình quân mỗi buổi: 102,4\n"),
        "{}",
        run.stdout
    );

    // The workbook's "Kết quả" holds the value as a number.
    let book = project.out("tong-hop.xlsx");
    let ct = sheet(&book, "Chỉ tiêu");
    let row = row_of(&ct, 1, "Số lượt người bình quân mỗi buổi");
    let result_col = col_of(&ct, "Kết quả");
    let value = number(&ct, row, result_col).expect("Kết quả is a number");
    assert!((value - 11063.0 / 108.0).abs() < 1e-9, "{value}");
    assert_eq!(number_format(&book, "Chỉ tiêu", row, result_col), "#,##0.0");

    // Per commune: the value, and nothing for Cao Sơn.
    let by_unit = sheet(&book, "Chỉ tiêu theo xã");
    let col = col_of(&by_unit, "Số lượt người bình quân mỗi buổi");
    let an_binh = row_of(&by_unit, 2, "Xã An Bình");
    let value = number(&by_unit, an_binh, col).expect("a number");
    assert!((value - 6100.0 / 60.0).abs() < 1e-9, "{value}");
    assert_eq!(
        number_format(&book, "Chỉ tiêu theo xã", an_binh, col),
        "#,##0.0"
    );
    let cao_son = row_of(&by_unit, 2, "Xã Cao Sơn");
    assert_eq!(
        by_unit
            .get_value((cao_son, col))
            .map(text)
            .unwrap_or_default(),
        "",
        "no figure for 0/0"
    );
}

// ---------------------------------------------------------------------------
// 5. Every valid schema builds, whatever its size.
// ---------------------------------------------------------------------------

/// Builds and returns the consolidated workbook's path; the blank and
/// per-unit templates of the schema are written too.
fn builds(project: &Project) -> PathBuf {
    let run = project.run(&["build"]);
    run.assert_code(0);
    let book = project.out("tong-hop.xlsx");
    assert!(book.is_file(), "{}", run.stdout);
    project.run(&["template", "--per-unit"]).assert_code(0);
    let templates = std::fs::read_dir(project.dir().join("out/mau"))
        .unwrap()
        .count();
    assert_eq!(templates, 3, "one template per unit");
    book
}

#[test]
fn a_schema_of_one_field_builds() {
    let project = Project::new(&format!("{HEAD}{FORM_SHEET}{BUOI}"), "rate");
    let book = builds(&project);
    let th = sheet(&book, "Tổng hợp");
    let col = col_of(&th, "Số buổi sinh hoạt văn hoá (Buổi)");
    assert_eq!(col, 4, "one field after STT, code, unit and status");
    assert_eq!(number(&th, row_of(&th, 2, "Xã An Bình"), col), Some(60.0));
    assert_eq!(number(&th, row_of(&th, 2, "Xã Bình Minh"), col), Some(48.0));
    assert_eq!(number(&th, row_of(&th, 0, "Tổng cộng"), col), Some(108.0));
}

#[test]
fn a_schema_of_one_list_only_builds() {
    let schema = format!(
        "{HEAD}{CLUBS}\n[[indicators]]\nid = \"tong_clb\"\nlabel = \"Số câu lạc bộ\"\nnumerator = \"sum(so_clb)\"\n"
    );
    let project = Project::new(&schema, "rate");
    let book = builds(&project);
    let list = sheet(&book, "Biểu 02");
    let members = col_of(&list, "Số thành viên");
    let row = row_of(&list, 3, "CLB Thơ ca");
    assert_eq!(number(&list, row, members), Some(12.0));
    assert_eq!(text(list.get_value((row, 2)).unwrap()), "Xã Bình Minh");
    let rows = read_csv(&project.out("chi-tieu.csv"));
    assert_eq!(rows[0]["indicator_id"], "tong_clb");
    assert_eq!(rows[0]["display"], "3");
}

#[test]
fn a_schema_without_indicators_builds() {
    let project = Project::new(
        &format!("{HEAD}{FORM_SHEET}{BUOI}{OTHER_FIELDS}{CLUBS}"),
        "rate",
    );
    let book = builds(&project);
    let th = sheet(&book, "Tổng hợp");
    let col = col_of(&th, "Số lượt người tham dự (Lượt người)");
    assert_eq!(number(&th, row_of(&th, 0, "Tổng cộng"), col), Some(11063.0));
}

/// Without an indicator shown as a number, "Biểu đồ" charts each numeric
/// form field per unit, from the columns of "Tổng hợp"; without a target,
/// there is no chart of results against targets.
#[test]
fn a_schema_without_indicators_charts_its_numeric_fields() {
    let project = Project::new(
        &format!("{HEAD}{FORM_SHEET}{BUOI}{OTHER_FIELDS}{CLUBS}"),
        "rate",
    );
    let book = builds(&project);
    let entries = zip_entries(&book);
    let th = sheet(&book, "Tổng hợp");
    let mut charts = 0;
    for (col, label) in [
        (4, "Số buổi sinh hoạt văn hoá (Buổi)"),
        (5, "Số lượt người tham dự (Lượt người)"),
        (6, "Kinh phí hỗ trợ (Triệu đồng)"),
        (7, "Tỷ lệ hộ gia đình văn hoá (%)"),
    ] {
        assert_eq!(col_of(&th, label), col);
        charts += 1;
        let chart = zip_text(&entries, &format!("xl/charts/chart{charts}.xml"));
        let letter = column_letters(col);
        for range in [
            "<c:f>'Tổng hợp'!$C$9:$C$11</c:f>".to_string(),
            format!("<c:f>'Tổng hợp'!${letter}$9:${letter}$11</c:f>"),
        ] {
            assert!(chart.contains(&range), "chart {charts} reads {range}");
        }
    }
    assert!(
        !entries.iter().any(|(n, _)| n == "xl/charts/chart5.xml"),
        "one chart per numeric field, none of targets"
    );
}

#[test]
fn a_schema_of_sixty_fields_builds() {
    let mut schema = format!("{HEAD}{FORM_SHEET}");
    for k in 1..=60 {
        schema.push_str(&format!(
            "\n[[sheets.fields]]\nid = \"chi_tieu_{k}\"\nlabel = \"Chỉ tiêu thứ {k}\"\ntype = \"integer\"\n"
        ));
    }
    schema.push_str(
        "\n[[indicators]]\nid = \"tong_60\"\nlabel = \"Tổng chỉ tiêu thứ 60\"\nnumerator = \"sum(chi_tieu_60)\"\n",
    );
    let project = Project::new(&schema, "wide");
    let book = builds(&project);
    let th = sheet(&book, "Tổng hợp");
    let binh_minh = row_of(&th, 2, "Xã Bình Minh");
    for k in [1u32, 10, 59, 60] {
        let col = col_of(&th, &format!("Chỉ tiêu thứ {k}"));
        assert_eq!(col, 3 + k);
        assert_eq!(
            number(&th, binh_minh, col),
            Some(f64::from(k * 10 + 2)),
            "field {k}"
        );
    }
    let rows = read_csv(&project.out("chi-tieu.csv"));
    assert_eq!(rows[0]["display"], "1806", "601 + 602 + 603");
}

// ---------------------------------------------------------------------------
// 8. Outputs do not depend on the working folder.
// ---------------------------------------------------------------------------

/// Every file under `dir`, by path relative to it, with its bytes.
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn outputs_are_the_same_from_any_working_folder() {
    // A warning for Cao Sơn, which held no session, gives a feedback file too.
    let schema = format!(
        "{}\n[[rules]]\nid = \"co_sinh_hoat\"\nseverity = \"warning\"\ncheck = \"so_buoi > 0\"\nat = \"so_buoi\"\nmessage = \"Xã không tổ chức buổi sinh hoạt nào ({{so_buoi}} buổi).\"\n",
        rate_schema()
    );
    let project = Project::new(&schema, "rate");
    let parent = project.root.path().to_path_buf();
    let config = "du-an/tonghop.toml";

    let here = project.run(&["build"]);
    here.assert_code(0);
    let first = files_under(&project.dir().join("out"));
    assert!(
        first.keys().any(|k| k.contains("phan-hoi")) && first.len() >= 7,
        "{:?}",
        first.keys()
    );
    let json_here = project.run(&["check", "--format", "json"]);

    let above = run_in(&parent, &["--config", config, "build"]);
    above.assert_code(0);
    let second = files_under(&project.dir().join("out"));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &first {
        assert!(
            bytes == &second[name],
            "{name} differs between a run in the project folder and one above it"
        );
    }
    let json_above = run_in(&parent, &["--config", config, "check", "--format", "json"]);
    assert_eq!(json_here.stdout, json_above.stdout);

    // Every path is relative to the project folder.
    let report = json_above.json();
    let files: Vec<&str> = report["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "inbox/VanHoa_2023_AnBinh.xlsx",
            "inbox/VanHoa_2023_BinhMinh.xlsx",
            "inbox/VanHoa_2023_CaoSon.xlsx"
        ]
    );
    let tidy = read_csv(&project.out("du-lieu.csv"));
    assert!(
        tidy.iter()
            .all(|r| r["source_file"].starts_with("inbox/VanHoa_2023_")),
        "{:?}",
        tidy[0]
    );
    let book = project.out("tong-hop.xlsx");
    let list = sheet(&book, "Biểu 02");
    let source = col_of(&list, "Tệp nguồn");
    let row = row_of(&list, 3, "CLB Thơ ca");
    assert_eq!(
        text(list.get_value((row, source)).unwrap()),
        "inbox/VanHoa_2023_BinhMinh.xlsx"
    );
    let status = sheet(&book, "Tình hình nộp");
    let row = row_of(&status, 2, "Xã Cao Sơn");
    assert_eq!(
        text(status.get_value((row, 4)).unwrap()),
        "inbox/VanHoa_2023_CaoSon.xlsx"
    );
    let sources = sheet(&book, "Nguồn");
    row_of(&sources, 0, "inbox/VanHoa_2023_AnBinh.xlsx");
    let schema_row = row_of(&sources, 0, "Lược đồ");
    assert_eq!(
        text(sources.get_value((schema_row, 1)).unwrap()),
        "vanhoa 1.0.0 (schema.toml)"
    );
    let units_row = row_of(&sources, 0, "Danh sách đơn vị");
    assert_eq!(
        text(sources.get_value((units_row, 1)).unwrap()),
        "units.csv"
    );
}

// ---------------------------------------------------------------------------
// 9. Decimals: as typed, or as the schema says; "," in Vietnamese.
// ---------------------------------------------------------------------------

#[test]
fn decimal_figures_keep_their_decimals_in_the_workbook() {
    let project = Project::new(&rate_schema(), "rate");
    let book = builds(&project);
    let th = sheet(&book, "Tổng hợp");
    let fmt = |row: u32, col: u32| number_format(&book, "Tổng hợp", row, col);
    let kinh_phi = col_of(&th, "Kinh phí hỗ trợ (Triệu đồng)");
    let ty_le = col_of(&th, "Tỷ lệ hộ gia đình văn hoá (%)");
    let luot = col_of(&th, "Số lượt người tham dự (Lượt người)");
    let an_binh = row_of(&th, 2, "Xã An Bình");
    let binh_minh = row_of(&th, 2, "Xã Bình Minh");
    let cao_son = row_of(&th, 2, "Xã Cao Sơn");
    let total = row_of(&th, 0, "Tổng cộng");

    assert_eq!(number(&th, an_binh, kinh_phi), Some(1234.5));
    assert_eq!(fmt(an_binh, kinh_phi), "#,##0.0", "1 234,5 not 1 235");
    assert_eq!(number(&th, binh_minh, kinh_phi), Some(281.5));
    assert_eq!(fmt(binh_minh, kinh_phi), "#,##0.0", "281,5 not 282");
    assert_eq!(fmt(cao_son, kinh_phi), "#,##0.00", "0,75");
    assert_eq!(number(&th, total, kinh_phi), Some(1516.75));
    assert_eq!(fmt(total, kinh_phi), "#,##0.00", "the total shows 1 516,75");
    // decimals = 1: always one decimal, 88.25 shown rounded as the schema asks.
    assert_eq!(fmt(binh_minh, ty_le), "#,##0.0");
    assert_eq!(fmt(cao_son, ty_le), "#,##0.0");
    assert_eq!(fmt(an_binh, luot), "#,##0");
    assert_eq!(fmt(total, luot), "#,##0");

    let ct = sheet(&book, "Chỉ tiêu");
    let row = row_of(&ct, 1, "Tổng kinh phí hỗ trợ");
    let result = col_of(&ct, "Kết quả");
    assert_eq!(number(&ct, row, result), Some(1516.75));
    assert_eq!(number_format(&book, "Chỉ tiêu", row, result), "#,##0.00");
    assert_eq!(
        number_format(&book, "Chỉ tiêu", row, col_of(&ct, "Tử số")),
        "#,##0.00"
    );
    let rate_row = row_of(&ct, 1, "Tỷ lệ xã có sinh hoạt văn hoá");
    let rate_col = col_of(&ct, "Tỷ lệ (%)");
    assert_eq!(
        number_format(&book, "Chỉ tiêu", rate_row, rate_col),
        "#,##0.0"
    );

    // The list keeps its integers whole.
    let list = sheet(&book, "Biểu 02");
    let row = row_of(&list, 3, "CLB Thơ ca");
    let members = col_of(&list, "Số thành viên");
    assert_eq!(number_format(&book, "Biểu 02", row, members), "#,##0");
}

#[test]
fn vietnamese_text_writes_decimal_commas_and_english_decimal_points() {
    let project = Project::new(&rate_schema(), "rate");
    let vi = project.run(&["build"]);
    vi.assert_code(0);
    for line in [
        "Số lượt người bình quân mỗi buổi: 102,4\n",
        "Tổng kinh phí hỗ trợ: 1.516,75\n",
        "Tỷ lệ xã có sinh hoạt văn hoá: 2/3 (66,7%)\n",
    ] {
        assert!(vi.stdout.contains(line), "{line:?} in\n{}", vi.stdout);
    }
    let en = project.run(&["--lang", "en", "build"]);
    en.assert_code(0);
    for line in [
        "Average attendance per session: 102.4\n",
        "Total support funds: 1,516.75\n",
        "Share of communes holding sessions: 2/3 (66.7%)\n",
    ] {
        assert!(en.stdout.contains(line), "{line:?} in\n{}", en.stdout);
    }
}

#[test]
fn messages_spell_numbers_as_the_language_writes_them() {
    // 281.5 and 1234.5 million are above a maximum of 250.5.
    let schema = rate_schema().replace(
        "unit = \"Triệu đồng\"\ntype = \"number\"\nmin = 0",
        "unit = \"Triệu đồng\"\ntype = \"number\"\nmin = 0\nmax = 250.5",
    );
    let project = Project::new(&schema, "rate");
    let run = project.run(&["check", "--format", "json"]);
    run.assert_code(1);
    let report = run.json();
    let an_binh = &report["submissions"][0];
    let finding = an_binh["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "value-above-maximum")
        .expect("value-above-maximum");
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.contains("giá trị 1.234,5 lớn hơn mức tối đa 250,5"),
        "{message}"
    );
    assert_eq!(finding["value"], "1234.5", "the value seen, as data");
    let en = project.run(&["--lang", "en", "check", "--format", "json"]);
    let report = en.json();
    let message = report["submissions"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "value-above-maximum")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("1,234.5 is above the maximum 250.5"),
        "{message}"
    );
}

/// A fatal error carries both languages: the same error is told in either,
/// whichever the caller asks for, with no language kept anywhere else.
#[test]
fn a_schema_error_is_told_in_the_language_asked_for() {
    let broken = rate_schema().replace("decimals = 1", "decimals = 7");
    let error =
        anyhow::Error::from(tonghop::Schema::parse(&broken, Path::new("schema.toml")).unwrap_err());
    let vi = tonghop::error_lines(&error, tonghop::Lang::Vi).join("\n");
    let en = tonghop::error_lines(&error, tonghop::Lang::En).join("\n");
    assert!(vi.starts_with("lược đồ schema.toml, dòng "), "{vi}");
    assert!(en.starts_with("schema schema.toml, line "), "{en}");
    assert!(vi.contains("sheets[0].fields[3]") && en.contains("sheets[0].fields[3]"));
    let vi_again = tonghop::error_lines(&error, tonghop::Lang::Vi).join("\n");
    assert_eq!(vi, vi_again, "asking for English changed nothing kept");
}

#[test]
fn the_decimals_key_is_checked_when_the_schema_loads() {
    let load = |schema: &str| tonghop::Schema::parse(schema, Path::new("schema.toml")).map(|_| ());
    assert!(load(&rate_schema()).is_ok());
    let too_many = rate_schema().replace("decimals = 1", "decimals = 7");
    let err = load(&too_many).unwrap_err().to_string();
    assert!(err.contains("sheets[0].fields[3]"), "{err}");
    assert!(err.contains("decimals"), "{err}");
    let negative = rate_schema().replace("decimals = 1", "decimals = -1");
    assert!(load(&negative).is_err());
    let on_integer = rate_schema().replace(
        "type = \"integer\"\nmin = 0\n",
        "type = \"integer\"\ndecimals = 2\nmin = 0\n",
    );
    let err = load(&on_integer).unwrap_err().to_string();
    assert!(err.contains("sheets[0].fields[0].decimals"), "{err}");
    let indicator = format!("{}decimals = 2\n", rate_schema());
    assert!(load(&indicator).is_ok(), "indicators take decimals too");
    let indicator = format!("{}decimals = 9\n", rate_schema());
    let err = load(&indicator).unwrap_err().to_string();
    assert!(err.contains("indicators[2]"), "{err}");
}
