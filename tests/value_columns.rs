//! The tnxh form (tests/forms/tnxh/, `scripts/make_form_tnxh.py`): rows with
//! several value columns ("Kỳ này | Cùng kỳ năm trước | So sánh (%)"), a
//! derived column checked against the others, yes/no answered "Đạt/Chưa
//! đạt" and ticked "x"/blank, choices by alias, and a list that says "Không
//! phát sinh". `check` must give each file the generator's status, codes
//! and mismatch cell; `build` must give, read back from the workbook and the
//! tables, every value and the total of every value column the generator
//! computed itself; a template of the form is read back by `check`.

mod common;

use common::cells::{close, find_row, number, text};
use std::collections::BTreeMap;

use calamine::{Data, Range, Reader};
use common::{Project, copy_dir, day, read_csv, repo, set_cell, set_mtime, workbook};
use serde_json::Value as Json;

struct Form {
    project: Project,
    expected: Json,
}

impl Form {
    fn new() -> Form {
        let src = repo().join("tests/forms/tnxh");
        let project = Project::empty();
        copy_dir(&src, project.path());
        let _ = std::fs::remove_dir_all(project.join("out"));
        for entry in std::fs::read_dir(project.join("inbox")).unwrap() {
            set_mtime(&entry.unwrap().path(), day(10));
        }
        let text = std::fs::read_to_string(src.join("expected.json")).unwrap();
        Form {
            project,
            expected: serde_json::from_str(&text).unwrap(),
        }
    }

    fn built() -> Form {
        let form = Form::new();
        form.project.run(&["build"]).assert_code(1);
        form
    }

    /// (id, type, derived) of every value, in schema order.
    fn values(&self) -> Vec<(String, String, bool)> {
        self.expected["value_fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["id"].as_str().unwrap().to_string(),
                    v["type"].as_str().unwrap().to_string(),
                    v["derived"].as_bool().unwrap(),
                )
            })
            .collect()
    }

    fn accepted(&self) -> BTreeMap<String, &Json> {
        self.expected["files"]
            .as_object()
            .unwrap()
            .values()
            .filter(|f| f["status"] == "accepted")
            .map(|f| (f["unit"].as_str().unwrap().to_string(), f))
            .collect()
    }
}

