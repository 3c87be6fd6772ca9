//! The units as they are: the registry compared with the bundled national
//! list when a project loads, `tonghop init` for any consolidating unit and
//! date, `tonghop units import` on the statistics office's real exports, and
//! whether each report came in by the deadline.

mod common;

use common::{Project, run_in};

/// The sample project with its registry copied in, `edit` applied to it.
fn sample_with_registry(edit: impl Fn(&str) -> String) -> Project {
    let project = Project::sample("van-ban-2023");
    let text = std::fs::read_to_string(common::units_path()).unwrap();
    std::fs::write(project.join("units.csv"), edit(&text)).unwrap();
    let config = project.join("tonghop.toml");
    let toml_text = std::fs::read_to_string(&config).unwrap();
    let mut table: toml::Table = toml::from_str(&toml_text).unwrap();
    table.insert("units".into(), toml::Value::String("units.csv".into()));
    std::fs::write(&config, toml::to_string(&table).unwrap()).unwrap();
    project
}

#[test]
fn the_samples_registry_loads_without_a_registry_warning() {
    let project = Project::sample("van-ban-2023");
    let run = project.run(&["check", "--format", "json"]);
    run.assert_code(0);
    assert!(
        run.json().get("registry_findings").is_none(),
        "{}",
        run.stdout
    );
    let text = project.run(&["check"]);
    assert!(
        !text.stdout.contains("registry-mismatch"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_registry_typo_is_told_before_the_files() {
    // "Xã Võ Lao" typed for Sơn Thuỷ's code, a comment line kept.
    let project = sample_with_registry(|text| {
        format!(
            "# danh sách đơn vị\n{}",
            text.replace("03064,Xã Sơn Thuỷ,Xã,Xã Sơn Thủy", "03064,Xã Võ Lao,Xã,")
        )
    });
    let run = project.run(&["check", "--format", "json"]);
    run.assert_no_panic();
    let json = run.json();
    let found = json["registry_findings"]
        .as_array()
        .expect("registry_findings");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(found[0]["code"], "registry-mismatch");
    assert_eq!(found[0]["severity"], "warning");
    assert_eq!(found[0]["value"], "03064 Xã Võ Lao");
    // Not among any file's findings.
    for s in json["submissions"].as_array().unwrap() {
        for f in s["findings"].as_array().unwrap() {
            assert_ne!(f["code"], "registry-mismatch");
        }
    }
    assert!(run.stderr.contains("registry-mismatch"), "{}", run.stderr);
    // In text, first thing of the report, with the official name.
    let text = project.run(&["check", "--lang", "en"]);
    let first = text.stdout.lines().next().unwrap_or_default();
    assert!(first.contains("[registry-mismatch]"), "{}", text.stdout);
    assert!(first.contains("“Xã Sơn Thuỷ”"), "{first}");
}

#[test]
fn registry_lines_are_counted_with_comment_lines() {
    let project = sample_with_registry(|text| {
        format!(
            "# note one\n# note two\n{}",
            text.replace("03061,Xã Võ Lao", "03055,Xã Võ Lao")
        )
    });
    let run = project.run(&["check", "--lang", "en"]);
    run.assert_code(2);
    // Header on line 3, Khánh Yên on 4, the duplicate on 5.
    assert!(run.stderr.contains("line 5"), "{}", run.stderr);
}

/// The registry `init` wrote: (code, name, email, parent) per unit.
fn registry_rows(path: &std::path::Path) -> Vec<(String, String, String, String)> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(path)
        .unwrap();
    reader
        .deserialize::<std::collections::HashMap<String, String>>()
        .map(|r| {
            let r = r.unwrap();
            (
                r["code"].clone(),
                r["name"].clone(),
                r["email"].clone(),
                r["parent"].clone(),
            )
        })
        .collect()
}

/// `tonghop init` in a temp folder, then `template --per-unit`, the
/// templates put in the inbox and `check` run on them: the project works.
/// Returns the folder and the registry rows.
fn init_and_use(
    args: &[&str],
    schema: &std::path::Path,
) -> (tempfile::TempDir, Vec<(String, String, String, String)>) {
    let root = tempfile::tempdir().unwrap();
    let schema = schema.to_string_lossy().into_owned();
    let mut all = vec!["init", "proj"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--schema", &schema]);
    let run = run_in(root.path(), &all);
    run.assert_code(0);
    assert!(
        run.stdout.contains("tonghop template --per-unit"),
        "{}",
        run.stdout
    );
    let project = root.path().join("proj");
    let rows = registry_rows(&project.join("don-vi.csv"));
    assert!(rows.iter().all(|r| r.2.is_empty()), "email left to fill in");
    assert!(project.join("inbox").is_dir());

    let templates = run_in(&project, &["template", "--per-unit"]);
    templates.assert_code(0);
    assert!(
        !templates.stderr.contains("registry-mismatch"),
        "{}",
        templates.stderr
    );
    let mau = project.join("out/mau");
    let written: Vec<_> = std::fs::read_dir(&mau)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(
        written.len() >= rows.len(),
        "{} templates for {} units",
        written.len(),
        rows.len()
    );
    for file in &written {
        std::fs::copy(file, project.join("inbox").join(file.file_name().unwrap())).unwrap();
    }
    let check = run_in(&project, &["check", "--format", "json"]);
    assert!(
        matches!(check.code, Some(0 | 1)),
        "check exit {:?}\n{}",
        check.code,
        check.stderr
    );
    check.assert_no_panic();
    let json = check.json();
    assert!(json.get("registry_findings").is_none(), "{json:#}");
    // Each unit's template was recognised as that unit's report.
    assert_eq!(
        json["missing_units"].as_array().unwrap().len(),
        0,
        "{json:#}"
    );
    (root, rows)
}

#[test]
fn init_a_district_in_2023_gives_the_samples_units() {
    let (root, rows) = init_and_use(
        &["--unit", "089", "--as-of", "2023-12-31"],
        &common::schema_path(),
    );
    let sample: Vec<(String, String)> = registry_rows(&common::units_path())
        .into_iter()
        .map(|r| (r.0, r.1))
        .collect();
    let made: Vec<(String, String)> = rows.iter().map(|r| (r.0.clone(), r.1.clone())).collect();
    assert_eq!(made.len(), 22);
    assert_eq!(made, sample);
    assert!(rows.iter().all(|r| r.3 == "089"));
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.path().join("proj/tonghop.toml")).unwrap())
            .unwrap();
    assert_eq!(config["period"].as_str(), Some("2023"));
    assert_eq!(
        config["consolidating_unit"]["name"].as_str(),
        Some("Huyện Văn Bàn")
    );
}

#[test]
fn init_a_province_in_2026_gives_its_communes() {
    let (_root, rows) = init_and_use(
        &["--unit", "15", "--as-of", "2026-01-01"],
        &common::schema_path(),
    );
    assert_eq!(rows.len(), 99);
    // The merged Xã Văn Bàn kept Khánh Yên Thượng's code.
    assert!(
        rows.iter().any(|r| r.0 == "03082" && r.1 == "Xã Văn Bàn"),
        "{rows:?}"
    );
    assert!(rows.iter().all(|r| r.3 == "15"));
}

#[test]
fn init_a_province_in_2023_gives_its_districts_with_a_quarterly_schema() {
    let schema = common::repo().join("tests/forms/qlsc/schema.toml");
    let (root, rows) = init_and_use(&["--unit", "10", "--as-of", "2023-12-31"], &schema);
    assert_eq!(rows.len(), 9);
    assert!(
        rows.iter().any(|r| r.0 == "089" && r.1 == "Huyện Văn Bàn"),
        "{rows:?}"
    );
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.path().join("proj/tonghop.toml")).unwrap())
            .unwrap();
    assert_eq!(config["period"].as_str(), Some("2023-Q4"));
}

