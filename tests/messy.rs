//! The files communes really send (`tests/fixtures/messy/`, made by openpyxl
//! and LibreOffice with `scripts/make_messy.py`): legacy fonts, odd Unicode,
//! unit names in every shape, moved and reshaped forms, lenient values,
//! formulas, lying extensions. Each row of `expected.tsv` gives the unit, the
//! status, the values and the findings that must (or, with "!", must not)
//! appear.

mod common;

use tonghop::Config;
use tonghop::Period;
use tonghop::Registry;
use tonghop::Schema;
use tonghop::Value;
use tonghop::{Submission, check_file};

fn config() -> Config {
    let schema = Schema::load(&common::schema_path()).unwrap();
    let registry = Registry::load(&common::units_path()).unwrap();
    let period = Period::parse("2023", schema.period).unwrap();
    Config::new(schema, registry, period)
}

fn shown(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        other => other.display(),
    }
}

/// Does the submission have a finding matching `code@Sheet!CELL`,
/// `code@Sheet` or `code`?
fn has(s: &Submission, spec: &str) -> bool {
    let (code, place) = spec.split_once('@').unwrap_or((spec, ""));
    let (sheet, cell) = place.split_once('!').unwrap_or((place, ""));
    s.findings.iter().any(|f| {
        f.code.as_str() == code
            && (sheet.is_empty() || f.sheet() == Some(sheet))
            && (cell.is_empty() || f.cell().as_deref() == Some(cell))
    })
}

#[test]
fn every_messy_file_reads_as_expected() {
    let config = config();
    let dir = common::fixture("messy");
    let mut failures = Vec::new();
    for row in common::read_tsv(&dir.join("expected.tsv")) {
        let file = &row["file"];
        let s = check_file(&dir.join(file), &config);
        let mut problems = Vec::new();
        let unit = s
            .unit
            .map(|u| config.registry.units[u].code.clone())
            .unwrap_or_default();
        if unit != row["unit_code"] {
            problems.push(format!("unit {unit:?}, expected {:?}", row["unit_code"]));
        }
        let status = s.status.as_str();
        if status != row["status"] {
            problems.push(format!("status {status}, expected {}", row["status"]));
        }
        for pair in row["values"].split(';').filter(|p| !p.is_empty()) {
            let (field, expected) = pair.split_once('=').unwrap();
            let got = s
                .data
                .as_ref()
                .and_then(|d| d.form.get(field))
                .and_then(|v| v.value.as_ref())
                .map(shown)
                .unwrap_or_default();
            if got != expected {
                problems.push(format!("{field} = {got:?}, expected {expected:?}"));
            }
        }
        for spec in row["findings"].split(';').filter(|p| !p.is_empty()) {
            match spec.strip_prefix('!') {
                Some(absent) if has(&s, absent) => problems.push(format!("unexpected {absent}")),
                Some(_) => {}
                None if !has(&s, spec) => problems.push(format!("missing {spec}")),
                None => {}
            }
        }
        if !problems.is_empty() {
            let seen: Vec<String> = s
                .findings
                .iter()
                .map(|f| {
                    format!(
                        "{}@{}!{}",
                        f.code,
                        f.sheet().unwrap_or(""),
                        f.cell().unwrap_or_default()
                    )
                })
                .collect();
            failures.push(format!(
                "{file}: {}\n    findings: {}",
                problems.join("; "),
                seen.join(" ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} messy files misread:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn legacy_fonts_are_seen_where_the_format_shows_them() {
    let limits = tonghop::Limits::default();
    let (_, book) = tonghop::read_file(&common::fixture("messy/a-tcvn3-vntime.xlsx"), &limits);
    let book = book.unwrap();
    let fonts: Vec<&String> = book.sheets[0].legacy_fonts.values().collect();
    assert!(fonts.iter().any(|f| *f == ".VnTime"), "{fonts:?}");
    assert!(fonts.iter().any(|f| *f == ".VnTimeH"), "{fonts:?}");
    let (_, book) = tonghop::read_file(&common::fixture("messy/b-tcvn3-calibri.xlsx"), &limits);
    assert!(
        book.unwrap().sheets[0].legacy_fonts.is_empty(),
        "Calibri is not a legacy font"
    );
}

#[test]
fn xls_cell_fonts_are_read_and_cross_the_reader_process() {
    // tests/fixtures/xlwt/legacy-fonts.xls (scripts/make_xls_fonts.py): one
    // sheet with cells in .VnTime, .VnTimeH, VNI-Times, Arial Unicode MS, Tahoma.
    let path = common::fixture("xlwt/legacy-fonts.xls");
    let limits = tonghop::Limits::default();
    let (_, here) = tonghop::read_file(&path, &limits);
    let here = here.unwrap();
    let fonts = &here.sheets[0].legacy_fonts;
    assert_eq!(fonts.get(&(0, 0)).map(String::as_str), Some(".VnTimeH"));
    assert_eq!(fonts.get(&(1, 0)).map(String::as_str), Some(".VnTime"));
    assert_eq!(fonts.get(&(5, 1)).map(String::as_str), Some("VNI-Times"));
    for unicode_or_other in [(1, 2), (2, 2), (3, 2), (6, 1), (7, 2)] {
        assert!(
            !fonts.contains_key(&unicode_or_other),
            "{unicode_or_other:?}"
        );
    }
    // ASCII-only text in a small-letter font has nothing to decode.
    assert!(!fonts.contains_key(&(2, 0)), "a number");
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_tonghop"));
    let (_, child) = tonghop::read_file_isolated(exe, &path, &limits);
    assert_eq!(&child.unwrap().sheets[0].legacy_fonts, fonts);
}
