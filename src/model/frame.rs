//! Typed columns to polars: the one place where values read from cells become
//! Series, so that rules, aggregates and consolidation see the same dtypes
//! (integer → Int64, number → Float64, text/choice → String, yes/no →
//! Boolean, date → Date).

use polars::prelude::*;

use crate::model::schema::FieldType;
use crate::model::values::Value;

/// A typed column before it becomes a polars Series.
pub(crate) struct Col {
    pub name: String,
    pub ty: FieldType,
    pub values: Vec<Option<Value>>,
}

impl Col {
    pub(crate) fn text(name: &str, values: impl IntoIterator<Item = String>) -> Col {
        Col {
            name: name.to_string(),
            ty: FieldType::Text,
            values: values.into_iter().map(|v| Some(Value::Text(v))).collect(),
        }
    }

    pub(crate) fn int(name: &str, values: impl IntoIterator<Item = i64>) -> Col {
        Col {
            name: name.to_string(),
            ty: FieldType::Integer,
            values: values.into_iter().map(|v| Some(Value::Int(v))).collect(),
        }
    }
}

pub(crate) fn days_since_epoch(d: chrono::NaiveDate) -> i32 {
    (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

pub(crate) fn series(col: &Col) -> PolarsResult<Column> {
    let name: PlSmallStr = col.name.as_str().into();
    let s = match col.ty {
        FieldType::Integer => Series::new(
            name,
            col.values
                .iter()
                .map(|v| match v {
                    Some(Value::Int(i)) => Some(*i),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        FieldType::Number => Series::new(
            name,
            col.values
                .iter()
                .map(|v| v.as_ref().and_then(Value::as_f64))
                .collect::<Vec<_>>(),
        ),
        FieldType::Text | FieldType::Choice => Series::new(
            name,
            col.values
                .iter()
                .map(|v| match v {
                    Some(Value::Text(t)) => Some(t.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        FieldType::YesNo => Series::new(
            name,
            col.values
                .iter()
                .map(|v| match v {
                    Some(Value::Bool(b)) => Some(*b),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        FieldType::Date => Series::new(
            name,
            col.values
                .iter()
                .map(|v| match v {
                    Some(Value::Date(d)) => Some(days_since_epoch(*d)),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        )
        .cast(&DataType::Date)?,
    };
    Ok(s.into())
}

/// The cell `get` reads back from a column `series` built of `ty`, for one
/// value: writers that lay out long lists straight from the records (not
/// through a frame) show exactly what the frame would have shown.
pub(crate) fn out_of_value(ty: FieldType, value: Option<&Value>) -> Out {
    match (ty, value) {
        (FieldType::Integer, Some(Value::Int(i))) => Out::Num(*i as f64),
        (FieldType::Number, Some(v)) => v.as_f64().map_or(Out::Null, Out::Num),
        (FieldType::Text | FieldType::Choice, Some(Value::Text(t))) => Out::Text(t.clone()),
        (FieldType::YesNo, Some(Value::Bool(b))) => Out::Bool(*b),
        (FieldType::Date, Some(Value::Date(d))) => Out::Date(*d),
        _ => Out::Null,
    }
}

pub(crate) fn frame(cols: &[Col], height: usize) -> PolarsResult<DataFrame> {
    let columns = cols.iter().map(series).collect::<PolarsResult<Vec<_>>>()?;
    DataFrame::new(height, columns)
}

/// One cell of a computed frame, as the writers need it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Out {
    Null,
    Num(f64),
    Text(String),
    Bool(bool),
    /// A date column's cell, kept as a date for the writers that write
    /// dates (the workbook), never spelt and read back.
    Date(chrono::NaiveDate),
}

impl Out {
    /// A date as tables and text cells spell it: "31/12/2023".
    pub(crate) fn date_text(d: chrono::NaiveDate) -> String {
        d.format("%d/%m/%Y").to_string()
    }
}

pub(crate) fn get(df: &DataFrame, column: &str, row: usize) -> Out {
    match df.column(column) {
        Ok(c) => out_of(c.get(row)),
        Err(_) => Out::Null,
    }
}

/// A frame's columns looked up by name once, for writers that read every
/// cell of a large table.
pub(crate) struct Columns<'a> {
    by_name: std::collections::HashMap<&'a str, &'a Column>,
}

impl<'a> Columns<'a> {
    pub(crate) fn of(df: &'a DataFrame) -> Self {
        Columns {
            by_name: df
                .columns()
                .iter()
                .map(|c| (c.name().as_str(), c))
                .collect(),
        }
    }

    pub(crate) fn get(&self, column: &str, row: usize) -> Out {
        match self.by_name.get(column) {
            Some(c) => out_of(c.get(row)),
            None => Out::Null,
        }
    }
}

fn out_of(value: PolarsResult<AnyValue<'_>>) -> Out {
    match value {
        Ok(AnyValue::Null) | Err(_) => Out::Null,
        Ok(AnyValue::Boolean(b)) => Out::Bool(b),
        Ok(AnyValue::String(s)) => Out::Text(s.to_string()),
        Ok(AnyValue::StringOwned(s)) => Out::Text(s.to_string()),
        Ok(AnyValue::Date(days)) => Out::Date(
            chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")
                + chrono::Duration::days(i64::from(days)),
        ),
        Ok(other) => other
            .extract::<f64>()
            .map_or_else(|| Out::Text(other.to_string()), Out::Num),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn a_value_reads_back_from_its_frame_as_out_of_value_says() {
        let date = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap();
        let values = [
            Some(Value::Int(12)),
            Some(Value::Int(-3)),
            Some(Value::Num(2.5)),
            Some(Value::Bool(true)),
            Some(Value::Bool(false)),
            Some(Value::Text("Thôn 1".into())),
            Some(Value::Date(date)),
            None,
        ];
        let types = [
            FieldType::Integer,
            FieldType::Number,
            FieldType::Text,
            FieldType::Choice,
            FieldType::YesNo,
            FieldType::Date,
        ];
        for ty in types {
            let col = Col {
                name: "x".into(),
                ty,
                values: values.to_vec(),
            };
            let df = frame(&[col], values.len()).unwrap();
            for (i, v) in values.iter().enumerate() {
                assert_eq!(
                    get(&df, "x", i),
                    out_of_value(ty, v.as_ref()),
                    "{ty:?} {v:?}"
                );
            }
        }
    }
}
