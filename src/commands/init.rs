//! `tonghop init DIR --unit CODE`: a ready project for any consolidating
//! unit, from the national list in force on `--as-of` — a district's
//! communes or a province's districts before 1 July 2025, a province's
//! communes after. It writes `tonghop.toml`, the registry of the units that
//! report (email column left to fill in) and the inbox folder, and never
//! overwrites a project.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::{Datelike, NaiveDate};

use crate::check::timeliness;
use crate::cli::InitArgs;
use crate::model::finding::Lang;
use crate::model::national::{self, Edition, NationalList, NationalUnit};
use crate::model::registry::{NewUnit, write_csv};
use crate::model::schema::{PeriodKind, Schema};
use crate::model::values::parse_date_text;

/// The file names `init` writes in the project folder.
pub(crate) const CONFIG_FILE: &str = "tonghop.toml";
pub(crate) const REGISTRY_FILE: &str = "don-vi.csv";
pub(crate) const INBOX_DIR: &str = "inbox";

/// The consolidating unit and the units that report to it on that date.
pub(crate) struct Plan<'a> {
    pub list: &'a NationalList,
    pub unit: &'a NationalUnit,
    pub reporting: Vec<&'a NationalUnit>,
}

/// Finds the unit `code` in the list of `date` and the units under it, or
/// says clearly why it cannot, with the nearest codes and names.
pub(crate) fn plan(code: &str, date: NaiveDate, lang: Lang) -> anyhow::Result<Plan<'static>> {
    let list = national::list_on(date);
    let day = date.format("%d/%m/%Y").to_string();
    let Some(unit) = list.find(code.trim()) else {
        let hint = unknown_code_hint(list, code, lang);
        bail!(lang.pick(
            format!(
                "không có đơn vị mã “{code}” trong {} (ngày {day}).{hint}",
                list.edition.label(Lang::Vi)
            ),
            format!(
                "no unit with code “{code}” in {} (on {day}).{hint}",
                list.edition.label(Lang::En)
            ),
        ));
    };
    let reporting = list.children(unit.code);
    if reporting.is_empty() {
        bail!(lang.pick(
            format!(
                "{} ({}) không có đơn vị cấp dưới báo cáo trong {}: hãy chọn mã tỉnh (2 số) hoặc huyện (3 số, trước 01/7/2025).",
                unit.name,
                unit.code,
                list.edition.label(Lang::Vi)
            ),
            format!(
                "{} ({}) has no units reporting to it in {}: give a province code (2 digits) or a district code (3 digits, before 1 July 2025).",
                unit.name,
                unit.code,
                list.edition.label(Lang::En)
            ),
        ));
    }
    Ok(Plan {
        list,
        unit,
        reporting,
    })
}

/// What may help with a code the list lacks: the unit it names in the
/// other list, and the nearest codes and names.
fn unknown_code_hint(list: &NationalList, code: &str, lang: Lang) -> String {
    let mut hint = String::new();
    let other = match list.edition {
        Edition::Before2025Reform => Edition::After2025Reform,
        Edition::After2025Reform => Edition::Before2025Reform,
    };
    if let Some(there) = national::list(other).find(code.trim()) {
        hint.push_str(&lang.pick(
            format!(
                " Mã {} là “{}” trong {}; hãy chọn --as-of theo danh mục đó.",
                there.code,
                there.name,
                other.label(Lang::Vi)
            ),
            format!(
                " Code {} is “{}” in {}; pick --as-of accordingly.",
                there.code,
                there.name,
                other.label(Lang::En)
            ),
        ));
    }
    let near: Vec<String> = list
        .suggest(code)
        .into_iter()
        .filter(|u| u.level != national::Level::Commune)
        .map(|u| format!("{} {}", u.code, u.name))
        .collect();
    if !near.is_empty() {
        hint.push_str(&lang.pick(
            format!(" Gần nhất: {}.", near.join(", ")),
            format!(" Nearest: {}.", near.join(", ")),
        ));
    }
    hint
}

