//! The template filters Vietnamese reports need, on top of minijinja's own:
//! figures spelt as the language writes them ("1.234,5" / "1,234.5"),
//! "44/44", percentages, numbers in words ("bốn mươi bốn"), a figure rounded
//! down to "trên 900", lists joined "A, B và C", and the change against the
//! same period last year ("tăng 12%"). Each takes the report's language.
//! A missing figure (a unit that did not report) is written "……", the
//! dotted blank staff fill by hand, never an empty string or a zero.

use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind};

use crate::model::finding::Lang;
use crate::model::values::{Decimals, MAX_DECIMALS, Spelling, format_figure};

/// What a missing figure is written as.
pub(crate) const BLANK: &str = "……";

/// Adds every filter to `env`, spelling for `lang`.
pub(crate) fn register(env: &mut Environment<'_>, lang: Lang) {
    env.add_filter("number", move |v: Value, decimals: Option<u8>| {
        Ok::<_, Error>(or_blank(figure(&v)?, |n| number(n, decimals, lang)))
    });
    env.add_filter("percent", move |v: Value, decimals: Option<u8>| {
        Ok::<_, Error>(or_blank(figure(&v)?, |n| percent(n, decimals, lang)))
    });
    env.add_filter("ratio", move |v: Value, of: Option<Value>| {
        ratio(&v, of.as_ref(), lang)
    });
    env.add_filter("words", move |v: Value| {
        Ok::<_, Error>(or_blank(figure(&v)?, |n| words(n, lang)))
    });
    env.add_filter("over", move |v: Value, step: f64| {
        let n = figure(&v)?;
        if step.is_nan() || step <= 0.0 {
            return Err(invalid("over(step): the step must be above 0"));
        }
        Ok(or_blank(n, |n| over(n, step, lang)))
    });
    env.add_filter("and_list", move |v: Value| and_list(&v, lang));
    env.add_filter("change_vs", move |v: Value, prev: Value| {
        match (figure(&v)?, figure(&prev)?) {
            (Some(now), Some(before)) => Ok(change(now, before, lang)),
            _ => Err(invalid(
                "change_vs: no figure for one of the two periods (guard it with {% if previous %})",
            )),
        }
    });
}

/// How every value the template prints is written: figures as the language
/// spells them, a missing one as the dotted blank.
pub(crate) fn format_value(value: &Value, lang: Lang) -> Option<String> {
    match value.kind() {
        ValueKind::None | ValueKind::Undefined => Some(BLANK.to_string()),
        ValueKind::Number => f64::try_from(value.clone())
            .ok()
            .map(|n| number(n, None, lang)),
        // An indicator prints as its value.
        ValueKind::Map => figure(value)
            .ok()
            .map(|n| or_blank(n, |n| number(n, None, lang))),
        ValueKind::Bool => Some(
            if value.is_true() {
                lang.pick("có", "yes")
            } else {
                lang.pick("không", "no")
            }
            .to_string(),
        ),
        _ => None,
    }
}

fn invalid(message: &str) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.to_string())
}

fn or_blank(n: Option<f64>, spell: impl Fn(f64) -> String) -> String {
    n.map_or_else(|| BLANK.to_string(), spell)
}

/// The figure a value stands for: a number, or an indicator's `value`;
/// `None` when there is none (a unit that did not report).
fn figure(v: &Value) -> Result<Option<f64>, Error> {
    match v.kind() {
        ValueKind::None | ValueKind::Undefined => Ok(None),
        ValueKind::Number => Ok(f64::try_from(v.clone()).ok()),
        ValueKind::Map => match v.get_attr("value")? {
            inner if inner.is_undefined() => Err(invalid(&format!("“{v}” is not a figure"))),
            inner => figure(&inner),
        },
        _ => Err(invalid(&format!("“{v}” is not a figure"))),
    }
}

/// "1.234,5" in Vietnamese, "1,234.5" in English; `decimals` fixes the
/// places, else each figure keeps those it has.
pub(crate) fn number(n: f64, decimals: Option<u8>, lang: Lang) -> String {
    let decimals = decimals.map_or(Decimals::UpTo(MAX_DECIMALS), Decimals::Fixed);
    format_figure(n, decimals, Spelling::In(lang))
}

