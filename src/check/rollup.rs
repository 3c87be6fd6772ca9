//! A lower level's build output as a submission. Before the 2025 reform a
//! province consolidates its districts' outputs, not its communes' files:
//! each district's data table (`<schema>-<period>-du-lieu.parquet` or `.csv`,
//! as `tonghop build` wrote it, every accepted value with its commune, file
//! and cell) is one submission of that district. It is checked like a
//! commune's file: its form (every field one of the schema's), its period,
//! and its unit — the district its communes belong to in the national list
//! of the period's end, else the one its folder or file name gives — against
//! the province's registry. The other files a district build writes beside
//! it (workbook, indicators, JSON report, feedback) are companions, skipped;
//! any other file is checked as a district's own report on the form.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::model::book::FileInfo;
use crate::model::finding::{Code, Finding};
use crate::model::messages;
use crate::model::registry::UnitMatch;
use crate::model::schema::{FieldDef, FieldType};
use crate::model::submission::{
    FieldValue, Fields, Part, Record, Sender, Source, Status, Submission, SubmissionData,
};
use crate::model::values::Value;

/// The columns a district's data table has (`output::tidy`).
const COLUMNS: [&str; 9] = [
    "unit_code",
    "unit_name",
    "period",
    "sheet_id",
    "field",
    "row",
    "value",
    "source_file",
    "source_cell",
];

const TABLE_SUFFIX: &str = "-du-lieu";

/// Whether a file is named as a build's data table ("pcmd-2023-du-lieu.csv",
/// ".parquet"): read as a district's output, not as a form.
pub(crate) fn is_table(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    [".csv", ".parquet"].iter().any(|ext| {
        name.strip_suffix(ext)
            .is_some_and(|s| s.ends_with(TABLE_SUFFIX))
    })
}

/// Whether a submission is a district's data table (when districts report).
pub(crate) fn is_rollup(s: &Submission, config: &Config) -> bool {
    config.level.reporting == crate::model::level::Reporting::Districts && is_table(&s.path)
}

/// The other outputs of a district's build, by the end of their names.
const COMPANIONS: [&str; 6] = [
    "-tong-hop.xlsx",
    "-chi-tieu.csv",
    "-chi-tieu.parquet",
    "-kiem-tra.json",
    "-bao-cao.docx",
    "-bao-cao.md",
];

