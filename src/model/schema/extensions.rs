//! The checker's part for what real forms add to a sheet: several value
//! columns per row, derived columns, answer vocabularies and empty-list
//! markers. Checked on the schema as written, before the rows are expanded
//! into one field per column (`columns`) and the words resolved (`words`).

use std::collections::{BTreeSet, HashSet};

use super::checker::{Checker, duplicate, unknown_name};
use super::{FieldDef, FieldType, Schema, SchemaError, SheetDef, SheetKind, expr_columns};
use super::{ValueColumnDef, parse_expr};
use crate::model::finding::Msg;

impl Checker<'_> {
    /// Value columns, vocabularies and empty-list markers.
    pub(super) fn check_extensions(&self) -> Result<(), SchemaError> {
        let s: &Schema = self.schema;
        for name in s.vocabularies.keys() {
            self.vocabulary_name(name)?;
        }
        for (si, sheet) in s.sheets.iter().enumerate() {
            let key = format!("sheets[{si}]");
            self.sheet_extensions(sheet, &key)?;
            for (fi, field) in sheet.fields.iter().enumerate() {
                let fkey = format!("{key}.fields[{fi}]");
                self.row_columns(sheet, field, &fkey)?;
                self.answer_words(field, &fkey)?;
            }
        }
        Ok(())
    }

    fn vocabulary_name(&self, name: &str) -> Result<(), SchemaError> {
        let ok = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if ok {
            return Ok(());
        }
        // Vocabulary names are table keys, which carry no span: the line is
        // where the name is first written as a key.
        let at = [format!("[vocabularies.{name}]"), format!("{name} =")]
            .iter()
            .filter_map(|key| self.text.find(key.as_str()))
            .min()
            .unwrap_or(0);
        self.fail(
            at..at,
            &format!("vocabularies.{name}"),
            Msg::new(
                format!("tên bộ từ “{name}” chỉ được gồm chữ thường không dấu, chữ số và “_”"),
                format!(
                    "vocabulary name “{name}” must be lower-case ASCII letters, digits and “_”"
                ),
            ),
        )
    }

    fn sheet_extensions(&self, sheet: &SheetDef, key: &str) -> Result<(), SchemaError> {
        let span = sheet.id.span();
        if sheet.kind == SheetKind::List && !sheet.value_columns.is_empty() {
            return self.fail(span, &format!("{key}.value_columns"), only_forms());
        }
        if sheet.kind == SheetKind::Form && sheet.empty_markers.is_some() {
            return self.fail(
                span,
                &format!("{key}.empty_markers"),
                Msg::new(
                    "empty_markers chỉ dùng cho trang danh sách",
                    "empty_markers applies to list sheets only",
                ),
            );
        }
        if let Some(markers) = &sheet.empty_markers
            && markers
                .iter()
                .any(|m| crate::model::text::loose_key(m).is_empty())
        {
            return self.fail(
                span,
                &format!("{key}.empty_markers"),
                Msg::new(
                    "có dấu hiệu danh sách trống để trống",
                    "an empty marker is blank",
                ),
            );
        }
        let ids: BTreeSet<String> = sheet
            .value_columns
            .iter()
            .map(|c| c.id().to_string())
            .collect();
        let mut seen = HashSet::new();
        for (ci, column) in sheet.value_columns.iter().enumerate() {
            let ckey = format!("{key}.value_columns[{ci}]");
            self.ident(&column.id, &format!("{ckey}.id"))?;
            if !seen.insert(column.id()) {
                return self.fail(
                    column.id.span(),
                    &format!("{ckey}.id"),
                    duplicate(column.id()),
                );
            }
            self.derived_column(column, &ids, &ckey)?;
        }
        Ok(())
    }

    /// A derived column reads only the sheet's other columns.
    fn derived_column(
        &self,
        column: &ValueColumnDef,
        ids: &BTreeSet<String>,
        key: &str,
    ) -> Result<(), SchemaError> {
        if column.tolerance.is_some_and(|t| t.is_nan() || t < 0.0) {
            return self.fail(
                column.id.span(),
                &format!("{key}.tolerance"),
                Msg::new("tolerance phải ≥ 0", "tolerance must be ≥ 0"),
            );
        }
        let Some(source) = &column.derived else {
            return Ok(());
        };
        let others: BTreeSet<String> = ids.iter().filter(|i| *i != column.id()).cloned().collect();
        let expr = parse_expr(source.get_ref()).or_else(|e| {
            self.fail(
                source.span(),
                &format!("{key}.derived"),
                Msg::new(
                    format!("biểu thức “{}” không hợp lệ: {e}", source.get_ref()),
                    format!("expression “{}” is invalid: {e}", source.get_ref()),
                ),
            )
        })?;
        let names = expr_columns(&expr);
        if names.is_empty() {
            return self.fail(
                source.span(),
                &format!("{key}.derived"),
                unknown_name("", &others),
            );
        }
        match names.iter().find(|n| !others.contains(*n)) {
            Some(name) => self.fail(
                source.span(),
                &format!("{key}.derived"),
                unknown_name(name, &others),
            ),
            None => Ok(()),
        }
    }

    /// A row's `value_columns`: known, distinct, and with every column its
    /// derived columns read.
    fn row_columns(
        &self,
        sheet: &SheetDef,
        field: &FieldDef,
        key: &str,
    ) -> Result<(), SchemaError> {
        let Some(ids) = &field.value_columns else {
            return Ok(());
        };
        let key = format!("{key}.value_columns");
        let fail = |msg: Msg| self.fail::<()>(ids.span(), &key, msg);
        if sheet.value_columns.is_empty() {
            return fail(Msg::new(
                "trang không khai báo value_columns",
                "the sheet declares no value_columns",
            ));
        }
        if ids.get_ref().is_empty() {
            return fail(Msg::new("cần ít nhất một cột", "needs at least one column"));
        }
        let known: BTreeSet<String> = sheet
            .value_columns
            .iter()
            .map(|c| c.id().to_string())
            .collect();
        let mut seen = HashSet::new();
        for id in ids.get_ref() {
            if !known.contains(id) {
                return fail(unknown_name(id, &known));
            }
            if !seen.insert(id.as_str()) {
                return fail(duplicate(id));
            }
        }
        for column in sheet.value_columns.iter().filter(|c| seen.contains(c.id())) {
            let Some(source) = &column.derived else {
                continue;
            };
            let expr = parse_expr(source.get_ref()).map_err(|_| ()).ok();
            let needed = expr.map(|e| expr_columns(&e)).unwrap_or_default();
            if let Some(missing) = needed.iter().find(|n| !seen.contains(n.as_str())) {
                return fail(Msg::new(
                    format!(
                        "cột “{}” tính từ cột “{missing}” mà dòng này không có",
                        column.id()
                    ),
                    format!(
                        "column “{}” is computed from “{missing}”, which this row lacks",
                        column.id()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Answer words: a known vocabulary, on the types that have answers.
    fn answer_words(&self, field: &FieldDef, key: &str) -> Result<(), SchemaError> {
        let span = field.id.span();
        let own_words = field.yes.is_some() || field.no.is_some() || field.blank.is_some();
        if own_words && field.ty != FieldType::YesNo {
            return self.fail(
                span,
                &format!("{key}.yes"),
                Msg::new(
                    "yes/no/blank chỉ dùng cho trường kiểu yes_no",
                    "yes/no/blank apply to yes_no fields only",
                ),
            );
        }
        let Some(name) = &field.vocabulary else {
            return Ok(());
        };
        let vkey = format!("{key}.vocabulary");
        let Some(vocabulary) = self.schema.vocabularies.get(name.get_ref()) else {
            let known = self.schema.vocabularies.keys().cloned().collect();
            return self.fail(name.span(), &vkey, unknown_name(name.get_ref(), &known));
        };
        let fits = match field.ty {
            FieldType::YesNo => !vocabulary.yes.is_empty() || !vocabulary.no.is_empty(),
            FieldType::Choice => !vocabulary.choices.is_empty(),
            _ => false,
        };
        if fits {
            return Ok(());
        }
        self.fail(
            name.span(),
            &vkey,
            Msg::new(
                format!("bộ từ “{}” không dùng được cho trường kiểu này (yes_no cần yes/no, choice cần choices)", name.get_ref()),
                format!("vocabulary “{}” does not fit this field's type (yes_no needs yes/no, choice needs choices)", name.get_ref()),
            ),
        )
    }
}

fn only_forms() -> Msg {
    Msg::new(
        "value_columns chỉ dùng cho trang dạng biểu (kind = \"form\")",
        "value_columns applies to form sheets only",
    )
}