/// "66,7%": a figure already in percent, to one decimal unless told.
pub(crate) fn percent(n: f64, decimals: Option<u8>, lang: Lang) -> String {
    let decimals = decimals.map_or(Decimals::UpTo(1), Decimals::Fixed);
    format!("{}%", format_figure(n, decimals, Spelling::In(lang)))
}

/// "44/44": `a | ratio(b)`, or an indicator's numerator over its denominator.
fn ratio(v: &Value, of: Option<&Value>, lang: Lang) -> Result<String, Error> {
    let (top, bottom) = match of {
        Some(of) => (figure(v)?, figure(of)?),
        None if v.kind() == ValueKind::Map => (
            figure(&v.get_attr("numerator")?)?,
            figure(&v.get_attr("denominator")?)?,
        ),
        None => return Err(invalid("ratio: write a | ratio(b), or give an indicator")),
    };
    let spell = |n: Option<f64>| or_blank(n, |n| number(n, None, lang));
    Ok(format!("{}/{}", spell(top), spell(bottom)))
}

/// "trên 900": the largest multiple of `step` below the figure, so that the
/// phrase is always true (937 → "trên 900", 13 with step 1 → "trên 12").
/// A figure with no positive multiple of `step` below it is written exactly.
pub(crate) fn over(n: f64, step: f64, lang: Lang) -> String {
    let below = ((n / step).ceil() - 1.0) * step;
    if below <= 0.0 || below >= n {
        return number(n, None, lang);
    }
    format!(
        "{} {}",
        lang.pick("trên", "over"),
        number(below, None, lang)
    )
}

/// "A, B và C" ("A, B and C"); one name alone; nothing for an empty list.
fn and_list(v: &Value, lang: Lang) -> Result<String, Error> {
    let items: Vec<String> = v
        .try_iter()?
        .map(|x| format_value(&x, lang).unwrap_or_else(|| x.to_string()))
        .collect();
    Ok(join_and(&items, lang))
}

pub(crate) fn join_and(items: &[String], lang: Lang) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {} {last}", rest.join(", "), lang.pick("và", "and")),
    }
}

/// "tăng 12%" / "giảm 5%" / "không thay đổi" against the same period last
/// year; from zero, the two figures ("tăng từ 0 lên 5").
pub(crate) fn change(now: f64, before: f64, lang: Lang) -> String {
    let spell = |n: f64| number(n, None, lang);
    let (up, down) = (lang.pick("tăng", "up"), lang.pick("giảm", "down"));
    if now == before {
        return lang.pick("không thay đổi", "unchanged").to_string();
    }
    let word = if now > before { up } else { down };
    if before == 0.0 {
        return lang.pick(
            format!("{word} từ {} lên {}", spell(before), spell(now)),
            format!("{word} from {} to {}", spell(before), spell(now)),
        );
    }
    let share = ((now - before) / before.abs() * 100.0).abs();
    format!("{word} {}", percent(share, None, lang))
}

/// A figure in words: "bốn mươi bốn", "forty-four". Decimals are read digit
/// by digit after "phẩy" / "point".
pub(crate) fn words(n: f64, lang: Lang) -> String {
    let spelt = number(n.abs(), None, Lang::En).replace(',', "");
    let (whole, fraction) = spelt.split_once('.').unwrap_or((&spelt, ""));
    // Beyond what u64 holds (no report counts that far): the figure itself.
    let Ok(whole) = whole.parse::<u64>() else {
        return number(n, None, lang);
    };
    let mut out = match lang {
        Lang::Vi => words_vi(whole),
        Lang::En => words_en(whole),
    };
    if !fraction.is_empty() {
        out.push_str(lang.pick(" phẩy", " point"));
        for d in fraction.chars().filter_map(|c| c.to_digit(10)) {
            out.push(' ');
            out.push_str(lang.pick(DIGITS_VI, DIGITS_EN)[d as usize]);
        }
    }
    if n < 0.0 && out != lang.pick("không", "zero") {
        out.insert_str(0, lang.pick("âm ", "minus "));
    }
    out
}

const DIGITS_VI: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];
const DIGITS_EN: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

