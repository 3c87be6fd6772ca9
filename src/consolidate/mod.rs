//! Stage 3, consolidate: aggregate the accepted submissions with polars into the
//! frames the outputs lay out — the per-unit table in registry order with its
//! totals and the indicators (district and per unit). Only accepted
//! submissions count; `counted` lists them for the list sheets and the tidy
//! table of every accepted value, which the outputs write straight from the
//! records (a list can be hundreds of thousands of rows long).
//! When districts report (a province before the 2025 reform), the reports
//! that count are the communes inside each district's accepted data table:
//! the province's figures are over its communes, each district's row adds
//! its own up, and every value keeps its chain (district → commune → file →
//! cell).

use polars::prelude::*;

use crate::config::Config;
use crate::model::frame::{Col, frame};
use crate::model::level::Reporting;
use crate::model::schema::{Display, FieldDef, FieldType, IndicatorDef};
use crate::model::submission::{CheckResult, Status, Submission, SubmissionData};
use crate::model::values::Value;

pub(crate) use crate::model::submission::UnitStatus;

pub struct Consolidated {
    /// Registry order: stt, unit_code, unit_name, then one column per form field.
    pub units: DataFrame,
    pub statuses: Vec<UnitStatus>,
    /// One row: the total of each numeric field, the "Có" count of each yes/no field.
    pub totals: DataFrame,
    /// Long format, the district first then each reporting unit:
    /// indicator_id, label, unit_code, unit_name, period, numerator,
    /// denominator, value, display, target, met.
    pub indicators: DataFrame,
    pub reporting: usize,
    /// The reports that count: `reporting` when communes report, the
    /// communes inside the districts' tables when districts do.
    pub reports: usize,
    /// Whether each row of `units` adds up several reports (a district's
    /// communes): a yes/no field then holds its count of "Có".
    pub rolled_up: bool,
}

impl Consolidated {
    /// The consolidating unit's indicator rows: (row in `indicators`, definition).
    pub fn district_indicators<'a>(
        &self,
        config: &'a Config,
    ) -> Vec<(usize, &'a crate::model::schema::IndicatorDef)> {
        use crate::model::frame::{Out, get};
        let df = &self.indicators;
        (0..df.height())
            .filter(|&i| get(df, "unit_code", i) == Out::Text(config.consolidating.code.clone()))
            .filter_map(|i| match get(df, "indicator_id", i) {
                Out::Text(id) => config
                    .schema
                    .indicators
                    .iter()
                    .find(|x| x.id.get_ref() == &id)
                    .map(|ind| (i, ind)),
                _ => None,
            })
            .collect()
    }
}

/// Machine spelling of a value: ISO dates, true/false, plain numbers.
pub(crate) fn machine_value(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => crate::model::values::date_iso(*d),
        other => other.display(),
    }
}

pub fn consolidate(result: &CheckResult, config: &Config) -> PolarsResult<Consolidated> {
    let schema = &config.schema;
    let registry = &config.registry;
    let accepted = result.accepted_by_unit(registry.units.len());
    let statuses = result.unit_statuses(registry.units.len());
    let reporting: Vec<usize> = (0..registry.units.len())
        .filter(|&u| accepted[u].is_some())
        .collect();
    let fields: Vec<_> = schema.form_fields().map(|(_, f)| f).collect();

    let rows = reporting_rows(config, &accepted, &reporting);
    let submitted = submitted_frame(config, &rows, &fields)?;
    let roster = roster(config)?;
    // A district's row adds up its communes when some district sent its
    // data table; districts that all reported on the form keep their values.
    let rolled = reporting.iter().any(|&u| {
        accepted[u]
            .and_then(|s| s.data.as_ref())
            .is_some_and(|d| !d.parts.is_empty())
    });
    let units = if rolled {
        per_unit(&roster, &rolled_up(&submitted, &fields)?, None)?
    } else {
        per_unit(&roster, &submitted, Some(&fields))?
    };
    let totals = totals(&submitted, &fields)?;
    let indicators = indicators(config, &submitted, &roster)?;
    Ok(Consolidated {
        units,
        statuses,
        totals,
        indicators,
        reporting: reporting.len(),
        reports: rows.len(),
        rolled_up: rolled,
    })
}

/// Every registry unit, in registry order: stt, unit_code, unit_name.
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

