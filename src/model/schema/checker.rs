//! The schema checker: refuses a wrong schema at load, before any commune
//! file is read, with the key and line at fault — unknown or duplicate ids,
//! expressions that do not parse or name unknown columns, and a dry run of
//! every expression over a frame of nulls so that type mistakes show now.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use toml::Spanned;
use validator::Validate;

use super::{
    Display, FieldDef, FieldType, IndicatorDef, PERIOD_COLUMNS, RuleDef, Schema, SchemaError,
    SheetDef, SheetKind, SqlExpr, expr_columns, placeholders,
};
use crate::model::finding::Msg;

pub(super) struct Checker<'a> {
    pub(super) text: &'a str,
    pub(super) path: &'a Path,
    pub(super) schema: &'a Schema,
    /// Whether every dry run passes when they run together (see
    /// `dry_runs_pass_together`), found at the first dry run.
    together: std::cell::OnceCell<bool>,
}

impl<'a> Checker<'a> {
    pub(super) fn new(text: &'a str, path: &'a Path, schema: &'a Schema) -> Checker<'a> {
        Checker {
            text,
            path,
            schema,
            together: std::cell::OnceCell::new(),
        }
    }
}

impl Checker<'_> {
    fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    pub(super) fn fail<T>(
        &self,
        span: std::ops::Range<usize>,
        key: &str,
        message: Msg,
    ) -> Result<T, SchemaError> {
        Err(SchemaError::Invalid {
            path: self.path.to_path_buf(),
            line: self.line(span.start),
            key: key.to_string(),
            message,
        })
    }

    pub(super) fn structure(
        &self,
        item: &dyn Validate,
        span: std::ops::Range<usize>,
        key: &str,
    ) -> Result<(), SchemaError> {
        match item.validate() {
            Ok(()) => Ok(()),
            Err(errors) => {
                let detail = describe_validation(&errors);
                self.fail(span, key, detail)
            }
        }
    }

    pub(super) fn ident(&self, id: &Spanned<String>, key: &str) -> Result<(), SchemaError> {
        let s = id.get_ref();
        let ok = s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && s.len() <= 64;
        if ok {
            Ok(())
        } else {
            self.fail(
                id.span(),
                key,
                Msg::new(
                    format!("mã “{s}” chỉ được gồm chữ thường không dấu, chữ số và “_”, bắt đầu bằng chữ"),
                    format!("id “{s}” must be lower-case ASCII letters, digits and “_”, starting with a letter"),
                ),
            )
        }
    }

    fn expression(
        &self,
        source: &SqlExpr,
        key: &str,
        known: &BTreeSet<String>,
    ) -> Result<Vec<String>, SchemaError> {
        let expr = match source.parsed() {
            Ok(e) => e,
            Err(e) => {
                return self.fail(
                    source.span(),
                    key,
                    Msg::new(
                        format!("biểu thức “{}” không hợp lệ: {e}", source.get_ref()),
                        format!("expression “{}” is invalid: {e}", source.get_ref()),
                    ),
                );
            }
        };
        let cols = expr_columns(expr);
        for col in &cols {
            if !known.contains(col) {
                return self.fail(source.span(), key, unknown_name(col, known));
            }
        }
        Ok(cols)
    }

