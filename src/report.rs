//! Renders a check result for people (text) and machines (JSON). The JSON
//! shape is a contract: scripts and the consolidated outputs rely on it.

use serde::Serialize;

use crate::check::{CheckResult, Status, Submission};
use crate::config::Config;
use crate::finding::{Finding, Lang, Severity};

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct SchemaRef<'a> {
    id: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct UnitRef {
    code: String,
    name: String,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: crate::finding::Code,
    severity: Severity,
    sheet: Option<&'a str>,
    cell: Option<String>,
    field: Option<&'a str>,
    rule: Option<&'a str>,
    value: Option<&'a str>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonSubmission<'a> {
    file: &'a str,
    sha256: Option<&'a str>,
    format: Option<&'static str>,
    unit: Option<UnitRef>,
    period: Option<String>,
    status: &'static str,
    findings: Vec<JsonFinding<'a>>,
    /// Only on the newest of several files of a unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<&'a [crate::check::Change]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replaces: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    findings_fixed: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    findings_new: Option<&'a [String]>,
    /// Only for files that `tonghop mail` saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    mail: Option<JsonMail<'a>>,
}

#[derive(Serialize)]
struct JsonMail<'a> {
    from: &'a str,
    to: &'a [String],
    date: Option<String>,
    subject: &'a str,
    message_id: &'a str,
    original_name: &'a str,
}

#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub superseded: usize,
    pub missing_units: usize,
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    tool: Tool,
    schema: SchemaRef<'a>,
    period: String,
    submissions: Vec<JsonSubmission<'a>>,
    missing_units: Vec<UnitRef>,
    summary: Summary,
}

pub fn summary(result: &CheckResult) -> Summary {
    let status = |st: Status| result.submissions.iter().filter(|s| s.status == st).count();
    let severity = |sv: Severity| result.submissions.iter().map(|s| s.count(sv)).sum();
    Summary {
        files: result.submissions.len(),
        accepted: status(Status::Accepted),
        rejected: status(Status::Rejected),
        superseded: status(Status::Superseded),
        missing_units: result.missing_units.len(),
        errors: severity(Severity::Error),
        warnings: severity(Severity::Warning),
    }
}

fn unit_ref(config: &Config, index: usize) -> UnitRef {
    let u = &config.registry.units[index];
    UnitRef {
        code: u.code.clone(),
        name: u.name.clone(),
    }
}

fn json_finding(f: &Finding, lang: Lang) -> JsonFinding<'_> {
    JsonFinding {
        code: f.code,
        severity: f.severity,
        sheet: f.sheet(),
        cell: f
            .location
            .as_ref()
            .and_then(|l| l.row.zip(l.col))
            .and(f.cell()),
        field: f.field.as_deref(),
        rule: f.rule.as_deref(),
        value: f.value.as_deref(),
        message: f.message.get(lang),
    }
}

pub fn to_json(result: &CheckResult, config: &Config) -> String {
    let report = JsonReport {
        tool: Tool {
            name: "tonghop",
            version: env!("CARGO_PKG_VERSION"),
        },
        schema: SchemaRef {
            id: config.schema.id(),
            version: &config.schema.version,
        },
        period: config.period.id(),
        submissions: result
            .submissions
            .iter()
            .map(|s| JsonSubmission {
                file: &s.file,
                sha256: s
                    .info
                    .as_ref()
                    .map(|i| i.sha256.as_str())
                    .filter(|h| !h.is_empty()),
                format: s.format.map(|f| f.as_str()),
                unit: s.unit.map(|u| unit_ref(config, u)),
                period: s.period.as_ref().map(|p| p.id()),
                status: s.status.as_str(),
                findings: s
                    .findings
                    .iter()
                    .map(|f| json_finding(f, config.lang))
                    .collect(),
                changes: s.resubmission.as_ref().map(|r| r.changes.as_slice()),
                replaces: s.resubmission.as_ref().map(|r| r.previous.as_str()),
                findings_fixed: s.resubmission.as_ref().map(|r| r.fixed.as_slice()),
                findings_new: s.resubmission.as_ref().map(|r| r.new.as_slice()),
                mail: s.mail.as_ref().map(|m| JsonMail {
                    from: &m.from,
                    to: &m.to,
                    date: m.date_rfc3339(),
                    subject: &m.subject,
                    message_id: &m.message_id,
                    original_name: &m.original_name,
                }),
            })
            .collect(),
        missing_units: result
            .missing_units
            .iter()
            .map(|&u| unit_ref(config, u))
            .collect(),
        summary: summary(result),
    };
    let mut text = serde_json::to_string_pretty(&report).expect("report serialises");
    text.push('\n');
    text
}

