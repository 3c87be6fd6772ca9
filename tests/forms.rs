//! Three report forms of shapes unlike `pcmd` (tests/forms/: a quarterly
//! form with a list of people, a monthly form of decimals and dates, a form
//! that is one list only), with commune files made by openpyxl and xlwt
//! (`scripts/make_forms.py`). `check` must give each file the status and
//! finding codes the generator planted, and `build` must reproduce, read back
//! from the written files, every value and total the generator computed
//! itself (`expected.json`).

mod common;

use common::cells::close;
use std::collections::BTreeMap;

use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use common::{
    Project, column_letters, copy_dir, day, read_csv, repo, set_cell, set_mtime, workbook,
};
use serde_json::Value as Json;

/// One form's folder copied into a temp dir, with its expectations and schema.
struct Form {
    name: &'static str,
    project: Project,
    expected: Json,
    schema: toml::Table,
}

impl Form {
    fn new(name: &'static str) -> Form {
        let src = repo().join("tests/forms").join(name);
        let project = Project::empty();
        copy_dir(&src, project.path());
        let _ = std::fs::remove_dir_all(project.join("out"));
        // Git keeps no modification times: give every file the same one, so
        // that of a unit's two files the greater name (…_lan2) is the newer.
        for entry in std::fs::read_dir(project.join("inbox")).unwrap() {
            set_mtime(&entry.unwrap().path(), day(10));
        }
        let expected: Json = serde_json::from_str(
            &std::fs::read_to_string(src.join("expected.json")).expect("expected.json"),
        )
        .expect("expected.json parses");
        let schema: toml::Table =
            toml::from_str(&std::fs::read_to_string(src.join("schema.toml")).unwrap()).unwrap();
        Form {
            name,
            project,
            expected,
            schema,
        }
    }

    /// The exit code `check` and `build` should end with.
    fn exit_code(&self) -> i32 {
        if self.expected["rejected_units"]
            .as_array()
            .unwrap()
            .is_empty()
        {
            0
        } else {
            1
        }
    }

    fn build(&self) {
        let run = self.project.run(&["build"]);
        run.assert_code(self.exit_code());
    }

    /// The form's project, built.
    fn built(name: &'static str) -> Form {
        let form = Form::new(name);
        form.build();
        form
    }

    fn output(&self, suffix: &str) -> std::path::PathBuf {
        self.project.join(&format!(
            "out/{}-{}-{suffix}",
            self.name,
            self.expected["period"].as_str().unwrap()
        ))
    }

    /// The accepted files' expectations, by unit code.
    fn accepted(&self) -> BTreeMap<String, &Json> {
        self.expected["files"]
            .as_object()
            .unwrap()
            .values()
            .filter(|f| f["status"] == "accepted")
            .map(|f| (f["unit"].as_str().unwrap().to_string(), f))
            .collect()
    }