    /// Evaluates an expression once over a frame of nulls with the real
    /// dtypes, so that type mistakes (text compared with a number, a check
    /// that is not true/false) are refused at load rather than per file.
    fn dry_run(
        &self,
        source: &SqlExpr,
        key: &str,
        scope: Option<&SheetDef>,
        boolean: bool,
    ) -> Result<(), SchemaError> {
        use polars::prelude::{DataType, IntoLazy};
        if *self.together.get_or_init(|| self.dry_runs_pass_together()) {
            return Ok(());
        }
        // A library's error reads the same in both languages.
        let fail = |e: Msg| SchemaError::Invalid {
            path: self.path.to_path_buf(),
            line: self.line(source.span().start),
            key: key.to_string(),
            message: Msg::new(
                format!("biểu thức “{}” không tính được: {}", source.get_ref(), e.vi),
                format!(
                    "expression “{}” cannot be evaluated: {}",
                    source.get_ref(),
                    e.en
                ),
            ),
        };
        let same = |e: String| Msg::new(e.clone(), e);
        let expr = source
            .parsed()
            .map_err(|e| fail(same(e.to_string())))?
            .clone();
        let df = self
            .schema
            .null_frame(scope)
            .map_err(|e| fail(same(e.to_string())))?;
        let out = df
            .lazy()
            .select([expr.alias("x")])
            .collect()
            .map_err(|e| fail(same(e.to_string())))?;
        let dtype = out
            .column("x")
            .map(|c| c.dtype().clone())
            .map_err(|e| fail(same(e.to_string())))?;
        if boolean && !matches!(dtype, DataType::Boolean | DataType::Null) {
            return Err(fail(Msg::new(
                format!("kết quả phải là đúng/sai, đang là {dtype}"),
                format!("must give true/false, gives {dtype}"),
            )));
        }
        Ok(())
    }

    /// Every dry run of the schema at once: one frame of nulls and one
    /// query per scope, instead of one each (a tenth of the instructions of
    /// a one-file `check` went to them). Each expression is its own column
    /// of the query, evaluated as it would be alone, so when all pass
    /// together each passes alone. When any fails (or does not parse), the
    /// checker runs each alone, in reading order, and the error it reports
    /// is the same as without this.
    fn dry_runs_pass_together(&self) -> bool {
        use polars::prelude::{DataType, IntoLazy};
        let s = self.schema;
        // (scope, expression, whether it must give true/false)
        let mut runs: Vec<(Option<&SheetDef>, &SqlExpr, bool)> = Vec::new();
        for rule in &s.rules {
            let scope = rule.scope.as_ref().and_then(|sc| s.sheet(sc.get_ref()));
            runs.push((scope, &rule.check, true));
            runs.extend(rule.when.iter().map(|when| (scope, when, true)));
        }
        for ind in &s.indicators {
            runs.push((None, &ind.numerator, false));
            runs.extend(ind.denominator.iter().map(|den| (None, den, false)));
        }
        let mut scopes: Vec<Option<&str>> = runs.iter().map(|r| r.0.map(|sh| sh.id())).collect();
        scopes.sort();
        scopes.dedup();
        scopes.into_iter().all(|scope| {
            let mine: Vec<&(Option<&SheetDef>, &SqlExpr, bool)> = runs
                .iter()
                .filter(|r| r.0.map(|sh| sh.id()) == scope)
                .collect();
            let Some(exprs) = mine
                .iter()
                .enumerate()
                .map(|(i, r)| Some(r.1.parsed().ok()?.clone().alias(format!("x{i}"))))
                .collect::<Option<Vec<_>>>()
            else {
                return false;
            };
            let Ok(df) = s.null_frame(mine[0].0) else {
                return false;
            };
            let Ok(out) = df.lazy().select(exprs).collect() else {
                return false;
            };
            mine.iter().enumerate().all(|(i, r)| {
                let dtype = out.column(&format!("x{i}")).map(|c| c.dtype().clone());
                matches!(
                    (r.2, dtype),
                    (false, Ok(_)) | (true, Ok(DataType::Boolean | DataType::Null))
                )
            })
        })
    }

    /// Checks the whole schema in reading order, so the first error reported
    /// is the first one an author meets in the file.
    pub(super) fn check(&self) -> Result<(), SchemaError> {
        self.top_level()?;
        // Form fields, aggregates and unit attributes share one namespace:
        // they are all columns of the same rule and indicator frames.
        let mut columns: Columns = HashMap::new();
        self.sheets(&mut columns)?;
        self.unit_attributes(&mut columns)?;
        self.list_fields_unshadowed(&columns)?;
        self.rules()?;
        self.indicators()
    }

