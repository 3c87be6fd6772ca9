//! A formula with no stored result (written by a program that never
//! calculates) can still be read when it is a plain sum: `SUM(D16:D19)`,
//! `D16+D17-D18`, `SUM(D16,D18)+2`. Anything else stays `formula-uncached`.
//! Only cells of the same sheet are read, and only numbers.

use crate::model::book::{Cell, Sheet};

/// "D16" → (15, 3).
fn cell_ref(text: &str) -> Option<(u32, u32)> {
    crate::model::finding::parse_a1(text)
}

fn number_at(sheet: &Sheet, (row, col): (u32, u32)) -> Option<f64> {
    match sheet.get(row, col) {
        Cell::Empty => Some(0.0),
        Cell::Number(n) => Some(*n),
        Cell::Text(t) if crate::model::text::clean(t).is_empty() => Some(0.0),
        Cell::Text(t) => crate::model::values::parse_vn_number(t).map(|(n, _)| n),
        _ => None,
    }
}

/// A term: a number, a cell, a range inside SUM, or SUM(…).
fn term(sheet: &Sheet, text: &str) -> Option<f64> {
    let t = text.trim();
    if let Ok(n) = t.parse::<f64>() {
        return Some(n);
    }
    let upper = t.to_ascii_uppercase();
    if let Some(inner) = upper.strip_prefix("SUM(").and_then(|r| r.strip_suffix(')')) {
        return inner.split(',').map(|arg| range_sum(sheet, arg)).sum();
    }
    number_at(sheet, cell_ref(t)?)
}

fn range_sum(sheet: &Sheet, arg: &str) -> Option<f64> {
    match arg.split_once(':') {
        Some((a, b)) => {
            let (r1, c1) = cell_ref(a)?;
            let (r2, c2) = cell_ref(b)?;
            // A range over more than a form's worth of cells is not a plain sum.
            let cells = u64::from(r1.abs_diff(r2) + 1) * u64::from(c1.abs_diff(c2) + 1);
            if cells > 10_000 {
                return None;
            }
            let mut total = 0.0;
            for r in r1.min(r2)..=r1.max(r2) {
                for c in c1.min(c2)..=c1.max(c2) {
                    total += number_at(sheet, (r, c))?;
                }
            }
            Some(total)
        }
        None => term(sheet, arg),
    }
}

/// Evaluates `formula` (without "=") if it is a sum of terms.
pub(crate) fn evaluate_sum(sheet: &Sheet, formula: &str) -> Option<f64> {
    let f = formula.trim().trim_start_matches('=');
    let mut total = 0.0;
    let mut sign = 1.0;
    let mut depth = 0usize;
    let mut start = 0;
    let bytes: Vec<char> = f.chars().collect();
    let push = |piece: String, sign: f64, total: &mut f64| -> Option<()> {
        if piece.trim().is_empty() {
            return None;
        }
        *total += sign * term(sheet, &piece)?;
        Some(())
    };
    for (i, ch) in bytes.iter().enumerate() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1)?,
            '+' | '-' if depth == 0 && i > 0 => {
                push(bytes[start..i].iter().collect(), sign, &mut total)?;
                sign = if *ch == '-' { -1.0 } else { 1.0 };
                start = i + 1;
            }
            '*' | '/' | '^' | '&' | '<' | '>' | '=' | '!' | '"' => return None,
            _ => {}
        }
    }
    push(bytes[start..].iter().collect(), sign, &mut total)?;
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet() -> Sheet {
        let mut s = Sheet::new("Biểu 01", false);
        s.set(15, 3, Cell::Number(7.0));
        s.set(16, 3, Cell::Number(5.0));
        s.set(17, 3, Cell::Text("2".into()));
        s.set(18, 3, Cell::Empty);
        s
    }

    #[test]
    fn plain_sums() {
        let s = sheet();
        assert_eq!(evaluate_sum(&s, "SUM(D16:D19)"), Some(14.0));
        assert_eq!(evaluate_sum(&s, "D16+D17-D18"), Some(10.0));
        assert_eq!(evaluate_sum(&s, "=SUM(D16,D18)+2"), Some(11.0));
        assert_eq!(evaluate_sum(&s, "$D$16"), Some(7.0));
    }

    #[test]
    fn anything_else_is_not_evaluated() {
        let s = sheet();
        assert_eq!(evaluate_sum(&s, "D16*2"), None);
        assert_eq!(evaluate_sum(&s, "D12/D11"), None);
        assert_eq!(evaluate_sum(&s, "Sheet2!D16"), None);
        assert_eq!(evaluate_sum(&s, "IF(D16>0,1,0)"), None);
        assert_eq!(evaluate_sum(&s, "SUM(A1:XFD1048576)"), None);
    }
}
