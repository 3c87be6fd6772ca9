//! The resolved configuration of one run: `tonghop.toml` merged with the
//! command-line flags, with every path made absolute and the schema and
//! registry already loaded and checked. Commands take a `Config`, never raw
//! arguments.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::cli::{Cli, Command, MailArgs, ReportFormat, ShowArgs};
use crate::model::finding::Lang;
use crate::model::i18n::Bilingual;
use crate::model::level::Level;
use crate::model::period::{CUTOFF_DAYS, Period, PeriodError, Window};
use crate::model::registry::{Registry, RegistryError};
use crate::model::schema::{Schema, SchemaError};
use crate::model::values::parse_date_text;
use crate::read::ingest::Limits;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}", self.message(Lang::Vi))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", self.message(Lang::Vi))]
    Syntax { path: PathBuf, message: String },
    #[error("{}", self.message(Lang::Vi))]
    Missing { key: &'static str },
    #[error("{}", self.message(Lang::Vi))]
    NoSuchPath { path: PathBuf },
    #[error("{}", self.message(Lang::Vi))]
    NoInputs,
    #[error("{}", self.message(Lang::Vi))]
    OutputInsideInbox { output: PathBuf, inbox: PathBuf },
    #[error("{}", self.message(Lang::Vi))]
    CutoffDay { path: PathBuf, day: u32 },
    /// A deadline that cannot be read stops the run: every on-time verdict
    /// depends on it.
    #[error("{}", self.message(Lang::Vi))]
    Deadline { text: String },
    #[error(transparent)]
    Schema(#[from] SchemaError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Period(#[from] PeriodError),
}

impl Bilingual for ConfigError {
    fn message(&self, lang: Lang) -> String {
        match self {
            ConfigError::Read { path, source } => lang.pick(
                format!("không đọc được tệp cấu hình {}: {source}", path.display()),
                format!("cannot read config {}: {source}", path.display()),
            ),
            ConfigError::Syntax { path, message } => lang.pick(
                format!("tệp cấu hình {} sai: {message}", path.display()),
                format!("config {} is invalid: {message}", path.display()),
            ),
            ConfigError::Missing { key } => lang.pick(
                format!("thiếu “{key}”: ghi trong tonghop.toml hoặc dùng --{key}"),
                format!("missing “{key}”: set it in tonghop.toml or pass --{key}"),
            ),
            ConfigError::NoSuchPath { path } => lang.pick(
                format!("không tìm thấy {}", path.display()),
                format!("{} does not exist", path.display()),
            ),
            ConfigError::NoInputs => lang
                .pick(
                    "không có tệp nào để kiểm tra (thư mục trống?)",
                    "no input files (empty folder?)",
                )
                .to_string(),
            ConfigError::OutputInsideInbox { output, inbox } => lang.pick(
                format!(
                    "thư mục kết quả {} nằm trong thư mục đầu vào {}; hãy chọn thư mục khác",
                    output.display(),
                    inbox.display()
                ),
                format!(
                    "output folder {} is inside the input folder {}; choose another",
                    output.display(),
                    inbox.display()
                ),
            ),
            ConfigError::Deadline { text } => lang.pick(
                format!(
                    "hạn nộp “{text}” trong tonghop.toml không đọc được: hãy ghi dạng 15/01/2024"
                ),
                format!(
                    "the deadline “{text}” in tonghop.toml cannot be read: write it as 15/01/2024"
                ),
            ),
            ConfigError::CutoffDay { path, day } => lang.pick(
                format!(
                    "tệp cấu hình {} sai: cutoff_day = {day}: cần một ngày từ 2 đến 28",
                    path.display()
                ),
                format!(
                    "config {} is invalid: cutoff_day = {day}: must be a day from 2 to 28",
                    path.display()
                ),
            ),
            ConfigError::Schema(e) => e.message(lang),
            ConfigError::Registry(e) => e.message(lang),
            ConfigError::Period(e) => e.message(lang),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    schema: Option<PathBuf>,
    units: Option<PathBuf>,
    period: Option<String>,
    inbox: Option<PathBuf>,
    output: Option<PathBuf>,
    lang: Option<Lang>,
    deadline: Option<String>,
    /// A sector's cut-off window: the period's figures run from this day of
    /// the month before it to the day before it in its last month.
    cutoff_day: Option<u32>,
    consolidating_unit: Option<ConsolidatingUnit>,
    #[serde(default)]
    limits: LimitsFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    max_file_mb: Option<u64>,
    max_uncompressed_mb: Option<u64>,
    max_compression_ratio: Option<u64>,
    max_cells_per_sheet: Option<u64>,
    max_memory_mb: Option<u64>,
    max_seconds: Option<u64>,
    in_process_max_kb: Option<u64>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConsolidatingUnit {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Check,
    Build,
    /// Save the spreadsheets attached to these mail files into the inbox.
    Mail {
        sources: Vec<PathBuf>,
    },
    /// Write templates; `per_unit` and `unit` say which.
    Template {
        per_unit: bool,
        unit: Option<String>,
    },
}

#[derive(Debug)]
pub struct Config {
    pub mode: Mode,
    /// The working folder: paths printed on the terminal about where things
    /// were written are shown relative to it.
    pub base_dir: PathBuf,
    /// The project folder (where `tonghop.toml` is, else the working
    /// folder): the files named in reports and outputs are shown relative to
    /// it, so that the outputs do not depend on where the tool was run.
    pub project_dir: PathBuf,
    pub schema: Schema,
    pub registry: Registry,
    /// Who reports (communes or districts) and how the outputs name them.
    pub level: Level,
    pub period: Period,
    /// The days the period's figures cover (`period_start`, `period_end`).
    pub window: Window,
    pub inputs: Vec<PathBuf>,
    pub inbox: Option<PathBuf>,
    pub output: PathBuf,
    pub lang: Lang,
    pub format: ReportFormat,
    pub consolidating: ConsolidatingUnit,
    /// The day reports are due (`deadline` in tonghop.toml), in Vietnam's
    /// calendar: a report received any time that day is on time.
    pub deadline: Option<NaiveDate>,
    pub limits: Limits,
    pub progress: bool,
    /// Where feedback workbooks go, when asked for (always for `build`).
    pub feedback: Option<PathBuf>,
    /// When set, files are parsed by this executable in a child process
    /// (see `isolate.rs`); when not, in this process.
    pub reader_exe: Option<PathBuf>,
    /// Email addresses staff accepted as senders (`--accept-sender`), lower
    /// case: their files are counted like those from a registered address.
    pub accept_senders: Vec<String>,
    /// Where the registry disagrees with the national list of the period's
    /// end (`registry-mismatch`): about the project, not any submission.
    pub registry_findings: Vec<crate::model::finding::Finding>,
    /// The history period `build` compares with instead of the same period
    /// of last year (`--compare-with`).
    pub compare_with: Option<Period>,
}

/// The period's window: its calendar days, or the `cutoff_day` window.
fn window_of(file: &ConfigFile, period: &Period, dir: &Path) -> Result<Window, ConfigError> {
    match file.cutoff_day {
        Some(day) if !CUTOFF_DAYS.contains(&day) => Err(ConfigError::CutoffDay {
            path: dir.join("tonghop.toml"),
            day,
        }),
        day => Ok(Window::of(period, day)),
    }
}

impl Config {
    /// A configuration for library use (tests, fuzzing): check mode, files
    /// parsed in this process, default limits, no progress bar, the
    /// period's calendar days as its window. A schema with unit attributes
    /// needs them read into the registry first (`Registry::bind_attributes`).
    pub fn new(schema: Schema, registry: Registry, period: Period) -> Config {
        let dir = std::env::temp_dir();
        Config {
            mode: Mode::Check,
            base_dir: dir.clone(),
            project_dir: dir.clone(),
            schema,
            level: Level::of(&registry),
            registry,
            window: Window::of(&period, None),
            period,
            inputs: Vec::new(),
            inbox: None,
            output: dir.join("tonghop-out"),
            lang: Lang::Vi,
            format: ReportFormat::Json,
            consolidating: ConsolidatingUnit {
                code: String::new(),
                name: String::new(),
            },
            deadline: None,
            limits: Limits::default(),
            progress: false,
            feedback: None,
            reader_exe: None,
            accept_senders: Vec::new(),
            registry_findings: Vec::new(),
            compare_with: None,
        }
    }

    pub fn resolve(cli: &Cli) -> Result<Config, ConfigError> {
        let cwd = current_dir()?;
        let (file, config_dir) = read_config_file(cli, &cwd)?;
        let project = Project {
            cli,
            cwd: &cwd,
            file: &file,
            dir: &config_dir,
        };
        let lang = cli.lang.or(file.lang).unwrap_or_default();
        let deadline = parse_deadline(file.deadline.as_deref())?;
        let (schema, registry, period) = project.load()?;
        let window = window_of(&file, &period, &config_dir)?;
        let consolidating = consolidating_unit(&file, lang);
        let level = Level::of(&registry).under(&consolidating.code, period.end());
        let registry_findings =
            crate::model::registry_check::registry_mismatches(&registry, period.end());
        let (mode, paths, output_flag, format) = command_mode(cli, &cwd);
        let inbox = project.inbox();
        check_mail_sources(&mode, inbox.as_ref())?;
        let output = project.output(output_flag, &mode);
        // Templates and mail read no input files; a roll-up reads the history, not the inbox (files named for one
        // are refused by `history::rollup`).
        let reads_inputs = !matches!(mode, Mode::Template { .. } | Mode::Mail { .. })
            && (period.kind == schema.period || !paths.is_empty());
        let inputs = if !reads_inputs {
            Vec::new()
        } else {
            gather_inputs(paths, inbox.as_ref(), &output, &cwd)?
        };
        let compare_with = compared_period(cli, schema.period)?;
        Ok(Config {
            mode,
            project_dir: lexical(&config_dir),
            feedback: feedback_dir(cli, &cwd, &output),
            base_dir: cwd,
            schema,
            level,
            registry,
            period,
            window,
            inputs,
            inbox,
            output,
            lang,
            format,
            consolidating,
            deadline,
            limits: file.limits.resolve(),
            progress: !cli.no_progress,
            reader_exe: None,
            accept_senders: accepted_senders(cli),
            registry_findings,
            compare_with,
        })
    }

    /// How a path is shown on the terminal: relative to the working folder,
    /// with "/".
    pub fn display_path(&self, path: &Path) -> String {
        display_path(&self.base_dir, path)
    }

    /// How an input, the schema or the registry is named in reports and
    /// outputs: relative to the project folder ("inbox/BC_2023.xlsx",
    /// "../../schemas/pcmd.toml"), with "/", whatever the working folder.
    pub fn source_path(&self, path: &Path) -> String {
        relative_to(&lexical(path), &self.project_dir)
            .to_string_lossy()
            .replace('\\', "/")
    }
}

/// The deadline of tonghop.toml: "15/01/2024", "2024-01-15" or any way
/// `values` reads a date.
fn parse_deadline(text: Option<&str>) -> Result<Option<NaiveDate>, ConfigError> {
    text.map(|text| {
        parse_date_text(text)
            .map(|(day, _)| day)
            .ok_or_else(|| ConfigError::Deadline {
                text: text.to_string(),
            })
    })
    .transpose()
}

/// The language a command speaks in: `--lang`, else the project's
/// `tonghop.toml` for the commands that read it, else Vietnamese. The edge
/// asks for it to tell a fatal error; when the config file itself cannot be
/// read, only `--lang` counts.
pub(crate) fn language(cli: &Cli) -> Lang {
    let reads_project = !matches!(
        cli.command,
        Command::Read { .. } | Command::Init(_) | Command::Units(_)
    );
    let from_file = || {
        let cwd = current_dir().ok()?;
        read_config_file(cli, &cwd).ok()?.0.lang
    };
    cli.lang
        .or_else(|| reads_project.then(from_file).flatten())
        .unwrap_or_default()
}

/// The project as the command line and its `tonghop.toml` name it: a flag
/// is relative to the working folder, a path of the file to the file's
/// folder.
struct Project<'a> {
    cli: &'a Cli,
    cwd: &'a Path,
    file: &'a ConfigFile,
    dir: &'a Path,
}

impl Project<'_> {
    /// The flag's path, else the file's; `key` is missing without either.
    fn path(
        &self,
        flag: &Option<PathBuf>,
        in_file: &Option<PathBuf>,
        key: &'static str,
    ) -> Result<PathBuf, ConfigError> {
        flag.as_ref()
            .map(|p| self.cwd.join(p))
            .or_else(|| in_file.as_ref().map(|p| self.dir.join(p)))
            .ok_or(ConfigError::Missing { key })
    }

    /// The schema, the registry and the period, loaded and checked.
    fn load(&self) -> Result<(Schema, Registry, Period), ConfigError> {
        let (cli, file) = (self.cli, self.file);
        let schema_path = self.path(&cli.schema, &file.schema, "schema")?;
        let units_path = self.path(&cli.units, &file.units, "units")?;
        let period_text = cli
            .period
            .clone()
            .or(file.period.clone())
            .ok_or(ConfigError::Missing { key: "period" })?;
        let schema = Schema::load(&schema_path)?;
        let mut registry = Registry::load(&units_path)?;
        registry.bind_attributes(&schema.unit_attributes)?;
        // A period longer than the schema's is a roll-up of its periods
        // from the history (`history::rollup`).
        let period = match Period::parse(&period_text, schema.period) {
            Ok(p) => p,
            Err(e) => Period::longer_than(&period_text, schema.period).ok_or(e)?,
        };
        Ok((schema, registry, period))
    }

    /// `mail --inbox`, else the file's inbox.
    fn inbox(&self) -> Option<PathBuf> {
        match &self.cli.command {
            Command::Mail(MailArgs {
                inbox: Some(dir), ..
            }) => Some(self.cwd.join(dir)),
            _ => self.file.inbox.as_ref().map(|p| self.dir.join(p)),
        }
    }

    /// `--output`, else the file's output (by default "out" beside it);
    /// templates go to its "mau".
    fn output(&self, flag: Option<&PathBuf>, mode: &Mode) -> PathBuf {
        flag.map(|p| self.cwd.join(p)).unwrap_or_else(|| {
            let out = self.path(&None, &self.file.output, "output");
            let out = out.unwrap_or_else(|_| self.dir.join("out"));
            if matches!(mode, Mode::Template { .. }) {
                out.join("mau")
            } else {
                out
            }
        })
    }
}

/// `mail` needs an inbox, and every mail file it is given.
fn check_mail_sources(mode: &Mode, inbox: Option<&PathBuf>) -> Result<(), ConfigError> {
    let Mode::Mail { sources } = mode else {
        return Ok(());
    };
    if inbox.is_none() {
        return Err(ConfigError::Missing { key: "inbox" });
    }
    match sources.iter().find(|p| !p.exists()) {
        Some(path) => Err(ConfigError::NoSuchPath { path: path.clone() }),
        None => Ok(()),
    }
}

/// The consolidating unit of the file, else one named for the language.
fn consolidating_unit(file: &ConfigFile, lang: Lang) -> ConsolidatingUnit {
    file.consolidating_unit
        .clone()
        .unwrap_or_else(|| ConsolidatingUnit {
            code: String::new(),
            name: lang
                .pick("Đơn vị tổng hợp", "Consolidating unit")
                .to_string(),
        })
}

/// The mode a command runs in, with its input paths, its `--output` and its
/// report format.
fn command_mode<'a>(
    cli: &'a Cli,
    cwd: &Path,
) -> (Mode, &'a [PathBuf], Option<&'a PathBuf>, ReportFormat) {
    match &cli.command {
        Command::Check(a) => (Mode::Check, &a.paths, None, a.format),
        Command::Build(a) => (Mode::Build, &a.paths, a.output.as_ref(), a.format),
        Command::Template(a) => (
            Mode::Template {
                per_unit: a.per_unit,
                unit: a.unit.clone(),
            },
            &[],
            a.output.as_ref(),
            ReportFormat::Text,
        ),
        Command::Mail(a) => (
            Mode::Mail {
                sources: a.sources.iter().map(|p| cwd.join(p)).collect(),
            },
            &[],
            None,
            ReportFormat::Text,
        ),
        Command::Read { .. } => unreachable!("the internal read command needs no config"),
        Command::Show(_) => unreachable!("show resolves its own ShowConfig"),
        Command::Init(_)
        | Command::Units(_)
        | Command::Verify(_)
        | Command::Schema(_)
        | Command::History(_) => {
            unreachable!("init, units, verify, schema and history resolve no project config")
        }
    }
}

/// The files to check: under the given paths, else the inbox; never under
/// the output folder.
fn gather_inputs(
    paths: &[PathBuf],
    inbox: Option<&PathBuf>,
    output: &Path,
    cwd: &Path,
) -> Result<Vec<PathBuf>, ConfigError> {
    let roots: Vec<PathBuf> = if paths.is_empty() {
        vec![
            inbox
                .cloned()
                .ok_or(ConfigError::Missing { key: "inbox" })?,
        ]
    } else {
        paths.iter().map(|p| cwd.join(p)).collect()
    };
    for root in &roots {
        if root.is_dir() && output.starts_with(root) {
            return Err(ConfigError::OutputInsideInbox {
                output: output.to_path_buf(),
                inbox: root.clone(),
            });
        }
    }
    let inputs = collect_inputs(&roots, output)?;
    if inputs.is_empty() {
        return Err(ConfigError::NoInputs);
    }
    Ok(inputs)
}

/// Where the feedback workbooks go: `--feedback`, and for `build` by default
/// the output's "phan-hoi".
fn feedback_dir(cli: &Cli, cwd: &Path, output: &Path) -> Option<PathBuf> {
    match &cli.command {
        Command::Check(a) => a.feedback.as_ref().map(|p| cwd.join(p)),
        Command::Build(a) => Some(
            a.feedback
                .as_ref()
                .map(|p| cwd.join(p))
                .unwrap_or_else(|| output.join("phan-hoi")),
        ),
        _ => None,
    }
}

/// The senders confirmed on the command line (`--accept-sender`).
/// `build --compare-with PERIOD`: a period of the schema's kind or longer.
fn compared_period(
    cli: &Cli,
    kind: crate::model::schema::PeriodKind,
) -> Result<Option<Period>, ConfigError> {
    let Command::Build(crate::cli::BuildArgs {
        compare_with: Some(text),
        ..
    }) = &cli.command
    else {
        return Ok(None);
    };
    match Period::parse(text, kind) {
        Ok(p) => Ok(Some(p)),
        Err(e) => Ok(Some(Period::longer_than(text, kind).ok_or(e)?)),
    }
}

fn accepted_senders(cli: &Cli) -> Vec<String> {
    let accepted: &[String] = match &cli.command {
        Command::Check(a) => &a.accept_sender,
        Command::Build(a) => &a.accept_sender,
        _ => &[],
    };
    accepted.iter().map(|a| a.trim().to_lowercase()).collect()
}

fn display_path(base_dir: &Path, path: &Path) -> String {
    let shown = path.strip_prefix(base_dir).unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}

fn current_dir() -> Result<PathBuf, ConfigError> {
    std::env::current_dir().map_err(|source| ConfigError::Read {
        path: PathBuf::from("."),
        source,
    })
}

/// The project folder a command without a project config names its paths
/// from (`tonghop verify`): the folder of `--config` when given, else the
/// working folder.
pub(crate) fn project_dir(cli: &Cli) -> Result<PathBuf, ConfigError> {
    let cwd = current_dir()?;
    let dir = match &cli.config {
        Some(p) => cwd.join(p).parent().map(Path::to_path_buf).unwrap_or(cwd),
        None => cwd,
    };
    Ok(lexical(&dir))
}

/// `--config`, else `tonghop.toml` in the working folder when there is one:
/// its settings and the folder its paths are relative to.
fn read_config_file(cli: &Cli, cwd: &Path) -> Result<(ConfigFile, PathBuf), ConfigError> {
    let config_path = match &cli.config {
        Some(p) => Some(cwd.join(p)),
        None => Some(cwd.join("tonghop.toml")).filter(|p| p.is_file()),
    };
    let Some(path) = config_path else {
        return Ok((ConfigFile::default(), cwd.to_path_buf()));
    };
    let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
        path: path.clone(),
        source,
    })?;
    let file: ConfigFile = toml::from_str(&text).map_err(|e| ConfigError::Syntax {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| cwd.to_path_buf());
    Ok((file, dir))
}

