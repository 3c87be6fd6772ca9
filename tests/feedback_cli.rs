//! Feedback workbooks close the loop with communes: a broken submission gets
//! its own template back, filled with what it sent, the problem cells marked
//! with notes and listed with links on a first sheet "Cần sửa"; corrected in
//! place, the same file is accepted.

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{
    OWN_CONFIG, Project, day, set_cell, set_mtime, write_zip, zip_entries as entries,
    zip_text as text_of,
};

/// The commune types `number` into `cell` of `sheet` in its feedback
/// workbook (the package `files`), saves it as `tra-lai/<name>` and sends it
/// back: `check tra-lai` accepts it. Returns the JSON report.
fn send_back_corrected(
    project: &Project,
    files: &[(String, Vec<u8>)],
    sheet: &str,
    cell: &str,
    number: &str,
    name: &str,
) -> serde_json::Value {
    let mut xml = text_of(files, sheet);
    set_cell(&mut xml, cell, number, true);
    let mut fixed = files.to_vec();
    fixed.iter_mut().find(|(n, _)| n == sheet).unwrap().1 = xml.into_bytes();
    let back = project.join("tra-lai");
    std::fs::create_dir(&back).unwrap();
    write_zip(&back.join(name), &fixed);
    let run = project.run(&["check", "tra-lai", "--format", "json"]);
    run.assert_code(0);
    let report = run.json();
    assert_eq!(
        report["submissions"][0]["status"], "accepted",
        "{}",
        run.stdout
    );
    report
}

