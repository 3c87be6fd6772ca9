//! A quarterly form of its own (tests/fixtures/livestock/livestock.toml, not
//! pcmd) on files written by openpyxl (scripts/make_livestock_fixtures.py):
//! a list whose title row starts with a field's label is read from the
//! header's columns, and a file stating "Quý I/2024" is not accepted into
//! 2024-Q2.

mod common;

use std::path::PathBuf;

use common::{fixture, run_in, units_path};
use tonghop::Code;
use tonghop::Config;
use tonghop::Period;
use tonghop::Registry;
use tonghop::Schema;
use tonghop::Value;
use tonghop::{Status, check_file};

fn schema_path() -> PathBuf {
    fixture("livestock/livestock.toml")
}

fn config(period: &str) -> Config {
    let schema = Schema::load(&schema_path()).expect("the livestock schema loads");
    let registry = Registry::load(&units_path()).unwrap();
    let period = Period::parse(period, schema.period).unwrap();
    Config::new(schema, registry, period)
}

#[test]
fn a_title_row_above_the_list_header_is_not_the_header() {
    let s = check_file(
        &fixture("livestock/title-above-header.xlsx"),
        &config("2024-Q2"),
    );
    assert_eq!(s.status, Status::Accepted, "{:#?}", s.findings);
    assert!(s.findings.is_empty(), "{:#?}", s.findings);
    let records = &s.data.as_ref().unwrap().lists["theo_thon"];
    let read: Vec<(String, Option<Value>, String)> = records
        .iter()
        .map(|r| {
            let v = &r.values["so_ho_tap_trung"];
            (
                r.values["thon"].raw().into_owned(),
                v.value.clone(),
                v.source.a1(),
            )
        })
        .collect();
    // Column C, never column A (the row numbers 1–4).
    assert_eq!(
        read,
        vec![
            ("Thôn Bản Bay".into(), Some(Value::Int(12)), "C8".into()),
            ("Thôn Khe Lếch".into(), Some(Value::Int(7)), "C9".into()),
            ("Thôn Tân Thành".into(), Some(Value::Int(25)), "C10".into()),
            ("Tổ dân phố 3".into(), Some(Value::Int(9)), "C11".into()),
        ]
    );
    assert_eq!(s.period.map(|p| p.id()).as_deref(), Some("2024-Q2"));
}

/// `check --format json <target>` in `dir` with the livestock schema, the
/// registry and the period 2024-Q2 given as flags.
fn check_second_quarter(dir: &std::path::Path, target: &str) -> common::Run {
    let schema = schema_path();
    let units = units_path();
    run_in(
        dir,
        &[
            "--schema",
            schema.to_str().unwrap(),
            "--units",
            units.to_str().unwrap(),
            "--period",
            "2024-Q2",
            "check",
            "--format",
            "json",
            target,
        ],
    )
}

#[test]
fn cli_a_first_quarter_file_is_refused_for_the_second_quarter() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("livestock/quy-i.xlsx");
    let run = check_second_quarter(dir.path(), file.to_str().unwrap());
    run.assert_code(1);
    let report = run.json();
    let submission = &report["submissions"][0];
    assert_eq!(submission["status"], "rejected", "{submission}");
    let findings = submission["findings"].as_array().unwrap();
    let mismatch: Vec<_> = findings
        .iter()
        .filter(|f| f["code"] == Code::PeriodMismatch.as_str())
        .collect();
    assert_eq!(mismatch.len(), 1, "{findings:#?}");
    assert_eq!(mismatch[0]["value"], "2024-Q1");
    assert!(
        mismatch[0]["message"]
            .as_str()
            .unwrap()
            .contains("Quý I năm 2024"),
        "{}",
        mismatch[0]["message"]
    );
    assert!(
        findings
            .iter()
            .all(|f| f["code"] != Code::PeriodMissing.as_str()),
        "{findings:#?}"
    );
}

#[test]
fn cli_an_unrelated_newer_file_never_replaces_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    let report = inbox.join("chan-nuoi-tan-an.xlsx");
    let other = inbox.join("tai-nan-lao-dong.xlsx");
    std::fs::copy(fixture("livestock/title-above-header.xlsx"), &report).unwrap();
    std::fs::copy(fixture("livestock/tai-nan-lao-dong.xlsx"), &other).unwrap();
    // The unrelated file of the same commune came a day later.
    common::set_mtime(&report, common::day(180));
    common::set_mtime(&other, common::day(181));
    let run = check_second_quarter(dir.path(), "inbox");
    run.assert_code(1);
    let json = run.json();
    let by_file = |name: &str| {
        json["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["file"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} in {json}"))
            .clone()
    };
    let report = by_file("chan-nuoi-tan-an.xlsx");
    assert_eq!(report["status"], "accepted", "{report}");
    let other = by_file("tai-nan-lao-dong.xlsx");
    assert_eq!(other["status"], "rejected", "{other}");
    let codes: Vec<&str> = other["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["template-unrecognized"]);
    assert!(
        other["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("“BÁO CÁO TAI NẠN LAO ĐỘNG”"),
        "{other}"
    );
}
