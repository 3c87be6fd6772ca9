//! The schema language of issue 14, items 3–6, on a third new form
//! (tests/forms/pcma/, commune files by openpyxl and xlwt from
//! `scripts/make_pcma_form.py`): a list whose year of birth is split under
//! "Nam" | "Nữ" under a two-row header, continued over two sheets, keyed by
//! (họ tên, năm sinh) within a file and across units; a list aggregate over
//! the period's window (`cutoff_day`) tied to a form field by a rule; the
//! registry's `dan_so` in a rule and in an indicator per 10,000
//! inhabitants. `check` and `build` must give what the generator computed
//! on its own (`expected.json`), read back from the written workbook.

mod common;

use common::cells::number;
use std::collections::BTreeMap;

use calamine::{Data, Range, Reader};
use common::{Project, copy_dir, data_text, day, repo, set_mtime, workbook};
use serde_json::Value as Json;

fn project() -> (Project, Json) {
    let src = repo().join("tests/forms/pcma");
    let project = Project::empty();
    copy_dir(&src, project.path());
    let _ = std::fs::remove_dir_all(project.join("out"));
    for entry in std::fs::read_dir(project.join("inbox")).unwrap() {
        set_mtime(&entry.unwrap().path(), day(10));
    }
    let expected: Json =
        serde_json::from_str(&std::fs::read_to_string(src.join("expected.json")).unwrap()).unwrap();
    (project, expected)
}

/// The check report's submissions by file name (without "inbox/").
fn submissions(report: &Json) -> BTreeMap<String, Json> {
    report["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let file = s["file"].as_str().unwrap().trim_start_matches("inbox/");
            (file.to_string(), s.clone())
        })
        .collect()
}

