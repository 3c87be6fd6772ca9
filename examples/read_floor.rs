//! The read floor: open each workbook with calamine and read every cell of
//! every sheet, nothing else. No validation can be faster than this, so the
//! benchmark (`scripts/bench.sh`) reports `tonghop build` as a ratio to it.
//!
//!     cargo run --release --example read_floor -- [--threads N] PATH...
//!
//! PATH is a file or a folder (its files, not recursive). Prints the number
//! of files, sheets and non-empty cells read, so the work cannot be skipped.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, open_workbook_auto};
use rayon::prelude::*;

fn files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            if let Ok(entries) = std::fs::read_dir(p) {
                out.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
            }
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out
}

/// (sheets, non-empty cells) of one workbook; unreadable files count zero.
fn read_all(path: &Path) -> (u64, u64) {
    let Ok(mut wb) = open_workbook_auto(path) else {
        return (0, 0);
    };
    let names = wb.sheet_names().to_vec();
    let mut cells = 0;
    for name in &names {
        if let Ok(range) = wb.worksheet_range(name) {
            cells += range
                .used_cells()
                .filter(|(_, _, d)| !matches!(d, Data::Empty))
                .count() as u64;
        }
    }
    (names.len() as u64, cells)
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut threads = 0;
    if let Some(i) = args.iter().position(|a| a == "--threads") {
        threads = args.get(i + 1).and_then(|n| n.parse().ok()).unwrap_or(0);
        args.drain(i..(i + 2).min(args.len()));
    }
    let paths: Vec<PathBuf> = args.into_iter().map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: read_floor [--threads N] PATH...");
        std::process::exit(2);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let list = files(&paths);
    let (sheets, cells) = pool.install(|| {
        list.par_iter()
            .map(|p| read_all(p))
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    });
    println!("files {} sheets {sheets} cells {cells}", list.len());
}
