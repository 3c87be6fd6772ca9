//! `tonghop schema infer` and `tonghop schema check`, through the binary.
//! Infer: a tonghop template → a draft that loads and reads the commune
//! files to the same values as the hand-written schema; a blank form made
//! by openpyxl (`scripts/make_infer_fixtures.py`) → a draft whose sections,
//! STT codes, units, types and comments are asserted. Check: exit 0 on a
//! clean schema, 1 with each lint's message, 2 when the schema does not load.

mod common;

use std::collections::BTreeMap;

use common::{Project, fixture, read_csv};

/// (unit code, source cell) → (field, value), from a build's data CSV.
fn values_by_cell(project: &Project, out: &str) -> BTreeMap<(String, String), (String, String)> {
    read_csv(&project.join(&format!("{out}/pcmd-2023-du-lieu.csv")))
        .into_iter()
        .map(|r| {
            (
                (r["unit_code"].clone(), r["source_cell"].clone()),
                (r["field"].clone(), r["value"].clone()),
            )
        })
        .collect()
}

/// The values alone, whatever the fields are called.
fn values_only(
    cells: &BTreeMap<(String, String), (String, String)>,
) -> BTreeMap<(String, String), String> {
    cells
        .iter()
        .map(|(k, (_, v))| (k.clone(), v.clone()))
        .collect()
}

/// The pcmd sample's 22 commune files, built with the hand-written schema
/// and with the schema inferred from the blank template, give the same
/// value from every cell read. The template's drop-downs (Data Validation)
/// give the draft its yes/no and choice columns, but a blank form cannot
/// say how communes spell a choice: Võ Lao's "Nhà nghỉ", "Khách sạn", "Xoa
/// bóp" are refused until the choices get their aliases. That is the one
/// edit, on the line the draft marks "# xem lại: … aliases".
#[test]
fn a_draft_from_the_blank_template_reads_the_sample_to_the_same_values() {
    let project = Project::sample("van-ban-2023");
    project.run(&["template", "-o", "mau"]).assert_code(0);
    project
        .run(&[
            "schema",
            "infer",
            "mau/pcmd-2023-mau.xlsx",
            "-o",
            "draft.toml",
        ])
        .assert_code(0);
    let draft = std::fs::read_to_string(project.join("draft.toml")).unwrap();
    project
        .run(&["schema", "check", "draft.toml"])
        .assert_code(0);
    let run = project.run(&["check", "--schema", "draft.toml", "--format", "json"]);
    run.assert_code(1);
    let errors: Vec<(String, String)> = run.json()["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["findings"].as_array().unwrap().iter())
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (text("code"), text("field"))
        })
        .collect();
    assert_eq!(errors.len(), 4, "{errors:?}");
    assert!(
        errors
            .iter()
            .all(|(code, field)| code == "value-not-allowed" && field == "loai_hinh"),
        "{errors:?}"
    );
    assert!(
        draft.contains("choices = [{ value = \"Lưu trú\" }, { value = \"Karaoke\" }, { value = \"Massage\" }, { value = \"Khác\" }]\n# xem lại: cách ghi khác"),
        "{draft}"
    );
    let hand_schema = std::fs::read_to_string(common::schema_path()).unwrap();
    let edited = with_aliases_of(&draft, &hand_schema);
    assert!(edited.contains("aliases = [\"Nhà nghỉ\""), "{edited}");
    std::fs::write(project.join("edited.toml"), edited).unwrap();
    project.run(&["build", "-o", "out1"]).assert_code(0);
    project
        .run(&["build", "--schema", "edited.toml", "-o", "out2"])
        .assert_code(0);
    let (hand, inferred) = (
        values_by_cell(&project, "out1"),
        values_by_cell(&project, "out2"),
    );
    assert_eq!(hand.len(), 682, "every value of the sample is read");
    assert_eq!(values_only(&hand), values_only(&inferred));
}

