//! The words a yes/no or choice field is answered with: "Có/Không" unless
//! the schema says otherwise ("Đạt/Chưa đạt", "x" or blank), declared once
//! in `[vocabularies]` or on the field, and resolved onto each field at load.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Choice, FieldType, Schema};

/// What a blank cell of a yes/no field means, when the form says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    Yes,
    No,
}

/// A named set of answer words in `[vocabularies]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VocabularyDef {
    #[serde(default)]
    pub yes: Vec<String>,
    #[serde(default)]
    pub no: Vec<String>,
    pub blank: Option<Answer>,
    #[serde(default)]
    pub choices: Vec<Choice>,
}

/// The words a yes/no field is read by. The usual words ("Có", "x",
/// "Không", "chưa" …) are always understood; a form's own words come first
/// and are taken as typed, without a `value-coerced` note.
#[derive(Clone, Debug, PartialEq)]
pub struct YesNoWords {
    pub yes: Vec<String>,
    pub no: Vec<String>,
    /// A blank cell is this answer (a tick column: "x" or nothing).
    pub blank: Option<bool>,
    /// The schema declared these words (else they are the usual ones).
    pub declared: bool,
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

impl Default for YesNoWords {
    fn default() -> Self {
        YesNoWords {
            yes: strings(&[
                "Có", "c", "x", "yes", "y", "true", "v", "1", "đúng", "đã ký", "ok", "✓", "✔",
            ]),
            no: strings(&[
                "Không",
                "k",
                "ko",
                "no",
                "n",
                "false",
                "0",
                "chưa",
                "chưa ký",
            ]),
            blank: None,
            declared: false,
        }
    }
}

impl YesNoWords {
    /// The word shown for an answer: the form's first word for it.
    pub fn word(&self, answer: bool) -> &str {
        let words = if answer { &self.yes } else { &self.no };
        words.first().map(String::as_str).unwrap_or("")
    }
}

/// Gives each yes/no field its words and each choice field its vocabulary's
/// choices. The checker has already refused unknown vocabulary names.
pub(super) fn resolve(schema: &mut Schema) {
    let vocabularies: BTreeMap<String, VocabularyDef> = schema.vocabularies.clone();
    for field in schema.sheets.iter_mut().flat_map(|s| s.fields.iter_mut()) {
        let vocabulary = field
            .vocabulary
            .as_ref()
            .and_then(|name| vocabularies.get(name.get_ref()))
            .cloned()
            .unwrap_or_default();
        if field.ty == FieldType::Choice && field.choices.is_empty() {
            field.choices = vocabulary.choices.clone();
        }
        if field.ty != FieldType::YesNo {
            continue;
        }
        let yes = field.yes.clone().unwrap_or(vocabulary.yes);
        let no = field.no.clone().unwrap_or(vocabulary.no);
        let blank = field.blank.or(vocabulary.blank);
        if !yes.is_empty() || !no.is_empty() || blank.is_some() {
            field.words = YesNoWords {
                yes,
                no,
                blank: blank.map(|b| b == Answer::Yes),
                declared: true,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::model::book::Cell;
    use crate::model::schema::{Schema, SchemaError};
    use crate::model::values::{Leniency, Parsed, Value, parse_field};

    const SCHEMA: &str = r#"
id = "t"
title = "Thử"
version = "1"
period = "year"

[vocabularies]
dat = { yes = ["Đạt"], no = ["Chưa đạt"] }
tick = { yes = ["x"], blank = "no" }
loai = { choices = [{ value = "Karaoke", aliases = ["KTV"] }] }

[[sheets]]
id = "ds"
kind = "list"
name = "DS"
[[sheets.fields]]
id = "dat"
label = "Đạt"
type = "yes_no"
vocabulary = "dat"
[[sheets.fields]]
id = "tick"
label = "Đã kiểm tra"
type = "yes_no"
vocabulary = "tick"
[[sheets.fields]]
id = "co_chua"
label = "Có kế hoạch"
type = "yes_no"
yes = ["Có"]
no = ["Chưa"]
[[sheets.fields]]
id = "loai"
label = "Loại"
type = "choice"
vocabulary = "loai"
[[sheets.fields]]
id = "thuong"
label = "Thường"
type = "yes_no"
"#;

    fn read(field: &str, cell: Cell) -> Parsed {
        let schema = Schema::parse(SCHEMA, Path::new("t.toml")).unwrap();
        let f = schema.sheets[0]
            .fields
            .iter()
            .find(|f| f.id() == field)
            .unwrap();
        parse_field(&cell, f)
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn a_forms_own_words_are_answers_as_typed() {
        assert_eq!(read("dat", text("Đạt")), Parsed::Ok(Value::Bool(true)));
        assert_eq!(
            read("dat", text("Chưa đạt")),
            Parsed::Ok(Value::Bool(false))
        );
        let loose = Parsed::Coerced(Value::Bool(false), Leniency::YesNoSpelling);
        assert_eq!(read("dat", text("chua dat")), loose);
        assert_eq!(
            read("co_chua", text("Chưa")),
            Parsed::Ok(Value::Bool(false))
        );
        assert_eq!(read("dat", text("Tốt")), Parsed::Bad);
        // The usual words are still understood, as a lenient reading.
        assert_eq!(
            read("dat", text("Có")),
            Parsed::Coerced(Value::Bool(true), Leniency::YesNoSpelling)
        );
        // Without declared words nothing changed: "Có" as typed, "x" leniently.
        assert_eq!(read("thuong", text("Có")), Parsed::Ok(Value::Bool(true)));
        assert_eq!(
            read("thuong", text("x")),
            Parsed::Coerced(Value::Bool(true), Leniency::YesNoSpelling)
        );
        assert_eq!(read("thuong", Cell::Empty), Parsed::Missing);
    }

    #[test]
    fn a_tick_column_reads_blank_as_no() {
        assert_eq!(read("tick", text("x")), Parsed::Ok(Value::Bool(true)));
        assert_eq!(read("tick", Cell::Empty), Parsed::Ok(Value::Bool(false)));
        assert_eq!(read("tick", text("  ")), Parsed::Ok(Value::Bool(false)));
    }

    #[test]
    fn a_choice_vocabulary_gives_the_field_its_choices() {
        assert_eq!(
            read("loai", text("KTV")),
            Parsed::Coerced(Value::Text("Karaoke".into()), Leniency::ChoiceSpelling)
        );
    }

    #[test]
    fn unknown_or_unfit_vocabularies_are_refused() {
        let fail = |text: &str| match Schema::parse(text, Path::new("t.toml")) {
            Err(SchemaError::Invalid { message, .. }) => message.en,
            other => panic!("{other:?}"),
        };
        let unknown = SCHEMA.replace("vocabulary = \"dat\"", "vocabulary = \"dot\"");
        assert!(fail(&unknown).contains("unknown field “dot”"));
        let unfit = SCHEMA.replace("vocabulary = \"dat\"", "vocabulary = \"loai\"");
        assert!(fail(&unfit).contains("does not fit"));
        let bad_name = SCHEMA.replace("tick = {", "Tick = {");
        match Schema::parse(&bad_name, Path::new("t.toml")) {
            Err(SchemaError::Invalid { line, key, .. }) => {
                assert_eq!((line, key.as_str()), (9, "vocabularies.Tick"))
            }
            other => panic!("{other:?}"),
        }
        let on_text = SCHEMA.replace(
            "label = \"Thường\"\ntype = \"yes_no\"",
            "label = \"Thường\"\ntype = \"text\"\nyes = [\"a\"]",
        );
        assert!(fail(&on_text).contains("yes_no fields only"));
    }
}
