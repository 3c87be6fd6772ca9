//! Compiles the bundled national lists of `data/dvhc/` into static tables
//! for `model::national`: the units in the list's order as spans of one
//! text, their indices in code order (a lookup is a binary search) and each
//! unit's children in code order. Every run needs the list (the registry is checked against it when
//! a project loads); parsing the 1 MB of CSV at every start was most of the
//! instructions of a one-file `check`.
//!
//! The tables are made exactly as the parser they replace made its list:
//! rows in file order, each province and district added at its first row,
//! a code seen before skipped. Each unit's name key (`unit_name::name_key`,
//! what suggestions compare) is stored too, made by the crate's own code.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

// The crate's own text keys: the same code, not a copy.
#[allow(dead_code)]
#[path = "src/model/text.rs"]
mod text;
#[allow(dead_code)]
#[path = "src/model/unit_name.rs"]
mod unit_name;

/// One unit as the generated code spells it.
struct Unit {
    code: String,
    name: String,
    kind: String,
    /// 0 province, 1 district, 2 commune.
    level: u8,
    parent: String,
}

/// The units of one list, with the index of each code.
#[derive(Default)]
struct List {
    units: Vec<Unit>,
    by_code: HashMap<String, usize>,
}

impl List {
    fn add(&mut self, unit: Unit) {
        if !self.by_code.contains_key(&unit.code) {
            self.by_code.insert(unit.code.clone(), self.units.len());
            self.units.push(unit);
        }
    }
}

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut code = String::new();
    for (name, file) in [
        ("BEFORE", "data/dvhc/don-vi-2025-03.csv"),
        ("AFTER", "data/dvhc/don-vi-2025-07.csv"),
    ] {
        println!("cargo::rerun-if-changed={file}");
        emit(&mut code, name, &parse(Path::new(file)));
    }
    for file in ["build.rs", "src/model/text.rs", "src/model/unit_name.rs"] {
        println!("cargo::rerun-if-changed={file}");
    }
    std::fs::write(out.join("dvhc.rs"), code).expect("OUT_DIR is writable");
}

/// "Tỉnh Lào Cai" → "Tỉnh"; "Thành phố Hà Nội" → "Thành phố".
fn province_kind(name: &str) -> &'static str {
    if name.starts_with("Thành phố") {
        "Thành phố"
    } else {
        "Tỉnh"
    }
}

/// A bundled CSV as a list. The files are part of the source: a malformed
/// one fails the build.
fn parse(path: &Path) -> List {
    let mut reader = csv::Reader::from_path(path).expect("the bundled list is readable");
    let headers = reader.headers().expect("the list has a header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let need = |name: &str| col(name).unwrap_or_else(|| panic!("{path:?} has no {name}"));
    let (pc, pn, c, n, k) = (
        need("province_code"),
        need("province_name"),
        need("code"),
        need("name"),
        need("kind"),
    );
    let district = match (
        col("district_code"),
        col("district_name"),
        col("district_kind"),
    ) {
        (Some(dc), Some(dn), Some(dk)) => Some((dc, dn, dk)),
        _ => None,
    };
    let mut list = List::default();
    for row in reader.records() {
        let r = row.expect("the bundled list's rows are well formed");
        // The unit of `level` in columns (code, name) of this row.
        let unit = |(code, name): (usize, usize), kind: &str, level: u8, parent: &str| Unit {
            code: r[code].to_string(),
            name: r[name].to_string(),
            kind: kind.to_string(),
            level,
            parent: parent.to_string(),
        };
        list.add(unit((pc, pn), province_kind(&r[pn]), 0, ""));
        let mut parent = &r[pc];
        if let Some((dc, dn, dk)) = district {
            list.add(unit((dc, dn), &r[dk], 1, parent));
            parent = &r[dc];
        }
        list.add(unit((c, n), &r[k], 2, parent));
    }
    assert!(list.units.len() < usize::from(u16::MAX), "indices are u16");
    list
}

/// `{NAME}_TEXT` (every distinct string of the list, once),
/// `{NAME}_UNITS` (per unit its code, name, kind, parent and name key as
/// spans of the text, and its level: 0 province, 1 district, 2 commune),
/// `{NAME}_BY_CODE`, `{NAME}_CHILDREN` and `{NAME}_CHILDREN_AT` (where each
/// unit's children start in `_CHILDREN`; one more entry than units).
/// Integers rather than `&str`s: a pointer in a static is a relocation the
/// loader applies at every start of every process (56,000 of them here,
/// ~1.5 ms), whether the list is used or not.
fn emit(out: &mut String, name: &str, list: &List) {
    let units = &list.units;
    let mut text = String::new();
    let mut spans: HashMap<String, u32> = HashMap::new();
    let mut span = |s: &str| -> u32 {
        *spans.entry(s.to_string()).or_insert_with(|| {
            let start = u32::try_from(text.len()).expect("a small text");
            assert!(start < 1 << 24 && s.len() < 256, "spans are 24 + 8 bits");
            text.push_str(s);
            (start << 8) | s.len() as u32
        })
    };
    let mut rows = String::new();
    for u in units {
        let (c, n, k, p) = (span(&u.code), span(&u.name), span(&u.kind), span(&u.parent));
        let key = span(&unit_name::name_key(&u.name));
        writeln!(rows, "({c},{n},{k},{p},{key},{}),", u.level).unwrap();
    }
    writeln!(out, "static {name}_TEXT: &str = {text:?};").unwrap();
    writeln!(
        out,
        "static {name}_UNITS: [RawUnit; {}] = [\n{rows}];",
        units.len()
    )
    .unwrap();
    let mut by_code: Vec<usize> = (0..units.len()).collect();
    by_code.sort_by(|&a, &b| units[a].code.cmp(&units[b].code));
    indices(out, &format!("{name}_BY_CODE"), &by_code);
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
    for (i, u) in units.iter().enumerate() {
        if let Some(&p) = list.by_code.get(&u.parent) {
            children[p].push(i);
        }
    }
    let mut starts = vec![0];
    let mut flat = Vec::new();
    for mut c in children {
        c.sort_by(|&a, &b| units[a].code.cmp(&units[b].code));
        flat.extend(c);
        starts.push(flat.len());
    }
    indices(out, &format!("{name}_CHILDREN"), &flat);
    indices(out, &format!("{name}_CHILDREN_AT"), &starts);
}

fn indices(out: &mut String, name: &str, values: &[usize]) {
    writeln!(out, "static {name}: [u16; {}] = [", values.len()).unwrap();
    for chunk in values.chunks(20) {
        let line: Vec<String> = chunk.iter().map(usize::to_string).collect();
        writeln!(out, "{},", line.join(",")).unwrap();
    }
    out.push_str("];\n");
}
