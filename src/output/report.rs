//! Renders a check result for people (text) and machines (JSON). The JSON
//! shape is a contract: scripts and the consolidated outputs rely on it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::Config;
use crate::model::finding::{Finding, Lang, Severity};
use crate::model::submission::{CheckResult, Resubmission, Status, Submission, UnitStatus};

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct SchemaRef<'a> {
    id: &'a str,
    version: &'a str,
    /// Relative to the project folder, as the workbook's Nguồn sheet says.
    path: String,
    sha256: &'a str,
}

/// The unit registry the run used: where, and its bytes' SHA-256.
#[derive(Serialize)]
struct RegistryRef {
    path: String,
    sha256: String,
}

#[derive(Serialize)]
struct UnitRef {
    code: String,
    name: String,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: crate::model::finding::Code,
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
    changes: Option<&'a [crate::model::submission::Change]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replaces: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    findings_fixed: Option<&'a [String]>,
    /// Every problem the newer file brought (`errors_new` then `warnings_new`).
    #[serde(skip_serializing_if = "Option::is_none")]
    findings_new: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors_new: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warnings_new: Option<&'a [String]>,
    /// Only for files that `tonghop mail` saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    mail: Option<JsonMail<'a>>,
    /// Only with a `deadline`: received by it (email Date, else file time).
    #[serde(skip_serializing_if = "Option::is_none")]
    on_time: Option<bool>,
    /// Only for a district's data table, when a province consolidates its
    /// districts: each commune's values with the file and cell each came
    /// from (province figure → district → commune → file → cell).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    communes: Vec<JsonPart<'a>>,
}

/// A commune inside a district's data table.
#[derive(Serialize)]
struct JsonPart<'a> {
    code: &'a str,
    name: &'a str,
    /// The commune's file, as the district's build named it.
    file: &'a str,
    values: Vec<JsonValue<'a>>,
}

#[derive(Serialize)]
struct JsonValue<'a> {
    field: &'a str,
    /// The list sheet's id, for a value of a list's record.
    #[serde(skip_serializing_if = "Option::is_none")]
    list: Option<&'a str>,
    value: String,
    sheet: &'a str,
    cell: String,
}

/// Each commune of a district's data table with its values and cells.
fn json_parts(s: &Submission) -> Vec<JsonPart<'_>> {
    let Some(data) = &s.data else {
        return Vec::new();
    };
    data.parts
        .iter()
        .map(|p| JsonPart {
            code: &p.unit_code,
            name: &p.unit_name,
            file: &p.file,
            values: part_values(&p.data),
        })
        .collect()
}

fn part_values(data: &crate::model::submission::SubmissionData) -> Vec<JsonValue<'_>> {
    let mut out = Vec::new();
    for (field, fv) in &data.form {
        if let Some(v) = &fv.value {
            out.push(JsonValue {
                field,
                list: None,
                value: crate::consolidate::machine_value(v),
                sheet: &fv.source.sheet,
                cell: fv.source.a1(),
            });
        }
    }
    for (list, records) in &data.lists {
        for (field, fv) in records.iter().flat_map(|r| &r.values) {
            if let Some(v) = &fv.value {
                out.push(JsonValue {
                    field,
                    list: Some(list),
                    value: crate::consolidate::machine_value(v),
                    sheet: &fv.source.sheet,
                    cell: fv.source.a1(),
                });
            }
        }
    }
    out
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
pub(crate) struct Summary {
    pub files: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub superseded: usize,
    /// Files held until staff confirm their sender.
    pub held: usize,
    pub missing_units: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Only with a `deadline`: files received by it and after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_time: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late: Option<usize>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    tool: Tool,
    schema: SchemaRef<'a>,
    registry: RegistryRef,
    period: String,
    /// `registry-mismatch` warnings: about the project's registry, not a file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    registry_findings: Vec<JsonFinding<'a>>,
    submissions: Vec<JsonSubmission<'a>>,
    missing_units: Vec<UnitRef>,
    summary: Summary,
}

