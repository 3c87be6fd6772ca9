//! Stage 3, consolidate: aggregate the accepted submissions with polars into the
//! frames the outputs lay out — the per-unit table in registry order with its
//! totals, the indicators (district and per unit), the list sections and the
//! tidy table of every accepted value. Only accepted submissions count.

use polars::prelude::*;

use crate::check::units_sent;

use crate::config::Config;
use crate::model::frame::{Col, frame};
use crate::model::schema::{Display, FieldDef, FieldType, parse_expr};
use crate::model::submission::{CheckResult, Status, Submission};
use crate::model::values::Value;

pub use crate::model::submission::UnitStatus;

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
    /// Per list sheet (schema index): unit_code, unit_name, fields…, source_file, source_row.
    pub lists: Vec<(usize, DataFrame)>,
    /// unit_code, unit_name, period, sheet_id, field, row, value, source_file, source_cell.
    pub tidy: DataFrame,
    pub reporting: usize,
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
pub fn machine_value(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        other => other.display(),
    }
}

pub fn consolidate(result: &CheckResult, config: &Config) -> PolarsResult<Consolidated> {
    let schema = &config.schema;
    let registry = &config.registry;
    let accepted = result.accepted_by_unit(registry.units.len());
    let statuses = unit_statuses(result, &accepted);
    let reporting: Vec<usize> = (0..registry.units.len())
        .filter(|&u| accepted[u].is_some())
        .collect();
    let fields: Vec<_> = schema.form_fields().map(|(_, f)| f).collect();

    let submitted = submitted_frame(config, &accepted, &reporting, &fields)?;

    // Every registry unit, in registry order, joined with what it sent.
    let n = registry.units.len();
    let roster = frame(
        &[
            Col::int("stt", (1..=n as i64).collect::<Vec<_>>()),
            Col::text("unit_code", registry.units.iter().map(|u| u.code.clone())),
            Col::text("unit_name", registry.units.iter().map(|u| u.name.clone())),
        ],
        n,
    )?;
    let units = per_unit(&roster, &submitted, &fields)?;

    let totals = totals(&submitted, &fields)?;

    let indicators = indicators(config, &submitted, &roster)?;
    let lists = lists(result, config)?;
    let tidy = tidy(result, config)?;
    Ok(Consolidated {
        units,
        statuses,
        totals,
        indicators,
        lists,
        tidy,
        reporting: reporting.len(),
    })
}

/// Each registry unit's standing: accepted, held (only files from a sender
/// not confirmed), rejected or not received.
fn unit_statuses(result: &CheckResult, accepted: &[Option<&Submission>]) -> Vec<UnitStatus> {
    let n = accepted.len();
    let sent = units_sent(&result.submissions, n);
    // Units that sent some file not held for its sender.
    let mut confirmed = vec![false; n];
    for s in result
        .submissions
        .iter()
        .filter(|s| s.status != Status::Held)
    {
        if let Some(u) = s.unit {
            confirmed[u] = true;
        }
    }
    (0..n)
        .map(|u| {
            if accepted[u].is_some() {
                UnitStatus::Accepted
            } else if sent[u] && !confirmed[u] {
                UnitStatus::Held
            } else if sent[u] {
                UnitStatus::Rejected
            } else {
                UnitStatus::NotReceived
            }
        })
        .collect()
}

/// The accepted submissions, one row each: unit code, form fields,
/// aggregates and the period's bounds.
fn submitted_frame(
    config: &Config,
    accepted: &[Option<&Submission>],
    reporting: &[usize],
    fields: &[&FieldDef],
) -> PolarsResult<DataFrame> {
    let schema = &config.schema;
    let registry = &config.registry;
    let mut cols = vec![Col::text(
        "unit_code",
        reporting.iter().map(|&u| registry.units[u].code.clone()),
    )];
    for f in fields {
        cols.push(Col {
            name: f.id().to_string(),
            ty: f.ty,
            values: reporting
                .iter()
                .map(|&u| {
                    accepted[u]
                        .and_then(|s| s.data.as_ref())
                        .and_then(|d| d.form.get(f.id()))
                        .and_then(|v| v.value.clone())
                })
                .collect(),
        });
    }
    for (_, agg) in schema.aggregates() {
        let id = agg.id.get_ref();
        cols.push(Col {
            name: id.clone(),
            ty: FieldType::Number,
            values: reporting
                .iter()
                .map(|&u| {
                    accepted[u]
                        .and_then(|s| s.data.as_ref())
                        .and_then(|d| d.aggregates.get(id).copied().flatten())
                        .map(Value::Num)
                })
                .collect(),
        });
    }
    for (name, date) in [
        ("period_start", config.period.start()),
        ("period_end", config.period.end()),
    ] {
        cols.push(Col {
            name: name.to_string(),
            ty: FieldType::Date,
            values: vec![Some(Value::Date(date)); reporting.len()],
        });
    }
    frame(&cols, reporting.len())
}