/// The period holding `date`, in the schema's kind (a year without schema).
pub(crate) fn period_of(date: NaiveDate, kind: Option<PeriodKind>) -> String {
    let (y, m) = (date.year(), date.month());
    match kind {
        None | Some(PeriodKind::Year) => format!("{y}"),
        Some(PeriodKind::Half) => format!("{y}-H{}", if m <= 6 { 1 } else { 2 }),
        Some(PeriodKind::Quarter) => format!("{y}-Q{}", (m - 1) / 3 + 1),
        Some(PeriodKind::Month) => format!("{y}-{m:02}"),
    }
}

/// The registry CSV: a note on what to fill in, then one row per unit.
pub(crate) fn registry_csv(plan: &Plan, lang: Lang) -> anyhow::Result<Vec<u8>> {
    let note = match lang {
        Lang::Vi => format!(
            "# Các đơn vị báo cáo cho {} ({}), theo {}. Hãy ghi vào cột email địa chỉ thư mỗi đơn vị dùng để gửi báo cáo (nhiều địa chỉ cách nhau bằng dấu ;); có thể thêm cách viết khác của tên vào cột aliases. Dòng bắt đầu bằng # là ghi chú.\n",
            plan.unit.name,
            plan.unit.code,
            plan.list.edition.label(Lang::Vi)
        ),
        Lang::En => format!(
            "# The units reporting to {} ({}), from {}. Fill in the email column with the address(es) each unit sends its reports from (several separated by ;); other spellings of a name may go in aliases. Lines starting with # are notes.\n",
            plan.unit.name,
            plan.unit.code,
            plan.list.edition.label(Lang::En)
        ),
    };
    let units = plan.reporting.iter().map(|u| NewUnit {
        code: u.code,
        name: u.name,
        kind: u.kind,
        parent: plan.unit.code,
    });
    Ok(write_csv(&note, units)?)
}

/// A TOML string literal.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The project's `tonghop.toml`.
pub(crate) fn config_toml(plan: &Plan, schema: Option<&str>, period: &str, lang: Lang) -> String {
    let mut out = String::new();
    out.push_str(&lang.pick(
        format!(
            "# Dự án tổng hợp của {} ({}), tạo bởi tonghop init theo {}.\n",
            plan.unit.name,
            plan.unit.code,
            plan.list.edition.label(Lang::Vi)
        ),
        format!(
            "# Consolidation project of {} ({}), made by tonghop init from {}.\n",
            plan.unit.name,
            plan.unit.code,
            plan.list.edition.label(Lang::En)
        ),
    ));
    match schema {
        Some(path) => out.push_str(&format!("schema = {}\n", quoted(path))),
        None => out.push_str(lang.pick("# Hãy ghi đường dẫn tới lược đồ biểu mẫu (docs/schema.md), ví dụ:\n# schema = \"../schemas/pcmd.toml\"\n", "# Set the path of the report schema (docs/schema.md), e.g.:\n# schema = \"../schemas/pcmd.toml\"\n")),
    }
    out.push_str(&format!("units = {}\n", quoted(REGISTRY_FILE)));
    out.push_str(&format!("period = {}\n", quoted(period)));
    out.push_str(&format!("inbox = {}\n", quoted(INBOX_DIR)));
    out.push_str("output = \"out\"\n");
    out.push_str(&format!("lang = {}\n", quoted(lang.pick("vi", "en"))));
    out.push_str(lang.pick(
        "# Hạn nộp (tùy chọn): ghi vào biểu mẫu, và mỗi báo cáo được đánh giá đúng hạn hay muộn.\n",
        "# Deadline (optional): printed in the templates; each report is then on time or late.\n",
    ));
    out.push_str(&format!(
        "# deadline = {}\n",
        quoted(&example_deadline(period))
    ));
    out.push_str("\n[consolidating_unit]\n");
    out.push_str(&format!("code = {}\n", quoted(plan.unit.code)));
    out.push_str(&format!("name = {}\n", quoted(plan.unit.name)));
    out
}