/// Whether a file is one a district build writes beside its data table
/// (skipped): the workbook, the indicators, the JSON report and the
/// narrative report (`-bao-cao.docx`/`.md`) when their
/// data table is beside them, the CSV twin of a Parquet table, feedback
/// (`phan-hoi/`) and templates (`mau/`). A workbook without its table is
/// not skipped: it is told (see [`assess`]).
pub(crate) fn is_companion(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .map(|f| f.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let table_beside = |prefix: &str, exts: &[&str]| {
        exts.iter().any(|ext| {
            path.with_file_name(format!("{prefix}{TABLE_SUFFIX}.{ext}"))
                .is_file()
        })
    };
    let twin = name
        .strip_suffix(".csv")
        .and_then(|stem| stem.strip_suffix(TABLE_SUFFIX))
        .is_some_and(|prefix| table_beside(prefix, &["parquet"]));
    let beside_its_table = COMPANIONS.iter().any(|suffix| {
        name.strip_suffix(suffix)
            .is_some_and(|prefix| table_beside(prefix, &["parquet", "csv"]))
    });
    folder == "phan-hoi" || folder == "mau" || twin || beside_its_table
}

/// Whether a file is another output of a district's build without its
/// data table: read as an output (and told), not as a form.
pub(crate) fn is_lone_output(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    COMPANIONS.iter().any(|s| name.ends_with(s)) && !is_companion(path)
}

/// One district output checked: its communes' values as `parts`, its unit,
/// its period, and a finding for whatever does not fit.
pub(crate) fn assess(path: &Path, config: &Config) -> Submission {
    let mut submission = empty_submission(path, config);
    let table = match read_table(path, config) {
        Ok((info, table)) => {
            submission.info = Some(info);
            table
        }
        Err(finding) => {
            submission.findings.push(*finding);
            return submission;
        }
    };
    let mut findings = Vec::new();
    if let Some(period) = check_period(&table, config, &mut findings) {
        submission.period = Some(period);
    }
    let parts = parts(&table, config, &mut findings);
    let (unit, unit_findings) = identify_district(&parts, path, config);
    findings.extend(unit_findings);
    submission.unit = unit;
    submission.data = Some(SubmissionData {
        parts,
        ..SubmissionData::default()
    });
    submission.findings = findings;
    submission
}

fn empty_submission(path: &Path, config: &Config) -> Submission {
    Submission {
        path: path.to_path_buf(),
        file: config.source_path(path),
        info: None,
        format: None,
        unit: None,
        period: None,
        status: Status::Rejected,
        findings: Vec::new(),
        data: None,
        resubmission: None,
        mail: None,
        sender: Sender::Unchecked,
    }
}

/// A data table's rows, each a value per column of `COLUMNS`.
struct Table {
    rows: Vec<[String; 9]>,
}

/// Reads a data table (CSV or Parquet) within the size limit; a file that
/// is not one is a finding.
fn read_table(path: &Path, config: &Config) -> Result<(FileInfo, Table), Box<Finding>> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let not_a_table = || {
        let message = if is_table(path) {
            messages::not_a_district_table()
        } else {
            messages::district_output_without_table()
        };
        Box::new(Finding::new(Code::TemplateUnrecognized, message).value(name.clone()))
    };
    if !is_table(path) {
        return Err(not_a_table());
    }
    let bytes = read_limited(path, config)?;
    let info = FileInfo {
        size: bytes.len() as u64,
        sha256: crate::model::book::sha256_hex(&bytes),
        modified: std::fs::metadata(path).and_then(|m| m.modified()).ok(),
    };
    let columns = if name.ends_with(".csv") {
        csv_columns(&bytes)
    } else {
        parquet_columns(bytes)
    }
    .ok_or_else(not_a_table)?;
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !columns.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        return Err(Box::new(
            Finding::new(Code::TemplateUnrecognized, messages::not_a_district_table())
                .value(missing.join(", ")),
        ));
    }
    let height = columns.values().map(Vec::len).max().unwrap_or(0);
    let rows = (0..height)
        .map(|i| COLUMNS.map(|c| columns[c].get(i).cloned().unwrap_or_default()))
        .collect();
    Ok((info, Table { rows }))
}

fn read_limited(path: &Path, config: &Config) -> Result<Vec<u8>, Box<Finding>> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > config.limits.max_file_bytes {
        return Err(Box::new(
            Finding::new(
                Code::FileTooLarge,
                messages::file_too_large_bytes(size, config.limits.max_file_bytes),
            )
            .value(size.to_string()),
        ));
    }
    std::fs::read(path).map_err(|e| {
        Box::new(Finding::new(
            Code::FileUnreadable,
            messages::file_unreadable(&e.to_string()),
        ))
    })
}

/// Column name → values, from a CSV as `tables::write_csv` writes it (a BOM,
/// text a spreadsheet would run quoted with a leading `'`).
fn csv_columns(bytes: &[u8]) -> Option<BTreeMap<String, Vec<String>>> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let headers: Vec<String> = reader.headers().ok()?.iter().map(String::from).collect();
    let mut columns: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for record in reader.records() {
        let record = record.ok()?;
        for (name, value) in headers.iter().zip(record.iter()) {
            columns
                .entry(name.clone())
                .or_default()
                .push(unquote(value).to_string());
        }
    }
    for name in headers {
        columns.entry(name).or_default();
    }
    Some(columns)
}

/// The text `tables::neutralise` quoted, as it was.
fn unquote(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => value,
    }
}

