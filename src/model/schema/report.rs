//! The schema's `[report]` table: the narrative report a district sends up
//! (`build` writes it as .docx and .md). It names the template files of the
//! report's body (paths relative to the schema file), the subject line, the
//! document's number suffix, its recipients and its signature block. The
//! templates are read and their syntax checked when the schema loads, so a
//! missing or broken template stops the run before any commune file is read.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::SchemaError;
use crate::model::finding::{Lang, Msg};

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportDef {
    /// The body's template (Jinja syntax, Markdown paragraphs), relative to
    /// the schema file.
    pub template: Spanned<String>,
    /// The English body, for `--lang en`.
    pub template_en: Option<Spanned<String>>,
    /// The subject under "BÁO CÁO" (a template too: it may name the period).
    pub subject: Option<String>,
    pub subject_en: Option<String>,
    /// The number's suffix: "Số: ……/BC-UBND".
    #[serde(default = "default_number")]
    pub number: String,
    /// The "Nơi nhận:" lines.
    #[serde(default)]
    pub recipients: Vec<String>,
    pub recipients_en: Option<Vec<String>>,
    /// The signature block's lines above the signer's name.
    #[serde(default)]
    pub signature: Vec<String>,
    pub signature_en: Option<Vec<String>>,
    /// The templates' text, read when the schema loads.
    #[serde(skip)]
    pub text: String,
    #[serde(skip)]
    pub text_en: Option<String>,
}

fn default_number() -> String {
    "BC-UBND".to_string()
}

impl ReportDef {
    /// The body template in `lang` (its file name and text), and the
    /// language it is in: a schema without an English template gives its
    /// Vietnamese one.
    pub fn body(&self, lang: Lang) -> (&str, &str, Lang) {
        match (lang, &self.template_en, &self.text_en) {
            (Lang::En, Some(name), Some(en)) => (name.get_ref(), en, Lang::En),
            _ => (self.template.get_ref(), &self.text, Lang::Vi),
        }
    }

    /// Reads the template files named by `template` and `template_en` and
    /// checks their syntax.
    pub(super) fn load(&mut self, schema_text: &str, path: &Path) -> Result<(), SchemaError> {
        self.text = read_template(&self.template, "report.template", schema_text, path)?;
        if let Some(en) = &self.template_en {
            self.text_en = Some(read_template(en, "report.template_en", schema_text, path)?);
        }
        Ok(())
    }
}

fn read_template(
    name: &Spanned<String>,
    key: &str,
    schema_text: &str,
    path: &Path,
) -> Result<String, SchemaError> {
    let file = path.parent().unwrap_or(Path::new(".")).join(name.get_ref());
    let fail = |message: Msg| SchemaError::Invalid {
        path: path.to_path_buf(),
        line: schema_text[..name.span().start.min(schema_text.len())]
            .matches('\n')
            .count()
            + 1,
        key: key.to_string(),
        message,
    };
    let text = std::fs::read_to_string(&file).map_err(|e| {
        fail(Msg::new(
            format!("không đọc được mẫu báo cáo {}: {e}", file.display()),
            format!("cannot read the report template {}: {e}", file.display()),
        ))
    })?;
    // Notepad saves UTF-8 with a byte-order mark: it is no text of the report.
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    let env = minijinja::Environment::new();
    if let Err(e) = env.template_from_str(&text) {
        let (at_vi, at_en) = match e.line() {
            Some(l) => (format!(", dòng {l}"), format!(", line {l}")),
            None => Default::default(),
        };
        return Err(fail(Msg::new(
            format!("mẫu báo cáo {} sai cú pháp{at_vi}: {e}", file.display()),
            format!(
                "the report template {} is malformed{at_en}: {e}",
                file.display()
            ),
        )));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use crate::model::finding::Lang;
    use crate::model::schema::{Schema, SchemaError};

    const SCHEMA: &str = r#"
id = "mini"
title = "Mẫu nhỏ"
version = "1"
period = "year"

[[sheets]]
id = "bieu"
kind = "form"
name = "Biểu"

[[sheets.fields]]
id = "so"
label = "Số"
type = "integer"

[report]
template = "bao-cao.md.j2"
"#;

    fn load(template: Option<&str>) -> Result<Schema, SchemaError> {
        let dir = tempfile::tempdir().unwrap();
        if let Some(text) = template {
            std::fs::write(dir.path().join("bao-cao.md.j2"), text).unwrap();
        }
        Schema::parse(SCHEMA, &dir.path().join("mini.toml"))
    }

    fn key_and_line(e: SchemaError) -> (String, usize, String) {
        match e {
            SchemaError::Invalid {
                key, line, message, ..
            } => (key, line, message.vi),
            other => panic!("not a schema error with a key: {other:?}"),
        }
    }

    #[test]
    fn the_template_is_read_beside_the_schema() {
        let schema = load(Some("Có {{ fields.so }} đơn vị.")).unwrap();
        let report = schema.report.unwrap();
        assert_eq!(report.text, "Có {{ fields.so }} đơn vị.");
        assert_eq!(report.number, "BC-UBND");
        // No English template: --lang en gets the Vietnamese one.
        let (name, text, lang) = report.body(Lang::En);
        assert_eq!((name, lang), ("bao-cao.md.j2", Lang::Vi));
        assert_eq!(text, report.text);
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_template() {
        let schema = load(Some("\u{feff}Có {{ fields.so }}.")).unwrap();
        assert_eq!(schema.report.unwrap().text, "Có {{ fields.so }}.");
    }

    #[test]
    fn a_missing_template_names_the_key_and_line() {
        let (key, line, message) = key_and_line(load(None).unwrap_err());
        assert_eq!((key.as_str(), line), ("report.template", 18));
        assert!(message.contains("bao-cao.md.j2"), "{message}");
    }

    #[test]
    fn a_malformed_template_is_refused_at_load() {
        let (key, _, message) = key_and_line(load(Some("{% if x %}không đóng")).unwrap_err());
        assert_eq!(key, "report.template");
        assert!(message.contains("sai cú pháp"), "{message}");
    }
}
