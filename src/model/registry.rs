//! The unit registry: which communes are expected to report, with their
//! official codes and the other spellings their names arrive in. The registry
//! is data with a validity period (codes were reused after the 2025 merger),
//! never code. Matching a typed name to a unit is exact on normalised keys;
//! fuzzy similarity only ever *suggests* a unit in a message.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::finding::{Lang, Msg};
use crate::model::i18n::Bilingual;
use crate::model::text::{compact_key, loose_key, strip_diacritics};
pub(crate) use crate::model::unit_name::base_name;

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("{}", self.message(Lang::Vi))]
    Read { path: PathBuf, source: csv::Error },
    #[error("{}", self.message(Lang::Vi))]
    Invalid {
        path: PathBuf,
        line: u64,
        message: Msg,
    },
    /// A unit attribute the schema needs that the registry cannot give.
    #[error("{}", self.message(Lang::Vi))]
    Attribute {
        path: PathBuf,
        line: u64,
        message: crate::model::finding::Msg,
    },
    /// A new registry CSV could not be made (`write_csv`).
    #[error("{}", self.message(Lang::Vi))]
    Write { message: String },
}

impl Bilingual for RegistryError {
    fn message(&self, lang: Lang) -> String {
        match self {
            RegistryError::Read { path, source } => lang.pick(
                format!(
                    "không đọc được danh sách đơn vị {}: {source}",
                    path.display()
                ),
                format!("cannot read unit registry {}: {source}", path.display()),
            ),
            RegistryError::Invalid {
                path,
                line,
                message,
            } => lang.pick(
                format!(
                    "danh sách đơn vị {}, dòng {line}: {}",
                    path.display(),
                    message.vi
                ),
                format!(
                    "unit registry {}, line {line}: {}",
                    path.display(),
                    message.en
                ),
            ),
            RegistryError::Attribute {
                path,
                line,
                message,
            } => lang.pick(
                format!(
                    "danh sách đơn vị {}, dòng {line}: {}",
                    path.display(),
                    message.vi
                ),
                format!(
                    "unit registry {}, line {line}: {}",
                    path.display(),
                    message.en
                ),
            ),
            RegistryError::Write { message } => lang.pick(
                format!("không tạo được danh sách đơn vị: {message}"),
                format!("cannot write the unit registry: {message}"),
            ),
        }
    }
}

/// A unit as a new registry lists it (`tonghop init`, `units import`):
/// its aliases and email are left for the user to fill in.
pub(crate) struct NewUnit<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub parent: &'a str,
}

/// A new registry CSV: `note` (comment lines, each starting with "#"), the
/// header `Registry::load` reads, then one row per unit.
pub(crate) fn write_csv<'a>(
    note: &str,
    units: impl IntoIterator<Item = NewUnit<'a>>,
) -> Result<Vec<u8>, RegistryError> {
    let failed = |e: &dyn std::fmt::Display| RegistryError::Write {
        message: e.to_string(),
    };
    let mut writer = csv::Writer::from_writer(note.as_bytes().to_vec());
    writer
        .write_record(["code", "name", "kind", "aliases", "email", "parent"])
        .map_err(|e| failed(&e))?;
    for u in units {
        writer
            .write_record([u.code, u.name, u.kind, "", "", u.parent])
            .map_err(|e| failed(&e))?;
    }
    writer.into_inner().map_err(|e| failed(&e))
}

/// What is wrong with a registry row, given the rows before it: no code or
/// name, a code or an address already used, an address that is none.
fn unit_problem(
    unit: &Unit,
    codes: &mut std::collections::HashSet<String>,
    emails: &HashMap<String, usize>,
    units: &[Unit],
) -> Option<Msg> {
    if unit.code.is_empty() || unit.name.is_empty() {
        return Some(Msg::new(
            "thiếu mã hoặc tên đơn vị",
            "missing unit code or name",
        ));
    }
    if !codes.insert(unit.code.clone()) {
        return Some(Msg::new(
            format!("mã đơn vị “{}” bị trùng", unit.code),
            format!("duplicate unit code “{}”", unit.code),
        ));
    }
    if let Some(bad) = unit
        .emails
        .iter()
        .find(|e| !validator::ValidateEmail::validate_email(*e))
    {
        return Some(Msg::new(
            format!("địa chỉ thư “{bad}” không hợp lệ"),
            format!("invalid email “{bad}”"),
        ));
    }
    let (e, other) = unit
        .emails
        .iter()
        .find_map(|e| emails.get(e).map(|&other| (e, &units[other])))?;
    Some(Msg::new(
        format!("địa chỉ thư “{e}” đã ghi cho đơn vị {}", other.code),
        format!("email “{e}” is already given to unit {}", other.code),
    ))
}

