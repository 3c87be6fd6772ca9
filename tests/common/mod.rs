//! Helpers shared by the CLI tests: a throw-away project folder (a copy of a
//! sample in a `TempDir`), running the built `tonghop` binary in it, file
//! modification times, and the `expected.tsv` tables that come with the
//! samples and fixtures.

#![allow(dead_code)]

pub mod cells;
pub mod drafts;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use tempfile::TempDir;

/// The repository root (where Cargo.toml, samples/ and schemas/ are).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn schema_path() -> PathBuf {
    repo().join("schemas/pcmd.toml")
}

pub fn units_path() -> PathBuf {
    repo().join("schemas/units/van-ban-2023.csv")
}

/// Writes `text` as `pcmd.toml` in `dir` with the report templates it names
/// beside it (`[report]` paths are relative to the schema file); returns
/// its path.
pub fn write_schema_copy(dir: &Path, text: &str) -> PathBuf {
    for entry in std::fs::read_dir(repo().join("schemas")).expect("schemas/") {
        let path = entry.expect("schemas/ entry").path();
        if path.extension().is_some_and(|e| e == "j2") {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).expect("copy template");
        }
    }
    let path = dir.join("pcmd.toml");
    std::fs::write(&path, text).expect("write schema");
    path
}

pub fn sample_dir(name: &str) -> PathBuf {
    repo().join("samples").join(name)
}

pub fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures").join(rel)
}

/// What one run of the binary printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    /// `None` when the process was killed by a signal.
    pub code: Option<i32>,
}

impl Run {
    /// The stdout parsed as JSON (for `--format json` runs).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts the exit code, showing both streams when it differs, and that
    /// the tool did not crash.
    pub fn assert_code(&self, expected: i32) -> &Self {
        self.assert_no_panic();
        assert_eq!(
            self.code,
            Some(expected),
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    pub fn assert_no_panic(&self) -> &Self {
        assert!(
            !self.stderr.contains("panicked"),
            "tonghop panicked:\n{}",
            self.stderr
        );
        self
    }
}

/// Runs the built `tonghop` binary with `args` in the folder `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_in_env(dir, args, &[])
}

/// The same, with extra environment variables.
pub fn run_in_env(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_tonghop"))
        .args(args)
        .envs(envs.iter().copied())
        .current_dir(dir)
        // Keep the runs independent of the machine they run on.
        .env_remove("RUST_BACKTRACE")
        .env("NO_COLOR", "1")
        .output()
        .expect("the tonghop binary runs");
    Run {
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        code: output.status.code(),
    }
}

/// A project folder in a temporary directory, removed when dropped.
pub struct Project {
    pub dir: TempDir,
}

impl Project {
    /// An empty folder: no tonghop.toml, no inbox.
    pub fn empty() -> Project {
        Project {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A copy of `samples/<name>`. Its `tonghop.toml` names the schema and
    /// the registry relative to the sample (`../../schemas/…`), which means
    /// nothing in a temp dir, so those two paths are rewritten as absolute.
    pub fn sample(name: &str) -> Project {
        let project = Project::empty();
        copy_dir(&sample_dir(name), project.path());
        let config = project.path().join("tonghop.toml");
        let text = std::fs::read_to_string(&config).expect("the sample has a tonghop.toml");
        let mut table: toml::Table = toml::from_str(&text).expect("tonghop.toml parses");
        table.insert(
            "schema".into(),
            toml::Value::String(schema_path().to_string_lossy().into_owned()),
        );
        table.insert(
            "units".into(),
            toml::Value::String(units_path().to_string_lossy().into_owned()),
        );
        std::fs::write(
            &config,
            toml::to_string(&table).expect("tonghop.toml serialises"),
        )
        .expect("write tonghop.toml");
        project
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the project.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.path().join(rel)
    }

    /// Runs `tonghop` with `args` in the project folder.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

/// Copies a folder recursively (files and sub-folders).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Sets a file's modification time (git does not keep them, and the tool
/// picks the newest of a unit's files by modification time).
pub fn set_mtime(path: &Path, time: SystemTime) {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    file.set_modified(time)
        .unwrap_or_else(|e| panic!("set the modification time of {}: {e}", path.display()));
}

/// A fixed point in time, `days` after 1 January 2024 (UTC).
pub fn day(days: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200 + days * 86_400)
}

/// A tab-separated table with a header row, as a list of column → value maps.
/// Missing trailing cells read as "".
pub fn read_tsv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines.next().expect("a header row").split('\t').collect();
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            header
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    (
                        h.to_string(),
                        cells.get(i).copied().unwrap_or("").trim().to_string(),
                    )
                })
                .collect()
        })
        .collect()
}

/// Every entry of a zip package (xlsx, ods) with its bytes, in order.
pub fn zip_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().map(|n| n.to_string()).unwrap(), bytes)
        })
        .collect()
}

