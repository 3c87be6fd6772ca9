//! List keys and shapes: keys over one or several fields (no two records of
//! a file share them; across units, a warning when `build` sees two units
//! report the same record), a fact split over sub-columns ("Năm sinh" under
//! "Nam" or "Nữ": `split_by`), and a list that goes on over several sheets
//! (`continued`). Here are their schema keys and their checks at load.

use std::collections::{BTreeSet, HashSet};

use serde::Deserialize;
use toml::Spanned;
use validator::Validate;

use super::checker::{Checker, unknown_name};
use super::{FieldType, SchemaError, SheetDef, SheetKind};
use crate::model::finding::Msg;

/// `[[sheets.keys]]`: the fields that together identify a record.
#[derive(Clone, Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct RecordKey {
    /// Field ids of the list, one or several: `["ho_ten", "nam_sinh"]`.
    #[validate(length(min = 1, max = 8))]
    pub fields: Vec<Spanned<String>>,
    /// Also compare the records of different units: the same record sent
    /// by two units is a warning in the run (`record-in-several-units`).
    #[serde(default)]
    pub across_units: bool,
}

impl RecordKey {
    pub fn field_ids(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| f.get_ref().as_str())
    }
}

impl Checker<'_> {
    /// The list-shape keys of one sheet: `keys`, `continued`, `split_by`.
    pub(super) fn list_shape(&self, sheet: &SheetDef, key: &str) -> Result<(), SchemaError> {
        let list_only = |k: &str| {
            self.fail::<()>(
                sheet.id.span(),
                &format!("{key}.{k}"),
                Msg::new(
                    format!("{k} chỉ dùng cho trang danh sách (kind = \"list\")"),
                    format!("{k} applies to list sheets (kind = \"list\") only"),
                ),
            )
        };
        if sheet.kind == SheetKind::Form {
            if !sheet.keys.is_empty() {
                return list_only("keys");
            }
            if sheet.continued {
                return list_only("continued");
            }
            if sheet.fields.iter().any(|f| f.split_by.is_some()) {
                return list_only("split_by");
            }
            return Ok(());
        }
        let ids: BTreeSet<String> = sheet.fields.iter().map(|f| f.id().to_string()).collect();
        for (ki, rk) in sheet.keys.iter().enumerate() {
            self.record_key(rk, &ids, &format!("{key}.keys[{ki}]"), sheet)?;
        }
        self.split_fields(sheet, key, &ids)
    }

    fn record_key(
        &self,
        rk: &RecordKey,
        ids: &BTreeSet<String>,
        key: &str,
        sheet: &SheetDef,
    ) -> Result<(), SchemaError> {
        self.structure(rk, sheet.id.span(), key)?;
        let mut seen = HashSet::new();
        for f in &rk.fields {
            if !ids.contains(f.get_ref()) {
                return self.fail(
                    f.span(),
                    &format!("{key}.fields"),
                    unknown_name(f.get_ref(), ids),
                );
            }
            if !seen.insert(f.get_ref()) {
                return self.fail(
                    f.span(),
                    &format!("{key}.fields"),
                    Msg::new(
                        format!("trường “{}” ghi hai lần trong khoá", f.get_ref()),
                        format!("field “{}” appears twice in the key", f.get_ref()),
                    ),
                );
            }
        }
        Ok(())
    }

    /// `split_by` names another `choice` field of the list, which is itself
    /// not split, and no two fields are split by the same one.
    fn split_fields(
        &self,
        sheet: &SheetDef,
        key: &str,
        ids: &BTreeSet<String>,
    ) -> Result<(), SchemaError> {
        let mut used = HashSet::new();
        for (fi, field) in sheet.fields.iter().enumerate() {
            let Some(by) = &field.split_by else { continue };
            let fkey = format!("{key}.fields[{fi}].split_by");
            let Some(target) = sheet.fields.iter().find(|f| f.id() == by.get_ref()) else {
                return self.fail(by.span(), &fkey, unknown_name(by.get_ref(), ids));
            };
            let bad = |vi: String, en: String| self.fail::<()>(by.span(), &fkey, Msg::new(vi, en));
            if target.ty != FieldType::Choice || target.id() == field.id() {
                return bad(
                    format!(
                        "split_by phải là một trường kiểu choice khác của danh sách, “{}” thì không",
                        by.get_ref()
                    ),
                    format!(
                        "split_by must name another choice field of the list; “{}” is not one",
                        by.get_ref()
                    ),
                );
            }
            if target.split_by.is_some() || !used.insert(by.get_ref()) {
                return bad(
                    format!("trường “{}” đã dùng để tách cột khác", by.get_ref()),
                    format!("field “{}” already splits another column", by.get_ref()),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::model::schema::{Schema, SchemaError};

    const LIST: &str = r#"
id = "t"
title = "Thử"
version = "1"
period = "year"

[[sheets]]
id = "ds"
kind = "list"
name = "DS"

[[sheets.keys]]
fields = ["ho_ten", "nam_sinh"]

[[sheets.fields]]
id = "ho_ten"
label = "Họ và tên"
type = "text"

[[sheets.fields]]
id = "nam_sinh"
label = "Năm sinh"
type = "integer"
split_by = "gioi_tinh"

[[sheets.fields]]
id = "gioi_tinh"
label = "Giới tính"
type = "choice"
choices = [{ value = "Nam" }, { value = "Nữ" }]
"#;

    fn refused(text: &str) -> (String, usize) {
        match Schema::parse(text, Path::new("s.toml")) {
            Err(SchemaError::Invalid { key, line, .. }) => (key, line),
            other => panic!("expected a schema error, got {other:?}"),
        }
    }

    #[test]
    fn keys_and_split_columns_load() {
        let schema = Schema::parse(LIST, Path::new("s.toml")).expect("loads");
        let ids: Vec<&str> = schema.sheets[0].keys[0].field_ids().collect();
        assert_eq!(ids, ["ho_ten", "nam_sinh"]);
    }

    #[test]
    fn a_key_naming_no_field_of_the_list_is_refused_at_its_line() {
        let (key, line) = refused(&LIST.replace("\"nam_sinh\"]", "\"nam_snh\"]"));
        assert_eq!((key.as_str(), line), ("sheets[0].keys[0].fields", 13));
    }

    #[test]
    fn split_by_must_name_another_choice_field() {
        let (key, _) = refused(&LIST.replace("split_by = \"gioi_tinh\"", "split_by = \"ho_ten\""));
        assert_eq!(key, "sheets[0].fields[1].split_by");
        let (key, _) =
            refused(&LIST.replace("split_by = \"gioi_tinh\"", "split_by = \"nam_sinh\""));
        assert_eq!(key, "sheets[0].fields[1].split_by");
    }

    #[test]
    fn list_keys_are_refused_on_a_form_sheet() {
        let (key, _) = refused(&LIST.replace("kind = \"list\"", "kind = \"form\""));
        assert_eq!(key, "sheets[0].keys");
    }
}
