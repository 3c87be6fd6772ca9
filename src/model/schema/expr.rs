//! A schema's expressions (rule `check`/`when`, aggregate `expr`,
//! `required_when`, indicator `numerator`/`denominator`), parsed once when
//! the schema loads and kept parsed: the checker reports a parse error with
//! its key and line, and every later stage takes the parsed polars
//! expression instead of parsing the text again.

use polars::prelude::Expr;
use serde::Deserialize;
use toml::Spanned;

use super::{ExprError, Schema, parse_expr};

/// An expression as written in the schema, with its parsed form.
#[derive(Clone, Debug, Deserialize)]
#[serde(from = "Spanned<String>")]
pub struct SqlExpr {
    source: Spanned<String>,
    /// Set by `Schema::compile_expressions` right after the TOML is read:
    /// the parsed expression, or polars' message when it does not parse.
    parsed: Option<Result<Expr, String>>,
}

impl From<Spanned<String>> for SqlExpr {
    fn from(source: Spanned<String>) -> Self {
        SqlExpr {
            source,
            parsed: None,
        }
    }
}

impl SqlExpr {
    /// The text as written.
    pub fn get_ref(&self) -> &String {
        self.source.get_ref()
    }

    /// Where it is written in the schema file.
    pub fn span(&self) -> std::ops::Range<usize> {
        self.source.span()
    }

    fn compile(&mut self) {
        self.parsed = Some(parse_expr(self.source.get_ref()).map_err(|e: ExprError| e.to_string()));
    }

    /// The parse result, for the checker.
    pub(super) fn parsed(&self) -> Result<&Expr, &str> {
        match &self.parsed {
            Some(Ok(e)) => Ok(e),
            Some(Err(e)) => Err(e),
            None => Err("not compiled"),
        }
    }

    /// The parsed expression. A loaded schema has every expression parsed
    /// (`Schema::parse` refuses one that does not), so this never fails
    /// after loading.
    pub fn expr(&self) -> &Expr {
        self.parsed()
            .expect("a loaded schema's expressions are parsed and checked")
    }
}

impl Schema {
    /// Parses every expression of the schema, once.
    pub(super) fn compile_expressions(&mut self) {
        for sheet in &mut self.sheets {
            for field in &mut sheet.fields {
                field.required_when.iter_mut().for_each(SqlExpr::compile);
            }
            sheet.aggregates.iter_mut().for_each(|a| a.expr.compile());
        }
        for rule in &mut self.rules {
            rule.check.compile();
            rule.when.iter_mut().for_each(SqlExpr::compile);
        }
        for ind in &mut self.indicators {
            ind.numerator.compile();
            ind.denominator.iter_mut().for_each(SqlExpr::compile);
        }
    }
}
