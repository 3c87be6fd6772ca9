//! The report schema: which sheets a form has, which fields, how they are
//! typed and checked, the cross-field rules and the indicators. A schema is
//! data (TOML in `schemas/`), never code, so a district can add a form without
//! a new release. Loading refuses a wrong schema with the key and line at
//! fault, before any commune file is read.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use polars::prelude::Expr;
use serde::Deserialize;
use toml::Spanned;
use validator::Validate;

use crate::model::finding::Severity;
use crate::model::i18n::tr;
use crate::model::values::{Decimals, MAX_DECIMALS};

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("{}", tr(
        &format!("không đọc được lược đồ {}: {source}", path.display()),
        &format!("cannot read schema {}: {source}", path.display())))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", tr(
        &format!("lược đồ {} sai cú pháp: {message}", path.display()),
        &format!("schema {} is malformed: {message}", path.display())))]
    Syntax { path: PathBuf, message: String },
    #[error("{}", tr(
        &format!("lược đồ {}, dòng {line}, khoá `{key}`: {message}", path.display()),
        &format!("schema {}, line {line}, key `{key}`: {message}", path.display())))]
    Invalid {
        path: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    Year,
    Half,
    Quarter,
    Month,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SheetKind {
    Form,
    List,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Integer,
    Number,
    Text,
    #[serde(alias = "yes/no", alias = "yesno")]
    YesNo,
    Date,
    Choice,
}

impl FieldType {
    pub fn is_numeric(self) -> bool {
        matches!(self, FieldType::Integer | FieldType::Number)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextFormat {
    Email,
    Url,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Display {
    Number,
    Ratio,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// Header labels of a form sheet's table, with the usual variants.
#[derive(Clone, Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields, default)]
pub struct FormColumns {
    pub code: Vec<String>,
    #[validate(length(min = 1))]
    pub label: Vec<String>,
    pub unit: Vec<String>,
    #[validate(length(min = 1))]
    pub value: Vec<String>,
    pub note: Vec<String>,
}

impl Default for FormColumns {
    fn default() -> Self {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
        FormColumns {
            code: v(&["STT", "TT", "Số TT", "Mã số"]),
            label: v(&["Chỉ tiêu", "Nội dung", "Tên chỉ tiêu", "Nội dung chỉ tiêu"]),
            unit: v(&["Đơn vị tính", "ĐVT", "Đơn vị"]),
            value: v(&["Số liệu", "Kết quả", "Số lượng", "Giá trị", "Thực hiện"]),
            note: v(&["Ghi chú"]),
        }
    }
}

#[derive(Clone, Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct Section {
    #[validate(length(min = 1, max = 10))]
    pub code: String,
    #[validate(length(min = 1, max = 300))]
    pub label: String,
}

#[derive(Clone, Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub id: Spanned<String>,
    /// The STT code of a form row ("1", "5.1").
    #[validate(length(min = 1, max = 10))]
    pub code: Option<String>,
    #[validate(length(min = 1, max = 300))]
    pub label: String,
    pub label_en: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Unit of measure ("Cơ sở", "Người").
    pub unit: Option<String>,
    #[serde(rename = "type")]
    pub ty: FieldType,
    #[serde(default = "yes")]
    pub required: bool,
    pub required_when: Option<Spanned<String>>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    #[serde(default)]
    pub choices: Vec<Choice>,
    #[serde(default)]
    pub unique: bool,
    pub format: Option<TextFormat>,
    #[validate(range(min = 1))]
    pub max_length: Option<u64>,
    /// How many decimals a `number` field is shown with (0–6); without it
    /// each value shows the decimals it has.
    #[validate(range(max = 6))]
    pub decimals: Option<u8>,
    /// The section code (I, II …) a form row belongs to.
    pub section: Option<String>,
    #[validate(length(max = 500))]
    pub help: Option<String>,
}

impl FieldDef {
    pub fn id(&self) -> &str {
        self.id.get_ref()
    }

    pub fn label_in(&self, lang: crate::model::finding::Lang) -> &str {
        match lang {
            crate::model::finding::Lang::En => self.label_en.as_deref().unwrap_or(&self.label),
            crate::model::finding::Lang::Vi => &self.label,
        }
    }

    /// How the field's values are shown: whole numbers for `integer`, the
    /// schema's `decimals` for `number`, else every decimal a value has.
    pub fn decimals(&self) -> Decimals {
        match (self.ty, self.decimals) {
            (FieldType::Integer, _) => Decimals::Fixed(0),
            (_, Some(d)) => Decimals::Fixed(d),
            _ => Decimals::UpTo(MAX_DECIMALS),
        }
    }
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct AggregateDef {
    pub id: Spanned<String>,
    #[validate(length(max = 300))]
    pub label: Option<String>,
    pub expr: Spanned<String>,
}

#[derive(Clone, Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct SheetDef {
    pub id: Spanned<String>,
    pub kind: SheetKind,
    #[validate(length(min = 1, max = 31))]
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[validate(length(max = 300))]
    pub title: Option<String>,
    /// The sheet name in the consolidated workbook (list sheets).
    #[validate(length(min = 1, max = 31))]
    pub consolidated_name: Option<String>,
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(default)]
    #[validate(nested)]
    pub columns: FormColumns,
    #[serde(default)]
    #[validate(nested)]
    pub sections: Vec<Section>,
    pub fields: Vec<FieldDef>,
    #[serde(default)]
    pub aggregates: Vec<AggregateDef>,
}

impl SheetDef {
    pub fn id(&self) -> &str {
        self.id.get_ref()
    }
}

#[derive(Clone, Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: Spanned<String>,
    pub severity: Severity,
    /// A list sheet id: the rule is checked on every record of that list.
    pub scope: Option<Spanned<String>>,
    /// Checked only where this expression is true.
    pub when: Option<Spanned<String>>,
    pub check: Spanned<String>,
    /// The field whose cell the finding points at (default: the first field
    /// the expression names).
    pub at: Option<Spanned<String>>,
    #[validate(length(min = 1, max = 500))]
    pub message: String,
    #[validate(length(max = 500))]
    pub message_en: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDef {
    pub id: Spanned<String>,
    #[validate(length(min = 1, max = 300))]
    pub label: String,
    pub label_en: Option<String>,
    /// Unit of measure shown in the indicator table.
    pub unit: Option<String>,
    pub numerator: Spanned<String>,
    pub denominator: Option<Spanned<String>>,
    #[serde(default = "one")]
    pub factor: f64,
    pub target: Option<f64>,
    #[serde(default = "number_display")]
    pub display: Display,
    /// How many decimals the value is shown with (0–6).
    #[validate(range(max = 6))]
    pub decimals: Option<u8>,
}

impl IndicatorDef {
    /// How the value is shown: the schema's `decimals`; else a rate or an
    /// average (with a denominator) to one decimal, a total with every
    /// decimal it has.
    pub fn decimals(&self) -> Decimals {
        match (self.decimals, &self.denominator) {
            (Some(d), _) => Decimals::Fixed(d),
            (None, Some(_)) => Decimals::UpTo(1),
            (None, None) => Decimals::UpTo(MAX_DECIMALS),
        }
    }
}

fn one() -> f64 {
    1.0
}

fn number_display() -> Display {
    Display::Number
}

#[derive(Clone, Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    pub id: Spanned<String>,
    #[validate(length(min = 1, max = 300))]
    pub title: String,
    pub title_en: Option<String>,
    #[validate(length(min = 1, max = 40))]
    pub version: String,
    pub period: PeriodKind,
    pub sheets: Vec<SheetDef>,
    #[serde(default)]
    pub rules: Vec<RuleDef>,
    #[serde(default)]
    pub indicators: Vec<IndicatorDef>,
    #[serde(skip)]
    pub sha256: String,
    #[serde(skip)]
    pub path: PathBuf,
    /// The labels' matching keys, normalised once per run, not per file.
    /// `check::locate` fills it with its own type, which the model does not
    /// name so that it imports no stage.
    #[serde(skip)]
    pub(crate) label_keys: std::sync::OnceLock<std::sync::Arc<dyn std::any::Any + Send + Sync>>,
}

/// The hidden sheet's name; `check` reads it (see `identify.rs`).
pub const META_SHEET: &str = "_tonghop";

/// Columns the engine adds to every evaluation frame.
pub const PERIOD_COLUMNS: [&str; 2] = ["period_start", "period_end"];

impl Schema {
    pub fn id(&self) -> &str {
        self.id.get_ref()
    }

    pub fn load(path: &Path) -> Result<Schema, SchemaError> {
        let text = std::fs::read_to_string(path).map_err(|source| SchemaError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Schema::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Schema, SchemaError> {
        let mut schema: Schema = toml::from_str(text).map_err(|e| SchemaError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        schema.sha256 = crate::model::book::sha256_hex(text.as_bytes());
        schema.path = path.to_path_buf();
        Checker {
            text,
            path,
            schema: &schema,
        }
        .check()?;
        Ok(schema)
    }

    pub fn form_sheets(&self) -> impl Iterator<Item = &SheetDef> {
        self.sheets.iter().filter(|s| s.kind == SheetKind::Form)
    }

    pub fn list_sheets(&self) -> impl Iterator<Item = &SheetDef> {
        self.sheets.iter().filter(|s| s.kind == SheetKind::List)
    }

    pub fn sheet(&self, id: &str) -> Option<&SheetDef> {
        self.sheets.iter().find(|s| s.id() == id)
    }

    /// All fields of form sheets, in schema order.
    pub fn form_fields(&self) -> impl Iterator<Item = (&SheetDef, &FieldDef)> {
        self.form_sheets()
            .flat_map(|s| s.fields.iter().map(move |f| (s, f)))
    }

    pub fn form_field(&self, id: &str) -> Option<(&SheetDef, &FieldDef)> {
        self.form_fields().find(|(_, f)| f.id() == id)
    }

    pub fn aggregates(&self) -> impl Iterator<Item = (&SheetDef, &AggregateDef)> {
        self.list_sheets()
            .flat_map(|s| s.aggregates.iter().map(move |a| (s, a)))
    }

    /// Column names visible to submission-level rules and to indicators.
    pub fn submission_columns(&self) -> BTreeSet<String> {
        let mut cols: BTreeSet<String> = self
            .form_fields()
            .map(|(_, f)| f.id().to_string())
            .collect();
        cols.extend(self.aggregates().map(|(_, a)| a.id.get_ref().clone()));
        cols.extend(PERIOD_COLUMNS.iter().map(|s| s.to_string()));
        cols
    }

    /// A one-row frame of nulls with every column a rule can read, typed as
    /// the engine types them (aggregates are numbers).
    pub fn null_frame(
        &self,
        list: Option<&SheetDef>,
    ) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
        use crate::model::frame::{Col, frame};
        let null = |name: &str, ty: FieldType| Col {
            name: name.to_string(),
            ty,
            values: vec![None],
        };
        let mut cols: Vec<Col> = self
            .form_fields()
            .map(|(_, f)| null(f.id(), f.ty))
            .collect();
        cols.extend(
            self.aggregates()
                .map(|(_, a)| null(a.id.get_ref(), FieldType::Number)),
        );
        cols.extend(PERIOD_COLUMNS.iter().map(|p| null(p, FieldType::Date)));
        if let Some(sheet) = list {
            cols.extend(sheet.fields.iter().map(|f| null(f.id(), f.ty)));
        }
        frame(&cols, 1)
    }

    /// Column names visible to a rule scoped to one list sheet.
    pub fn list_columns(&self, sheet: &SheetDef) -> BTreeSet<String> {
        let mut cols = self.submission_columns();
        cols.extend(sheet.fields.iter().map(|f| f.id().to_string()));
        cols
    }
}

/// An expression polars' SQL expression parser refused; shown as polars'
/// own message.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ExprError(#[from] polars::prelude::PolarsError);

/// Parses an expression with polars' SQL expression parser.
pub fn parse_expr(source: &str) -> Result<Expr, ExprError> {
    Ok(polars::sql::sql_expr(source)?)
}

/// The column names an expression reads.
pub fn expr_columns(expr: &Expr) -> Vec<String> {
    expr.clone()
        .meta()
        .root_names()
        .into_iter()
        .map(|n| n.to_string())
        .filter(|n| n != "*" && !n.is_empty())
        .collect()
}

/// Placeholders "{name}" in a message template.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                out.push(&after[..end]);
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

struct Checker<'a> {
    text: &'a str,
    path: &'a Path,
    schema: &'a Schema,
}

impl Checker<'_> {
    fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    fn fail<T>(
        &self,
        span: std::ops::Range<usize>,
        key: &str,
        message: String,
    ) -> Result<T, SchemaError> {
        Err(SchemaError::Invalid {
            path: self.path.to_path_buf(),
            line: self.line(span.start),
            key: key.to_string(),
            message,
        })
    }

    fn structure(
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

    fn ident(&self, id: &Spanned<String>, key: &str) -> Result<(), SchemaError> {
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
                tr(
                    &format!("mã “{s}” chỉ được gồm chữ thường không dấu, chữ số và “_”, bắt đầu bằng chữ"),
                    &format!("id “{s}” must be lower-case ASCII letters, digits and “_”, starting with a letter"),
                ),
            )
        }
    }

    fn expression(
        &self,
        source: &Spanned<String>,
        key: &str,
        known: &BTreeSet<String>,
    ) -> Result<Vec<String>, SchemaError> {
        let expr = match parse_expr(source.get_ref()) {
            Ok(e) => e,
            Err(e) => {
                return self.fail(
                    source.span(),
                    key,
                    tr(
                        &format!("biểu thức “{}” không hợp lệ: {e}", source.get_ref()),
                        &format!("expression “{}” is invalid: {e}", source.get_ref()),
                    ),
                );
            }
        };
        let cols = expr_columns(&expr);
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
        source: &Spanned<String>,
        key: &str,
        scope: Option<&SheetDef>,
        boolean: bool,
    ) -> Result<(), SchemaError> {
        use polars::prelude::{DataType, IntoLazy};
        let fail = |e: String| SchemaError::Invalid {
            path: self.path.to_path_buf(),
            line: self.line(source.span().start),
            key: key.to_string(),
            message: tr(
                &format!("biểu thức “{}” không tính được: {e}", source.get_ref()),
                &format!("expression “{}” cannot be evaluated: {e}", source.get_ref()),
            ),
        };
        let expr = parse_expr(source.get_ref()).map_err(|e| fail(e.to_string()))?;
        let df = self
            .schema
            .null_frame(scope)
            .map_err(|e| fail(e.to_string()))?;
        let out = df
            .lazy()
            .select([expr.alias("x")])
            .collect()
            .map_err(|e| fail(e.to_string()))?;
        let dtype = out
            .column("x")
            .map(|c| c.dtype().clone())
            .map_err(|e| fail(e.to_string()))?;
        if boolean && !matches!(dtype, DataType::Boolean | DataType::Null) {
            return Err(fail(tr(
                &format!("kết quả phải là đúng/sai, đang là {dtype}"),
                &format!("must give true/false, gives {dtype}"),
            )));
        }
        Ok(())
    }

    fn check(&self) -> Result<(), SchemaError> {
        let s = self.schema;
        self.ident(&s.id, "id")?;
        self.structure(s, s.id.span(), "(top level)")?;
        if s.sheets.is_empty() {
            return self.fail(
                s.id.span(),
                "sheets",
                tr(
                    "lược đồ cần ít nhất một trang",
                    "a schema needs at least one sheet",
                ),
            );
        }

        let mut columns: HashMap<String, std::ops::Range<usize>> = HashMap::new();
        let mut sheet_ids = HashSet::new();
        for (si, sheet) in s.sheets.iter().enumerate() {
            let key = format!("sheets[{si}]");
            self.ident(&sheet.id, &format!("{key}.id"))?;
            if !sheet_ids.insert(sheet.id()) {
                return self.fail(sheet.id.span(), &format!("{key}.id"), duplicate(sheet.id()));
            }
            self.structure(sheet, sheet.id.span(), &key)?;
            if sheet.fields.is_empty() {
                return self.fail(
                    sheet.id.span(),
                    &format!("{key}.fields"),
                    tr(
                        "trang cần ít nhất một trường",
                        "a sheet needs at least one field",
                    ),
                );
            }
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
                        tr(
                            "required_when chỉ dùng cho trường của trang danh sách",
                            "required_when applies to list fields only",
                        ),
                    );
                }
            }
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
            if sheet.kind == SheetKind::Form && !sheet.aggregates.is_empty() {
                return self.fail(
                    sheet.aggregates[0].id.span(),
                    &format!("{key}.aggregates"),
                    tr(
                        "chỉ trang dạng danh sách (kind = \"list\") mới có aggregates",
                        "only list sheets (kind = \"list\") can have aggregates",
                    ),
                );
            }
            let list_cols: BTreeSet<String> =
                sheet.fields.iter().map(|f| f.id().to_string()).collect();
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
                self.expression(&agg.expr, &format!("{akey}.expr"), &list_cols)?;
            }
            for (fi, field) in sheet.fields.iter().enumerate() {
                if let Some(cond) = &field.required_when {
                    let known = if sheet.kind == SheetKind::List {
                        list_cols.clone()
                    } else {
                        s.submission_columns()
                    };
                    self.expression(cond, &format!("{key}.fields[{fi}].required_when"), &known)?;
                }
            }
        }

        // A list field is read next to the form fields and aggregates, so its
        // id must not shadow them.
        for (si, sheet) in s
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

        let mut rule_ids = HashSet::new();
        for (ri, rule) in s.rules.iter().enumerate() {
            let key = format!("rules[{ri}]");
            self.ident(&rule.id, &format!("{key}.id"))?;
            if !rule_ids.insert(rule.id.get_ref()) {
                return self.fail(
                    rule.id.span(),
                    &format!("{key}.id"),
                    duplicate(rule.id.get_ref()),
                );
            }
            self.structure(rule, rule.id.span(), &key)?;
            let known = match &rule.scope {
                None => s.submission_columns(),
                Some(scope) => match s
                    .sheet(scope.get_ref())
                    .filter(|sh| sh.kind == SheetKind::List)
                {
                    Some(sheet) => s.list_columns(sheet),
                    None => {
                        let lists: BTreeSet<String> =
                            s.list_sheets().map(|l| l.id().to_string()).collect();
                        return self.fail(
                            scope.span(),
                            &format!("{key}.scope"),
                            unknown_name(scope.get_ref(), &lists),
                        );
                    }
                },
            };
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
            for text in std::iter::once(&rule.message).chain(rule.message_en.iter()) {
                for name in placeholders(text) {
                    if !known.contains(name) {
                        return self.fail(
                            rule.id.span(),
                            &format!("{key}.message"),
                            unknown_name(name, &known),
                        );
                    }
                }
            }
        }

        let mut indicator_ids = HashSet::new();
        let known = s.submission_columns();
        for (ii, ind) in s.indicators.iter().enumerate() {
            let key = format!("indicators[{ii}]");
            self.ident(&ind.id, &format!("{key}.id"))?;
            if !indicator_ids.insert(ind.id.get_ref()) {
                return self.fail(
                    ind.id.span(),
                    &format!("{key}.id"),
                    duplicate(ind.id.get_ref()),
                );
            }
            self.structure(ind, ind.id.span(), &key)?;
            self.expression(&ind.numerator, &format!("{key}.numerator"), &known)?;
            self.dry_run(&ind.numerator, &format!("{key}.numerator"), None, false)?;
            if let Some(den) = &ind.denominator {
                self.expression(den, &format!("{key}.denominator"), &known)?;
                self.dry_run(den, &format!("{key}.denominator"), None, false)?;
            }
            if ind.display == Display::Ratio && ind.denominator.is_none() {
                return self.fail(
                    ind.id.span(),
                    &format!("{key}.display"),
                    tr(
                        "display = \"ratio\" cần có denominator",
                        "display = \"ratio\" needs a denominator",
                    ),
                );
            }
        }
        Ok(())
    }

    fn field(&self, field: &FieldDef, sheet: &SheetDef, key: &str) -> Result<(), SchemaError> {
        self.ident(&field.id, &format!("{key}.id"))?;
        self.structure(field, field.id.span(), key)?;
        let bad = |k: &str, vi: &str, en: &str| {
            self.fail::<()>(field.id.span(), &format!("{key}.{k}"), tr(vi, en))
        };
        if field.ty == FieldType::Choice && field.choices.is_empty() {
            return bad(
                "choices",
                "trường kiểu choice cần danh sách choices",
                "a choice field needs choices",
            );
        }
        if field.ty != FieldType::Choice && !field.choices.is_empty() {
            return bad(
                "choices",
                "chỉ trường kiểu choice mới có choices",
                "only choice fields have choices",
            );
        }
        if (field.min.is_some() || field.max.is_some()) && !field.ty.is_numeric() {
            return bad(
                "min",
                "min/max chỉ dùng cho trường số",
                "min/max apply to numeric fields only",
            );
        }
        if let (Some(min), Some(max)) = (field.min, field.max)
            && min > max
        {
            return bad("max", "max nhỏ hơn min", "max is below min");
        }
        if field.decimals.is_some() && field.ty != FieldType::Number {
            return bad(
                "decimals",
                "decimals chỉ dùng cho trường kiểu number",
                "decimals applies to number fields only",
            );
        }
        if (field.format.is_some() || field.max_length.is_some()) && field.ty != FieldType::Text {
            return bad(
                "format",
                "format/max_length chỉ dùng cho trường text",
                "format/max_length apply to text fields only",
            );
        }
        if field.unique && sheet.kind != SheetKind::List {
            return bad(
                "unique",
                "unique chỉ dùng trong trang danh sách",
                "unique applies to list sheets only",
            );
        }
        if sheet.kind == SheetKind::Form
            && let Some(section) = &field.section
            && !sheet.sections.iter().any(|x| &x.code == section)
        {
            return bad(
                "section",
                &format!("không có mục “{section}” trong sections"),
                &format!("no section “{section}” in sections"),
            );
        }
        Ok(())
    }
}

fn reserved(id: &str) -> String {
    tr(
        &format!("mã “{id}” là tên cột dành riêng"),
        &format!("“{id}” is a reserved column name"),
    )
}

fn duplicate(id: &str) -> String {
    tr(
        &format!("mã “{id}” bị trùng"),
        &format!("duplicate id “{id}”"),
    )
}

fn unknown_name(name: &str, known: &BTreeSet<String>) -> String {
    let list = known.iter().cloned().collect::<Vec<_>>().join(", ");
    tr(
        &format!("không có trường “{name}” (có: {list})"),
        &format!("unknown field “{name}” (known: {list})"),
    )
}

fn describe_validation(errors: &validator::ValidationErrors) -> String {
    let mut parts = Vec::new();
    collect_validation(errors, String::new(), &mut parts);
    parts.join("; ")
}

fn collect_validation(errors: &validator::ValidationErrors, prefix: String, out: &mut Vec<String>) {
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
                    out.push(tr(
                        &format!(
                            "`{path}` không đạt điều kiện {} ({})",
                            e.code,
                            params.join(", ")
                        ),
                        &format!("`{path}` fails {} ({})", e.code, params.join(", ")),
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