    fn top_level(&self) -> Result<(), SchemaError> {
        let s = self.schema;
        self.ident(&s.id, "id")?;
        self.structure(s, s.id.span(), "(top level)")?;
        if s.sheets.is_empty() {
            return self.fail(
                s.id.span(),
                "sheets",
                Msg::new(
                    "lược đồ cần ít nhất một trang",
                    "a schema needs at least one sheet",
                ),
            );
        }
        Ok(())
    }

    fn sheets(&self, columns: &mut Columns) -> Result<(), SchemaError> {
        let mut sheet_ids = HashSet::new();
        for (si, sheet) in self.schema.sheets.iter().enumerate() {
            let key = format!("sheets[{si}]");
            self.ident(&sheet.id, &format!("{key}.id"))?;
            if !sheet_ids.insert(sheet.id()) {
                return self.fail(sheet.id.span(), &format!("{key}.id"), duplicate(sheet.id()));
            }
            self.sheet(sheet, &key, columns)?;
        }
        Ok(())
    }

    /// One sheet: its fields, their ids, its list shape, its aggregates and
    /// the conditions that make its fields required.
    fn sheet(&self, sheet: &SheetDef, key: &str, columns: &mut Columns) -> Result<(), SchemaError> {
        self.structure(sheet, sheet.id.span(), key)?;
        if sheet.fields.is_empty() {
            return self.fail(
                sheet.id.span(),
                &format!("{key}.fields"),
                Msg::new(
                    "trang cần ít nhất một trường",
                    "a sheet needs at least one field",
                ),
            );
        }
        self.sheet_fields(sheet, key, columns)?;
        self.fields_unique_in_sheet(sheet, key)?;
        if sheet.kind == SheetKind::Form && !sheet.aggregates.is_empty() {
            return self.fail(
                sheet.aggregates[0].id.span(),
                &format!("{key}.aggregates"),
                Msg::new(
                    "chỉ trang dạng danh sách (kind = \"list\") mới có aggregates",
                    "only list sheets (kind = \"list\") can have aggregates",
                ),
            );
        }
        self.list_shape(sheet, key)?;
        self.aggregates(sheet, key, columns)?;
        self.required_when(sheet, key)
    }

    fn sheet_fields(
        &self,
        sheet: &SheetDef,
        key: &str,
        columns: &mut Columns,
    ) -> Result<(), SchemaError> {
        for (fi, field) in sheet.fields.iter().enumerate() {
            let fkey = format!("{key}.fields[{fi}]");
            self.field(field, sheet, &fkey)?;
            // Form fields and aggregates share one namespace; list fields
            // only need to be unique within their list.
            if sheet.kind == SheetKind::Form
                && columns
                    .insert(field.id().to_string(), field.id.span())
                    .is_some()
            {
                return self.fail(
                    field.id.span(),
                    &format!("{fkey}.id"),
                    duplicate(field.id()),
                );
            }
            if PERIOD_COLUMNS.contains(&field.id()) {
                return self.fail(field.id.span(), &format!("{fkey}.id"), reserved(field.id()));
            }
            if sheet.kind == SheetKind::Form && field.required_when.is_some() {
                return self.fail(
                    field.id.span(),
                    &format!("{fkey}.required_when"),
                    Msg::new(
                        "required_when chỉ dùng cho trường của trang danh sách",
                        "required_when applies to list fields only",
                    ),
                );
            }
        }
        Ok(())
    }

    fn fields_unique_in_sheet(&self, sheet: &SheetDef, key: &str) -> Result<(), SchemaError> {
        let mut local = HashSet::new();
        for (fi, field) in sheet.fields.iter().enumerate() {
            if !local.insert(field.id()) {
                return self.fail(
                    field.id.span(),
                    &format!("{key}.fields[{fi}].id"),
                    duplicate(field.id()),
                );
            }
        }
        Ok(())
    }