impl LimitsFile {
    /// The limits in bytes, defaults where the file says nothing.
    fn resolve(&self) -> Limits {
        let defaults = Limits::default();
        let mb = |v: Option<u64>, d: u64| v.map_or(d, |x| x * 1024 * 1024);
        Limits {
            max_file_bytes: mb(self.max_file_mb, defaults.max_file_bytes),
            max_uncompressed_bytes: mb(self.max_uncompressed_mb, defaults.max_uncompressed_bytes),
            max_entry_ratio: self
                .max_compression_ratio
                .unwrap_or(defaults.max_entry_ratio),
            max_cells_per_sheet: self
                .max_cells_per_sheet
                .unwrap_or(defaults.max_cells_per_sheet),
            max_memory_bytes: mb(self.max_memory_mb, defaults.max_memory_bytes),
            max_seconds: self.max_seconds.unwrap_or(defaults.max_seconds),
            in_process_max_bytes: self
                .in_process_max_kb
                .map_or(defaults.in_process_max_bytes, |kb| kb * 1024),
        }
    }
}

/// What `tonghop show` needs. It works without a `tonghop.toml`: the
/// schema, when one is configured (or given with `--schema`), only adds
/// which cell each field was read from.
#[derive(Debug)]
pub(crate) struct ShowConfig {
    pub file: PathBuf,
    /// How the file is named in the output: as the user typed it.
    pub shown_name: String,
    pub format: ReportFormat,
    pub lang: Lang,
    pub limits: Limits,
    pub schema: Option<Schema>,
}

