//! Rules: the schema's aggregates and cross-field rules, evaluated with
//! polars over one frame of all submissions of a run (not per file), and the
//! `rule-violation` findings they raise, pointed at the cell at fault.

use std::collections::{BTreeMap, HashMap, HashSet};

use polars::prelude::*;

use crate::model::finding::{Code, Finding, Lang, Location, Msg};
use crate::model::frame::{Col, frame};
use crate::model::messages;
use crate::model::period::Window;
use crate::model::schema::{FieldDef, FieldType, RuleDef, Schema, SheetDef, expr_columns};
use crate::model::submission::{FieldValue, Record, SubmissionData};
use crate::model::values::Value;

/// Evaluates boolean expressions row by row: `Some(false)` is a violation,
/// `None` means a value it needs is missing (already reported elsewhere).
fn eval_bools(df: &DataFrame, exprs: &[Expr]) -> PolarsResult<Vec<Vec<Option<bool>>>> {
    let selected: Vec<Expr> = exprs
        .iter()
        .enumerate()
        .map(|(i, e)| e.clone().cast(DataType::Boolean).alias(format!("e{i}")))
        .collect();
    let out = df.clone().lazy().select(selected).collect()?;
    let height = df.height();
    (0..exprs.len())
        .map(|i| {
            let c = out
                .column(&format!("e{i}"))?
                .as_materialized_series()
                .clone();
            let c = if c.len() == 1 && height != 1 {
                c.new_from_index(0, height)
            } else {
                c
            };
            let ca = c.bool()?;
            Ok((0..ca.len()).map(|i| ca.get(i)).collect())
        })
        .collect()
}

/// The column holding a submission's index in the batch frames.
const SUB: &str = "__submission";

/// Aggregates and rule findings of one submission.
pub(crate) type Evaluated = (BTreeMap<String, Option<f64>>, Vec<Finding>);

/// Evaluates the schema's aggregates and rules for many submissions at once:
/// one polars query per list sheet and per rule set for the whole run, not
/// per file, so the cost of a query is paid once however many communes
/// reported. A failure (which the schema's dry run should prevent) is
/// narrowed down to the submissions that cause it.
pub(crate) fn evaluate(
    schema: &Schema,
    window: &Window,
    data: &[&SubmissionData],
) -> Vec<Evaluated> {
    let batch = Batch {
        schema,
        window,
        data,
    };
    match batch.evaluate() {
        Ok(out) => out,
        Err(_) if data.len() > 1 => data
            .iter()
            .flat_map(|d| evaluate(schema, window, std::slice::from_ref(d)))
            .collect(),
        Err(e) => vec![(
            BTreeMap::new(),
            vec![Finding::new(
                Code::RuleViolation,
                Msg::new(
                    format!("Không kiểm tra được các quy tắc của biểu: {e}"),
                    format!("The form's rules could not be evaluated: {e}"),
                ),
            )],
        )],
    }
}

struct Batch<'a> {
    schema: &'a Schema,
    window: &'a Window,
    data: &'a [&'a SubmissionData],
}

/// The columns some expressions read. A list's frame has a row per record,
/// so only those are built: every form field copied into each row of a
/// 200,000-row list took ~120 MB.
struct Reads(Option<HashSet<String>>);

impl Reads {
    /// Every column (a frame with a row per submission is small).
    fn all() -> Reads {
        Reads(None)
    }

    /// The columns `exprs` name; every column when one may read columns it
    /// does not name (a wildcard or a pattern).
    fn of<'e>(exprs: impl IntoIterator<Item = &'e Expr>) -> Reads {
        let mut names = HashSet::new();
        for e in exprs {
            let meta = e.clone().meta();
            if meta.has_multiple_outputs() || e.clone().meta().is_regex_projection() {
                return Reads::all();
            }
            names.extend(expr_columns(e));
        }
        Reads(Some(names))
    }

    fn wants(&self, name: &str) -> bool {
        self.0.as_ref().is_none_or(|names| names.contains(name))
    }
}

/// The records of one list sheet across the batch, with their submission.
struct ListRows<'a> {
    subs: Vec<usize>,
    records: Vec<&'a Record>,
}

impl<'a> Batch<'a> {
    fn period_cols(&self, n: usize, read: &Reads) -> Vec<Col> {
        let mut cols = vec![
            Col {
                name: "period_start".into(),
                ty: FieldType::Date,
                values: vec![Some(Value::Date(self.window.start)); n],
            },
            Col {
                name: "period_end".into(),
                ty: FieldType::Date,
                values: vec![Some(Value::Date(self.window.end)); n],
            },
        ];
        cols.retain(|c| read.wants(&c.name));
        cols
    }

