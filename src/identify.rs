//! Identify: which unit sent a file and for which period. Sources are tried in
//! order of trust: the labelled cell ("Đơn vị báo cáo: …"), the heading
//! ("UBND XÃ …"), then the file name. A name matches the registry exactly
//! (after normalisation) or not at all; similarity only suggests.

use crate::finding::{Code, Finding};
use crate::ingest::{Book, Cell};
use crate::locate::Layout;
use crate::messages;
use crate::period::Period;
use crate::registry::{Registry, UnitMatch};
use crate::schema::PeriodKind;
use crate::text::{clean, loose_key};

/// Rows at the top of a sheet whose table was not found that are read as
/// its heading.
const HEADING_ROWS: u32 = 12;
/// Headings are read above the table's header row, however far down it
/// moved (the locator looks this far for it).
const MAX_HEADING_ROWS: u32 = 40;

#[derive(Debug, Default)]
pub struct Identity {
    pub unit: Option<usize>,
    pub period: Option<Period>,
    pub findings: Vec<Finding>,
}

/// Text cells of the heading area of every recognised sheet, in reading order.
fn heading_texts(book: &Book, layout: &Layout) -> Vec<String> {
    let mut sheets = layout.found_sheets();
    if sheets.is_empty() {
        sheets = (0..book.sheets.len()).map(|i| (i, HEADING_ROWS)).collect();
    }
    let mut texts = Vec::new();
    for (index, header_row) in sheets {
        let sheet = &book.sheets[index];
        for row in 0..header_row.min(MAX_HEADING_ROWS) {
            for (_, cell) in sheet.row(row) {
                if let Cell::Text(t) = cell {
                    let t = clean(t);
                    if !t.is_empty() {
                        texts.push(t);
                    }
                }
            }
        }
    }
    texts
}

/// The unit named next to "Đơn vị báo cáo:" (in the same cell or the next
/// non-empty one to its right).
fn labelled_units(book: &Book, layout: &Layout) -> Vec<String> {
    const LABELS: [&str; 3] = ["don vi bao cao", "ten don vi", "don vi"];
    let mut found = Vec::new();
    for (index, header_row) in layout.found_sheets() {
        let sheet = &book.sheets[index];
        for row in 0..header_row.min(MAX_HEADING_ROWS) {
            let cells: Vec<(u32, String)> = sheet
                .row(row)
                .map(|(c, cell)| (c, clean(&cell.as_text())))
                .collect();
            for (i, (_, text)) in cells.iter().enumerate() {
                let (head, tail) = text.split_once(':').unwrap_or((text.as_str(), ""));
                if !LABELS.contains(&loose_key(head).as_str()) {
                    continue;
                }
                let value = if tail.trim().is_empty() {
                    cells[i + 1..]
                        .iter()
                        .map(|(_, t)| t.clone())
                        .find(|t| !t.is_empty())
                } else {
                    Some(tail.trim().to_string())
                };
                found.extend(value);
            }
        }
    }
    found
}

/// "UBND XÃ NẬM XÂY" → "XÃ NẬM XÂY".
fn heading_units(texts: &[String]) -> Vec<String> {
    texts
        .iter()
        .filter(|t| {
            let k = loose_key(t);
            k.starts_with("ubnd ") || k.starts_with("uy ban nhan dan ")
        })
        .cloned()
        .collect()
}

/// The key/value pairs of the hidden sheet tonghop's templates carry.
fn template_meta(book: &Book) -> Option<std::collections::HashMap<String, String>> {
    let sheet = book
        .sheets
        .iter()
        .find(|s| s.name == crate::output::template::META_SHEET)?;
    Some(
        (0..sheet.row_end().min(20))
            .map(|r| {
                (
                    clean(&sheet.get(r, 0).as_text()),
                    clean(&sheet.get(r, 1).as_text()),
                )
            })
            .filter(|(k, _)| !k.is_empty())
            .collect(),
    )
}

/// "1.2.0" < "1.10.0": versions compare number by number.
fn older_version(a: &str, b: &str) -> bool {
    let parts = |v: &str| {
        v.split(['.', '-'])
            .map(|p| p.parse::<u64>().unwrap_or(0))
            .collect::<Vec<_>>()
    };
    parts(a) < parts(b)
}

