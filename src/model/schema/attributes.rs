//! Unit attributes: numeric columns of the unit registry (dân số, số hộ,
//! diện tích) declared by the schema, so that rules and indicators can name
//! them ("số người nghiện trên 10.000 dân", "a commune's figure cannot
//! exceed its population"). The schema declares them; the registry's CSV
//! carries one column per attribute (`Registry::bind_attributes`).

use std::collections::HashMap;

use serde::Deserialize;
use toml::Spanned;
use validator::Validate;

use super::checker::{Checker, duplicate, reserved};
use super::{FieldType, PERIOD_COLUMNS, SchemaError};

/// `[[unit_attributes]]`: one numeric registry column.
#[derive(Clone, Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct UnitAttribute {
    /// The column's name in the registry CSV and in expressions.
    pub id: Spanned<String>,
    #[validate(length(min = 1, max = 300))]
    pub label: String,
    pub label_en: Option<String>,
    /// Unit of measure ("Người", "km²").
    pub unit: Option<String>,
    #[serde(rename = "type", default)]
    pub ty: AttributeType,
    /// A unit whose cell is blank stops the run (exit 2) unless `false`;
    /// then its value is missing and rules that need it are not checked.
    #[serde(default = "super::yes")]
    pub required: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttributeType {
    Integer,
    #[default]
    Number,
}

impl AttributeType {
    pub fn field_type(self) -> FieldType {
        match self {
            AttributeType::Integer => FieldType::Integer,
            AttributeType::Number => FieldType::Number,
        }
    }
}

impl UnitAttribute {
    pub fn id(&self) -> &str {
        self.id.get_ref()
    }

    /// A registry value as the column of its type holds it.
    pub fn value(&self, n: f64) -> crate::model::values::Value {
        use crate::model::values::Value;
        match self.ty {
            AttributeType::Integer => Value::Int(n as i64),
            AttributeType::Number => Value::Num(n),
        }
    }
}

impl Checker<'_> {
    /// Attribute ids are columns of every rule and indicator frame, so they
    /// share the form fields' and aggregates' namespace.
    pub(super) fn unit_attributes(
        &self,
        columns: &mut HashMap<String, std::ops::Range<usize>>,
    ) -> Result<(), SchemaError> {
        for (i, attr) in self.schema.unit_attributes.iter().enumerate() {
            let key = format!("unit_attributes[{i}]");
            self.ident(&attr.id, &format!("{key}.id"))?;
            self.structure(attr, attr.id.span(), &key)?;
            if PERIOD_COLUMNS.contains(&attr.id()) {
                return self.fail(attr.id.span(), &format!("{key}.id"), reserved(attr.id()));
            }
            if columns
                .insert(attr.id().to_string(), attr.id.span())
                .is_some()
            {
                return self.fail(attr.id.span(), &format!("{key}.id"), duplicate(attr.id()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::model::registry::Registry;
    use crate::model::schema::{Schema, SchemaError};

    const SCHEMA: &str = r#"
id = "t"
title = "Thử"
version = "1"
period = "year"

[[unit_attributes]]
id = "dan_so"
label = "Dân số"
type = "integer"

[[sheets]]
id = "bieu_01"
kind = "form"
name = "Biểu 01"

[[sheets.fields]]
id = "so_nguoi"
label = "Số người"
type = "integer"

[[rules]]
id = "khong_qua_dan_so"
severity = "error"
check = "so_nguoi <= dan_so"
message = "Quá dân số {dan_so}."
"#;

    fn registry(csv: &str) -> Registry {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("units.csv");
        std::fs::write(&path, csv).unwrap();
        Registry::load(&path).unwrap()
    }

    #[test]
    fn rules_may_name_unit_attributes_and_the_registry_gives_them() {
        let schema = Schema::parse(SCHEMA, Path::new("s.toml")).expect("loads");
        let mut r = registry("code,name,dan_so\n1,Xã A,\"12.345\"\n2,Xã B,980\n");
        r.bind_attributes(&schema.unit_attributes).unwrap();
        assert_eq!(r.units[0].attributes["dan_so"], Some(12345.0));
        assert_eq!(r.units[1].attributes["dan_so"], Some(980.0));
    }

    #[test]
    fn a_registry_without_the_column_or_with_no_number_is_refused_at_its_line() {
        let schema = Schema::parse(SCHEMA, Path::new("s.toml")).unwrap();
        let message = |csv: &str| {
            let mut r = registry(csv);
            match r.bind_attributes(&schema.unit_attributes) {
                Err(crate::model::registry::RegistryError::Attribute { line, message, .. }) => {
                    (line, message.vi)
                }
                other => panic!("expected a registry error, got {other:?}"),
            }
        };
        let (line, text) = message("code,name\n1,Xã A\n");
        assert_eq!(line, 2);
        assert!(text.contains("dan_so"), "{text}");
        let (line, text) = message("code,name,dan_so\n1,Xã A,100\n2,Xã B,khoảng 900\n");
        assert_eq!(line, 3);
        assert!(text.contains("khoảng 900"), "{text}");
        let (line, _) = message("code,name,dan_so\n1,Xã A,\n");
        assert_eq!(line, 2, "a blank required value");
    }

    #[test]
    fn an_attribute_may_not_reuse_a_field_id() {
        let text = SCHEMA.replacen("id = \"dan_so\"", "id = \"so_nguoi\"", 1);
        match Schema::parse(&text, Path::new("s.toml")) {
            Err(SchemaError::Invalid { key, .. }) => assert_eq!(key, "unit_attributes[0].id"),
            other => panic!("expected a duplicate id, got {other:?}"),
        }
    }
}