    fn aggregates(
        &self,
        sheet: &SheetDef,
        key: &str,
        columns: &mut Columns,
    ) -> Result<(), SchemaError> {
        // An aggregate may compare a list's dates with the period.
        let agg_cols: BTreeSet<String> = field_ids(sheet)
            .into_iter()
            .chain(PERIOD_COLUMNS.iter().map(|p| p.to_string()))
            .collect();
        for (ai, agg) in sheet.aggregates.iter().enumerate() {
            let akey = format!("{key}.aggregates[{ai}]");
            self.ident(&agg.id, &format!("{akey}.id"))?;
            self.structure(agg, agg.id.span(), &akey)?;
            if PERIOD_COLUMNS.contains(&agg.id.get_ref().as_str()) {
                return self.fail(
                    agg.id.span(),
                    &format!("{akey}.id"),
                    reserved(agg.id.get_ref()),
                );
            }
            if columns
                .insert(agg.id.get_ref().clone(), agg.id.span())
                .is_some()
            {
                return self.fail(
                    agg.id.span(),
                    &format!("{akey}.id"),
                    duplicate(agg.id.get_ref()),
                );
            }
            self.expression(&agg.expr, &format!("{akey}.expr"), &agg_cols)?;
        }
        Ok(())
    }

    /// A list field's condition sees its own row; a form field may not have
    /// one (refused in `sheet_fields`), so the submission columns are only a
    /// fallback.
    fn required_when(&self, sheet: &SheetDef, key: &str) -> Result<(), SchemaError> {
        for (fi, field) in sheet.fields.iter().enumerate() {
            if let Some(cond) = &field.required_when {
                let known = if sheet.kind == SheetKind::List {
                    field_ids(sheet)
                } else {
                    self.schema.submission_columns()
                };
                self.expression(cond, &format!("{key}.fields[{fi}].required_when"), &known)?;
            }
        }
        Ok(())
    }

    /// A list field is read next to the form fields, aggregates and unit
    /// attributes, so its id must not shadow them.
    fn list_fields_unshadowed(&self, columns: &Columns) -> Result<(), SchemaError> {
        for (si, sheet) in self
            .schema
            .sheets
            .iter()
            .enumerate()
            .filter(|(_, sh)| sh.kind == SheetKind::List)
        {
            for (fi, field) in sheet.fields.iter().enumerate() {
                if columns.contains_key(field.id()) {
                    return self.fail(
                        field.id.span(),
                        &format!("sheets[{si}].fields[{fi}].id"),
                        duplicate(field.id()),
                    );
                }
            }
        }
        Ok(())
    }

    fn rules(&self) -> Result<(), SchemaError> {
        let mut rule_ids = HashSet::new();
        for (ri, rule) in self.schema.rules.iter().enumerate() {
            let key = format!("rules[{ri}]");
            self.ident(&rule.id, &format!("{key}.id"))?;
            if !rule_ids.insert(rule.id.get_ref()) {
                return self.fail(
                    rule.id.span(),
                    &format!("{key}.id"),
                    duplicate(rule.id.get_ref()),
                );
            }
            self.rule(rule, &key)?;
        }
        Ok(())
    }

    /// One rule: its check and condition must parse, name known columns and
    /// give true/false; its cell and message may only name known columns.
    fn rule(&self, rule: &RuleDef, key: &str) -> Result<(), SchemaError> {
        let s = self.schema;
        self.structure(rule, rule.id.span(), key)?;
        let known = self.rule_columns(rule, key)?;
        self.expression(&rule.check, &format!("{key}.check"), &known)?;
        let scope = rule.scope.as_ref().and_then(|sc| s.sheet(sc.get_ref()));
        self.dry_run(&rule.check, &format!("{key}.check"), scope, true)?;
        if let Some(when) = &rule.when {
            self.expression(when, &format!("{key}.when"), &known)?;
            self.dry_run(when, &format!("{key}.when"), scope, true)?;
        }
        if let Some(at) = &rule.at
            && !known.contains(at.get_ref())
        {
            return self.fail(
                at.span(),
                &format!("{key}.at"),
                unknown_name(at.get_ref(), &known),
            );
        }
        self.rule_placeholders(rule, key, &known)
    }