#[test]
fn init_never_overwrites_and_explains_a_wrong_code() {
    let root = tempfile::tempdir().unwrap();
    run_in(
        root.path(),
        &["init", "p", "--unit", "089", "--as-of", "2023-12-31"],
    )
    .assert_code(0);
    let before = std::fs::read(root.path().join("p/don-vi.csv")).unwrap();
    let again = run_in(
        root.path(),
        &["init", "p", "--unit", "10", "--as-of", "2023-12-31"],
    );
    again.assert_code(2);
    assert_eq!(
        std::fs::read(root.path().join("p/don-vi.csv")).unwrap(),
        before
    );
    // No districts after the reform: said so, with the old list's name.
    let gone = run_in(
        root.path(),
        &[
            "init",
            "q",
            "--unit",
            "089",
            "--as-of",
            "2026-01-01",
            "--lang",
            "en",
        ],
    );
    gone.assert_code(2);
    assert!(gone.stderr.contains("Huyện Văn Bàn"), "{}", gone.stderr);
    assert!(!root.path().join("q/tonghop.toml").exists());
    // A code that never was: the nearest ones are suggested.
    let none = run_in(
        root.path(),
        &["init", "q", "--unit", "091", "--as-of", "2023-12-31"],
    );
    none.assert_code(2);
    assert!(none.stderr.contains("089 Huyện Văn Bàn"), "{}", none.stderr);
}