/// Every registry unit, in registry order, joined with what it sent.
fn per_unit(
    roster: &DataFrame,
    submitted: &DataFrame,
    fields: &[&FieldDef],
) -> PolarsResult<DataFrame> {
    roster
        .clone()
        .lazy()
        .join(
            submitted.clone().lazy().select(
                std::iter::once(col("unit_code"))
                    .chain(fields.iter().map(|f| col(f.id())))
                    .collect::<Vec<_>>(),
            ),
            [col("unit_code")],
            [col("unit_code")],
            JoinArgs::new(JoinType::Left),
        )
        .sort(["stt"], Default::default())
        .collect()
}

/// The district total of each numeric field, the "Có" count of each yes/no one.
fn totals(submitted: &DataFrame, fields: &[&FieldDef]) -> PolarsResult<DataFrame> {
    submitted
        .clone()
        .lazy()
        .select(
            fields
                .iter()
                .filter(|f| f.ty.is_numeric() || f.ty == FieldType::YesNo)
                .map(|f| {
                    let c = col(f.id());
                    let c = if f.ty == FieldType::YesNo {
                        c.cast(DataType::Int64)
                    } else {
                        c
                    };
                    c.sum().alias(f.id())
                })
                .collect::<Vec<_>>(),
        )
        .collect()
}

/// The schema's indicators over rows of another period (the history's),
/// computed exactly as this period's are: the consolidating unit over every
/// row, each roster unit over its rows.
pub fn past_indicators(
    config: &Config,
    rows: &DataFrame,
    roster: &DataFrame,
) -> PolarsResult<DataFrame> {
    indicators(config, rows, roster)
}

fn expr(source: &str) -> PolarsResult<Expr> {
    parse_expr(source).map_err(|e| polars_err!(ComputeError: "{e}"))
}

fn indicators(
    config: &Config,
    submitted: &DataFrame,
    roster: &DataFrame,
) -> PolarsResult<DataFrame> {
    let schema = &config.schema;
    let mut parts = Vec::new();
    for (order, ind) in schema.indicators.iter().enumerate() {
        let numerator = expr(ind.numerator.get_ref())?
            .cast(DataType::Float64)
            .alias("numerator");
        let denominator = match &ind.denominator {
            Some(d) => expr(d.get_ref())?.cast(DataType::Float64),
            None => lit(NULL).cast(DataType::Float64),
        }
        .alias("denominator");
        let district = submitted
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
            );
        let both = concat(
            [
                district,
                per_unit.select([
                    col("numerator"),
                    col("denominator"),
                    col("unit_code"),
                    col("stt"),
                ]),
            ],
            UnionArgs::default(),
        )?;
        let value = match ind.denominator {
            Some(_) => when(col("denominator").gt(lit(0.0)))
                .then(col("numerator") / col("denominator") * lit(ind.factor))
                .otherwise(lit(NULL).cast(DataType::Float64)),
            None => col("numerator") * lit(ind.factor),
        };
        let target = ind.target.map_or(lit(NULL).cast(DataType::Float64), lit);
        parts.push(
            both.with_columns([
                lit(order as i64).cast(DataType::Int64).alias("order"),
                lit(ind.id.get_ref().clone()).alias("indicator_id"),
                lit(ind.label.clone()).alias("label"),
                value.alias("value"),
                target.alias("target"),
            ])
            .with_columns([col("value").gt_eq(col("target")).alias("met")]),
        );
    }
    if parts.is_empty() {
        return Ok(DataFrame::empty());
    }
    let names = roster
        .clone()
        .lazy()
        .select([col("unit_code"), col("unit_name")]);
    let mut df = concat(parts, UnionArgs::default())?
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
        .collect()?;
    let display: Vec<Option<String>> = (0..df.height())
        .map(|row| {
            let id = match crate::model::frame::get(&df, "indicator_id", row) {
                crate::model::frame::Out::Text(t) => t,
                _ => return None,
            };
            let ind = schema.indicators.iter().find(|i| i.id.get_ref() == &id)?;
            display_text(
                ind,
                crate::model::frame::get(&df, "numerator", row),
                crate::model::frame::get(&df, "denominator", row),
                crate::model::frame::get(&df, "value", row),
            )
        })
        .collect();
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