/// The same from a small schema of tests/forms (a form sheet and a list),
/// after the same edit (the choices' aliases): every figure of its form
/// sheet that the hand-written schema accepts is read the same. Its rules
/// are not in the draft, so a file the hand-written schema rejects by a rule
/// is accepted: the draft's heading asks to add rules and indicators.
#[test]
fn a_draft_from_a_small_forms_template_reads_the_same_figures() {
    let project = Project::empty();
    common::copy_dir(&common::repo().join("tests/forms/qlsc"), project.path());
    let _ = std::fs::remove_dir_all(project.join("out"));
    project.run(&["template", "-o", "mau"]).assert_code(0);
    project
        .run(&[
            "schema",
            "infer",
            "mau/qlsc-2024-Q2-mau.xlsx",
            "-o",
            "draft.toml",
        ])
        .assert_code(0);
    let draft = std::fs::read_to_string(project.join("draft.toml")).unwrap();
    assert!(draft.contains("thêm rules/indicators"), "{draft}");
    let hand_schema = std::fs::read_to_string(project.join("schema.toml")).unwrap();
    let edited = with_aliases_of(&draft, &hand_schema);
    std::fs::write(project.join("edited.toml"), edited).unwrap();
    project.run(&["build", "-o", "out1"]).assert_code(1);
    project
        .run(&["build", "--schema", "edited.toml", "-o", "out2"])
        .assert_code(1);
    let read = |out: &str| -> BTreeMap<(String, String), String> {
        read_csv(&project.join(&format!("{out}/qlsc-2024-Q2-du-lieu.csv")))
            .into_iter()
            .filter(|r| r["source_cell"].starts_with("Biểu 01"))
            .map(|r| {
                (
                    (r["unit_code"].clone(), r["source_cell"].clone()),
                    r["value"].clone(),
                )
            })
            .collect()
    };
    let (hand, inferred) = (read("out1"), read("out2"));
    assert!(hand.len() >= 30, "{} figures", hand.len());
    for (key, value) in &hand {
        assert_eq!(inferred.get(key), Some(value), "{key:?}");
    }
}

/// The draft with each drafted choice list replaced by the hand-written
/// schema's list of the field with the same label (its values with their
/// aliases): the edit the draft's "# xem lại: … aliases" line asks for.
fn with_aliases_of(draft: &str, hand_schema: &str) -> String {
    let hand: toml::Table = toml::from_str(hand_schema).unwrap();
    let mut out = draft.to_string();
    let fields = hand["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["fields"].as_array().unwrap().iter());
    for field in fields {
        let Some(choices) = field.get("choices") else {
            continue;
        };
        let label = format!("label = \"{}\"\n", field["label"].as_str().unwrap());
        let Some(at) = out.find(&label) else { continue };
        let start = at
            + out[at..]
                .find("choices = [")
                .expect("the label's choices are drafted");
        let end = start + out[start..].find('\n').unwrap();
        let list = toml::Value::Array(choices.as_array().unwrap().clone());
        out.replace_range(start..end, &format!("choices = {list}"));
    }
    out
}

fn blank_draft() -> String {
    let project = Project::empty();
    let form = fixture("infer/bieu-mau-trong.xlsx");
    let run = project.run(&["schema", "infer", form.to_str().unwrap()]);
    run.assert_code(0);
    assert!(run.stderr.contains("đọc được"), "{}", run.stderr);
    run.stdout
}

/// The field block of the draft whose label is `label`.
fn field_block<'a>(draft: &'a str, label: &str) -> &'a str {
    let at = draft
        .find(&format!("label = \"{label}\""))
        .unwrap_or_else(|| panic!("{label} in the draft:\n{draft}"));
    let start = draft[..at].rfind("[[sheets.fields]]").unwrap();
    let end = draft[at..].find("\n\n").map_or(draft.len(), |e| at + e);
    &draft[start..end]
}

