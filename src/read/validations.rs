//! The data validations of an .xlsx's sheets (Excel's "Data → Validation":
//! a drop-down list, whole numbers, decimals, dates), which calamine does
//! not read. A blank form says its types only there: `schema infer` reads
//! them. Only after the zip passed `sniff::check_zip`'s guards; each part is
//! read up to a bound, and any part that cannot be read yields nothing.

use std::collections::HashMap;
use std::io::Read;

use crate::model::finding::parse_a1;
use crate::read::ingest::Limits;
use crate::read::sniff::check_zip;

/// What a validation allows.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Allowed {
    Whole {
        min: Option<f64>,
    },
    Decimal {
        min: Option<f64>,
    },
    Date,
    /// A list written in the rule itself ("Có,Không").
    List(Vec<String>),
    /// Any value: the cell is an input cell, of no stated type.
    Any,
    /// A list kept in cells ("'_tonghop'!$D$1:$D$12"): the sheet and the
    /// range (first row, first column, last row, last column), until
    /// `resolve_lists` reads it.
    ListIn(String, (u32, u32, u32, u32)),
}

/// One validation: the cells it covers, as (first row, first column, last
/// row, last column), zero-based.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Validation {
    pub ranges: Vec<(u32, u32, u32, u32)>,
    pub allowed: Allowed,
    /// The input message shown when the cell is selected (`prompt`).
    pub prompt: Option<String>,
}

impl Validation {
    pub(crate) fn covers(&self, row: u32, col: u32) -> bool {
        self.ranges
            .iter()
            .any(|&(r1, c1, r2, c2)| (r1..=r2).contains(&row) && (c1..=c2).contains(&col))
    }
}

/// The validations of each sheet, by sheet name; empty for a file that is
/// no xlsx or whose parts cannot be read.
pub(crate) fn of_xlsx(bytes: &[u8], limits: &Limits) -> HashMap<String, Vec<Validation>> {
    if check_zip(bytes, limits).is_err() {
        return HashMap::new();
    }
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return HashMap::new();
    };
    let mut part = |name: &str| -> Option<String> {
        let entry = zip.by_name(name).ok()?;
        let mut text = String::new();
        entry
            .take(limits.max_uncompressed_bytes)
            .read_to_string(&mut text)
            .ok()?;
        Some(text)
    };
    let (Some(workbook), Some(rels)) =
        (part("xl/workbook.xml"), part("xl/_rels/workbook.xml.rels"))
    else {
        return HashMap::new();
    };
    let targets: HashMap<String, String> = tags(&rels, "Relationship")
        .into_iter()
        .filter_map(|t| Some((attr(t, "Id")?, attr(t, "Target")?)))
        .collect();
    let mut out = HashMap::new();
    for tag in tags(&workbook, "sheet") {
        let (Some(name), Some(id)) = (attr(tag, "name"), attr(tag, "r:id")) else {
            continue;
        };
        let Some(target) = targets.get(&id) else {
            continue;
        };
        let path = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("xl/{target}"),
        };
        if let Some(xml) = part(&path) {
            out.insert(name, validations(&xml));
        }
    }
    out
}

/// The opening tags `<name …>` of an XML text.
fn tags<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    xml.match_indices(open.as_str())
        .filter_map(|(at, _)| xml[at..].find('>').map(|end| &xml[at..at + end + 1]))
        .collect()
}

/// An attribute's value, unescaped.
fn attr(tag: &str, key: &str) -> Option<String> {
    let start = tag.find(&format!(" {key}=\""))? + key.len() + 3;
    let end = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + end]))
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The `<dataValidation>` elements of one sheet's XML.
fn validations(xml: &str) -> Vec<Validation> {
    let mut out = Vec::new();
    for (at, _) in xml.match_indices("<dataValidation ") {
        let rest = &xml[at..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..=tag_end];
        let body = if tag.ends_with("/>") {
            ""
        } else {
            rest.find("</dataValidation>")
                .map_or("", |end| &rest[tag_end + 1..end])
        };
        let formula = body
            .find("<formula1>")
            .and_then(|s| {
                let inner = &body[s + 10..];
                inner.find("</formula1>").map(|e| unescape(&inner[..e]))
            })
            .unwrap_or_default();
        let ranges = attr(tag, "sqref").map(|s| ranges(&s)).unwrap_or_default();
        let allowed = allowed(
            attr(tag, "type").as_deref(),
            attr(tag, "operator").as_deref(),
            &formula,
        );
        if let (Some(allowed), false) = (allowed, ranges.is_empty()) {
            let prompt = attr(tag, "prompt").filter(|p| !p.trim().is_empty());
            out.push(Validation {
                ranges,
                allowed,
                prompt,
            });
        }
    }
    out
}

fn allowed(kind: Option<&str>, operator: Option<&str>, formula: &str) -> Option<Allowed> {
    // A lower bound only when the rule is one ("≥ 0"), not a placeholder.
    let min = (operator == Some("greaterThanOrEqual"))
        .then(|| formula.trim().parse::<f64>().ok())
        .flatten()
        .filter(|m| m.abs() < 1e9);
    match kind.unwrap_or("none") {
        "none" | "any" => Some(Allowed::Any),
        "whole" => Some(Allowed::Whole { min }),
        "decimal" => Some(Allowed::Decimal { min }),
        "date" => Some(Allowed::Date),
        "list" if !formula.trim().starts_with('"') => list_in(formula),
        "list" => {
            let literal = formula.trim().strip_prefix('"')?.strip_suffix('"')?;
            let items: Vec<String> = literal
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            (!items.is_empty()).then_some(Allowed::List(items))
        }
        _ => None,
    }
}