/// An example deadline for the commented line of `tonghop.toml`: the 15th
/// of the month after the period ends ("2023" → "15/01/2024").
fn example_deadline(period: &str) -> String {
    use crate::model::period::Period;
    use crate::model::schema::PeriodKind;
    let end = [
        PeriodKind::Year,
        PeriodKind::Half,
        PeriodKind::Quarter,
        PeriodKind::Month,
    ]
    .into_iter()
    .find_map(|kind| Period::parse(period, kind).ok())
    .map(|p| p.end());
    let after = end
        .and_then(|d| d.checked_add_days(chrono::Days::new(1)))
        .and_then(|d| d.with_day(15));
    after.map_or_else(
        || "dd/mm/yyyy".to_string(),
        |d| d.format("%d/%m/%Y").to_string(),
    )
}

/// Writes `bytes` to `path` through a temporary file renamed into place.
fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp-init");
    std::fs::write(&tmp, bytes).with_context(|| tmp.display().to_string())?;
    std::fs::rename(&tmp, path).with_context(|| path.display().to_string())?;
    Ok(())
}

/// `schema` as `tonghop.toml` in `dir` should name it: relative to the
/// project folder when they share a parent, else absolute.
fn schema_reference(schema: &Path, dir: &Path) -> String {
    let schema = std::fs::canonicalize(schema).unwrap_or_else(|_| schema.to_path_buf());
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let ours: Vec<_> = schema.components().collect();
    let theirs: Vec<_> = dir.components().collect();
    let common = ours.iter().zip(&theirs).take_while(|(a, b)| a == b).count();
    let relative = if common > 1 {
        let mut out = PathBuf::new();
        for _ in common..theirs.len() {
            out.push("..");
        }
        for part in &ours[common..] {
            out.push(part.as_os_str());
        }
        out
    } else {
        schema
    };
    relative.to_string_lossy().replace('\\', "/")
}

/// Runs `tonghop init`; returns what to print.
pub(crate) fn run(
    args: &InitArgs,
    schema: Option<&Path>,
    period: Option<&str>,
    lang: Lang,
) -> anyhow::Result<String> {
    let date = match &args.as_of {
        Some(text) => parse_date_text(text).map(|(day, _)| day).with_context(|| {
            lang.pick(
                format!("ngày “{text}” không đọc được: hãy ghi dạng 2023-12-31 hoặc 31/12/2023"),
                format!("cannot read the date “{text}”: write it as 2023-12-31 or 31/12/2023"),
            )
        })?,
        None => timeliness::today(),
    };
    let plan = plan(&args.unit, date, lang)?;
    let loaded = schema
        .map(|p| Schema::load(p).map(|s| (p, s)))
        .transpose()?;
    let period = match period {
        Some(p) => p.to_string(),
        None => period_of(date, loaded.as_ref().map(|(_, s)| s.period)),
    };
    if let Some((_, s)) = &loaded {
        crate::model::period::Period::parse(&period, s.period)?;
    }

    let dir = &args.dir;
    let config_path = dir.join(CONFIG_FILE);
    let registry_path = dir.join(REGISTRY_FILE);
    for existing in [&config_path, &registry_path] {
        if existing.exists() {
            bail!(lang.pick(
                format!(
                    "{} đã có: tonghop init không ghi đè dự án đã có; hãy chọn thư mục khác",
                    existing.display()
                ),
                format!(
                    "{} exists: tonghop init never overwrites a project; choose another folder",
                    existing.display()
                ),
            ));
        }
    }
    std::fs::create_dir_all(dir.join(INBOX_DIR))
        .with_context(|| dir.join(INBOX_DIR).display().to_string())?;
    let schema_ref = loaded.as_ref().map(|(p, _)| schema_reference(p, dir));
    write_new(&registry_path, &registry_csv(&plan, lang)?)?;
    write_new(
        &config_path,
        config_toml(&plan, schema_ref.as_deref(), &period, lang).as_bytes(),
    )?;
    let mut text = next_steps(&plan, dir, schema_ref.is_some(), lang);
    text.push_str(&older_than_the_list(date, lang));
    Ok(text)
}

