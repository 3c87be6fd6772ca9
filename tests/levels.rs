//! Builds at every level, on commune files made by `scripts/make_levels.py`
//! (openpyxl) and named after real units of the bundled lists
//! (`tests/levels/`): communes of two districts → two district builds → a
//! province build over the two districts' outputs (before the 2025 reform),
//! and a province over its communes (after it). Projects are made with
//! `tonghop init`; every figure is compared with the generator's
//! `expected.json`, read back from the workbook (calamine), the data table
//! and the JSON report.

mod common;

use common::cells::{number, text};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Range, Reader};
use common::{copy_dir, read_csv, run_in, workbook};
use serde_json::Value as Json;

fn levels() -> PathBuf {
    common::repo().join("tests/levels")
}

fn expected() -> Json {
    let text = std::fs::read_to_string(levels().join("expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json parses")
}

/// `tonghop init NAME --unit CODE --as-of DATE` in `root`, with the commune
/// files of `tests/levels/<files>` (if any) copied into its inbox.
fn init(root: &Path, name: &str, unit: &str, as_of: &str, files: Option<&str>) -> PathBuf {
    let schema = common::schema_path().to_string_lossy().into_owned();
    let args = [
        "init", name, "--unit", unit, "--as-of", as_of, "--schema", &schema,
    ];
    run_in(root, &args).assert_code(0);
    let project = root.join(name);
    if let Some(files) = files {
        copy_dir(&levels().join(files), &project.join("inbox"));
    }
    project
}

/// The form fields of the schema, in order (the Tổng hợp columns from E on).
fn form_fields() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(common::schema_path()).unwrap();
    let schema: toml::Table = toml::from_str(&text).unwrap();
    schema["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"].as_str() == Some("form"))
        .flat_map(|s| s["fields"].as_array().unwrap().iter())
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["type"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row_reading(range: &Range<Data>, col: u32, wanted: &str) -> u32 {
    let (height, _) = range.get_size();
    (0..height as u32)
        .find(|&r| text(range, r, col) == wanted)
        .unwrap_or_else(|| panic!("no row reading {wanted:?}"))
}

/// The expected total of a field over several generated folders.
fn total(expected: &Json, folders: &[&str], field: &str) -> f64 {
    folders
        .iter()
        .map(|f| expected[*f]["totals"][field].as_f64().unwrap())
        .sum()
}

/// The Tổng hợp sheet's total row holds `want(field)` for every numeric and
/// yes/no field, and its heading lines read as given.
fn check_summary(book: &Path, want: impl Fn(&str) -> f64, heading: &[&str]) {
    let mut wb = workbook(book);
    let range = wb.worksheet_range("Tổng hợp").expect("Tổng hợp");
    for line in heading {
        let found = (0..7).any(|r| text(&range, r, 0).contains(line));
        assert!(found, "{line:?} not in the heading of {}", book.display());
    }
    let total_row = row_reading(&range, 0, "Tổng cộng");
    for (j, (id, ty)) in form_fields().iter().enumerate() {
        if !matches!(ty.as_str(), "integer" | "number" | "yes_no") {
            continue;
        }
        let found = number(&range, total_row, 4 + j as u32);
        assert_eq!(found, Some(want(id)), "total of {id}");
    }
}

/// Sums each field's values in a data table (CSV), yes/no as "Có" counts.
fn table_totals(rows: &[BTreeMap<String, String>]) -> BTreeMap<String, f64> {
    let mut sums = BTreeMap::new();
    for row in rows.iter().filter(|r| r["sheet_id"] == "bieu_01") {
        let value = match row["value"].as_str() {
            "true" => 1.0,
            "false" => 0.0,
            v => v.parse::<f64>().unwrap_or(0.0),
        };
        *sums.entry(row["field"].clone()).or_insert(0.0) += value;
    }
    sums
}

/// Two district projects built from their communes' files; returns the
/// root folder and the two projects (Văn Bàn, Bảo Yên).
fn district_builds() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let van_ban = init(
        root.path(),
        "van-ban",
        "089",
        "2023-12-31",
        Some("2023/089"),
    );
    let bao_yen = init(
        root.path(),
        "bao-yen",
        "087",
        "2023-12-31",
        Some("2023/087"),
    );
    for project in [&van_ban, &bao_yen] {
        run_in(project, &["build"]).assert_code(0);
    }
    (root, van_ban, bao_yen)
}