    fn list_rows(&self, def: &SheetDef) -> ListRows<'a> {
        let mut rows = ListRows {
            subs: Vec::new(),
            records: Vec::new(),
        };
        for (i, d) in self.data.iter().enumerate() {
            for r in d.lists.get(def.id()).into_iter().flatten() {
                rows.subs.push(i);
                rows.records.push(r);
            }
        }
        rows
    }

    fn list_cols(&self, def: &SheetDef, records: &[&Record], read: &Reads) -> Vec<Col> {
        def.fields
            .iter()
            .filter(|f| read.wants(f.id()))
            .map(|f| Col {
                name: f.id().to_string(),
                ty: f.ty,
                values: records
                    .iter()
                    .map(|r| r.values.get(f.id()).and_then(|v| v.value.clone()))
                    .collect(),
            })
            .collect()
    }

    /// Form fields, aggregates and period of the submission of each row.
    fn submission_cols(
        &self,
        aggregates: &[BTreeMap<String, Option<f64>>],
        subs: &[usize],
        read: &Reads,
    ) -> Vec<Col> {
        let mut cols: Vec<Col> = self
            .schema
            .form_fields()
            .filter(|(_, f)| read.wants(f.id()))
            .map(|(_, f)| Col {
                name: f.id().to_string(),
                ty: f.ty,
                values: subs
                    .iter()
                    .map(|&i| self.data[i].form.get(f.id()).and_then(|v| v.value.clone()))
                    .collect(),
            })
            .collect();
        for def in self.schema.list_sheets() {
            for agg in def.aggregates.iter().filter(|a| read.wants(a.id.get_ref())) {
                let id = agg.id.get_ref();
                cols.push(Col {
                    name: id.clone(),
                    ty: FieldType::Number,
                    values: subs
                        .iter()
                        .map(|&i| aggregates[i].get(id).copied().flatten().map(Value::Num))
                        .collect(),
                });
            }
        }
        cols.extend(self.period_cols(subs.len(), read));
        cols.extend(self.attribute_cols(subs, read));
        cols
    }

    /// The unit attributes (dân số …) of the unit of each row's submission.
    fn attribute_cols(&self, subs: &[usize], read: &Reads) -> Vec<Col> {
        self.schema
            .unit_attributes
            .iter()
            .filter(|attr| read.wants(attr.id()))
            .map(|attr| Col {
                name: attr.id().to_string(),
                ty: attr.ty.field_type(),
                values: subs
                    .iter()
                    .map(|&i| {
                        let v = self.data[i]
                            .unit_attributes
                            .get(attr.id())
                            .copied()
                            .flatten();
                        v.map(|n| attr.value(n))
                    })
                    .collect(),
            })
            .collect()
    }

    /// Each list aggregate per submission: `None` where the sheet was not
    /// found, 0 where it was found empty.
    fn aggregates(&self) -> PolarsResult<Vec<BTreeMap<String, Option<f64>>>> {
        let mut out = vec![BTreeMap::new(); self.data.len()];
        for def in self.schema.list_sheets() {
            if def.aggregates.is_empty() {
                continue;
            }
            for (i, d) in self.data.iter().enumerate() {
                let found = d.lists.contains_key(def.id()).then_some(0.0);
                for agg in &def.aggregates {
                    out[i].insert(agg.id.get_ref().clone(), found);
                }
            }
            let rows = self.list_rows(def);
            if rows.records.is_empty() {
                continue;
            }
            let read = Reads::of(def.aggregates.iter().map(|a| a.expr.expr()));
            let mut cols = self.list_cols(def, &rows.records, &read);
            cols.extend(self.period_cols(rows.records.len(), &read));
            cols.push(Col::int(SUB, rows.subs.iter().map(|&i| i as i64)));
            let df = frame(&cols, rows.records.len())?;
            let exprs = def
                .aggregates
                .iter()
                .enumerate()
                .map(|(k, agg)| {
                    agg.expr
                        .expr()
                        .clone()
                        .cast(DataType::Float64)
                        .alias(format!("a{k}"))
                })
                .collect::<Vec<_>>();
            let res = df.lazy().group_by([col(SUB)]).agg(exprs).collect()?;
            let subs = res.column(SUB)?.as_materialized_series().clone();
            let subs = subs.i64()?;
            for (k, agg) in def.aggregates.iter().enumerate() {
                let values = res
                    .column(&format!("a{k}"))?
                    .as_materialized_series()
                    .clone();
                let values = values.f64()?;
                for row in 0..res.height() {
                    if let Some(i) = subs.get(row) {
                        out[i as usize]
                            .insert(agg.id.get_ref().clone(), values.get(row).or(Some(0.0)));
                    }
                }
            }
        }
        Ok(out)
    }

    fn evaluate(&self) -> PolarsResult<Vec<Evaluated>> {
        let aggregates = self.aggregates()?;
        let mut findings: Vec<Vec<Finding>> = vec![Vec::new(); self.data.len()];
        self.form_rules(&aggregates, &mut findings)?;
        for def in self.schema.list_sheets() {
            self.list_rules(def, &aggregates, &mut findings)?;
        }
        Ok(aggregates.into_iter().zip(findings).collect())
    }

    /// Rules over each submission's form and aggregates: one row each.
    fn form_rules(
        &self,
        aggregates: &[BTreeMap<String, Option<f64>>],
        findings: &mut [Vec<Finding>],
    ) -> PolarsResult<()> {
        let form_rules: Vec<&RuleDef> = self
            .schema
            .rules
            .iter()
            .filter(|r| r.scope.is_none())
            .collect();
        if form_rules.is_empty() || self.data.is_empty() {
            return Ok(());
        }
        let subs: Vec<usize> = (0..self.data.len()).collect();
        let df = frame(
            &self.submission_cols(aggregates, &subs, &Reads::all()),
            subs.len(),
        )?;
        let exprs = form_rules.iter().map(|r| rule_exprs(r)).collect::<Vec<_>>();
        let results = eval_bools(&df, &exprs.concat())?;
        for (k, rule) in form_rules.iter().enumerate() {
            for &i in &subs {
                if violated(&results[2 * k..], i) {
                    findings[i].push(self.rule_finding(i, rule, &aggregates[i], None));
                }
            }
        }
        Ok(())
    }

    /// The rules scoped to one list sheet.
    fn scoped_rules(&self, def: &SheetDef) -> Vec<&'a RuleDef> {
        self.schema
            .rules
            .iter()
            .filter(|r| {
                r.scope
                    .as_ref()
                    .and_then(|s| self.schema.sheet(s.get_ref()))
                    .is_some_and(|d| d.id() == def.id())
            })
            .collect()
    }

    /// `required_when` and the scoped rules over one list's records.
    fn list_rules(
        &self,
        def: &SheetDef,
        aggregates: &[BTreeMap<String, Option<f64>>],
        findings: &mut [Vec<Finding>],
    ) -> PolarsResult<()> {
        let rows = self.list_rows(def);
        let conditional: Vec<&FieldDef> = def
            .fields
            .iter()
            .filter(|f| f.required && f.required_when.is_some())
            .collect();
        let scoped = self.scoped_rules(def);
        if rows.records.is_empty() || (conditional.is_empty() && scoped.is_empty()) {
            return Ok(());
        }
        let mut exprs: Vec<Expr> = conditional
            .iter()
            .filter_map(|f| f.required_when.as_ref().map(|c| c.expr().clone()))
            .collect();
        exprs.extend(scoped.iter().flat_map(|r| rule_exprs(r)));
        let read = Reads::of(&exprs);
        let mut cols = self.list_cols(def, &rows.records, &read);
        cols.extend(self.submission_cols(aggregates, &rows.subs, &read));
        // Never a frame without columns, whatever the expressions read.
        cols.push(Col::int(SUB, rows.subs.iter().map(|&i| i as i64)));
        let df = frame(&cols, rows.records.len())?;
        let results = eval_bools(&df, &exprs)?;
        let rule_results = &results[conditional.len()..];
        for (row, (&i, record)) in rows.subs.iter().zip(&rows.records).enumerate() {
            for (k, field) in conditional.iter().enumerate() {
                if results[k][row] == Some(true) {
                    findings[i].extend(required_when_finding(record, field));
                }
            }
            for (k, rule) in scoped.iter().enumerate() {
                if violated(&rule_results[2 * k..], row) {
                    findings[i].push(self.rule_finding(i, rule, &aggregates[i], Some(record)));
                }
            }
        }
        Ok(())
    }

    /// Every value a rule's message may name, for one submission (and
    /// record): form fields, aggregates, unit attributes, the window.
    fn shown_values(
        &self,
        sub: usize,
        aggregates: &BTreeMap<String, Option<f64>>,
        record: Option<&Record>,
    ) -> HashMap<String, Shown> {
        let data = self.data[sub];
        let mut shown: HashMap<String, Shown> = HashMap::new();
        for (id, fv) in &data.form {
            shown.insert(id.clone(), Shown::of(fv.value.as_ref()));
        }
        for (id, v) in aggregates.iter().chain(&data.unit_attributes) {
            shown.insert(id.clone(), Shown::of(v.map(Value::Num).as_ref()));
        }
        for (id, day) in [
            ("period_start", self.window.start),
            ("period_end", self.window.end),
        ] {
            shown.insert(id.into(), Shown::Text(day.format("%d/%m/%Y").to_string()));
        }
        if let Some(r) = record {
            for (id, fv) in &r.values {
                shown.insert(id.to_string(), Shown::of(fv.value.as_ref()));
            }
        }
        shown
    }

    fn rule_finding(
        &self,
        sub: usize,
        rule: &RuleDef,
        aggregates: &BTreeMap<String, Option<f64>>,
        record: Option<&Record>,
    ) -> Finding {
        let data = self.data[sub];
        let shown = self.shown_values(sub, aggregates, record);
        let fill = |template: &str, lang: Lang| {
            let mut out = template.to_string();
            for name in crate::model::schema::placeholders(template) {
                let value = shown.get(name).map(|v| v.text(lang)).unwrap_or_default();
                out = out.replace(&format!("{{{name}}}"), &value);
            }
            out
        };
        // Point at the `at` field, else the first field the check reads.
        let named: Vec<String> = rule
            .at
            .as_ref()
            .map(|a| vec![a.get_ref().clone()])
            .unwrap_or_else(|| expr_columns(rule.check.expr()));
        let source = named.iter().find_map(|name| {
            record
                .and_then(|r| r.values.get(name))
                .or_else(|| data.form.get(name))
                .map(|fv| (name.clone(), fv.source.clone()))
        });
        let vi = fill(&rule.message, Lang::Vi);
        let en = fill(
            rule.message_en.as_deref().unwrap_or(&rule.message),
            Lang::En,
        );
        let (vi, en) = match &source {
            Some((_, s)) => (
                format!("Ô {}: {vi}", s.a1()),
                format!("Cell {}: {en}", s.a1()),
            ),
            None => (vi, en),
        };
        let mut finding = Finding::new(Code::RuleViolation, Msg::new(vi, en))
            .rule(rule.id.get_ref(), rule.severity);
        if let Some((field, s)) = source {
            finding = finding
                .at(s.location())
                .field(&field)
                .value(shown.get(&field).map(Shown::plain).unwrap_or_default());
        } else if let Some(r) = record {
            finding = finding.at(Location {
                sheet: r.sheet.to_string(),
                row: Some(r.row),
                col: None,
            });
        }
        finding
    }
}

