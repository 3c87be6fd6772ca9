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