    fn sheets(&self) -> Vec<&toml::Table> {
        self.schema["sheets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_table().unwrap())
            .collect()
    }

    /// (id, type, label) of every field of the form sheets, in schema order.
    fn form_fields(&self) -> Vec<(String, String, String)> {
        self.sheets()
            .into_iter()
            .filter(|s| s["kind"].as_str() == Some("form"))
            .flat_map(fields_of)
            .collect()
    }

    fn list_sheets(&self) -> Vec<&toml::Table> {
        self.sheets()
            .into_iter()
            .filter(|s| s["kind"].as_str() == Some("list"))
            .collect()
    }

    /// (id, label, has a denominator, display) of every indicator.
    fn indicators(&self) -> Vec<(String, String, bool, String)> {
        self.schema
            .get("indicators")
            .and_then(|i| i.as_array())
            .into_iter()
            .flatten()
            .map(|i| {
                let i = i.as_table().unwrap();
                (
                    i["id"].as_str().unwrap().to_string(),
                    i["label"].as_str().unwrap().to_string(),
                    i.contains_key("denominator"),
                    i.get("display")
                        .and_then(|d| d.as_str())
                        .unwrap_or("number")
                        .to_string(),
                )
            })
            .collect()
    }
}

fn fields_of(sheet: &toml::Table) -> Vec<(String, String, String)> {
    sheet["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let f = f.as_table().unwrap();
            (
                f["id"].as_str().unwrap().to_string(),
                f["type"].as_str().unwrap().to_string(),
                f["label"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A figure as written out (CSV text) equals the expected JSON value:
/// numbers within rounding, yes/no as true/false, dates ISO, text exact.
fn same_text(found: &str, expected: &Json) -> bool {
    match expected {
        Json::Null => found.is_empty(),
        Json::Number(n) => found
            .parse::<f64>()
            .is_ok_and(|f| close(f, n.as_f64().unwrap())),
        Json::Bool(b) => found == b.to_string(),
        Json::String(s) => found == s,
        other => panic!("unexpected expected value {other}"),
    }
}

/// A "a/b" ratio equals the expected numerator and denominator.
fn same_ratio(found: &str, num: &Json, den: &Json) -> bool {
    found
        .split_once('/')
        .is_some_and(|(a, b)| same_text(a, num) && same_text(b, den))
}

fn cell_text(range: &Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn cell_number(range: &Range<Data>, row: u32, col: u32) -> Option<f64> {
    match range.get_value((row, col)) {
        Some(Data::Float(f)) => Some(*f),
        Some(Data::Int(i)) => Some(*i as f64),
        _ => None,
    }
}

/// The first row whose cell in `col` reads `text`.
fn find_row(range: &Range<Data>, col: u32, text: &str) -> u32 {
    let (h, _) = range.get_size();
    let start = range.start().unwrap_or((0, 0)).0;
    (start..start + h as u32)
        .find(|&r| cell_text(range, r, col) == text)
        .unwrap_or_else(|| panic!("no row reading {text:?} in column {col}"))
}

/// An Excel serial date (1900 system) as yyyy-mm-dd.
fn serial_date(serial: f64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (base + chrono::Days::new(serial.floor() as u64))
        .format("%Y-%m-%d")
        .to_string()
}

/// A workbook cell holds the expected value of a field of type `ty`.
fn same_cell(range: &Range<Data>, row: u32, col: u32, ty: &str, expected: &Json) -> bool {
    let cell = range.get_value((row, col));
    match (ty, expected) {
        (_, Json::Null) => matches!(cell, None | Some(Data::Empty)),
        ("integer" | "number", Json::Number(n)) => {
            cell_number(range, row, col).is_some_and(|f| close(f, n.as_f64().unwrap()))
        }
        ("yes_no", Json::Bool(b)) => {
            cell_text(range, row, col) == if *b { "Có" } else { "Không" }
        }
        ("date", Json::String(s)) => {
            cell.and_then(|c| match c {
                Data::DateTime(d) => Some(serial_date(d.as_f64())),
                _ => None,
            })
            .or_else(|| {
                // Or a dd/mm/yyyy text.
                let t = cell_text(range, row, col);
                let p: Vec<&str> = t.split('/').collect();
                (p.len() == 3).then(|| format!("{}-{}-{}", p[2], p[1], p[0]))
            })
            .as_deref()
                == Some(s.as_str())
        }
        (_, Json::String(s)) => &cell_text(range, row, col) == s,
        _ => false,
    }
}

// ---------------------------------------------------------------- check

/// One `#[test]` per form, each running `$check` on that form.
macro_rules! per_form {
    ($check:ident: $($test:ident => $form:literal,)+) => {
        $(
            #[test]
            fn $test() {
                $check($form);
            }
        )+
    };
}

fn check_statuses_and_findings(name: &'static str) {
    let form = Form::new(name);
    let run = form.project.run(&["check", "--format", "json"]);
    run.assert_code(form.exit_code());
    let report = run.json();
    assert_eq!(report["schema"]["id"], name);
    assert_eq!(report["period"], form.expected["period"]);
    let submissions: BTreeMap<String, &Json> = report["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["file"].as_str().unwrap().to_string(), s))
        .collect();
    let files = form.expected["files"].as_object().unwrap();
    assert_eq!(submissions.len(), files.len(), "one submission per file");
    for (file, want) in files {
        let s = submissions
            .get(&format!("inbox/{file}"))
            .unwrap_or_else(|| panic!("{file} in the report"));
        let findings: Vec<String> = s["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} {}",
                    f["code"], f["cell"], f["value"], f["message"]
                )
            })
            .collect();
        assert_eq!(
            s["unit"]["code"], want["unit"],
            "{file}: unit\n{findings:#?}"
        );
        assert_eq!(s["status"], want["status"], "{file}: status\n{findings:#?}");
        let mut codes: Vec<&str> = s["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        codes.sort();
        codes.dedup();
        let want_codes: Vec<&str> = want["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(codes, want_codes, "{file}: finding codes\n{findings:#?}");
    }
    let missing: Vec<&Json> = report["missing_units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| &u["code"])
        .collect();
    let want_missing: Vec<&Json> = form.expected["missing_units"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(missing, want_missing, "missing units");
}

per_form! {
    check_statuses_and_findings:
    qlsc_check_statuses_and_findings => "qlsc",
    sxnn_check_statuses_and_findings => "sxnn",
    attp_check_statuses_and_findings => "attp",
}

// ---------------------------------------------------------------- data CSV

/// Every accepted value is in the data CSV with its unit, sheet and field,
/// list values in the order of their rows, and nothing else is.
fn data_csv_holds_every_accepted_value(name: &'static str) {
    let form = Form::built(name);
    let rows = read_csv(&form.output("du-lieu.csv"));
    // (unit, sheet, field) -> [(row, value)]
    let mut found: BTreeMap<(String, String, String), Vec<(i64, String)>> = BTreeMap::new();
    for r in &rows {
        assert_eq!(r["period"], form.expected["period"].as_str().unwrap());
        found
            .entry((
                r["unit_code"].clone(),
                r["sheet_id"].clone(),
                r["field"].clone(),
            ))
            .or_default()
            .push((r["row"].parse().unwrap(), r["value"].clone()));
    }
    let mut want_count = 0;
    let form_sheet_of: BTreeMap<String, String> = form
        .sheets()
        .into_iter()
        .filter(|s| s["kind"].as_str() == Some("form"))
        .flat_map(|s| {
            let sid = s["id"].as_str().unwrap().to_string();
            fields_of(s)
                .into_iter()
                .map(move |(id, _, _)| (id, sid.clone()))
        })
        .collect();
    for (unit, file) in form.accepted() {
        for (field, value) in file["form"].as_object().unwrap() {
            if value.is_null() {
                continue;
            }
            want_count += 1;
            let key = (unit.clone(), form_sheet_of[field].clone(), field.clone());
            let got = found
                .get(&key)
                .unwrap_or_else(|| panic!("{key:?} in the data CSV"));
            assert_eq!(got.len(), 1, "{key:?}: one value");
            assert!(
                same_text(&got[0].1, value),
                "{key:?}: {} written, {value} expected",
                got[0].1
            );
        }
        for (list, records) in file["lists"].as_object().unwrap() {
            let records = records.as_array().unwrap();
            let sheet = form
                .list_sheets()
                .into_iter()
                .find(|s| s["id"].as_str() == Some(list))
                .unwrap();
            for (field, _, _) in fields_of(sheet) {
                let want: Vec<&Json> = records
                    .iter()
                    .map(|r| &r[&field])
                    .filter(|v| !v.is_null())
                    .collect();
                want_count += want.len();
                let key = (unit.clone(), list.clone(), field.clone());
                let mut got = found.get(&key).cloned().unwrap_or_default();
                got.sort();
                assert_eq!(got.len(), want.len(), "{key:?}: {got:?} vs {want:?}");
                for ((_, g), w) in got.iter().zip(&want) {
                    assert!(same_text(g, w), "{key:?}: {g} written, {w} expected");
                }
            }
        }
    }
    assert_eq!(rows.len(), want_count, "no other value in the data CSV");
}

per_form! {
    data_csv_holds_every_accepted_value:
    qlsc_data_csv_holds_every_accepted_value => "qlsc",
    sxnn_data_csv_holds_every_accepted_value => "sxnn",
    attp_data_csv_holds_every_accepted_value => "attp",
}

// ---------------------------------------------------------------- indicators CSV

/// The indicators CSV gives, for the district and each accepted unit, the
/// numerator, denominator and value computed by the generator; `display`
/// is checked for ratios and for plain numbers here (a rate shown as a
/// number has its own test).
fn indicators_csv_match(name: &'static str) {
    let form = Form::built(name);
    let rows = read_csv(&form.output("chi-tieu.csv"));
    let district = form.project_consolidating_code();
    let by_key: BTreeMap<(String, String), &BTreeMap<String, String>> = rows
        .iter()
        .map(|r| ((r["unit_code"].clone(), r["indicator_id"].clone()), r))
        .collect();
    let want = form.expected["indicators"].as_object().unwrap();
    let indicators = form.indicators();
    assert_eq!(
        rows.len(),
        indicators.len() * want.len(),
        "one row per indicator for the district and each accepted unit"
    );
    assert_eq!(rows[0]["unit_code"], district, "the district first");
    for (who, values) in want {
        let unit = if who == "district" {
            district.clone()
        } else {
            who.clone()
        };
        for (id, _, has_den, display) in &indicators {
            let key = (unit.clone(), id.clone());
            let row = by_key
                .get(&key)
                .unwrap_or_else(|| panic!("{key:?} in the CSV"));
            let w = &values[id];
            for col in ["numerator", "denominator", "value"] {
                assert!(
                    same_text(&row[col], &w[col]),
                    "{key:?} {col}: {} written, {} expected",
                    row[col],
                    w[col]
                );
            }
            if display == "ratio" {
                assert!(
                    same_ratio(&row["display"], &w["numerator"], &w["denominator"]),
                    "{key:?} display: {}",
                    row["display"]
                );
            } else if !has_den {
                assert!(
                    same_text(&row["display"], &w["value"]),
                    "{key:?} display: {}",
                    row["display"]
                );
            }
        }
    }
}

impl Form {
    fn project_consolidating_code(&self) -> String {
        let text = std::fs::read_to_string(self.project.join("tonghop.toml")).unwrap();
        let config: toml::Table = toml::from_str(&text).unwrap();
        config["consolidating_unit"]["code"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

per_form! {
    indicators_csv_match:
    qlsc_indicators_csv => "qlsc",
    sxnn_indicators_csv => "sxnn",
    attp_indicators_csv => "attp",
}

/// An indicator with a denominator shown as a number (`display = "number"`,
/// the default) shows its value, numerator / denominator × factor, not the
/// numerator: sxnn's average yield (tạ/ha) and pest rate, attp's average
/// floor area.
fn rate_shown_as_number(name: &'static str) {
    let form = Form::built(name);
    let rows = read_csv(&form.output("chi-tieu.csv"));
    let district = form.project_consolidating_code();
    let want = &form.expected["indicators"]["district"];
    let mut checked = 0;
    for (id, label, has_den, display) in form.indicators() {
        if !has_den || display != "number" {
            continue;
        }
        let row = rows
            .iter()
            .find(|r| r["unit_code"] == district && r["indicator_id"] == id)
            .unwrap();
        // The display is the value rounded to the indicator's decimals (one
        // by default for a rate), never the numerator.
        let display: f64 = row["display"].parse().unwrap_or(f64::NAN);
        assert!(
            (display - want[&id]["value"].as_f64().unwrap()).abs() <= 0.05 + 1e-9,
            "{id}: display {} but the value is {}",
            row["display"],
            want[&id]["value"]
        );
        let mut wb = workbook(&form.output("tong-hop.xlsx"));
        let sheet = wb.worksheet_range("Chỉ tiêu").unwrap();
        let r = find_row(&sheet, 1, &label);
        let shown: f64 = cell_text(&sheet, r, 5)
            .replace(',', ".")
            .parse()
            .unwrap_or(f64::NAN);
        assert!(
            (shown - want[&id]["value"].as_f64().unwrap()).abs() < 0.05,
            "{id}: Chỉ tiêu shows {shown}"
        );
        checked += 1;
    }
    assert!(checked > 0);
}

per_form! {
    rate_shown_as_number:
    sxnn_rate_shown_as_number => "sxnn",
    attp_rate_shown_as_number => "attp",
}

// ---------------------------------------------------------------- workbook

/// Tổng hợp: one row per registry unit holding its accepted values, and a
/// total row whose stored results are the generator's totals.
fn summary_sheet_matches(name: &'static str) {
    let form = Form::built(name);
    let mut wb = workbook(&form.output("tong-hop.xlsx"));
    let range = wb.worksheet_range("Tổng hợp").expect("Tổng hợp");
    let header = find_row(&range, 0, "STT");
    let total = find_row(&range, 0, "Tổng cộng");
    let units = form.expected["units"].as_array().unwrap();
    assert_eq!(
        (total - header - 1) as usize,
        units.len(),
        "one row per unit"
    );
    let accepted = form.accepted();
    let fields = form.form_fields();
    for (i, unit) in units.iter().enumerate() {
        let row = header + 1 + i as u32;
        let code = unit.as_str().unwrap();
        assert_eq!(cell_text(&range, row, 1), code);
        for (j, (id, ty, _)) in fields.iter().enumerate() {
            let col = 4 + j as u32;
            let want = accepted.get(code).map_or(&Json::Null, |f| &f["form"][id]);
            assert!(
                same_cell(&range, row, col, ty, want),
                "{code} {id}: {:?} in the workbook, {want} expected",
                range.get_value((row, col))
            );
        }
    }
    let totals = form.expected["totals"].as_object().unwrap();
    for (j, (id, ty, _)) in fields.iter().enumerate() {
        let col = 4 + j as u32;
        match totals.get(id) {
            Some(want) => assert!(
                cell_number(&range, total, col)
                    .is_some_and(|f| (f - want.as_f64().unwrap()).abs() < 1e-6),
                "total of {id} ({ty}): {:?}, {want} expected",
                range.get_value((total, col))
            ),
            None => assert!(
                cell_number(&range, total, col).is_none(),
                "{id} has no total"
            ),
        }
    }
}

per_form! {
    summary_sheet_matches:
    qlsc_summary_sheet => "qlsc",
    sxnn_summary_sheet => "sxnn",
    attp_summary_sheet => "attp",
}

/// Chỉ tiêu (district) and Chỉ tiêu theo xã (each unit) show the
/// generator's figures.
fn indicator_sheets_match(name: &'static str) {
    let form = Form::built(name);
    let mut wb = workbook(&form.output("tong-hop.xlsx"));
    let sheet = wb.worksheet_range("Chỉ tiêu").expect("Chỉ tiêu");
    let want = &form.expected["indicators"];
    let indicators = form.indicators();
    for (id, label, has_den, display) in &indicators {
        let w = &want["district"][id];
        let r = find_row(&sheet, 1, label);
        for (col, key) in [(3, "numerator"), (4, "denominator")] {
            let got = cell_number(&sheet, r, col);
            match w[key].as_f64() {
                Some(x) => assert!(
                    got.is_some_and(|g| close(g, x)),
                    "{id} {key}: {got:?} vs {x}"
                ),
                None => assert!(got.is_none(), "{id} {key}: {got:?}, none expected"),
            }
        }
        if display == "ratio" {
            assert!(same_ratio(
                &cell_text(&sheet, r, 5),
                &w["numerator"],
                &w["denominator"]
            ));
            let rate = cell_number(&sheet, r, 6);
            assert!(
                rate.is_some_and(|g| close(g, w["value"].as_f64().unwrap())),
                "{id} rate {rate:?}"
            );
        } else if !has_den {
            let shown = cell_text(&sheet, r, 5);
            assert!(
                same_text(&shown, &w["value"]),
                "{id}: Kết quả {shown}, {} expected",
                w["value"]
            );
        }
    }
    let by_unit = wb
        .worksheet_range("Chỉ tiêu theo xã")
        .expect("Chỉ tiêu theo xã");
    let header = find_row(&by_unit, 0, "STT");
    for (i, unit) in form.expected["units"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let row = header + 1 + i as u32;
        let code = unit.as_str().unwrap();
        assert_eq!(cell_text(&by_unit, row, 1), code);
        for (j, (id, _, _, display)) in indicators.iter().enumerate() {
            let col = 4 + j as u32;
            let Some(w) = want.get(code).map(|u| &u[id]) else {
                assert!(
                    matches!(by_unit.get_value((row, col)), None | Some(Data::Empty)),
                    "{code} {id}: nothing for a unit without an accepted report"
                );
                continue;
            };
            if display == "ratio" {
                let shown = cell_text(&by_unit, row, col);
                assert!(
                    (w["value"].is_null() && shown.is_empty())
                        || same_ratio(&shown, &w["numerator"], &w["denominator"]),
                    "{code} {id}: {shown}"
                );
            } else {
                let got = cell_number(&by_unit, row, col);
                match w["value"].as_f64() {
                    Some(x) => assert!(
                        got.is_some_and(|g| close(g, x)),
                        "{code} {id}: {got:?} vs {x}"
                    ),
                    None => assert!(got.is_none(), "{code} {id}: {got:?}"),
                }
            }
        }
    }
}

per_form! {
    indicator_sheets_match:
    qlsc_indicator_sheets => "qlsc",
    sxnn_indicator_sheets => "sxnn",
    attp_indicator_sheets => "attp",
}

/// Each list sheet of the workbook holds every accepted record, unit by
/// unit in registry order, in the order of the commune's rows.
fn list_sheets_match(name: &'static str) {
    let form = Form::built(name);
    let mut wb = workbook(&form.output("tong-hop.xlsx"));
    let accepted = form.accepted();
    for sheet in form.list_sheets() {
        let id = sheet["id"].as_str().unwrap();
        let title = sheet
            .get("consolidated_name")
            .or(sheet.get("name"))
            .and_then(|n| n.as_str())
            .unwrap();
        let range = wb
            .worksheet_range(title)
            .unwrap_or_else(|e| panic!("{title}: {e}"));
        let header = find_row(&range, 0, "STT");
        let mut want: Vec<(String, &Json)> = Vec::new();
        for unit in form.expected["units"].as_array().unwrap() {
            let code = unit.as_str().unwrap();
            if let Some(f) = accepted.get(code) {
                for r in f["lists"][id].as_array().unwrap() {
                    want.push((code.to_string(), r));
                }
            }
        }
        assert_eq!(
            form.expected["list_rows"][id].as_u64().unwrap_or(0) as usize,
            want.len()
        );
        // The records are the numbered rows below the header (the
        // signature block follows them).
        let records = (header + 1..)
            .take_while(|&r| cell_text(&range, r, 0).parse::<f64>().is_ok())
            .count();
        assert_eq!(records, want.len(), "{title}: one row per record");
        let gap = header + 1 + records as u32;
        let width = range.get_size().1 as u32;
        assert!(
            (0..width).all(|c| cell_text(&range, gap, c).is_empty()),
            "{title}: nothing but the signature block below the records"
        );
        let fields = fields_of(sheet);
        for (i, (code, rec)) in want.iter().enumerate() {
            let row = header + 1 + i as u32;
            assert_eq!(&cell_text(&range, row, 1), code, "{title} row {row}");
            for (j, (fid, ty, _)) in fields.iter().enumerate() {
                let col = 3 + j as u32;
                assert!(
                    same_cell(&range, row, col, ty, &rec[fid]),
                    "{title} row {row} {fid}: {:?}, {} expected",
                    range.get_value((row, col)),
                    rec[fid]
                );
            }
        }
    }
}

per_form! {
    list_sheets_match:
    qlsc_list_sheet => "qlsc",
    attp_list_sheet => "attp",
}

// ---------------------------------------------------------------- generated schemas

/// A small deterministic generator (SplitMix64): the same cases every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// `k` distinct items, in random order.
    fn sample<T: Clone>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut pool = items.to_vec();
        let mut out = Vec::new();
        for _ in 0..k.min(pool.len()) {
            let i = self.below(pool.len() as u64) as usize;
            out.push(pool.remove(i));
        }
        out
    }
}

const FORM_POOL: [(&str, &str); 12] = [
    ("Số hộ nghèo trên địa bàn", "integer"),
    ("Số trẻ em dưới 5 tuổi được tiêm chủng đầy đủ", "integer"),
    ("Diện tích rừng trồng mới", "number"),
    ("Sản lượng chè búp tươi", "number"),
    ("Có nhà văn hóa đạt chuẩn", "yes_no"),
    ("Đã tổ chức hội nghị tổng kết", "yes_no"),
    ("Ngày tổ chức đại hội chi hội", "date"),
    ("Ngày hoàn thành kiểm tra", "date"),
    ("Họ tên người phụ trách", "text"),
    ("Tên mô hình điểm", "text"),
    ("Mức độ hoàn thành kế hoạch", "choice"),
    ("Số lượt khám chữa bệnh", "integer"),
];

const LIST_POOL: [(&str, &str); 8] = [
    ("Tên hộ gia đình", "text"),
    ("Số nhân khẩu", "integer"),
    ("Thu nhập bình quân", "number"),
    ("Thuộc hộ cận nghèo", "yes_no"),
    ("Ngày khảo sát", "date"),
    ("Xếp loại", "choice"),
    ("Thôn, bản", "text"),
    ("Diện tích đất sản xuất", "number"),
];

const CHOICES: [&str; 3] = ["Tốt", "Khá", "Trung bình"];
const WORDS: [&str; 8] = [
    "Hoàng Văn Minh",
    "Lò Thị Hoa",
    "Bản Mường Lò",
    "Mô hình nuôi cá lồng",
    "Thôn Nà Phặc",
    "Nguyễn Thị Thu Hà",
    "Tổ 7",
    "Giàng A Pao",
];

/// A generated value: what to type into the template cell, and what the
/// data CSV must say.
fn generated_value(
    rng: &mut Rng,
    ty: &str,
    start: chrono::NaiveDate,
    days: u64,
) -> (String, String) {
    match ty {
        "integer" => {
            let n = rng.below(5000);
            (n.to_string(), n.to_string())
        }
        "number" => {
            let x = rng.below(100_000) as f64 / 10.0;
            (x.to_string(), x.to_string())
        }
        "yes_no" => {
            let b = rng.below(2) == 1;
            ((if b { "Có" } else { "Không" }).to_string(), b.to_string())
        }
        "date" => {
            let d = start + chrono::Days::new(rng.below(days));
            (
                d.format("%d/%m/%Y").to_string(),
                d.format("%Y-%m-%d").to_string(),
            )
        }
        "choice" => {
            let c = rng.pick(&CHOICES).to_string();
            (c.clone(), c)
        }
        _ => {
            let t = rng.pick(&WORDS).to_string();
            (t.clone(), t)
        }
    }
}

fn toml_field(id: &str, label: &str, ty: &str) -> String {
    let mut s = format!("[[sheets.fields]]\nid = \"{id}\"\nlabel = \"{label}\"\ntype = \"{ty}\"\n");
    if ty == "choice" {
        s.push_str("choices = [");
        for c in CHOICES {
            s.push_str(&format!("{{ value = \"{c}\" }}, "));
        }
        s.push_str("]\n");
    }
    s
}

/// Any small valid schema, filled with random values through `tonghop
/// template`, checks clean and builds to the same values in the data CSV.
#[test]
fn generated_schemas_round_trip_through_their_templates() {
    let mut rng = Rng(0x7031_2024);
    let periods = [
        ("year", "2024", (2024, 1, 1), 366),
        ("quarter", "2024-Q3", (2024, 7, 1), 92),
        ("month", "2024-11", (2024, 11, 1), 30),
        ("half", "2024-H1", (2024, 1, 1), 182),
    ];
    for case in 0..16 {
        let (kind, period, (y, m, d), days) = *rng.pick(&periods);
        let start = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let k = 1 + rng.below(6) as usize;
        let form_fields = rng.sample(&FORM_POOL, k);
        let with_list = rng.below(2) == 1;
        let k = 2 + rng.below(4) as usize;
        let list_fields = rng.sample(&LIST_POOL, k);
        let mut schema = format!(
            "id = \"sinh_{case}\"\ntitle = \"Biểu sinh thử số {case}\"\nversion = \"1.0.{case}\"\nperiod = \"{kind}\"\n\n[[sheets]]\nid = \"bieu_01\"\nkind = \"form\"\nname = \"Biểu 01\"\n"
        );
        for (i, (label, ty)) in form_fields.iter().enumerate() {
            schema.push_str(&toml_field(&format!("f{i}"), label, ty));
        }
        if with_list {
            schema.push_str(
                "\n[[sheets]]\nid = \"danh_sach\"\nkind = \"list\"\nname = \"Biểu 02\"\n",
            );
            for (i, (label, ty)) in list_fields.iter().enumerate() {
                schema.push_str(&toml_field(&format!("l{i}"), label, ty));
            }
        }
        // Indicators: the units reporting, and the total of each numeric
        // form field. (A schema without indicators is issue-12 item 5.)
        schema.push_str(
            "\n[[indicators]]\nid = \"so_don_vi\"\nlabel = \"Số đơn vị báo cáo\"\nnumerator = \"count(*)\"\n",
        );
        let numeric: Vec<String> = form_fields
            .iter()
            .enumerate()
            .filter(|(_, (_, ty))| matches!(*ty, "integer" | "number"))
            .map(|(i, _)| format!("f{i}"))
            .collect();
        for id in &numeric {
            schema.push_str(&format!(
                "\n[[indicators]]\nid = \"tong_{id}\"\nlabel = \"Tổng {id}\"\nnumerator = \"sum({id})\"\n"
            ));
        }
        let project = Project::own(
            &schema,
            "code,name\n01001,Xã Nà Phặc\n01002,Phường Sông Cầu\n",
            &format!(
                "schema = \"schema.toml\"\nunits = \"units.csv\"\nperiod = \"{period}\"\ninbox = \"inbox\"\noutput = \"out\"\n[consolidating_unit]\ncode = \"001\"\nname = \"Huyện Thử\"\n"
            ),
        );
        project
            .run(&["template", "--per-unit", "-o", "mau"])
            .assert_code(0);
        std::fs::create_dir(project.join("filled")).unwrap();
        // (unit, sheet, field) -> the values in row order.
        let mut want: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
        let mut templates: Vec<_> = std::fs::read_dir(project.join("mau"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        templates.sort();
        assert_eq!(templates.len(), 2, "case {case}: one template per unit");
        for template in &templates {
            let name = template.file_name().unwrap().to_string_lossy().into_owned();
            let unit = if name.contains("01001") {
                "01001"
            } else {
                "01002"
            };
            let mut wb: Xlsx<_> = open_workbook(template).unwrap();
            let form_range = wb.worksheet_range("Biểu 01").unwrap();
            let mut entries = common::zip_entries(template);
            let sheet_xml = |entries: &[(String, Vec<u8>)], n: usize| {
                common::zip_text(entries, &format!("xl/worksheets/sheet{n}.xml"))
            };
            let mut xml1 = sheet_xml(&entries, 1);
            for (i, (label, ty)) in form_fields.iter().enumerate() {
                let row = find_row(&form_range, 1, label);
                let (typed, stored) = generated_value(&mut rng, ty, start, days);
                let numeric = matches!(*ty, "integer" | "number");
                set_cell(&mut xml1, &format!("D{}", row + 1), &typed, numeric);
                want.entry((unit.into(), "bieu_01".into(), format!("f{i}")))
                    .or_default()
                    .push(stored);
            }
            let mut xml2 = None;
            if with_list {
                let list_range = wb.worksheet_range("Biểu 02").unwrap();
                let header = find_row(&list_range, 0, "STT");
                let mut xml = sheet_xml(&entries, 2);
                for r in 0..rng.below(6) as u32 {
                    let row = header + 2 + r;
                    set_cell(&mut xml, &format!("A{row}"), &(r + 1).to_string(), true);
                    for (i, (_, ty)) in list_fields.iter().enumerate() {
                        let (typed, stored) = generated_value(&mut rng, ty, start, days);
                        let numeric = matches!(*ty, "integer" | "number");
                        set_cell(
                            &mut xml,
                            &format!("{}{row}", column_letters(1 + i as u32)),
                            &typed,
                            numeric,
                        );
                        want.entry((unit.into(), "danh_sach".into(), format!("l{i}")))
                            .or_default()
                            .push(stored);
                    }
                }
                xml2 = Some(xml);
            }
            for (entry, bytes) in entries.iter_mut() {
                if entry == "xl/worksheets/sheet1.xml" {
                    *bytes = xml1.clone().into_bytes();
                } else if entry == "xl/worksheets/sheet2.xml" && xml2.is_some() {
                    *bytes = xml2.clone().unwrap().into_bytes();
                }
            }
            common::write_zip(&project.join("filled").join(&name), &entries);
        }
        let run = project.run(&["check", "filled", "--format", "json"]);
        run.assert_code(0);
        let report = run.json();
        for s in report["submissions"].as_array().unwrap() {
            assert_eq!(s["status"], "accepted", "case {case}:\n{schema}\n{s:#}");
            let problems: Vec<&Json> = s["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["severity"] != "info")
                .collect();
            assert!(problems.is_empty(), "case {case}:\n{schema}\n{problems:#?}");
        }
        project
            .run(&["build", "filled", "-o", "out"])
            .assert_code(0);
        let rows = read_csv(&project.join(&format!("out/sinh_{case}-{period}-du-lieu.csv")));
        let mut found: BTreeMap<(String, String, String), Vec<(i64, String)>> = BTreeMap::new();
        for r in &rows {
            found
                .entry((
                    r["unit_code"].clone(),
                    r["sheet_id"].clone(),
                    r["field"].clone(),
                ))
                .or_default()
                .push((r["row"].parse().unwrap(), r["value"].clone()));
        }
        let found: BTreeMap<_, Vec<String>> = found
            .into_iter()
            .map(|(k, mut v)| {
                v.sort();
                (k, v.into_iter().map(|(_, x)| x).collect())
            })
            .collect();
        assert_eq!(found, want, "case {case}:\n{schema}");
        let indicators = read_csv(&project.join(&format!("out/sinh_{case}-{period}-chi-tieu.csv")));
        let district = |id: &str| {
            indicators
                .iter()
                .find(|r| r["unit_code"] == "001" && r["indicator_id"] == id)
                .unwrap_or_else(|| panic!("case {case}: {id} for the district"))["value"]
                .parse::<f64>()
                .unwrap()
        };
        assert_eq!(district("so_don_vi"), 2.0, "case {case}");
        for id in &numeric {
            let total: f64 = want
                .iter()
                .filter(|((_, _, field), _)| field == id)
                .flat_map(|(_, v)| v.iter().map(|x| x.parse::<f64>().unwrap()))
                .sum();
            let got = district(&format!("tong_{id}"));
            assert!(
                (got - total).abs() < 1e-6,
                "case {case} {id}: {got} vs {total}"
            );
        }
    }
}