/// `value-required` for a blank cell that the field's `required_when`
/// makes required in this record.
fn required_when_finding(record: &Record, field: &FieldDef) -> Option<Finding> {
    let fv = record.values.get(field.id())?;
    (fv.value.is_none() && fv_blank_cell(fv)).then(|| {
        Finding::new(
            Code::ValueRequired,
            messages::value_required_when(&fv.source.a1(), &field.label),
        )
        .at(fv.source.location())
        .field(field.id())
    })
}

fn fv_blank_cell(fv: &FieldValue) -> bool {
    crate::model::text::clean(&fv.raw()).is_empty()
}

fn rule_exprs(rule: &RuleDef) -> Vec<Expr> {
    let when = rule.when.as_ref().map_or(lit(true), |w| w.expr().clone());
    vec![when, rule.check.expr().clone()]
}

/// A rule is violated where its condition holds and its check is false.
fn violated(results: &[Vec<Option<bool>>], row: usize) -> bool {
    results[0][row] == Some(true) && results[1][row] == Some(false)
}

/// A value named in a rule's message: numbers are spelt as each language
/// writes them ("1.234,5" / "1,234.5"); the finding's `value` keeps the
/// plain spelling.
enum Shown {
    Figure(f64, String),
    Text(String),
}

impl Shown {
    fn of(value: Option<&Value>) -> Shown {
        match value {
            Some(v @ (Value::Int(_) | Value::Num(_))) => {
                Shown::Figure(v.as_f64().unwrap_or_default(), v.display())
            }
            Some(v) => Shown::Text(v.display()),
            None => Shown::Text(String::new()),
        }
    }

    fn text(&self, lang: Lang) -> String {
        use crate::model::values::{Decimals, MAX_DECIMALS, Spelling, format_figure};
        match self {
            Shown::Figure(n, _) => {
                format_figure(*n, Decimals::UpTo(MAX_DECIMALS), Spelling::In(lang))
            }
            Shown::Text(t) => t.clone(),
        }
    }

    fn plain(&self) -> String {
        match self {
            Shown::Figure(_, plain) | Shown::Text(plain) => plain.clone(),
        }
    }
}
