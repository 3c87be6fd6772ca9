//! "Cùng kỳ năm trước" and "So sánh (%)": the indicators of the same period
//! of last year (and, for monthly and quarterly forms, of the period
//! before), computed from the history with the schema's own indicator
//! expressions, added as columns of the indicator table. Each unit is
//! compared with its own past (or, across the 2025 reform, with the old
//! communes that formed it wholly); a unit that cannot be compared gets no
//! figure and a note saying why.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use polars::prelude::*;

use super::HistoryError;
use super::lineage::{self, Sources};
use super::{prior, store};
use crate::config::Config;
use crate::consolidate::{Consolidated, past_indicators};
use crate::model::frame::{Col, Columns, Out, frame};
use crate::model::period::Period;
use crate::model::schema::PeriodKind;

/// The added columns of the indicator table.
pub(crate) const PREVIOUS_YEAR: &str = "previous_year";
pub(crate) const VS_PREVIOUS_YEAR: &str = "vs_previous_year_pct";
pub(crate) const PREVIOUS_PERIOD: &str = "previous_period";
pub(crate) const NOTE: &str = "comparison_note";
/// The period the `previous_year` columns are of.
pub(crate) const COMPARED_PERIOD: &str = "compared_period";

/// The period compared with: `--compare-with`, else the same period of
/// last year.
pub(crate) fn base_period(config: &Config) -> Period {
    config
        .compare_with
        .clone()
        .unwrap_or_else(|| year_ago(&config.period))
}

/// The same period one year earlier.
pub(crate) fn year_ago(period: &Period) -> Period {
    Period {
        year: period.year - 1,
        ..period.clone()
    }
}

/// The period just before (a month, a quarter, a half); `None` for a year,
/// whose period before is the year ago.
pub(crate) fn period_before(period: &Period) -> Option<Period> {
    let parts = match period.kind {
        PeriodKind::Year => return None,
        PeriodKind::Half => 2,
        PeriodKind::Quarter => 4,
        PeriodKind::Month => 12,
    };
    Some(match period.part {
        1 => Period {
            year: period.year - 1,
            part: parts,
            ..period.clone()
        },
        p => Period {
            part: p - 1,
            ..period.clone()
        },
    })
}

/// Past indicator values by (unit code, indicator id), and the notes of
/// the units (and total) that cannot be compared.
pub(crate) struct Past {
    pub values: HashMap<(String, String), f64>,
    pub notes: HashMap<String, String>,
    /// The consolidating unit's total of each number field (the count of
    /// "Có" of a yes/no one), as `fields` of this period; empty when the
    /// total is not comparable.
    pub totals: BTreeMap<String, f64>,
}

/// Adds the comparison columns when the history holds the periods; leaves
/// the table exactly as it was when it holds neither.
pub(crate) fn add_comparisons(c: &mut Consolidated, config: &Config) -> Result<(), HistoryError> {
    if c.indicators.height() == 0 {
        return Ok(());
    }
    let base = base_period(config);
    let year = past(config, &base)?;
    let before = match period_before(&config.period) {
        Some(p) => past(config, &p)?,
        None => None,
    };
    if year.is_none() && before.is_none() {
        return Ok(());
    }
    let notes = year
        .as_ref()
        .or(before.as_ref())
        .map(|p| p.notes.clone())
        .unwrap_or_default();
    let df = &mut c.indicators;
    let current: Vec<Option<f64>> = column_values(df, "value");
    let keys = keys(df);
    if let Some(year) = &year {
        let past: Vec<Option<f64>> = keys.iter().map(|k| year.values.get(k).copied()).collect();
        let pct: Vec<Option<f64>> = current
            .iter()
            .zip(&past)
            .map(|(now, then)| match (now, then) {
                (Some(a), Some(b)) if *b != 0.0 => Some(a / b * 100.0),
                _ => None,
            })
            .collect();
        df.with_column(Column::new(PREVIOUS_YEAR.into(), past))?;
        df.with_column(Column::new(VS_PREVIOUS_YEAR.into(), pct))?;
        let height = df.height();
        df.with_column(Column::new(COMPARED_PERIOD.into(), vec![base.id(); height]))?;
    }
    if let Some(before) = &before {
        let past: Vec<Option<f64>> = keys.iter().map(|k| before.values.get(k).copied()).collect();
        df.with_column(Column::new(PREVIOUS_PERIOD.into(), past))?;
    }
    let note: Vec<Option<String>> = keys.iter().map(|(u, _)| notes.get(u).cloned()).collect();
    df.with_column(Column::new(NOTE.into(), note))?;
    Ok(())
}