/// The list before the reform is the one of 1 March 2025: a date well before
/// it may miss earlier mergers, which is said rather than assumed away.
fn older_than_the_list(date: NaiveDate, lang: Lang) -> String {
    let list_day = NaiveDate::from_ymd_opt(2025, 3, 1).expect("a valid date");
    if date >= list_day {
        return String::new();
    }
    match lang {
        Lang::Vi => format!(
            "\nLưu ý: danh mục đi kèm là danh mục ngày 01/3/2025: đơn vị được sắp xếp lại trong khoảng {} – 01/3/2025 được ghi theo sau khi sắp xếp. Nếu đơn vị đã thay đổi trong khoảng đó, hãy sửa {REGISTRY_FILE} hoặc dùng tonghop units import với danh mục đúng thời điểm.\n",
            date.format("%d/%m/%Y")
        ),
        Lang::En => format!(
            "\nNote: the bundled list is the one of 1 March 2025: units rearranged between {} and that day are listed as they were after. If the units changed in that time, edit {REGISTRY_FILE} or use tonghop units import with a list of the time.\n",
            date.format("%d/%m/%Y")
        ),
    }
}

/// What was made and what to do next.
fn next_steps(plan: &Plan, dir: &Path, has_schema: bool, lang: Lang) -> String {
    let shown = dir.to_string_lossy().replace('\\', "/");
    let text = NextSteps::new(plan, &shown, lang);
    let mut out = text.made;
    out.push_str(&format!(
        "  {shown}/{CONFIG_FILE}\n  {shown}/{REGISTRY_FILE}\n  {shown}/{INBOX_DIR}/\n\n{}\n",
        text.heading
    ));
    out.push_str(&text.emails);
    if !has_schema {
        out.push_str(&text.schema);
    }
    out.push_str(&text.rest);
    if plan.reporting[0].level == national::Level::District {
        out.push_str(&text.districts);
    }
    out
}

/// The sentences of [`next_steps`] in one language; the files made are
/// listed the same way in both.
struct NextSteps {
    made: String,
    heading: &'static str,
    emails: String,
    /// Said only when no schema was given.
    schema: String,
    rest: String,
    /// Said only when districts report: their build outputs go in the inbox.
    districts: String,
}