/// The rows consolidation adds up, each with the registry unit it counts
/// for: a unit's own report when communes report, every commune inside a
/// district's data table when districts do (so that a province's totals and
/// indicators are over its communes, as a district's are).
fn reporting_rows<'a>(
    config: &Config,
    accepted: &[Option<&'a Submission>],
    reporting: &[usize],
) -> Vec<(usize, Option<&'a SubmissionData>)> {
    let data = |u: usize| accepted[u].and_then(|s| s.data.as_ref());
    match config.level.reporting {
        Reporting::Communes => reporting.iter().map(|&u| (u, data(u))).collect(),
        // A district's data table counts each of its communes; a district's
        // own report on the form counts itself.
        Reporting::Districts => reporting
            .iter()
            .flat_map(|&u| match data(u) {
                Some(d) if !d.parts.is_empty() => {
                    d.parts.iter().map(|p| (u, Some(&p.data))).collect()
                }
                other => vec![(u, other)],
            })
            .collect(),
    }
}

/// The reporting rows, one row each: the registry unit's code, form
/// fields, aggregates and the period's bounds.
fn submitted_frame(
    config: &Config,
    rows: &[(usize, Option<&SubmissionData>)],
    fields: &[&FieldDef],
) -> PolarsResult<DataFrame> {
    let registry = &config.registry;
    let mut cols = vec![Col::text(
        "unit_code",
        rows.iter().map(|&(u, _)| registry.units[u].code.clone()),
    )];
    for f in fields {
        cols.push(Col {
            name: f.id().to_string(),
            ty: f.ty,
            values: rows
                .iter()
                .map(|(_, d)| {
                    d.and_then(|d| d.form.get(f.id()))
                        .and_then(|v| v.value.clone())
                })
                .collect(),
        });
    }
    for (_, agg) in config.schema.aggregates() {
        let id = agg.id.get_ref();
        cols.push(Col {
            name: id.clone(),
            ty: FieldType::Number,
            values: rows
                .iter()
                .map(|(_, d)| {
                    d.and_then(|d| d.aggregates.get(id).copied().flatten())
                        .map(Value::Num)
                })
                .collect(),
        });
    }
    for (name, date) in [
        ("period_start", config.window.start),
        ("period_end", config.window.end),
    ] {
        cols.push(Col {
            name: name.to_string(),
            ty: FieldType::Date,
            values: vec![Some(Value::Date(date)); rows.len()],
        });
    }
    cols.extend(attribute_cols(config, rows));
    frame(&cols, rows.len())
}

/// The schema's unit attributes (dân số …) of each row's unit, as its
/// submission carries them: indicators per inhabitant divide by them. A
/// commune inside a district's data table has none (the province's registry
/// does not hold its communes' figures): the value is missing, never the
/// district's figure counted once per commune.
fn attribute_cols(config: &Config, rows: &[(usize, Option<&SubmissionData>)]) -> Vec<Col> {
    config
        .schema
        .unit_attributes
        .iter()
        .map(|attr| Col {
            name: attr.id().to_string(),
            ty: attr.ty.field_type(),
            values: rows
                .iter()
                .map(|(_, d)| {
                    d.and_then(|d| d.unit_attributes.get(attr.id()).copied().flatten())
                        .map(|n| attr.value(n))
                })
                .collect(),
        })
        .collect()
}

/// A district's row of a province's Tổng hợp: its communes' figures added up
/// (numbers summed, yes/no fields counted), text and dates left out.
fn rolled_up(submitted: &DataFrame, fields: &[&FieldDef]) -> PolarsResult<DataFrame> {
    submitted
        .clone()
        .lazy()
        .group_by([col("unit_code")])
        .agg(
            fields
                .iter()
                .filter(|f| f.ty.is_numeric() || f.ty == FieldType::YesNo)
                .map(|f| summed(f).alias(f.id()))
                .collect::<Vec<_>>(),
        )
        .collect()
}

/// A field's column as a total adds it up: a yes/no field counts its "Có".
fn summed(f: &FieldDef) -> Expr {
    let c = col(f.id());
    let c = if f.ty == FieldType::YesNo {
        c.cast(DataType::Int64)
    } else {
        c
    };
    c.sum()
}

/// Every registry unit, in registry order, joined with what it sent.
fn per_unit(
    roster: &DataFrame,
    submitted: &DataFrame,
    fields: Option<&[&FieldDef]>,
) -> PolarsResult<DataFrame> {
    // No fields named: every column of `submitted` (already one per field).
    let selected = match fields {
        None => submitted.clone().lazy(),
        Some(fields) => submitted.clone().lazy().select(
            std::iter::once(col("unit_code"))
                .chain(fields.iter().map(|f| col(f.id())))
                .collect::<Vec<_>>(),
        ),
    };
    roster
        .clone()
        .lazy()
        .join(
            selected,
            [col("unit_code")],
            [col("unit_code")],
            JoinArgs::new(JoinType::Left),
        )
        .sort(["stt"], Default::default())
        .collect()
}