fn parquet_columns(bytes: Vec<u8>) -> Option<BTreeMap<String, Vec<String>>> {
    use polars_io::SerReader;
    // A damaged file is a finding, never a crash, whatever the decoder does.
    let read = std::panic::catch_unwind(move || {
        polars_io::prelude::ParquetReader::new(std::io::Cursor::new(bytes)).finish()
    });
    let df = read.ok()?.ok()?;
    let cols = crate::model::frame::Columns::of(&df);
    let mut columns = BTreeMap::new();
    for name in df.get_column_names() {
        let values = (0..df.height())
            .map(|i| match cols.get(name.as_str(), i) {
                crate::model::frame::Out::Text(t) => t,
                crate::model::frame::Out::Num(n) => crate::model::values::format_number(n),
                crate::model::frame::Out::Bool(b) => b.to_string(),
                crate::model::frame::Out::Date(d) => d.format("%d/%m/%Y").to_string(),
                crate::model::frame::Out::Null => String::new(),
            })
            .collect();
        columns.insert(name.to_string(), values);
    }
    Some(columns)
}

/// The table's period: the one consolidated, else a finding naming the
/// period(s) it holds.
fn check_period(
    table: &Table,
    config: &Config,
    findings: &mut Vec<Finding>,
) -> Option<crate::model::period::Period> {
    let expected = config.period.id();
    let others: BTreeSet<&str> = table
        .rows
        .iter()
        .map(|r| r[2].as_str())
        .filter(|p| *p != expected)
        .collect();
    if others.is_empty() {
        return Some(config.period.clone());
    }
    let found: Vec<&str> = others.into_iter().collect();
    findings.push(
        Finding::new(
            Code::PeriodMismatch,
            messages::district_table_period(&found.join(", "), &config.period),
        )
        .value(found.join(", ")),
    );
    None
}

/// What kind of field a (sheet id, field id) of the table is in the schema.
#[derive(Clone, Copy)]
enum Slot<'a> {
    Form(&'a FieldDef),
    List(&'a FieldDef),
}

/// Every (sheet id, field id) of the schema, looked up once per row.
fn slots(config: &Config) -> HashMap<(&str, &str), Slot<'_>> {
    let schema = &config.schema;
    let form = schema
        .form_fields()
        .map(|(s, f)| ((s.id(), f.id()), Slot::Form(f)));
    let lists = schema.list_sheets().flat_map(|d| {
        d.fields
            .iter()
            .map(move |f| ((d.id(), f.id()), Slot::List(f)))
    });
    form.chain(lists).collect()
}

/// The communes of a table as they are read: each one's part, in the
/// table's order, and where each list record is (commune, sheet, row).
#[derive(Default)]
struct Parts {
    order: Vec<String>,
    by_code: HashMap<String, Part>,
    records: HashMap<(String, String, u32), usize>,
}

impl Parts {
    fn part(&mut self, code: &str, name: &str, file: &str) -> &mut Part {
        if !self.by_code.contains_key(code) {
            self.order.push(code.to_string());
        }
        self.by_code
            .entry(code.to_string())
            .or_insert_with(|| Part {
                unit_code: code.to_string(),
                unit_name: name.to_string(),
                file: file.to_string(),
                data: SubmissionData::default(),
            })
    }

    /// A list value into its record: one record per row of the commune's
    /// list sheet, found by its row, not by a scan.
    fn push_list_value(&mut self, code: &str, sheet_id: &str, field: &str, fv: FieldValue) {
        let key = (code.to_string(), sheet_id.to_string(), fv.source.row);
        let Some(part) = self.by_code.get_mut(code) else {
            return;
        };
        let records = part.data.lists.entry(sheet_id.to_string()).or_default();
        match self.records.get(&key) {
            Some(&i) => {
                records[i].values.insert(Arc::from(field), fv);
            }
            None => {
                self.records.insert(key, records.len());
                records.push(Record {
                    sheet: fv.source.sheet.clone(),
                    row: fv.source.row,
                    values: Fields::from_iter([(Arc::from(field), fv)]),
                });
            }
        }
    }

    fn into_vec(mut self) -> Vec<Part> {
        self.order
            .iter()
            .filter_map(|c| self.by_code.remove(c))
            .collect()
    }
}

