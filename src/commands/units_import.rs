//! `tonghop units import FILE.xls`: the statistics office's export of
//! administrative units (the .xls its website gives: one row per commune with
//! its district and province) → a registry CSV, for a list newer than the
//! bundled one. Columns are found by their header labels ("Mã PX"/"Mã xã",
//! "Phường Xã"/"Tên xã", "Cấp"…), never by position; a row that cannot be
//! read stops the import with its row number rather than being dropped.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context, bail};

use crate::cli::ImportArgs;
use crate::model::book::{Cell, Sheet};
use crate::model::finding::Lang;
use crate::model::registry::{NewUnit, write_csv};
use crate::model::text::{clean, loose_key};
use crate::read::ingest::Limits;

/// Which column a header label names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    ProvinceCode,
    ProvinceName,
    DistrictCode,
    DistrictName,
    CommuneCode,
    CommuneName,
    Kind,
}

/// "Mã PX" → commune code; "Quận Huyện" → district name; "Cấp" → kind;
/// "Tên Tiếng Anh" → nothing.
fn classify(label: &str) -> Option<Column> {
    let key = loose_key(label);
    let words: Vec<&str> = key.split(' ').collect();
    let has = |w: &str| words.contains(&w);
    if key == "cap" {
        return Some(Column::Kind);
    }
    let code = words.first() == Some(&"ma");
    let level = if has("xa") || has("px") || has("phuong") {
        (Column::CommuneCode, Column::CommuneName)
    } else if has("huyen") || has("qh") || has("quan") {
        (Column::DistrictCode, Column::DistrictName)
    } else if has("tinh") || has("tp") || key.contains("thanh pho") {
        (Column::ProvinceCode, Column::ProvinceName)
    } else {
        return None;
    };
    Some(if code { level.0 } else { level.1 })
}

/// The header row: the first of a sheet's first rows naming both a commune
/// code and a commune name column; with the column of each label.
fn find_header(sheet: &Sheet) -> Option<(u32, Vec<(Column, u32)>)> {
    (0..sheet.row_end().min(30)).find_map(|r| {
        let mut columns: Vec<(Column, u32)> = Vec::new();
        for (c, cell) in sheet.row(r) {
            if let Some(kind) = classify(&cell.as_text())
                && !columns.iter().any(|(k, _)| *k == kind)
            {
                columns.push((kind, c));
            }
        }
        let has = |k| columns.iter().any(|(x, _)| *x == k);
        (has(Column::CommuneCode) && has(Column::CommuneName)).then_some((r, columns))
    })
}

/// One commune of the export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImportedUnit {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub district_code: String,
    pub district_name: String,
    pub province_code: String,
    pub province_name: String,
}

/// A code as the office writes it: digits, with the leading zeros a
/// spreadsheet may have dropped restored ("2635" → "02635").
fn code_text(cell: &Cell, width: usize) -> Option<String> {
    let text = match cell {
        Cell::Number(n) if n.fract() == 0.0 && *n >= 0.0 => format!("{}", *n as u64),
        other => clean(&other.as_text()),
    };
    (!text.is_empty() && text.len() <= width && text.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("{text:0>width$}"))
}

/// "Xã Nậm Xây" → "Xã"; "Thị trấn Khánh Yên" → "Thị trấn".
fn kind_from_name(name: &str) -> String {
    ["Thị trấn", "Phường", "Xã", "Đặc khu"]
        .into_iter()
        .find(|k| name.starts_with(k))
        .unwrap_or_default()
        .to_string()
}

