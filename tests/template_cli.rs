//! `tonghop template`: the generated forms carry validation and protection,
//! identify themselves, and round-trip: each unit's template filled with that
//! unit's sample values (cell by cell in the sheet XML, as a spreadsheet
//! program saves what a commune types) builds to the published 2023 figures.

mod common;

use std::collections::BTreeMap;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{Project, write_zip, zip_entries};

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Puts a value into an existing (blank, styled) cell of a sheet's XML.
fn set_cell(xml: &mut String, cell: &str, value: &str) {
    let open = format!("<c r=\"{cell}\" ");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("cell {cell} is in the template"));
    let end = start + xml[start..].find("/>").unwrap();
    let attrs = &xml[start + open.len()..end];
    let replacement = if value.parse::<f64>().is_ok() {
        format!("<c r=\"{cell}\" {attrs}><v>{value}</v></c>")
    } else {
        format!(
            "<c r=\"{cell}\" {attrs} t=\"inlineStr\"><is><t>{}</t></is></c>",
            xml_escape(value)
        )
    };
    xml.replace_range(start..end + 2, &replacement);
}

#[test]
fn templates_validate_protect_and_round_trip_to_the_seed_figures() {
    let project = Project::sample("van-ban-2023");
    let run = project.run(&["template", "--per-unit", "-o", "mau"]);
    run.assert_code(0);
    let mut templates: Vec<_> = std::fs::read_dir(project.join("mau"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    templates.sort();
    assert_eq!(templates.len(), 22);
    let khanh_yen_thuong = project.join("mau/pcmd-2023-03082-KhanhYenThuong.xlsx");
    assert!(khanh_yen_thuong.is_file(), "ASCII names with the unit code");

    // Validation and protection, read back from the file's XML.
    let entries = zip_entries(&khanh_yen_thuong);
    let sheet1 = String::from_utf8(
        entries
            .iter()
            .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    let sheet2 = String::from_utf8(
        entries
            .iter()
            .find(|(n, _)| n == "xl/worksheets/sheet2.xml")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(sheet1.contains("<sheetProtection"), "labels are protected");
    assert!(
        sheet1.contains(r#"type="whole""#),
        "whole numbers on integer fields"
    );
    assert!(
        sheet1.contains("&quot;Có,Không&quot;") || sheet1.contains("\"Có,Không\""),
        "a Có/Không dropdown"
    );
    assert!(
        sheet2.contains("Lưu trú,Karaoke,Massage,Khác"),
        "the choices dropdown in the list sheet"
    );
    assert!(sheet2.contains(r#"type="date""#), "dates validated");
    assert!(sheet1.contains("promptTitle"), "input messages");

    // The values each unit sent, read from the sample files.
    let config = {
        let schema = tonghop::schema::Schema::load(&common::schema_path()).unwrap();
        let registry = tonghop::registry::Registry::load(&common::units_path()).unwrap();
        let period = tonghop::period::Period::parse("2023", schema.period).unwrap();
        tonghop::config::Config::new(schema, registry, period)
    };
    let mut sent: BTreeMap<String, tonghop::validate::SubmissionData> = BTreeMap::new();
    for entry in std::fs::read_dir(project.join("inbox")).unwrap() {
        let s = tonghop::check::check_file(&entry.unwrap().path(), &config);
        sent.insert(
            config.registry.units[s.unit.unwrap()].code.clone(),
            s.data.unwrap(),
        );
    }

    // Fill every template as a commune would, then build from them.
    std::fs::create_dir(project.join("filled")).unwrap();
    let (form_def, list_def) = (&config.schema.sheets[0], &config.schema.sheets[1]);
    for template in &templates {
        let code = template
            .file_name()
            .unwrap()
            .to_string_lossy()
            .split('-')
            .nth(2)
            .unwrap()
            .to_string();
        let data = &sent[&code];
        let mut wb: Xlsx<_> = open_workbook(template).unwrap();
        let range = wb.worksheet_range(&form_def.name).unwrap();
        let mut entries = zip_entries(template);
        let mut xml1 = String::from_utf8(
            entries[entries
                .iter()
                .position(|(n, _)| n == "xl/worksheets/sheet1.xml")
                .unwrap()]
            .1
            .clone(),
        )
        .unwrap();
        for field in &form_def.fields {
            let row = range
                .used_cells()
                .find(|(_, c, d)| *c == 1 && matches!(d, Data::String(s) if s == &field.label))
                .map(|(r, _, _)| r as u32 + range.start().unwrap().0)
                .unwrap();
            let value = data.form[field.id()].value.as_ref().unwrap().display();
            set_cell(&mut xml1, &format!("D{}", row + 1), &value);
        }
        let mut xml2 = String::from_utf8(
            entries[entries
                .iter()
                .position(|(n, _)| n == "xl/worksheets/sheet2.xml")
                .unwrap()]
            .1
            .clone(),
        )
        .unwrap();
        for (i, record) in data.lists[list_def.id()].iter().enumerate() {
            let row = 4 + i;
            set_cell(&mut xml2, &format!("A{row}"), &(i + 1).to_string());
            for (j, field) in list_def.fields.iter().enumerate() {
                let col = (b'B' + j as u8) as char;
                let value = record.values[field.id()]
                    .value
                    .as_ref()
                    .map(|v| v.display())
                    .unwrap_or_default();
                set_cell(&mut xml2, &format!("{col}{row}"), &value);
            }
        }
        for (name, bytes) in entries.iter_mut() {
            match name.as_str() {
                "xl/worksheets/sheet1.xml" => *bytes = xml1.clone().into_bytes(),
                "xl/worksheets/sheet2.xml" => *bytes = xml2.clone().into_bytes(),
                _ => {}
            }
        }
        write_zip(
            &project.join("filled").join(template.file_name().unwrap()),
            &entries,
        );
    }
    let run = project.run(&["build", "filled", "-o", "out-filled", "--format", "json"]);
    run.assert_code(0);
    let report = run.json();
    assert_eq!(report["summary"]["accepted"], 22, "{}", run.stdout);
    let csv = std::fs::read_to_string(project.join("out-filled/pcmd-2023-chi-tieu.csv")).unwrap();
    for expected in [
        "co_so_tong,Tổng số cơ sở kinh doanh dịch vụ dễ phát sinh tệ nạn mại dâm,089,Huyện Văn Bàn,2023,44",
        "co_so_luu_tru,Cơ sở kinh doanh dịch vụ lưu trú,089,Huyện Văn Bàn,2023,24",
        "co_so_karaoke_massage,Cơ sở kinh doanh dịch vụ karaoke và massage,089,Huyện Văn Bàn,2023,20",
        "so_luot_nguoi,Số lượt người tham gia truyền thông,089,Huyện Văn Bàn,2023,937",
    ] {
        assert!(csv.contains(expected), "{expected}\n{csv}");
    }
    assert!(
        csv.contains(",089,Huyện Văn Bàn,2023,44,44,100,44/44,100,true"),
        "44/44 signed"
    );
    assert!(
        csv.contains(",089,Huyện Văn Bàn,2023,22,22,100,22/22,100,true"),
        "22/22 without prostitution"
    );
}

#[test]
fn a_template_from_an_older_schema_version_is_flagged() {
    let project = Project::sample("van-ban-2023");
    project
        .run(&["template", "--unit", "03082", "-o", "mau"])
        .assert_code(0);
    let path = project.join("mau/pcmd-2023-03082-KhanhYenThuong.xlsx");
    let mut entries = zip_entries(&path);
    let shared = entries
        .iter_mut()
        .find(|(n, _)| n == "xl/sharedStrings.xml")
        .unwrap();
    let text = String::from_utf8(shared.1.clone())
        .unwrap()
        .replace(">1.0.0<", ">0.9.0<");
    shared.1 = text.into_bytes();
    write_zip(&path, &entries);
    let run = project.run(&["check", "mau", "--format", "json"]);
    let report = run.json();
    let findings = report["submissions"][0]["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "template-outdated" && f["value"] == "0.9.0"),
        "{findings:?}"
    );
    assert_eq!(
        report["submissions"][0]["unit"]["code"], "03082",
        "identified from the template's own sheet"
    );
}
