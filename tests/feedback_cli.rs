//! Feedback workbooks close the loop with communes: a broken submission gets
//! its own template back, filled with what it sent, the problem cells marked
//! with notes and listed with links on a first sheet "Cần sửa"; corrected in
//! place, the same file is accepted.

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{Project, day, set_mtime, write_zip, zip_entries as entries, zip_text as text_of};

/// Replaces a whole cell element, as a spreadsheet program does on save.
fn replace_cell(xml: &str, cell: &str, number: f64) -> String {
    let start = xml
        .find(&format!("<c r=\"{cell}\""))
        .unwrap_or_else(|| panic!("{cell} in the sheet"));
    let close = start + xml[start..].find('>').unwrap();
    let end = if xml.as_bytes()[close - 1] == b'/' {
        close + 1
    } else {
        start + xml[start..].find("</c>").unwrap() + 4
    };
    let style = xml[start..close]
        .split(" s=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("0");
    format!(
        "{}<c r=\"{cell}\" s=\"{style}\"><v>{number}</v></c>{}",
        &xml[..start],
        &xml[end..]
    )
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
    let mut fixed = files.clone();
    let sheet = "xl/worksheets/sheet2.xml";
    let xml = replace_cell(&text_of(&files, sheet), &format!("D{}", row + 1), 1.0);
    fixed.iter_mut().find(|(n, _)| n == sheet).unwrap().1 = xml.into_bytes();
    let back = project.join("tra-lai");
    std::fs::create_dir(&back).unwrap();
    write_zip(&back.join("MinhLuong-da-sua.xlsx"), &fixed);
    let run = project.run(&["check", "tra-lai", "--format", "json"]);
    run.assert_code(0);
    let report = run.json();
    assert_eq!(
        report["submissions"][0]["status"], "accepted",
        "{}",
        run.stdout
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
