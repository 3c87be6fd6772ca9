//! The report schema: which sheets a form has, which fields, how they are
//! typed and checked, the cross-field rules and the indicators. A schema is
//! data (TOML in `schemas/`), never code, so a district can add a form without
//! a new release. Loading refuses a wrong schema with the key and line at
//! fault, before any commune file is read (`checker`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use polars::prelude::Expr;
use serde::Deserialize;
use toml::Spanned;
use validator::Validate;

mod attributes;
mod checker;
pub(crate) mod history;
mod report;

pub(crate) use report::ReportDef;
mod columns;
mod extensions;
mod words;

pub(crate) use columns::{DerivedCheck, FieldColumn, ValueColumnDef};
pub(crate) use words::{Answer, VocabularyDef, YesNoWords};
mod expr;
mod list_shape;

use crate::model::finding::{Lang, Severity};
use crate::model::i18n::Bilingual;
use crate::model::values::{Decimals, MAX_DECIMALS};
pub(crate) use attributes::UnitAttribute;
use checker::Checker;
pub(crate) use expr::SqlExpr;
pub(crate) use list_shape::RecordKey;

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("{}", self.message(Lang::Vi))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", self.message(Lang::Vi))]
    Syntax { path: PathBuf, message: String },
    #[error("{}", self.message(Lang::Vi))]
    Invalid {
        path: PathBuf,
        line: usize,
        key: String,
        /// In both languages: the schema is checked before the language is
        /// known to whoever shows the error.
        message: crate::model::finding::Msg,
    },
}

impl Bilingual for SchemaError {
    fn message(&self, lang: Lang) -> String {
        match self {
            SchemaError::Io { path, source } => lang.pick(
                format!("không đọc được lược đồ {}: {source}", path.display()),
                format!("cannot read schema {}: {source}", path.display()),
            ),
            SchemaError::Syntax { path, message } => lang.pick(
                format!("lược đồ {} sai cú pháp: {message}", path.display()),
                format!("schema {} is malformed: {message}", path.display()),
            ),
            SchemaError::Invalid {
                path,
                line,
                key,
                message,
            } => lang.pick(
                format!(
                    "lược đồ {}, dòng {line}, khoá `{key}`: {}",
                    path.display(),
                    message.vi
                ),
                format!(
                    "schema {}, line {line}, key `{key}`: {}",
                    path.display(),
                    message.en
                ),
            ),
        }
    }
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
    #[serde(alias = "decimal")]
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
    pub required_when: Option<SqlExpr>,
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
    /// Form sheets with `value_columns`: the ids of this row's columns
    /// (default: all of the sheet's).
    pub value_columns: Option<Spanned<Vec<String>>>,
    /// A yes/no or choice field's words, by the name of a `[vocabularies]`
    /// entry.
    pub vocabulary: Option<Spanned<String>>,
    /// A yes/no field's own words for yes and for no, and what a blank cell
    /// means.
    pub yes: Option<Vec<String>>,
    pub no: Option<Vec<String>>,
    pub blank: Option<Answer>,
    /// The row and column this value comes from, when the field is one
    /// column of a form row with several (filled at load).
    #[serde(skip)]
    pub column: Option<FieldColumn>,
    /// The words a yes/no field is read by (filled at load: the field's own,
    /// its vocabulary's, or the usual "Có/Không").
    #[serde(skip)]
    pub words: YesNoWords,
    /// List fields only: the id of a `choice` field of the same list whose
    /// choices head this field's sub-columns ("Năm sinh" over "Nam" | "Nữ"):
    /// the value is read from whichever sub-column holds it, and the choice
    /// heading that column becomes the other field's value. See
    /// `list_shape.rs`.
    pub split_by: Option<Spanned<String>>,
    /// How the value rolls up over time (`history.rs`).
    pub rollup: Option<history::Rollup>,
    /// Outlier thresholds (`history.rs`); the defaults without it.
    pub outlier: Option<history::Outlier>,
}

impl FieldDef {
    pub fn id(&self) -> &str {
        self.id.get_ref()
    }

