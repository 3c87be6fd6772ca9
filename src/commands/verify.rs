//! `tonghop verify WORKBOOK [--inbox DIR]`: does a consolidated workbook say
//! what its sources say? For auditors, and for anyone handed the workbook.
//!
//! The design, the simplest that is sound: the workbook's Nguồn sheet names
//! every source file with its SHA-256, and the run's parameters (schema and
//! registry with their hashes, the schema's version, period, consolidating
//! unit, language, deadline, accepted senders, reading limits, tool).
//! `verify`
//! 1. checks that every file is there with the bytes recorded, and that the
//!    schema and registry it finds are the ones recorded (hash, version);
//! 2. runs the very pipeline `build` runs — check, consolidate, the workbook
//!    writer — on the files found, in memory: there is one definition of
//!    every figure and of its cell, so nothing is computed twice;
//! 3. reads both workbooks with calamine and compares every cell of every
//!    sheet: the value as stored — for a total formula its cached result,
//!    which is what a viewer shows — and the formula itself. Of Nguồn, the
//!    rows of its files (when all were found: else they no longer line up),
//!    but their names and hashes, which step 1 checked; its parameters are
//!    step 1's too (paths may differ with `--inbox`, `--schema`).
//!
//! Cells that may differ legitimately are left out: a file's modification
//! time (Tình hình nộp's "Thời điểm nhận", Nguồn's "Thời điểm sửa đổi"),
//! shown in the local time zone.
//! Files found under `--inbox` are named as the Nguồn sheet names them.
//! The newest of a unit's files is decided as `build` decides it (the
//! email's Date, else the modification time): copy an inbox keeping the
//! files' times.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use calamine::{Data, Reader, Xlsx};

use super::Outcome;
use crate::cli::{Cli, VerifyArgs};
use crate::config::{self, Config, ConsolidatingUnit, Mode};
use crate::model::finding::{Lang, column_name};
use crate::model::period::Period;
use crate::model::registry::Registry;
use crate::model::schema::Schema;
use crate::model::values::format_number;
use crate::output::workbook::{self, HEADER_ROW, RUN_PARAMETERS, SOURCES_SHEET};

/// Columns whose cells may legitimately differ: (sheet, 0-based column).
/// On Nguồn, the file's modification time; its name and hash (columns A
/// and B) are checked against the files themselves.
const UNSTABLE_COLUMNS: &[(&str, u32)] = &[
    ("Tình hình nộp", 5),
    (SOURCES_SHEET, 0),
    (SOURCES_SHEET, 1),
    (SOURCES_SHEET, 8),
];

/// One cell that does not say what the sources say.
#[derive(Debug)]
struct Difference {
    sheet: String,
    cell: String,
    workbook: String,
    sources: String,
}

/// What the Nguồn sheet records: the files (row, name, SHA-256) and the
/// run's parameters by key (row, value).
struct Recorded {
    files: Vec<(u32, String, String)>,
    params: HashMap<&'static str, (u32, String)>,
}