#[test]
fn broken_feedback_corrected_is_accepted() {
    let project = Project::sample("van-ban-2023-loi");
    set_mtime(
        &project.join("inbox/BC_PCMD_2023_KhanhYenThuong.xlsx"),
        day(1),
    );
    set_mtime(
        &project.join("inbox/BC_PCMD_2023_KhanhYenThuong_lan2.xlsx"),
        day(2),
    );
    project
        .run(&["check", "--feedback", "phan-hoi"])
        .assert_code(1);

    let feedback = project.join("phan-hoi/pcmd-2023-03112-MinhLuong-phan-hoi.xlsx");
    assert!(
        feedback.is_file(),
        "Minh Lương (so_bang_ron = \"ba\") gets its feedback file"
    );
    let unreadable: Vec<_> = std::fs::read_dir(project.join("phan-hoi"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("Bao-Ha"))
        .collect();
    assert_eq!(
        unreadable.len(),
        1,
        "the file of an unknown unit gets a short feedback file"
    );
    assert!(
        !project
            .join("phan-hoi/pcmd-2023-03085-NamXe-phan-hoi.xlsx")
            .exists(),
        "a clean submission gets none"
    );

    let mut wb: Xlsx<_> = open_workbook(&feedback).unwrap();
    assert_eq!(
        wb.sheet_names()[0],
        "Cần sửa",
        "the first sheet lists what to fix"
    );
    let to_fix = wb.worksheet_range("Cần sửa").unwrap();
    let listed: Vec<String> = to_fix
        .used_cells()
        .filter_map(|(_, _, d)| match d {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(
        listed
            .iter()
            .any(|t| t.contains("cần nhập số nguyên, đang ghi “ba”")),
        "{listed:?}"
    );
    let form = wb.worksheet_range("Biểu 01").unwrap();
    let start = form.start().unwrap().0;
    let row = form
        .used_cells()
        .find(|(_, c, d)| *c == 1 && matches!(d, Data::String(s) if s.starts_with("Số băng rôn")))
        .map(|(r, _, _)| r as u32 + start)
        .unwrap();
    assert_eq!(
        form.get_value((row, 3)),
        Some(&Data::String("ba".into())),
        "what the commune typed is kept"
    );
    assert_eq!(
        form.get_value((row - 1, 3)),
        Some(&Data::Float(55.0)),
        "the values it sent are filled in"
    );

    let files = entries(&feedback);
    let notes = files
        .iter()
        .filter(|(n, _)| n.starts_with("xl/comments"))
        .map(|(_, b)| String::from_utf8_lossy(b).to_string())
        .collect::<String>();
    assert!(
        notes.contains("đang ghi “ba”"),
        "the cell carries a note with the message"
    );
    let links = text_of(&files, "xl/worksheets/sheet1.xml");
    assert!(
        links.contains("<hyperlink") && links.contains(&format!("D{}", row + 1)),
        "the list links to the cell"
    );

    // The commune corrects the cell in this very file and sends it back.
    let report = send_back_corrected(
        &project,
        &files,
        "xl/worksheets/sheet2.xml",
        &format!("D{}", row + 1),
        "1",
        "MinhLuong-da-sua.xlsx",
    );
    assert_eq!(report["submissions"][0]["unit"]["code"], "03112");
}

#[test]
fn a_resubmission_reports_what_changed_and_what_was_fixed() {
    let project = Project::sample("van-ban-2023-loi");
    set_mtime(
        &project.join("inbox/BC_PCMD_2023_KhanhYenThuong.xlsx"),
        day(1),
    );
    set_mtime(
        &project.join("inbox/BC_PCMD_2023_KhanhYenThuong_lan2.xlsx"),
        day(2),
    );
    let run = project.run(&["check", "--format", "json"]);
    let report = run.json();
    let subs = report["submissions"].as_array().unwrap();
    let newer = subs
        .iter()
        .find(|s| s["file"].as_str().unwrap().ends_with("_lan2.xlsx"))
        .unwrap();
    let changes = newer["changes"]
        .as_array()
        .expect("the newer file carries its changes");
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["field"], "co_so_cam_ket");
    assert_eq!(
        (changes[0]["old"].as_str(), changes[0]["new"].as_str()),
        (Some("6"), Some("5"))
    );
    assert_eq!(changes[0]["cell"], "D20");
    let fixed: Vec<&str> = newer["findings_fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        fixed.contains(&"rule-violation cam_ket_toi_da"),
        "{fixed:?}"
    );
    assert!(newer["findings_new"].as_array().unwrap().is_empty());
    let older = subs
        .iter()
        .find(|s| s["file"].as_str().unwrap().ends_with("KhanhYenThuong.xlsx"))
        .unwrap();
    assert!(
        older.get("changes").is_none(),
        "only the newer file has changes"
    );

    let text = project.run(&["check"]).stdout;
    assert!(text.contains("Biểu 01!D20 co_so_cam_ket: 6 → 5"), "{text}");

    project.run(&["build"]).assert_code(1);
    let mut wb: Xlsx<_> = open_workbook(project.join("out/pcmd-2023-tong-hop.xlsx")).unwrap();
    let status = wb.worksheet_range("Tình hình nộp").unwrap();
    let shown: Vec<String> = status
        .used_cells()
        .filter_map(|(_, _, d)| match d {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(
        shown
            .iter()
            .any(|t| t.contains("D20 6 → 5") && t.contains("cam_ket_toi_da")),
        "{shown:?}"
    );
}

/// A schema of our own: a short form and a list of establishments, like
/// pcmd's, with a choice, a whole number and a date per record.
const LONG_LIST_SCHEMA: &str = r#"
id = "dsdai"
title = "Báo cáo cơ sở kinh doanh trên địa bàn"
version = "1.0"
period = "year"

[[sheets]]
id = "bieu"
kind = "form"
name = "Biểu 01"

[[sheets.fields]]
id = "so_co_so"
label = "Tổng số cơ sở"
type = "integer"
min = 0

[[sheets]]
id = "ds"
kind = "list"
name = "Danh sách"

[[sheets.fields]]
id = "ten"
label = "Tên cơ sở"
type = "text"

[[sheets.fields]]
id = "loai"
label = "Loại hình"
type = "choice"
choices = [{ value = "Lưu trú" }, { value = "Karaoke" }]

[[sheets.fields]]
id = "so_lao_dong"
label = "Số lao động"
type = "integer"
min = 0

[[sheets.fields]]
id = "ngay_cam_ket"
label = "Ngày ký cam kết"
type = "date"
"#;

const RECORDS: usize = 150;

/// Record `i`'s values as typed: (name, kind, workers, date).
fn record(i: usize) -> (String, &'static str, String, String) {
    (
        format!("Cơ sở số {}", i + 1),
        if i.is_multiple_of(3) {
            "Karaoke"
        } else {
            "Lưu trú"
        },
        // Record 120 has a typo the commune must fix.
        if i == 119 {
            "mười".to_string()
        } else {
            (i % 17).to_string()
        },
        format!("{:02}/{:02}/2023", i % 28 + 1, i % 12 + 1),
    )
}

/// Xã An Bình's report with 150 establishments, as a spreadsheet program
/// writes one.
fn write_long_report(path: &std::path::Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Biểu 01").unwrap();
    ws.write_string(0, 0, "UBND XÃ AN BÌNH").unwrap();
    ws.write_string(3, 0, "BÁO CÁO CƠ SỞ KINH DOANH TRÊN ĐỊA BÀN")
        .unwrap();
    ws.write_string(4, 0, "Kỳ báo cáo: Năm 2023").unwrap();
    ws.write_string(5, 0, "Đơn vị báo cáo:").unwrap();
    ws.write_string(5, 2, "Xã An Bình").unwrap();
    for (c, h) in ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"]
        .iter()
        .enumerate()
    {
        ws.write_string(7, c as u16, *h).unwrap();
    }
    ws.write_string(8, 0, "1").unwrap();
    ws.write_string(8, 1, "Tổng số cơ sở").unwrap();
    ws.write_number(8, 3, RECORDS as f64).unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Danh sách").unwrap();
    ws.write_string(0, 0, "DANH SÁCH CƠ SỞ").unwrap();
    for (c, h) in [
        "STT",
        "Tên cơ sở",
        "Loại hình",
        "Số lao động",
        "Ngày ký cam kết",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for i in 0..RECORDS {
        let row = 3 + i as u32;
        let (name, kind, workers, date) = record(i);
        ws.write_number(row, 0, (i + 1) as f64).unwrap();
        ws.write_string(row, 1, name).unwrap();
        ws.write_string(row, 2, kind).unwrap();
        match workers.parse::<f64>() {
            Ok(n) => ws.write_number(row, 3, n).unwrap(),
            Err(_) => ws.write_string(row, 3, workers).unwrap(),
        };
        ws.write_string(row, 4, date).unwrap();
    }
    wb.save(path).unwrap();
}

/// The records of a list sheet read back with calamine: every row under the
/// header (row 3) up to the first one without a name.
fn listed_records(path: &std::path::Path, sheet: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    (3u32..)
        .map(|r| {
            (0u32..5)
                .map(|c| range.get_value((r, c)).cloned().unwrap_or(Data::Empty))
                .collect::<Vec<_>>()
        })
        .take_while(|cells| !matches!(cells[1], Data::Empty))
        .collect()
}

#[test]
fn a_feedback_file_keeps_every_record_of_a_long_list() {
    let project = Project::own(
        LONG_LIST_SCHEMA,
        "code,name,kind,aliases,email,parent\n001,Xã An Bình,Xã,,,\n",
        OWN_CONFIG,
    );
    std::fs::create_dir(project.join("inbox")).unwrap();
    write_long_report(&project.join("inbox/an-binh.xlsx"));
    let run = project.run(&["check", "--feedback", "phan-hoi"]);
    run.assert_code(1);
    assert!(run.stdout.contains("Danh sách!D123"), "{}", run.stdout);

    // Every record is in the feedback file, with the values it sent.
    let feedback = project.join("phan-hoi/dsdai-2023-001-AnBinh-phan-hoi.xlsx");
    let records = listed_records(&feedback, "Danh sách");
    assert_eq!(records.len(), RECORDS);
    for (i, cells) in records.iter().enumerate() {
        let (name, kind, workers, date) = record(i);
        assert_eq!(cells[0], Data::Float((i + 1) as f64), "STT of record {i}");
        assert_eq!(cells[1], Data::String(name), "record {i}");
        assert_eq!(cells[2], Data::String(kind.into()), "record {i}");
        match workers.parse::<f64>() {
            Ok(n) => assert_eq!(cells[3], Data::Float(n), "record {i}"),
            Err(_) => assert_eq!(cells[3], Data::String(workers), "record {i}"),
        }
        let Data::DateTime(d) = &cells[4] else {
            panic!("record {i}: a date, not {:?}", cells[4]);
        };
        let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
        let day = epoch + chrono::Days::new(d.as_f64() as u64);
        assert_eq!(day.format("%d/%m/%Y").to_string(), date, "record {i}");
    }

    // The input cells go on past the records: validation and unlocked,
    // styled cells over every record row and the spare rows.
    let files = entries(&feedback);
    let xml = text_of(&files, "xl/worksheets/sheet3.xml");
    let last = 3 + RECORDS + 20;
    assert!(
        xml.contains(&format!("sqref=\"D4:D{last}\"")),
        "validation down to row {last}"
    );
    let style = |cell: &str| {
        let start = xml.find(&format!("<c r=\"{cell}\"")).unwrap();
        let tag = &xml[start..start + xml[start..].find('>').unwrap()];
        tag.split(" s=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        style(&format!("E{last}")),
        style("E5"),
        "a spare row is an input row"
    );
    assert!(!xml.contains(&format!("<c r=\"B{}\"", last + 1)));

    // The commune fixes record 120 in the file and sends it back: accepted,
    // with all 150 records.
    let mut wb: Xlsx<_> = open_workbook(&feedback).unwrap();
    let range = wb.worksheet_range("Danh sách").unwrap();
    let row = (3u32..)
        .find(|&r| range.get_value((r, 1)) == Some(&Data::String("Cơ sở số 120".into())))
        .unwrap();
    assert_eq!(
        range.get_value((row, 3)),
        Some(&Data::String("mười".into()))
    );
    send_back_corrected(
        &project,
        &files,
        "xl/worksheets/sheet3.xml",
        &format!("D{}", row + 1),
        "10",
        "an-binh-da-sua.xlsx",
    );
    let back = listed_records(&project.join("tra-lai/an-binh-da-sua.xlsx"), "Danh sách");
    assert_eq!(back.len(), RECORDS);
    assert_eq!(back[119][3], Data::Float(10.0));
    let build = project.run(&["build", "tra-lai", "-o", "out", "--format", "json"]);
    build.assert_code(0);
    let tidy = std::fs::read_to_string(project.join("out/dsdai-2023-du-lieu.csv")).unwrap();
    let rows = tidy.lines().filter(|l| l.contains(",ds,ten,")).count();
    assert_eq!(rows, RECORDS, "every record consolidated");
}
