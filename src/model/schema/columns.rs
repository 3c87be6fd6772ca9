//! Several value columns per form row ("Kỳ này | Cùng kỳ năm trước | So
//! sánh (%)"): each (row, column) becomes a field of its own at load, with
//! the id `row.column`, so that every stage after the locator reads, checks,
//! sums and writes it as it does any field. A column the form computes
//! (`derived`) keeps its expression, rewritten over the row's own values.

use polars::prelude::Expr;
use serde::Deserialize;
use toml::Spanned;
use validator::Validate;

use super::{FieldDef, FieldType, Schema, SheetDef, parse_expr, rewrite_names};

/// One value column of a form sheet.
#[derive(Clone, Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct ValueColumnDef {
    pub id: Spanned<String>,
    /// The column's header in the form ("Kỳ này").
    #[validate(length(min = 1, max = 300))]
    pub label: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The column's type; default: each row's own type.
    #[serde(rename = "type")]
    pub ty: Option<FieldType>,
    /// The column's unit of measure ("%"); default: each row's own.
    pub unit: Option<String>,
    /// The form computes this column from the row's other columns, by this
    /// expression over their ids ("ky_nay / cung_ky * 100").
    pub derived: Option<Spanned<String>>,
    /// How far the commune's figure of a derived column may be from the
    /// computed one; default: half a unit of the last decimal it wrote.
    pub tolerance: Option<f64>,
    #[validate(range(max = 6))]
    pub decimals: Option<u8>,
}

impl ValueColumnDef {
    pub fn id(&self) -> &str {
        self.id.get_ref()
    }
}

/// Which row and column a value of a several-column form row is.
#[derive(Clone, Debug)]
pub struct FieldColumn {
    /// The row's id as the schema writes it ("so_nguoi").
    pub row: String,
    /// The column's id ("ky_nay").
    pub column: String,
    /// The column's header label, to tell the row's values apart.
    pub label: String,
    /// The column's place among the sheet's `value_columns`.
    pub index: usize,
    /// The row's first value: the one that stands for the row when rows are
    /// matched and written.
    pub first: bool,
    pub derived: Option<DerivedCheck>,
}

/// A value the form computes from the row's other values.
#[derive(Clone, Debug)]
pub struct DerivedCheck {
    /// As the schema writes it, over column ids.
    pub source: String,
    /// Over the columns' header labels, for people: "Kỳ này / Cùng kỳ năm
    /// trước * 100".
    pub readable: String,
    /// Over the row's value ids, compiled once.
    pub expr: Expr,
    pub tolerance: Option<f64>,
}

/// The column ids of a row: its own list or all of the sheet's.
pub(super) fn row_columns<'a>(sheet: &'a SheetDef, field: &'a FieldDef) -> Vec<&'a str> {
    match &field.value_columns {
        Some(ids) => ids.get_ref().iter().map(String::as_str).collect(),
        None => sheet.value_columns.iter().map(|c| c.id()).collect(),
    }
}

/// Replaces each row of a several-column form sheet by one field per column.
/// The checker has refused unknown column ids and expressions beforehand.
pub(super) fn expand(schema: &mut Schema) {
    for sheet in &mut schema.sheets {
        if sheet.value_columns.is_empty() {
            continue;
        }
        let fields = std::mem::take(&mut sheet.fields);
        sheet.fields = fields
            .iter()
            .flat_map(|field| expand_row(sheet, field))
            .collect();
    }
}

fn expand_row(sheet: &SheetDef, field: &FieldDef) -> Vec<FieldDef> {
    let ids = row_columns(sheet, field);
    ids.iter()
        .enumerate()
        .filter_map(|(n, id)| {
            let index = sheet.value_columns.iter().position(|c| c.id() == *id)?;
            Some(column_field(sheet, field, index, n == 0, &ids))
        })
        .collect()
}

fn column_field(
    sheet: &SheetDef,
    row: &FieldDef,
    index: usize,
    first: bool,
    row_ids: &[&str],
) -> FieldDef {
    let column = &sheet.value_columns[index];
    let mut field = row.clone();
    let id = format!("{}.{}", row.id(), column.id());
    field.id = Spanned::new(row.id.span(), id);
    field.value_columns = None;
    if let Some(ty) = column.ty.filter(|t| *t != row.ty) {
        // Another type than the row's: the row's bounds do not apply.
        field.ty = ty;
        (field.min, field.max, field.decimals) = (None, None, None);
    }
    if column.unit.is_some() {
        field.unit = column.unit.clone();
    }
    if column.decimals.is_some() {
        field.decimals = column.decimals;
    }
    let derived = column.derived.as_ref().and_then(|source| {
        let expr = derived_expr(row.id(), source.get_ref(), row_ids)?;
        let readable = rewrite_names(source.get_ref(), |name| {
            let c = sheet.value_columns.iter().find(|c| c.id() == name)?;
            Some(c.label.clone())
        });
        Some(DerivedCheck {
            source: source.get_ref().clone(),
            readable,
            expr,
            tolerance: column.tolerance,
        })
    });
    if derived.is_some() {
        // Computed, not counted: a blank is allowed (a ratio over zero has
        // no value) and the row's bounds are for counts.
        field.required = false;
        (field.min, field.max) = (None, None);
    }
    field.column = Some(FieldColumn {
        row: row.id().to_string(),
        column: column.id().to_string(),
        label: column.label.clone(),
        index,
        first,
        derived,
    });
    field
}