/// Each commune's values, in the table's order; a field the schema does not
/// have or a value its type cannot hold is a finding.
fn parts(table: &Table, config: &Config, findings: &mut Vec<Finding>) -> Vec<Part> {
    let slots = slots(config);
    let mut parts = Parts::default();
    let mut unknown: BTreeSet<String> = BTreeSet::new();
    for row in &table.rows {
        let [code, name, _, sheet_id, field, _, value, file, cell] = row;
        let Some(&slot) = slots.get(&(sheet_id.as_str(), field.as_str())) else {
            unknown.insert(format!("{sheet_id}.{field}"));
            continue;
        };
        let part = parts.part(code, name, file);
        let (Slot::Form(def) | Slot::List(def)) = slot;
        let Some(parsed) = parse_value(def.ty, value) else {
            findings.push(
                Finding::new(Code::TypeError, messages::district_table_value(code, field))
                    .field(field)
                    .value(value.clone()),
            );
            continue;
        };
        let fv = FieldValue::new(Some(parsed), value.clone(), source_of(cell));
        match slot {
            Slot::Form(_) => {
                part.data.form.insert(field.clone(), fv);
            }
            Slot::List(_) => parts.push_list_value(code, sheet_id, field, fv),
        }
    }
    if !unknown.is_empty() {
        let fields: Vec<String> = unknown.into_iter().collect();
        findings.push(
            Finding::new(
                Code::TemplateUnrecognized,
                messages::district_table_other_form(&config.schema.title),
            )
            .value(fields.join(", ")),
        );
    }
    parts.into_vec()
}

/// A value as `consolidate::machine_value` spelt it, back in its type.
fn parse_value(ty: FieldType, text: &str) -> Option<Value> {
    let text = text.trim();
    match ty {
        FieldType::Integer => text
            .parse::<i64>()
            .ok()
            .or_else(|| {
                text.parse::<f64>()
                    .ok()
                    .filter(|n| n.fract() == 0.0)
                    .map(|n| n as i64)
            })
            .map(Value::Int),
        FieldType::Number => text.parse::<f64>().ok().map(Value::Num),
        FieldType::YesNo => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        FieldType::Date => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(Value::Date),
        FieldType::Text | FieldType::Choice => Some(Value::Text(text.to_string())),
    }
}

/// "Biểu 01!D14" → sheet "Biểu 01", row 13, column 3.
fn source_of(cell: &str) -> Source {
    let (sheet, a1) = cell.rsplit_once('!').unwrap_or(("", cell));
    let letters: String = a1.chars().take_while(char::is_ascii_alphabetic).collect();
    let col = letters.chars().fold(0u32, |n, c| {
        n * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)
    });
    let row: u32 = a1[letters.len()..].parse().unwrap_or(1);
    Source {
        sheet: Arc::from(sheet),
        row: row.saturating_sub(1),
        col: col.saturating_sub(1),
    }
}

/// The district a table is from: the one its communes belong to in the
/// national list of the period's end, else the one its folder or file name
/// gives; it must be in the registry.
fn identify_district(
    parts: &[Part],
    path: &Path,
    config: &Config,
) -> (Option<usize>, Vec<Finding>) {
    let national = crate::model::national::list_on(config.period.end());
    let parents: BTreeSet<&str> = parts
        .iter()
        .filter_map(|p| national.find(&p.unit_code))
        .map(|u| u.parent)
        .collect();
    let registry = &config.registry;
    match parents.into_iter().collect::<Vec<_>>().as_slice() {
        [] => by_path(path, config),
        [one] => match registry.find_code(one) {
            Some(u) => (Some(u), Vec::new()),
            None => {
                let name = national.find(one).map_or("", |u| u.name);
                let typed = format!("{one} {name}").trim().to_string();
                let finding = Finding::new(
                    Code::UnitUnknown,
                    messages::district_not_in_registry(&typed),
                )
                .value(typed);
                (None, vec![finding])
            }
        },
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|c| {
                    national
                        .find(c)
                        .map_or(c.to_string(), |u| u.name.to_string())
                })
                .collect();
            let finding = Finding::new(
                Code::UnitAmbiguous,
                messages::district_table_of_several(&names),
            )
            .value(names.join(", "));
            (None, vec![finding])
        }
    }
}