/// The `real-vn` folder of the shared corpus (as `tests/real_vn.rs` finds it).
fn real_vn_dir() -> Option<std::path::PathBuf> {
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("TONGHOP_CORPUS") {
        candidates.push(std::path::PathBuf::from(dir));
    }
    let repo = common::repo();
    candidates.extend([
        repo.join("../shared/corpus"),
        repo.join("../../shared/corpus"),
        std::path::PathBuf::from("/work/shared/corpus"),
    ]);
    candidates
        .into_iter()
        .map(|d| d.join("real-vn"))
        .find(|d| d.is_dir())
}

/// How an import compares with the bundled list: how many units, the codes
/// renamed since, the codes only the export has, the codes only the list has.
type Comparison = (usize, Vec<String>, Vec<String>, Vec<String>);

/// `units import` on a real export, read back and compared with the bundled
/// list of 1 March 2025.
fn import_and_compare(file: &str, province: &str) -> Option<Comparison> {
    let Some(dir) = real_vn_dir() else {
        eprintln!("skipped: the shared corpus (real-vn) is not here");
        return None;
    };
    let out = tempfile::tempdir().unwrap();
    let csv_path = out.path().join("units.csv");
    let run = run_in(
        out.path(),
        &[
            "units",
            "import",
            &dir.join(file).to_string_lossy(),
            "-o",
            "units.csv",
        ],
    );
    run.assert_code(0);
    // The file is a registry the tool loads.
    tonghop::Registry::load(&csv_path).expect("the import is a valid registry");
    let imported = registry_rows(&csv_path);
    let national = tonghop::national_list(tonghop::Edition::Before2025Reform);
    let districts: Vec<String> = national
        .children(province)
        .into_iter()
        .map(|d| d.code.to_string())
        .collect();
    let bundled: std::collections::BTreeMap<String, (String, String)> = districts
        .iter()
        .flat_map(|d| national.children(d))
        .map(|u| {
            (
                u.code.to_string(),
                (u.name.to_string(), u.parent.to_string()),
            )
        })
        .collect();
    let mut renamed = Vec::new();
    let mut only_export = Vec::new();
    for (code, name, _, parent) in &imported {
        match bundled.get(code) {
            Some((official, official_parent)) => {
                assert_eq!(parent, official_parent, "{code}");
                if name != official {
                    renamed.push(format!("{code} {name} → {official}"));
                }
            }
            None => only_export.push(format!("{code} {name}")),
        }
    }
    let codes: std::collections::HashSet<&String> = imported.iter().map(|r| &r.0).collect();
    let only_bundled = bundled
        .keys()
        .filter(|c| !codes.contains(c))
        .cloned()
        .collect();
    Some((imported.len(), renamed, only_export, only_bundled))
}

#[test]
fn import_the_2021_lao_cai_export() {
    let Some((count, renamed, only_export, only_bundled)) =
        import_and_compare("gso-danhmuc-2021-LaoCai.xls", "10")
    else {
        return;
    };
    assert_eq!(count, 152);
    assert_eq!(renamed, Vec::<String>::new());
    // Xã Tà Chải (Bắc Hà) was merged after the 2021 export.
    assert_eq!(only_export, ["02872 Xã Tà Chải"]);
    assert_eq!(only_bundled, Vec::<String>::new());

    // One district out of it: the 22 units of the samples' registry.
    let dir = real_vn_dir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let file = dir.join("gso-danhmuc-2021-LaoCai.xls");
    let run = run_in(
        out.path(),
        &["units", "import", &file.to_string_lossy(), "--unit", "089"],
    );
    run.assert_code(0);
    std::fs::write(out.path().join("u.csv"), &run.stdout).unwrap();
    let got: Vec<(String, String)> = registry_rows(&out.path().join("u.csv"))
        .into_iter()
        .map(|r| (r.0, r.1))
        .collect();
    let sample: Vec<(String, String)> = registry_rows(&common::units_path())
        .into_iter()
        .map(|r| (r.0, r.1))
        .collect();
    assert_eq!(got, sample);
}