/// Reads the export: every commune row, in file order.
pub(crate) fn read_export(path: &Path, lang: Lang) -> anyhow::Result<Vec<ImportedUnit>> {
    let (_, book) = crate::read::ingest::read_file(path, &Limits::default());
    let book = book.map_err(|f| anyhow::anyhow!(f.message.get(lang).to_string()))?;
    let Some((sheet, (header, columns))) = book
        .sheets
        .iter()
        .find_map(|s| find_header(s).map(|h| (s, h)))
    else {
        bail!(lang.pick(
            format!(
                "{}: không tìm thấy dòng tiêu đề có cột mã xã (“Mã PX”, “Mã xã”) và tên xã (“Phường Xã”, “Tên xã”)",
                path.display()
            ),
            format!(
                "{}: no header row with a commune code column (“Mã PX”, “Mã xã”) and a commune name column (“Phường Xã”, “Tên xã”)",
                path.display()
            ),
        ));
    };
    let export = Export { sheet, columns };
    let (units, problems) = export.units(header, lang);
    if !problems.is_empty() {
        bail!(lang.pick(
            format!(
                "{}, trang “{}”: không đọc được mã hoặc tên xã (thiếu, sai hoặc trùng mã) ở {}",
                path.display(),
                sheet.name,
                problems.join(", ")
            ),
            format!(
                "{}, sheet “{}”: a commune code or name cannot be read (missing, invalid or repeated) on {}",
                path.display(),
                sheet.name,
                problems.join(", ")
            ),
        ));
    }
    if units.is_empty() {
        bail!(lang.pick(
            format!("{}: không có dòng đơn vị nào dưới tiêu đề", path.display()),
            format!("{}: no unit rows under the header", path.display()),
        ));
    }
    Ok(units)
}

/// The export's sheet and the columns its header row names.
struct Export<'a> {
    sheet: &'a Sheet,
    columns: Vec<(Column, u32)>,
}

impl Export<'_> {
    fn col(&self, k: Column) -> Option<u32> {
        self.columns.iter().find(|(x, _)| *x == k).map(|(_, c)| *c)
    }

    fn text(&self, r: u32, k: Column) -> String {
        self.col(k)
            .map(|c| clean(&self.sheet.get(r, c).as_text()))
            .unwrap_or_default()
    }

    fn code(&self, r: u32, k: Column, width: usize) -> Option<String> {
        self.col(k)
            .and_then(|c| code_text(self.sheet.get(r, c), width))
    }

    /// Every unit row under the header, and the rows that cannot be read
    /// (no code or name, or a code seen before).
    fn units(&self, header: u32, lang: Lang) -> (Vec<ImportedUnit>, Vec<String>) {
        let mut units = Vec::new();
        let mut seen = HashSet::new();
        let mut problems = Vec::new();
        let row = |r: u32| format!("{} {}", lang.pick("dòng", "row"), r + 1);
        for r in header + 1..self.sheet.row_end() {
            if self.sheet.row_is_blank(r) {
                continue;
            }
            let name = self.text(r, Column::CommuneName);
            let Some(unit_code) = self
                .code(r, Column::CommuneCode, 5)
                .filter(|_| !name.is_empty())
            else {
                problems.push(row(r));
                continue;
            };
            if !seen.insert(unit_code.clone()) {
                problems.push(format!("{} ({unit_code})", row(r)));
                continue;
            }
            units.push(self.unit(r, unit_code, name));
        }
        (units, problems)
    }

    fn unit(&self, r: u32, code: String, name: String) -> ImportedUnit {
        let kind = Some(self.text(r, Column::Kind))
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| kind_from_name(&name));
        ImportedUnit {
            code,
            name,
            kind,
            district_code: self.code(r, Column::DistrictCode, 3).unwrap_or_default(),
            district_name: self.text(r, Column::DistrictName),
            province_code: self.code(r, Column::ProvinceCode, 2).unwrap_or_default(),
            province_name: self.text(r, Column::ProvinceName),
        }
    }
}

/// The registry CSV of the communes, each with its district (or province,
/// when the export has no district column) as parent.
pub(crate) fn registry_csv(
    units: &[ImportedUnit],
    source: &str,
    lang: Lang,
) -> anyhow::Result<Vec<u8>> {
    let note = lang.pick(
        format!(
            "# Từ tệp danh mục của Tổng cục Thống kê {source}: {} đơn vị. Hãy ghi vào cột email địa chỉ thư mỗi đơn vị dùng để gửi báo cáo. Dòng bắt đầu bằng # là ghi chú.\n",
            units.len()
        ),
        format!(
            "# From the statistics office's export {source}: {} units. Fill in the email column with the address(es) each unit sends its reports from. Lines starting with # are notes.\n",
            units.len()
        ),
    );
    let rows = units.iter().map(|u| NewUnit {
        code: &u.code,
        name: &u.name,
        kind: &u.kind,
        parent: if u.district_code.is_empty() {
            &u.province_code
        } else {
            &u.district_code
        },
    });
    Ok(write_csv(&note, rows)?)
}