impl NextSteps {
    fn new(plan: &Plan, shown: &str, lang: Lang) -> NextSteps {
        let n = plan.reporting.len();
        let level = plan.reporting[0].level.name(lang);
        let (name, code) = (&plan.unit.name, &plan.unit.code);
        let edition = plan.list.edition.label(lang);
        match lang {
            Lang::Vi => NextSteps {
                made: format!(
                    "Đã tạo dự án tổng hợp cho {name} ({code}): {n} đơn vị cấp {level} báo cáo, theo {edition}.\n"
                ),
                heading: "Các bước tiếp theo:",
                emails: format!(
                    "  1. Ghi địa chỉ thư của từng đơn vị vào cột email của {REGISTRY_FILE}.\n"
                ),
                schema: format!(
                    "     Ghi đường dẫn lược đồ biểu mẫu vào dòng schema của {CONFIG_FILE}.\n"
                ),
                rest: format!(
                    "  2. cd {shown} && tonghop template --per-unit   (một biểu mẫu cho mỗi đơn vị, trong out/mau/)\n  3. Gửi biểu mẫu cho các đơn vị; khi có thư trả lời: tonghop mail <tệp .mbox hoặc .eml>\n  4. tonghop build   (kiểm tra và tổng hợp)\n"
                ),
                districts: format!(
                    "\nHoặc tổng hợp từ kết quả của các huyện: mỗi huyện chạy tonghop build với báo cáo của các xã và gửi thư mục kết quả (out/); chép mỗi thư mục vào {INBOX_DIR}/<tên huyện>/ (ví dụ {INBOX_DIR}/van-ban/) rồi chạy tonghop build: tỉnh cộng số liệu của từng xã trong bảng *-du-lieu của huyện (docs/units.md, mục “Levels”).\n"
                ),
            },
            Lang::En => NextSteps {
                made: format!(
                    "Project made for {name} ({code}): {n} reporting units ({level} level), from {edition}.\n"
                ),
                heading: "Next steps:",
                emails: format!("  1. Fill in each unit's email address in {REGISTRY_FILE}.\n"),
                schema: format!(
                    "     Set the report schema on the schema line of {CONFIG_FILE}.\n"
                ),
                rest: format!(
                    "  2. cd {shown} && tonghop template --per-unit   (one form per unit, in out/mau/)\n  3. Send the forms to the units; when they reply: tonghop mail <.mbox or .eml files>\n  4. tonghop build   (check and consolidate)\n"
                ),
                districts: format!(
                    "\nOr consolidate the districts' outputs: each district runs tonghop build on its communes' reports and sends its output folder (out/); copy each into {INBOX_DIR}/<district name>/ (e.g. {INBOX_DIR}/van-ban/) and run tonghop build: the province adds up each commune of the districts' *-du-lieu tables (docs/units.md, “Levels”).\n"
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_date_before_the_list_is_said() {
        assert!(older_than_the_list(day(2023, 12, 31), Lang::Vi).contains("01/3/2025"));
        assert_eq!(older_than_the_list(day(2025, 3, 1), Lang::Vi), "");
    }

    #[test]
    fn periods_of_a_date() {
        let d = day(2025, 8, 3);
        assert_eq!(period_of(d, None), "2025");
        assert_eq!(period_of(d, Some(PeriodKind::Half)), "2025-H2");
        assert_eq!(period_of(d, Some(PeriodKind::Quarter)), "2025-Q3");
        assert_eq!(period_of(d, Some(PeriodKind::Month)), "2025-08");
    }

    #[test]
    fn each_level_on_each_side_of_the_reform() {
        assert_eq!(
            plan("089", day(2023, 12, 31), Lang::Vi)
                .unwrap()
                .reporting
                .len(),
            22
        );
        assert_eq!(
            plan("10", day(2023, 12, 31), Lang::Vi)
                .unwrap()
                .reporting
                .len(),
            9
        );
        assert_eq!(
            plan("15", day(2026, 1, 1), Lang::Vi)
                .unwrap()
                .reporting
                .len(),
            99
        );
        // No districts after the reform; a commune has nobody under it.
        let gone = plan("089", day(2026, 1, 1), Lang::Vi)
            .err()
            .unwrap()
            .to_string();
        assert!(gone.contains("Huyện Văn Bàn"), "{gone}");
        assert!(plan("03082", day(2023, 12, 31), Lang::Vi).is_err());
    }

    #[test]
    fn the_registry_reads_back_as_a_registry() {
        let p = plan("089", day(2023, 12, 31), Lang::Vi).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("u.csv");
        std::fs::write(&path, registry_csv(&p, Lang::Vi).unwrap()).unwrap();
        let r = crate::model::registry::Registry::load(&path).unwrap();
        assert_eq!(r.units.len(), 22);
        assert!(
            r.units
                .iter()
                .all(|u| u.emails.is_empty() && u.parent == "089")
        );
    }

    #[test]
    fn the_example_deadline_follows_the_period() {
        assert_eq!(example_deadline("2023"), "15/01/2024");
        assert_eq!(example_deadline("2026-Q1"), "15/04/2026");
        assert_eq!(example_deadline("2025-H2"), "15/01/2026");
        assert_eq!(example_deadline("2024-07"), "15/08/2024");
    }
}
