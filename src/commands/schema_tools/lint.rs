//! The lints of `schema check`, beyond what loading refuses: labels too
//! similar for the locator to tell apart, rules that can never fail, and
//! indicators that read no field. Each warning names the schema line.
//! Label pairs are compared within a sheet: the work grows with the square
//! of a sheet's fields (a few hundred at most), never with commune data.

use crate::check::locate::without_parentheses;
use crate::model::finding::{Lang, Msg};
use crate::model::schema::{FieldDef, Schema, SheetDef, SheetKind, expr_columns, parse_expr};
use crate::model::text::loose_key;

/// Edits under which two form labels are one typo apart: the locator reads
/// a retyped label with a typo or two (`locate`'s similarity ≥ 0.93).
const TYPO_EDITS: usize = 2;

#[derive(Debug)]
pub(super) struct Warning {
    pub line: usize,
    pub key: String,
    pub message: Msg,
}

/// Every lint warning of a loaded schema; `text` is its TOML, for lines.
pub(super) fn lint(schema: &Schema, text: &str) -> Vec<Warning> {
    let line = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let mut out = Vec::new();
    for sheet in &schema.sheets {
        out.extend(similar_labels(sheet, &line));
    }
    out.extend(never_failing_rules(schema, &line));
    out.extend(empty_indicators(schema, &line));
    out
}

/// The text a label is compared by: no case, diacritics, punctuation or
/// parenthesised part, as the locator's loosest exact tier.
fn label_keys(field: &FieldDef) -> Vec<String> {
    std::iter::once(&field.label)
        .chain(&field.aliases)
        .map(|l| loose_key(&without_parentheses(l)))
        .filter(|k| !k.is_empty())
        .collect()
}

/// Why two labels of one sheet cannot be told apart, if they cannot. Two
/// form rows with different STT codes are told apart by them (`locate`
/// takes a row by its code before any similarity).
fn confusable(sheet: &SheetDef, a: &FieldDef, b: &FieldDef) -> Option<Msg> {
    let (la, lb) = (&a.label, &b.label);
    let told_by_code =
        sheet.kind == SheetKind::Form && matches!((&a.code, &b.code), (Some(x), Some(y)) if x != y);
    for ka in label_keys(a) {
        for kb in label_keys(b) {
            if ka == kb && !told_by_code {
                return Some(Msg::new(
                    format!(
                        "“{la}” và “{lb}” giống hệt nhau khi bỏ dấu và chữ hoa; hãy ghi STT (code) khác nhau hoặc sửa nhãn"
                    ),
                    format!(
                        "“{la}” and “{lb}” are the same without case and diacritics; give them different codes or labels"
                    ),
                ));
            }
            let typo = sheet.kind == SheetKind::Form
                && !told_by_code
                && ka != kb
                && ka.chars().count().min(kb.chars().count()) >= 6
                && strsim::levenshtein(&ka, &kb) <= TYPO_EDITS;
            if typo {
                return Some(Msg::new(
                    format!(
                        "“{la}” và “{lb}” chỉ khác nhau {} ký tự: một lỗi gõ có thể làm dòng này bị nhận là dòng kia",
                        strsim::levenshtein(&ka, &kb)
                    ),
                    format!(
                        "“{la}” and “{lb}” differ by {} characters: a typo could read one row as the other",
                        strsim::levenshtein(&ka, &kb)
                    ),
                ));
            }
            let prefix =
                |x: &str, y: &str| y.starts_with(x) && y.as_bytes().get(x.len()) == Some(&b' ');
            if sheet.kind == SheetKind::List && (prefix(&ka, &kb) || prefix(&kb, &ka)) {
                return Some(Msg::new(
                    format!(
                        "“{la}” và “{lb}”: nhãn này là phần đầu của nhãn kia; khi thiếu một cột, cột kia có thể bị nhận nhầm"
                    ),
                    format!(
                        "“{la}” and “{lb}”: one label starts the other; when one column is missing the other may be taken for it"
                    ),
                ));
            }
        }
    }
    None
}

fn similar_labels(sheet: &SheetDef, line: &dyn Fn(usize) -> usize) -> Vec<Warning> {
    let mut out = Vec::new();
    // The values of one row share its label: rows are compared, once each.
    let rows: Vec<&FieldDef> = sheet.fields.iter().filter(|f| f.is_row()).collect();
    for (i, a) in rows.iter().enumerate() {
        for b in &rows[i + 1..] {
            if let Some(message) = confusable(sheet, a, b) {
                let id = b.column.as_ref().map_or(b.id(), |c| c.row.as_str());
                out.push(Warning {
                    line: line(b.id.span().start),
                    key: format!("sheets.{}.fields.{id}", sheet.id()),
                    message,
                });
            }
        }
    }
    out
}

const OPERATORS: [&str; 7] = [">=", "<=", "<>", "!=", "=", ">", "<"];

/// "a >= 0" → ("a", ">=", "0"): the first comparison operator outside
/// parentheses.
fn comparison(part: &str) -> Option<(&str, &'static str, &str)> {
    let mut depth = 0i32;
    for (i, c) in part.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => {
                if let Some(op) = OPERATORS.iter().find(|op| part[i..].starts_with(**op)) {
                    return Some((part[..i].trim(), op, part[i + op.len()..].trim()));
                }
            }
            _ => {}
        }
    }
    None
}

