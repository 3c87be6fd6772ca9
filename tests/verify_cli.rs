//! The consolidated workbook as it is printed and audited: the "Biểu đồ"
//! sheet's native charts (their XML parts, the ranges their series read),
//! the signature block and page numbers on every printed sheet, and
//! `tonghop verify`, which must pass on a fresh build and name the sheet and
//! cell after a figure is typed over, a source changed or removed, or the
//! schema's version changed.

mod common;

use calamine::{Data, Reader};
use common::{Project, Run, data_text as text, workbook, write_zip, zip_entries, zip_text};

const BOOK: &str = "out/pcmd-2023-tong-hop.xlsx";

/// The sample built into `out/`.
fn built(lang: Option<&str>) -> Project {
    let project = Project::sample("van-ban-2023");
    let mut args = vec!["build"];
    if let Some(lang) = lang {
        args.extend(["--lang", lang]);
    }
    project.run(&args).assert_code(0);
    project
}

/// The XML part of a sheet, by its name, through workbook.xml and its rels.
fn sheet_xml(entries: &[(String, Vec<u8>)], name: &str) -> String {
    let book = zip_text(entries, "xl/workbook.xml");
    let at = book
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("sheet {name} in workbook.xml"));
    let rid = &book[at..];
    let rid = &rid[rid.find("r:id=\"").unwrap() + 6..];
    let rid = &rid[..rid.find('"').unwrap()];
    let rels = zip_text(entries, "xl/_rels/workbook.xml.rels");
    let rel = &rels[rels.find(&format!("Id=\"{rid}\"")).unwrap()..];
    let target = &rel[rel.find("Target=\"").unwrap() + 8..];
    let target = &target[..target.find('"').unwrap()];
    zip_text(entries, &format!("xl/{target}"))
}

/// Every chart part's text, in order (chart1.xml, chart2.xml, …).
fn charts(entries: &[(String, Vec<u8>)]) -> Vec<String> {
    (1..)
        .map(|i| format!("xl/charts/chart{i}.xml"))
        .take_while(|name| entries.iter().any(|(n, _)| n == name))
        .map(|name| zip_text(entries, &name))
        .collect()
}

/// The `<c:f>` ranges of a chart part, in order.
fn ranges(chart: &str) -> Vec<String> {
    chart
        .split("<c:f>")
        .skip(1)
        .map(|s| s[..s.find("</c:f>").unwrap()].to_string())
        .collect()
}