impl Recorded {
    fn get(&self, key: &str) -> &str {
        self.params.get(key).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    /// The A1 cell of a parameter's value.
    fn cell(&self, key: &str) -> String {
        let row = self.params.get(key).map_or(0, |(r, _)| *r);
        format!("B{}", row + 1)
    }
}

/// `tonghop verify`: 0 when every cell matches, 1 with the differences,
/// 2 (an error) when the workbook or what it names cannot be used.
pub(crate) fn run(cli: &Cli, args: &VerifyArgs) -> anyhow::Result<Outcome> {
    let mut lang = cli.lang.unwrap_or_default();
    let mut book: Xlsx<_> = calamine::open_workbook(&args.workbook).with_context(|| {
        lang.pick(
            format!("không mở được bảng tính {}", args.workbook.display()),
            format!("cannot open the workbook {}", args.workbook.display()),
        )
    })?;
    let recorded = read_recorded(&mut book, lang)?;
    if cli.lang.is_none() && recorded.get("lang") == "en" {
        lang = Lang::En;
    }
    let project = config::project_dir(cli)?;
    let (mut config, mut differences) = rebuild_config(cli, args, &recorded, &project)?;
    let names = find_sources(&mut config, &recorded, args, &mut differences);
    let rebuilt = rebuild(&config, &names)?;
    let mut rebuilt: Xlsx<_> = Xlsx::new(Cursor::new(rebuilt))?;
    // Nguồn's rows of files line up with the rebuilt ones when every file
    // was found; its parameters were checked above.
    let all_found = config.inputs.len() == recorded.files.len();
    let sources_rows = all_found.then_some(recorded.files.len() as u32);
    differences.extend(compare_books(&mut book, &mut rebuilt, sources_rows, lang));
    print!("{}", report(&differences, &recorded, lang));
    Ok(if differences.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// The files and the parameters the Nguồn sheet records.
fn read_recorded<R: std::io::Read + std::io::Seek>(
    book: &mut Xlsx<R>,
    lang: Lang,
) -> anyhow::Result<Recorded> {
    let not_ours = || {
        lang.pick(
            format!(
                "bảng tính không có trang “{SOURCES_SHEET}” do tonghop ghi: không kiểm tra được"
            ),
            format!(
                "the workbook has no “{SOURCES_SHEET}” sheet written by tonghop: nothing to verify"
            ),
        )
    };
    let range = book
        .worksheet_range(SOURCES_SHEET)
        .ok()
        .context(not_ours())?;
    let text = |row: u32, col: u32| match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let mut files = Vec::new();
    let mut row = HEADER_ROW + 1;
    while !text(row, 0).is_empty() {
        files.push((row, text(row, 0), text(row, 1)));
        row += 1;
    }
    let mut params = HashMap::new();
    let end = range.end().map_or(0, |(r, _)| r);
    for r in row..=end {
        let label = text(r, 0);
        if let Some((key, _, _)) = RUN_PARAMETERS
            .iter()
            .find(|(_, vi, en)| label == *vi || label == *en)
        {
            params.insert(*key, (r, text(r, 1)));
        }
    }
    if !params.contains_key("schema_file") || !params.contains_key("period") {
        bail!(not_ours());
    }
    Ok(Recorded { files, params })
}

/// The configuration the workbook was built with, from what it records;
/// with the differences between the schema and registry recorded and those
/// found (`--schema`/`--units` name others than the recorded ones).
fn rebuild_config(
    cli: &Cli,
    args: &VerifyArgs,
    recorded: &Recorded,
    project: &Path,
) -> anyhow::Result<(Config, Vec<Difference>)> {
    let at = |flag: &Option<PathBuf>, key: &str| {
        flag.as_ref()
            .map(|p| project.join(p))
            .unwrap_or_else(|| project.join(recorded.get(key)))
    };
    let schema = Schema::load(&at(&cli.schema, "schema_file"))?;
    let registry = Registry::load(&at(&cli.units, "registry"))?;
    let period = Period::parse(recorded.get("period"), schema.period)?;
    let mut config = Config::new(schema, registry, period);
    config.mode = Mode::Build;
    config.project_dir = project.to_path_buf();
    config.base_dir = project.to_path_buf();
    config.lang = if recorded.get("lang") == "en" {
        Lang::En
    } else {
        Lang::Vi
    };
    let (code, name) = recorded
        .get("consolidating")
        .split_once(' ')
        .unwrap_or(("", ""));
    config.consolidating = ConsolidatingUnit {
        code: code.to_string(),
        name: name.to_string(),
    };
    config.deadline =
        crate::model::values::parse_date_text(recorded.get("deadline")).map(|(day, _)| day);
    config.accept_senders = recorded
        .get("accepted_senders")
        .split(", ")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if let Ok(limits) = serde_json::from_str(recorded.get("limits")) {
        config.limits = limits;
    }
    config.inbox = Some(match &args.inbox {
        Some(dir) => project.join(dir),
        None => project.join(recorded.get("inbox")),
    });
    config.reader_exe = std::env::current_exe().ok();
    config.progress = false;
    let differences = project_differences(&config, recorded);
    Ok((config, differences))
}

/// The schema's version and hash and the registry's hash, as recorded
/// against as found.
fn project_differences(config: &Config, recorded: &Recorded) -> Vec<Difference> {
    let found = [
        ("schema_version", config.schema.version.clone()),
        ("schema_sha256", config.schema.sha256.clone()),
        ("registry_sha256", config.registry.sha256.clone()),
    ];
    found
        .into_iter()
        .filter(|(key, value)| recorded.get(key) != value)
        .map(|(key, value)| Difference {
            sheet: SOURCES_SHEET.to_string(),
            cell: recorded.cell(key),
            workbook: recorded.get(key).to_string(),
            sources: value,
        })
        .collect()
}

/// Where a recorded source is now: under `--inbox` (its path below the
/// recorded inbox, else its file name), else where the Nguồn sheet says.
fn locate_source(name: &str, recorded: &Recorded, config: &Config, args: &VerifyArgs) -> PathBuf {
    match (&args.inbox, &config.inbox) {
        (Some(_), Some(dir)) => {
            let inbox = recorded.get("inbox");
            let below = Path::new(name)
                .strip_prefix(inbox)
                .ok()
                .filter(|_| !inbox.is_empty())
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(Path::new(name).file_name().unwrap_or_default()));
            dir.join(below)
        }
        _ => config.project_dir.join(name),
    }
}

/// Finds each recorded source and puts it into the inputs; a file missing
/// or with other bytes than recorded is a difference on its Nguồn row.
/// Returns how the files found are named in the rebuilt workbook → how the
/// workbook names them.
fn find_sources(
    config: &mut Config,
    recorded: &Recorded,
    args: &VerifyArgs,
    differences: &mut Vec<Difference>,
) -> HashMap<String, String> {
    let lang = config.lang;
    let mut names = HashMap::new();
    for (row, name, sha) in &recorded.files {
        let path = locate_source(name, recorded, config, args);
        let difference = |cell: String, workbook: &String, sources: String| Difference {
            sheet: SOURCES_SHEET.to_string(),
            cell,
            workbook: workbook.clone(),
            sources,
        };
        match std::fs::read(&path) {
            Err(_) => differences.push(difference(
                format!("A{}", row + 1),
                name,
                lang.pick("(không tìm thấy tệp)", "(file not found)")
                    .to_string(),
            )),
            Ok(bytes) => {
                let found = crate::model::book::sha256_hex(&bytes);
                if &found != sha {
                    differences.push(difference(format!("B{}", row + 1), sha, found));
                }
                names.insert(config.source_path(&path), name.clone());
                config.inputs.push(path);
            }
        }
    }
    config.inputs.sort();
    names
}

/// The workbook `build` writes from these inputs, in memory.
fn rebuild(config: &Config, names: &HashMap<String, String>) -> anyhow::Result<Vec<u8>> {
    let mut result = crate::check::check_all(config);
    // What `build` draws from the project's history (outliers, cùng kỳ).
    crate::history::outliers::flag(&mut result, config)?;
    restore_names(&mut result, names);
    let mut consolidated = crate::consolidate::consolidate(&result, config)?;
    crate::history::compare::add_comparisons(&mut consolidated, config)?;
    Ok(workbook::build(&result, &consolidated, config)?)
}
/// The files found under `--inbox` named as the workbook names them, so
/// that the rebuilt sheets are comparable cell by cell.
fn restore_names(
    result: &mut crate::model::submission::CheckResult,
    names: &HashMap<String, String>,
) {
    let renamed = |name: &mut String| {
        if let Some(recorded) = names.get(name.as_str()) {
            *name = recorded.clone();
        }
    };
    for s in &mut result.submissions {
        renamed(&mut s.file);
        if let Some(r) = s.resubmission.as_mut() {
            renamed(&mut r.previous);
        }
    }
    result.submissions.sort_by(|a, b| a.file.cmp(&b.file));
}

/// Every cell of every sheet, the rebuilt workbook against the one given:
/// stored values, then formulas. Of Nguồn, only the first `sources_rows`
/// rows of its table of files, when given.
fn compare_books<R1, R2>(
    book: &mut Xlsx<R1>,
    rebuilt: &mut Xlsx<R2>,
    sources_rows: Option<u32>,
    lang: Lang,
) -> Vec<Difference>
where
    R1: std::io::Read + std::io::Seek,
    R2: std::io::Read + std::io::Seek,
{
    let mut differences = Vec::new();
    let mut sheets = rebuilt.sheet_names();
    for name in book.sheet_names() {
        if !sheets.contains(&name) {
            sheets.push(name);
        }
    }
    let absent = lang.pick("(không có trang này)", "(no such sheet)");
    for sheet in &sheets {
        let rows = match (sheet == SOURCES_SHEET, sources_rows) {
            (false, _) => 0..=u32::MAX,
            (true, Some(n)) => HEADER_ROW + 1..=HEADER_ROW + n,
            (true, None) => continue,
        };
        match (book.worksheet_range(sheet), rebuilt.worksheet_range(sheet)) {
            (Ok(ours), Ok(theirs)) => {
                compare_ranges(sheet, &ours, &theirs, &rows, shown, &mut differences)
            }
            (ours, _) => differences.push(Difference {
                sheet: sheet.clone(),
                cell: String::new(),
                workbook: if ours.is_ok() {
                    sheet.clone()
                } else {
                    absent.to_string()
                },
                sources: if ours.is_ok() {
                    absent.to_string()
                } else {
                    sheet.clone()
                },
            }),
        }
        if let (Ok(ours), Ok(theirs)) = (
            book.worksheet_formula(sheet),
            rebuilt.worksheet_formula(sheet),
        ) {
            compare_ranges(sheet, &ours, &theirs, &rows, formula, &mut differences);
        }
    }
    differences
}

/// Cell by cell over both ranges' extent within `rows`, the unstable
/// columns left out.
fn compare_ranges<T: calamine::CellType>(
    sheet: &str,
    ours: &calamine::Range<T>,
    theirs: &calamine::Range<T>,
    rows: &std::ops::RangeInclusive<u32>,
    shown: fn(Option<&T>) -> String,
    differences: &mut Vec<Difference>,
) {
    let (Some(first), Some(last)) = (
        corner(ours.start(), theirs.start(), std::cmp::min),
        corner(ours.end(), theirs.end(), std::cmp::max),
    ) else {
        return;
    };
    for row in first.0.max(*rows.start())..=last.0.min(*rows.end()) {
        for col in first.1..=last.1 {
            if UNSTABLE_COLUMNS.contains(&(sheet, col)) {
                continue;
            }
            let (a, b) = (
                shown(ours.get_value((row, col))),
                shown(theirs.get_value((row, col))),
            );
            if a != b {
                differences.push(Difference {
                    sheet: sheet.to_string(),
                    cell: format!("{}{}", column_name(col), row + 1),
                    workbook: a,
                    sources: b,
                });
            }
        }
    }
}

/// The corner of two ranges' union, either being empty.
fn corner(
    a: Option<(u32, u32)>,
    b: Option<(u32, u32)>,
    pick: fn(u32, u32) -> u32,
) -> Option<(u32, u32)> {
    match (a, b) {
        (Some(a), Some(b)) => Some((pick(a.0, b.0), pick(a.1, b.1))),
        (a, b) => a.or(b),
    }
}

/// A cell as compared and shown: numbers exactly (the shortest text that
/// reads back as the same number), an empty cell as "".
fn shown(cell: Option<&Data>) -> String {
    match cell {
        None | Some(Data::Empty) => String::new(),
        Some(Data::Float(f)) => format_number(*f),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::String(s)) => s.clone(),
        Some(Data::Bool(b)) => b.to_string(),
        Some(Data::DateTime(d)) => format_number(d.as_f64()),
        Some(other) => other.to_string(),
    }
}

/// A formula as shown ("=SUM(E9:E30)"), "" for none.
fn formula(cell: Option<&String>) -> String {
    match cell {
        Some(f) if !f.is_empty() => format!("={f}"),
        _ => String::new(),
    }
}

/// "khớp", or each difference: sheet, cell, in the workbook, from the sources.
fn report(differences: &[Difference], recorded: &Recorded, lang: Lang) -> String {
    let mut out = String::new();
    let tool = format!("tonghop {}", env!("CARGO_PKG_VERSION"));
    if recorded.get("tool") != tool {
        out.push_str(&lang.pick(
            format!(
                "Lưu ý: bảng tính được ghi bởi {}, kiểm tra bằng {tool}.\n",
                recorded.get("tool")
            ),
            format!(
                "Note: the workbook was written by {}, verified with {tool}.\n",
                recorded.get("tool")
            ),
        ));
    }
    if differences.is_empty() {
        out.push_str(lang.pick("khớp\n", "match\n"));
        return out;
    }
    out.push_str(&lang.pick(
        format!(
            "Không khớp: {} ô khác với số liệu từ các tệp nguồn.\n",
            differences.len()
        ),
        format!(
            "Does not match: {} cell(s) differ from the sources.\n",
            differences.len()
        ),
    ));
    for d in differences {
        let place = if d.cell.is_empty() {
            d.sheet.clone()
        } else {
            format!("{}!{}", d.sheet, d.cell)
        };
        out.push_str(&lang.pick(
            format!(
                "  {place}: trong bảng tính “{}”, từ nguồn “{}”\n",
                d.workbook, d.sources
            ),
            format!(
                "  {place}: in the workbook “{}”, from the sources “{}”\n",
                d.workbook, d.sources
            ),
        ));
    }
    out
}