pub fn identify(
    book: &Book,
    layout: &Layout,
    schema: &crate::schema::Schema,
    registry: &Registry,
    file_stem: &str,
    configured: &Period,
) -> Identity {
    let mut identity = Identity::default();
    let texts = heading_texts(book, layout);

    // A template made by tonghop says what it is, before any label.
    if let Some(meta) =
        template_meta(book).filter(|m| m.get("schema").map(String::as_str) == Some(schema.id()))
    {
        if let Some(version) = meta.get("version")
            && older_version(version, &schema.version)
        {
            identity.findings.push(
                Finding::new(
                    Code::TemplateOutdated,
                    messages::template_outdated(version, &schema.version),
                )
                .value(version.clone()),
            );
        }
        identity.unit = meta.get("unit").and_then(|code| registry.find_code(code));
    }

    let mut first_problem: Option<Finding> = None;
    // A template's blank ("UBND XÃ ………") names no unit: skip it, so that
    // the file name is still tried.
    let candidates = labelled_units(book, layout)
        .into_iter()
        .chain(heading_units(&texts))
        .filter(|typed| !crate::registry::base_name(typed).is_empty());
    for typed in candidates.filter(|_| identity.unit.is_none()) {
        match registry.match_name(&typed) {
            UnitMatch::Found(i) => {
                identity.unit = Some(i);
                break;
            }
            UnitMatch::Ambiguous(units) => {
                let names: Vec<String> = units
                    .iter()
                    .map(|&i| registry.units[i].name.clone())
                    .collect();
                first_problem.get_or_insert_with(|| {
                    Finding::new(
                        Code::UnitAmbiguous,
                        messages::unit_ambiguous(&typed, &names),
                    )
                    .value(typed.clone())
                });
            }
            UnitMatch::Unknown { suggestions } => {
                let names: Vec<String> = suggestions
                    .iter()
                    .map(|&i| registry.units[i].name.clone())
                    .collect();
                first_problem.get_or_insert_with(|| {
                    Finding::new(Code::UnitUnknown, messages::unit_unknown(&typed, &names))
                        .value(typed.clone())
                });
            }
        }
    }
    if identity.unit.is_none() {
        match (first_problem, registry.match_file_name(file_stem)) {
            (None, UnitMatch::Found(i)) => identity.unit = Some(i),
            (Some(problem), _) => identity.findings.push(problem),
            (None, UnitMatch::Ambiguous(units)) => {
                let names: Vec<String> = units
                    .iter()
                    .map(|&i| registry.units[i].name.clone())
                    .collect();
                identity.findings.push(
                    Finding::new(
                        Code::UnitAmbiguous,
                        messages::unit_ambiguous(file_stem, &names),
                    )
                    .value(file_stem),
                );
            }
            (None, UnitMatch::Unknown { suggestions }) if !suggestions.is_empty() => {
                let names: Vec<String> = suggestions
                    .iter()
                    .map(|&i| registry.units[i].name.clone())
                    .collect();
                identity.findings.push(
                    Finding::new(
                        Code::UnitUnknown,
                        messages::unit_unknown_file_name(file_stem, &names),
                    )
                    .value(file_stem),
                );
            }
            (None, UnitMatch::Unknown { .. }) => {
                identity.findings.push(Finding::new(
                    Code::UnitUnidentified,
                    messages::unit_unidentified(),
                ));
            }
        }
    }

    let stated = texts
        .iter()
        .filter(|t| !is_signature_date(t))
        .find_map(|t| period_in_text(t))
        .or_else(|| {
            year_in_file_name(file_stem)
                .map(Period::year)
                .filter(|_| configured.kind == PeriodKind::Year)
        });
    match stated {
        Some(p) if &p == configured => identity.period = Some(p),
        Some(p) => {
            identity.findings.push(
                Finding::new(
                    Code::PeriodMismatch,
                    messages::period_mismatch(&p, configured),
                )
                .value(p.id()),
            );
            identity.period = Some(p);
        }
        None => {
            identity.findings.push(Finding::new(
                Code::PeriodMissing,
                messages::period_missing(configured),
            ));
            identity.period = Some(configured.clone());
        }
    }
    identity
}

/// "Văn Bàn, ngày 15 tháng 12 năm 2023" is when it was signed, not the period.
fn is_signature_date(text: &str) -> bool {
    let k = loose_key(text);
    k.contains("ngay ") && k.contains(" thang ")
}

fn year_after(words: &[&str], at: usize) -> Option<i32> {
    words
        .get(at)
        .and_then(|w| w.parse::<i32>().ok())
        .filter(|y| (1990..=2100).contains(y))
}

const ROMAN: [&str; 4] = ["i", "ii", "iii", "iv"];