#[test]
fn a_blank_form_made_by_openpyxl_gives_a_reviewed_draft() {
    let draft = blank_draft();
    // The numbering row, the caption row and the instructions are told as such.
    assert!(draft.contains("# Dòng đánh số cột (không phải dữ liệu): A | B | C | 1 | 2"));
    assert!(draft.contains("“Trong đó:” là dòng tiêu đề nhóm"));
    assert!(draft.contains("trang “Hướng dẫn” (ẩn hoặc hướng dẫn) bỏ qua"));
    assert!(draft.contains("period = \"quarter\"   # đoán: theo chữ “Quý”"));
    assert!(draft.contains("{ code = \"I\", label = \"Dân số\" }"));
    assert!(draft.contains("{ code = \"II\", label = \"Bảo trợ xã hội\" }"));
    let cases = [
        ("Tổng số hộ dân cư", "1", "Hộ", "integer"),
        ("Nhân khẩu nữ", "2.2", "Người", "integer"),
        (
            "Kinh phí chi trả trợ cấp xã hội",
            "3",
            "Triệu đồng",
            "number",
        ),
        ("Tỷ lệ hộ nghèo", "4", "%", "number"),
        ("Diện tích nhà ở được hỗ trợ sửa chữa", "5", "m²", "number"),
        ("Số vụ bạo lực gia đình", "6", "Vụ", "integer"),
    ];
    for (label, code, unit, ty) in cases {
        let block = field_block(&draft, label);
        assert!(block.contains(&format!("code = \"{code}\"")), "{block}");
        assert!(block.contains(&format!("unit = \"{unit}\"")), "{block}");
        assert!(
            block.contains(&format!(
                "type = \"{ty}\"   # đoán: theo đơn vị tính “{unit}”"
            )),
            "{block}"
        );
    }
    assert!(field_block(&draft, "Nhân khẩu nữ").contains("section = \"I\""));
    assert!(field_block(&draft, "Số vụ bạo lực gia đình").contains("min = 0   # đoán"));
    let yes_no = field_block(&draft, "Có điểm tư vấn cộng đồng (Có/Không)");
    assert!(
        yes_no.contains("type = \"yes_no\"   # đoán: theo nhãn"),
        "{yes_no}"
    );
    let unknown = field_block(&draft, "Số suất quà trao tặng");
    assert!(
        unknown
            .contains("type = \"number\"   # đoán: không biết đơn vị tính “Suất”: hãy chọn kiểu")
    );
    assert_eq!(
        draft.matches("[[sheets.fields]]").count(),
        10 + 8,
        "no row of the header or numbering is a field"
    );
}

#[test]
fn a_blank_list_sheet_gives_its_columns() {
    let draft = blank_draft();
    assert!(draft.contains(
        "kind = \"list\"\nname = \"Danh sách\"\ntitle = \"DANH SÁCH HỘ NGHÈO ĐƯỢC HỖ TRỢ\""
    ));
    assert!(draft.contains("(1) | (2) | (3) | (4) | (5) | (6) | (7) | (8) | (9)"));
    // The drop-downs openpyxl wrote.
    let sex = field_block(&draft, "Giới tính");
    assert!(
        sex.contains("type = \"choice\"   # đoán: theo Data Validation")
            && sex.contains("choices = [{ value = \"Nam\" }, { value = \"Nữ\" }]"),
        "{sex}"
    );
    let helped = field_block(&draft, "Đã nhận hỗ trợ");
    assert!(
        helped.contains("type = \"yes_no\"   # đoán: theo Data Validation"),
        "{helped}"
    );
    assert!(draft.contains("cột A (STT) không phải dữ liệu"));
    assert!(!draft.contains("label = \"STT\""));
    assert!(field_block(&draft, "Năm sinh").contains("type = \"integer\""));
    assert!(field_block(&draft, "Ngày hỗ trợ").contains("type = \"date\""));
    let money = field_block(&draft, "Số tiền (triệu đồng)");
    assert!(
        money.contains("unit = \"triệu đồng\"") && money.contains("type = \"number\""),
        "{money}"
    );
    let address = field_block(&draft, "Địa chỉ (thôn)");
    assert!(
        address.contains("type = \"text\"   # đoán: chưa có dữ liệu"),
        "{address}"
    );
    assert!(field_block(&draft, "Ghi chú").contains("required = false   # đoán: cột ghi chú"));
}

