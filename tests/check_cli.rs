//! `tonghop check` end to end: the bundled samples, the broken files, the
//! files made by other programs, the report snapshots and the fatal errors.
//!
//! The CLI tests run the built binary in a temporary copy of a sample; the
//! value tests go through the library (`check::check_file`), because the JSON
//! report carries findings, not values.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::Parser;
use serde_json::Value as Json;
use tonghop::Config;
use tonghop::Value;
use tonghop::cli::Cli;
use tonghop::{Status, Submission, check_file};

use common::{
    Project, Run, day, fixture, read_tsv, run_in, sample_dir, schema_path, set_mtime, units_path,
};

/// Columns of the expected.tsv tables that are not Biểu 01 fields.
const NOT_FIELDS: [&str; 3] = ["file", "unit_code", "b02_rows"];

// ------------------------------------------------------------------ helpers

fn as_array<'a>(json: &'a Json, what: &str) -> &'a Vec<Json> {
    json.as_array()
        .unwrap_or_else(|| panic!("{what} is not an array: {json}"))
}

fn keys(json: &Json) -> Vec<String> {
    let mut keys: Vec<String> = json
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {json}"))
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    names.sort();
    names
}

/// The submissions of a JSON report by their `file` ("inbox/…").
fn submissions_by_file(report: &Json) -> BTreeMap<String, &Json> {
    as_array(&report["submissions"], "submissions")
        .iter()
        .map(|s| (s["file"].as_str().expect("file is a string").to_string(), s))
        .collect()
}

fn unit_code(submission: &Json) -> Option<&str> {
    submission["unit"]["code"].as_str()
}

/// Findings that are not `info` (lenient readings), for assertion messages.
fn problems(submission: &Json) -> Vec<String> {
    as_array(&submission["findings"], "findings")
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| format!("{} {} {}", f["code"], f["cell"], f["message"]))
        .collect()
}

/// A configuration resolved from CLI arguments, as `tonghop` would.
fn config_from(args: &[OsString]) -> Config {
    let cli =
        Cli::parse_from(std::iter::once(OsString::from("tonghop")).chain(args.iter().cloned()));
    Config::resolve(&cli).unwrap_or_else(|e| panic!("config resolves: {e}"))
}

fn sample_config(sample: &str) -> Config {
    let toml = sample_dir(sample).join("tonghop.toml");
    config_from(&["--config".into(), toml.into_os_string(), "check".into()])
}

/// The flags that replace a tonghop.toml for single files.
fn flag_args() -> Vec<OsString> {
    vec![
        "--schema".into(),
        schema_path().into_os_string(),
        "--units".into(),
        units_path().into_os_string(),
        "--period".into(),
        "2023".into(),
    ]
}

fn files_config(files: &[PathBuf]) -> Config {
    let mut args = flag_args();
    args.push("check".into());
    args.extend(files.iter().map(|f| f.clone().into_os_string()));
    config_from(&args)
}

/// What an expected.tsv cell says a Biểu 01 field holds.
fn expected_value(text: &str) -> Value {
    match text {
        "Có" => Value::Bool(true),
        "Không" => Value::Bool(false),
        n => Value::Int(n.parse().unwrap_or_else(|_| {
            panic!("expected.tsv value “{n}” is neither Có/Không nor an integer")
        })),
    }
}