impl ShowConfig {
    pub(crate) fn resolve(cli: &Cli, args: &ShowArgs) -> Result<ShowConfig, ConfigError> {
        let cwd = current_dir()?;
        let (file, config_dir) = read_config_file(cli, &cwd)?;
        let lang = cli.lang.or(file.lang).unwrap_or_default();
        let schema_path = cli
            .schema
            .as_ref()
            .map(|p| cwd.join(p))
            .or_else(|| file.schema.as_ref().map(|p| config_dir.join(p)));
        let schema = schema_path.map(|p| Schema::load(&p)).transpose()?;
        let path = cwd.join(&args.file);
        if !path.exists() {
            return Err(ConfigError::NoSuchPath { path });
        }
        Ok(ShowConfig {
            shown_name: display_path(&cwd, &path),
            file: path,
            format: args.format,
            lang,
            limits: file.limits.resolve(),
            schema,
        })
    }
}

/// `path` without "." and with "a/.." removed, without touching the disk
/// (`--config ../proj/tonghop.toml` names the same folder as `proj/`).
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` relative to the folder `base` ("../x" when it is beside it);
/// `path` itself when the two share nothing below the root.
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    use std::path::Component;
    let ours: Vec<Component> = path.components().collect();
    let theirs: Vec<Component> = base.components().collect();
    let common = ours.iter().zip(&theirs).take_while(|(a, b)| a == b).count();
    let shared_below_root = ours[..common]
        .iter()
        .any(|c| matches!(c, Component::Normal(_)));
    if !shared_below_root && path.is_absolute() {
        return path.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..theirs.len() {
        out.push("..");
    }
    for part in &ours[common..] {
        out.push(part.as_os_str());
    }
    out
}

/// Files that are never reports: editor lock files and OS droppings.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with("~$")
        || name.eq_ignore_ascii_case("thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

/// Expands folders (recursively, sorted) and checks named files exist.
fn collect_inputs(roots: &[PathBuf], output: &Path) -> Result<Vec<PathBuf>, ConfigError> {
    let mut files = Vec::new();
    for root in roots {
        if root.is_file() {
            files.push(root.clone());
        } else if root.is_dir() {
            walk(root, output, &mut files).map_err(|source| ConfigError::Read {
                path: root.clone(),
                source,
            })?;
        } else {
            return Err(ConfigError::NoSuchPath { path: root.clone() });
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn walk(dir: &Path, output: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if dir == output {
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().to_string();
        if is_ignored(&name) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            walk(&path, output, files)?;
        } else if path.is_file() {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_named_from_the_project_folder() {
        let project = Path::new("/data/du-an");
        let rel = |p: &str| {
            relative_to(&lexical(Path::new(p)), &lexical(project))
                .to_string_lossy()
                .into_owned()
        };
        assert_eq!(rel("/data/du-an/inbox/a.xlsx"), "inbox/a.xlsx");
        assert_eq!(rel("/data/du-an/sub/../inbox/./a.xlsx"), "inbox/a.xlsx");
        assert_eq!(rel("/data/schemas/pcmd.toml"), "../schemas/pcmd.toml");
        assert_eq!(rel("/other/a.xlsx"), "/other/a.xlsx");
        assert_eq!(
            relative_to(
                &lexical(Path::new("/w/x/../du-an/inbox/b.xls")),
                Path::new("/w/du-an")
            )
            .to_string_lossy(),
            "inbox/b.xls"
        );
    }
}