#[derive(Clone, Debug, Deserialize)]
pub struct Unit {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub kind: String,
    /// Other spellings, separated by ";" in the CSV.
    #[serde(default, deserialize_with = "split_list")]
    pub aliases: Vec<String>,
    /// The addresses the unit sends reports from, separated by ";", ","
    /// or spaces in the CSV's `email` column.
    #[serde(default, rename = "email", deserialize_with = "split_emails")]
    pub emails: Vec<String>,
    #[serde(default)]
    pub parent: String,
    /// The schema's unit attributes (dân số, số hộ …) read from the CSV's
    /// columns of those names (`Registry::bind_attributes`).
    #[serde(skip)]
    pub attributes: std::collections::BTreeMap<String, Option<f64>>,
    /// The CSV's other columns, as written, and the entry's line: an
    /// attribute is read from them once the schema says which.
    #[serde(skip)]
    pub(crate) extra: std::collections::BTreeMap<String, String>,
    #[serde(skip)]
    pub(crate) line: u64,
}

impl Unit {
    /// A unit known only by its code and name (no kind, aliases, addresses
    /// or parent), as tests and callers building a registry in code need.
    pub fn named(code: &str, name: &str) -> Unit {
        Unit {
            code: code.into(),
            name: name.into(),
            kind: String::new(),
            aliases: Vec::new(),
            emails: Vec::new(),
            parent: String::new(),
            attributes: Default::default(),
            extra: Default::default(),
            line: 0,
        }
    }
}

/// The registry's own columns; any other is kept for the unit attributes.
const COLUMNS: [&str; 6] = ["code", "name", "kind", "aliases", "email", "parent"];

fn extra_columns(
    headers: &csv::StringRecord,
    record: &csv::StringRecord,
) -> std::collections::BTreeMap<String, String> {
    headers
        .iter()
        .zip(record.iter())
        .filter(|(h, _)| !COLUMNS.contains(h))
        .map(|(h, v)| (h.to_string(), v.to_string()))
        .collect()
}

fn split_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let s = String::deserialize(d)?;
    Ok(s.split(';')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect())
}

fn split_emails<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let s = String::deserialize(d)?;
    Ok(s.split([';', ',', ' ', '\t'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_lowercase)
        .collect())
}