/// Checks one submission's unit, every Biểu 01 value and the number of
/// Biểu 02 records against an expected.tsv row.
fn assert_values(config: &Config, submission: &Submission, row: &BTreeMap<String, String>) {
    let file = &row["file"];
    assert_eq!(
        submission.status,
        Status::Accepted,
        "{file}: {:#?}",
        submission.findings
    );
    let unit = submission
        .unit
        .map(|u| config.registry.units[u].code.as_str());
    assert_eq!(unit, Some(row["unit_code"].as_str()), "{file}: unit");
    let data = submission
        .data
        .as_ref()
        .unwrap_or_else(|| panic!("{file}: no data read"));

    let fields: Vec<&str> = row
        .keys()
        .map(String::as_str)
        .filter(|k| !NOT_FIELDS.contains(k))
        .collect();
    let mut schema_fields: Vec<&str> = config.schema.form_fields().map(|(_, f)| f.id()).collect();
    schema_fields.sort();
    assert_eq!(
        fields, schema_fields,
        "expected.tsv must list every Biểu 01 field of the schema"
    );
    for field in fields {
        let read = data
            .form
            .get(field)
            .unwrap_or_else(|| panic!("{file}: field {field} not found"));
        assert_eq!(
            read.value,
            Some(expected_value(&row[field])),
            "{file}: {field} at {}!{} (cell shows “{}”)",
            read.source.sheet,
            read.source.a1(),
            read.raw()
        );
    }
    let records = data.lists.get("danh_sach").map_or(0, Vec::len);
    assert_eq!(
        records.to_string(),
        row["b02_rows"],
        "{file}: Biểu 02 records"
    );
}

fn form_int(submission: &Submission, field: &str) -> i64 {
    let data = submission.data.as_ref().expect("data");
    match data.form.get(field).and_then(|v| v.value.clone()) {
        Some(Value::Int(n)) => n,
        other => panic!("{}: {field} is {other:?}, not an integer", submission.file),
    }
}

// ------------------------------------------------- 1. the clean 2023 sample

#[test]
fn van_ban_2023_text_check_exits_0() {
    let project = Project::sample("van-ban-2023");
    let run = project.run(&["check"]);
    run.assert_code(0);
    assert!(run.stdout.contains("22 tệp — 22 đạt"), "{}", run.stdout);
}

#[test]
fn van_ban_2023_every_file_accepted_as_its_unit() {
    let project = Project::sample("van-ban-2023");
    let run = project.run(&["check", "--format", "json"]);
    run.assert_code(0);
    let report = run.json();
    let submissions = submissions_by_file(&report);
    assert_eq!(
        submissions.len(),
        22,
        "files: {:?}",
        submissions.keys().collect::<Vec<_>>()
    );

    let expected = read_tsv(&sample_dir("van-ban-2023").join("expected.tsv"));
    assert_eq!(expected.len(), 22);
    for row in &expected {
        let file = format!("inbox/{}", row["file"]);
        let s = submissions
            .get(&file)
            .unwrap_or_else(|| panic!("{file} is not in the report"));
        assert_eq!(s["status"], "accepted", "{file}: {:?}", problems(s));
        assert_eq!(
            unit_code(s),
            Some(row["unit_code"].as_str()),
            "{file}: unit"
        );
        assert_eq!(s["period"], "2023", "{file}: period");
    }
    assert_eq!(
        as_array(&report["missing_units"], "missing_units").len(),
        0,
        "{}",
        report["missing_units"]
    );
    let summary = &report["summary"];
    assert_eq!(summary["files"], 22);
    assert_eq!(summary["accepted"], 22);
    assert_eq!(summary["rejected"], 0);
    assert_eq!(summary["superseded"], 0);
    assert_eq!(summary["missing_units"], 0);
    assert_eq!(summary["errors"], 0);
}

// ------------------------------------------------------- 2. values (library)

/// One row of a sample's expected.tsv (column → value) and what the check made of its file.
type Checked = (BTreeMap<String, String>, Submission);

fn checked_van_ban() -> (Config, Vec<Checked>) {
    let config = sample_config("van-ban-2023");
    let inbox = sample_dir("van-ban-2023").join("inbox");
    let rows = read_tsv(&sample_dir("van-ban-2023").join("expected.tsv"));
    let checked = rows
        .into_iter()
        .map(|row| {
            let submission = check_file(&inbox.join(&row["file"]), &config);
            (row, submission)
        })
        .collect();
    (config, checked)
}

