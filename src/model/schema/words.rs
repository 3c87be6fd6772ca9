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