pub(crate) fn summary(result: &CheckResult) -> Summary {
    let status = |st: Status| result.submissions.iter().filter(|s| s.status == st).count();
    let severity = |sv: Severity| result.submissions.iter().map(|s| s.count(sv)).sum();
    Summary {
        files: result.submissions.len(),
        accepted: status(Status::Accepted),
        rejected: status(Status::Rejected),
        superseded: status(Status::Superseded),
        held: status(Status::Held),
        missing_units: result.missing_units.len(),
        errors: severity(Severity::Error),
        warnings: severity(Severity::Warning),
        on_time: None,
        late: None,
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

pub(crate) fn to_json(result: &CheckResult, config: &Config) -> String {
    let mut text =
        serde_json::to_string_pretty(&json_report(result, config)).expect("report serialises");
    text.push('\n');
    text
}

/// `to_json`'s text written to `out` (the same bytes), never held whole:
/// a national year's report is tens of megabytes.
pub(crate) fn write_json(
    result: &CheckResult,
    config: &Config,
    mut out: impl std::io::Write,
) -> serde_json::Result<()> {
    serde_json::to_writer_pretty(&mut out, &json_report(result, config))?;
    out.write_all(b"\n").map_err(serde_json::Error::io)
}

fn json_report<'a>(result: &'a CheckResult, config: &'a Config) -> JsonReport<'a> {
    let deadline = config.deadline;
    let mut sum = summary(result);
    if let Some(day) = deadline {
        let (on_time, late) = crate::check::timeliness::count(result, day);
        (sum.on_time, sum.late) = (Some(on_time), Some(late));
    }
    JsonReport {
        tool: Tool {
            name: "tonghop",
            version: env!("CARGO_PKG_VERSION"),
        },
        schema: SchemaRef {
            id: config.schema.id(),
            version: &config.schema.version,
            path: config.source_path(&config.schema.path),
            sha256: &config.schema.sha256,
        },
        registry: RegistryRef {
            path: config.source_path(&config.registry.path),
            sha256: config.registry.sha256.clone(),
        },
        period: config.period.id(),
        registry_findings: config
            .registry_findings
            .iter()
            .map(|f| json_finding(f, config.lang))
            .collect(),
        submissions: result
            .submissions
            .iter()
            .map(|s| json_submission(s, config))
            .collect(),
        missing_units: result
            .missing_units
            .iter()
            .map(|&u| unit_ref(config, u))
            .collect(),
        summary: sum,
    }
}

/// One submission as the JSON report gives it.
fn json_submission<'a>(s: &'a Submission, config: &Config) -> JsonSubmission<'a> {
    let resubmission = s.resubmission.as_ref();
    JsonSubmission {
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
        changes: resubmission.map(|r| r.changes.as_slice()),
        replaces: resubmission.map(|r| r.previous.as_str()),
        findings_fixed: resubmission.map(|r| r.fixed.as_slice()),
        findings_new: resubmission.map(|r| r.new_problems()),
        errors_new: resubmission.map(|r| r.new_errors.as_slice()),
        warnings_new: resubmission.map(|r| r.new_warnings.as_slice()),
        mail: s.mail.as_ref().map(|m| JsonMail {
            from: &m.from,
            to: &m.to,
            date: m.date_rfc3339(),
            subject: &m.subject,
            message_id: &m.message_id,
            original_name: &m.original_name,
        }),
        on_time: config
            .deadline
            .and_then(|d| crate::check::timeliness::of(s, d))
            .map(|v| v == crate::check::timeliness::Verdict::OnTime),
        communes: json_parts(s),
    }
}

/// One finding as `file: Sheet!Cell: code: message`.
pub(crate) fn finding_line(file: &str, f: &Finding, lang: Lang) -> String {
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
        s.status.headline(lang)
    )
}

pub(crate) fn to_text(result: &CheckResult, config: &Config) -> String {
    let mut out = title_line(config);
    let deadline = config.deadline;
    for s in &result.submissions {
        out.push_str(&submission_text(s, deadline, config));
    }
    out.push_str(&summary_text(result, deadline, config.lang));
    out.push_str(&held_section(result, config));
    out.push_str(&missing_text(result, config));
    out
}

/// The report's first line: the form, its version and the period.
fn title_line(config: &Config) -> String {
    let lang = config.lang;
    let title = lang.pick(
        &config.schema.title,
        config
            .schema
            .title_en
            .as_ref()
            .unwrap_or(&config.schema.title),
    );
    format!(
        "{title} ({} {}) — {} {}{}\n\n",
        config.schema.id(),
        config.schema.version,
        lang.pick("kỳ", "period"),
        config.period.label(lang),
        window_text(config)
    )
}

