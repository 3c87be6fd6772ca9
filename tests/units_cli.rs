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
    let _ = run_in;
}