    /// The columns a rule sees: the submission's, or one list's rows when
    /// the rule is scoped to that list.
    fn rule_columns(&self, rule: &RuleDef, key: &str) -> Result<BTreeSet<String>, SchemaError> {
        let s = self.schema;
        let Some(scope) = &rule.scope else {
            return Ok(s.submission_columns());
        };
        match s
            .sheet(scope.get_ref())
            .filter(|sh| sh.kind == SheetKind::List)
        {
            Some(sheet) => Ok(s.list_columns(sheet)),
            None => {
                let lists: BTreeSet<String> = s.list_sheets().map(|l| l.id().to_string()).collect();
                self.fail(
                    scope.span(),
                    &format!("{key}.scope"),
                    unknown_name(scope.get_ref(), &lists),
                )
            }
        }
    }

    /// A `{name}` in either message is filled from the row, so it must be a
    /// column the rule sees.
    fn rule_placeholders(
        &self,
        rule: &RuleDef,
        key: &str,
        known: &BTreeSet<String>,
    ) -> Result<(), SchemaError> {
        for text in std::iter::once(&rule.message).chain(rule.message_en.iter()) {
            for name in placeholders(text) {
                if !known.contains(name) {
                    return self.fail(
                        rule.id.span(),
                        &format!("{key}.message"),
                        unknown_name(name, known),
                    );
                }
            }
        }
        Ok(())
    }

    fn indicators(&self) -> Result<(), SchemaError> {
        let mut indicator_ids = HashSet::new();
        let known = self.schema.submission_columns();
        for (ii, ind) in self.schema.indicators.iter().enumerate() {
            let key = format!("indicators[{ii}]");
            self.ident(&ind.id, &format!("{key}.id"))?;
            if !indicator_ids.insert(ind.id.get_ref()) {
                return self.fail(
                    ind.id.span(),
                    &format!("{key}.id"),
                    duplicate(ind.id.get_ref()),
                );
            }
            self.indicator(ind, &key, &known)?;
        }
        Ok(())
    }

    /// One indicator: numerator and denominator must parse, name known
    /// columns and evaluate; a ratio needs a denominator.
    fn indicator(
        &self,
        ind: &IndicatorDef,
        key: &str,
        known: &BTreeSet<String>,
    ) -> Result<(), SchemaError> {
        self.structure(ind, ind.id.span(), key)?;
        self.expression(&ind.numerator, &format!("{key}.numerator"), known)?;
        self.dry_run(&ind.numerator, &format!("{key}.numerator"), None, false)?;
        if let Some(den) = &ind.denominator {
            self.expression(den, &format!("{key}.denominator"), known)?;
            self.dry_run(den, &format!("{key}.denominator"), None, false)?;
        }
        if ind.display == Display::Ratio && ind.denominator.is_none() {
            return self.fail(
                ind.id.span(),
                &format!("{key}.display"),
                Msg::new(
                    "display = \"ratio\" cần có denominator",
                    "display = \"ratio\" needs a denominator",
                ),
            );
        }
        Ok(())
    }

    /// One field: its id and structure, then options that only make sense
    /// for some types or sheets, each refused under the option's own key.
    fn field(&self, field: &FieldDef, sheet: &SheetDef, key: &str) -> Result<(), SchemaError> {
        // A row's value in one of several columns ("so_nguoi.ky_nay"): its
        // parts were checked before the row was expanded.
        if field.column.is_none() {
            self.ident(&field.id, &format!("{key}.id"))?;
        }
        self.structure(field, field.id.span(), key)?;
        let problem = choices_problem(field)
            .or_else(|| numeric_problem(field))
            .or_else(|| text_problem(field))
            .or_else(|| placement_problem(field, sheet));
        match problem {
            Some((option, message)) => {
                self.fail(field.id.span(), &format!("{key}.{option}"), message)
            }
            None => Ok(()),
        }
    }
}

/// Ids already taken, with where they were declared.
type Columns = HashMap<String, std::ops::Range<usize>>;