/// The 0-based row whose column `col` reads `label`.
fn row_of(range: &calamine::Range<Data>, col: u32, label: &str) -> u32 {
    let end = range.end().unwrap().0;
    (0..=end)
        .find(|&r| range.get_value((r, col)).map(text).as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no row reading {label:?} in column {col}"))
}

fn number(range: &calamine::Range<Data>, row: u32, col: u32) -> f64 {
    match range.get_value((row, col)) {
        Some(Data::Float(f)) => *f,
        other => panic!("a number at ({row}, {col}), found {other:?}"),
    }
}

// ----------------------------------------------------------- 1. charts

#[test]
fn the_chart_sheet_holds_native_charts_reading_the_tables() {
    let project = built(None);
    let entries = zip_entries(&project.join(BOOK));
    let charts = charts(&entries);
    // One per indicator shown as a number (7 in pcmd.toml), and one of the
    // indicators that have a target.
    assert_eq!(charts.len(), 8, "native chart parts");
    assert!(
        sheet_xml(&entries, "Biểu đồ").contains("<drawing r:id="),
        "the charts are drawn on the Biểu đồ sheet"
    );

    let mut book = workbook(&project.join(BOOK));
    let by_unit = book.worksheet_range("Chỉ tiêu theo xã").unwrap();
    // The first per-unit chart: the first indicator, column E, one row per
    // registry unit (22) below the header row 8.
    let first = charts
        .iter()
        .find(|c| ranges(c).iter().any(|r| r.contains("Chỉ tiêu theo xã")))
        .expect("a per-unit chart");
    assert_eq!(
        ranges(first),
        [
            "'Chỉ tiêu theo xã'!$C$9:$C$30",
            "'Chỉ tiêu theo xã'!$E$9:$E$30"
        ]
    );
    let label = text(by_unit.get_value((7, 4)).unwrap());
    assert!(first.contains(&label), "the chart is titled {label}");
    assert_eq!(
        text(by_unit.get_value((8, 2)).unwrap()),
        "Thị trấn Khánh Yên"
    );
    let sum: f64 = (8..30).map(|r| number(&by_unit, r, 4)).sum();
    assert_eq!(
        sum, 44.0,
        "the bars add up to the district's 44 establishments"
    );
}

#[test]
fn the_target_chart_reads_results_and_targets_of_the_indicator_sheet() {
    let project = built(None);
    let entries = zip_entries(&project.join(BOOK));
    let target = charts(&entries)
        .into_iter()
        .find(|c| ranges(c).iter().any(|r| r.starts_with("'Biểu đồ'")))
        .expect("the chart of results against targets");
    let series = ranges(&target);
    assert_eq!(
        series,
        [
            "'Biểu đồ'!$A$9:$A$12",
            "'Biểu đồ'!$B$9:$B$12",
            "'Biểu đồ'!$A$9:$A$12",
            "'Biểu đồ'!$C$9:$C$12"
        ]
    );
    let mut book = workbook(&project.join(BOOK));
    let charts = book.worksheet_range("Biểu đồ").unwrap();
    let formulas = book.worksheet_formula("Biểu đồ").unwrap();
    let indicators = book.worksheet_range("Chỉ tiêu").unwrap();
    for row in 8..12 {
        let label = text(charts.get_value((row, 0)).unwrap());
        let at = row_of(&indicators, 1, &label);
        let result = formulas.get_value((row, 1)).unwrap();
        assert_eq!(result, &format!("'Chỉ tiêu'!$G${}", at + 1), "{label}");
        assert_eq!(
            number(&charts, row, 1),
            number(&indicators, at, 6),
            "{label}"
        );
        assert_eq!(
            number(&charts, row, 2),
            number(&indicators, at, 7),
            "{label}"
        );
        assert_eq!(number(&charts, row, 2), 100.0, "{label}: the target");
    }
}

// ------------------------------------------------ 2. signatures, pages

/// Each sheet's last rows hold the place-and-date line and both signers,
/// and its XML the footer with the page numbers.
fn assert_signed(project: &Project, lines: [&str; 4], footer: &str) {
    let entries = zip_entries(&project.join(BOOK));
    let mut book = workbook(&project.join(BOOK));
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).unwrap();
        let end = range.end().unwrap().0;
        let tail: Vec<String> = (end.saturating_sub(8)..=end)
            .flat_map(|r| (0..20).map(move |c| (r, c)))
            .filter_map(|at| range.get_value(at).map(text))
            .filter(|t| !t.is_empty())
            .collect();
        for line in lines {
            assert!(
                tail.iter().any(|t| t == line),
                "{sheet} ends with {line:?}: {tail:?}"
            );
        }
        let xml = sheet_xml(&entries, &sheet);
        assert!(xml.contains(footer), "{sheet}: the footer {footer}");
    }
}

#[test]
fn every_printed_sheet_ends_with_the_signature_block_and_numbers_its_pages() {
    let project = built(None);
    assert_signed(
        &project,
        [
            "Văn Bàn, ngày …… tháng …… năm ……",
            "NGƯỜI LẬP BIỂU",
            "THỦ TRƯỞNG ĐƠN VỊ",
            "(Ký tên, đóng dấu)",
        ],
        "<oddFooter>&amp;C&amp;\"Times New Roman\"Trang &amp;P/&amp;N</oddFooter>",
    );
}

#[test]
fn the_signature_block_and_page_numbers_in_english() {
    let project = built(Some("en"));
    assert_signed(
        &project,
        [
            "Văn Bàn, date ……………………",
            "PREPARED BY",
            "HEAD OF UNIT",
            "(Signature and seal)",
        ],
        "<oddFooter>&amp;C&amp;\"Times New Roman\"Page &amp;P/&amp;N</oddFooter>",
    );
}