/// Runs `tonghop units import`: the CSV on stdout or in `-o`, a summary.
pub(crate) fn run(args: &ImportArgs, lang: Lang) -> anyhow::Result<String> {
    let units = units_of(args, lang)?;
    let source = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = registry_csv(&units, &source, lang)?;
    let summary = import_summary(&units, &args.file, lang);
    match &args.output {
        Some(out) => {
            let tmp = out.with_extension("tmp-import");
            std::fs::write(&tmp, &bytes).with_context(|| tmp.display().to_string())?;
            std::fs::rename(&tmp, out).with_context(|| out.display().to_string())?;
            Ok(format!(
                "{summary}{}\n",
                lang.pick(
                    format!("Đã ghi {}", out.display()),
                    format!("Written to {}", out.display())
                )
            ))
        }
        None => {
            // The CSV alone on stdout, so that it can be redirected.
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
            eprint!("{summary}");
            Ok(String::new())
        }
    }
}

/// The export's communes, only those of `--unit` when it is given.
fn units_of(args: &ImportArgs, lang: Lang) -> anyhow::Result<Vec<ImportedUnit>> {
    let mut units = read_export(&args.file, lang)?;
    if let Some(code) = &args.unit {
        let code = code.trim();
        units.retain(|u| u.district_code == code || u.province_code == code);
        if units.is_empty() {
            bail!(lang.pick(
                format!(
                    "không có xã nào của đơn vị mã “{code}” trong {}",
                    args.file.display()
                ),
                format!(
                    "no commune of the unit with code “{code}” in {}",
                    args.file.display()
                ),
            ));
        }
    }
    Ok(units)
}

/// "Read 22 communes of 1 districts, 1 provinces from …".
fn import_summary(units: &[ImportedUnit], file: &Path, lang: Lang) -> String {
    let districts: HashSet<&str> = units.iter().map(|u| u.district_code.as_str()).collect();
    let provinces: HashSet<&str> = units.iter().map(|u| u.province_code.as_str()).collect();
    lang.pick(
        format!(
            "Đã đọc {} xã, phường, thị trấn của {} huyện, {} tỉnh từ {}.\n",
            units.len(),
            districts.len(),
            provinces.len(),
            file.display()
        ),
        format!(
            "Read {} communes of {} districts, {} provinces from {}.\n",
            units.len(),
            districts.len(),
            provinces.len(),
            file.display()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_labels_of_both_export_styles() {
        for (label, column) in [
            ("Tỉnh Thành Phố", Some(Column::ProvinceName)),
            ("Mã TP", Some(Column::ProvinceCode)),
            ("Quận Huyện", Some(Column::DistrictName)),
            ("Mã QH", Some(Column::DistrictCode)),
            ("Phường Xã", Some(Column::CommuneName)),
            ("Mã PX", Some(Column::CommuneCode)),
            ("Cấp", Some(Column::Kind)),
            ("Tên Tiếng Anh", None),
            ("Mã tỉnh", Some(Column::ProvinceCode)),
            ("Tên huyện", Some(Column::DistrictName)),
            ("Mã xã", Some(Column::CommuneCode)),
            ("Tên xã", Some(Column::CommuneName)),
        ] {
            assert_eq!(classify(label), column, "{label}");
        }
    }

    #[test]
    fn another_layout_is_read_by_its_labels() {
        // scripts/make_unit_list_fixture.py: title row, columns reordered,
        // numeric codes, no "Cấp" column.
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/xlwt/unit-list-other-layout.xls");
        let units = read_export(&path, Lang::Vi).expect("the list reads");
        let got: Vec<(&str, &str, &str, &str, &str)> = units
            .iter()
            .map(|u| {
                (
                    u.code.as_str(),
                    u.name.as_str(),
                    u.kind.as_str(),
                    u.district_code.as_str(),
                    u.province_code.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("03055", "Thị trấn Khánh Yên", "Thị trấn", "089", "10"),
                ("03061", "Xã Võ Lao", "Xã", "089", "10"),
                ("02635", "Phường Duyên Hải", "Phường", "080", "10"),
            ]
        );
    }

    #[test]
    fn codes_keep_their_leading_zeros() {
        assert_eq!(
            code_text(&Cell::Number(2635.0), 5).as_deref(),
            Some("02635")
        );
        assert_eq!(
            code_text(&Cell::Text("10".into()), 2).as_deref(),
            Some("10")
        );
        assert_eq!(code_text(&Cell::Text("1x".into()), 2), None);
        assert_eq!(code_text(&Cell::Text("123456".into()), 5), None);
    }
}
