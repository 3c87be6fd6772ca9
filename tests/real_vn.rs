//! Legacy decoding scored on real government spreadsheets
//! (`real-vn/` of the shared corpus: TCVN3 and VNI-Windows reports of
//! 2005–2009 with human-reviewed Unicode transcripts, and two Unicode lists
//! of the statistics office). Each file is read and decoded through the path
//! `tonghop show` uses; the score of a file is the share of the non-ASCII
//! cells of its transcript found verbatim among the decoded cells (with
//! whitespace as the transcripts write it: a line break in a cell is a
//! space). The
//! transcripts have a few errors of their own (about 0.4% of cells), hence
//! 99.5% and not 100%. No decoded text may hold a C1 control character, and
//! the Unicode files must come out exactly as stored. Skips, with a note,
//! when the corpus is absent (`TONGHOP_CORPUS` or `../shared/corpus`).

mod common;

use std::collections::HashSet;

use tonghop::Limits;
use tonghop::{Shown, inspect};

use common::real_vn_xls;

fn has_c1(text: &str) -> bool {
    text.chars().any(|c| ('\u{80}'..='\u{9F}').contains(&c))
}

fn read(path: &std::path::Path) -> Shown {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    inspect(path, &name, &Limits::default(), None, None)
        .unwrap_or_else(|f| panic!("{name} is readable: {:?}", f.message.en))
}

/// Whitespace as the transcripts write it: a cell's line breaks and runs of
/// spaces are one space, none at either end.
fn spaced(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// (found, total, the cells not found) of a transcript's non-ASCII cells.
fn score(shown: &Shown, transcript: &str) -> (usize, usize, Vec<String>) {
    let decoded: HashSet<String> = shown
        .sheets
        .iter()
        .flat_map(|s| &s.cells)
        .map(|c| spaced(&c.text))
        .collect();
    let mut missing = Vec::new();
    let mut found = 0;
    let mut total = 0;
    for cell in transcript.lines().flat_map(|l| l.split('\t')) {
        let cell = spaced(cell);
        if cell.is_ascii() {
            continue;
        }
        total += 1;
        if decoded.contains(&cell) {
            found += 1;
        } else {
            missing.push(cell);
        }
    }
    (found, total, missing)
}

#[test]
fn real_legacy_files_decode_to_their_transcripts() {
    let Some((dir, files)) = real_vn_xls() else {
        return;
    };
    assert!(!files.is_empty(), "no .xls in {}", dir.display());
    let (mut found, mut total) = (0, 0);
    let mut problems = Vec::new();
    for path in &files {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let shown = read(path);
        for sheet in &shown.sheets {
            for cell in &sheet.cells {
                if has_c1(&cell.text) || has_c1(&cell.raw) {
                    problems.push(format!(
                        "{name}: {}!{}: C1 control in {:?}",
                        sheet.name, cell.cell, cell.text
                    ));
                }
            }
        }
        let transcript = dir.join("transcripts").join(format!("{name}.txt"));
        let Ok(transcript) = std::fs::read_to_string(&transcript) else {
            // A Unicode file: nothing may be converted.
            for sheet in &shown.sheets {
                if sheet.encoding != "unicode" {
                    problems.push(format!("{name}: {} read as {}", sheet.name, sheet.encoding));
                }
                for cell in sheet.cells.iter().filter(|c| c.raw != c.text) {
                    problems.push(format!(
                        "{name}: {}!{} changed: {:?} → {:?}",
                        sheet.name, cell.cell, cell.raw, cell.text
                    ));
                }
            }
            println!(
                "{name}: Unicode, {} cells unchanged",
                shown.sheets.iter().map(|s| s.cells.len()).sum::<usize>()
            );
            continue;
        };
        let (f, t, missing) = score(&shown, &transcript);
        println!(
            "{name}: {f}/{t} = {:.2}%",
            100.0 * f as f64 / t.max(1) as f64
        );
        for cell in missing {
            println!("    not found: {cell}");
        }
        found += f;
        total += t;
    }
    let overall = 100.0 * found as f64 / total.max(1) as f64;
    println!("overall: {found}/{total} = {overall:.2}%");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(total > 0, "no transcript was scored");
    assert!(overall >= 99.5, "overall score {overall:.2}% < 99.5%");
}