// ------------------------------------------------------------ 3. verify

fn verify(project: &Project, extra: &[&str]) -> Run {
    let mut args = vec!["verify", BOOK];
    args.extend(extra);
    project.run(&args)
}

/// The workbook with one sheet's XML changed by `edit`.
fn edit_sheet(project: &Project, sheet: &str, edit: impl Fn(&mut String)) {
    let path = project.join(BOOK);
    let mut entries = zip_entries(&path);
    let mut xml = sheet_xml(&entries, sheet);
    let before = xml.clone();
    edit(&mut xml);
    let entry = entries
        .iter_mut()
        .find(|(_, bytes)| bytes == before.as_bytes())
        .unwrap();
    entry.1 = xml.into_bytes();
    write_zip(&path, &entries);
}

/// The 1-based row of a source file on the Nguồn sheet.
fn source_row(project: &Project, file: &str) -> u32 {
    let mut book = workbook(&project.join(BOOK));
    let sources = book.worksheet_range("Nguồn").unwrap();
    row_of(&sources, 0, file) + 1
}

fn assert_names(run: &Run, line: &str) {
    run.assert_code(1);
    assert!(
        run.stdout.lines().any(|l| l.trim() == line),
        "verify says {line:?}:\n{}",
        run.stdout
    );
}

#[test]
fn verify_passes_on_a_fresh_build() {
    let project = built(None);
    let run = verify(&project, &[]);
    run.assert_code(0);
    assert_eq!(run.stdout, "khớp\n");
    let run = verify(&project, &["--lang", "en"]);
    run.assert_code(0);
    assert_eq!(run.stdout, "match\n");
}

#[test]
fn verify_names_a_figure_typed_over() {
    let project = built(None);
    // Xã Nậm Mả's establishments (row 10, column E) typed over.
    let mut book = workbook(&project.join(BOOK));
    let summary = book.worksheet_range("Tổng hợp").unwrap();
    let was = text(summary.get_value((9, 4)).unwrap());
    assert_ne!(was, "77");
    edit_sheet(&project, "Tổng hợp", |xml| {
        common::set_cell(xml, "E10", "77", true)
    });
    assert_names(
        &verify(&project, &[]),
        &format!("Tổng hợp!E10: trong bảng tính “77”, từ nguồn “{was}”"),
    );
}

#[test]
fn verify_names_a_total_whose_stored_value_was_changed() {
    let project = built(None);
    // The stored result of the total formula of the establishments (column
    // I, the fifth field): 44; the formula itself is kept.
    edit_sheet(&project, "Tổng hợp", |xml| {
        let start = xml.find("<c r=\"I31\"").unwrap();
        let end = start + xml[start..].find("</c>").unwrap();
        let cell = xml[start..end].replace("<v>44</v>", "<v>45</v>");
        assert!(cell.contains("<f>SUM(I9:I30)</f><v>45</v>"), "{cell}");
        xml.replace_range(start..end, &cell);
    });
    let run = verify(&project, &[]);
    assert_names(&run, "Tổng hợp!I31: trong bảng tính “45”, từ nguồn “44”");
    assert_eq!(
        run.stdout.lines().count(),
        2,
        "that cell only:\n{}",
        run.stdout
    );
}

#[test]
fn verify_names_a_source_changed_by_one_byte() {
    let project = built(None);
    let file = "inbox/bao cao PCMD KY Ha nam 2023.xls";
    let row = source_row(&project, file);
    let path = project.join(file);
    let recorded = tonghop::sha256_hex(&std::fs::read(&path).unwrap());
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    let now = tonghop::sha256_hex(&bytes);
    assert_names(
        &verify(&project, &[]),
        &format!("Nguồn!B{row}: trong bảng tính “{recorded}”, từ nguồn “{now}”"),
    );
}