/// "ky_nay / cung_ky * 100" over the row "so_nguoi" →
/// `"so_nguoi.ky_nay" / "so_nguoi.cung_ky" * 100`.
pub(super) fn derived_source(row: &str, source: &str, row_ids: &[&str]) -> String {
    rewrite_names(source, |name| {
        row_ids.contains(&name).then(|| format!("\"{row}.{name}\""))
    })
}

fn derived_expr(row: &str, source: &str, row_ids: &[&str]) -> Option<Expr> {
    parse_expr(&derived_source(row, source, row_ids)).ok()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::model::schema::{Schema, SchemaError, expr_columns, parse_expr, rewrite_names};

    const HEAD: &str = "id = \"t\"\ntitle = \"Thử\"\nversion = \"1\"\nperiod = \"year\"\n";
    const SHEET: &str = r#"
[[sheets]]
id = "bieu_01"
kind = "form"
name = "Biểu 01"
[[sheets.value_columns]]
id = "ky_nay"
label = "Kỳ này"
[[sheets.value_columns]]
id = "cung_ky"
label = "Cùng kỳ"
[[sheets.value_columns]]
id = "so_sanh"
label = "So sánh (%)"
type = "decimal"
derived = "ky_nay / cung_ky * 100"
[[sheets.fields]]
id = "so_vu"
label = "Số vụ"
type = "integer"
min = 0
[[sheets.fields]]
id = "kinh_phi"
label = "Kinh phí"
type = "number"
value_columns = ["ky_nay", "cung_ky"]
"#;

    fn load(extra: &str) -> Result<Schema, SchemaError> {
        Schema::parse(&format!("{HEAD}{SHEET}{extra}"), Path::new("t.toml"))
    }

    fn error(extra: &str) -> String {
        match load(extra) {
            Err(SchemaError::Invalid { key, message, .. }) => format!("{key}: {}", message.en),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn dotted_names_are_one_column_and_strings_numbers_stay() {
        let e = parse_expr("so_vu.ky_nay >= 1.5 + so_vu.cung_ky AND 'a.b' = \"x.y\"").unwrap();
        let mut cols = expr_columns(&e);
        cols.sort();
        assert_eq!(cols, ["so_vu.cung_ky", "so_vu.ky_nay", "x.y"]);
        let upper = rewrite_names("abs(a) + 100 - 'a'", |n| Some(n.to_uppercase()));
        assert_eq!(upper, "ABS(A) + 100 - 'a'");
    }

    #[test]
    fn each_row_and_column_becomes_a_field() {
        let schema = load(
            "[[rules]]\nid = \"r\"\nseverity = \"error\"\ncheck = \"so_vu.ky_nay >= kinh_phi.cung_ky\"\nmessage = \"{so_vu.ky_nay}\"\n",
        )
        .unwrap();
        let ids: Vec<&str> = schema.form_fields().map(|(_, f)| f.id()).collect();
        assert_eq!(
            ids,
            [
                "so_vu.ky_nay",
                "so_vu.cung_ky",
                "so_vu.so_sanh",
                "kinh_phi.ky_nay",
                "kinh_phi.cung_ky"
            ]
        );
        let (_, ratio) = schema.form_field("so_vu.so_sanh").unwrap();
        assert_eq!(ratio.ty, crate::model::schema::FieldType::Number);
        assert_eq!(
            (ratio.min, ratio.required),
            (None, false),
            "computed, not counted"
        );
        let derived = ratio.column.as_ref().unwrap().derived.as_ref().unwrap();
        assert_eq!(derived.readable, "Kỳ này / Cùng kỳ * 100");
        assert_eq!(
            expr_columns(&derived.expr),
            ["so_vu.ky_nay", "so_vu.cung_ky"]
        );
        let (_, first) = schema.form_field("so_vu.ky_nay").unwrap();
        assert_eq!((first.min, first.is_row()), (Some(0.0), true));
        assert!(!schema.form_field("so_vu.cung_ky").unwrap().1.is_row());
    }

    #[test]
    fn wrong_columns_are_refused_at_load() {
        assert!(error("[[rules]]\nid = \"r\"\nseverity = \"error\"\ncheck = \"so_vu > 0\"\nmessage = \"x\"\n").contains("unknown field “so_vu”"));
        let bad_row = SHEET.replace(
            "value_columns = [\"ky_nay\", \"cung_ky\"]",
            "value_columns = [\"ky_nay\", \"so_sanh\"]",
        );
        let text = format!("{HEAD}{bad_row}");
        match Schema::parse(&text, Path::new("t.toml")) {
            Err(SchemaError::Invalid { message, .. }) => {
                assert!(
                    message.en.contains("computed from “cung_ky”"),
                    "{}",
                    message.en
                )
            }
            other => panic!("{other:?}"),
        }
        let unknown = SHEET.replace("ky_nay / cung_ky", "ky_nay / nam_truoc");
        match Schema::parse(&format!("{HEAD}{unknown}"), Path::new("t.toml")) {
            Err(SchemaError::Invalid { key, .. }) => {
                assert_eq!(key, "sheets[0].value_columns[2].derived")
            }
            other => panic!("{other:?}"),
        }
        let list = "\n[[sheets]]\nid = \"ds\"\nkind = \"list\"\nname = \"DS\"\n[[sheets.value_columns]]\nid = \"a\"\nlabel = \"A\"\n[[sheets.fields]]\nid = \"ten\"\nlabel = \"Tên\"\ntype = \"text\"\n";
        assert!(error(list).contains("value_columns applies to form sheets only"));
    }
}
