//! Identify: which unit sent a file and for which period. Sources are tried in
//! order of trust: the labelled cell ("Đơn vị báo cáo: …"), the heading
//! ("UBND XÃ …"), then the file name. A name matches the registry exactly
//! (after normalisation) or not at all; similarity only suggests.

use crate::check::locate::Layout;
use crate::model::book::{Book, Cell};
use crate::model::finding::{Code, Finding};
use crate::model::level::Level;
use crate::model::messages;
use crate::model::period::{Period, Reading, Stated, Statement, Window, combine, read_period};
use crate::model::registry::{Registry, UnitMatch};
use crate::model::schema::{PeriodKind, Schema};
use crate::model::text::{clean, loose_key};

/// Rows at the top of a sheet whose table was not found that are read as
/// its heading.
const HEADING_ROWS: u32 = 12;
/// Headings are read above the table's header row, however far down it
/// moved (the locator looks this far for it).
const MAX_HEADING_ROWS: u32 = 40;

#[derive(Debug, Default)]
pub(crate) struct Identity {
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
pub(crate) fn template_meta(book: &Book) -> Option<std::collections::HashMap<String, String>> {
    let sheet = book
        .sheets
        .iter()
        .find(|s| s.name == crate::model::schema::META_SHEET)?;
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

pub(crate) fn identify(
    book: &Book,
    layout: &Layout,
    schema: &Schema,
    registry: &Registry,
    level: &Level,
    file_stem: &str,
    (configured, window): (&Period, &Window),
) -> Identity {
    let mut identity = Identity::default();
    let texts = heading_texts(book, layout);

    // A template made by tonghop says what it is, before any label.
    template_identity(book, schema, registry, level, &mut identity);

    let first_problem = match identity.unit {
        Some(_) => None,
        None => unit_by_name(book, layout, &texts, (registry, level), &mut identity),
    };
    if identity.unit.is_none() {
        unit_by_file_name((registry, level), file_stem, first_problem, &mut identity);
    }

    let (period, findings) = stated_period(&texts, file_stem, configured, window);
    identity.period = period;
    identity.findings.extend(findings);
    identity
}

/// What a tonghop template says of itself (schema, version, unit): an
/// outdated template is told; its unit is taken.
fn template_identity(
    book: &Book,
    schema: &Schema,
    registry: &Registry,
    level: &Level,
    identity: &mut Identity,
) {
    if let Some(meta) =
        template_meta(book).filter(|m| m.get("schema").map(String::as_str) == Some(schema.id()))
    {
        if let Some(version) = meta.get("version")
            && older_version(version, &schema.version)
        {
            identity.findings.push(
                Finding::new(
                    Code::TemplateOutdated,
                    messages::template_outdated(version, &schema.version, level),
                )
                .value(version.clone()),
            );
        }
        identity.unit = meta.get("unit").and_then(|code| registry.find_code(code));
    }
}

/// The unit named by a label or the heading; else the first problem met
/// (ambiguous or unknown name), told only if the file name does not help.
fn unit_by_name(
    book: &Book,
    layout: &Layout,
    texts: &[String],
    (registry, level): (&Registry, &Level),
    identity: &mut Identity,
) -> Option<Finding> {
    let mut first_problem: Option<Finding> = None;
    // A template's blank ("UBND XÃ ………") names no unit: skip it, so that
    // the file name is still tried.
    let candidates = labelled_units(book, layout)
        .into_iter()
        .chain(heading_units(texts))
        .filter(|typed| !crate::model::registry::base_name(typed).is_empty());
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
                        messages::unit_ambiguous(&typed, &names, level),
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
                    Finding::new(
                        Code::UnitUnknown,
                        messages::unit_unknown(&typed, &names, level),
                    )
                    .value(typed.clone())
                });
            }
        }
    }
    first_problem
}

/// The unit from the file name, when no label or heading named it.
fn unit_by_file_name(
    (registry, level): (&Registry, &Level),
    file_stem: &str,
    first_problem: Option<Finding>,
    identity: &mut Identity,
) {
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
                    messages::unit_ambiguous(file_stem, &names, level),
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
                    messages::unit_unknown_file_name(file_stem, &names, level),
                )
                .value(file_stem),
            );
        }
        (None, UnitMatch::Unknown { .. }) => {
            identity.findings.push(Finding::new(
                Code::UnitUnidentified,
                messages::unit_unidentified(level),
            ));
        }
    }
}

/// The period the file states, checked against the configured one. A file
/// that states another period, or one that cannot be read, is refused; one
/// that states none is assumed to be of the configured period (a warning).
fn stated_period(
    texts: &[String],
    file_stem: &str,
    configured: &Period,
    window: &Window,
) -> (Option<Period>, Vec<Finding>) {
    let readings: Vec<(String, Reading)> = texts
        .iter()
        .filter_map(|t| read_period(t).map(|r| (t.clone(), r)))
        .collect();
    let mismatch = |s: &Stated| {
        Finding::new(
            Code::PeriodMismatch,
            messages::period_mismatch(s, configured),
        )
        .value(s.id())
    };
    match combine(&readings) {
        Statement::Stated(mut stated) => {
            name_the_window(&mut stated, window, configured);
            let chosen = &stated[0];
            if chosen.period() != Some(configured) {
                return (chosen.period().cloned(), vec![mismatch(chosen)]);
            }
            // "BÁO CÁO NĂM 2023" above "Kỳ báo cáo: Quý I/2024": the file
            // contradicts itself, and which line is right is not guessed.
            let contradictions = stated[1..]
                .iter()
                .filter(|s| !s.covers(chosen))
                .map(mismatch)
                .take(1)
                .collect();
            (Some(configured.clone()), contradictions)
        }
        Statement::Unreadable(text) => (
            None,
            vec![
                Finding::new(
                    Code::PeriodUnreadable,
                    messages::period_unreadable(&text, configured),
                )
                .value(text),
            ],
        ),
        Statement::Nothing => period_of_file_name(file_stem, configured),
    }
}