fn keys(df: &DataFrame) -> Vec<(String, String)> {
    let cols = Columns::of(df);
    (0..df.height())
        .map(|i| {
            (
                text(cols.get("unit_code", i)),
                text(cols.get("indicator_id", i)),
            )
        })
        .collect()
}

fn column_values(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    let cols = Columns::of(df);
    (0..df.height())
        .map(|i| match cols.get(name, i) {
            Out::Num(n) => Some(n),
            _ => None,
        })
        .collect()
}

fn text(o: Out) -> String {
    match o {
        Out::Text(t) => t,
        _ => String::new(),
    }
}

/// The indicators of a past period from the history, per registry unit
/// and for the consolidating unit; `None` when the history lacks it.
pub(crate) fn past(config: &Config, period: &Period) -> Result<Option<Past>, HistoryError> {
    let root = store::folder(&config.project_dir);
    let Some(history) = store::read(&root, config.schema.id(), &period.id())? else {
        return Ok(None);
    };
    let values = prior::form_values(&history, config);
    let present: BTreeSet<String> = values.keys().cloned().collect();
    let mut lineage = lineage::lineage(config, period.end(), &present);
    lineage::require_present(&mut lineage, &present, config);
    let targets = lineage::targets(&lineage, config);
    let rows = prior::frame_of(config, &values, &lineage.total, &targets, period)?;
    let indicators = past_indicators(config, &rows, &roster(config)?)?;
    let notes = notes(config, &lineage);
    let totals = match lineage.total_note {
        Some(_) => BTreeMap::new(),
        None => field_totals(config, &values, &lineage.total),
    };
    Ok(Some(Past {
        values: indicator_values(&indicators, &notes),
        notes,
        totals,
    }))
}

/// Why each unit (and the total, under the consolidating unit's code)
/// cannot be compared.
fn notes(config: &Config, lineage: &lineage::Lineage) -> HashMap<String, String> {
    let mut notes = HashMap::new();
    for (u, sources) in lineage.units.iter().enumerate() {
        if let Sources::NotComparable(why) = sources {
            notes.insert(config.registry.units[u].code.clone(), why.clone());
        }
    }
    if let Some(why) = &lineage.total_note {
        notes.insert(config.consolidating.code.clone(), why.clone());
    }
    notes
}

/// The past indicators by (unit, indicator), leaving out those noted.
fn indicator_values(
    indicators: &DataFrame,
    notes: &HashMap<String, String>,
) -> HashMap<(String, String), f64> {
    let cols = Columns::of(indicators);
    let mut past = HashMap::new();
    for i in 0..indicators.height() {
        let key = (
            text(cols.get("unit_code", i)),
            text(cols.get("indicator_id", i)),
        );
        if let Out::Num(v) = cols.get("value", i)
            && !notes.contains_key(&key.0)
        {
            past.insert(key, v);
        }
    }
    past
}

/// The past units' total of each number field and "Có" count of each
/// yes/no field, over the units counted in the consolidating unit's total.
fn field_totals(
    config: &Config,
    values: &prior::PastValues,
    included: &BTreeSet<String>,
) -> BTreeMap<String, f64> {
    use crate::model::values::Value;
    let mut totals = BTreeMap::new();
    for (_, f) in config.schema.form_fields() {
        let cells = included.iter().filter_map(|c| values.get(c)?.get(f.id()));
        let total = match f.ty {
            t if t.is_numeric() => cells.filter_map(Value::as_f64).sum(),
            crate::model::schema::FieldType::YesNo => {
                cells.filter(|v| **v == Value::Bool(true)).count() as f64
            }
            _ => continue,
        };
        totals.insert(f.id().to_string(), total);
    }
    totals
}

/// The registry as consolidation's roster: stt, unit_code, unit_name.
fn roster(config: &Config) -> PolarsResult<DataFrame> {
    let units = &config.registry.units;
    let n = units.len();
    frame(
        &[
            Col::int("stt", (1..=n as i64).collect::<Vec<_>>()),
            Col::text("unit_code", units.iter().map(|u| u.code.clone())),
            Col::text("unit_name", units.iter().map(|u| u.name.clone())),
        ],
        n,
    )
}