/// Why one comparison is always true, if it is: the same expression on
/// both sides, two constants, or a bound the field's own `min`/`max`
/// already enforces (a value outside it is refused before rules run).
fn always_true(part: &str, schema: &Schema, scope: Option<&SheetDef>) -> Option<String> {
    let (lhs, op, rhs) = comparison(part)?;
    let same = |a: &str, b: &str| a.replace(' ', "").eq_ignore_ascii_case(&b.replace(' ', ""));
    if same(lhs, rhs) && matches!(op, "=" | ">=" | "<=") {
        return Some(format!("{lhs} {op} {rhs}"));
    }
    let number = |s: &str| s.parse::<f64>().ok();
    if let (Some(a), Some(b)) = (number(lhs), number(rhs)) {
        let holds = match op {
            ">=" => a >= b,
            "<=" => a <= b,
            ">" => a > b,
            "<" => a < b,
            "=" => a == b,
            _ => a != b,
        };
        return holds.then(|| format!("{lhs} {op} {rhs}"));
    }
    // Turn "0 <= x" into "x >= 0".
    let (name, op, bound) = match (number(lhs), number(rhs)) {
        (None, Some(b)) => (lhs, op, b),
        (Some(a), None) => (rhs, flip(op)?, a),
        _ => return None,
    };
    let field = scope
        .and_then(|s| s.fields.iter().find(|f| f.id() == name))
        .or_else(|| schema.form_field(name).map(|(_, f)| f))?;
    let enforced = match (op, field.min, field.max) {
        (">=", Some(min), _) => min >= bound,
        (">", Some(min), _) => min > bound,
        ("<=", _, Some(max)) => max <= bound,
        ("<", _, Some(max)) => max < bound,
        _ => false,
    };
    enforced.then(|| format!("{name} {op} {bound} ({name}: min/max)"))
}

fn flip(op: &str) -> Option<&'static str> {
    Some(match op {
        ">=" => "<=",
        "<=" => ">=",
        ">" => "<",
        "<" => ">",
        "=" => "=",
        _ => return None,
    })
}

/// Rules whose every conjunct is always true. A rule with OR is left alone.
fn never_failing_rules(schema: &Schema, line: &dyn Fn(usize) -> usize) -> Vec<Warning> {
    let mut out = Vec::new();
    for rule in &schema.rules {
        let check = rule.check.get_ref();
        let upper = check.to_uppercase();
        if upper.contains(" OR ") {
            continue;
        }
        let scope = rule.scope.as_ref().and_then(|s| schema.sheet(s.get_ref()));
        let parts: Vec<&str> = split_and(check);
        let reasons: Option<Vec<String>> = parts
            .iter()
            .map(|p| always_true(p, schema, scope))
            .collect();
        if let Some(reasons) = reasons {
            let reasons = reasons.join("; ");
            out.push(Warning {
                line: line(rule.check.span().start),
                key: format!("rules.{}.check", rule.id.get_ref()),
                message: Msg::new(
                    format!(
                        "quy tắc “{}” không bao giờ sai ({reasons}): nó không kiểm tra gì",
                        rule.id.get_ref()
                    ),
                    format!(
                        "rule “{}” can never fail ({reasons}): it checks nothing",
                        rule.id.get_ref()
                    ),
                ),
            });
        }
    }
    out
}

/// "a >= 0 AND b = b" → ["a >= 0", "b = b"] (AND in any case, outside
/// parentheses).
fn split_and(check: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    let upper = check.to_ascii_uppercase();
    for (i, c) in check.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 && upper[i..].starts_with(" AND ") => {
                parts.push(check[start..i].trim());
                start = i + 5;
            }
            _ => {}
        }
    }
    parts.push(check[start..].trim());
    parts
}

/// Indicators whose numerator and denominator read no field: the same
/// figure for every unit, whatever they report.
fn empty_indicators(schema: &Schema, line: &dyn Fn(usize) -> usize) -> Vec<Warning> {
    let reads = |source: &str| {
        let counts = source.to_lowercase().replace(' ', "").contains("count(");
        counts || parse_expr(source).is_ok_and(|e| !expr_columns(&e).is_empty())
    };
    schema
        .indicators
        .iter()
        .filter(|i| {
            !reads(i.numerator.get_ref())
                && !i.denominator.as_ref().is_some_and(|d| reads(d.get_ref()))
        })
        .map(|i| Warning {
            line: line(i.numerator.span().start),
            key: format!("indicators.{}.numerator", i.id.get_ref()),
            message: Msg::new(
                format!(
                    "chỉ tiêu “{}” không dùng trường nào: đơn vị nào cũng ra cùng một số",
                    i.id.get_ref()
                ),
                format!(
                    "indicator “{}” reads no field: every unit gets the same figure",
                    i.id.get_ref()
                ),
            ),
        })
        .collect()
}

/// The warnings as the terminal shows them, with the schema's path.
pub(super) fn render(warnings: &[Warning], path: &std::path::Path, lang: Lang) -> String {
    let mut out = String::new();
    let shown = path.display();
    if warnings.is_empty() {
        out.push_str(&lang.pick(
            format!("Lược đồ {shown}: đọc được, không có cảnh báo.\n"),
            format!("Schema {shown}: loads, no warnings.\n"),
        ));
    } else {
        out.push_str(&lang.pick(
            format!("Lược đồ {shown}: đọc được, {} cảnh báo:\n", warnings.len()),
            format!("Schema {shown}: loads, {} warning(s):\n", warnings.len()),
        ));
    }
    for w in warnings {
        out.push_str(&lang.pick(
            format!(
                "  Cảnh báo, dòng {}, `{}`: {}\n",
                w.line,
                w.key,
                w.message.get(lang)
            ),
            format!(
                "  Warning, line {}, `{}`: {}\n",
                w.line,
                w.key,
                w.message.get(lang)
            ),
        ));
    }
    out
}