#[test]
fn import_the_2017_an_giang_export() {
    let Some((count, renamed, only_export, only_bundled)) =
        import_and_compare("gso-danhmuc-2017-AnGiang.xls", "89")
    else {
        return;
    };
    assert_eq!(count, 156);
    // The changes between 2017 and 2025: Tịnh Biên became a town (thị xã)
    // whose townships and some communes became wards; five communes became
    // townships; Phường Đông Xuyên was merged away.
    assert_eq!(
        renamed,
        [
            "30373 Xã Đa Phước → Thị trấn Đa Phước",
            "30478 Xã Vĩnh Thạnh Trung → Thị trấn Vĩnh Thạnh Trung",
            "30502 Thị trấn Nhà Bàng → Phường Nhà Bàng",
            "30505 Thị trấn Chi Lăng → Phường Chi Lăng",
            "30508 Xã Núi Voi → Phường Núi Voi",
            "30511 Xã Nhơn Hưng → Phường Nhơn Hưng",
            "30514 Xã An Phú → Phường An Phú",
            "30517 Xã Thới Sơn → Phường Thới Sơn",
            "30520 Thị trấn Tịnh Biên → Phường Tịnh Biên",
            "30580 Xã Cô Tô → Thị trấn Cô Tô",
            "30604 Xã Vĩnh Bình → Thị trấn Vĩnh Bình",
            "30673 Xã Hội An → Thị trấn Hội An",
        ]
    );
    assert_eq!(only_export, ["30285 Phường Đông Xuyên"]);
    assert_eq!(only_bundled, Vec::<String>::new());
}

#[test]
fn import_refuses_a_file_without_the_columns() {
    // A report form, not a unit list: no "Mã xã"/"Phường Xã" header.
    let file = common::fixture("openpyxl");
    let any = std::fs::read_dir(&file)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = run_in(
        out.path(),
        &["units", "import", &any.to_string_lossy(), "-o", "u.csv"],
    );
    run.assert_code(2);
    assert!(run.stderr.contains("Mã PX"), "{}", run.stderr);
    assert!(!out.path().join("u.csv").exists());
}

/// The sample with `deadline = "15/01/2024"`: every file modified on
/// 11 January but Võ Lao's and Nậm Xây's (21 January, late by 6 days), and
/// Tân An's, modified late but emailed on 14 January at 16:30 in Vietnam
/// (the email's Date counts; it is written in UTC, 09:30, as a sender's
/// machine may).
fn sample_with_deadline() -> Project {
    let project = Project::sample("van-ban-2023");
    let config = project.join("tonghop.toml");
    let mut table: toml::Table =
        toml::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    table.insert("deadline".into(), toml::Value::String("15/01/2024".into()));
    std::fs::write(&config, toml::to_string(&table).unwrap()).unwrap();
    let inbox = project.join("inbox");
    for entry in std::fs::read_dir(&inbox).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let late = ["Vo Lao", "NamXay", "Tân An"]
            .iter()
            .any(|n| name.contains(n));
        common::set_mtime(&path, common::day(if late { 20 } else { 10 }));
    }
    let tan_an = "Báo cáo PCMD xã Tân An.xlsx";
    let sha = tonghop::sha256_hex(&std::fs::read(inbox.join(tan_an)).unwrap());
    let index = tonghop::MailIndex {
        version: 1,
        entries: vec![tonghop::MailIndexEntry {
            file: tan_an.into(),
            message_id: "<tanan@laocai.gov.vn>".into(),
            from: "ubndxa.tanan@laocai.gov.vn".into(),
            to: vec![],
            date: Some("2024-01-14T09:30:00Z".into()),
            subject: "Báo cáo PCMD 2023".into(),
            original_name: tan_an.into(),
            sha256: sha,
        }],
    };
    std::fs::write(tonghop::MailIndex::path(&inbox), index.to_bytes()).unwrap();
    project
}