/// The days counted when the project sets a window other than the
/// calendar period (`cutoff_day`): " (số liệu từ 15/12/2023 đến 14/06/2024)".
fn window_text(config: &Config) -> String {
    let w = config.window;
    if (w.start, w.end) == (config.period.start(), config.period.end()) {
        return String::new();
    }
    let (start, end) = (w.start.format("%d/%m/%Y"), w.end.format("%d/%m/%Y"));
    config.lang.pick(
        format!(" (số liệu từ {start} đến {end})"),
        format!(" (figures from {start} to {end})"),
    )
}

/// One file: its heading, timeliness, email, findings (info ones only
/// counted) and what changed since its previous file.
fn submission_text(s: &Submission, deadline: Option<NaiveDate>, config: &Config) -> String {
    let lang = config.lang;
    let mut out = String::new();
    out.push_str(&submission_heading(s, config));
    out.push('\n');
    if let Some(day) = deadline {
        out.push_str(&crate::check::timeliness::submission_line(s, day, lang));
    }
    out.push_str(&parts_line(s, lang));
    if let Some(m) = &s.mail {
        out.push_str(&format!(
            "  {}: {} — {} — “{}”\n",
            lang.pick("Thư", "Email"),
            m.date_text(),
            m.from,
            m.subject
        ));
    }
    let mut infos = 0;
    for f in &s.findings {
        // Lenient readings are only counted; another info (a list read on
        // over a further sheet) is told like a warning.
        if f.severity == Severity::Info && f.code == crate::model::finding::Code::ValueCoerced {
            infos += 1;
            continue;
        }
        out.push_str("  ");
        out.push_str(&finding_line(&s.file, f, lang));
        out.push('\n');
    }
    if let Some(r) = &s.resubmission {
        out.push_str(&resubmission_lines(r, lang));
    }
    if infos > 0 {
        out.push_str(&lang.pick(format!("  ({infos} ô được đọc linh hoạt, ví dụ số ghi dạng chữ; xem chi tiết bằng --format json)\n"), format!("  ({infos} cells read leniently, e.g. numbers typed as text; see --format json)\n")));
    }
    out
}

/// For a district's data table: the communes whose reports it holds.
fn parts_line(s: &Submission, lang: Lang) -> String {
    let parts = s.data.as_ref().map_or(&[][..], |d| d.parts.as_slice());
    if parts.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = parts.iter().map(|p| p.unit_name.as_str()).collect();
    let n = crate::model::values::format_count(parts.len(), lang);
    lang.pick(
        format!("  Số liệu của {n} đơn vị cấp xã: {}\n", names.join(", ")),
        format!("  Figures of {n} communes: {}\n", names.join(", ")),
    )
}

/// A resubmission: the file it replaces, the changed cells, the findings
/// fixed and new.
fn resubmission_lines(r: &Resubmission, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(&lang.pick(
        format!(
            "  Gửi lại, thay cho {}: {} ô thay đổi\n",
            r.previous,
            r.changes.len()
        ),
        format!(
            "  Resubmitted, replacing {}: {} value(s) changed\n",
            r.previous,
            r.changes.len()
        ),
    ));
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
            lang.pick("đã sửa", "fixed"),
            r.fixed.join("; ")
        ));
    }
    if !r.new_errors.is_empty() {
        out.push_str(&format!(
            "    {}: {}\n",
            lang.pick("lỗi mới", "new errors"),
            r.new_errors.join("; ")
        ));
    }
    if !r.new_warnings.is_empty() {
        out.push_str(&format!(
            "    {}: {}\n",
            lang.pick("cảnh báo mới", "new warnings"),
            r.new_warnings.join("; ")
        ));
    }
    out
}

/// The run's totals, and its timeliness against the deadline.
fn summary_text(result: &CheckResult, deadline: Option<NaiveDate>, lang: Lang) -> String {
    let mut out = String::new();
    let sum = summary(result);
    let n = |count: usize| crate::model::values::format_count(count, lang);
    out.push('\n');
    out.push_str(&lang.pick(format!(
            "Tổng kết: {} tệp — {} đạt, {} bị loại, {} đã có bản mới hơn{}; {} lỗi, {} cảnh báo.\n",
            n(sum.files),
            n(sum.accepted),
            n(sum.rejected),
            n(sum.superseded),
            held_count(sum.held, ", {} tạm giữ chờ xác nhận người gửi", lang),
            n(sum.errors),
            n(sum.warnings)
        ), format!(
            "Summary: {} file(s) — {} accepted, {} rejected, {} superseded{}; {} error(s), {} warning(s).\n",
            n(sum.files),
            n(sum.accepted),
            n(sum.rejected),
            n(sum.superseded),
            held_count(sum.held, ", {} held until the sender is confirmed", lang),
            n(sum.errors),
            n(sum.warnings)
        )));
    if let Some(day) = deadline {
        out.push_str(&crate::check::timeliness::summary_line(result, day, lang));
    }
    out
}