/// One entry's text.
pub fn zip_text(entries: &[(String, Vec<u8>)], name: &str) -> String {
    let bytes = &entries
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} in the package"))
        .1;
    String::from_utf8(bytes.clone()).unwrap()
}

/// Writes a zip package from entries, as a spreadsheet program saves one.
pub fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        writer
            .start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap();
}

/// The `tonghop.toml` of a project of its own: `schema.toml`, `units.csv`,
/// year 2023, `inbox` in and `out` out.
pub const OWN_CONFIG: &str = "schema = \"schema.toml\"\nunits = \"units.csv\"\nperiod = \"2023\"\ninbox = \"inbox\"\noutput = \"out\"\n";

/// Writes a project of its own into `dir`: the schema as `schema.toml`, the
/// registry as `units.csv` and `config` as `tonghop.toml`.
pub fn write_project(dir: &Path, schema: &str, units: &str, config: &str) {
    std::fs::create_dir_all(dir).expect("create the project folder");
    std::fs::write(dir.join("schema.toml"), schema).expect("write schema.toml");
    std::fs::write(dir.join("units.csv"), units).expect("write units.csv");
    std::fs::write(dir.join("tonghop.toml"), config).expect("write tonghop.toml");
}

impl Project {
    /// A project of its own in a temp dir (see [`write_project`]).
    pub fn own(schema: &str, units: &str, config: &str) -> Project {
        let project = Project::empty();
        write_project(project.path(), schema, units, config);
        project
    }
}

pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Puts a value into a cell of a sheet's XML, as a spreadsheet program saves
/// what was typed: the cell element is replaced whole (blank or not), keeping
/// its attributes but its type; a number is written as a number, anything
/// else as an inline string.
pub fn set_cell(xml: &mut String, cell: &str, value: &str, numeric: bool) {
    let open = format!("<c r=\"{cell}\"");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("cell {cell} is in the sheet"));
    let close = start + xml[start..].find('>').unwrap();
    let self_closing = xml.as_bytes()[close - 1] == b'/';
    let end = if self_closing {
        close + 1
    } else {
        start + xml[start..].find("</c>").unwrap() + 4
    };
    let attrs_end = if self_closing { close - 1 } else { close };
    let attrs: String = xml[start + open.len()..attrs_end]
        .split_whitespace()
        .filter(|attr| !attr.starts_with("t="))
        .map(|attr| format!(" {attr}"))
        .collect();
    let replacement = if numeric {
        format!("<c r=\"{cell}\"{attrs}><v>{value}</v></c>")
    } else {
        format!(
            "<c r=\"{cell}\"{attrs} t=\"inlineStr\"><is><t>{}</t></is></c>",
            xml_escape(value)
        )
    };
    xml.replace_range(start..end, &replacement);
}

/// The spreadsheet letters of a 0-based column (0 → A, 26 → AA).
pub fn column_letters(col: u32) -> String {
    let mut col = col + 1;
    let mut s = String::new();
    while col > 0 {
        let rem = (col - 1) % 26;
        s.insert(0, (b'A' + rem as u8) as char);
        col = (col - 1) / 26;
    }
    s
}

/// The `real-vn` folder of the shared corpus: under `TONGHOP_CORPUS`, else
/// `../shared/corpus` beside the clone (or beside its parent), else the
/// workplace's copy; `None` where this machine has none.
pub fn real_vn_dir() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("TONGHOP_CORPUS") {
        candidates.push(PathBuf::from(dir));
    }
    let repo = repo();
    candidates.extend([
        repo.join("../shared/corpus"),
        repo.join("../../shared/corpus"),
        PathBuf::from("/work/shared/corpus"),
    ]);
    candidates
        .into_iter()
        .map(|d| d.join("real-vn"))
        .find(|d| d.is_dir())
}

/// The `real-vn` folder and its `.xls` files in name order, or `None` (with
/// a note on stderr: the calling test is skipped) where the corpus is absent.
pub fn real_vn_xls() -> Option<(PathBuf, Vec<PathBuf>)> {
    let Some(dir) = real_vn_dir() else {
        eprintln!("note: real-vn corpus not found (set TONGHOP_CORPUS); test skipped");
        return None;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xls"))
        .collect();
    files.sort();
    Some((dir, files))
}

/// A cell's value as text, numbers as Rust writes them.
pub fn data_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

/// A workbook opened with calamine.
pub fn workbook(path: &Path) -> calamine::Xlsx<std::io::BufReader<std::fs::File>> {
    calamine::open_workbook(path).expect("the workbook opens with calamine")
}

/// A CSV the tool wrote (it starts with a UTF-8 BOM, for Excel), as a list
/// of column → value maps.
pub fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "CSV starts with a UTF-8 BOM for Excel"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            headers
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}
