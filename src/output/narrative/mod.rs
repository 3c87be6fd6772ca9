//! The narrative report (báo cáo) a district sends up: the schema's
//! `[report]` template rendered with the consolidated figures (`context`,
//! `filters`, minijinja), laid out as an administrative document of
//! Nghị định 30/2020/NĐ-CP — issuing body and national motto, number,
//! place and date, "BÁO CÁO" and its subject, the body, "Nơi nhận:" and the
//! signature block — and written as .docx (`docx`) and .md (`markdown`).
//! Fields staff fill by hand (number, day, month, signer) are dotted blanks.

pub(crate) mod context;
pub(crate) mod docx;
pub(crate) mod filters;
pub(crate) mod markdown;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use crate::config::Config;
use crate::consolidate::Consolidated;
use crate::model::finding::Lang;
use crate::model::schema::ReportDef;
use crate::output::OutputError;

/// A run of text with its emphasis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
}

/// A block of the body, from the rendered template's Markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Block {
    /// "# …" / "## …": a bold heading line (section "I. KẾT QUẢ …").
    Heading(Vec<Span>),
    Paragraph(Vec<Span>),
    /// "- …": an item of a list.
    Item(Vec<Span>),
}

/// The whole document, in the order an official report lays it out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Document {
    pub lang: Lang,
    /// "UBND HUYỆN VĂN BÀN".
    pub issuing_body: String,
    /// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc".
    pub motto: [String; 2],
    /// "Số: ……/BC-UBND".
    pub number: String,
    /// "Văn Bàn, ngày …… tháng …… năm 2024".
    pub place_date: String,
    /// "BÁO CÁO".
    pub kind: String,
    pub subject: String,
    pub body: Vec<Block>,
    pub recipients_label: String,
    pub recipients: Vec<String>,
    pub signature: Vec<String>,
    /// The signer's name, filled by hand.
    pub signer: String,
}

/// The report's two files, `<schema>-<period>-bao-cao.docx` and `.md`, when
/// the schema has a `[report]`; none otherwise.
pub(crate) fn files(
    c: &Consolidated,
    config: &Config,
) -> Result<Vec<(String, Vec<u8>)>, OutputError> {
    let Some(report) = &config.schema.report else {
        return Ok(Vec::new());
    };
    let doc = document(report, c, config)?;
    Ok(vec![
        (super::file_name(config, "bao-cao.docx"), docx::bytes(&doc)?),
        (
            super::file_name(config, "bao-cao.md"),
            markdown::write(&doc).into_bytes(),
        ),
    ])
}

/// Renders the template and lays the document out.
pub(crate) fn document(
    report: &ReportDef,
    c: &Consolidated,
    config: &Config,
) -> Result<Document, OutputError> {
    let (name, body, lang) = report.body(config.lang);
    let mut env = environment(lang);
    let ctx = context::context(c, config, lang);
    let fail = |e: minijinja::Error| {
        OutputError::Report(crate::model::finding::Msg::new(
            format!(
                "không viết được báo cáo từ mẫu {name}: {e:#} (một tên trong mẫu không có trong số liệu, hoặc sai cú pháp)"
            ),
            format!("cannot write the report from its template {name}: {e:#}"),
        ))
    };
    env.add_template(name, body).map_err(fail)?;
    let body = env
        .get_template(name)
        .and_then(|t| t.render(&ctx))
        .map_err(fail)?;
    let render = |source: &str| env.render_str(source, &ctx).map_err(fail);
    let body = markdown::parse(&body);
    let subject = match subject_template(report, lang) {
        Some(s) => render(&s)?.trim().to_string(),
        None => default_subject(config, lang),
    };
    Ok(frame(report, config, lang, subject, body))
}

/// The template engine with the report's filters: undefined names are
/// errors (a misspelt field never prints as nothing), figures are spelt as
/// the language writes them, and nothing is HTML-escaped.
fn environment(lang: Lang) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_formatter(
        move |out, state, value| match filters::format_value(value, lang) {
            Some(text) => out.write_str(&text).map_err(minijinja::Error::from),
            None => minijinja::escape_formatter(out, state, value),
        },
    );
    filters::register(&mut env, lang);
    env
}

