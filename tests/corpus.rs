//! The public corpus (2,416 spreadsheets from other projects' test suites:
//! encrypted, corrupt, fuzzer-made, bombs, old formats) goes through
//! `tonghop check`, one process per file: every file must end with findings,
//! never a panic, an abort or a hang, each under 10 s and 1 GiB. Prints the
//! table the issue asks for. The corpus is read from `../shared/corpus`
//! (or `TONGHOP_CORPUS`).

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const TIME_LIMIT: Duration = Duration::from_secs(10);
const MEMORY_LIMIT_KB: i64 = 1024 * 1024;

/// `TONGHOP_CORPUS`, else `../shared/corpus` beside the clone (or beside
/// its parent, for a clone one level deeper), else the workplace's copy.
fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TONGHOP_CORPUS") {
        return PathBuf::from(dir);
    }
    let repo = common::repo();
    let candidates = [
        repo.join("../shared/corpus"),
        repo.join("../../shared/corpus"),
        PathBuf::from("/work/shared/corpus"),
    ];
    candidates
        .iter()
        .find(|d| d.join("MANIFEST.tsv").is_file())
        .cloned()
        .unwrap_or_else(|| candidates[0].clone())
}

struct Outcome {
    file: String,
    exit: Option<i32>,
    seconds: f64,
    max_rss_kb: i64,
    codes: Vec<String>,
    problem: Option<String>,
}

/// Runs the tool on one file, measuring the process tree's peak memory.
// The child is reaped by `libc::wait4` (which also gives its rusage), not by
// `Child::wait`, so clippy cannot see the wait.
#[allow(clippy::zombie_processes)]
fn run_one(file: &Path, rel: &str) -> Outcome {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tonghop"))
        .args([
            "check",
            "--no-progress",
            "--format",
            "json",
            "--period",
            "2023",
            "--schema",
        ])
        .arg(common::schema_path())
        .arg("--units")
        .arg(common::units_path())
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tonghop starts");
    let pid = child.id() as libc::pid_t;
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    // A watchdog: twice the limit, then the process is killed and reported.
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if done_rx.recv_timeout(TIME_LIMIT * 2).is_err() {
            // SAFETY: kill() on our own child's pid; no memory is touched.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    });
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 writes only into the two out-parameters we own.
    unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let _ = done_tx.send(());
    let _ = watchdog.join();
    let seconds = started.elapsed().as_secs_f64();
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    let exit = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let codes: Vec<String> = serde_json::from_str::<serde_json::Value>(&stdout)
        .ok()
        .and_then(|v| v["submissions"][0]["findings"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|f| f["code"].as_str().map(String::from))
        .collect();
    let problem = if stderr.contains("panicked") {
        Some(format!(
            "panic: {}",
            stderr
                .lines()
                .find(|l| l.contains("panicked"))
                .unwrap_or_default()
        ))
    } else if exit != Some(1) {
        Some(format!(
            "exit {exit:?} (signal {}), stderr: {}",
            libc::WTERMSIG(status),
            stderr.lines().next().unwrap_or_default()
        ))
    } else if codes.is_empty() {
        Some("no finding in the JSON report".into())
    } else if seconds > TIME_LIMIT.as_secs_f64() {
        Some(format!("took {seconds:.1} s"))
    } else if usage.ru_maxrss > MEMORY_LIMIT_KB {
        Some(format!("used {} MB", usage.ru_maxrss / 1024))
    } else {
        None
    };
    Outcome {
        file: rel.to_string(),
        exit,
        seconds,
        max_rss_kb: usage.ru_maxrss,
        codes,
        problem,
    }
}

#[test]
fn every_corpus_file_ends_with_findings_within_limits() {
    let dir = corpus_dir();
    let manifest = dir.join("MANIFEST.tsv");
    assert!(
        manifest.is_file(),
        "the public corpus is expected at {} (set TONGHOP_CORPUS to its folder)",
        dir.display()
    );
    let files: Vec<String> = common::read_tsv(&manifest)
        .into_iter()
        .map(|row| row["file"].clone())
        .collect();
    assert!(files.len() > 2000, "the whole corpus is listed");

    let queue = Mutex::new(files.iter());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let Some(rel) = queue.lock().unwrap().next() else {
                        break;
                    };
                    let outcome = run_one(&dir.join(rel), rel);
                    results.lock().unwrap().push(outcome);
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by(|a, b| a.file.cmp(&b.file));

    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &results {
        for c in r.codes.iter().collect::<std::collections::BTreeSet<_>>() {
            *codes.entry(c).or_default() += 1;
        }
    }
    let unreadable = [
        "file-unreadable",
        "file-encrypted",
        "file-unsupported",
        "file-too-large",
    ];
    let readable = results
        .iter()
        .filter(|r| !r.codes.iter().any(|c| unreadable.contains(&c.as_str())))
        .count();
    let slowest = results
        .iter()
        .max_by(|a, b| a.seconds.total_cmp(&b.seconds))
        .unwrap();
    let largest = results.iter().max_by_key(|r| r.max_rss_kb).unwrap();
    let problems: Vec<&Outcome> = results.iter().filter(|r| r.problem.is_some()).collect();
    // Written straight to stderr, past the test harness's capture, so that
    // the table shows in every CI log.
    let mut table = String::new();
    table.push_str("| corpus | |\n|---|---|\n");
    table.push_str(&format!("| files | {} |\n", results.len()));
    table.push_str(&format!("| readable | {readable} |\n"));
    for (code, n) in &codes {
        table.push_str(&format!("| {code} | {n} |\n"));
    }
    table.push_str(&format!(
        "| slowest | {} ({:.2} s) |\n",
        slowest.file, slowest.seconds
    ));
    table.push_str(&format!(
        "| largest memory | {} ({} MB) |\n",
        largest.file,
        largest.max_rss_kb / 1024
    ));
    table.push_str(&format!("| problems | {} |\n", problems.len()));
    for p in &problems {
        table.push_str(&format!(
            "  {}: {} (exit {:?})\n",
            p.file,
            p.problem.as_deref().unwrap_or_default(),
            p.exit
        ));
    }
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), table.as_bytes());
    assert_eq!(results.len(), files.len());
    assert!(
        problems.is_empty(),
        "{} corpus files crashed, hung or exceeded a limit",
        problems.len()
    );
}

#[test]
fn a_3_gib_zip_bomb_is_refused_at_once_with_little_memory() {
    let file = common::fixture("hostile/bomb-3gib.xlsx");
    let outcome = run_one(&file, "hostile/bomb-3gib.xlsx");
    assert_eq!(outcome.problem, None);
    assert_eq!(outcome.codes, vec!["file-too-large".to_string()]);
    assert!(outcome.seconds < 1.0, "refused in {:.2} s", outcome.seconds);
    assert!(
        outcome.max_rss_kb < 200 * 1024,
        "used {} MB",
        outcome.max_rss_kb / 1024
    );
}

#[test]
fn fuzzer_findings_end_with_findings_within_limits() {
    // Inputs on which `scripts/fuzz.sh` made calamine abort (allocations of
    // up to petabytes for forged .xls dimensions and cell positions) or run
    // out of memory in-process: the reader's process limits turn each into
    // a finding.
    let dir = common::fixture("hostile/fuzz");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "the fuzz regression inputs are committed"
    );
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let outcome = run_one(&file, &name);
        assert_eq!(outcome.problem, None, "{name}");
    }
}
