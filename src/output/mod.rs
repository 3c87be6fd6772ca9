//! Stage 4, output: the check report (text and JSON, `report`), the
//! consolidated workbook, the indicator and data tables (CSV with BOM,
//! Parquet), templates, feedback workbooks and the narrative report
//! (`narrative`: .docx and .md from the schema's report template). Every file is first
//! written in full to a temporary name in the output folder; only when all are
//! written are they renamed into place, so a failed run leaves the previous
//! outputs untouched.

pub(crate) mod feedback;
pub(crate) mod narrative;
pub(crate) mod report;
pub(crate) mod style;
pub(crate) mod tables;
pub(crate) mod template;
pub(crate) mod tidy;
pub(crate) mod workbook;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::consolidate::Consolidated;
use crate::model::finding::Lang;
use crate::model::i18n::Bilingual;
use crate::model::submission::CheckResult;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{}", self.message(Lang::Vi))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", self.message(Lang::Vi))]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
    #[error("{}", self.message(Lang::Vi))]
    Polars(#[from] polars::prelude::PolarsError),
    #[error("{}", self.message(Lang::Vi))]
    Csv(#[from] csv::Error),
    /// The narrative report could not be written.
    #[error("{}", self.message(Lang::Vi))]
    Report(crate::model::finding::Msg),
}

impl Bilingual for OutputError {
    fn message(&self, lang: Lang) -> String {
        match self {
            OutputError::Io { path, source } => lang.pick(
                format!("không ghi được {}: {source}", path.display()),
                format!("cannot write {}: {source}", path.display()),
            ),
            OutputError::Workbook(e) => lang.pick(
                format!("không tạo được bảng tính: {e}"),
                format!("cannot build the workbook: {e}"),
            ),
            OutputError::Polars(e) => lang.pick(
                format!("lỗi khi tính toán bảng: {e}"),
                format!("table computation failed: {e}"),
            ),
            OutputError::Csv(e) => lang.pick(
                format!("không ghi được CSV: {e}"),
                format!("cannot write CSV: {e}"),
            ),
            OutputError::Report(text) => text.get(lang).to_string(),
        }
    }
}

/// The names of the outputs, from the schema id and the period.
pub(crate) fn file_name(config: &Config, suffix: &str) -> String {
    format!("{}-{}-{suffix}", config.schema.id(), config.period.id())
}

/// Writes the templates the configuration asks for; returns their paths.
pub(crate) fn write_templates(
    config: &Config,
    per_unit: bool,
    only: Option<&str>,
) -> Result<Vec<PathBuf>, OutputError> {
    let dir = &config.output;
    let units: Vec<&crate::model::registry::Unit> = config
        .registry
        .units
        .iter()
        .filter(|u| only.is_none_or(|c| u.code == c))
        .collect();
    let mut files = Vec::new();
    if per_unit || only.is_some() {
        for unit in units {
            files.push((
                template::file_name(config, Some(unit)),
                template::build(config, Some(unit))?,
            ));
        }
    } else {
        files.push((
            template::file_name(config, None),
            template::build(config, None)?,
        ));
    }
    commit(dir, files)
}

/// One feedback workbook per submission with an error or a warning (the
/// newest of each unit, from a confirmed sender): its template filled and
/// marked, or a short note when the file could not be used at all.
pub(crate) fn write_feedback(
    result: &CheckResult,
    config: &Config,
    dir: &Path,
) -> Result<Vec<PathBuf>, OutputError> {
    use crate::model::finding::Severity;
    use crate::model::submission::Status;
    let mut files = Vec::new();
    for s in result
        .submissions
        .iter()
        // A file from a sender not confirmed is not the unit's report: its
        // feedback would go to a stranger.
        .filter(|s| s.status != Status::Superseded && s.sender.is_confirmed())
    {
        if !s.findings.iter().any(|f| f.severity >= Severity::Warning) {
            continue;
        }
        let unit = s.unit.map(|u| &config.registry.units[u]);
        let name = match unit {
            Some(u) => format!(
                "{}-{}-{}-{}-phan-hoi.xlsx",
                config.schema.id(),
                config.period.id(),
                u.code,
                template::ascii_name(u)
            ),
            None => format!(
                "{}-{}-{}-phan-hoi.xlsx",
                config.schema.id(),
                config.period.id(),
                safe_stem(&s.path)
            ),
        };
        let to = config.level.consolidator_vi();
        let bytes = match (&s.data, unit) {
            // A district's data table is no form to correct: its problems
            // are listed, as for a file that could not be read.
            (Some(data), Some(u)) if !crate::check::rollup::is_rollup(s, config) => {
                feedback::feedback(
                    config,
                    Some(u),
                    feedback::Fill {
                        data,
                        findings: &s.findings,
                    },
                )?
            }
            _ => feedback::feedback_unreadable(to, &s.file, &s.findings)?,
        };
        files.push((name, bytes));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    commit(dir, files)
}

/// An input's file name as ASCII letters, digits and "-", for naming its
/// feedback file (no separators, no "..", nothing Windows reserves).
fn safe_stem(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let ascii: String = crate::model::text::strip_diacritics(&stem)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let joined = ascii
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let short: String = joined.chars().take(60).collect();
    if short.is_empty() {
        "tep".to_string()
    } else {
        format!("tep-{short}")
    }
}

/// Writes every output; returns their final paths. The workbook, the small
/// tables and the two files of the tidy table are built at the same time:
/// each is a serial job of its own, and none depends on another's order, so
/// the bytes do not depend on the number of threads. Every output goes
/// straight to its temporary file (a list makes the workbook tens of
/// megabytes, the tidy table millions of rows; a national year's report
/// and indicator table are tens of megabytes each).
pub fn write_all(
    result: &CheckResult,
    consolidated: &Consolidated,
    config: &Config,
) -> Result<Vec<PathBuf>, OutputError> {
    write_outputs(result, consolidated, config, None)
}

/// `write_all`, also writing the history's partition of the tidy table to
/// `history`'s temporary file in the same pass as the tidy Parquet (the
/// caller moves it into the history once the outputs are in place).
pub(crate) fn write_outputs(
    result: &CheckResult,
    consolidated: &Consolidated,
    config: &Config,
    history: Option<tidy::HistoryFile<'_>>,
) -> Result<Vec<PathBuf>, OutputError> {
    let dir = &config.output;
    create_dir(dir)?;
    let names = OUTPUTS.map(|name| file_name(config, name));
    let staged = names.clone().map(|name| staging_path(dir, &name));
    let built = write_staged(result, consolidated, config, &staged, history).and_then(|()| {
        let mut files: Vec<(String, Content)> = names
            .into_iter()
            .zip(staged.clone())
            .map(|(name, tmp)| (name, Content::Staged(tmp)))
            .collect();
        let narrative = narrative::files(consolidated, config)?;
        files.extend(narrative.into_iter().map(|(n, b)| (n, Content::Bytes(b))));
        Ok(files)
    });
    match built {
        Ok(files) => commit_contents(dir, files),
        Err(e) => {
            for tmp in staged {
                let _ = std::fs::remove_file(tmp);
            }
            Err(e)
        }
    }
}

/// The outputs written straight to their staged files, in the order they
/// are listed (the narrative report follows them).
const OUTPUTS: [&str; 6] = [
    "tong-hop.xlsx",
    "chi-tieu.csv",
    "chi-tieu.parquet",
    "du-lieu.csv",
    "du-lieu.parquet",
    "kiem-tra.json",
];

/// Writes the `OUTPUTS` to their `staged` files as four jobs at once: the
/// workbook, the indicator tables with the report, and the tidy table's
/// CSV and Parquet (with the history's partition). Each job is serial, so
/// the bytes do not depend on the number of threads.
fn write_staged(
    result: &CheckResult,
    consolidated: &Consolidated,
    config: &Config,
    staged: &[PathBuf; 6],
    history: Option<tidy::HistoryFile<'_>>,
) -> Result<(), OutputError> {
    let [
        book_tmp,
        table_csv,
        table_parquet,
        csv_tmp,
        parquet_tmp,
        json_tmp,
    ] = staged;
    let ((book, tables), (csv, parquet)) = rayon::join(
        || {
            rayon::join(
                || workbook::write(result, consolidated, config, book_tmp),
                || {
                    let paths = [table_csv, table_parquet, json_tmp];
                    table_files(result, consolidated, config, paths)
                },
            )
        },
        || {
            rayon::join(
                || tidy::write_csv(result, config, csv_tmp),
                || tidy::write_parquet(result, config, parquet_tmp, history),
            )
        },
    );
    book?;
    tables?;
    csv?;
    parquet
}

/// The indicator tables as CSV and Parquet, and the JSON report, each
/// written to its staged file (`paths`, in that order) as it is made: at a
/// national scale each is tens of megabytes.
fn table_files(
    result: &CheckResult,
    consolidated: &Consolidated,
    config: &Config,
    [csv, parquet, json]: [&PathBuf; 3],
) -> Result<(), OutputError> {
    let mut sink = Sink::create(csv)?;
    tables::write_csv(&consolidated.indicators, &mut sink.out)?;
    sink.finish()?;
    let mut sink = Sink::create(parquet)?;
    tables::write_parquet(&mut consolidated.indicators.clone(), &mut sink.out)?;
    sink.finish()?;
    let mut sink = Sink::create(json)?;
    crate::output::report::write_json(result, config, &mut sink.out).map_err(|e| {
        OutputError::Io {
            path: json.clone(),
            source: e.into(),
        }
    })?;
    sink.finish()
}

/// An output file being written to its staged name: buffered, and synced
/// to disk when finished, before it is renamed into place.
struct Sink<'p> {
    path: &'p Path,
    out: std::io::BufWriter<std::fs::File>,
}

impl<'p> Sink<'p> {
    fn create(path: &'p Path) -> Result<Self, OutputError> {
        let file = std::fs::File::create(path).map_err(io_error(path))?;
        Ok(Sink {
            path,
            out: std::io::BufWriter::with_capacity(256 * 1024, file),
        })
    }

    fn finish(self) -> Result<(), OutputError> {
        let path = self.path;
        let file = self
            .out
            .into_inner()
            .map_err(|e| io_error(path)(e.into_error()))?;
        file.sync_all().map_err(io_error(path))
    }
}

/// `OutputError::Io` for `path`.
fn io_error(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// An output's content: bytes still to write, or a file already written
/// to its temporary name (`staging_path`).
pub(crate) enum Content {
    Bytes(Vec<u8>),
    Staged(PathBuf),
}

/// The temporary name an output is written to before it is renamed.
fn staging_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.{}.tmp", std::process::id()))
}

fn create_dir(dir: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

/// Writes all files to temporary names, then renames them into place.
pub(crate) fn commit(
    dir: &Path,
    files: Vec<(String, Vec<u8>)>,
) -> Result<Vec<PathBuf>, OutputError> {
    let files = files
        .into_iter()
        .map(|(name, bytes)| (name, Content::Bytes(bytes)))
        .collect();
    commit_contents(dir, files)
}

/// `commit` for outputs some of which are already written to their
/// temporary names; those are removed too when anything fails.
pub(crate) fn commit_contents(
    dir: &Path,
    files: Vec<(String, Content)>,
) -> Result<Vec<PathBuf>, OutputError> {
    let mut staged = Vec::new();
    let result = stage(dir, files, &mut staged);
    if result.is_err() {
        for (tmp, _) in &staged {
            let _ = std::fs::remove_file(tmp);
        }
    }
    result?;
    let mut done = Vec::new();
    for (tmp, dest) in staged {
        std::fs::rename(&tmp, &dest).map_err(|source| OutputError::Io {
            path: dest.clone(),
            source,
        })?;
        done.push(dest);
    }
    Ok(done)
}

/// Writes each output to its temporary name, in order, recording every
/// temporary file in `staged` (with its destination) as soon as it exists.
fn stage(
    dir: &Path,
    files: Vec<(String, Content)>,
    staged: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<(), OutputError> {
    // Refuse before writing anything if a destination cannot be replaced,
    // so that no output is renamed into place unless all of them can be.
    let refused = create_dir(dir).err().or_else(|| {
        files
            .iter()
            .map(|(name, _)| dir.join(name))
            .find_map(|dest| {
                dest.is_dir().then(|| OutputError::Io {
                    path: dest,
                    source: std::io::Error::other("is a folder"),
                })
            })
    });
    let mut failed = refused;
    for (name, content) in files {
        let dest = dir.join(&name);
        match content {
            Content::Staged(tmp) => staged.push((tmp, dest)),
            // After a failure only the files already staged are recorded.
            Content::Bytes(_) if failed.is_some() => {}
            Content::Bytes(bytes) => {
                let tmp = staging_path(dir, &name);
                staged.push((tmp.clone(), dest));
                if let Err(source) = std::fs::write(&tmp, &bytes) {
                    failed = Some(OutputError::Io { path: tmp, source });
                }
            }
        }
    }
    failed.map_or(Ok(()), Err)
}