fn subject_template(report: &ReportDef, lang: Lang) -> Option<String> {
    match lang {
        Lang::Vi => report.subject.clone(),
        Lang::En => report.subject_en.clone(),
    }
}

/// Without a `subject`: the schema's title and the period.
fn default_subject(config: &Config, lang: Lang) -> String {
    let title = match (lang, &config.schema.title_en) {
        (Lang::En, Some(en)) => en.as_str(),
        _ => config.schema.title.as_str(),
    };
    format!("{title} – {}", config.period.label(lang))
}

/// The parts around the body: heading block, title, recipients, signature.
fn frame(
    report: &ReportDef,
    config: &Config,
    lang: Lang,
    subject: String,
    body: Vec<Block>,
) -> Document {
    let name = &config.consolidating.name;
    let pick_list = |vi: &Vec<String>, en: &Option<Vec<String>>, default: [&str; 2]| {
        lines_in(lang, vi, en.as_ref(), default)
    };
    Document {
        lang,
        issuing_body: issuing_body(name, lang),
        motto: [
            lang.pick(
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "SOCIALIST REPUBLIC OF VIETNAM",
            )
            .to_string(),
            lang.pick(
                "Độc lập - Tự do - Hạnh phúc",
                "Independence - Freedom - Happiness",
            )
            .to_string(),
        ],
        number: format!(
            "{} {}/{}",
            lang.pick("Số:", "No.:"),
            filters::BLANK,
            report.number
        ),
        place_date: place_date(config, lang),
        kind: lang.pick("BÁO CÁO", "REPORT").to_string(),
        subject,
        body,
        recipients_label: lang.pick("Nơi nhận:", "Recipients:").to_string(),
        recipients: pick_list(
            &report.recipients,
            &report.recipients_en,
            [
                lang.pick("Như trên;", "As above;"),
                lang.pick("Lưu: VT.", "Archived: VT."),
            ],
        ),
        signature: pick_list(
            &report.signature,
            &report.signature_en,
            [
                lang.pick("TM. ỦY BAN NHÂN DÂN", "ON BEHALF OF THE PEOPLE'S COMMITTEE"),
                lang.pick("CHỦ TỊCH", "CHAIRPERSON"),
            ],
        ),
        signer: filters::BLANK.repeat(4),
    }
}

/// The schema's lines in `lang` (the Vietnamese ones without English
/// lines), or the usual ones when the schema gives none.
fn lines_in(
    lang: Lang,
    vi: &[String],
    en: Option<&Vec<String>>,
    default: [&str; 2],
) -> Vec<String> {
    let chosen = match (lang, en) {
        (Lang::En, Some(en)) => en.as_slice(),
        _ => vi,
    };
    if chosen.is_empty() {
        default.iter().map(|s| s.to_string()).collect()
    } else {
        chosen.to_vec()
    }
}

/// "Huyện Văn Bàn" → "Văn Bàn": the place in the date line.
pub(crate) fn place_name(name: &str) -> String {
    crate::model::level::split_level_word(name).1.to_string()
}

pub(crate) use crate::model::level::issuing_body;

