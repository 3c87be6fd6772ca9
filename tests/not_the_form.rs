//! Real spreadsheets that are not the pcmd form — the Vietnamese government
//! files of the public corpus (legacy-font ministry reports, the statistics
//! office's unit lists) and a few foreign test tables — must each get exactly
//! one finding: `template-unrecognized`, quoting the file's own title (or the
//! single finding saying the file cannot be read at all). Never a
//! sheet-missing, a field-missing per row or a title taken for a unit name.
//! The corpus is read from `../shared/corpus` (or `TONGHOP_CORPUS`); the test
//! says so and passes when it is absent.

mod common;

use std::path::PathBuf;

use tonghop::Code;
use tonghop::Config;
use tonghop::Period;
use tonghop::Registry;
use tonghop::Schema;
use tonghop::check_file;

fn corpus_dir() -> Option<PathBuf> {
    let repo = common::repo();
    std::env::var_os("TONGHOP_CORPUS")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            repo.join("../shared/corpus"),
            repo.join("../../shared/corpus"),
            PathBuf::from("/work/shared/corpus"),
        ])
        .find(|d| d.join("MANIFEST.tsv").is_file())
}

fn config() -> Config {
    let schema = Schema::load(&common::schema_path()).unwrap();
    let registry = Registry::load(&common::units_path()).unwrap();
    let period = Period::parse("2023", schema.period).unwrap();
    Config::new(schema, registry, period)
}

/// Foreign test tables: plain tables, several sheets, merged cells.
const FOREIGN: [&str; 6] = [
    "frictionless-py/multiline-headers.xlsx",
    "frictionless-py/table.xls",
    "frictionless-py/sheets.xlsx",
    "frictionless-py/merged-cells.xlsx",
    "calamine/any_sheets.ods",
    "rust_xlsxwriter/autofilter00.xlsx",
];

const FILE_LEVEL: [Code; 4] = [
    Code::FileUnreadable,
    Code::FileUnsupported,
    Code::FileEncrypted,
    Code::FileTooLarge,
];

#[test]
fn unrelated_real_files_get_one_finding_each() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("corpus not found: skipped");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join("real-vn"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xls"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the real Vietnamese files are there");
    files.extend(FOREIGN.iter().map(|f| corpus.join(f)));
    let config = config();
    let mut wrong = Vec::new();
    let mut titled = 0;
    for file in &files {
        let s = check_file(file, &config);
        let codes: Vec<Code> = s.findings.iter().map(|f| f.code).collect();
        let ok = match codes.as_slice() {
            [Code::TemplateUnrecognized] => {
                let message = &s.findings[0].message.vi;
                titled += usize::from(message.starts_with("Tệp này là “"));
                true
            }
            [code] => FILE_LEVEL.contains(code),
            _ => false,
        };
        if !ok {
            wrong.push(format!("{}: {codes:?}", file.display()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(titled >= 10, "the messages quote the files' titles");
}

#[test]
fn the_message_quotes_the_title_of_a_real_report() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("corpus not found: skipped");
        return;
    };
    // A district's budget settlement of 2004 (VNI fonts): its title is the
    // line in capitals below the issuing body ("THÀNH PHỐ HỒ CHÍ MINH",
    // "UBND HUYỆN CẦN GIỜ") and the form's number.
    let s = check_file(
        &corpus.join("real-vn/viparse-vni-2006-Mau21_CKTC_NSH.xls"),
        &config(),
    );
    assert_eq!(s.findings.len(), 1, "{:#?}", s.findings);
    let f = &s.findings[0];
    assert_eq!(f.code, Code::TemplateUnrecognized);
    assert!(
        f.message
            .vi
            .starts_with("Tệp này là “CÂN ĐỐI QUYẾT TOÁN NGÂN SÁCH HUYỆN NĂM 2004”"),
        "{}",
        f.message.vi
    );
    assert!(
        f.message
            .vi
            .contains("“Báo cáo kết quả công tác phòng, chống tệ nạn mại dâm”"),
        "{}",
        f.message.vi
    );
}