fn lists(result: &CheckResult, config: &Config) -> PolarsResult<Vec<(usize, DataFrame)>> {
    let schema = &config.schema;
    let accepted = result.accepted_by_unit(config.registry.units.len());
    let mut out = Vec::new();
    for (def_index, def) in schema
        .sheets
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kind == crate::model::schema::SheetKind::List)
    {
        let mut rows: Vec<(
            usize,
            &crate::model::submission::Submission,
            &crate::model::submission::Record,
        )> = Vec::new();
        for (u, s) in accepted.iter().enumerate() {
            let Some(s) = s else { continue };
            let Some(records) = s.data.as_ref().and_then(|d| d.lists.get(def.id())) else {
                continue;
            };
            rows.extend(records.iter().map(|r| (u, *s, r)));
        }
        let units = &config.registry.units;
        let mut cols = vec![
            Col::text(
                "unit_code",
                rows.iter().map(|(u, _, _)| units[*u].code.clone()),
            ),
            Col::text(
                "unit_name",
                rows.iter().map(|(u, _, _)| units[*u].name.clone()),
            ),
        ];
        for f in &def.fields {
            cols.push(Col {
                name: f.id().to_string(),
                ty: f.ty,
                values: rows
                    .iter()
                    .map(|(_, _, r)| r.values.get(f.id()).and_then(|v| v.value.clone()))
                    .collect(),
            });
        }
        cols.push(Col::text(
            "source_file",
            rows.iter().map(|(_, s, _)| s.file.clone()),
        ));
        cols.push(Col::int(
            "source_row",
            rows.iter().map(|(_, _, r)| i64::from(r.row) + 1),
        ));
        out.push((def_index, frame(&cols, rows.len())?));
    }
    Ok(out)
}

fn tidy(result: &CheckResult, config: &Config) -> PolarsResult<DataFrame> {
    let schema = &config.schema;
    let accepted = result.accepted_by_unit(config.registry.units.len());
    let period = config.period.id();
    // Columns built directly, borrowing what repeats (codes, names, ids):
    // a province's list sheets make this table millions of rows long.
    let rows: usize = accepted
        .iter()
        .flatten()
        .filter_map(|s| s.data.as_ref())
        .map(|d| {
            d.form.len()
                + d.lists
                    .values()
                    .flatten()
                    .map(|r| r.values.len())
                    .sum::<usize>()
        })
        .sum();
    let mut cols = TidyCols::with_capacity(rows);
    for (u, s) in accepted.iter().enumerate() {
        let Some(s) = s.filter(|s| s.status == Status::Accepted) else {
            continue;
        };
        let Some(data) = &s.data else { continue };
        let unit = &config.registry.units[u];
        for (sheet, f) in schema.form_fields() {
            if let Some(fv) = data.form.get(f.id()) {
                cols.push(unit, &period, sheet.id(), f.id(), fv, &s.file);
            }
        }
        for def in schema.list_sheets() {
            for record in data.lists.get(def.id()).into_iter().flatten() {
                for f in &def.fields {
                    if let Some(fv) = record.values.get(f.id()) {
                        cols.push(unit, &period, def.id(), f.id(), fv, &s.file);
                    }
                }
            }
        }
    }
    let height = cols.row.len();
    // Each column becomes a polars column and is freed before the next, so
    // the table is never held twice.
    let text = |name: &str, values: Vec<&str>| Column::new(name.into(), values);
    let columns = vec![
        text("unit_code", std::mem::take(&mut cols.unit_code)),
        text("unit_name", std::mem::take(&mut cols.unit_name)),
        text("period", std::mem::take(&mut cols.period)),
        text("sheet_id", std::mem::take(&mut cols.sheet_id)),
        text("field", std::mem::take(&mut cols.field)),
        Column::new("row".into(), std::mem::take(&mut cols.row)),
        Column::new("value".into(), std::mem::take(&mut cols.value)),
        text("source_file", std::mem::take(&mut cols.source_file)),
        Column::new("source_cell".into(), std::mem::take(&mut cols.source_cell)),
    ];
    DataFrame::new(height, columns)
}

struct TidyCols<'a> {
    unit_code: Vec<&'a str>,
    unit_name: Vec<&'a str>,
    period: Vec<&'a str>,
    sheet_id: Vec<&'a str>,
    field: Vec<&'a str>,
    row: Vec<i64>,
    value: Vec<String>,
    source_file: Vec<&'a str>,
    source_cell: Vec<String>,
}

impl<'a> TidyCols<'a> {
    fn with_capacity(n: usize) -> Self {
        TidyCols {
            unit_code: Vec::with_capacity(n),
            unit_name: Vec::with_capacity(n),
            period: Vec::with_capacity(n),
            sheet_id: Vec::with_capacity(n),
            field: Vec::with_capacity(n),
            row: Vec::with_capacity(n),
            value: Vec::with_capacity(n),
            source_file: Vec::with_capacity(n),
            source_cell: Vec::with_capacity(n),
        }
    }

    fn push(
        &mut self,
        unit: &'a crate::model::registry::Unit,
        period: &'a str,
        sheet_id: &'a str,
        field: &'a str,
        fv: &crate::model::submission::FieldValue,
        file: &'a str,
    ) {
        let Some(v) = &fv.value else { return };
        self.unit_code.push(&unit.code);
        self.unit_name.push(&unit.name);
        self.period.push(period);
        self.sheet_id.push(sheet_id);
        self.field.push(field);
        self.row.push(i64::from(fv.source.row) + 1);
        self.value.push(machine_value(v));
        self.source_file.push(file);
        self.source_cell
            .push(format!("{}!{}", fv.source.sheet, fv.source.a1()));
    }
}