/// One unit's value of an attribute, or why it cannot be read.
fn attribute_value(
    unit: &Unit,
    attr: &crate::model::schema::UnitAttribute,
) -> Result<Option<f64>, crate::model::finding::Msg> {
    use crate::model::finding::Msg;
    use crate::model::values::{Parsed, parse};
    let (id, label, code) = (attr.id(), &attr.label, &unit.code);
    let Some(text) = unit.extra.get(id) else {
        return Err(Msg::new(
            format!("thiếu cột “{id}” ({label}) mà lược đồ cần (unit_attributes)"),
            format!("no column “{id}” ({label}), which the schema needs (unit_attributes)"),
        ));
    };
    let cell = crate::model::book::Cell::Text(text.clone());
    match parse(&cell, attr.ty.field_type(), &[]) {
        Parsed::Ok(v) | Parsed::Coerced(v, _) => Ok(v.as_f64()),
        Parsed::Missing if !attr.required => Ok(None),
        Parsed::Missing => Err(Msg::new(
            format!("đơn vị {code} thiếu “{id}” ({label})"),
            format!("unit {code} has no “{id}” ({label})"),
        )),
        _ => Err(Msg::new(
            format!("“{id}” của đơn vị {code} không phải là số: “{text}”"),
            format!("“{id}” of unit {code} is not a number: “{text}”"),
        )),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnitMatch {
    Found(usize),
    Ambiguous(Vec<usize>),
    Unknown { suggestions: Vec<usize> },
}

#[derive(Clone, Debug)]
pub struct Registry {
    pub units: Vec<Unit>,
    pub path: PathBuf,
    /// The SHA-256 of the file as loaded ("" for a registry made in
    /// memory), recorded by the outputs.
    pub sha256: String,
    keys: Vec<Vec<NameKeys>>,
    /// Lookups by code and by each name key, so that identifying a file
    /// does not scan a province's thousands of units.
    by_code: HashMap<String, usize>,
    by_exact: HashMap<String, Vec<usize>>,
    by_loose: HashMap<String, Vec<usize>>,
    by_compact: HashMap<String, Vec<usize>>,
    by_email: HashMap<String, usize>,
}

#[derive(Clone, Debug)]
struct NameKeys {
    exact: String,
    loose: String,
    compact: String,
}

impl NameKeys {
    fn of(name: &str) -> Self {
        let base = base_name(name);
        NameKeys {
            loose: strip_diacritics(&base),
            compact: compact_key(&base),
            exact: base,
        }
    }
}

impl Registry {
    /// The name key (`unit_name::name_key`) of unit `i`'s name, then of
    /// each of its aliases: made once, when the registry was.
    pub(crate) fn name_keys(&self, i: usize) -> impl Iterator<Item = &str> {
        self.keys[i].iter().map(|k| k.loose.as_str())
    }

    pub fn load(path: &Path) -> Result<Registry, RegistryError> {
        // Read once: the bytes parsed are the bytes whose hash the outputs
        // record (`verify` compares it), even if the file changes meanwhile.
        let bytes = std::fs::read(path).map_err(|e| RegistryError::Read {
            path: path.to_path_buf(),
            source: e.into(),
        })?;
        // Lines starting with "#" are notes for whoever fills the file in
        // (`tonghop init` writes one).
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_reader(bytes.as_slice());
        let mut units: Vec<Unit> = Vec::new();
        let mut codes = std::collections::HashSet::new();
        let mut emails: HashMap<String, usize> = HashMap::new();
        let read_error = |source| RegistryError::Read {
            path: path.to_path_buf(),
            source,
        };
        let headers = reader.headers().map_err(read_error)?.clone();
        for record in reader.records() {
            let record = record.map_err(read_error)?;
            let mut unit: Unit = record.deserialize(Some(&headers)).map_err(read_error)?;
            let line = record.position().map_or(0, |p| p.line());
            unit.line = line;
            unit.extra = extra_columns(&headers, &record);
            if let Some(message) = unit_problem(&unit, &mut codes, &emails, &units) {
                return Err(RegistryError::Invalid {
                    path: path.to_path_buf(),
                    line,
                    message,
                });
            }
            emails.extend(unit.emails.iter().map(|e| (e.clone(), units.len())));
            units.push(unit);
        }
        let mut registry = Registry::new(units, path);
        registry.sha256 = crate::model::book::sha256_hex(&bytes);
        Ok(registry)
    }

    /// Reads the schema's unit attributes from the registry's columns of
    /// their ids, written as Vietnamese numbers ("12.345", "1.234,5"). A
    /// missing column, a value that is no number, or a blank one for a
    /// required attribute stops the run with the line at fault: a rate per
    /// inhabitant must never be computed from a guessed population.
    pub fn bind_attributes(
        &mut self,
        attributes: &[crate::model::schema::UnitAttribute],
    ) -> Result<(), RegistryError> {
        for attr in attributes {
            for unit in &mut self.units {
                let value =
                    attribute_value(unit, attr).map_err(|message| RegistryError::Attribute {
                        path: self.path.clone(),
                        line: unit.line,
                        message,
                    })?;
                unit.attributes.insert(attr.id().to_string(), value);
            }
        }
        Ok(())
    }

    pub fn new(units: Vec<Unit>, path: &Path) -> Registry {
        use rayon::prelude::*;
        // In parallel: a national registry has 40,000 units.
        let keys: Vec<Vec<NameKeys>> = units
            .par_iter()
            .map(|u| {
                std::iter::once(&u.name)
                    .chain(&u.aliases)
                    .map(|n| NameKeys::of(n))
                    .collect()
            })
            .collect();
        let mut by_code = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            by_code.entry(u.code.clone()).or_insert(i);
        }
        let index = |key: fn(&NameKeys) -> &String| {
            let mut map: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, unit_keys) in keys.iter().enumerate() {
                for k in unit_keys {
                    let units = map.entry(key(k).clone()).or_default();
                    if units.last() != Some(&i) {
                        units.push(i);
                    }
                }
            }
            map
        };
        let (by_exact, by_loose, by_compact) = (
            index(|k| &k.exact),
            index(|k| &k.loose),
            index(|k| &k.compact),
        );
        let mut by_email = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            for e in &u.emails {
                by_email.entry(e.clone()).or_insert(i);
            }
        }
        Registry {
            units,
            path: path.to_path_buf(),
            sha256: String::new(),
            keys,
            by_code,
            by_exact,
            by_loose,
            by_compact,
            by_email,
        }
    }

    /// Whether any unit lists an email address (the sender checks need it).
    pub fn has_emails(&self) -> bool {
        !self.by_email.is_empty()
    }

    /// The unit an email address belongs to (case-insensitive).
    pub fn find_email(&self, address: &str) -> Option<usize> {
        self.by_email.get(&address.trim().to_lowercase()).copied()
    }

    pub fn find_code(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// Matches a unit name as typed in a cell.
    pub fn match_name(&self, typed: &str) -> UnitMatch {
        let probe = NameKeys::of(typed);
        if probe.exact.is_empty() {
            return UnitMatch::Unknown {
                suggestions: Vec::new(),
            };
        }
        if let Some(code_match) = self.find_code(typed.trim()) {
            return UnitMatch::Found(code_match);
        }
        let tiers = [
            self.by_exact.get(&probe.exact),
            self.by_loose.get(&probe.loose),
            self.by_compact.get(&probe.compact),
        ];
        for tier in tiers {
            match tier.map_or(&[][..], Vec::as_slice) {
                [] => continue,
                [one] => return UnitMatch::Found(*one),
                many => return UnitMatch::Ambiguous(many.to_vec()),
            }
        }
        UnitMatch::Unknown {
            suggestions: self.suggest(&probe.loose),
        }
    }

    /// Finds a unit whose name appears glued or spaced in a file name
    /// ("BC_PCMD_2023_KhanhYenTrung", "bao cao nam cha 2023"). The longest
    /// matching name wins, so "Khánh Yên Thượng" beats "Khánh Yên".
    pub fn match_file_name(&self, stem: &str) -> UnitMatch {
        let spaced = loose_key(&split_camel(stem));
        let compact = spaced.replace(' ', "");
        let padded = format!(" {spaced} ");
        let mut best: Vec<(usize, usize)> = Vec::new();
        for (i, keys) in self.keys.iter().enumerate() {
            for k in keys {
                let hit = compact.contains(&k.compact)
                    && (padded.contains(&format!(" {} ", k.loose)) || k.compact.len() >= 6);
                if hit {
                    best.push((k.compact.len(), i));
                }
            }
        }
        best.sort_by(|a, b| b.cmp(a));
        best.dedup_by_key(|x| x.1);
        match best.as_slice() {
            [] => UnitMatch::Unknown {
                suggestions: self.suggest_in_words(&spaced),
            },
            [(_, one)] => UnitMatch::Found(*one),
            [(l1, a), (l2, _), ..] if l1 > l2 => UnitMatch::Found(*a),
            many => {
                let top = many[0].0;
                UnitMatch::Ambiguous(
                    many.iter()
                        .filter(|(l, _)| *l == top)
                        .map(|(_, i)| *i)
                        .collect(),
                )
            }
        }
    }

    /// Units whose name resembles some run of words of a file name
    /// ("bao cao nam cha 2023" → Nậm Chầy), best first, for a suggestion.
    fn suggest_in_words(&self, spaced: &str) -> Vec<usize> {
        let words: Vec<&str> = spaced.split(' ').filter(|w| !w.is_empty()).collect();
        let mut scored: Vec<(f64, usize)> = Vec::new();
        for (i, keys) in self.keys.iter().enumerate() {
            let best = keys
                .iter()
                .flat_map(|k| {
                    let n = k.loose.split(' ').count();
                    words
                        .windows(n)
                        .map(move |w| strsim::jaro_winkler(&w.join(" "), &k.loose))
                })
                .fold(0.0, f64::max);
            if best >= 0.9 {
                scored.push((best, i));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(3).map(|(_, i)| i).collect()
    }

    /// Up to three registry units whose names resemble the typed one.
    pub fn suggest(&self, loose: &str) -> Vec<usize> {
        let mut scored: Vec<(f64, usize)> = self
            .keys
            .iter()
            .enumerate()
            .map(|(i, keys)| {
                let best = keys
                    .iter()
                    .map(|k| strsim::jaro_winkler(&k.loose, loose))
                    .fold(0.0, f64::max);
                (best, i)
            })
            .filter(|(score, _)| *score >= 0.8)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(3).map(|(_, i)| i).collect()
    }
}

/// "KhanhYenTrung" → "Khanh Yen Trung"; separators become spaces.
fn split_camel(s: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_lowercase();
        out.push(if c.is_alphanumeric() { c } else { ' ' });
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn van_ban() -> Registry {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/units/van-ban-2023.csv");
        Registry::load(&path).expect("registry loads")
    }

    #[test]
    fn a_written_registry_loads_back() {
        let units = [("01", "Xã A, \"Mới\"", "Xã"), ("02", "Phường B", "Phường")];
        let bytes = write_csv(
            "# Ghi chú; hãy điền email.\n",
            units.iter().map(|(code, name, kind)| NewUnit {
                code,
                name,
                kind,
                parent: "089",
            }),
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("don-vi.csv");
        std::fs::write(&path, bytes).unwrap();
        let r = Registry::load(&path).unwrap();
        let read: Vec<(&str, &str, &str, &str)> = r
            .units
            .iter()
            .map(|u| {
                (
                    u.code.as_str(),
                    u.name.as_str(),
                    u.kind.as_str(),
                    u.parent.as_str(),
                )
            })
            .collect();
        assert_eq!(
            read,
            [
                ("01", "Xã A, \"Mới\"", "Xã", "089"),
                ("02", "Phường B", "Phường", "089")
            ]
        );
        let failed = RegistryError::Write {
            message: "disk full".into(),
        };
        assert_eq!(
            failed.message(Lang::Vi),
            "không tạo được danh sách đơn vị: disk full"
        );
        assert_eq!(
            failed.message(Lang::En),
            "cannot write the unit registry: disk full"
        );
    }

    fn code(r: &Registry, m: UnitMatch) -> String {
        match m {
            UnitMatch::Found(i) => r.units[i].code.clone(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn district_and_province_names_lose_their_level() {
        assert_eq!(base_name("UBND HUYỆN VĂN BÀN"), "văn bàn");
        assert_eq!(base_name("Huyện Văn Bàn, tỉnh Lào Cai"), "văn bàn");
        assert_eq!(base_name("Thị xã Sa Pa"), "sa pa");
        assert_eq!(base_name("Tỉnh Lào Cai"), "lào cai");
        // Compared with diacritics: "Quan" is a name, "Quận" a level.
        assert_eq!(base_name("Xã Quan Sơn"), "quan sơn");
        assert_eq!(base_name("Huyen Van Ban"), "van ban");
        assert_eq!(base_name("Xa Quan Son"), "quan son");
    }

    #[test]
    fn base_names() {
        assert_eq!(base_name("UBND XÃ KHÁNH YÊN THƯỢNG"), "khánh yên thượng");
        assert_eq!(base_name("X. Nậm Xây"), "nậm xây");
        assert_eq!(base_name("TT. Khánh Yên"), "khánh yên");
        assert_eq!(base_name("Ủy ban nhân dân thị trấn Khánh Yên"), "khánh yên");
        assert_eq!(base_name("Xã Võ Lao, huyện Văn Bàn"), "võ lao");
    }

    #[test]
    fn names_in_every_shape() {
        let r = van_ban();
        for (typed, expected) in [
            ("UBND XÃ KHÁNH YÊN THƯỢNG", "03082"),
            ("X. Nậm Xây", "03121"),
            ("TT Khánh Yên", "03055"),
            ("Thị trấn Khánh Yên", "03055"),
            ("Khanh Yen Thuong", "03082"),
            ("Xã Nậm Dạng", "03073"),
            ("Xã Thẳm Dương", "03115"),
            ("Xã Hòa Mạc", "03097"),
            ("Xã Sơn Thủy", "03064"),
            ("xã nậm chày", "03076"),
        ] {
            assert_eq!(code(&r, r.match_name(typed)), expected, "{typed}");
        }
    }

    #[test]
    fn unknown_names_get_suggestions_not_matches() {
        let r = van_ban();
        match r.match_name("Xã Nậm Chầyy") {
            UnitMatch::Unknown { suggestions } => assert_eq!(r.units[suggestions[0]].code, "03076"),
            other => panic!("fuzzy must not identify: {other:?}"),
        }
        assert!(matches!(
            r.match_name("Xã Bảo Hà"),
            UnitMatch::Unknown { .. }
        ));
    }

    #[test]
    fn emails_are_lists_and_found_case_insensitively() {
        let r = van_ban();
        let kyt = r.find_code("03082").unwrap();
        assert!(r.units[kyt].emails.len() >= 2, "{:?}", r.units[kyt].emails);
        for address in &r.units[kyt].emails {
            assert_eq!(r.find_email(&address.to_uppercase()), Some(kyt));
        }
        assert_eq!(r.find_email("someone@example.com"), None);
        assert!(r.has_emails());
    }

    #[test]
    fn file_names() {
        let r = van_ban();
        assert_eq!(
            code(&r, r.match_file_name("BC_PCMD_2023_KhanhYenTrung")),
            "03100"
        );
        assert_eq!(
            code(&r, r.match_file_name("BC_PCMD_2023_KhanhYenThuong")),
            "03082"
        );
        assert_eq!(
            code(&r, r.match_file_name("bao cao mai dam nam 2023 - Vo Lao")),
            "03061"
        );
        assert!(matches!(
            r.match_file_name("bao cao 2023"),
            UnitMatch::Unknown { .. }
        ));
    }
}