/// A province project of 2023 (its nine districts) whose inbox holds each
/// given district's output folder.
fn province_over(root: &Path, districts: &[(&Path, &str)]) -> PathBuf {
    let province = init(root, "lao-cai", "10", "2023-12-31", None);
    for (district, folder) in districts {
        copy_dir(&district.join("out"), &province.join("inbox").join(folder));
    }
    province
}

#[test]
fn a_province_adds_up_its_districts_outputs_down_to_each_communes_cell() {
    let expected = expected();
    let (root, van_ban, bao_yen) = district_builds();
    let province = province_over(root.path(), &[(&van_ban, "van-ban"), (&bao_yen, "bao-yen")]);
    let run = run_in(&province, &["build", "--format", "json"]);
    run.assert_code(0);
    let json = run.json();

    // Each district's table is that district's submission; the seven others
    // are missing; the workbooks, JSON reports and feedback beside the
    // tables are not submissions.
    let subs = json["submissions"].as_array().unwrap();
    let units: Vec<&str> = subs
        .iter()
        .map(|s| s["unit"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["087", "089"], "{json:#}");
    assert!(subs.iter().all(|s| s["status"] == "accepted"), "{json:#}");
    assert_eq!(json["missing_units"].as_array().unwrap().len(), 7);

    // Province totals = the sum over every commune the generator wrote.
    let both = ["2023/089", "2023/087"];
    let out = province.join("out");
    check_summary(
        &out.join("pcmd-2023-tong-hop.xlsx"),
        |f| total(&expected, &both, f),
        &[
            "UBND TỈNH LÀO CAI",
            "Tổng hợp từ báo cáo hợp lệ của 2/9 huyện, thị xã, thành phố (6 đơn vị cấp xã);",
        ],
    );
    let rows = read_csv(&out.join("pcmd-2023-du-lieu.csv"));
    for (field, sum) in table_totals(&rows) {
        assert_eq!(sum, total(&expected, &both, &field), "{field} in the table");
    }
    // Every establishment of every commune's list, once.
    let records: std::collections::BTreeSet<(&str, &str)> = rows
        .iter()
        .filter(|r| r["sheet_id"] == "danh_sach")
        .map(|r| (r["commune_code"].as_str(), r["row"].as_str()))
        .collect();
    let listed: u64 = both
        .iter()
        .flat_map(|f| expected[*f]["files"].as_array().unwrap())
        .map(|f| f["establishments"].as_u64().unwrap())
        .sum();
    assert_eq!(records.len() as u64, listed);
    // On the workbook's list, each record names the table it came through
    // and the commune's file.
    let mut wb = workbook(&out.join("pcmd-2023-tong-hop.xlsx"));
    let list = wb.worksheet_range("Danh sách cơ sở").unwrap();
    let header = row_reading(&list, 0, "STT");
    let source_col = (0..12)
        .find(|&c| text(&list, header, c) == "Tệp nguồn")
        .unwrap();
    let first = text(&list, header + 1, source_col);
    assert!(
        first.starts_with("inbox/bao-yen/pcmd-2023-du-lieu.parquet → inbox/BC_PCMD_2023_"),
        "{first}"
    );
    let wb = workbook(&out.join("pcmd-2023-tong-hop.xlsx"));
    assert!(
        wb.sheet_names()
            .contains(&"Chỉ tiêu theo huyện".to_string())
    );

    // A province figure traced in the JSON: district → commune → file → cell,
    // and that cell of the commune's file holds the value.
    let commune = &expected["2023/089"]["files"][1];
    let code = commune["code"].as_str().unwrap();
    let district = subs.iter().find(|s| s["unit"]["code"] == "089").unwrap();
    assert_eq!(district["file"], "inbox/van-ban/pcmd-2023-du-lieu.parquet");
    let part = district["communes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == code)
        .unwrap_or_else(|| panic!("{code} in {district:#}"));
    let traced = part["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["field"] == "so_luot_nguoi")
        .unwrap();
    let want = commune["values"]["so_luot_nguoi"].as_i64().unwrap();
    assert_eq!(traced["value"], want.to_string());
    assert_eq!(traced["cell"], commune["cells"]["so_luot_nguoi"]);
    assert_eq!(traced["sheet"], commune["sheet"]);
    let file = van_ban.join(part["file"].as_str().unwrap());
    assert!(file.ends_with(commune["file"].as_str().unwrap()));
    let mut source = workbook(&file);
    let range = source
        .worksheet_range(commune["sheet"].as_str().unwrap())
        .unwrap();
    let cell = traced["cell"].as_str().unwrap();
    let (col, row) = a1(cell);
    assert_eq!(number(&range, row, col), Some(want as f64), "{cell}");

    // The same chain in the data table.
    let row = rows
        .iter()
        .find(|r| r["commune_code"] == code && r["field"] == "so_luot_nguoi")
        .unwrap();
    assert_eq!(row["unit_code"], "089");
    assert_eq!(row["value"], want.to_string());
    assert_eq!(
        row["source_cell"],
        format!("{}!{cell}", commune["sheet"].as_str().unwrap())
    );
    assert_eq!(
        row["district_file"],
        "inbox/van-ban/pcmd-2023-du-lieu.parquet"
    );
}

/// "D27" → (column 3, row 26).
fn a1(cell: &str) -> (u32, u32) {
    let letters: String = cell.chars().take_while(char::is_ascii_alphabetic).collect();
    let col = letters
        .bytes()
        .fold(0, |n, b| n * 26 + u32::from(b - b'A' + 1))
        - 1;
    let row: u32 = cell[letters.len()..].parse().unwrap();
    (col, row - 1)
}

#[test]
fn a_province_after_the_reform_adds_up_its_communes() {
    let expected = expected();
    let root = tempfile::tempdir().unwrap();
    let project = init(root.path(), "lao-cai", "15", "2026-01-01", Some("2026/15"));
    let run = run_in(&project, &["build", "--format", "json"]);
    run.assert_code(0);
    let json = run.json();
    let files = expected["2026/15"]["files"].as_array().unwrap();
    let accepted: Vec<&str> = json["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "accepted")
        .map(|s| s["unit"]["code"].as_str().unwrap())
        .collect();
    let codes: Vec<&str> = files.iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(accepted, codes, "{json:#}");
    check_summary(
        &project.join("out/pcmd-2026-tong-hop.xlsx"),
        |f| total(&expected, &["2026/15"], f),
        &[
            "UBND TỈNH LÀO CAI",
            "Tổng hợp từ báo cáo hợp lệ của 4/99 xã, phường;",
        ],
    );
}

#[test]
fn a_district_build_names_its_communes_by_their_kinds() {
    let (_root, van_ban, _) = district_builds();
    let mut wb = workbook(&van_ban.join("out/pcmd-2023-tong-hop.xlsx"));
    let range = wb.worksheet_range("Tổng hợp").unwrap();
    assert_eq!(text(&range, 0, 0), "UBND HUYỆN VĂN BÀN");
    assert!(
        text(&range, 5, 0).starts_with("Tổng hợp từ báo cáo hợp lệ của 3/22 xã, thị trấn;"),
        "{}",
        text(&range, 5, 0)
    );
    assert!(wb.sheet_names().contains(&"Chỉ tiêu theo xã".to_string()));
}

/// The findings of a district's output that does not fit: another period,
/// a district the province does not list, a commune's own file sent to the
/// province, fields of another form.
#[test]
fn a_districts_output_is_checked_like_a_communes_file() {
    let (root, van_ban, bao_yen) = district_builds();
    let province = province_over(root.path(), &[(&van_ban, "van-ban")]);
    // Bảo Yên's table, as CSV only, relabelled 2022.
    let csv = std::fs::read_to_string(bao_yen.join("out/pcmd-2023-du-lieu.csv")).unwrap();
    let old = province.join("inbox/bao-yen/pcmd-2022-du-lieu.csv");
    std::fs::create_dir_all(old.parent().unwrap()).unwrap();
    std::fs::write(&old, csv.replace(",2023,", ",2022,")).unwrap();
    // Văn Bàn's table with a field the form does not have.
    let other = province.join("inbox/khac/pcmd-2023-du-lieu.csv");
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    let van_ban_csv = std::fs::read_to_string(van_ban.join("out/pcmd-2023-du-lieu.csv")).unwrap();
    std::fs::write(&other, van_ban_csv.replace(",so_bang_ron,", ",so_pano,")).unwrap();
    // A district's workbook without its data table.
    let alone = province.join("inbox/bat-xat/pcmd-2023-tong-hop.xlsx");
    std::fs::create_dir_all(alone.parent().unwrap()).unwrap();
    std::fs::copy(bao_yen.join("out/pcmd-2023-tong-hop.xlsx"), &alone).unwrap();
    // A commune's file sent to the province.
    let commune = std::fs::read_dir(levels().join("2023/089"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::copy(
        &commune,
        province.join("inbox").join(commune.file_name().unwrap()),
    )
    .unwrap();

    let run = run_in(
        &province,
        &["check", "--format", "json", "--feedback", "fb"],
    );
    run.assert_code(1);
    let json = run.json();
    // A district's table is no form to correct: its feedback lists the
    // problems only.
    let feedback = std::fs::read_dir(province.join("fb"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("-087-"))
        .expect("feedback for Bảo Yên's table");
    assert_eq!(workbook(&feedback).sheet_names(), ["Cần sửa"]);
    let codes_of = |suffix: &str| -> Vec<String> {
        let s = json["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["file"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} in {json:#}"));
        s["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        codes_of("bao-yen/pcmd-2022-du-lieu.csv"),
        ["period-mismatch"]
    );
    // (Also a duplicate of Văn Bàn's own table, which stays the one counted.)
    let other_form = codes_of("khac/pcmd-2023-du-lieu.csv");
    assert!(
        other_form.contains(&"template-unrecognized".to_string()),
        "{other_form:?}"
    );
    assert!(codes_of("van-ban/pcmd-2023-du-lieu.parquet").is_empty());
    assert_eq!(
        codes_of("bat-xat/pcmd-2023-tong-hop.xlsx"),
        ["template-unrecognized"]
    );
    let own = codes_of(commune.file_name().unwrap().to_str().unwrap());
    assert!(own.iter().any(|c| c.starts_with("unit-")), "{own:?}");

    // A district the province's registry does not list.
    let registry = province.join("don-vi.csv");
    let text = std::fs::read_to_string(&registry).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("089,"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&registry, without).unwrap();
    let run = run_in(&province, &["check", "--format", "json"]);
    let json = run.json();
    let van_ban_table = json["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["file"] == "inbox/van-ban/pcmd-2023-du-lieu.parquet")
        .unwrap();
    assert_eq!(van_ban_table["findings"][0]["code"], "unit-unknown");
    assert_eq!(van_ban_table["findings"][0]["value"], "089 Huyện Văn Bàn");
}

#[test]
fn init_of_a_province_before_the_reform_says_where_its_districts_outputs_go() {
    let root = tempfile::tempdir().unwrap();
    let schema = common::schema_path().to_string_lossy().into_owned();
    let run = run_in(
        root.path(),
        &[
            "init",
            "p",
            "--unit",
            "10",
            "--as-of",
            "2023-12-31",
            "--schema",
            &schema,
        ],
    );
    run.assert_code(0);
    assert!(run.stdout.contains("inbox/<tên huyện>/"), "{}", run.stdout);
    let commune_level = run_in(
        root.path(),
        &[
            "init",
            "q",
            "--unit",
            "15",
            "--as-of",
            "2026-01-01",
            "--schema",
            &schema,
        ],
    );
    assert!(
        !commune_level.stdout.contains("<tên huyện>"),
        "{}",
        commune_level.stdout
    );
}

/// Feedback and findings tell a commune that the province consolidates
/// after the reform: corrections go back to the province, a unit is not in
/// the province's list.
#[test]
fn after_the_reform_communes_are_told_of_the_province() {
    let expected = expected();
    let root = tempfile::tempdir().unwrap();
    let project = init(root.path(), "lao-cai", "15", "2026-01-01", Some("2026/15"));
    // A negative count typed into the first commune's file.
    let first = &expected["2026/15"]["files"][0];
    let file = project.join("inbox").join(first["file"].as_str().unwrap());
    let mut entries = common::zip_entries(&file);
    let sheet = "xl/worksheets/sheet1.xml";
    let mut xml = common::zip_text(&entries, sheet);
    common::set_cell(
        &mut xml,
        first["cells"]["so_van_ban"].as_str().unwrap(),
        "-5",
        true,
    );
    entries.iter_mut().find(|(n, _)| n == sheet).unwrap().1 = xml.into_bytes();
    common::write_zip(&file, &entries);

    run_in(&project, &["build"]).assert_code(1);
    let code = first["code"].as_str().unwrap();
    let feedback = std::fs::read_dir(project.join("out/phan-hoi"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains(code))
        .expect("a feedback workbook for the commune");
    let mut wb = workbook(&feedback);
    let range = wb.worksheet_range("Cần sửa").unwrap();
    let said = text(&range, 1, 0);
    assert!(said.contains("gửi lại cho tỉnh"), "{said}");

    // A commune of 2023 merged since (Xã Tân Tiến, Bảo Yên).
    let gone = levels().join("2023/087/BC_PCMD_2023_02950_XaTanTien.xlsx");
    std::fs::copy(&gone, project.join("inbox/XaTanTien.xlsx")).unwrap();
    let json = run_in(&project, &["check", "--format", "json"]).json();
    let finding = json["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["file"] == "inbox/XaTanTien.xlsx")
        .and_then(|s| {
            s["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["code"] == "unit-unknown")
                .cloned()
        })
        .expect("unit-unknown for Tân Tiến");
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.contains("không có trong danh sách đơn vị của tỉnh."),
        "{message}"
    );
}

/// A district that reports on the form itself (no data table) keeps its own
/// values on the province's Tổng hợp: yes/no as "Có", text as typed.
#[test]
fn a_districts_own_report_on_the_form_keeps_its_values() {
    let root = tempfile::tempdir().unwrap();
    let province = init(root.path(), "lao-cai", "10", "2023-12-31", None);
    // Thị trấn Khánh Yên's report, retitled as Huyện Văn Bàn's.
    let src = levels().join("2023/089/BC_PCMD_2023_03055_ThitranKhanhYen.xlsx");
    let file = province.join("inbox/BC_PCMD_2023_VanBan.xlsx");
    let mut entries = common::zip_entries(&src);
    let sheet = "xl/worksheets/sheet1.xml";
    let mut xml = common::zip_text(&entries, sheet);
    common::set_cell(&mut xml, "A1", "UBND HUYỆN VĂN BÀN", false);
    common::set_cell(&mut xml, "C6", "Huyện Văn Bàn", false);
    entries.iter_mut().find(|(n, _)| n == sheet).unwrap().1 = xml.into_bytes();
    common::write_zip(&file, &entries);

    let run = run_in(&province, &["build", "--format", "json"]);
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["submissions"][0]["unit"]["code"], "089", "{json:#}");
    let mut wb = workbook(&province.join("out/pcmd-2023-tong-hop.xlsx"));
    let range = wb.worksheet_range("Tổng hợp").unwrap();
    let van_ban = row_reading(&range, 1, "089");
    let col = form_fields()
        .iter()
        .position(|(id, _)| id == "co_ke_hoach")
        .unwrap() as u32
        + 4;
    assert_eq!(text(&range, van_ban, col), "Có");
}