/// A workbook cell holds the generator's value (yes/no in the form's words,
/// "Đạt"/"Chưa đạt").
fn same(range: &Range<Data>, row: u32, col: u32, want: &Json) -> bool {
    match want {
        Json::Null => number(range, row, col).is_none() && text(range, row, col).is_empty(),
        Json::Bool(b) => text(range, row, col) == if *b { "Đạt" } else { "Chưa đạt" },
        Json::Number(n) => number(range, row, col).is_some_and(|f| close(f, n.as_f64().unwrap())),
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn check_gives_each_file_its_status_codes_and_mismatch_cell() {
    let form = Form::new();
    let run = form.project.run(&["check", "--format", "json"]);
    run.assert_code(1);
    let report = run.json();
    let files = form.expected["files"].as_object().unwrap();
    let submissions = report["submissions"].as_array().unwrap();
    assert_eq!(submissions.len(), files.len());
    for s in submissions {
        let file = s["file"].as_str().unwrap().trim_start_matches("inbox/");
        let want = &files[file];
        let findings = s["findings"].as_array().unwrap();
        let mut codes: Vec<&str> = findings
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        codes.sort();
        codes.dedup();
        assert_eq!(s["unit"]["code"], want["unit"], "{file}");
        assert_eq!(s["status"], want["status"], "{file}: {findings:#?}");
        assert_eq!(
            codes,
            want["codes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect::<Vec<_>>(),
            "{file}: {findings:#?}"
        );
        if let Some(cell) = want.get("derived_mismatch") {
            let mismatches: Vec<String> = findings
                .iter()
                .filter(|f| f["code"] == "derived-mismatch")
                .map(|f| {
                    format!(
                        "{}!{}",
                        f["sheet"].as_str().unwrap(),
                        f["cell"].as_str().unwrap()
                    )
                })
                .collect();
            assert_eq!(mismatches, [cell.as_str().unwrap()], "{file}");
            let f = findings
                .iter()
                .find(|f| f["code"] == "derived-mismatch")
                .unwrap();
            assert_eq!(f["field"], want["field"]);
            assert!(
                f["message"]
                    .as_str()
                    .unwrap()
                    .contains("Kỳ này / Cùng kỳ năm trước * 100"),
                "the message names the columns: {}",
                f["message"]
            );
        }
    }
}

/// Tổng hợp: each unit's row holds its values, and the total row holds the
/// generator's total of every value column — the sum, or for "So sánh (%)"
/// the totals' own comparison (never a sum of percentages).
#[test]
fn the_workbook_holds_every_value_column_and_its_total() {
    let form = Form::built();
    let path = form.project.join("out/tnxh-2024-Q3-tong-hop.xlsx");
    let range = workbook(&path).worksheet_range("Tổng hợp").unwrap();
    let header = find_row(&range, 0, "STT");
    let total = find_row(&range, 0, "Tổng cộng");
    let accepted = form.accepted();
    let values = form.values();
    assert_eq!(values.len(), 15, "4 rows × 3, kinh_phi × 2, lanh_manh × 1");
    for (i, unit) in form.expected["units"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let row = header + 1 + i as u32;
        let code = unit.as_str().unwrap();
        assert_eq!(text(&range, row, 1), code);
        for (j, (id, _, _)) in values.iter().enumerate() {
            let want = accepted.get(code).map_or(&Json::Null, |f| &f["form"][id]);
            assert!(
                same(&range, row, 4 + j as u32, want),
                "{code} {id}: {:?}, {want} expected",
                range.get_value((row, 4 + j as u32))
            );
        }
    }
    let totals = &form.expected["totals"];
    for (j, (id, _, derived)) in values.iter().enumerate() {
        let got = number(&range, total, 4 + j as u32);
        let want = totals[id].as_f64().unwrap();
        assert!(
            got.is_some_and(|g| (g - want).abs() < 1e-6),
            "total of {id} (derived: {derived}): {got:?}, {want} expected"
        );
    }
}

/// The data CSV has every accepted value under its `row.column` id; the
/// indicators CSV the generator's district figures (one over two value
/// columns, one over the ticks of a list whose blanks mean "no").
#[test]
fn the_tables_hold_every_value_and_the_indicators() {
    let form = Form::built();
    let rows = read_csv(&form.project.join("out/tnxh-2024-Q3-du-lieu.csv"));
    let mut want_count = 0;
    for (unit, file) in form.accepted() {
        for (id, value) in file["form"].as_object().unwrap() {
            if value.is_null() {
                continue;
            }
            want_count += 1;
            let got: Vec<&str> = rows
                .iter()
                .filter(|r| r["unit_code"] == unit && r["field"] == *id)
                .map(|r| r["value"].as_str())
                .collect();
            let ok = match value {
                Json::Bool(b) => got == [b.to_string().as_str()],
                Json::Number(n) => {
                    got.len() == 1
                        && got[0]
                            .parse::<f64>()
                            .is_ok_and(|g| close(g, n.as_f64().unwrap()))
                }
                _ => false,
            };
            assert!(ok, "{unit} {id}: {got:?}, {value} expected");
        }
        let records = &file["lists"]["diem_nghi_van"];
        want_count += records.as_array().unwrap().len() * 4;
    }
    assert_eq!(rows.len(), want_count, "no other value in the data CSV");
    let indicators = read_csv(&form.project.join("out/tnxh-2024-Q3-chi-tieu.csv"));
    for (id, want) in form.expected["indicators"]["district"].as_object().unwrap() {
        let row = indicators
            .iter()
            .find(|r| r["unit_code"] == "248" && r["indicator_id"] == *id)
            .unwrap_or_else(|| panic!("{id}"));
        let got: f64 = row["value"].parse().unwrap();
        assert!(
            close(got, want["value"].as_f64().unwrap()),
            "{id}: {got}, {want} expected"
        );
    }
}

/// The template has a column per value column, and `check` reads a filled
/// copy back: every value where it was typed, the derived one checked.
#[test]
fn a_filled_template_is_read_back_column_by_column() {
    let form = Form::new();
    form.project.run(&["template", "--per-unit"]).assert_code(0);
    let template = std::fs::read_dir(form.project.join("out/mau"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("08908"))
        .expect("the template of 08908");
    let range = workbook(&template).worksheet_range("Biểu 01").unwrap();
    let header = find_row(&range, 0, "STT");
    let heads: Vec<String> = (3..7).map(|c| text(&range, header, c)).collect();
    assert_eq!(
        heads,
        ["Kỳ này", "Cùng kỳ năm trước", "So sánh (%)", "Ghi chú"]
    );
    let mut entries = common::zip_entries(&template);
    let sheet = "xl/worksheets/sheet1.xml";
    let mut xml = common::zip_text(&entries, sheet);
    // Số vụ 12 vs 8 → 150; Số buổi 5 vs 4 written 80 (wrong: 125).
    let rows = [
        ("1", ["12", "8", "150"]),
        ("2", ["14", "9", "155,6"]),
        ("3", ["7", "7", "100"]),
        ("4", ["5", "4", "80"]),
    ];
    for (code, cells) in rows {
        let row = find_row(&range, 0, code) + 1;
        for (k, value) in cells.iter().enumerate() {
            let col = ["D", "E", "F"][k];
            set_cell(
                &mut xml,
                &format!("{col}{row}"),
                value,
                !value.contains(','),
            );
        }
    }
    let kinh_phi = find_row(&range, 0, "5") + 1;
    set_cell(&mut xml, &format!("D{kinh_phi}"), "12,5", false);
    set_cell(&mut xml, &format!("E{kinh_phi}"), "10", true);
    let lanh_manh = find_row(&range, 0, "6") + 1;
    set_cell(&mut xml, &format!("D{lanh_manh}"), "Đạt", false);
    for (name, bytes) in entries.iter_mut() {
        if name == sheet {
            *bytes = xml.clone().into_bytes();
        }
    }
    std::fs::create_dir_all(form.project.join("filled")).unwrap();
    common::write_zip(&form.project.join("filled/08908.xlsx"), &entries);
    let run = form.project.run(&["check", "filled", "--format", "json"]);
    let report = run.json();
    let findings = report["submissions"][0]["findings"].as_array().unwrap();
    let codes: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["field"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [("derived-mismatch", "so_buoi.so_sanh")],
        "{findings:#?}"
    );
    let wrong = findings
        .iter()
        .find(|f| f["code"] == "derived-mismatch")
        .unwrap();
    let so_buoi_row = find_row(&range, 0, "4") + 1;
    assert_eq!(wrong["cell"], format!("F{so_buoi_row}"));
    assert_eq!(wrong["value"], "80");
}

/// The feedback file of the commune whose "So sánh (%)" is wrong holds its
/// figures in the template's columns, the wrong cell listed to fix.
#[test]
fn feedback_keeps_each_value_in_its_column() {
    let form = Form::built();
    let (name, file) = form.expected["files"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, f)| f.get("derived_mismatch").is_some())
        .unwrap();
    let unit = file["unit"].as_str().unwrap();
    let feedback = std::fs::read_dir(form.project.join("out/phan-hoi"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains(unit))
        .unwrap_or_else(|| panic!("the feedback of {name}"));
    let mut wb = workbook(&feedback);
    let range = wb.worksheet_range("Biểu 01").unwrap();
    let row = find_row(&range, 0, "2");
    for (k, column) in ["ky_nay", "cung_ky", "so_sanh"].iter().enumerate() {
        let want = &file["form"][format!("so_doi_tuong.{column}")];
        assert!(same(&range, row, 3 + k as u32, want), "{column}: {want}");
    }
    // A yes/no answer goes back in the form's own words, as its drop-down
    // offers them.
    let answer = file["form"]["lanh_manh.ky_nay"].as_bool().unwrap();
    let row6 = find_row(&range, 0, "6");
    assert_eq!(
        text(&range, row6, 3),
        if answer { "Đạt" } else { "Chưa đạt" }
    );
    let to_fix = wb.worksheet_range("Cần sửa").unwrap();
    let cell = format!("F{}", row + 1);
    assert!(
        (0..to_fix.get_size().0 as u32).any(|r| text(&to_fix, r, 2) == cell),
        "{cell} listed to fix"
    );
}

/// `schema infer` on the form's blank template (`tonghop template`) drafts
/// the three value columns with their types, the derived "So sánh (%)"
/// (from the template's input message), the rows that have only some of
/// the columns, and the "Đạt/Chưa đạt" and "x" words. After the edits its
/// "# xem lại:" lines point to — the headers communes write as each value
/// column's `aliases`, the choices' aliases, the list's `empty_markers` —
/// `check` gives every file the hand-written schema's status, and `build`
/// the same total of every value column, which are the generator's.
#[test]
fn a_draft_from_the_blank_template_gives_the_same_totals() {
    let form = Form::new();
    let project = &form.project;
    let draft = common::drafts::infer_blank(project);
    for want in [
        "derived = \"ky_nay / cung_ky_nam_truoc * 100\"   # đoán:",
        "type = \"number\"   # đoán: cột tỷ lệ",
        "value_columns = [\"ky_nay\", \"cung_ky_nam_truoc\"]   # đoán:",
        "value_columns = [\"ky_nay\"]   # đoán:",
        "yes = [\"Đạt\"]\nno = [\"Chưa đạt\"]",
        "yes = [\"x\"]\nblank = \"no\"",
        "# xem lại: tiêu đề khác các xã ghi cho cột này",
        "empty_markers = [...]",
    ] {
        assert!(draft.contains(want), "{want}:\n{draft}");
    }
    let hand = std::fs::read_to_string(project.join("schema.toml")).unwrap();
    let edited = common::drafts::with_review_edits(&draft, &hand);
    assert!(edited.contains("aliases = [\"Cùng kỳ\"]"), "{edited}");
    std::fs::write(project.join("edited.toml"), &edited).unwrap();
    project
        .run(&["schema", "check", "edited.toml"])
        .assert_code(0);
    let statuses = |schema: &str| -> BTreeMap<String, String> {
        let run = project.run(&["check", "--schema", schema, "--format", "json"]);
        run.json()["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["file"].to_string(), s["status"].to_string()))
            .collect()
    };
    assert_eq!(statuses("schema.toml"), statuses("edited.toml"));
    project.run(&["build", "-o", "out1"]).assert_code(1);
    project
        .run(&["build", "--schema", "edited.toml", "-o", "out2"])
        .assert_code(1);
    let book = |out: &str| project.join(&format!("{out}/tnxh-2024-Q3-tong-hop.xlsx"));
    let hand_totals = common::drafts::totals_by_header(&book("out1"));
    let draft_totals = common::drafts::totals_by_header(&book("out2"));
    let totals = &form.expected["totals"];
    let values = form.values();
    assert!(draft_totals.len() >= values.len(), "{draft_totals:?}");
    for (j, (id, _, _)) in values.iter().enumerate() {
        let want = totals[id].as_f64().unwrap();
        let ((hand_head, hand), (draft_head, got)) = (&hand_totals[j], &draft_totals[j]);
        assert_eq!(hand_head, draft_head, "{id}");
        for total in [hand, got] {
            assert!(
                total.is_some_and(|t| close(t, want)),
                "{id} ({draft_head}): {total:?}, {want} expected"
            );
        }
    }
}

/// A filled commune file has no input cells marked: `schema infer` takes
/// the columns a row has from the cells filled in (the row of money has no
/// "So sánh", the "Đạt" row only "Kỳ này"), the yes/no words from the
/// answer written, and the draft reads the file it came from without an
/// error or a warning.
#[test]
fn a_draft_from_a_filled_file_reads_that_file() {
    let form = Form::new();
    let project = &form.project;
    std::fs::create_dir_all(project.join("one")).unwrap();
    std::fs::rename(
        project.join("inbox/TamDao_Q3_2024.xlsx"),
        project.join("one/TamDao_Q3_2024.xlsx"),
    )
    .unwrap();
    let run = project.run(&[
        "schema",
        "infer",
        "one/TamDao_Q3_2024.xlsx",
        "-o",
        "draft.toml",
    ]);
    run.assert_code(0);
    let draft = std::fs::read_to_string(project.join("draft.toml")).unwrap();
    for want in [
        "value_columns = [\"ky_nay\", \"cung_ky_nam_truoc\"]   # đoán: chỉ các cột này có số liệu",
        "yes = [\"Đạt\"]\nno = [\"Chưa đạt\"]\nvalue_columns = [\"ky_nay\"]   # đoán:",
    ] {
        assert!(draft.contains(want), "{want}:\n{draft}");
    }
    let run = project.run(&["check", "one", "--schema", "draft.toml", "--format", "json"]);
    let report = run.json();
    let submission = &report["submissions"][0];
    assert_eq!(submission["status"], "accepted", "{submission:#}");
    let noisy: Vec<&Json> = submission["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .collect();
    assert!(noisy.is_empty(), "{noisy:#?}");
}