/// The draft of the blank form loads, and the template tonghop writes from
/// it is read back by `check` as that form.
#[test]
fn the_draft_of_a_blank_form_loads_and_makes_a_template() {
    let project = Project::empty();
    std::fs::write(project.join("schema.toml"), blank_draft()).unwrap();
    std::fs::write(project.join("units.csv"), "code,name\n90001,Xã An Bình\n").unwrap();
    project
        .run(&["schema", "check", "schema.toml"])
        .assert_code(0);
    let args = [
        "--schema",
        "schema.toml",
        "--units",
        "units.csv",
        "--period",
        "2024-Q1",
    ];
    let mut template = args.to_vec();
    template.extend(["template", "-o", "mau"]);
    project.run(&template).assert_code(0);
    let mut check = args.to_vec();
    check.extend(["check", "mau"]);
    let run = project.run(&check);
    assert!(
        !run.stdout.contains("template-unrecognized"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("field-missing"), "{}", run.stdout);
}

#[test]
fn several_value_columns_are_drafted_with_a_derived_suggestion() {
    let project = Project::empty();
    let form = fixture("infer/so-sanh.xlsx");
    let run = project.run(&["schema", "infer", form.to_str().unwrap()]);
    run.assert_code(0);
    let draft = &run.stdout;
    for (id, label) in [
        ("ky_nay", "Kỳ này"),
        ("cung_ky_nam_truoc", "Cùng kỳ năm trước"),
        ("so_sanh", "So sánh (%)"),
    ] {
        assert!(
            draft.contains(&format!(
                "[[sheets.value_columns]]\nid = \"{id}\"\nlabel = \"{label}\""
            )),
            "{draft}"
        );
    }
    assert!(
        draft.contains("# derived = \"ky_nay / cung_ky_nam_truoc * 100\""),
        "{draft}"
    );
    assert!(
        field_block(draft, "Số vụ phát hiện")
            .contains("type = \"integer\"   # đoán: theo 2 giá trị đã điền")
    );
}

#[test]
fn infer_never_overwrites() {
    let project = Project::empty();
    std::fs::write(project.join("draft.toml"), "keep").unwrap();
    let form = fixture("infer/so-sanh.xlsx");
    project
        .run(&[
            "schema",
            "infer",
            form.to_str().unwrap(),
            "-o",
            "draft.toml",
        ])
        .assert_code(2);
    assert_eq!(
        std::fs::read_to_string(project.join("draft.toml")).unwrap(),
        "keep"
    );
}

// ---------------------------------------------------------------- check

const HEAD: &str = r#"id = "thu"
title = "Báo cáo thử"
version = "1"
period = "year"

[[sheets]]
id = "bieu"
kind = "form"
name = "Biểu 01"
"#;

fn field(id: &str, label: &str) -> String {
    format!(
        "\n[[sheets.fields]]\nid = \"{id}\"\nlabel = \"{label}\"\ntype = \"integer\"\nmin = 0\n"
    )
}

fn check(schema: &str, lang: &[&str]) -> common::Run {
    let project = Project::empty();
    std::fs::write(project.join("s.toml"), schema).unwrap();
    let mut args = vec!["schema", "check", "s.toml"];
    args.extend(lang);
    project.run(&args)
}

#[test]
fn a_clean_schema_checks_with_exit_0_and_shows_the_file_layout() {
    let schema = format!(
        "{HEAD}{}{}",
        field("so_ho", "Số hộ"),
        field("so_nguoi", "Số người")
    );
    let run = check(&schema, &[]);
    run.assert_code(0);
    assert!(run.stdout.contains("không có cảnh báo"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("Dòng tiêu đề bảng: STT | Chỉ tiêu | Đơn vị tính | Số liệu | Ghi chú")
    );
    assert!(
        run.stdout.contains("Số hộ — số nguyên ≥ 0"),
        "{}",
        run.stdout
    );
    let run = check(&schema, &["--lang", "en"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("Table header: STT | Chỉ tiêu"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Số hộ — whole number ≥ 0"),
        "{}",
        run.stdout
    );
}

#[test]
fn labels_a_typo_apart_are_a_warning() {
    let schema = format!(
        "{HEAD}{}{}",
        field("so_ho_ngheo", "Số hộ nghèo"),
        field("so_ho_ngheo_2", "Số hộ nghèo.")
    );
    let run = check(&schema, &[]);
    run.assert_code(1);
    assert!(run.stdout.contains("giống hệt nhau"), "{}", run.stdout);
    let schema = format!(
        "{HEAD}{}{}",
        field("ho_ngheo", "Số hộ nghèo"),
        field("ho_can", "Số hộ nghèp")
    );
    let run = check(&schema, &["--lang", "en"]);
    run.assert_code(1);
    assert!(
        run.stdout.contains("differ by 1 characters"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("sheets.bieu.fields.ho_can"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_list_label_that_starts_another_is_a_warning() {
    let schema = r#"id = "thu"
title = "Danh sách thử"
version = "1"
period = "year"

[[sheets]]
id = "ds"
kind = "list"
name = "Danh sách"

[[sheets.fields]]
id = "dien_tich"
label = "Diện tích"
type = "number"

[[sheets.fields]]
id = "dien_tich_kho"
label = "Diện tích kho"
type = "number"
"#;
    let run = check(schema, &[]);
    run.assert_code(1);
    assert!(
        run.stdout.contains("là phần đầu của nhãn kia"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_rule_that_can_never_fail_is_a_warning() {
    let fields = format!(
        "{}{}",
        field("so_ho", "Số hộ"),
        field("so_nguoi", "Số người")
    );
    for check_expr in [
        "so_ho >= 0",
        "so_ho = so_ho",
        "0 <= so_nguoi AND so_ho >= 0",
    ] {
        let schema = format!(
            "{HEAD}{fields}\n[[rules]]\nid = \"r\"\nseverity = \"error\"\ncheck = \"{check_expr}\"\nmessage = \"sai\"\n"
        );
        let run = check(&schema, &[]);
        run.assert_code(1);
        assert!(
            run.stdout.contains("quy tắc “r” không bao giờ sai"),
            "{check_expr}: {}",
            run.stdout
        );
        assert!(
            run.stdout.contains("dòng 26"),
            "{check_expr}: {}",
            run.stdout
        );
    }
    // A rule that can fail is no warning.
    let schema = format!(
        "{HEAD}{fields}\n[[rules]]\nid = \"r\"\nseverity = \"error\"\ncheck = \"so_nguoi >= so_ho\"\nmessage = \"sai\"\n"
    );
    check(&schema, &[]).assert_code(0);
}

#[test]
fn an_indicator_that_reads_no_field_is_a_warning() {
    let schema = format!(
        "{HEAD}{}\n[[indicators]]\nid = \"hang_so\"\nlabel = \"Hằng số\"\nnumerator = \"100\"\n",
        field("so_ho", "Số hộ")
    );
    let run = check(&schema, &["--lang", "en"]);
    run.assert_code(1);
    assert!(
        run.stdout.contains("indicator “hang_so” reads no field"),
        "{}",
        run.stdout
    );
    // count(*) counts the units: it reads something.
    let schema = format!(
        "{HEAD}{}\n[[indicators]]\nid = \"so_xa\"\nlabel = \"Số xã\"\nnumerator = \"count(*)\"\n",
        field("so_ho", "Số hộ")
    );
    check(&schema, &[]).assert_code(0);
}

#[test]
fn a_schema_that_does_not_load_is_exit_2() {
    let schema = format!("{HEAD}{}", field("So Ho", "Số hộ"));
    let run = check(&schema, &[]);
    run.assert_code(2);
    assert!(run.stderr.contains("So Ho"), "{}", run.stderr);
}

/// A file that cannot be read, or holds no table, is exit 2 with the reason
/// in the chosen language; nothing is written.
#[test]
fn infer_says_why_it_cannot_draft() {
    let project = Project::empty();
    let cases = [
        ("broken/empty.xlsx", "no form table or list found"),
        ("broken/encrypted.xlsx", "password-protected"),
        ("broken/truncated.xlsx", "corrupt or truncated"),
    ];
    for (file, reason) in cases {
        let path = fixture(file);
        let run = project.run(&[
            "schema",
            "infer",
            path.to_str().unwrap(),
            "-o",
            "draft.toml",
            "--lang",
            "en",
        ]);
        run.assert_code(2);
        assert!(run.stderr.contains(reason), "{file}: {}", run.stderr);
        assert!(!project.join("draft.toml").exists());
    }
}

/// The tnxh form's schema (several value columns, one derived, rows with
/// only some columns, words of its own): clean — the values of one row are
/// not labels too similar to tell apart — and its description shows the
/// value columns in the header, each column's other headers and formula,
/// and which columns each row has.
#[test]
fn a_schema_with_value_columns_is_described_column_by_column() {
    let project = Project::empty();
    let schema = common::repo().join("tests/forms/tnxh/schema.toml");
    let run = project.run(&["schema", "check", schema.to_str().unwrap()]);
    run.assert_code(0);
    for want in [
        "Dòng tiêu đề bảng: STT | Nội dung | Đơn vị tính | Kỳ này | Cùng kỳ năm trước | So sánh (%) | Ghi chú",
        "“Cùng kỳ năm trước” hoặc “Cùng kỳ” — theo kiểu của dòng",
        "“So sánh (%)” hoặc “So sánh cùng kỳ (%)” — tính = Kỳ này / Cùng kỳ năm trước * 100",
        "1  Số vụ vi phạm phát hiện [Vụ] — số nguyên ≥ 0 (cột: Kỳ này, Cùng kỳ năm trước, So sánh (%))",
        "5  Kinh phí chi cho công tác phòng ngừa [Triệu đồng] — số ≥ 0 (cột: Kỳ này, Cùng kỳ năm trước)",
        "lành mạnh, không có tệ nạn xã hội — Đạt/Chưa đạt (cột: Kỳ này)",
        "Đã kiểm tra trong kỳ — x/(trống)",
    ] {
        assert!(run.stdout.contains(want), "{want}:\n{}", run.stdout);
    }
    let run = project.run(&["schema", "check", schema.to_str().unwrap(), "--lang", "en"]);
    assert!(
        run.stdout
            .contains("“Kỳ này” or “Thực hiện kỳ này”, “Kỳ báo cáo” — the row's type"),
        "{}",
        run.stdout
    );
}

/// A filled pcma file (`scripts/make_pcma_form.py`): "Năm sinh" over "Nam |
/// Nữ" with one filled per record is drafted as one field `split_by` a
/// "Giới tính" choice, the list's further sheet with the same header as
/// `continued`, and the period "từ ngày 15/12/2023 đến ngày 14/6/2024" as a
/// half year whose window the comment names (`cutoff_day = 15`). With that
/// draft as it is, `build` reads every value of the file (both sheets of the
/// list) from the same cell as the hand-written schema.
#[test]
fn a_draft_from_a_filled_file_has_its_split_columns_and_continued_list() {
    let project = Project::empty();
    common::copy_dir(&common::repo().join("tests/forms/pcma"), project.path());
    let _ = std::fs::remove_dir_all(project.join("out"));
    let keep = "BC_PCMA_6T_2024_PhaLong.xlsx";
    for entry in std::fs::read_dir(project.join("inbox")).unwrap() {
        let path = entry.unwrap().path();
        if !path.ends_with(keep) {
            std::fs::remove_file(path).unwrap();
        }
    }
    let form = format!("inbox/{keep}");
    let run = project.run(&["schema", "infer", &form, "-o", "draft.toml"]);
    run.assert_code(0);
    let draft = std::fs::read_to_string(project.join("draft.toml")).unwrap();
    for want in [
        "continued = true   # đoán: trang “Biểu 02 (tiếp)” có cùng tiêu đề cột",
        "label = \"Năm sinh\"\ntype = \"integer\"   # đoán: theo 9 giá trị đã điền\nsplit_by = \"gioi_tinh\"",
        "id = \"gioi_tinh\"\nlabel = \"Giới tính\"\ntype = \"choice\"   # đoán: các tiêu đề cột con\nchoices = [{ value = \"Nam\" }, { value = \"Nữ\" }]",
        "period = \"half\"   # đoán: kỳ từ 15/12/2023 đến 14/06/2024 (183 ngày); kỳ không theo tháng dương lịch: đặt cutoff_day = 15",
    ] {
        assert!(draft.contains(want), "{want}:\n{draft}");
    }
    project.run(&["build", "-o", "out1"]).assert_code(0);
    project
        .run(&["build", "--schema", "draft.toml", "-o", "out2"])
        .assert_code(0);
    let values = |path: std::path::PathBuf| -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = read_csv(&path)
            .into_iter()
            .map(|r| (r["source_cell"].clone(), r["value"].clone()))
            .collect();
        out.sort();
        out
    };
    let hand = values(project.join("out1/pcma-2024-H1-du-lieu.csv"));
    let inferred = values(project.join("out2/bc_pcma_6t_2024-2024-H1-du-lieu.csv"));
    assert!(
        hand.iter()
            .any(|(cell, _)| cell.starts_with("Biểu 02 (tiếp)!")),
        "{hand:?}"
    );
    assert_eq!(hand.len(), 83);
    assert_eq!(hand, inferred);
}

/// The pcma form's blank template (`tonghop template`) drafts plain "Năm
/// sinh" and "Giới tính" columns (the template does not split them) and one
/// list sheet. After the edits the draft's comments point to — the choices'
/// values and aliases ("# xem lại: … aliases"; the template's drop-down
/// cannot hold "Cai nghiện tại gia đình, cộng đồng", whose comma splits it),
/// `split_by` ("# xem lại: … split_by" under "Giới tính"), `continued` and
/// `[[sheets.keys]]` (the list's "# xem lại"), and the heading's "thêm
/// rules/indicators" (the hand-written aggregates, unit attribute, rules and
/// indicators, ids renamed by label) — every commune file gets the status
/// it gets with the hand-written schema, and `build` the same totals and
/// indicators.
#[test]
fn a_draft_from_the_pcma_blank_template_gives_the_same_totals() {
    let project = Project::empty();
    common::copy_dir(&common::repo().join("tests/forms/pcma"), project.path());
    let _ = std::fs::remove_dir_all(project.join("out"));
    let draft = common::drafts::infer_blank(&project);
    for want in [
        "thêm split_by = \"gioi_tinh\" vào trường ấy",
        "continued = true; bản ghi trùng theo nhiều cột",
    ] {
        assert!(draft.contains(want), "{want}:\n{draft}");
    }
    let hand = std::fs::read_to_string(project.join("schema.toml")).unwrap();
    let edited = common::drafts::with_review_edits(&draft, &hand);
    let edited = common::drafts::with_hand_rules(&edited, &hand);
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
    assert_eq!(statuses("schema.toml"), statuses("edited.toml"), "{edited}");
    project.run(&["build", "-o", "out1"]).assert_no_panic();
    project
        .run(&["build", "--schema", "edited.toml", "-o", "out2"])
        .assert_no_panic();
    let book = |out: &str| project.join(&format!("{out}/pcma-2024-H1-tong-hop.xlsx"));
    let hand_totals = common::drafts::totals_by_header(&book("out1"));
    let draft_totals = common::drafts::totals_by_header(&book("out2"));
    assert!(hand_totals.len() >= 5, "{hand_totals:?}");
    for (hand_total, draft_total) in hand_totals.iter().zip(&draft_totals).take(5) {
        assert_eq!(hand_total, draft_total);
        assert!(hand_total.1.is_some(), "{hand_total:?}");
    }
    let indicators = |out: &str| -> BTreeMap<String, String> {
        read_csv(&project.join(&format!("{out}/pcma-2024-H1-chi-tieu.csv")))
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
        hand_indicators.contains_key("083 nghien_tren_10000_dan"),
        "{hand_indicators:?}"
    );
    assert_eq!(hand_indicators, indicators("out2"));
}

/// The pcma form's list as `schema check` describes it: the year of birth
/// that may be written under "Nam" | "Nữ", each choice quoted (one holds a
/// comma), the key over two fields and that the list may go on.
#[test]
fn a_list_in_other_shapes_is_described() {
    let project = Project::empty();
    let schema = common::repo().join("tests/forms/pcma/schema.toml");
    let run = project.run(&["schema", "check", schema.to_str().unwrap()]);
    for want in [
        "Năm sinh — số nguyên ≥ 1930 ≤ 2012; hoặc ghi dưới một trong các cột con Nam | Nữ",
        "Hình thức quản lý — chọn một: “Cai nghiện tại gia đình, cộng đồng”, “Cai nghiện tại cơ sở”, “Quản lý sau cai”",
        "Không trùng nhau theo: Họ và tên + Năm sinh, cả giữa các xã",
        "Danh sách dài có thể ghi tiếp sang trang sau, cùng dòng tiêu đề.",
    ] {
        assert!(run.stdout.contains(want), "{want}:\n{}", run.stdout);
    }
    let run = project.run(&["schema", "check", schema.to_str().unwrap(), "--lang", "en"]);
    assert!(
        run.stdout
            .contains("No two records alike in: Họ và tên + Năm sinh, also between units"),
        "{}",
        run.stdout
    );
}