fn findings_of<'a>(s: &'a Json, code: &str) -> Vec<&'a Json> {
    s["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

/// (sheet, cell) of a finding.
fn place(f: &Json) -> (String, String) {
    (
        f["sheet"].as_str().unwrap_or_default().to_string(),
        f["cell"].as_str().unwrap_or_default().to_string(),
    )
}

fn expected_place(cells: &Json, name: &str) -> (String, String) {
    let c = &cells[name];
    (
        c[0].as_str().unwrap().to_string(),
        c[1].as_str().unwrap().to_string(),
    )
}

#[test]
fn check_gives_each_file_its_status_codes_and_cells() {
    let (project, expected) = project();
    let run = project.run(&["check", "--format", "json"]);
    run.assert_code(1);
    let subs = submissions(&run.json());
    let files = expected["files"].as_object().unwrap();
    assert_eq!(subs.len(), files.len());
    for (file, want) in files {
        let s = &subs[file];
        let mut codes: Vec<&str> = s["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        codes.sort();
        codes.dedup();
        assert_eq!(s["unit"]["code"], want["unit"], "{file}");
        assert_eq!(s["status"], want["status"], "{file}: {:#}", s["findings"]);
        assert_eq!(
            Json::from(codes),
            want["codes"],
            "{file}: {:#}",
            s["findings"]
        );
    }
    // The repeated (họ tên, năm sinh) is pointed at the repeat's name cell,
    // naming the first one's.
    let tung = "Bao cao PCMA - Tung Chung Pho.xlsx";
    let repeat = findings_of(&subs[tung], "value-not-unique");
    assert_eq!(repeat.len(), 1);
    let cells = &files[tung]["cells"];
    assert_eq!(place(repeat[0]), expected_place(cells, "repeat"));
    let first = cells["first"].as_str().unwrap();
    assert!(repeat[0]["message"].as_str().unwrap().contains(first));
    // Dìn Chin's figure is more than its population (the registry's dan_so).
    let din = findings_of(&subs["DinChin_PCMA.xlsx"], "rule-violation");
    assert!(
        din.iter().any(|f| f["rule"] == "khong_qua_dan_so"),
        "{din:#?}"
    );
    assert!(
        din.iter()
            .any(|f| f["message"].as_str().unwrap().contains("(3.102)"))
    );
}

#[test]
fn build_warns_of_the_same_person_in_two_communes() {
    let (project, expected) = project();
    project.run(&["build"]).assert_code(1);
    let report: Json = serde_json::from_str(
        &std::fs::read_to_string(project.join("out/pcma-2024-H1-kiem-tra.json")).unwrap(),
    )
    .unwrap();
    let subs = submissions(&report);
    let files = expected["files"].as_object().unwrap();
    let pairs = [
        ("BC_PCMA_6T_2024_PhaLong.xlsx", "TaNgaiCho_PCMA_6thang.xlsx"),
        ("TaNgaiCho_PCMA_6thang.xlsx", "BC_PCMA_6T_2024_PhaLong.xlsx"),
    ];
    for (file, other) in pairs {
        let found = findings_of(&subs[file], "record-in-several-units");
        assert_eq!(found.len(), 1, "{file}");
        assert_eq!(found[0]["severity"], "warning");
        assert_eq!(
            place(found[0]),
            expected_place(&files[file]["cells"], "shared")
        );
        // The message names the other file and its cell.
        let other_cell = expected_place(&files[other]["cells"], "shared").1;
        let message = found[0]["message"].as_str().unwrap();
        assert!(
            message.contains(other) && message.contains(&other_cell),
            "{message}"
        );
        assert_eq!(subs[file]["status"], "accepted");
    }
}

/// The row whose cell in `col` reads `text`.
fn row_of(range: &Range<Data>, col: u32, text: &str) -> u32 {
    let (h, _) = range.get_size();
    (0..h as u32)
        .find(|&r| range.get_value((r, col)).map(data_text).as_deref() == Some(text))
        .unwrap_or_else(|| panic!("no row reading {text:?} in column {col}"))
}

/// The column whose header (on `row`) starts with `text`.
fn col_of(range: &Range<Data>, row: u32, text: &str) -> u32 {
    let (_, w) = range.get_size();
    (0..w as u32)
        .find(|&c| {
            range
                .get_value((row, c))
                .map(data_text)
                .is_some_and(|t| t.starts_with(text))
        })
        .unwrap_or_else(|| panic!("no column {text:?} on row {row}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn build_writes_the_generators_figures() {
    let (project, expected) = project();
    project.run(&["build"]).assert_code(1);
    let mut book = workbook(&project.join("out/pcma-2024-H1-tong-hop.xlsx"));
    let files: Vec<&Json> = expected["files"].as_object().unwrap().values().collect();
    let accepted: Vec<&&Json> = files.iter().filter(|f| f["status"] == "accepted").collect();

    // Tổng hợp: each accepted unit's figures.
    let sheet = book.worksheet_range("Tổng hợp").unwrap();
    let header = row_of(&sheet, 0, "STT");
    for f in &accepted {
        let row = row_of(&sheet, 1, f["unit"].as_str().unwrap());
        for (id, label) in [
            ("so_nguoi_nghien", "Tổng số người nghiện"),
            ("so_moi_phat_hien", "Số người nghiện mới"),
            ("so_nu", "Trong đó: nữ"),
            ("so_vu", "Số vụ vi phạm"),
            ("kinh_phi", "Kinh phí"),
        ] {
            let got = number(&sheet, row, col_of(&sheet, header, label));
            let want = f["form"][id].as_f64().unwrap();
            assert!(
                got.is_some_and(|g| close(g, want)),
                "{id}: {got:?} vs {want}"
            );
        }
    }

    // Chỉ tiêu: the district's indicators, the rate per 10,000 inhabitants
    // divided by the accepted units' population from the registry.
    let sheet = book.worksheet_range("Chỉ tiêu").unwrap();
    let header = row_of(&sheet, 0, "STT");
    let value_col = col_of(&sheet, header, "Kết quả");
    let district = &expected["indicators"]["district"];
    for (id, label) in [
        ("tong_nguoi_nghien", "Tổng số người nghiện có hồ sơ quản lý"),
        ("nghien_tren_10000_dan", "Số người nghiện trên 10.000 dân"),
        ("moi_phat_hien", "Số người nghiện mới phát hiện trong kỳ"),
        ("kinh_phi", "Kinh phí hỗ trợ cai nghiện"),
    ] {
        let got = number(&sheet, row_of(&sheet, 1, label), value_col);
        let want = district[id].as_f64().unwrap();
        assert!(
            got.is_some_and(|g| close(g, want)),
            "{id}: {got:?} vs {want}"
        );
    }

    // The list: every record of the accepted files, the split year read
    // with the sex of the column it was under, both sheets of Pha Long.
    let sheet = book.worksheet_range("Danh sách người nghiện").unwrap();
    let header = row_of(&sheet, 0, "STT");
    let col = |label: &str| col_of(&sheet, header, label);
    let (name, year, sex, date) = (
        col("Họ và tên"),
        col("Năm sinh"),
        col("Giới tính"),
        col("Ngày phát hiện"),
    );
    let mut row = header + 1;
    for f in &accepted_in_registry_order(&accepted) {
        for r in f["records"].as_array().unwrap() {
            let text = |c: u32| sheet.get_value((row, c)).map(data_text).unwrap_or_default();
            assert_eq!(text(name), r["ho_ten"].as_str().unwrap(), "row {row}");
            assert_eq!(number(&sheet, row, year), r["nam_sinh"].as_f64());
            assert_eq!(text(sex), r["gioi_tinh"].as_str().unwrap(), "row {row}");
            let shown = match sheet.get_value((row, date)) {
                Some(Data::DateTime(d)) => serial_date(d.as_f64()),
                other => panic!("a date at row {row}: {other:?}"),
            };
            assert_eq!(shown, r["ngay_phat_hien"].as_str().unwrap());
            row += 1;
        }
    }
    assert_eq!(
        (row - header - 1) as u64,
        expected["list_rows"].as_u64().unwrap()
    );
}

/// An Excel serial date (1900 system) as yyyy-mm-dd.
fn serial_date(serial: f64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (base + chrono::Days::new(serial.floor() as u64)).to_string()
}

fn accepted_in_registry_order<'a>(accepted: &[&&'a Json]) -> Vec<&'a Json> {
    let mut v: Vec<&Json> = accepted.iter().map(|f| **f).collect();
    v.sort_by_key(|f| f["unit"].as_str().unwrap().to_string());
    v
}

/// Without the public security's window the rows found from 15/12 to
/// 31/12/2023 are not "in the period": the same files then fail the rule
/// tying the list to "mới phát hiện trong kỳ". The window is what makes
/// them right.
#[test]
fn the_configured_window_decides_which_rows_fall_in_the_period() {
    let (project, _) = project();
    let config = std::fs::read_to_string(project.join("tonghop.toml")).unwrap();
    assert!(config.contains("cutoff_day = 15"));
    std::fs::write(
        project.join("tonghop.toml"),
        config.replace("cutoff_day = 15", ""),
    )
    .unwrap();
    let run = project.run(&["check", "--format", "json"]);
    let subs = submissions(&run.json());
    let pha_long = &subs["BC_PCMA_6T_2024_PhaLong.xlsx"];
    assert_eq!(pha_long["status"], "rejected");
    let rule = findings_of(pha_long, "rule-violation");
    assert!(
        rule.iter().any(|f| f["rule"] == "moi_phat_hien_trong_ky"
            && f["message"].as_str().unwrap().contains("01/01/2024")),
        "{rule:#?}"
    );
}

#[test]
fn the_text_report_says_which_days_are_counted_and_a_bad_cutoff_day_stops_the_run() {
    let (project, _) = project();
    let run = project.run(&["check"]);
    assert!(
        run.stdout
            .lines()
            .next()
            .unwrap()
            .ends_with("kỳ 6 tháng đầu năm 2024 (số liệu từ 15/12/2023 đến 14/06/2024)"),
        "{}",
        run.stdout
    );
    let config = std::fs::read_to_string(project.join("tonghop.toml")).unwrap();
    std::fs::write(
        project.join("tonghop.toml"),
        config.replace("cutoff_day = 15", "cutoff_day = 31"),
    )
    .unwrap();
    let run = project.run(&["check"]);
    run.assert_code(2);
    assert!(run.stderr.contains("cutoff_day = 31"), "{}", run.stderr);
}

/// A population that is no number stops the run before any file is read,
/// naming the registry's line: no rate per inhabitant from a guess.
#[test]
fn a_registry_population_that_is_no_number_stops_the_run() {
    let (project, _) = project();
    let units = std::fs::read_to_string(project.join("units.csv")).unwrap();
    std::fs::write(
        project.join("units.csv"),
        units.replace(",4921\n", ",khoảng 4900\n"),
    )
    .unwrap();
    let run = project.run(&["--lang", "en", "check"]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("line 3: “dan_so” of unit 02755 is not a number: “khoảng 4900”"),
        "{}",
        run.stderr
    );
}