#[test]
fn verify_names_a_missing_source_and_the_figures_it_held() {
    let project = built(None);
    let file = "inbox/NamXay_2023.xlsx";
    let row = source_row(&project, file);
    std::fs::remove_file(project.join(file)).unwrap();
    let run = verify(&project, &[]);
    assert_names(
        &run,
        &format!("Nguồn!A{row}: trong bảng tính “{file}”, từ nguồn “(không tìm thấy tệp)”"),
    );
    let mut book = workbook(&project.join(BOOK));
    let summary = book.worksheet_range("Tổng hợp").unwrap();
    let unit = row_of(&summary, 2, "Xã Nậm Xây") + 1;
    assert_names(
        &run,
        &format!("Tổng hợp!D{unit}: trong bảng tính “Đã nộp”, từ nguồn “Chưa nộp”"),
    );
}

#[test]
fn verify_names_another_schema_version() {
    let project = Project::sample("van-ban-2023");
    let schema = std::fs::read_to_string(common::schema_path()).unwrap();
    let bumped = schema.replace("version = \"1.0.0\"", "version = \"1.0.1\"");
    assert_ne!(bumped, schema);
    common::write_schema_copy(&project.join("."), &bumped);
    project
        .run(&["build", "--schema", "pcmd.toml"])
        .assert_code(0);
    // The schema the workbook names is now of another version.
    common::write_schema_copy(&project.join("."), &schema);
    let mut book = workbook(&project.join(BOOK));
    let sources = book.worksheet_range("Nguồn").unwrap();
    let row = row_of(&sources, 0, "Phiên bản lược đồ") + 1;
    assert_eq!(text(sources.get_value((row - 1, 1)).unwrap()), "1.0.1");
    assert_names(
        &verify(&project, &[]),
        &format!("Nguồn!B{row}: trong bảng tính “1.0.1”, từ nguồn “1.0.0”"),
    );
}

#[test]
fn verify_finds_the_sources_in_another_folder() {
    let project = built(None);
    std::fs::rename(project.join("inbox"), project.join("hop-thu")).unwrap();
    verify(&project, &[]).assert_code(1);
    let run = verify(&project, &["--inbox", "hop-thu"]);
    run.assert_code(0);
    assert_eq!(run.stdout, "khớp\n");
}

#[test]
fn verify_refuses_a_file_that_is_not_a_consolidated_workbook() {
    let project = built(None);
    let run = project.run(&["verify", "inbox/NamXay_2023.xlsx"]);
    run.assert_code(2);
    assert!(run.stderr.contains("Nguồn"), "{}", run.stderr);
    project
        .run(&["verify", "out/pcmd-2023-chi-tieu.csv"])
        .assert_code(2);
}

#[test]
fn verify_names_a_total_formula_changed_under_its_stored_value() {
    let project = built(None);
    // The formula no longer adds the last unit; its stored 44 is kept, so
    // only Excel's recalculation would show the change.
    edit_sheet(&project, "Tổng hợp", |xml| {
        let before = xml.clone();
        *xml = xml.replace("<f>SUM(I9:I30)</f>", "<f>SUM(I9:I29)</f>");
        assert_ne!(*xml, before);
    });
    let run = verify(&project, &[]);
    assert_names(
        &run,
        "Tổng hợp!I31: trong bảng tính “=SUM(I9:I29)”, từ nguồn “=SUM(I9:I30)”",
    );
}

#[test]
fn verify_names_a_status_typed_over_on_the_sources_sheet() {
    let project = built(None);
    let row = source_row(&project, "inbox/NamXay_2023.xlsx");
    edit_sheet(&project, "Nguồn", |xml| {
        common::set_cell(xml, &format!("H{row}"), "Bị loại", false)
    });
    assert_names(
        &verify(&project, &[]),
        &format!("Nguồn!H{row}: trong bảng tính “Bị loại”, từ nguồn “Đã nộp, hợp lệ”"),
    );
}

#[test]
fn verify_rebuilds_in_the_language_the_workbook_was_built_in() {
    let project = built(Some("en"));
    let run = verify(&project, &[]);
    run.assert_code(0);
    assert_eq!(run.stdout, "match\n", "told in the workbook's language");
    let run = verify(&project, &["--lang", "vi"]);
    run.assert_code(0);
    assert_eq!(run.stdout, "khớp\n");
}