fn status_label(status: Status, lang: Lang) -> &'static str {
    match (status, lang) {
        (Status::Accepted, Lang::Vi) => "ĐẠT",
        (Status::Rejected, Lang::Vi) => "BỊ LOẠI",
        (Status::Superseded, Lang::Vi) => "ĐÃ CÓ BẢN MỚI HƠN",
        (Status::Accepted, Lang::En) => "ACCEPTED",
        (Status::Rejected, Lang::En) => "REJECTED",
        (Status::Superseded, Lang::En) => "SUPERSEDED",
    }
}

/// One finding as `file: Sheet!Cell: code: message`.
pub fn finding_line(file: &str, f: &Finding, lang: Lang) -> String {
    let place = match (f.sheet(), f.cell()) {
        (Some(sheet), Some(cell)) => format!("{sheet}!{cell}: "),
        (Some(sheet), None) => format!("{sheet}: "),
        _ => String::new(),
    };
    format!("{file}: {place}{}: {}", f.code, f.message.get(lang))
}

fn submission_heading(s: &Submission, config: &Config) -> String {
    let lang = config.lang;
    let unit = match s.unit {
        Some(u) => format!(
            "{} ({})",
            config.registry.units[u].name, config.registry.units[u].code
        ),
        None => match lang {
            Lang::Vi => "chưa rõ đơn vị".into(),
            Lang::En => "unknown unit".into(),
        },
    };
    let period = s
        .period
        .as_ref()
        .map(|p| p.label(lang))
        .unwrap_or_else(|| "?".into());
    format!(
        "{} — {unit} — {period} — {}",
        s.file,
        status_label(s.status, lang)
    )
}