/// A list in cells: "'_tonghop'!$D$1:$D$3" or "Lists!A1:A5" (the sheet
/// named; a list on the cell's own sheet is not read).
fn list_in(formula: &str) -> Option<Allowed> {
    let (sheet, range) = formula.trim().trim_start_matches('=').rsplit_once('!')?;
    let sheet = match sheet.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        Some(quoted) => quoted.replace("''", "'"),
        None => sheet.to_string(),
    };
    let range = ranges(&range.replace('$', "")).into_iter().next()?;
    Some(Allowed::ListIn(sheet, range))
}

/// Reads each list kept in cells from the workbook: the texts of its
/// range, in order (a range of no text leaves the validation as any value).
pub(crate) fn resolve_lists(
    validations: &mut HashMap<String, Vec<Validation>>,
    book: &crate::model::book::Book,
) {
    for v in validations.values_mut().flatten() {
        let Allowed::ListIn(sheet, (r1, c1, r2, c2)) = &v.allowed else {
            continue;
        };
        let items: Vec<String> = book
            .sheets
            .iter()
            .find(|s| &s.name == sheet)
            .map(|s| {
                (*r1..=(*r2).min(r1 + 500))
                    .flat_map(|r| (*c1..=*c2).map(move |c| (r, c)))
                    .map(|(r, c)| s.get(r, c).as_text().trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        v.allowed = if items.is_empty() {
            Allowed::Any
        } else {
            Allowed::List(items)
        };
    }
}

/// "B4:B63 D9" → [(3, 1, 62, 1), (8, 3, 8, 3)].
fn ranges(sqref: &str) -> Vec<(u32, u32, u32, u32)> {
    sqref
        .split_whitespace()
        .filter_map(|part| {
            let (a, b) = part.split_once(':').unwrap_or((part, part));
            let ((r1, c1), (r2, c2)) = (parse_a1(a)?, parse_a1(b)?);
            Some((r1, c1, r2, c2))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validations_of_a_sheet() {
        let xml = r#"<dataValidations count="3"><dataValidation type="whole" operator="greaterThanOrEqual" allowBlank="1" sqref="D10:D13 D15"><formula1>0</formula1></dataValidation><dataValidation type="list" allowBlank="1" sqref="F4:F63" prompt="Chọn Có hoặc Không."><formula1>"Có,Không"</formula1></dataValidation><dataValidation allowBlank="1" sqref="B4:B63"/><dataValidation type="decimal" operator="greaterThanOrEqual" sqref="AA2"><formula1>-1000000000000000</formula1></dataValidation></dataValidations>"#;
        let v = validations(xml);
        assert_eq!(v.len(), 4);
        assert_eq!(v[0].allowed, Allowed::Whole { min: Some(0.0) });
        assert_eq!(v[1].prompt.as_deref(), Some("Chọn Có hoặc Không."));
        assert_eq!(v[0].ranges, vec![(9, 3, 12, 3), (14, 3, 14, 3)]);
        assert!(v[0].covers(14, 3) && !v[0].covers(13, 3));
        assert_eq!(
            v[1].allowed,
            Allowed::List(vec!["Có".into(), "Không".into()])
        );
        // No type: any value, still an input cell.
        assert_eq!(v[2].allowed, Allowed::Any);
        assert_eq!(v[2].ranges, vec![(3, 1, 62, 1)]);
        assert_eq!(v[3].allowed, Allowed::Decimal { min: None });
        assert_eq!(v[3].ranges, vec![(1, 26, 1, 26)]);
    }

    #[test]
    fn a_list_kept_in_cells_is_read_from_the_book() {
        let xml = r#"<dataValidation type="list" sqref="D9:D68"><formula1>'_tonghop'!$D$1:$D$3</formula1></dataValidation>"#;
        let mut v = HashMap::from([("Biểu 02".to_string(), validations(xml))]);
        let want = Allowed::ListIn("_tonghop".into(), (0, 3, 2, 3));
        assert_eq!(v["Biểu 02"][0].allowed, want);
        let mut meta = crate::model::book::Sheet::new("_tonghop", true);
        for (r, item) in ["Tại gia đình, cộng đồng", "Tại cơ sở", "Sau cai"]
            .iter()
            .enumerate()
        {
            meta.set(
                r as u32,
                3,
                crate::model::book::Cell::Text(item.to_string()),
            );
        }
        let book = crate::model::book::Book {
            format: crate::model::book::Format::Xlsx,
            sheets: vec![meta],
        };
        resolve_lists(&mut v, &book);
        let items = ["Tại gia đình, cộng đồng", "Tại cơ sở", "Sau cai"];
        assert_eq!(
            v["Biểu 02"][0].allowed,
            Allowed::List(items.map(String::from).to_vec())
        );
    }

    #[test]
    fn no_xlsx_no_validations() {
        assert!(of_xlsx(b"not a zip", &Limits::default()).is_empty());
    }
}