#[test]
fn timeliness_in_the_json_and_text_reports() {
    let project = sample_with_deadline();
    let run = project.run(&["check", "--format", "json"]);
    run.assert_code(0);
    let json = run.json();
    let mut late: Vec<String> = Vec::new();
    for s in json["submissions"].as_array().unwrap() {
        match s["on_time"].as_bool() {
            Some(true) => {}
            Some(false) => late.push(s["unit"]["code"].as_str().unwrap().to_string()),
            None => panic!("no on_time: {s:#}"),
        }
    }
    late.sort();
    assert_eq!(late, ["03061", "03121"]);
    assert_eq!(json["summary"]["on_time"], 20);
    assert_eq!(json["summary"]["late"], 2);

    let text = project.run(&["check"]);
    assert!(
        text.stdout
            .contains("Hạn nộp 15/01/2024: 20 tệp đúng hạn, 2 tệp muộn."),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("Nhận: 21/01/2024 07:00 — muộn 6 ngày"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("Nhận: 14/01/2024 16:30 — đúng hạn"),
        "{}",
        text.stdout
    );

    // Without a deadline, nothing is said about it.
    let plain = Project::sample("van-ban-2023").run(&["check", "--format", "json"]);
    assert!(plain.json()["summary"].get("on_time").is_none());
    assert!(plain.json()["submissions"][0].get("on_time").is_none());
}

#[test]
fn timeliness_on_the_submissions_sheet() {
    use calamine::{Reader, Xlsx, open_workbook};
    let project = sample_with_deadline();
    // The machine's time zone must not show through: times are Vietnam's.
    common::run_in_env(
        project.path(),
        &["build", "--format", "json"],
        &[("TZ", "America/New_York")],
    )
    .assert_code(0);
    let mut book: Xlsx<_> = open_workbook(project.join("out/pcmd-2023-tong-hop.xlsx")).unwrap();
    let sheet = book.worksheet_range("Tình hình nộp").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let header = rows
        .iter()
        .position(|r| r.iter().any(|c| c == "Hạn nộp 15/01/2024"))
        .expect("a deadline column");
    let col = rows[header]
        .iter()
        .position(|c| c == "Hạn nộp 15/01/2024")
        .unwrap();
    let code_col = rows[header].iter().position(|c| c == "Mã").unwrap();
    let verdicts: std::collections::BTreeMap<String, String> = rows[header + 1..]
        .iter()
        .filter(|r| !r[code_col].is_empty())
        .map(|r| (r[code_col].clone(), r[col].clone()))
        .collect();
    assert_eq!(verdicts.len(), 22);
    assert_eq!(verdicts["03061"], "Muộn 6 ngày");
    assert_eq!(verdicts["03121"], "Muộn 6 ngày");
    assert_eq!(verdicts["03079"], "Đúng hạn");
    assert_eq!(verdicts.values().filter(|v| *v == "Đúng hạn").count(), 20);
    // The received column says the time the verdict was made on.
    let received_col = rows[header]
        .iter()
        .position(|c| c == "Thời điểm nhận")
        .unwrap();
    let received = |code: &str| {
        rows[header + 1..]
            .iter()
            .find(|r| r[code_col] == code)
            .map(|r| r[received_col].clone())
            .unwrap()
    };
    assert_eq!(received("03061"), "21/01/2024 07:00", "file time, UTC+7");
    assert_eq!(received("03079"), "14/01/2024 16:30", "email Date, UTC+7");
    let sources = book.worksheet_range("Nguồn").unwrap();
    let modified: Vec<String> = sources
        .rows()
        .filter(|r| r[0].to_string().contains("Vo Lao"))
        .map(|r| r[8].to_string())
        .collect();
    assert_eq!(modified, ["21/01/2024 07:00"], "modified, UTC+7");
    let title_rows = rows[..header].concat().join(" ");
    assert!(
        title_rows.contains("20 tệp đúng hạn, 2 tệp muộn"),
        "{title_rows}"
    );
}

#[test]
fn an_unreadable_deadline_stops_the_run() {
    let project = Project::sample("van-ban-2023");
    let config = project.join("tonghop.toml");
    let mut table: toml::Table =
        toml::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    table.insert(
        "deadline".into(),
        toml::Value::String("cuối tháng 1".into()),
    );
    std::fs::write(&config, toml::to_string(&table).unwrap()).unwrap();
    let run = project.run(&["check"]);
    run.assert_code(2);
    assert!(run.stderr.contains("cuối tháng 1"), "{}", run.stderr);
}