/// Vietnamese: groups of three digits with "nghìn", "triệu", "tỷ"; an inner
/// group reads "không trăm", a missing ten "linh" ("một trăm linh năm").
fn words_vi(n: u64) -> String {
    if n == 0 {
        return "không".to_string();
    }
    const BILLION: u64 = 1_000_000_000;
    if n >= BILLION {
        let rest = n % BILLION;
        let high = format!("{} tỷ", words_vi(n / BILLION));
        return if rest == 0 {
            high
        } else {
            format!("{high} {}", below_billion_vi(rest, true))
        };
    }
    below_billion_vi(n, false)
}

fn below_billion_vi(n: u64, inner: bool) -> String {
    let groups = [
        (n / 1_000_000, "triệu"),
        (n / 1_000 % 1_000, "nghìn"),
        (n % 1_000, ""),
    ];
    let mut parts = Vec::new();
    let mut started = inner;
    for (group, name) in groups {
        if group == 0 {
            continue;
        }
        parts.push(group_vi(group, started));
        if !name.is_empty() {
            parts.push(name.to_string());
        }
        started = true;
    }
    parts.join(" ")
}

/// One group of three digits; `inner` when a higher group was read, so
/// that "5" reads "không trăm linh năm".
fn group_vi(n: u64, inner: bool) -> String {
    let (h, t, u) = (
        (n / 100) as usize,
        (n / 10 % 10) as usize,
        (n % 10) as usize,
    );
    let mut out = Vec::new();
    if h > 0 || inner {
        out.push(format!("{} trăm", DIGITS_VI[h]));
    }
    match t {
        0 if u > 0 && (h > 0 || inner) => out.push("linh".to_string()),
        0 => {}
        1 => out.push("mười".to_string()),
        _ => out.push(format!("{} mươi", DIGITS_VI[t])),
    }
    match u {
        0 => {}
        1 if t >= 2 => out.push("mốt".to_string()),
        5 if t >= 1 => out.push("lăm".to_string()),
        _ => out.push(DIGITS_VI[u].to_string()),
    }
    out.join(" ")
}

fn words_en(n: u64) -> String {
    if n == 0 {
        return "zero".to_string();
    }
    const SCALES: [(u64, &str); 4] = [
        (1_000_000_000_000, "trillion"),
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1_000, "thousand"),
    ];
    let mut parts = Vec::new();
    let mut rest = n;
    for (scale, name) in SCALES {
        if rest >= scale {
            parts.push(format!("{} {name}", words_en(rest / scale)));
            rest %= scale;
        }
    }
    if rest > 0 {
        parts.push(group_en(rest));
    }
    parts.join(" ")
}

