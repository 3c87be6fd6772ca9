//! `tonghop template`: the generated forms carry validation and protection,
//! identify themselves, and round-trip: each unit's template filled with that
//! unit's sample values (cell by cell in the sheet XML, as a spreadsheet
//! program saves what a commune types) builds to the published 2023 figures.

mod common;

use std::collections::BTreeMap;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{OWN_CONFIG, Project, set_cell, write_zip, zip_entries};

/// Types `value` into a template cell: a number as a number, else text.
fn type_into(xml: &mut String, cell: &str, value: &str) {
    set_cell(xml, cell, value, value.parse::<f64>().is_ok());
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
        let schema = tonghop::Schema::load(&common::schema_path()).unwrap();
        let registry = tonghop::Registry::load(&common::units_path()).unwrap();
        let period = tonghop::Period::parse("2023", schema.period).unwrap();
        tonghop::Config::new(schema, registry, period)
    };
    let mut sent: BTreeMap<String, tonghop::SubmissionData> = BTreeMap::new();
    for entry in std::fs::read_dir(project.join("inbox")).unwrap() {
        let s = tonghop::check_file(&entry.unwrap().path(), &config);
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
            type_into(&mut xml1, &format!("D{}", row + 1), &value);
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
            type_into(&mut xml2, &format!("A{row}"), &(i + 1).to_string());
            for (j, field) in list_def.fields.iter().enumerate() {
                let col = (b'B' + j as u8) as char;
                let value = record.values[field.id()]
                    .value
                    .as_ref()
                    .map(|v| v.display())
                    .unwrap_or_default();
                type_into(&mut xml2, &format!("{col}{row}"), &value);
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

/// A project of its own: a schema written here, two units, year 2023.
fn own_project(schema: &str) -> Project {
    let project = Project::own(
        schema,
        "code,name,kind,aliases,email,parent\n001,Xã An Bình,Xã,,,\n002,Xã Hoà Lạc,Xã,,,\n",
        OWN_CONFIG,
    );
    std::fs::create_dir(project.join("inbox")).unwrap();
    project
}

const HEAD: &str = "id = \"rieng\"\ntitle = \"Báo cáo thử nghiệm của huyện\"\nversion = \"2.1\"\nperiod = \"year\"\n";

/// A form sheet whose every column has its own, non-default label.
const FORM_OWN_LABELS: &str = r#"
[[sheets]]
id = "bieu"
kind = "form"
name = "Biểu A"
columns = { code = ["Mã số"], label = ["Nội dung chỉ tiêu"], unit = ["ĐVT"], value = ["Thực hiện kỳ"], note = ["Diễn giải"] }

[[sheets.fields]]
id = "so_hop"
code = "1"
label = "Số cuộc họp đã tổ chức"
type = "integer"
min = 0

[[sheets.fields]]
id = "kinh_phi"
code = "2"
label = "Kinh phí đã chi"
unit = "Triệu đồng"
type = "number"

[[sheets.fields]]
id = "co_ke_hoach"
code = "3"
label = "Đã ban hành kế hoạch"
type = "yes_no"

[[sheets.fields]]
id = "nguoi_phu_trach"
code = "4"
label = "Người phụ trách"
type = "text"
"#;

/// A form sheet that only renames the value column.
const FORM_VALUE_ONLY: &str = r#"
[[sheets]]
id = "bieu"
kind = "form"
name = "Biểu A"
columns = { value = ["Thực hiện kỳ"] }

[[sheets.fields]]
id = "so_hop"
label = "Số cuộc họp đã tổ chức"
type = "integer"

[[sheets.fields]]
id = "kinh_phi"
label = "Kinh phí đã chi"
type = "number"
"#;

const LIST: &str = r#"
[[sheets]]
id = "ds"
kind = "list"
name = "Danh sách"

[[sheets.fields]]
id = "ten"
label = "Tên hộ"
type = "text"

[[sheets.fields]]
id = "so_nguoi"
label = "Số nhân khẩu"
type = "integer"

[[sheets.fields]]
id = "ngay"
label = "Ngày khảo sát"
type = "date"

[[sheets.fields]]
id = "loai"
label = "Phân loại"
type = "choice"
choices = [{ value = "Nghèo" }, { value = "Cận nghèo" }]
"#;

/// The values typed into a form field and a list field of each type.
fn typed(ty: &tonghop::FieldType, n: usize) -> (String, String) {
    use tonghop::FieldType;
    // (what is typed, how `check` shows it back)
    match ty {
        FieldType::Integer => ((n + 3).to_string(), (n + 3).to_string()),
        FieldType::Number => (format!("{}.5", n + 1), format!("{}.5", n + 1)),
        FieldType::Text => (format!("Nguyễn Văn {n}"), format!("Nguyễn Văn {n}")),
        FieldType::YesNo => ("Có".into(), "Có".into()),
        FieldType::Date => ("05/07/2023".into(), "05/07/2023".into()),
        FieldType::Choice => ("Cận nghèo".into(), "Cận nghèo".into()),
    }
}

/// The sheet XML entry of the workbook's `i`-th sheet.
fn sheet_entry(i: usize) -> String {
    format!("xl/worksheets/sheet{}.xml", i + 1)
}

/// Fills a template as a spreadsheet program saves what is typed: every form
/// value, and three list records. Returns what `check` must read back.
fn fill_template(
    template: &std::path::Path,
    target: &std::path::Path,
    schema: &tonghop::Schema,
) -> BTreeMap<String, String> {
    let mut expected = BTreeMap::new();
    let mut wb: Xlsx<_> = open_workbook(template).unwrap();
    let mut entries = zip_entries(template);
    for (i, def) in schema.sheets.iter().enumerate() {
        let at = entries
            .iter()
            .position(|(n, _)| *n == sheet_entry(i))
            .unwrap();
        let mut xml = String::from_utf8(entries[at].1.clone()).unwrap();
        match def.kind {
            tonghop::SheetKind::Form => {
                let range = wb.worksheet_range(&def.name).unwrap();
                for (n, field) in def.fields.iter().enumerate() {
                    let row = range
                        .used_cells()
                        .find(|(_, c, d)| {
                            *c == 1 && matches!(d, Data::String(s) if s == &field.label)
                        })
                        .map(|(r, _, _)| r as u32 + range.start().unwrap().0)
                        .unwrap_or_else(|| panic!("{} in the template", field.label));
                    let (value, shown) = typed(&field.ty, n);
                    type_into(&mut xml, &format!("D{}", row + 1), &value);
                    expected.insert(field.id().to_string(), shown);
                }
            }
            tonghop::SheetKind::List => {
                for record in 0..3 {
                    let row = 4 + record;
                    type_into(&mut xml, &format!("A{row}"), &(record + 1).to_string());
                    for (j, field) in def.fields.iter().enumerate() {
                        let col = (b'B' + j as u8) as char;
                        let (value, shown) = typed(&field.ty, record);
                        type_into(&mut xml, &format!("{col}{row}"), &value);
                        expected.insert(format!("{}[{record}].{}", def.id(), field.id()), shown);
                    }
                }
            }
        }
        entries[at].1 = xml.into_bytes();
    }
    write_zip(target, &entries);
    expected
}

/// What `check_file` read from a file, keyed as `fill_template` keys it.
fn read_back(path: &std::path::Path, config: &tonghop::Config) -> BTreeMap<String, String> {
    let s = tonghop::check_file(path, config);
    let data = s.data.expect("the file was read");
    let shown = |v: &tonghop::FieldValue| v.value.as_ref().map(|v| v.display()).unwrap_or_default();
    let mut out: BTreeMap<String, String> = data
        .form
        .iter()
        .map(|(k, v)| (k.clone(), shown(v)))
        .collect();
    for (list, records) in &data.lists {
        for (i, r) in records.iter().enumerate() {
            for (k, v) in &r.values {
                out.insert(format!("{list}[{i}].{k}"), shown(v));
            }
        }
    }
    out
}

fn codes_of(report: &serde_json::Value) -> Vec<String> {
    report["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["findings"].as_array().unwrap().iter())
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_template_from_any_schema_is_read_back_by_check() {
    let cases = [
        (
            "form with its own column labels",
            format!("{HEAD}{FORM_OWN_LABELS}"),
        ),
        (
            "form renaming only the value column",
            format!("{HEAD}{FORM_VALUE_ONLY}"),
        ),
        ("list only", format!("{HEAD}{LIST}")),
        ("form and list", format!("{HEAD}{FORM_VALUE_ONLY}{LIST}")),
    ];
    for (case, schema_text) in cases {
        let project = own_project(&schema_text);
        project.run(&["template", "-o", "mau"]).assert_code(0);
        project
            .run(&["template", "--unit", "002", "-o", "mau-xa"])
            .assert_code(0);
        let schema = tonghop::Schema::load(&project.join("schema.toml")).unwrap();

        // Blank: values are missing, but every sheet and header is found.
        let run = project.run(&["check", "mau", "mau-xa", "--format", "json"]);
        let report = run.json();
        assert_eq!(report["submissions"].as_array().unwrap().len(), 2, "{case}");
        let codes = codes_of(&report);
        for refused in [
            "header-missing",
            "sheet-missing",
            "template-unrecognized",
            "column-missing",
            "field-missing",
        ] {
            assert!(
                !codes.iter().any(|c| c == refused),
                "{case}: {refused} in {}",
                run.stdout
            );
        }

        // Filled: accepted, every value read back as typed.
        std::fs::create_dir(project.join("filled")).unwrap();
        let template = project.join("mau-xa/rieng-2023-002-HoaLac.xlsx");
        let filled = project.join("filled/rieng-2023-002-HoaLac.xlsx");
        let expected = fill_template(&template, &filled, &schema);
        let run = project.run(&["check", "filled", "--format", "json"]);
        run.assert_code(0);
        let report = run.json();
        assert_eq!(
            report["submissions"][0]["status"], "accepted",
            "{case}: {}",
            run.stdout
        );
        assert_eq!(report["submissions"][0]["unit"]["code"], "002", "{case}");
        let period = tonghop::Period::parse("2023", schema.period).unwrap();
        let registry = tonghop::Registry::load(&project.join("units.csv")).unwrap();
        let config = tonghop::Config::new(schema, registry, period);
        assert_eq!(read_back(&filled, &config), expected, "{case}");
    }
}

/// Excel splits a drop-down written in the rule at every comma and refuses
/// one over 255 characters: a choice "Tại gia đình, cộng đồng" or a long
/// list is kept in the hidden sheet's cells and the drop-down names that
/// range. The template is written (it was refused before), the cells hold
/// every choice whole (read back with calamine), and `schema infer` drafts
/// the choices whole.
#[test]
fn drop_downs_excel_cannot_hold_inline_are_kept_in_cells() {
    let long: Vec<String> = (1..=12)
        .map(|i| format!("{{ value = \"Cơ sở kinh doanh loại {i} có tên khá dài\" }}"))
        .collect();
    let schema = format!(
        "{HEAD}
[[sheets]]
id = \"ds\"
kind = \"list\"
name = \"Danh sách\"

[[sheets.fields]]
id = \"ho_ten\"
label = \"Họ và tên\"
type = \"text\"

[[sheets.fields]]
id = \"hinh_thuc\"
label = \"Hình thức quản lý\"
type = \"choice\"
choices = [{{ value = \"Tại gia đình, cộng đồng\" }}, {{ value = \"Tại cơ sở\" }}]

[[sheets.fields]]
id = \"loai_hinh\"
label = \"Loại hình\"
type = \"choice\"
choices = [{}]
",
        long.join(", ")
    );
    let project = own_project(&schema);
    project.run(&["template", "-o", "mau"]).assert_code(0);
    let path = project.join("mau/rieng-2023-mau.xlsx");
    let entries = zip_entries(&path);
    let sheet = common::zip_text(&entries, "xl/worksheets/sheet1.xml");
    for range in ["'_tonghop'!$D$1:$D$2", "'_tonghop'!$E$1:$E$12"] {
        assert!(
            sheet.contains(&common::xml_escape(range)),
            "{range}: {sheet}"
        );
    }
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let meta = wb.worksheet_range("_tonghop").unwrap();
    let cell = |r: u32, c: u32| {
        meta.get_value((r, c))
            .map(common::data_text)
            .unwrap_or_default()
    };
    assert_eq!(cell(0, 3), "Tại gia đình, cộng đồng");
    assert_eq!(cell(11, 4), "Cơ sở kinh doanh loại 12 có tên khá dài");
    assert_eq!(
        cell(0, 0),
        "schema",
        "the template's own keys stay where they were"
    );
    let run = project.run(&["schema", "infer", "mau/rieng-2023-mau.xlsx"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains(
            "choices = [{ value = \"Tại gia đình, cộng đồng\" }, { value = \"Tại cơ sở\" }]"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("loại 12 có tên khá dài\" }]"),
        "{}",
        run.stdout
    );
}
