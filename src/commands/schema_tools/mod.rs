//! `tonghop schema`: tools for writing schemas. `infer` reads a form (any
//! format `check` reads, blank or filled) and writes a draft schema with a
//! comment on every guess (`infer` → `guess` → `draft`); `check` loads a
//! schema with today's checks, adds the lints a load does not refuse
//! (`lint`) and prints what a commune file must look like (`describe`).
//! Exit codes of `check`: 0 clean, 1 warnings, 2 the schema does not load.

mod describe;
mod draft;
mod guess;
mod infer;
mod lint;
mod shapes;

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::Outcome;
use crate::cli::{InferArgs, SchemaCheckArgs};
use crate::model::finding::Lang;
use crate::model::schema::Schema;
use crate::read::ingest::Limits;

/// `tonghop schema infer FORM [-o SCHEMA]`.
pub(crate) fn infer_command(args: &InferArgs, lang: Lang) -> anyhow::Result<Outcome> {
    if let Some(out) = &args.output
        && out.exists()
    {
        anyhow::bail!(lang.pick(
            format!("{} đã có; hãy chọn tên khác (không ghi đè)", out.display()),
            format!(
                "{} exists; choose another name (never overwritten)",
                out.display()
            )
        ));
    }
    let text = infer_text(&args.form, lang)?;
    match &args.output {
        Some(out) => {
            write_new(out, &text, lang)?;
            eprintln!(
                "{}",
                lang.pick(
                    format!("Đã ghi lược đồ nháp {}", out.display()),
                    format!("Draft schema written to {}", out.display())
                )
            );
        }
        None => print!("{text}"),
    }
    tell_whether_it_loads(&text, args.output.as_deref(), lang);
    Ok(Outcome::Clean)
}

/// The draft of one form file, as TOML text.
pub(crate) fn infer_text(form: &Path, lang: Lang) -> anyhow::Result<String> {
    let limits = Limits::default();
    let (_, parsed) = crate::read::ingest::read_file(form, &limits);
    let mut book =
        parsed.map_err(|finding| anyhow::anyhow!(finding.message.get(lang).to_string()))?;
    crate::read::legacy::decode_book(&mut book);
    // The file was read within the limits: its drop-downs and number rules.
    let mut validations = std::fs::read(form)
        .map(|bytes| crate::read::validations::of_xlsx(&bytes, &limits))
        .unwrap_or_default();
    crate::read::validations::resolve_lists(&mut validations, &book);
    let stem = form
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let draft = infer::infer(&book, &stem, &validations).with_context(|| {
        lang.pick(
            format!(
                "không thấy bảng chỉ tiêu hay danh sách nào trong {}",
                form.display()
            ),
            format!("no form table or list found in {}", form.display()),
        )
    })?;
    let name = form
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(draft::to_toml(&draft, &name))
}

/// Writes the draft under a temporary name, then renames it into place.
fn write_new(out: &Path, text: &str, lang: Lang) -> anyhow::Result<()> {
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .with_context(|| {
            lang.pick(
                format!(
                    "{}: cần tên tệp cho lược đồ nháp (ví dụ moi.toml)",
                    out.display()
                ),
                format!(
                    "{}: the draft needs a file name (e.g. new.toml)",
                    out.display()
                ),
            )
        })?
        .to_string_lossy()
        .into_owned();
    crate::output::commit(&dir, vec![(name, text.as_bytes().to_vec())])?;
    Ok(())
}

/// Says on stderr whether the draft loads as it is: a draft with several
/// value columns per row uses keys this build may not know yet.
fn tell_whether_it_loads(text: &str, out: Option<&Path>, lang: Lang) {
    let path = out.unwrap_or(Path::new("schema.toml"));
    match Schema::parse(text, path) {
        Ok(_) => eprintln!(
            "{}",
            lang.pick(
                "Lược đồ nháp đọc được; hãy xem lại các chỗ “# đoán:”.",
                "The draft loads; review every “# đoán:” (guess) comment."
            )
        ),
        Err(e) => eprintln!(
            "{}",
            lang.pick(
                format!("Lưu ý: lược đồ nháp chưa đọc được như hiện có: {e}"),
                format!("Note: the draft does not load as it is: {e}")
            )
        ),
    }
}

/// `tonghop schema check SCHEMA`: exit 2 when it does not load (the error
/// goes up to `main`), 1 with lint warnings, 0 clean.
pub(crate) fn check_command(args: &SchemaCheckArgs, lang: Lang) -> anyhow::Result<Outcome> {
    let schema = Schema::load(&args.file)?;
    let text = std::fs::read_to_string(&args.file)?;
    let warnings = lint::lint(&schema, &text);
    print!("{}", lint::render(&warnings, &args.file, lang));
    print!("{}", describe::describe(&schema, lang));
    Ok(if warnings.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
