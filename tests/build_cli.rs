//! `tonghop build` end to end: the consolidated outputs of the bundled
//! samples, read back from the files (calamine for the workbook, the CSV text),
//! must reproduce the district's published 2023 figures and be consistent.

mod common;

use std::collections::BTreeMap;

use calamine::{Data, Reader};
use common::{Project, data_text as text, day, read_csv, set_mtime, workbook};

const OUTPUTS: [&str; 6] = [
    "pcmd-2023-tong-hop.xlsx",
    "pcmd-2023-chi-tieu.csv",
    "pcmd-2023-chi-tieu.parquet",
    "pcmd-2023-du-lieu.csv",
    "pcmd-2023-du-lieu.parquet",
    "pcmd-2023-kiem-tra.json",
];

/// Row index (0-based) of the first cell in column `col` that reads `label`.
fn find_row(range: &calamine::Range<Data>, col: u32, label: &str) -> u32 {
    let (h, _) = range.get_size();
    let start = range.start().unwrap_or((0, 0)).0;
    (start..start + h as u32)
        .find(|&r| range.get_value((r, col)).map(text).as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no row reading {label:?} in column {col}"))
}

#[test]
fn build_reproduces_the_published_2023_figures() {
    let project = Project::sample("van-ban-2023");
    let run = project.run(&["build"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("out/pcmd-2023-tong-hop.xlsx"),
        "says where the outputs are:\n{}",
        run.stdout
    );
    for name in OUTPUTS {
        assert!(project.join("out").join(name).is_file(), "{name} written");
    }

    let rows = read_csv(&project.join("out/pcmd-2023-chi-tieu.csv"));
    assert_eq!(
        rows[0].keys().cloned().collect::<Vec<_>>().len(),
        11,
        "columns: indicator_id,label,unit_code,unit_name,period,numerator,denominator,value,display,target,met"
    );
    let district: BTreeMap<&str, &BTreeMap<String, String>> = rows
        .iter()
        .filter(|r| r["unit_code"] == "089")
        .map(|r| (r["indicator_id"].as_str(), r))
        .collect();
    assert_eq!(
        rows[0]["unit_code"], "089",
        "the consolidating unit comes first"
    );
    for (id, display) in [
        ("co_so_tong", "44"),
        ("co_so_luu_tru", "24"),
        ("co_so_karaoke_massage", "20"),
        ("ty_le_cam_ket", "44/44"),
        ("xa_khong_te_nan", "22/22"),
        ("so_cuoc_truyen_thong", "13"),
        ("so_luot_nguoi", "937"),
        ("so_bang_ron", "24"),
        ("so_vu_vi_pham", "0"),
    ] {
        assert_eq!(district[id]["display"], display, "{id}");
    }
    assert_eq!(district["ty_le_cam_ket"]["value"], "100");
    assert_eq!(district["xa_khong_te_nan"]["value"], "100");
    assert_eq!(district["ty_le_cam_ket"]["met"], "true");
    let per_unit: Vec<_> = rows
        .iter()
        .filter(|r| r["unit_code"] != "089" && r["indicator_id"] == "co_so_tong")
        .collect();
    assert_eq!(per_unit.len(), 22, "one row per reporting unit");
    let sum: f64 = per_unit
        .iter()
        .map(|r| r["numerator"].parse::<f64>().unwrap())
        .sum();
    assert_eq!(sum, 44.0);
}

#[test]
fn workbook_totals_are_live_formulas_matching_the_unit_rows() {
    let project = Project::sample("van-ban-2023");
    project.run(&["build"]).assert_code(0);
    let mut wb = workbook(&project.join("out/pcmd-2023-tong-hop.xlsx"));
    assert_eq!(
        wb.sheet_names(),
        vec![
            "Tổng hợp",
            "Chỉ tiêu",
            "Chỉ tiêu theo xã",
            "Danh sách cơ sở",
            "Biểu đồ",
            "Tình hình nộp",
            "Lỗi",
            "Nguồn"
        ]
    );

    let range = wb.worksheet_range("Tổng hợp").expect("Tổng hợp");
    let formulas = wb.worksheet_formula("Tổng hợp").expect("formulas");
    let header = find_row(&range, 0, "STT");
    let total = find_row(&range, 0, "Tổng cộng");
    assert_eq!(total - header - 1, 22, "one row per registry unit");
    let width = range.get_size().1 as u32;
    let mut checked = 0;
    for col in 4..width {
        let label = range.get_value((header, col)).map(text).unwrap_or_default();
        let formula = formulas
            .get_value((total, col))
            .cloned()
            .unwrap_or_default();
        let stored = match range.get_value((total, col)) {
            Some(Data::Float(f)) => *f,
            other => panic!("column {label}: the total row stores a number, found {other:?}"),
        };
        let expected = if formula.starts_with("COUNTIF") {
            (header + 1..total)
                .filter(|&r| range.get_value((r, col)).map(text).as_deref() == Some("Có"))
                .count() as f64
        } else {
            assert!(
                formula.starts_with("SUM("),
                "column {label}: a SUM formula, found {formula:?}"
            );
            (header + 1..total)
                .map(|r| match range.get_value((r, col)) {
                    Some(Data::Float(f)) => *f,
                    _ => 0.0,
                })
                .sum()
        };
        assert_eq!(
            stored, expected,
            "column {label}: stored total equals the sum of the unit rows"
        );
        checked += 1;
    }
    assert_eq!(checked, 19, "every Biểu 01 field has a total");
    let co_so_tong = (4..width)
        .find(|&c| {
            range
                .get_value((header, c))
                .map(text)
                .is_some_and(|t| t.starts_with("Tổng số cơ sở"))
        })
        .expect("co_so_tong column");
    assert_eq!(
        range.get_value((total, co_so_tong)),
        Some(&Data::Float(44.0))
    );

    let list = wb.worksheet_range("Danh sách cơ sở").expect("list sheet");
    let list_header = find_row(&list, 0, "STT");
    let (h, _) = list.get_size();
    let last = list.start().unwrap().0 + h as u32;
    let records = (list_header + 1..last)
        .filter(|&r| !matches!(list.get_value((r, 1)), None | Some(Data::Empty)))
        .count();
    assert_eq!(records, 44, "all 44 establishments are listed");
    let list_formulas = wb.worksheet_formula("Danh sách cơ sở").expect("formulas");
    assert!(
        list_formulas.used_cells().next().is_none(),
        "commune text is never written as a formula"
    );
}

#[test]
fn same_inputs_give_byte_identical_outputs() {
    let project = Project::sample("van-ban-2023");
    project.run(&["build", "-o", "a"]).assert_code(0);
    // Another thread count, files named in reverse order.
    let mut files: Vec<String> = std::fs::read_dir(project.join("inbox"))
        .unwrap()
        .map(|e| format!("inbox/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    files.sort();
    files.reverse();
    let mut args = vec!["build", "-o", "b"];
    args.extend(files.iter().map(String::as_str));
    common::run_in_env(project.path(), &args, &[("RAYON_NUM_THREADS", "1")]).assert_code(0);
    for name in OUTPUTS {
        let a = std::fs::read(project.join("a").join(name)).unwrap();
        let b = std::fs::read(project.join("b").join(name)).unwrap();
        assert!(
            a == b,
            "{name} differs between two builds of the same inputs"
        );
    }
}

#[test]
fn rejected_files_are_listed_and_left_out_of_the_totals() {
    let project = Project::sample("van-ban-2023-loi");
    set_mtime(
        &project.join("inbox/BC_PCMD_2023_KhanhYenThuong.xlsx"),
        day(1),
    );
    set_mtime(
        &project.join("inbox/BC_PCMD_2023_KhanhYenThuong_lan2.xlsx"),
        day(2),
    );
    let run = project.run(&["build"]);
    run.assert_code(1);
    for name in OUTPUTS {
        assert!(
            project.join("out").join(name).is_file(),
            "{name} written even though some files were rejected"
        );
    }
    let mut wb = workbook(&project.join("out/pcmd-2023-tong-hop.xlsx"));
    let status = wb.worksheet_range("Tình hình nộp").expect("status sheet");
    let (h, w) = status.get_size();
    let start = status.start().unwrap().0;
    let rows: Vec<Vec<String>> = (start..start + h as u32)
        .map(|r| {
            (0..w as u32)
                .map(|c| status.get_value((r, c)).map(text).unwrap_or_default())
                .collect()
        })
        .collect();
    let rejected: Vec<&Vec<String>> = rows.iter().filter(|r| r[3] == "Bị loại").collect();
    assert!(
        rejected
            .iter()
            .any(|r| r[4].ends_with("Minh Luong PCMD 2023 (final).xlsx")),
        "{rejected:?}"
    );
    assert!(
        rejected
            .iter()
            .any(|r| r[4].ends_with("BC PCMD Bao Ha 2023.xlsx")),
        "unidentified files are listed too"
    );
    assert!(
        rows.iter().any(|r| r[1] == "03121" && r[3] == "Chưa nộp"),
        "the unit that sent nothing is listed"
    );
    assert!(
        rows.iter()
            .any(|r| r[4].ends_with("KhanhYenThuong.xlsx") && r[3] == "Đã có bản mới hơn")
    );

    let indicators = read_csv(&project.join("out/pcmd-2023-chi-tieu.csv"));
    let units: std::collections::BTreeSet<&str> = indicators
        .iter()
        .map(|r| r["unit_code"].as_str())
        .filter(|c| *c != "089")
        .collect();
    assert!(
        !units.contains("03112"),
        "a rejected unit has no indicator rows"
    );
    assert!(
        units.contains("03082"),
        "the newer file of a unit that resubmitted counts"
    );
    let district = indicators
        .iter()
        .find(|r| r["unit_code"] == "089" && r["indicator_id"] == "xa_khong_te_nan")
        .unwrap();
    assert_eq!(
        district["denominator"],
        units.len().to_string(),
        "ratios over units use the units reporting"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_outputs_untouched() {
    let project = Project::sample("van-ban-2023");
    project.run(&["build"]).assert_code(0);
    let before = std::fs::read(project.join("out/pcmd-2023-tong-hop.xlsx")).unwrap();
    // A later output that cannot be replaced makes the run fail…
    std::fs::remove_file(project.join("out/pcmd-2023-kiem-tra.json")).unwrap();
    std::fs::create_dir(project.join("out/pcmd-2023-kiem-tra.json")).unwrap();
    set_mtime(&project.join("inbox/NamXay_2023.xlsx"), day(30));
    let run = project.run(&["build"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("pcmd-2023-kiem-tra.json"),
        "{}",
        run.stderr
    );
    // … and the workbook of the previous run is still there, unchanged.
    assert_eq!(
        std::fs::read(project.join("out/pcmd-2023-tong-hop.xlsx")).unwrap(),
        before
    );
    let leftovers: Vec<_> = std::fs::read_dir(project.join("out"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files are left behind");
}

#[test]
fn inputs_are_never_changed() {
    let project = Project::sample("van-ban-2023-loi");
    let snapshot = || -> Vec<(String, String, std::time::SystemTime)> {
        let mut files: Vec<_> = std::fs::read_dir(project.join("inbox"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                let bytes = std::fs::read(&p).unwrap();
                let modified = std::fs::metadata(&p).unwrap().modified().unwrap();
                (
                    p.file_name().unwrap().to_string_lossy().to_string(),
                    tonghop::sha256_hex(&bytes),
                    modified,
                )
            })
            .collect();
        files.sort();
        files
    };
    let before = snapshot();
    project.run(&["build"]).assert_code(1);
    project.run(&["check", "--format", "json"]).assert_code(1);
    assert_eq!(
        snapshot(),
        before,
        "the inbox is byte- and time-identical after the runs"
    );
}

#[test]
fn the_output_folder_may_not_be_inside_the_inbox() {
    let project = Project::sample("van-ban-2023");
    let run = project.run(&["build", "-o", "inbox/out"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("nằm trong thư mục đầu vào"),
        "{}",
        run.stderr
    );
    assert!(
        !project.join("inbox/out").exists(),
        "nothing was written into the inbox"
    );
}