/// Reads a period from a title or "Kỳ báo cáo" line: "NĂM 2023",
/// "Quý II năm 2023", "6 tháng đầu năm 2023", "Tháng 7 năm 2023". The kind
/// comes from the text, so a half-year report is told apart from a yearly one.
pub fn period_in_text(text: &str) -> Option<Period> {
    let key = loose_key(text);
    let words: Vec<&str> = key.split(' ').collect();
    // "Năm" (year) and "Nậm" (a place: Nậm Mả, Mường Nậm 2089) differ only
    // by their marks; without marks only text typed with none at all counts.
    let exact = crate::text::label_key(text);
    let exact_words: Vec<&str> = exact.split(' ').collect();
    let unmarked = exact == key;
    let nam = (0..words.len())
        .find(|&i| exact_words.get(i) == Some(&"năm") || (unmarked && words[i] == "nam"))?;
    let year = year_after(&words, nam + 1)?;
    let before = &words[..nam];
    if let Some(q) = before.iter().position(|w| *w == "quy") {
        let w = before.get(q + 1)?;
        let part = ROMAN
            .iter()
            .position(|r| r == w)
            .map(|p| p as u32 + 1)
            .or_else(|| w.parse().ok())?;
        return (1..=4).contains(&part).then_some(Period {
            kind: PeriodKind::Quarter,
            year,
            part,
        });
    }
    if let Some(t) = before.iter().rposition(|w| *w == "thang") {
        if before.ends_with(&["dau"]) {
            return Some(Period {
                kind: PeriodKind::Half,
                year,
                part: 1,
            });
        }
        if before.ends_with(&["cuoi"]) {
            return Some(Period {
                kind: PeriodKind::Half,
                year,
                part: 2,
            });
        }
        let month: u32 = before.get(t + 1)?.parse().ok()?;
        return (1..=12).contains(&month).then_some(Period {
            kind: PeriodKind::Month,
            year,
            part: month,
        });
    }
    Some(Period::year(year))
}

/// A four-digit year in a file name: "BC_PCMD_2023_VoLao".
fn year_in_file_name(stem: &str) -> Option<i32> {
    stem.split(|c: char| !c.is_ascii_digit())
        .filter(|s| s.len() == 4)
        .filter_map(|s| s.parse().ok())
        .find(|y| (1990..=2100).contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_names_are_not_years() {
        assert_eq!(period_in_text("UBND XÃ MƯỜNG NẬM 2089"), None);
        assert_eq!(period_in_text("Xã Nậm Mả"), None);
        assert_eq!(
            period_in_text("Ky bao cao: Nam 2023"),
            Some(Period::year(2023))
        );
        assert_eq!(
            period_in_text("KỲ BÁO CÁO: NĂM 2023"),
            Some(Period::year(2023))
        );
    }

    #[test]
    fn periods_in_titles() {
        assert_eq!(
            period_in_text("Kỳ báo cáo: Năm 2023"),
            Some(Period::year(2023))
        );
        assert_eq!(
            period_in_text("BÁO CÁO KẾT QUẢ … NĂM 2022"),
            Some(Period::year(2022))
        );
        assert_eq!(
            period_in_text("Quý II năm 2023").map(|p| p.id()),
            Some("2023-Q2".into())
        );
        assert_eq!(
            period_in_text("6 tháng đầu năm 2023").map(|p| p.id()),
            Some("2023-H1".into())
        );
        assert_eq!(
            period_in_text("Tháng 7 năm 2023").map(|p| p.id()),
            Some("2023-07".into())
        );
        assert_eq!(period_in_text("Quý V năm 2023"), None);
        assert_eq!(period_in_text("Đơn vị báo cáo"), None);
    }

    #[test]
    fn signature_dates_are_not_periods() {
        assert!(is_signature_date("Văn Bàn, ngày 15 tháng 01 năm 2024"));
        assert!(!is_signature_date("Kỳ báo cáo: Năm 2023"));
    }

    #[test]
    fn versions() {
        assert!(older_version("0.9.0", "1.0.0"));
        assert!(older_version("1.2.0", "1.10.0"));
        assert!(!older_version("1.0.0", "1.0.0"));
        assert!(!older_version("2.0", "1.9.9"));
    }

    #[test]
    fn years_in_file_names() {
        assert_eq!(year_in_file_name("BC_PCMD_2023_VoLao"), Some(2023));
        assert_eq!(year_in_file_name("03061_pcmd"), None);
    }
}
