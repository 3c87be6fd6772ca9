//! `tonghop show FILE` end to end: the built binary, run without a
//! `tonghop.toml` and inside a sample project (where the schema marks the
//! cells fields are read from), in text and JSON, in Vietnamese and English;
//! the xlwt fixture with cells in legacy and Unicode fonts; unreadable
//! files; and every real file of the shared corpus when it is present.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use common::{Project, fixture, read_tsv, real_vn_xls, sample_dir};

const TCVN3_SAMPLE: &str = "bao cao mai dam nam 2023 - Vo Lao.xls";

fn inbox(file: &str) -> PathBuf {
    sample_dir("van-ban-2023").join("inbox").join(file)
}

fn show(project: &Project, args: &[&str]) -> common::Run {
    let mut all = vec!["show"];
    all.extend_from_slice(args);
    project.run(&all)
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// The cells of one sheet of a JSON listing: A1 → cell object.
fn cells<'a>(json: &'a Json, sheet: &str) -> BTreeMap<String, &'a Json> {
    let sheet = json["sheets"]
        .as_array()
        .expect("sheets")
        .iter()
        .find(|s| s["name"] == sheet)
        .unwrap_or_else(|| panic!("sheet {sheet} in {json}"));
    sheet["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|c| (c["cell"].as_str().unwrap().to_string(), c))
        .collect()
}

#[test]
fn json_listing_of_a_tcvn3_file_without_a_config() {
    let project = Project::empty();
    let file = inbox(TCVN3_SAMPLE);
    let run = show(&project, &[path_arg(&file), "--format", "json"]);
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["format"], "xls");
    assert!(json["file"].as_str().unwrap().ends_with(TCVN3_SAMPLE));
    let sheets = json["sheets"].as_array().unwrap();
    assert!(!sheets.is_empty());
    for sheet in sheets {
        assert_eq!(sheet["encoding"], "tcvn3", "{}", sheet["name"]);
    }
    let all: Vec<&Json> = sheets
        .iter()
        .flat_map(|s| s["cells"].as_array().unwrap())
        .collect();
    // Every cell has its reference, raw and decoded text; no field without a schema.
    for cell in &all {
        assert!(
            cell["cell"]
                .as_str()
                .unwrap()
                .starts_with(|c: char| c.is_ascii_uppercase())
        );
        assert!(cell["raw"].is_string() && cell["text"].is_string());
        assert!(cell.get("field").is_none(), "{cell}");
    }
    let converted: Vec<&&Json> = all.iter().filter(|c| c["raw"] != c["text"]).collect();
    assert!(converted.len() >= 10, "{} converted cells", converted.len());
    let texts: Vec<&str> = all.iter().map(|c| c["text"].as_str().unwrap()).collect();
    assert!(
        texts.iter().any(|t| t.contains("Võ Lao")),
        "the unit name decoded: {texts:?}"
    );
    for text in texts {
        assert!(!tonghop::may_be_legacy(text), "legacy text left: {text:?}");
    }
}

#[test]
fn text_listing_in_vietnamese_and_english() {
    let project = Project::empty();
    let file = inbox(TCVN3_SAMPLE);
    let vi = show(&project, &[path_arg(&file)]);
    vi.assert_code(0);
    assert!(vi.stdout.starts_with("Tệp: "), "{}", vi.stdout);
    assert!(
        vi.stdout.contains("(bảng mã: TCVN3 (ABC))"),
        "{}",
        vi.stdout
    );
    assert!(vi.stdout.contains("[gốc: "), "{}", vi.stdout);
    assert!(vi.stdout.contains("Võ Lao"), "{}", vi.stdout);
    let en = show(&project, &[path_arg(&file), "--lang", "en"]);
    en.assert_code(0);
    assert!(en.stdout.starts_with("File: "), "{}", en.stdout);
    assert!(
        en.stdout.contains("(encoding: TCVN3 (ABC))"),
        "{}",
        en.stdout
    );
    assert!(en.stdout.contains("[raw: "), "{}", en.stdout);
}