#[test]
fn van_ban_2023_values_match_expected_tsv() {
    let (config, checked) = checked_van_ban();
    assert_eq!(checked.len(), 22);
    for (row, submission) in &checked {
        assert_values(&config, submission, row);
    }
}

#[test]
fn van_ban_2023_district_totals() {
    let (_, checked) = checked_van_ban();
    let sum = |field: &str| checked.iter().map(|(_, s)| form_int(s, field)).sum::<i64>();
    assert_eq!(sum("co_so_tong"), 44, "co_so_tong");
    assert_eq!(sum("co_so_luu_tru"), 24, "co_so_luu_tru");
    assert_eq!(
        sum("co_so_karaoke") + sum("co_so_massage"),
        20,
        "karaoke + massage"
    );
    assert_eq!(sum("co_so_cam_ket"), 44, "co_so_cam_ket");
    assert_eq!(sum("so_cuoc_truyen_thong"), 13, "so_cuoc_truyen_thong");
    assert_eq!(sum("so_luot_nguoi"), 937, "so_luot_nguoi");
    assert_eq!(sum("so_bang_ron"), 24, "so_bang_ron");
    assert_eq!(sum("so_vu_vi_pham"), 0, "so_vu_vi_pham");
    let records: usize = checked
        .iter()
        .map(|(_, s)| {
            s.data
                .as_ref()
                .and_then(|d| d.lists.get("danh_sach"))
                .map_or(0, Vec::len)
        })
        .sum();
    assert_eq!(records, 44, "Biểu 02 records in all");
}

// ------------------------------------------- 3. the sample with broken files

const OLD_KYT: &str = "inbox/BC_PCMD_2023_KhanhYenThuong.xlsx";
const NEW_KYT: &str = "inbox/BC_PCMD_2023_KhanhYenThuong_lan2.xlsx";

/// A copy of samples/van-ban-2023-loi where Khánh Yên Thượng's first file is
/// older than its second (`_lan2`), as when it was emailed again.
fn loi_project() -> Project {
    let project = Project::sample("van-ban-2023-loi");
    set_mtime(&project.join(OLD_KYT), day(10));
    set_mtime(&project.join(NEW_KYT), day(12));
    project
}

#[test]
fn loi_json_report_shape_and_findings() {
    let project = loi_project();
    let run = project.run(&["check", "--format", "json"]);
    run.assert_code(1);
    let report = run.json();

    assert_eq!(
        keys(&report),
        sorted(&[
            "tool",
            "schema",
            "registry",
            "period",
            "submissions",
            "missing_units",
            "summary"
        ])
    );
    let finding_keys = sorted(&[
        "code", "severity", "sheet", "cell", "field", "rule", "value", "message",
    ]);
    let submissions = submissions_by_file(&report);
    for (file, s) in &submissions {
        for f in as_array(&s["findings"], "findings") {
            assert_eq!(keys(f), finding_keys, "{file}: finding {f}");
        }
    }

    let expected = read_tsv(&sample_dir("van-ban-2023-loi").join("expected.tsv"));
    assert!(!expected.is_empty());
    for row in &expected {
        let file = format!("inbox/{}", row["file"]);
        let s = submissions
            .get(&file)
            .unwrap_or_else(|| panic!("{file} is not in the report"));
        let found = as_array(&s["findings"], "findings").iter().any(|f| {
            ["code", "sheet", "cell", "field", "rule"]
                .iter()
                .all(|k| row[*k].is_empty() || f[*k].as_str() == Some(row[*k].as_str()))
        });
        assert!(
            found,
            "{file}: no finding like {row:?}; findings: {}",
            s["findings"]
        );
    }

    assert_eq!(
        submissions[OLD_KYT]["status"],
        "superseded",
        "{:?}",
        problems(submissions[OLD_KYT])
    );
    assert_eq!(
        submissions[NEW_KYT]["status"],
        "accepted",
        "{:?}",
        problems(submissions[NEW_KYT])
    );

    let missing = as_array(&report["missing_units"], "missing_units");
    assert_eq!(
        missing,
        &vec![serde_json::json!({"code": "03121", "name": "Xã Nậm Xây"})]
    );

    let listed: Vec<String> = expected
        .iter()
        .map(|r| format!("inbox/{}", r["file"]))
        .collect();
    for (file, s) in &submissions {
        if !listed.contains(file) {
            assert_eq!(
                s["status"],
                "accepted",
                "{file} is not in expected.tsv: {:?}",
                problems(s)
            );
        }
    }
}