/// The district named by the table's folder and file name
/// ("inbox/van-ban/pcmd-2023-du-lieu.csv" → Huyện Văn Bàn).
fn by_path(path: &Path, config: &Config) -> (Option<usize>, Vec<Finding>) {
    let inbox = config.inbox.as_deref().unwrap_or(&config.project_dir);
    let rel = path.strip_prefix(inbox).unwrap_or(path);
    let words = rel
        .with_extension("")
        .to_string_lossy()
        .replace(['/', '\\'], " ");
    match config.registry.match_file_name(&words) {
        UnitMatch::Found(u) => (Some(u), Vec::new()),
        _ => (
            None,
            vec![
                Finding::new(
                    Code::UnitUnidentified,
                    messages::district_table_unidentified(),
                )
                .value(words),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::registry::{Registry, Unit};
    use std::path::PathBuf;

    /// A province's registry of two districts with made-up codes.
    fn config(districts: &[(&str, &str)]) -> Config {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let schema = crate::model::schema::Schema::load(&root.join("schemas/pcmd.toml")).unwrap();
        let units = districts
            .iter()
            .map(|(code, name)| Unit {
                kind: "Huyện".into(),
                ..Unit::named(code, name)
            })
            .collect();
        let registry = Registry::new(units, Path::new("don-vi.csv"));
        let period = crate::model::period::Period::parse("2023", schema.period).unwrap();
        let mut config = Config::new(schema, registry, period);
        config.inbox = Some("/p/inbox".into());
        config
    }

    fn part(code: &str) -> Part {
        Part {
            unit_code: code.into(),
            ..Part::default()
        }
    }

    #[test]
    fn a_district_by_its_communes_in_the_national_list() {
        let config = config(&[("089", "Huyện Văn Bàn"), ("087", "Huyện Bảo Yên")]);
        let anywhere = Path::new("/p/inbox/x/pcmd-2023-du-lieu.csv");
        let (unit, findings) =
            identify_district(&[part("03055"), part("03061")], anywhere, &config);
        assert_eq!((unit, findings.len()), (Some(0), 0));
        // Communes of two districts: whose table it is cannot be told.
        let (unit, findings) =
            identify_district(&[part("03055"), part("02947")], anywhere, &config);
        assert_eq!(unit, None);
        assert_eq!(findings[0].code, Code::UnitAmbiguous);
        // A district the registry does not list.
        let (unit, findings) = identify_district(&[part("02647")], anywhere, &config);
        assert_eq!(unit, None);
        assert_eq!(findings[0].code, Code::UnitUnknown);
    }

    #[test]
    fn a_district_by_its_folder_when_no_list_knows_its_communes() {
        let config = config(&[("X1", "Huyện Văn Bàn"), ("X2", "Huyện Bảo Yên")]);
        let parts = [part("99991")];
        let table =
            |folder: &str| PathBuf::from(format!("/p/inbox/{folder}/pcmd-2023-du-lieu.csv"));
        let (unit, findings) = identify_district(&parts, &table("bao-yen"), &config);
        assert_eq!((unit, findings.len()), (Some(1), 0));
        let (unit, findings) = identify_district(&parts, &table("khac"), &config);
        assert_eq!(unit, None);
        assert_eq!(findings[0].code, Code::UnitUnidentified);
    }

    #[test]
    fn cells_and_values_read_back() {
        assert_eq!(
            source_of("Biểu 01!D14"),
            Source {
                sheet: "Biểu 01".into(),
                row: 13,
                col: 3
            }
        );
        assert_eq!(source_of("S!AA2").col, 26);
        assert_eq!(parse_value(FieldType::Integer, "12"), Some(Value::Int(12)));
        assert_eq!(
            parse_value(FieldType::YesNo, "true"),
            Some(Value::Bool(true))
        );
        assert_eq!(parse_value(FieldType::YesNo, "Có"), None);
        assert_eq!(parse_value(FieldType::Number, "2.5"), Some(Value::Num(2.5)));
        assert_eq!(unquote("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unquote("'abc"), "'abc");
        assert!(parquet_columns(b"PAR1 not a table PAR1".to_vec()).is_none());
        assert!(csv_columns(b"\xEF\xBB\xBFa,b\n1,2,3\n").is_none());
    }
}