/// "Văn Bàn, ngày …… tháng …… năm 2024": day and month by hand; the year
/// the report is sent in — the deadline's when one is set, else the year of
/// the day after the period ends.
fn place_date(config: &Config, lang: Lang) -> String {
    let deadline_year = config.deadline.map(|d| d.format("%Y").to_string());
    let year = deadline_year.unwrap_or_else(|| {
        (config.period.end() + chrono::Duration::days(1))
            .format("%Y")
            .to_string()
    });
    let place = place_name(&config.consolidating.name);
    let b = filters::BLANK;
    lang.pick(
        format!("{place}, ngày {b} tháng {b} năm {year}"),
        format!("{place}, {b}/{b}/{year}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_is_the_name_without_its_level() {
        assert_eq!(place_name("Huyện Văn Bàn"), "Văn Bàn");
        assert_eq!(place_name("Thành phố Lào Cai"), "Lào Cai");
        assert_eq!(place_name("Tỉnh Lào Cai"), "Lào Cai");
        assert_eq!(place_name("Xã Khánh Yên Thượng"), "Khánh Yên Thượng");
        // A name that only begins like a level word keeps it.
        assert_eq!(place_name("Xuân Quang"), "Xuân Quang");
        assert_eq!(
            issuing_body("Huyện Văn Bàn", Lang::Vi),
            "UBND HUYỆN VĂN BÀN"
        );
    }

    fn config(period: &str, kind: crate::model::schema::PeriodKind) -> Config {
        use crate::model::period::Period;
        use crate::model::registry::Registry;
        let schema = crate::model::schema::Schema::parse(
            "id = \"m\"\ntitle = \"M\"\nversion = \"1\"\nperiod = \"year\"\n[[sheets]]\nid = \"b\"\nkind = \"form\"\nname = \"B\"\n[[sheets.fields]]\nid = \"so\"\nlabel = \"Số\"\ntype = \"integer\"\n",
            std::path::Path::new("m.toml"),
        )
        .unwrap();
        let registry = Registry::new(Vec::new(), std::path::Path::new("u.csv"));
        let mut config = Config::new(schema, registry, Period::parse(period, kind).unwrap());
        config.consolidating.name = "Huyện Văn Bàn".to_string();
        config
    }

    #[test]
    fn the_date_line_has_the_year_the_report_is_sent() {
        use crate::model::schema::PeriodKind;
        // A year's report goes up after the year ends…
        let year = config("2023", PeriodKind::Year);
        assert_eq!(
            place_date(&year, Lang::Vi),
            "Văn Bàn, ngày …… tháng …… năm 2024"
        );
        // … a quarter's within the year …
        let quarter = config("2023-Q2", PeriodKind::Quarter);
        assert_eq!(
            place_date(&quarter, Lang::Vi),
            "Văn Bàn, ngày …… tháng …… năm 2023"
        );
        // … and by the deadline, when one is set.
        let mut late = config("2023-Q2", PeriodKind::Quarter);
        late.deadline = chrono::NaiveDate::from_ymd_opt(2024, 1, 10);
        assert_eq!(place_date(&late, Lang::En), "Văn Bàn, ……/……/2024");
    }

    #[test]
    fn the_template_prints_figures_as_vietnamese_writes_them() {
        let env = environment(Lang::Vi);
        let ctx = minijinja::context! { x => 1234.5, n => 937, missing => (), ok => true };
        let out = env
            .render_str("{{ x }} {{ n }} {{ missing }} {{ ok }}", &ctx)
            .unwrap();
        assert_eq!(out, "1.234,5 937 …… có");
        let en = environment(Lang::En).render_str("{{ x }}", &ctx).unwrap();
        assert_eq!(en, "1,234.5");
    }

    #[test]
    fn a_misspelt_name_is_an_error_not_an_empty_string() {
        let env = environment(Lang::Vi);
        let ctx = minijinja::context! { fields => minijinja::context! { co_so_tong => 44 } };
        assert!(env.render_str("{{ fields.co_so_tongg }}", &ctx).is_err());
        assert!(env.render_str("{{ field.co_so_tong }}", &ctx).is_err());
        assert_eq!(
            env.render_str("{{ fields.co_so_tong }}", &ctx).unwrap(),
            "44"
        );
    }

    #[test]
    fn conditions_and_unit_lists() {
        use minijinja::context;
        let env = environment(Lang::Vi);
        let unit = |name: &str, reported: bool, te_nan: Option<bool>| {
            context! { name => name, reported => reported, values => context! { co_te_nan => te_nan } }
        };
        let units = vec![
            unit("Xã A", true, Some(true)),
            unit("Xã B", true, Some(false)),
            unit("Xã C", true, Some(true)),
            unit("Xã D", false, None),
        ];
        let ctx = context! { units => units, vu => 0 };
        let list =
            r#"{{ units | selectattr("values.co_te_nan") | map(attribute="name") | and_list }}"#;
        assert_eq!(env.render_str(list, &ctx).unwrap(), "Xã A và Xã C");
        let sentence = "{% if vu == 0 %}không có vụ việc{% else %}có {{ vu }} vụ{% endif %}";
        assert_eq!(env.render_str(sentence, &ctx).unwrap(), "không có vụ việc");
        let ctx = context! { vu => 3 };
        assert_eq!(env.render_str(sentence, &ctx).unwrap(), "có 3 vụ");
    }
}
