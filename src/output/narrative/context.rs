//! What a report template can name: the consolidating unit, the period, the
//! totals of the form's fields, the indicators, the units (each with its
//! status and figures) and the compared period's figures (`previous`, from
//! the history; none without it). The names are
//! listed in docs/schema.md ("The narrative report").

use std::collections::BTreeMap;

use minijinja::value::Value;

use crate::config::Config;
use crate::consolidate::{Consolidated, UnitStatus};
use crate::model::finding::Lang;
use crate::model::frame::{Columns, Out, get};
use crate::model::schema::FieldType;

/// The template's variables for the consolidated result.
pub(crate) fn context(c: &Consolidated, config: &Config, lang: Lang) -> Value {
    let mut ctx = BTreeMap::new();
    ctx.insert("title", Value::from(title(config, lang)));
    ctx.insert("unit", unit(config));
    ctx.insert("period", period(config, lang));
    ctx.insert("fields", fields(c, config));
    ctx.insert("indicators", indicators(c, config, lang));
    ctx.insert("units", units(c, config, lang));
    // The compared period (last year's, or `--compare-with`) when the
    // history holds it; none else, so templates guard their comparisons
    // with `{% if previous %}`.
    ctx.insert("previous", previous(config, lang));
    Value::from(ctx)
}

/// `previous`: the compared period's `period` (its label), `fields` (the
/// totals) and `indicators` (the consolidating unit's values); none when
/// the history lacks the period or its total is not comparable.
fn previous(config: &Config, lang: Lang) -> Value {
    use crate::history::compare::{base_period, past};
    let base = base_period(config);
    let Ok(Some(p)) = past(config, &base) else {
        return Value::from(());
    };
    if p.totals.is_empty() {
        return Value::from(());
    }
    let number = |n: f64| figure(Out::Num(n));
    let total = &config.consolidating.code;
    let indicators = p
        .values
        .iter()
        .filter(|((unit, _), _)| unit == total)
        .map(|((_, id), v)| (id.clone(), number(*v)));
    map([
        ("period", Value::from(base.label(lang))),
        (
            "fields",
            map(p.totals.iter().map(|(k, v)| (k.clone(), number(*v)))),
        ),
        ("indicators", map(indicators)),
    ])
}

fn title(config: &Config, lang: Lang) -> String {
    match (lang, &config.schema.title_en) {
        (Lang::En, Some(en)) => en.clone(),
        _ => config.schema.title.clone(),
    }
}

/// A figure as the template sees it: an integer when it is whole, so that
/// `{{ x }}` and comparisons read naturally.
pub(crate) fn figure(out: Out) -> Value {
    match out {
        Out::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => Value::from(n as i64),
        Out::Num(n) => Value::from(n),
        Out::Bool(b) => Value::from(b),
        Out::Text(s) => Value::from(s),
        Out::Date(d) => Value::from(d.format("%d/%m/%Y").to_string()),
        Out::Null => Value::from(()),
    }
}

fn map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
    Value::from(
        pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v))
            .collect::<BTreeMap<String, Value>>(),
    )
}

/// The consolidating unit: `name` ("Huyện Văn Bàn"), `name_inline`
/// ("huyện Văn Bàn", inside a sentence), `level` ("huyện"), `place`
/// ("Văn Bàn"), `body` ("UBND HUYỆN VĂN BÀN"), `code`.
fn unit(config: &Config) -> Value {
    let name = &config.consolidating.name;
    let place = super::place_name(name);
    let level = name
        .trim()
        .strip_suffix(place.as_str())
        .unwrap_or("")
        .trim()
        .to_lowercase();
    map([
        ("code", Value::from(config.consolidating.code.clone())),
        ("name", Value::from(name.clone())),
        ("name_inline", Value::from(lower_first(name.trim()))),
        ("level", Value::from(level)),
        ("place", Value::from(place)),
        ("body", Value::from(super::issuing_body(name, Lang::Vi))),
    ])
}

/// "Năm 2023" → "năm 2023": a heading's words inside a sentence.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn period(config: &Config, lang: Lang) -> Value {
    let p = &config.period;
    let label = p.label(lang);
    // "Năm 2023" begins a line; inside a sentence it reads "năm 2023".
    let inline = match lang {
        Lang::Vi => lower_first(&label),
        Lang::En => label.clone(),
    };
    map([
        ("id", Value::from(p.id())),
        ("label", Value::from(label)),
        ("inline", Value::from(inline)),
        (
            "year",
            Value::from(
                p.start()
                    .format("%Y")
                    .to_string()
                    .parse::<i64>()
                    .unwrap_or(0),
            ),
        ),
        (
            "start",
            Value::from(p.start().format("%d/%m/%Y").to_string()),
        ),
        ("end", Value::from(p.end().format("%d/%m/%Y").to_string())),
    ])
}

/// The district total of each number field, and of each yes/no field the
/// number of units that answered yes.
fn fields(c: &Consolidated, config: &Config) -> Value {
    map(config
        .schema
        .form_fields()
        .filter(|(_, f)| f.ty.is_numeric() || f.ty == FieldType::YesNo)
        .map(|(_, f)| (f.id().to_string(), figure(get(&c.totals, f.id(), 0)))))
}

/// Each indicator of the consolidating unit: `value`, `numerator`,
/// `denominator`, `target`, `met`, `label`, `unit`.
fn indicators(c: &Consolidated, config: &Config, lang: Lang) -> Value {
    let df = &c.indicators;
    map(c.district_indicators(config).into_iter().map(|(row, ind)| {
        let label = match (lang, &ind.label_en) {
            (Lang::En, Some(en)) => en.clone(),
            _ => ind.label.clone(),
        };
        let entry = map([
            ("label", Value::from(label)),
            ("unit", Value::from(ind.unit.clone())),
            ("value", figure(get(df, "value", row))),
            ("numerator", figure(get(df, "numerator", row))),
            ("denominator", figure(get(df, "denominator", row))),
            ("target", figure(get(df, "target", row))),
            ("met", figure(get(df, "met", row))),
        ]);
        (ind.id.get_ref().clone(), entry)
    }))
}

fn status_id(status: UnitStatus) -> &'static str {
    match status {
        UnitStatus::Accepted => "accepted",
        UnitStatus::Rejected => "rejected",
        UnitStatus::Held => "held",
        UnitStatus::NotReceived => "not_received",
    }
}

/// `total`, `reporting` and `list`: every registry unit with `code`,
/// `name`, `status`, `status_label`, `reported` and its figures (`values`).
fn units(c: &Consolidated, config: &Config, lang: Lang) -> Value {
    let cols = Columns::of(&c.units);
    let fields: Vec<&str> = config.schema.form_fields().map(|(_, f)| f.id()).collect();
    let list: Vec<Value> = (0..c.units.height())
        .map(|row| {
            let status = c
                .statuses
                .get(row)
                .copied()
                .unwrap_or(UnitStatus::NotReceived);
            let values = map(fields.iter().map(|f| (*f, figure(cols.get(f, row)))));
            map([
                ("code", figure(cols.get("unit_code", row))),
                ("name", figure(cols.get("unit_name", row))),
                ("status", Value::from(status_id(status))),
                ("status_label", Value::from(status.label(lang))),
                ("reported", Value::from(status == UnitStatus::Accepted)),
                ("values", values),
            ])
        })
        .collect();
    map([
        ("total", Value::from(config.registry.units.len())),
        ("reporting", Value::from(c.reporting)),
        ("list", Value::from(list)),
    ])
}