    /// The label people read: the row's, and the column's header when the
    /// row has several values ("Số người (Kỳ này)").
    pub fn label_in(&self, lang: crate::model::finding::Lang) -> std::borrow::Cow<'_, str> {
        let row = match lang {
            crate::model::finding::Lang::En => self.label_en.as_deref().unwrap_or(&self.label),
            crate::model::finding::Lang::Vi => &self.label,
        };
        match &self.column {
            Some(c) => format!("{row} ({})", c.label).into(),
            None => row.into(),
        }
    }

    /// The field that stands for its form row: every field, except the
    /// second and later columns of a row with several values.
    pub fn is_row(&self) -> bool {
        self.column.as_ref().is_none_or(|c| c.first)
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
    pub expr: SqlExpr,
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
    /// Form sheets: several value columns per row ("Kỳ này | Cùng kỳ năm
    /// trước | So sánh (%)"). Empty: one value column, found by
    /// `columns.value`.
    #[serde(default)]
    #[validate(nested)]
    pub value_columns: Vec<ValueColumnDef>,
    /// List sheets: what a list's only row says when the list is empty on
    /// purpose ("Không phát sinh"). Default: "Không", "Không có …".
    pub empty_markers: Option<Vec<String>>,
    /// List sheets only: keys over one or several fields (`list_shape.rs`).
    #[serde(default)]
    pub keys: Vec<RecordKey>,
    /// List sheets only: the list may go on over further sheets of the
    /// workbook, each with the list's header (`list_shape.rs`).
    #[serde(default)]
    pub continued: bool,
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
    pub when: Option<SqlExpr>,
    pub check: SqlExpr,
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
    pub numerator: SqlExpr,
    pub denominator: Option<SqlExpr>,
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
    /// The narrative report `build` writes (`report.rs`).
    pub report: Option<ReportDef>,
    /// Named words for yes/no and choice fields, shared by the fields that
    /// name them with `vocabulary`.
    #[serde(default)]
    pub vocabularies: std::collections::BTreeMap<String, VocabularyDef>,
    /// Numeric columns of the unit registry (dân số, số hộ) that rules and
    /// indicators may name (`attributes.rs`).
    #[serde(default)]
    pub unit_attributes: Vec<UnitAttribute>,
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
pub(crate) const META_SHEET: &str = "_tonghop";

/// Columns the engine adds to every evaluation frame.
pub(crate) const PERIOD_COLUMNS: [&str; 2] = ["period_start", "period_end"];

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
        schema.compile_expressions();
        schema.path = path.to_path_buf();
        let checker = |schema: &Schema| -> Result<(), SchemaError> {
            Checker::new(text, path, schema).check_extensions()
        };
        checker(&schema)?;
        // Several value columns become a field each, and words are resolved,
        // before the checker sees the fields: rules name the expanded ids.
        words::resolve(&mut schema);
        columns::expand(&mut schema);
        Checker::new(text, path, &schema).check()?;
        if let Some(report) = &mut schema.report {
            report.load(text, path)?;
        }
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
        cols.extend(self.unit_attributes.iter().map(|a| a.id().to_string()));
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
        cols.extend(
            self.unit_attributes
                .iter()
                .map(|a| null(a.id(), a.ty.field_type())),
        );
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
pub(crate) struct ExprError(#[from] polars::prelude::PolarsError);

/// Parses an expression with polars' SQL expression parser. A value of a
/// form row with several columns is written `field.column`; SQL would read
/// that as a table's column, so it is quoted into one name first.
pub(crate) fn parse_expr(source: &str) -> Result<Expr, ExprError> {
    let quoted = rewrite_names(source, |name| {
        name.contains('.').then(|| format!("\"{name}\""))
    });
    Ok(polars::sql::sql_expr(&quoted)?)
}

/// Rewrites the bare names of an expression (not its strings, quoted names
/// or numbers): `rename` gives the new text of a name, or `None` to keep it.
pub(crate) fn rewrite_names(source: &str, rename: impl Fn(&str) -> Option<String>) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c == '\'' || c == '"' {
            // A string or a quoted name, up to its closing quote.
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += 1;
            }
            i = (i + 1).min(chars.len());
            out.extend(&chars[start..i]);
        } else if c.is_ascii_alphanumeric() || c == '_' {
            let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
            while i < chars.len() && word(chars[i]) {
                i += 1;
            }
            let token: String = chars[start..i].iter().collect();
            // A number ("100", "1.5") is no name.
            let new = (!c.is_ascii_digit()).then(|| rename(&token)).flatten();
            out.push_str(new.as_deref().unwrap_or(&token));
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The column names an expression reads.
pub(crate) fn expr_columns(expr: &Expr) -> Vec<String> {
    expr.clone()
        .meta()
        .root_names()
        .into_iter()
        .map(|n| n.to_string())
        .filter(|n| n != "*" && !n.is_empty())
        .collect()
}

/// Placeholders "{name}" in a message template.
pub(crate) fn placeholders(template: &str) -> Vec<&str> {
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