/// The district total of each numeric field, the "Có" count of each yes/no one.
/// A derived column ("So sánh (%)") is not summed: its expression is
/// computed again over the totals of the columns it reads.
fn totals(submitted: &DataFrame, fields: &[&FieldDef]) -> PolarsResult<DataFrame> {
    let numeric = fields
        .iter()
        .filter(|f| f.ty.is_numeric() || f.ty == FieldType::YesNo);
    let derived: Vec<Expr> = numeric
        .clone()
        .filter_map(|f| {
            let check = f.column.as_ref()?.derived.as_ref()?;
            let value = check.expr.clone().cast(DataType::Float64);
            Some(
                when(value.clone().is_finite())
                    .then(value)
                    .otherwise(lit(NULL).cast(DataType::Float64))
                    .alias(f.id()),
            )
        })
        .collect();
    let order: Vec<Expr> = numeric.clone().map(|f| col(f.id())).collect();
    submitted
        .clone()
        .lazy()
        .select(numeric.map(|f| summed(f).alias(f.id())).collect::<Vec<_>>())
        .with_columns(derived)
        .select(order)
        .collect()
}

/// The schema's indicators over rows of another period (the history's),
/// computed exactly as this period's are: the consolidating unit over every
/// row, each roster unit over its rows.
pub(crate) fn past_indicators(
    config: &Config,
    rows: &DataFrame,
    roster: &DataFrame,
) -> PolarsResult<DataFrame> {
    indicators(config, rows, roster)
}

/// The indicators, long format: the consolidating unit's row of each
/// indicator over every reporting row, then each registry unit's.
fn indicators(
    config: &Config,
    submitted: &DataFrame,
    roster: &DataFrame,
) -> PolarsResult<DataFrame> {
    let schema = &config.schema;
    let mut parts = Vec::new();
    for (order, ind) in schema.indicators.iter().enumerate() {
        parts.push(indicator_rows(config, submitted, roster, order, ind)?);
    }
    if parts.is_empty() {
        return Ok(DataFrame::empty());
    }
    let mut df = named_rows(config, parts, roster)?;
    let display = display_column(config, &df);
    df.with_column(Column::new("display".into(), display))?;
    df.select([
        "indicator_id",
        "label",
        "unit_code",
        "unit_name",
        "period",
        "numerator",
        "denominator",
        "value",
        "display",
        "target",
        "met",
    ])
}

/// The numerator and denominator of an indicator as polars expressions.
fn fraction(ind: &IndicatorDef) -> PolarsResult<(Expr, Expr)> {
    let numerator = ind
        .numerator
        .expr()
        .clone()
        .cast(DataType::Float64)
        .alias("numerator");
    let denominator = match &ind.denominator {
        Some(d) => d.expr().clone().cast(DataType::Float64),
        None => lit(NULL).cast(DataType::Float64),
    }
    .alias("denominator");
    Ok((numerator, denominator))
}