fn group_en(n: u64) -> String {
    const TEENS: [&str; 10] = [
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    let (h, t, u) = (
        (n / 100) as usize,
        (n / 10 % 10) as usize,
        (n % 10) as usize,
    );
    let mut out = Vec::new();
    if h > 0 {
        out.push(format!("{} hundred", DIGITS_EN[h]));
    }
    match (t, u) {
        (0, 0) => {}
        (0, u) => out.push(DIGITS_EN[u].to_string()),
        (1, u) => out.push(TEENS[u].to_string()),
        (t, 0) => out.push(TENS[t].to_string()),
        (t, u) => out.push(format!("{}-{}", TENS[t], DIGITS_EN[u])),
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, lang: Lang) -> String {
        let mut env = Environment::new();
        register(&mut env, lang);
        env.render_str(template, ()).unwrap()
    }

    #[test]
    fn numbers_group_thousands_with_dots_and_decimals_with_commas() {
        assert_eq!(render("{{ 1234567 | number }}", Lang::Vi), "1.234.567");
        assert_eq!(render("{{ 1234.5 | number }}", Lang::Vi), "1.234,5");
        assert_eq!(render("{{ 7.5 | number(2) }}", Lang::Vi), "7,50");
        assert_eq!(render("{{ 1234.5 | number }}", Lang::En), "1,234.5");
        assert_eq!(render("{{ none | number }}", Lang::Vi), BLANK);
    }

    #[test]
    fn ratios_and_percentages() {
        assert_eq!(render("{{ 44 | ratio(44) }}", Lang::Vi), "44/44");
        let ind = "{{ {'numerator': 1200, 'denominator': 1500, 'value': 80} | ratio }}";
        assert_eq!(render(ind, Lang::Vi), "1.200/1.500");
        assert_eq!(render("{{ 66.666 | percent }}", Lang::Vi), "66,7%");
        assert_eq!(render("{{ 100 | percent }}", Lang::Vi), "100%");
        assert_eq!(
            render("{{ {'value': 12.25} | percent(2) }}", Lang::En),
            "12.25%"
        );
    }

    #[test]
    fn numbers_in_vietnamese_words() {
        let cases = [
            (0.0, "không"),
            (5.0, "năm"),
            (10.0, "mười"),
            (15.0, "mười lăm"),
            (21.0, "hai mươi mốt"),
            (25.0, "hai mươi lăm"),
            (44.0, "bốn mươi bốn"),
            (105.0, "một trăm linh năm"),
            (937.0, "chín trăm ba mươi bảy"),
            (1_005.0, "một nghìn không trăm linh năm"),
            (1_000_500.0, "một triệu năm trăm"),
            (2_000_000_000.0, "hai tỷ"),
            (12.5, "mười hai phẩy năm"),
            (-3.0, "âm ba"),
            // Too large to read out: the figure, never a wrong word.
            (1e25, "10.000.000.000.000.000.905.969.664"),
        ];
        for (n, expected) in cases {
            assert_eq!(words(n, Lang::Vi), expected, "{n}");
        }
        assert_eq!(render("{{ 44 | words }}", Lang::Vi), "bốn mươi bốn");
    }

    #[test]
    fn numbers_in_english_words() {
        assert_eq!(words(44.0, Lang::En), "forty-four");
        assert_eq!(words(937.0, Lang::En), "nine hundred thirty-seven");
        assert_eq!(words(1_013.0, Lang::En), "one thousand thirteen");
        assert_eq!(words(0.0, Lang::En), "zero");
    }

    #[test]
    fn over_rounds_down_to_a_true_statement() {
        assert_eq!(render("{{ 937 | over(100) }}", Lang::Vi), "trên 900");
        assert_eq!(render("{{ 13 | over(1) }}", Lang::Vi), "trên 12");
        assert_eq!(render("{{ 13 | over(10) }}", Lang::Vi), "trên 10");
        // A multiple of the step is not "over" itself.
        assert_eq!(over(900.0, 100.0, Lang::Vi), "trên 800");
        // Nothing below: the figure itself.
        assert_eq!(over(50.0, 100.0, Lang::Vi), "50");
        assert_eq!(over(12_500.0, 1000.0, Lang::En), "over 12,000");
        let mut env = Environment::new();
        register(&mut env, Lang::Vi);
        assert!(env.render_str("{{ 5 | over(0) }}", ()).is_err());
    }

    #[test]
    fn lists_are_joined_with_va() {
        assert_eq!(
            render("{{ ['A', 'B', 'C'] | and_list }}", Lang::Vi),
            "A, B và C"
        );
        assert_eq!(render("{{ ['A', 'B'] | and_list }}", Lang::En), "A and B");
        assert_eq!(render("{{ ['A'] | and_list }}", Lang::Vi), "A");
        assert_eq!(render("{{ [] | and_list }}", Lang::Vi), "");
    }

    #[test]
    fn change_against_last_year() {
        assert_eq!(render("{{ 112 | change_vs(100) }}", Lang::Vi), "tăng 12%");
        assert_eq!(render("{{ 95 | change_vs(100) }}", Lang::Vi), "giảm 5%");
        assert_eq!(
            render("{{ 100 | change_vs(100) }}", Lang::Vi),
            "không thay đổi"
        );
        assert_eq!(
            render("{{ 5 | change_vs(0) }}", Lang::Vi),
            "tăng từ 0 lên 5"
        );
        assert_eq!(render("{{ 1 | change_vs(3) }}", Lang::En), "down 66.7%");
        let mut env = Environment::new();
        register(&mut env, Lang::Vi);
        // No history: an error, never a made-up change.
        assert!(env.render_str("{{ 5 | change_vs(none) }}", ()).is_err());
    }
}
