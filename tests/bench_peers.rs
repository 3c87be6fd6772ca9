//! The benchmark's own correctness, at a small N: `scripts/bench.py` runs the
//! read floor, `tonghop build` and both Python peers on generated commune
//! files and refuses to report when their totals differ. Here it runs with
//! tiny inputs and one run each; the timings are ignored, the agreement and
//! the totals are checked (never the speed: that is the benchmark's job).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A Python with the peers' packages: from .ci/run, else made on demand.
fn python() -> String {
    if let Ok(p) = std::env::var("TONGHOP_BENCH_PYTHON") {
        return p;
    }
    let out = Command::new(repo().join("scripts/python-env.sh"))
        .output()
        .expect("scripts/python-env.sh runs");
    assert!(
        out.status.success(),
        "scripts/python-env.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn floor_exe() -> PathBuf {
    // `cargo test` builds the examples next to the test binaries.
    let bin = Path::new(env!("CARGO_BIN_EXE_tonghop"));
    let exe = bin.parent().unwrap().join("examples").join("read_floor");
    if !exe.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--locked", "--example", "read_floor"])
            .current_dir(repo())
            .status()
            .unwrap();
        assert!(status.success());
    }
    exe
}

#[test]
fn timed_build_agrees_with_both_peers() {
    let work = tempfile::tempdir().unwrap();
    let out = Command::new("python3")
        .arg(repo().join("scripts/bench.py"))
        .args(["--tonghop", env!("CARGO_BIN_EXE_tonghop")])
        .arg("--floor")
        .arg(floor_exe())
        .args(["--python", &python()])
        .arg("--work")
        .arg(work.path())
        .args(["--small", "12", "--large", "30", "--list-rows", "40"])
        .args(["--national", "45", "--check-runs", "1"])
        .args(["--runs", "1", "--peer-runs", "1", "--no-docs"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "bench.py failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Totals agree"), "{stdout}");
    for program in [
        "floor",
        "tonghop build (all cores)",
        "tonghop build (1 thread)",
        "peer polars",
        "peer pandas",
        "tonghop check, one file",
        "tonghop build 45 files / floor",
    ] {
        assert!(stdout.contains(program), "{program} missing from\n{stdout}");
    }

    // Our own reading of what was timed: every generated file accepted, and
    // co_so_tong equal to the establishments the generator listed.
    for (set, n) in [("small-12", 12), ("large-30", 30)] {
        let dir = work.path().join(set);
        let report: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir.join("out/pcmd-2023-kiem-tra.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(report["summary"]["accepted"], n, "{set}");
        let listed: u64 = generated_list_rows(&dir);
        let csv = std::fs::read_to_string(dir.join("out/pcmd-2023-chi-tieu.csv")).unwrap();
        let line = csv
            .lines()
            .find(|l| l.starts_with("co_so_tong,") && l.contains(",00,"))
            .unwrap_or_else(|| panic!("no co_so_tong total in\n{csv}"));
        let value: f64 = line.split(',').nth(7).unwrap().parse().unwrap();
        assert_eq!(value as u64, listed, "{set}: {line}");
    }
}

/// Establishment rows in the generated files' list sheets, counted with
/// calamine (independently of tonghop's reading).
fn generated_list_rows(dir: &Path) -> u64 {
    use calamine::{Reader, open_workbook_auto};
    let mut rows = 0;
    for entry in std::fs::read_dir(dir.join("inbox")).unwrap() {
        let mut wb = open_workbook_auto(entry.unwrap().path()).unwrap();
        let range = wb.worksheet_range("Biểu 02").unwrap();
        // Title, blank, header; then one row per establishment.
        rows += range
            .rows()
            .skip(3)
            .filter(|r| !matches!(r[1], calamine::Data::Empty))
            .count() as u64;
    }
    rows
}