/// One indicator's rows: the consolidating unit's (stt 0) over every
/// reporting row, then each registry unit's over its own rows, with the
/// value, the target and whether it is met.
fn indicator_rows(
    config: &Config,
    submitted: &DataFrame,
    roster: &DataFrame,
    order: usize,
    ind: &IndicatorDef,
) -> PolarsResult<LazyFrame> {
    let (numerator, denominator) = fraction(ind)?;
    let whole = submitted
        .clone()
        .lazy()
        .select([numerator.clone(), denominator.clone()])
        .with_columns([
            lit(config.consolidating.code.clone()).alias("unit_code"),
            lit(0i64).cast(DataType::Int64).alias("stt"),
        ]);
    let per_unit = submitted
        .clone()
        .lazy()
        .group_by([col("unit_code")])
        .agg([numerator, denominator])
        .join(
            roster.clone().lazy().select([col("unit_code"), col("stt")]),
            [col("unit_code")],
            [col("unit_code")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([
            col("numerator"),
            col("denominator"),
            col("unit_code"),
            col("stt"),
        ]);
    let both = concat([whole, per_unit], UnionArgs::default())?;
    let target = ind.target.map_or(lit(NULL).cast(DataType::Float64), lit);
    Ok(both
        .with_columns([
            lit(order as i64).cast(DataType::Int64).alias("order"),
            lit(ind.id.get_ref().clone()).alias("indicator_id"),
            lit(ind.label.clone()).alias("label"),
            indicator_value(ind).alias("value"),
            target.alias("target"),
        ])
        .with_columns([col("value").gt_eq(col("target")).alias("met")]))
}

/// numerator / denominator × factor (none when the denominator is 0), or
/// numerator × factor without a denominator.
fn indicator_value(ind: &IndicatorDef) -> Expr {
    match ind.denominator {
        Some(_) => when(col("denominator").gt(lit(0.0)))
            .then(col("numerator") / col("denominator") * lit(ind.factor))
            .otherwise(lit(NULL).cast(DataType::Float64)),
        None => col("numerator") * lit(ind.factor),
    }
}

/// Every indicator's rows together, each with its unit's name (the
/// consolidating unit's for its own rows) and the period, in order.
fn named_rows(
    config: &Config,
    parts: Vec<LazyFrame>,
    roster: &DataFrame,
) -> PolarsResult<DataFrame> {
    let names = roster
        .clone()
        .lazy()
        .select([col("unit_code"), col("unit_name")]);
    concat(parts, UnionArgs::default())?
        .join(
            names,
            [col("unit_code")],
            [col("unit_code")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            col("unit_name").fill_null(lit(config.consolidating.name.clone())),
            lit(config.period.id()).alias("period"),
        ])
        .sort(["stt", "order"], Default::default())
        .collect()
}

/// The `display` text of each indicator row.
fn display_column(config: &Config, df: &DataFrame) -> Vec<Option<String>> {
    use crate::model::frame::{Out, get};
    (0..df.height())
        .map(|row| {
            let Out::Text(id) = get(df, "indicator_id", row) else {
                return None;
            };
            let ind = config
                .schema
                .indicators
                .iter()
                .find(|i| i.id.get_ref() == &id)?;
            display_text(
                ind,
                get(df, "numerator", row),
                get(df, "denominator", row),
                get(df, "value", row),
            )
        })
        .collect()
}

/// The `display` column: "19/22" for a ratio, else the value itself rounded
/// to the indicator's decimals ("102.4" for sum(luot)/sum(buoi)); empty when
/// there is no value (a zero denominator), never the bare numerator.
fn display_text(
    ind: &crate::model::schema::IndicatorDef,
    numerator: crate::model::frame::Out,
    denominator: crate::model::frame::Out,
    value: crate::model::frame::Out,
) -> Option<String> {
    use crate::model::frame::Out;
    use crate::model::values::{Decimals, MAX_DECIMALS, Spelling, format_figure};
    let whole = |n: f64| format_figure(n, Decimals::UpTo(MAX_DECIMALS), Spelling::Plain);
    match (ind.display, numerator, denominator, value) {
        (Display::Ratio, Out::Num(a), Out::Num(b), _) => Some(format!("{}/{}", whole(a), whole(b))),
        (Display::Number, _, _, Out::Num(v)) => {
            Some(format_figure(v, ind.decimals(), Spelling::Plain))
        }
        _ => None,
    }
}

/// One report that counts: a unit's own accepted report, or, when districts
/// report, one commune's inside its district's accepted data table.
pub(crate) struct Counted<'a> {
    /// The registry unit it counts for.
    pub(crate) unit: &'a crate::model::registry::Unit,
    /// The unit that reported it: the registry unit, or the commune.
    pub(crate) code: &'a str,
    pub(crate) name: &'a str,
    pub(crate) data: &'a SubmissionData,
    /// The file it was read from (the commune's, as its district named it).
    pub(crate) file: &'a str,
    /// The district's data table it came through, when districts report.
    pub(crate) via: Option<&'a str>,
}

pub(crate) fn counted<'a>(result: &'a CheckResult, config: &'a Config) -> Vec<Counted<'a>> {
    let units = &config.registry.units;
    let accepted = result.accepted_by_unit(units.len());
    let mut out = Vec::new();
    for (u, s) in accepted.into_iter().enumerate() {
        let Some(s) = s.filter(|s| s.status == Status::Accepted) else {
            continue;
        };
        let Some(data) = &s.data else { continue };
        let unit = &units[u];
        match config.level.reporting {
            Reporting::Districts if !data.parts.is_empty() => {
                out.extend(data.parts.iter().map(|p| Counted {
                    unit,
                    code: &p.unit_code,
                    name: &p.unit_name,
                    data: &p.data,
                    file: &p.file,
                    via: Some(&s.file),
                }))
            }
            _ => out.push(Counted {
                unit,
                code: &unit.code,
                name: &unit.name,
                data,
                file: &s.file,
                via: None,
            }),
        }
    }
    out
}