pub fn to_text(result: &CheckResult, config: &Config) -> String {
    let lang = config.lang;
    let vi = lang == Lang::Vi;
    let mut out = String::new();
    let title = if vi {
        &config.schema.title
    } else {
        config
            .schema
            .title_en
            .as_ref()
            .unwrap_or(&config.schema.title)
    };
    out.push_str(&format!(
        "{title} ({} {}) — {} {}\n\n",
        config.schema.id(),
        config.schema.version,
        if vi { "kỳ" } else { "period" },
        config.period.label(lang)
    ));
    for s in &result.submissions {
        out.push_str(&submission_heading(s, config));
        out.push('\n');
        if let Some(m) = &s.mail {
            out.push_str(&format!(
                "  {}: {} — {} — “{}”\n",
                if vi { "Thư" } else { "Email" },
                m.date_text(),
                m.from,
                m.subject
            ));
        }
        let mut infos = 0;
        for f in &s.findings {
            if f.severity == Severity::Info {
                infos += 1;
                continue;
            }
            out.push_str("  ");
            out.push_str(&finding_line(&s.file, f, lang));
            out.push('\n');
        }
        if let Some(r) = &s.resubmission {
            out.push_str(&if vi {
                format!(
                    "  Gửi lại, thay cho {}: {} ô thay đổi\n",
                    r.previous,
                    r.changes.len()
                )
            } else {
                format!(
                    "  Resubmitted, replacing {}: {} value(s) changed\n",
                    r.previous,
                    r.changes.len()
                )
            });
            for c in &r.changes {
                let place = match (&c.sheet, &c.cell) {
                    (Some(sheet), Some(cell)) => format!("{sheet}!{cell} "),
                    _ => String::new(),
                };
                out.push_str(&format!("    {place}{}: {} → {}\n", c.field, c.old, c.new));
            }
            if !r.fixed.is_empty() {
                out.push_str(&format!(
                    "    {}: {}\n",
                    if vi { "đã sửa" } else { "fixed" },
                    r.fixed.join("; ")
                ));
            }
            if !r.new.is_empty() {
                out.push_str(&format!(
                    "    {}: {}\n",
                    if vi { "lỗi mới" } else { "new problems" },
                    r.new.join("; ")
                ));
            }
        }
        if infos > 0 {
            out.push_str(&if vi {
                format!("  ({infos} ô được đọc linh hoạt, ví dụ số ghi dạng chữ; xem chi tiết bằng --format json)\n")
            } else {
                format!("  ({infos} cells read leniently, e.g. numbers typed as text; see --format json)\n")
            });
        }
    }
    let sum = summary(result);
    let n = |count: usize| crate::values::format_count(count, lang);
    out.push('\n');
    out.push_str(&if vi {
        format!(
            "Tổng kết: {} tệp — {} đạt, {} bị loại, {} đã có bản mới hơn; {} lỗi, {} cảnh báo.\n",
            n(sum.files),
            n(sum.accepted),
            n(sum.rejected),
            n(sum.superseded),
            n(sum.errors),
            n(sum.warnings)
        )
    } else {
        format!(
            "Summary: {} file(s) — {} accepted, {} rejected, {} superseded; {} error(s), {} warning(s).\n",
            n(sum.files),
            n(sum.accepted),
            n(sum.rejected),
            n(sum.superseded),
            n(sum.errors),
            n(sum.warnings)
        )
    });
    if result.missing_units.is_empty() {
        out.push_str(if vi {
            "Tất cả đơn vị đã nộp báo cáo.\n"
        } else {
            "Every unit has reported.\n"
        });
    } else {
        out.push_str(&if vi {
            format!(
                "Chưa nộp ({}/{}):\n",
                n(result.missing_units.len()),
                n(config.registry.units.len())
            )
        } else {
            format!(
                "Not received ({}/{}):\n",
                n(result.missing_units.len()),
                n(config.registry.units.len())
            )
        });
        for &u in &result.missing_units {
            let unit = &config.registry.units[u];
            out.push_str(&format!("  {} {}\n", unit.code, unit.name));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;

    /// A run of `files` unreadable files, rendered as text in `lang`.
    fn text_of_run(files: usize, lang: Lang) -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let schema = Schema::load(&root.join("schemas/pcmd.toml")).expect("schema loads");
        let registry = crate::registry::tests::van_ban();
        let mut config = Config::new(schema, registry, crate::period::Period::year(2023));
        config.lang = lang;
        let submissions = (0..files)
            .map(|i| Submission {
                path: format!("f{i}.xlsx").into(),
                file: format!("f{i}.xlsx"),
                info: None,
                format: None,
                unit: None,
                period: None,
                status: Status::Rejected,
                findings: Vec::new(),
                data: None,
                resubmission: None,
                mail: None,
            })
            .collect();
        let result = CheckResult {
            submissions,
            missing_units: Vec::new(),
        };
        to_text(&result, &config)
    }

    #[test]
    fn counts_are_grouped_as_each_language_writes_them() {
        let vi = text_of_run(1234, Lang::Vi);
        assert!(
            vi.contains("Tổng kết: 1.234 tệp — 0 đạt, 1.234 bị loại"),
            "{}",
            vi.lines().last().unwrap_or_default()
        );
        let en = text_of_run(1234, Lang::En);
        assert!(en.contains("Summary: 1,234 file(s) — 0 accepted, 1,234 rejected"));
    }
}
