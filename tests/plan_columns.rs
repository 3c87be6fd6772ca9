//! The btxh form (tests/forms/btxh/, `scripts/make_form_btxh.py`): rows of
//! "Kế hoạch năm | Thực hiện kỳ | Lũy kế từ đầu năm | % so với kế hoạch",
//! the percentage derived and checked, rows with only two of the columns, a
//! yes/no in the form's own words, a rule between two columns of a row, and
//! the registry's population (a unit attribute, `dan_so`) in a rule and a
//! rate per 10,000 inhabitants. `check` must give each file the
//! generator's status, codes and mismatch cell; `build` must give, read
//! back from the workbook and the indicators table, every value, the total
//! of every value column and every indicator the generator computed itself;
//! and the draft `schema infer` makes of the blank template must give the
//! same totals.

mod common;

use common::cells::{close, find_row, number, text};
use std::collections::BTreeMap;

use calamine::{Data, Range, Reader};
use common::{Project, copy_dir, day, read_csv, repo, set_mtime, workbook};
use serde_json::Value as Json;

const BOOK: &str = "out/btxh-2025-Q2-tong-hop.xlsx";

struct Form {
    project: Project,
    expected: Json,
}

impl Form {
    fn new() -> Form {
        let src = repo().join("tests/forms/btxh");
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

    /// The ids of every value (`row.column`), in schema order.
    fn values(&self) -> Vec<String> {
        self.expected["value_fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_str().unwrap().to_string())
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

    fn total(&self, id: &str) -> Option<f64> {
        self.expected["totals"][id].as_f64()
    }
}

/// A workbook cell holds the generator's value (yes/no in the form's words).
fn same(range: &Range<Data>, row: u32, col: u32, want: &Json) -> bool {
    match want {
        Json::Null => number(range, row, col).is_none() && text(range, row, col).is_empty(),
        Json::Bool(b) => {
            text(range, row, col)
                == if *b {
                    "Hoàn thành"
                } else {
                    "Chưa hoàn thành"
                }
        }
        Json::Number(n) => number(range, row, col).is_some_and(|f| close(f, n.as_f64().unwrap())),
        other => panic!("unexpected {other}"),
    }
}

fn codes_of(findings: &[Json]) -> Vec<String> {
    let mut codes: Vec<String> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes.dedup();
    codes
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
        assert_eq!(s["unit"]["code"], want["unit"], "{file}");
        assert_eq!(s["status"], want["status"], "{file}: {findings:#?}");
        let want_codes: Vec<String> = want["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        assert_eq!(codes_of(findings), want_codes, "{file}: {findings:#?}");
        let Some(cell) = want.get("derived_mismatch") else {
            continue;
        };
        let wrong: Vec<&Json> = findings
            .iter()
            .filter(|f| f["code"] == "derived-mismatch")
            .collect();
        assert_eq!(wrong.len(), 1, "{file}");
        let at = format!(
            "{}!{}",
            wrong[0]["sheet"].as_str().unwrap(),
            wrong[0]["cell"].as_str().unwrap()
        );
        assert_eq!(at, cell.as_str().unwrap(), "{file}");
        assert_eq!(wrong[0]["field"], want["field"]);
        assert!(
            wrong[0]["message"]
                .as_str()
                .unwrap()
                .contains("Lũy kế từ đầu năm / Kế hoạch năm * 100"),
            "{}",
            wrong[0]["message"]
        );
    }
    assert_eq!(
        report["missing_units"].as_array().map(Vec::len),
        Some(form.expected["missing_units"].as_array().unwrap().len()),
        "{report:#}"
    );
}

/// Tổng hợp: each unit's row holds its values, and the total row the
/// generator's total of every value column — sums, and for "% so với kế
/// hoạch" Σ lũy kế / Σ kế hoạch × 100 (never a sum of percentages).
#[test]
fn the_workbook_holds_every_value_column_and_its_total() {
    let form = Form::new();
    form.project.run(&["build"]).assert_code(1);
    let range = workbook(&form.project.join(BOOK))
        .worksheet_range("Tổng hợp")
        .unwrap();
    let header = find_row(&range, 0, "STT");
    let total = find_row(&range, 0, "Tổng cộng");
    let accepted = form.accepted();
    let values = form.values();
    assert_eq!(values.len(), 21, "4 rows × 4, two rows × 2, one × 1");
    for (i, unit) in form.expected["units"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let row = header + 1 + i as u32;
        let code = unit.as_str().unwrap();
        assert_eq!(text(&range, row, 1), code);
        for (j, id) in values.iter().enumerate() {
            let want = accepted.get(code).map_or(&Json::Null, |f| &f["form"][id]);
            let col = 4 + j as u32;
            assert!(
                same(&range, row, col, want),
                "{code} {id}: {:?}, {want} expected",
                range.get_value((row, col))
            );
        }
    }
    for (j, id) in values.iter().enumerate() {
        let got = number(&range, total, 4 + j as u32);
        let want = form.total(id).unwrap();
        assert!(
            got.is_some_and(|g| close(g, want)),
            "total of {id}: {got:?}, {want} expected"
        );
    }
}

/// The indicators table holds the generator's district figures: one over
/// two value columns, a count of yes answers and, when the schema names the
/// population, the rate per 10,000 inhabitants of the reporting units.
#[test]
fn the_indicators_are_the_generators() {
    let form = Form::new();
    form.project.run(&["build"]).assert_code(1);
    let rows = read_csv(&form.project.join("out/btxh-2025-Q2-chi-tieu.csv"));
    let district = form.expected["indicators"]["district"].as_object().unwrap();
    assert!(
        district.contains_key("tiep_nhan_tren_10000_dan"),
        "the rate per 10,000 inhabitants: {district:?}"
    );
    for (id, want) in district {
        let row = rows
            .iter()
            .find(|r| r["unit_code"] == "234" && r["indicator_id"] == *id)
            .unwrap_or_else(|| panic!("{id}: {rows:?}"));
        let got: f64 = row["value"].parse().unwrap();
        assert!(
            close(got, want["value"].as_f64().unwrap()),
            "{id}: {got}, {want} expected"
        );
    }
}

/// `schema infer` on the blank template drafts the four value columns with
/// the derived percentage (from the template's input message), the rows
/// that have only some columns and the yes/no row's own words. After the
/// edits the draft points to — the value columns' `aliases` ("# xem lại"
/// under each; the communes' "Kế hoạch", "Thực hiện quý II"…) and the rules
/// its heading asks to add (the hand-written schema's, ids renamed to the
/// draft's by label, with the unit attributes they read) — every file gets
/// the same status and `build` the same total of every value column as
/// with the hand-written schema, which are the generator's. Without the
/// rules, the file the rule refuses would be counted.
#[test]
fn a_draft_from_the_blank_template_gives_the_same_totals() {
    let form = Form::new();
    let project = &form.project;
    let draft = common::drafts::infer_blank(project);
    for want in [
        "derived = \"luy_ke_tu_dau / ke_hoach_nam * 100\"   # đoán:",
        "value_columns = [\"thuc_hien_ky\", \"luy_ke_tu_dau\"]   # đoán:",
        "value_columns = [\"thuc_hien_ky\"]   # đoán:",
        "yes = [\"Hoàn thành\"]\nno = [\"Chưa hoàn thành\"]",
        "thêm rules/indicators",
    ] {
        assert!(draft.contains(want), "{want}:\n{draft}");
    }
    let hand = std::fs::read_to_string(project.join("schema.toml")).unwrap();
    let aliases_only = common::drafts::with_review_edits(&draft, &hand);
    let edited = common::drafts::with_hand_rules(&aliases_only, &hand);
    for want in [
        "check = \"kinh_phi_chi_tra.luy_ke_tu_dau >= kinh_phi_chi_tra.thuc_hien_ky\"",
        "check = \"so_the_bao_hiem.luy_ke_tu_dau <= dan_so\"",
        "numerator = \"sum(so_nguoi_tiep_nhan.luy_ke_tu_dau)\"",
    ] {
        assert!(edited.contains(want), "{want}:\n{edited}");
    }
    std::fs::write(project.join("aliases.toml"), &aliases_only).unwrap();
    std::fs::write(project.join("edited.toml"), &edited).unwrap();
    let statuses = |schema: &str| -> BTreeMap<String, String> {
        let run = project.run(&["check", "--schema", schema, "--format", "json"]);
        run.json()["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["file"].to_string(), s["status"].to_string()))
            .collect()
    };
    let hand_statuses = statuses("schema.toml");
    assert_eq!(hand_statuses, statuses("edited.toml"));
    assert_ne!(hand_statuses, statuses("aliases.toml"), "the rules matter");
    project.run(&["build", "-o", "out1"]).assert_code(1);
    project
        .run(&["build", "--schema", "edited.toml", "-o", "out2"])
        .assert_code(1);
    let book = |out: &str| project.join(&format!("{out}/btxh-2025-Q2-tong-hop.xlsx"));
    let indicators = |out: &str| -> BTreeMap<String, String> {
        read_csv(&project.join(&format!("{out}/btxh-2025-Q2-chi-tieu.csv")))
            .into_iter()
            .map(|r| {
                (
                    format!("{} {}", r["unit_code"], r["indicator_id"]),
                    r["value"].clone(),
                )
            })
            .collect()
    };
    let hand_indicators = indicators("out1");
    assert!(
        hand_indicators.contains_key("234 tiep_nhan_tren_10000_dan"),
        "{hand_indicators:?}"
    );
    assert_eq!(hand_indicators, indicators("out2"));
    let hand_totals = common::drafts::totals_by_header(&book("out1"));
    let draft_totals = common::drafts::totals_by_header(&book("out2"));
    let values = form.values();
    assert!(draft_totals.len() >= values.len(), "{draft_totals:?}");
    for (j, id) in values.iter().enumerate() {
        let want = form.total(id).unwrap();
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