#[test]
fn with_the_project_schema_fields_are_marked() {
    let project = Project::sample("van-ban-2023");
    let run = show(
        &project,
        &[&format!("inbox/{TCVN3_SAMPLE}"), "--format", "json"],
    );
    run.assert_code(0);
    let json = run.json();
    assert_eq!(json["file"], format!("inbox/{TCVN3_SAMPLE}"));
    let expected = read_tsv(&sample_dir("van-ban-2023").join("expected.tsv"))
        .into_iter()
        .find(|row| row["file"] == TCVN3_SAMPLE)
        .expect("the sample's expected row");
    let marked: BTreeMap<String, String> = json["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["cells"].as_array().unwrap())
        .filter_map(|c| {
            Some((
                c.get("field")?.as_str()?.to_string(),
                c["text"].as_str()?.trim().to_string(),
            ))
        })
        .collect();
    for field in ["so_van_ban", "co_so_tong", "so_luot_kiem_tra"] {
        assert_eq!(
            marked.get(field),
            Some(&expected[field]),
            "{field} marked on the cell holding its value"
        );
    }
    // List fields are marked on every row of the list.
    let list_cells = json["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["cells"].as_array().unwrap())
        .filter(|c| c["field"] == "ten_co_so")
        .count();
    let b02_rows: usize = expected["b02_rows"].parse().unwrap();
    assert_eq!(list_cells, b02_rows, "one ten_co_so cell per Biểu 02 row");
    let text = show(&project, &[&format!("inbox/{TCVN3_SAMPLE}")]);
    text.assert_code(0);
    assert!(text.stdout.contains("← so_van_ban"), "{}", text.stdout);
}

#[test]
fn xlwt_fixture_decodes_by_cell_font() {
    let project = Project::empty();
    let file = fixture("xlwt/legacy-fonts.xls");
    let run = show(&project, &[path_arg(&file), "--format", "json"]);
    run.assert_code(0);
    let json = run.json();
    let cells = cells(&json, "Biểu 01");
    let text = |a1: &str| cells[a1]["text"].as_str().unwrap().to_string();
    let expected = [
        ("A1", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("A2", "Số TT"),
        ("B2", "Tên cơ sở"),
        ("C2", "Ghi chú"),
        ("A3", "1"),
        ("B3", "Nhà nghỉ Bình An"),
        ("C3", "Có"),
        ("B4", "Karaoke Hoàng Gia"),
        ("C4", "Không"),
        ("B5", "Ủy ban nhân dân xã Nậm Chảy"),
        ("B6", "Ủy ban nhân dân"),
        ("B7", "Lâm trường"),
        ("B8", "Tháng 12–năm 2023…"),
        ("C8", "Tỷ lệ ‰"),
        ("B9", "XÃ"),
        ("C9", "Xã"),
    ];
    for (a1, want) in expected {
        assert_eq!(text(a1), want, "{a1}");
    }
    // Unicode cells are shown unchanged: raw and text agree.
    for a1 in ["C2", "C3", "C4"] {
        assert_eq!(cells[a1]["raw"], cells[a1]["text"], "{a1}");
    }
    assert_eq!(json["sheets"][0]["encoding"], "tcvn3");
    assert!(
        !run.stdout
            .chars()
            .any(|c| ('\u{80}'..='\u{9F}').contains(&c))
    );
}

#[test]
fn an_unreadable_file_exits_2_and_says_why() {
    let project = Project::empty();
    let file = fixture("broken/not-a-spreadsheet.xlsx");
    let run = show(&project, &[path_arg(&file)]);
    run.assert_code(2);
    assert!(run.stderr.contains("không đọc được"), "{}", run.stderr);
    assert!(run.stderr.contains("file-unreadable"), "{}", run.stderr);
    let missing = show(&project, &["khong-co.xls", "--lang", "en"]);
    missing.assert_code(2);
    assert!(
        missing.stderr.contains("does not exist"),
        "{}",
        missing.stderr
    );
}

#[test]
fn every_real_file_is_shown() {
    let Some((_, files)) = real_vn_xls() else {
        return;
    };
    let project = Project::empty();
    assert!(files.len() >= 16, "{} files", files.len());
    for file in files {
        let run = show(&project, &[path_arg(&file), "--format", "json"]);
        run.assert_code(0);
        let json = run.json();
        let sheets = json["sheets"].as_array().unwrap();
        let cells: usize = sheets
            .iter()
            .map(|s| s["cells"].as_array().unwrap().len())
            .sum();
        assert!(cells > 0, "{}: no cells", file.display());
        let legacy = file
            .file_name()
            .unwrap()
            .to_string_lossy()
            .contains("tcvn3")
            || file.file_name().unwrap().to_string_lossy().contains("vni");
        let encodings: Vec<&str> = sheets
            .iter()
            .filter_map(|s| s["encoding"].as_str())
            .collect();
        assert_eq!(
            encodings.iter().any(|e| *e != "unicode"),
            legacy,
            "{}: {encodings:?}",
            file.display()
        );
    }
}