/// Files saved in the same minute (attachments saved in one sitting, a git
/// checkout) are told apart by name: "…_lan2.xlsx" is the newer one.
#[test]
fn loi_same_minute_newest_is_decided_by_file_name() {
    let project = Project::sample("van-ban-2023-loi");
    set_mtime(&project.join(NEW_KYT), day(10));
    set_mtime(
        &project.join(OLD_KYT),
        day(10) + std::time::Duration::from_secs(30),
    );
    let run = project.run(&["check", "--format", "json"]);
    run.assert_code(1);
    let report = run.json();
    let submissions = submissions_by_file(&report);
    assert_eq!(submissions[OLD_KYT]["status"], "superseded");
    assert_eq!(
        submissions[NEW_KYT]["status"],
        "accepted",
        "{:?}",
        problems(submissions[NEW_KYT])
    );
}

// ------------------------------------------------------ 4. broken fixtures

/// `check <file>` with flags instead of a tonghop.toml; the file's
/// submission from the JSON report.
fn check_fixture(rel: &str, expected_code: i32) -> (Run, Json) {
    let dir = Project::empty();
    let file = fixture(rel);
    let mut args: Vec<String> = flag_args()
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    args.extend([
        "check".to_string(),
        file.to_string_lossy().into_owned(),
        "--format".into(),
        "json".into(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = run_in(dir.path(), &args);
    run.assert_code(expected_code);
    let report = run.json();
    let submissions = as_array(&report["submissions"], "submissions");
    assert_eq!(submissions.len(), 1, "{rel}");
    let submission = submissions[0].clone();
    (run, submission)
}

fn assert_rejected_with(rel: &str, code: &str) {
    let (_, s) = check_fixture(rel, 1);
    assert_eq!(s["status"], "rejected", "{rel}");
    let codes: Vec<&str> = as_array(&s["findings"], "findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(
        codes.contains(&code),
        "{rel}: expected {code}, found {codes:?}"
    );
}

#[test]
fn broken_not_a_spreadsheet_is_unreadable() {
    assert_rejected_with("broken/not-a-spreadsheet.xlsx", "file-unreadable");
}

#[test]
fn broken_truncated_is_unreadable() {
    assert_rejected_with("broken/truncated.xlsx", "file-unreadable");
}

#[test]
fn broken_encrypted_is_encrypted() {
    assert_rejected_with("broken/encrypted.xlsx", "file-encrypted");
}

#[test]
fn broken_empty_workbook_is_unrecognized() {
    assert_rejected_with("broken/empty.xlsx", "template-unrecognized");
}

#[test]
fn broken_renamed_xls_is_read_as_xls() {
    let (_, s) = check_fixture("broken/renamed-xls.xlsx", 0);
    assert_eq!(s["status"], "accepted", "{:?}", problems(&s));
    assert_eq!(s["format"], "xls");
    assert_eq!(unit_code(&s), Some("03082"));
}

// ---------------------------------------- 5. files made by other programs

/// Rows of tests/fixtures/expected.tsv for files that can be read (the
/// encrypted one has expected values for a person with the password).
fn readable_fixture_rows() -> Vec<BTreeMap<String, String>> {
    read_tsv(&fixture("expected.tsv"))
        .into_iter()
        .filter(|r| r["file"] != "broken/encrypted.xlsx")
        .collect()
}

#[test]
fn other_programs_files_accepted_as_their_units() {
    let dir = Project::empty();
    let rows: Vec<_> = readable_fixture_rows()
        .into_iter()
        .filter(|r| !r["file"].starts_with("broken/"))
        .collect();
    assert_eq!(rows.len(), 4, "openpyxl, xlwt and two LibreOffice files");
    let files: Vec<String> = rows
        .iter()
        .map(|r| fixture(&r["file"]).to_string_lossy().into_owned())
        .collect();
    let mut args: Vec<String> = flag_args()
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    args.push("check".into());
    args.extend(files.iter().cloned());
    args.extend(["--format".to_string(), "json".to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = run_in(dir.path(), &args);
    run.assert_code(0);
    let report = run.json();
    let submissions = submissions_by_file(&report);
    for (row, file) in rows.iter().zip(&files) {
        // Files outside the project folder are shown relative to it
        // ("../…") or, when they share nothing with it below the root, with
        // their full path: either way the name ends with the fixture's own.
        let rel = format!("tests/fixtures/{}", row["file"]);
        let s = submissions
            .iter()
            .find(|(shown, _)| shown.ends_with(&rel))
            .map(|(_, s)| s)
            .unwrap_or_else(|| panic!("{file} not in {:?}", submissions.keys()));
        assert_eq!(s["status"], "accepted", "{file}: {:?}", problems(s));
        assert_eq!(unit_code(s), Some(row["unit_code"].as_str()), "{file}");
    }
}

#[test]
fn other_programs_files_values_match_expected_tsv() {
    let rows = readable_fixture_rows();
    let files: Vec<PathBuf> = rows.iter().map(|r| fixture(&r["file"])).collect();
    let config = files_config(&files);
    for (row, file) in rows.iter().zip(&files) {
        assert_values(&config, &check_file(file, &config), row);
    }
}

// -------------------------------------------------------------- 6. snapshots

#[test]
fn snapshot_loi_text_report_vi() {
    let project = loi_project();
    let run = project.run(&["check"]);
    run.assert_code(1);
    insta::assert_snapshot!("loi_text_vi", run.stdout);
}

#[test]
fn snapshot_loi_text_report_en() {
    let project = loi_project();
    let run = project.run(&["check", "--lang", "en"]);
    run.assert_code(1);
    insta::assert_snapshot!("loi_text_en", run.stdout);
}

/// The JSON exactly as printed (key order included), sha256 values kept:
/// the files are byte copies of the sample, so the hashes are stable.
#[test]
fn snapshot_loi_json_report() {
    let project = loi_project();
    let run = project.run(&["check", "--format", "json"]);
    run.assert_code(1);
    // Where the schema and the registry are depends on the clone, and the
    // schema's hash on its every edit: those three are redacted.
    let report = run.json();
    let schema_sha = report["schema"]["sha256"].as_str().unwrap().to_string();
    assert_eq!(schema_sha.len(), 64, "the schema's SHA-256 is recorded");
    let redacted: String = run
        .stdout
        .replace(&schema_sha, "[schema sha256]")
        .lines()
        .map(|line| match line.split_once("\"path\": ") {
            Some((indent, _)) => format!("{indent}\"path\": \"[path]\",\n"),
            None => format!("{line}\n"),
        })
        .collect();
    insta::assert_snapshot!("loi_json", redacted);
}

// ------------------------------------------------------------ 7. CLI errors

#[test]
fn missing_schema_in_config_exits_2() {
    let project = Project::empty();
    let run = project.run(&["check"]);
    run.assert_code(2);
    assert!(
        run.stdout.is_empty(),
        "no report on a fatal error: {}",
        run.stdout
    );
    assert!(
        run.stderr.contains("lỗi"),
        "Vietnamese by default: {}",
        run.stderr
    );
    assert!(run.stderr.contains("thiếu “schema”"), "{}", run.stderr);
}

/// A fatal error is told in the project's language (`lang` in tonghop.toml)
/// unless `--lang` says otherwise; when tonghop.toml itself is broken, only
/// `--lang` counts (Vietnamese by default).
#[test]
fn a_fatal_error_speaks_the_projects_language() {
    let project = Project::empty();
    std::fs::write(
        project.join("tonghop.toml"),
        "schema = \"khong-co.toml\"\nunits = \"u.csv\"\nperiod = \"2023\"\nlang = \"en\"\n",
    )
    .expect("write tonghop.toml");
    let en = project.run(&["check"]);
    en.assert_code(2);
    assert!(
        en.stderr.contains("tonghop: error: cannot read schema"),
        "{}",
        en.stderr
    );
    let vi = project.run(&["--lang", "vi", "check"]);
    vi.assert_code(2);
    assert!(
        vi.stderr.contains("tonghop: lỗi: không đọc được lược đồ"),
        "{}",
        vi.stderr
    );

    std::fs::write(project.join("tonghop.toml"), "lang = \"en\"\nschema = [\n")
        .expect("write tonghop.toml");
    let broken = project.run(&["check"]);
    broken.assert_code(2);
    assert!(
        broken.stderr.contains("tonghop: lỗi: tệp cấu hình"),
        "{}",
        broken.stderr
    );
    let asked = project.run(&["--lang", "en", "check"]);
    assert!(
        asked.stderr.contains("tonghop: error: config"),
        "{}",
        asked.stderr
    );
}

/// Writes a copy of schemas/pcmd.toml with `from` replaced by `to` (once)
/// and returns its path and the 1-based line where `to` now stands.
fn modified_schema(project: &Project, from: &str, to: &str) -> (PathBuf, usize) {
    let text = std::fs::read_to_string(schema_path()).expect("read pcmd.toml");
    let at = text
        .find(from)
        .unwrap_or_else(|| panic!("pcmd.toml no longer contains {from:?}"));
    let modified = format!("{}{to}{}", &text[..at], &text[at + from.len()..]);
    let line = text[..at].matches('\n').count() + 1;
    let path = common::write_schema_copy(project.path(), &modified);
    (path, line)
}

fn run_with_schema(project: &Project, schema: &Path) -> Run {
    let inbox = sample_dir("van-ban-2023").join("inbox");
    project.run(&[
        "--schema",
        schema.to_str().expect("UTF-8 path"),
        "--units",
        units_path().to_str().expect("UTF-8 path"),
        "--period",
        "2023",
        "check",
        inbox.to_str().expect("UTF-8 path"),
    ])
}

#[test]
fn schema_rule_with_unknown_field_exits_2_naming_key_and_line() {
    let project = Project::empty();
    // The second rule, cam_ket_toi_da.
    let (schema, line) = modified_schema(
        &project,
        r#"check = "co_so_cam_ket <= co_so_tong""#,
        r#"check = "khong_co_truong <= co_so_tong""#,
    );
    let run = run_with_schema(&project, &schema);
    run.assert_code(2);
    assert!(run.stderr.contains("`rules[1].check`"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("dòng {line}")),
        "line {line}: {}",
        run.stderr
    );
    assert!(run.stderr.contains("khong_co_truong"), "{}", run.stderr);
}

#[test]
fn schema_with_duplicate_field_id_exits_2_naming_it() {
    let project = Project::empty();
    // Field 4 of Biểu 01 takes the id of field 3.
    let (schema, line) =
        modified_schema(&project, r#"id = "so_bang_ron""#, r#"id = "so_luot_nguoi""#);
    let run = run_with_schema(&project, &schema);
    run.assert_code(2);
    assert!(
        run.stderr.contains("“so_luot_nguoi” bị trùng"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`sheets[0].fields[3].id`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("dòng {line}")),
        "line {line}: {}",
        run.stderr
    );
}