/// A file that states no period: the year its name gives (for a yearly
/// form), else the configured period, assumed and said.
fn period_of_file_name(file_stem: &str, configured: &Period) -> (Option<Period>, Vec<Finding>) {
    match year_in_file_name(file_stem)
        .map(Period::year)
        .filter(|_| configured.kind == PeriodKind::Year)
    {
        Some(p) if &p == configured => (Some(p), Vec::new()),
        Some(p) => {
            let stated = Stated::Named(p.clone());
            let finding = Finding::new(
                Code::PeriodMismatch,
                messages::period_mismatch(&stated, configured),
            )
            .value(stated.id());
            (Some(p), vec![finding])
        }
        None => (
            Some(configured.clone()),
            vec![Finding::new(
                Code::PeriodMissing,
                messages::period_missing(configured),
            )],
        ),
    }
}

/// A sector's window (`cutoff_day`) stated as dates is the period.
fn name_the_window(stated: &mut [Stated], window: &Window, configured: &Period) {
    for s in stated.iter_mut().filter(|s| window.is_stated_by(s)) {
        *s = Stated::Named(configured.clone());
    }
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

    fn stated(texts: &[&str], configured: &str) -> (Option<String>, Vec<(Code, String)>) {
        let texts: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        let configured = Period::parse(configured, PeriodKind::Quarter)
            .or_else(|_| Period::parse(configured, PeriodKind::Year))
            .unwrap();
        let (p, f) = stated_period(&texts, "bc", &configured, &Window::of(&configured, None));
        (
            p.map(|p| p.id()),
            f.into_iter()
                .map(|f| (f.code, f.value.unwrap_or_default()))
                .collect(),
        )
    }

    #[test]
    fn a_short_quarter_is_compared_not_assumed() {
        assert_eq!(
            stated(&["BÁO CÁO", "Quý I/2024"], "2024-Q2"),
            (
                Some("2024-Q1".into()),
                vec![(Code::PeriodMismatch, "2024-Q1".into())]
            )
        );
        assert_eq!(
            stated(&["Quý II/2024"], "2024-Q2"),
            (Some("2024-Q2".into()), vec![])
        );
    }

    #[test]
    fn nine_months_and_date_ranges_are_compared_sensibly() {
        // January to September is no quarter: refused, with the dates.
        assert_eq!(
            stated(&["BÁO CÁO 9 THÁNG NĂM 2024"], "2024-Q3"),
            (
                None,
                vec![(Code::PeriodMismatch, "2024-01-01/2024-09-30".into())]
            )
        );
        // The public-security six-month window is the first half.
        let half = Period::parse("2024-H1", PeriodKind::Half).unwrap();
        let texts = vec!["Số liệu từ ngày 15/12/2023 đến ngày 14/6/2024".to_string()];
        assert_eq!(
            stated_period(&texts, "bc", &half, &Window::of(&half, None)),
            (Some(half.clone()), vec![])
        );
        let texts = vec![
            "Kỳ báo cáo: 6 tháng cuối năm".to_string(),
            "NĂM 2024".to_string(),
        ];
        assert_eq!(
            stated_period(&texts, "bc", &half, &Window::of(&half, None)).1[0]
                .value
                .as_deref(),
            Some("2024-H2")
        );
    }

    #[test]
    fn the_most_precise_statement_decides_and_contradictions_are_told() {
        // The title's year takes in the quarter: no contradiction.
        assert_eq!(
            stated(&["BÁO CÁO NĂM 2024", "Kỳ báo cáo: Quý II/2024"], "2024-Q2"),
            (Some("2024-Q2".into()), vec![])
        );
        assert_eq!(
            stated(&["BÁO CÁO NĂM 2023", "Kỳ báo cáo: Quý II/2024"], "2024-Q2").1,
            vec![(Code::PeriodMismatch, "2023".into())]
        );
    }

    #[test]
    fn unreadable_and_missing_periods() {
        assert_eq!(
            stated(&["Kỳ báo cáo: Quý V/2024"], "2024-Q2"),
            (
                None,
                vec![(Code::PeriodUnreadable, "Kỳ báo cáo: Quý V/2024".into())]
            )
        );
        assert_eq!(
            stated(&["Văn Bàn, ngày 15 tháng 12 năm 2023"], "2024-Q2"),
            (
                Some("2024-Q2".into()),
                vec![(Code::PeriodMissing, String::new())]
            )
        );
        // The place name "Nậm" is no year.
        assert_eq!(
            stated(&["UBND XÃ MƯỜNG NẬM 2089", "Kỳ báo cáo: Năm 2023"], "2023").0,
            Some("2023".into())
        );
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