/// A sheet's field ids: the columns of its rows.
fn field_ids(sheet: &SheetDef) -> BTreeSet<String> {
    sheet.fields.iter().map(|f| f.id().to_string()).collect()
}

/// A field option at fault (its key under the field) and why.
type OptionProblem = (&'static str, Msg);

/// Choices belong to choice fields, and a choice field needs them.
fn choices_problem(field: &FieldDef) -> Option<OptionProblem> {
    if field.ty == FieldType::Choice && field.choices.is_empty() {
        return Some((
            "choices",
            Msg::new(
                "trường kiểu choice cần danh sách choices",
                "a choice field needs choices",
            ),
        ));
    }
    if field.ty != FieldType::Choice && !field.choices.is_empty() {
        return Some((
            "choices",
            Msg::new(
                "chỉ trường kiểu choice mới có choices",
                "only choice fields have choices",
            ),
        ));
    }
    None
}

/// Bounds and decimals only mean something for numbers, and the bounds
/// must leave room for a value.
fn numeric_problem(field: &FieldDef) -> Option<OptionProblem> {
    if (field.min.is_some() || field.max.is_some()) && !field.ty.is_numeric() {
        return Some((
            "min",
            Msg::new(
                "min/max chỉ dùng cho trường số",
                "min/max apply to numeric fields only",
            ),
        ));
    }
    if let (Some(min), Some(max)) = (field.min, field.max)
        && min > max
    {
        return Some(("max", Msg::new("max nhỏ hơn min", "max is below min")));
    }
    if field.decimals.is_some() && field.ty != FieldType::Number {
        return Some((
            "decimals",
            Msg::new(
                "decimals chỉ dùng cho trường kiểu number",
                "decimals applies to number fields only",
            ),
        ));
    }
    None
}

fn text_problem(field: &FieldDef) -> Option<OptionProblem> {
    if (field.format.is_some() || field.max_length.is_some()) && field.ty != FieldType::Text {
        return Some((
            "format",
            Msg::new(
                "format/max_length chỉ dùng cho trường text",
                "format/max_length apply to text fields only",
            ),
        ));
    }
    None
}

/// Uniqueness is across a list's rows, and a form field's section must be
/// one the sheet declares.
fn placement_problem(field: &FieldDef, sheet: &SheetDef) -> Option<OptionProblem> {
    if field.unique && sheet.kind != SheetKind::List {
        return Some((
            "unique",
            Msg::new(
                "unique chỉ dùng trong trang danh sách",
                "unique applies to list sheets only",
            ),
        ));
    }
    if sheet.kind == SheetKind::Form
        && let Some(section) = &field.section
        && !sheet.sections.iter().any(|x| &x.code == section)
    {
        return Some((
            "section",
            Msg::new(
                format!("không có mục “{section}” trong sections"),
                format!("no section “{section}” in sections"),
            ),
        ));
    }
    None
}

pub(super) fn reserved(id: &str) -> Msg {
    Msg::new(
        format!("mã “{id}” là tên cột dành riêng"),
        format!("“{id}” is a reserved column name"),
    )
}

pub(super) fn duplicate(id: &str) -> Msg {
    Msg::new(
        format!("mã “{id}” bị trùng"),
        format!("duplicate id “{id}”"),
    )
}

pub(super) fn unknown_name(name: &str, known: &BTreeSet<String>) -> Msg {
    let list = known.iter().cloned().collect::<Vec<_>>().join(", ");
    Msg::new(
        format!("không có trường “{name}” (có: {list})"),
        format!("unknown field “{name}” (known: {list})"),
    )
}

fn describe_validation(errors: &validator::ValidationErrors) -> Msg {
    let mut parts = Vec::new();
    collect_validation(errors, String::new(), &mut parts);
    let join = |text: fn(&Msg) -> &str| parts.iter().map(text).collect::<Vec<_>>().join("; ");
    Msg::new(join(|m| &m.vi), join(|m| &m.en))
}

fn collect_validation(errors: &validator::ValidationErrors, prefix: String, out: &mut Vec<Msg>) {
    use validator::ValidationErrorsKind;
    let mut entries: Vec<_> = errors.errors().iter().collect();
    entries.sort_by_key(|(k, _)| k.to_string());
    for (name, kind) in entries {
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        match kind {
            ValidationErrorsKind::Field(errs) => {
                for e in errs {
                    let params: Vec<String> = e
                        .params
                        .iter()
                        .filter(|(k, _)| *k != "value")
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect();
                    out.push(Msg::new(
                        format!(
                            "`{path}` không đạt điều kiện {} ({})",
                            e.code,
                            params.join(", ")
                        ),
                        format!("`{path}` fails {} ({})", e.code, params.join(", ")),
                    ));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect_validation(inner, path, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    collect_validation(inner, format!("{path}[{i}]"), out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::model::finding::Msg;
    use crate::model::schema::{Schema, SchemaError};

    /// The schema is checked before any language is chosen: its error
    /// carries both texts and the caller picks one.
    #[test]
    fn a_schema_error_carries_both_languages() {
        let sheet = "\n[[sheets]]\nid = \"bieu_01\"\nkind = \"form\"\nname = \"Biểu 01\"\n";
        let field =
            "\n[[sheets.fields]]\nid = \"so_buoi\"\nlabel = \"Số buổi\"\ntype = \"integer\"\n";
        let text = format!(
            "id = \"vanhoa\"\ntitle = \"Thử\"\nversion = \"1.0.0\"\nperiod = \"year\"\n{sheet}{field}{field}"
        );
        match Schema::parse(&text, Path::new("schema.toml")) {
            Err(SchemaError::Invalid { message, line, .. }) => {
                assert_eq!(
                    message,
                    Msg::new("mã “so_buoi” bị trùng", "duplicate id “so_buoi”")
                );
                assert_eq!(line, 17, "the second field's id");
            }
            other => panic!("expected a duplicate-id error, got {other:?}"),
        }
    }

    fn rules_schema(checks: &[&str]) -> String {
        let mut text = String::from(
            "id = \"vanhoa\"\ntitle = \"Thử\"\nversion = \"1.0.0\"\nperiod = \"year\"\n\
             \n[[sheets]]\nid = \"bieu_01\"\nkind = \"form\"\nname = \"Biểu 01\"\n\
             \n[[sheets.fields]]\nid = \"so_buoi\"\nlabel = \"Số buổi\"\ntype = \"integer\"\n",
        );
        for (i, check) in checks.iter().enumerate() {
            text.push_str(&format!(
                "\n[[rules]]\nid = \"r{i}\"\nseverity = \"error\"\ncheck = \"{check}\"\nmessage = \"Sai.\"\n"
            ));
        }
        text
    }

    #[test]
    fn the_dry_runs_of_a_sound_schema_run_together() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/pcmd.toml");
        let schema = Schema::load(&path).expect("the bundled schema loads");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(super::Checker::new(&text, &path, &schema).dry_runs_pass_together());
        let text = rules_schema(&["so_buoi >= 0", "so_buoi < 1000"]);
        let schema = Schema::parse(&text, Path::new("schema.toml")).expect("sound");
        assert!(super::Checker::new(&text, Path::new("s"), &schema).dry_runs_pass_together());
    }

    /// When one dry run fails, each runs alone: the error is the first
    /// failing expression's, under its own key.
    #[test]
    fn a_check_that_is_not_true_or_false_is_refused_at_its_key() {
        let text = rules_schema(&["so_buoi >= 0", "so_buoi + 1", "so_buoi * 2"]);
        match Schema::parse(&text, Path::new("schema.toml")) {
            Err(SchemaError::Invalid { key, message, .. }) => {
                assert_eq!(key, "rules[1].check");
                assert!(message.en.contains("must give true/false"), "{message:?}");
            }
            other => panic!("expected a dry-run error, got {other:?}"),
        }
    }
}