/// Which units have not reported (or only through held files).
fn missing_text(result: &CheckResult, config: &Config) -> String {
    let lang = config.lang;
    let n = |count: usize| crate::model::values::format_count(count, lang);
    let mut out = String::new();
    let held_only = result
        .unit_statuses(config.registry.units.len())
        .into_iter()
        .filter(|&u| u == UnitStatus::Held)
        .count();
    let unconfirmed = n(held_only);
    if result.missing_units.is_empty() && held_only > 0 {
        out.push_str(&lang.pick(format!(
                "Tất cả đơn vị đã gửi tệp, nhưng {unconfirmed} đơn vị chỉ có tệp tạm giữ, chưa có báo cáo được xác nhận.\n"
            ), format!(
                "Every unit has sent a file, but {unconfirmed} unit(s) only have held files and no confirmed report.\n"
            )));
    } else if result.missing_units.is_empty() {
        out.push_str(lang.pick(
            "Tất cả đơn vị đã nộp báo cáo.\n",
            "Every unit has reported.\n",
        ));
    } else {
        out.push_str(&lang.pick(
            format!(
                "Chưa nộp ({}/{}):\n",
                n(result.missing_units.len()),
                n(config.registry.units.len())
            ),
            format!(
                "Not received ({}/{}):\n",
                n(result.missing_units.len()),
                n(config.registry.units.len())
            ),
        ));
        for &u in &result.missing_units {
            let unit = &config.registry.units[u];
            out.push_str(&format!("  {} {}\n", unit.code, unit.name));
        }
    }
    out
}

/// ", 2 held …" in a summary line, only when some file is held.
pub(crate) fn held_count(held: usize, template: &str, lang: Lang) -> String {
    if held == 0 {
        String::new()
    } else {
        template.replace("{}", &crate::model::values::format_count(held, lang))
    }
}

/// The held files, each with its sender and whether its unit has a confirmed
/// report, and how staff accept one.
fn held_section(result: &CheckResult, config: &Config) -> String {
    let lang = config.lang;
    let held: Vec<&Submission> = result
        .submissions
        .iter()
        .filter(|s| s.status == Status::Held)
        .collect();
    if held.is_empty() {
        return String::new();
    }
    let accepted = result.accepted_by_unit(config.registry.units.len());
    let mut out = lang.pick(
        format!(
            "Tạm giữ — chờ xác nhận người gửi ({} tệp, không được tổng hợp):\n",
            held.len()
        ),
        format!(
            "Held — sender not confirmed ({} file(s), not consolidated):\n",
            held.len()
        ),
    );
    for s in held {
        let from = s.mail.as_ref().map(|m| m.from.as_str()).unwrap_or("");
        let (unit, standing) = match s.unit {
            Some(u) => {
                let unit = &config.registry.units[u];
                let standing = match accepted[u] {
                    Some(a) => lang.pick(
                        format!("đơn vị đã có báo cáo được xác nhận: {}", a.file),
                        format!("the unit's confirmed report is {}", a.file),
                    ),
                    None => lang
                        .pick(
                            "đơn vị chưa có báo cáo được xác nhận",
                            "the unit has no confirmed report",
                        )
                        .to_string(),
                };
                (format!("{} {}", unit.code, unit.name), standing)
            }
            None => (String::new(), String::new()),
        };
        out.push_str(&lang.pick(
            format!("  {unit} — {} — gửi từ {from}; {standing}\n", s.file),
            format!("  {unit} — {} — sent from {from}; {standing}\n", s.file),
        ));
    }
    out.push_str(lang.pick("  Nếu đúng là đơn vị gửi: chạy lại với --accept-sender ĐỊA_CHỈ, hoặc thêm địa chỉ vào cột email của danh sách đơn vị.\n", "  If the unit did send it: run again with --accept-sender ADDRESS, or add the address to the registry's email column.\n"));
    out
}
