//! The national lists of administrative units, bundled with the tool: every
//! province, district and commune on 1 March 2025 (three levels) and from
//! 1 July 2025 (two levels: the district level was abolished). The CSVs of
//! `data/dvhc/` are compiled in and parsed on first use, only by the
//! commands that need them.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::model::registry::base_name;
use crate::model::text::strip_diacritics;

const BEFORE_CSV: &str = include_str!("../../data/dvhc/don-vi-2025-03.csv");
const AFTER_CSV: &str = include_str!("../../data/dvhc/don-vi-2025-07.csv");

/// The day the two-level local government took effect (Nghị quyết
/// 202/2025/QH15): districts ceased to exist, communes were merged.
pub(crate) fn reform_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).expect("a valid date")
}

/// Which national list a date falls in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edition {
    /// Before 1 July 2025: provinces, districts, communes (list of 1 March 2025).
    Before2025Reform,
    /// From 1 July 2025: provinces and communes.
    After2025Reform,
}

impl Edition {
    pub fn on(date: NaiveDate) -> Edition {
        if date < reform_date() {
            Edition::Before2025Reform
        } else {
            Edition::After2025Reform
        }
    }

    /// The list's file name, as cited in messages.
    pub fn file_name(self) -> &'static str {
        match self {
            Edition::Before2025Reform => "don-vi-2025-03.csv",
            Edition::After2025Reform => "don-vi-2025-07.csv",
        }
    }

    pub fn label(self, lang: crate::model::finding::Lang) -> &'static str {
        match (self, lang) {
            (Edition::Before2025Reform, crate::model::finding::Lang::Vi) => {
                "danh mục đơn vị hành chính ngày 01/3/2025 (trước 01/7/2025, 3 cấp)"
            }
            (Edition::After2025Reform, crate::model::finding::Lang::Vi) => {
                "danh mục đơn vị hành chính từ 01/7/2025 (2 cấp)"
            }
            (Edition::Before2025Reform, crate::model::finding::Lang::En) => {
                "the administrative units of 1 March 2025 (before 1 July 2025, 3 levels)"
            }
            (Edition::After2025Reform, crate::model::finding::Lang::En) => {
                "the administrative units from 1 July 2025 (2 levels)"
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Province,
    District,
    Commune,
}

impl Level {
    pub fn name(self, lang: crate::model::finding::Lang) -> &'static str {
        match (self, lang) {
            (Level::Province, crate::model::finding::Lang::Vi) => "tỉnh",
            (Level::District, crate::model::finding::Lang::Vi) => "huyện",
            (Level::Commune, crate::model::finding::Lang::Vi) => "xã",
            (Level::Province, crate::model::finding::Lang::En) => "province",
            (Level::District, crate::model::finding::Lang::En) => "district",
            (Level::Commune, crate::model::finding::Lang::En) => "commune",
        }
    }
}

/// One unit of a national list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NationalUnit {
    pub code: String,
    /// The official name with its prefix: "Xã Võ Lao", "Huyện Văn Bàn".
    pub name: String,
    /// "Xã", "Phường", "Thị trấn", "Đặc khu", "Huyện", "Quận", "Tỉnh"…
    pub kind: String,
    pub level: Level,
    /// The code of the unit it belongs to ("" for a province).
    pub parent: String,
}

/// A national list: its units in the list's order (provinces, then each
/// district, then each commune in code order within its parent) and an index
/// by code. Codes of the three levels differ in length (2, 3, 5 digits), so
/// one index serves all.
#[derive(Debug)]
pub struct NationalList {
    pub edition: Edition,
    pub units: Vec<NationalUnit>,
    by_code: HashMap<String, usize>,
    children: HashMap<String, Vec<usize>>,
    /// Each unit's name without prefix and diacritics, made on the first
    /// suggestion so that a list is normalised once, not once per question.
    name_keys: OnceLock<Vec<NameKey>>,
}

/// A name as suggestions compare it, with what bounds its similarity.
#[derive(Debug)]
struct NameKey {
    key: String,
    chars: usize,
    /// Characters counted by `bucket`.
    histogram: [u16; BUCKETS],
}

impl NameKey {
    fn of(key: String) -> NameKey {
        let mut histogram = [0u16; BUCKETS];
        let mut chars = 0;
        for c in key.chars() {
            let b = c as usize % BUCKETS;
            histogram[b] = histogram[b].saturating_add(1);
            chars += 1;
        }
        NameKey {
            key,
            chars,
            histogram,
        }
    }

    /// Whether the Jaro–Winkler similarity of the two names can reach
    /// `SIMILAR`. It needs a Jaro similarity of at least 0.75 (the prefix
    /// bonus adds at most 0.4 × (1 − Jaro)), so at least
    /// 1.25·|a|·|b| / (|a| + |b|) matching characters; the characters the two
    /// share (counted by bucket, which can only overcount) bound the
    /// matches. Skipping the rest changes no suggestion and spares most of
    /// the comparisons of a registry whose codes are all wrong.
    fn may_resemble(&self, other: &NameKey) -> bool {
        let mut shared = 0usize;
        for b in 0..BUCKETS {
            shared += usize::from(self.histogram[b].min(other.histogram[b]));
        }
        let (a, b) = (self.chars as f64, other.chars as f64);
        shared as f64 * (a + b) + 1e-9 >= 1.25 * a * b
    }
}

/// Buckets of the character counts: names without marks are mostly ASCII
/// letters, which fall into distinct buckets (a letter and its capital
/// share one, which only overcounts).
const BUCKETS: usize = 32;

/// The similarity a name must reach to be suggested.
const SIMILAR: f64 = 0.85;

/// The list in force on `date`, parsed on first use.
pub(crate) fn list_on(date: NaiveDate) -> &'static NationalList {
    list(Edition::on(date))
}

pub fn list(edition: Edition) -> &'static NationalList {
    static BEFORE: OnceLock<NationalList> = OnceLock::new();
    static AFTER: OnceLock<NationalList> = OnceLock::new();
    match edition {
        Edition::Before2025Reform => {
            BEFORE.get_or_init(|| NationalList::parse(edition, BEFORE_CSV))
        }
        Edition::After2025Reform => AFTER.get_or_init(|| NationalList::parse(edition, AFTER_CSV)),
    }
}

/// "Tỉnh Lào Cai" → "Tỉnh"; "Thành phố Hà Nội" → "Thành phố".
fn province_kind(name: &str) -> String {
    if name.starts_with("Thành phố") {
        "Thành phố".into()
    } else {
        "Tỉnh".into()
    }
}

impl NationalList {
    /// Parses a bundled CSV. The files are part of the build, checked by the
    /// tests: a malformed row is a bug of the build, not of the user's input.
    fn parse(edition: Edition, text: &str) -> NationalList {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().expect("bundled list has a header").clone();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let (pc, pn, c, n, k) = (
            col("province_code").expect("province_code"),
            col("province_name").expect("province_name"),
            col("code").expect("code"),
            col("name").expect("name"),
            col("kind").expect("kind"),
        );
        let (dc, dn, dk) = (
            col("district_code"),
            col("district_name"),
            col("district_kind"),
        );
        let mut list = NationalList {
            edition,
            units: Vec::new(),
            by_code: HashMap::new(),
            children: HashMap::new(),
            name_keys: OnceLock::new(),
        };
        // One record reused for every row: no allocation per row.
        let mut r = csv::StringRecord::new();
        while reader
            .read_record(&mut r)
            .expect("bundled list rows are well formed")
        {
            // Every row repeats its province and district: those are made
            // once, at their first row (the list is parsed at every run).
            let province = &r[pc];
            if !list.by_code.contains_key(province) {
                list.add(NationalUnit {
                    code: province.to_string(),
                    name: r[pn].to_string(),
                    kind: province_kind(&r[pn]),
                    level: Level::Province,
                    parent: String::new(),
                });
            }
            let mut parent = province;
            if let (Some(dc), Some(dn), Some(dk)) = (dc, dn, dk) {
                if !list.by_code.contains_key(&r[dc]) {
                    list.add(NationalUnit {
                        code: r[dc].to_string(),
                        name: r[dn].to_string(),
                        kind: r[dk].to_string(),
                        level: Level::District,
                        parent: parent.to_string(),
                    });
                }
                parent = &r[dc];
            }
            list.add(NationalUnit {
                code: r[c].to_string(),
                name: r[n].to_string(),
                kind: r[k].to_string(),
                level: Level::Commune,
                parent: parent.to_string(),
            });
        }
        // In code order once, not at every question.
        let units = &list.units;
        for children in list.children.values_mut() {
            children.sort_by(|&a, &b| units[a].code.cmp(&units[b].code));
        }
        list
    }

    fn add(&mut self, unit: NationalUnit) {
        if self.by_code.contains_key(&unit.code) {
            return;
        }
        let index = self.units.len();
        self.by_code.insert(unit.code.clone(), index);
        if !unit.parent.is_empty() {
            self.children
                .entry(unit.parent.clone())
                .or_default()
                .push(index);
        }
        self.units.push(unit);
    }

    pub fn find(&self, code: &str) -> Option<&NationalUnit> {
        self.by_code.get(code).map(|&i| &self.units[i])
    }

    /// The units that report to `code`, in code order: a province's
    /// districts (before the reform) or communes (after), a district's
    /// communes.
    pub fn children(&self, code: &str) -> Vec<&NationalUnit> {
        self.children
            .get(code)
            .map(|c| c.iter().map(|&i| &self.units[i]).collect())
            .unwrap_or_default()
    }

    /// Up to five units that may be what the user meant by `typed`: for a
    /// code, the codes of the same length nearest in number; for a name,
    /// the names that resemble it. Best first.
    pub fn suggest(&self, typed: &str) -> Vec<&NationalUnit> {
        self.suggest_among(typed, |_| true)
    }

    /// The same, among the units `within` accepts (a registry's own
    /// district, say: "Xã Tân An" names many communes of the country).
    pub fn suggest_among(
        &self,
        typed: &str,
        within: impl Fn(&NationalUnit) -> bool,
    ) -> Vec<&NationalUnit> {
        let typed = typed.trim();
        let mut scored: Vec<(f64, usize)> = if let Ok(number) = typed.parse::<i64>() {
            self.units
                .iter()
                .enumerate()
                .filter(|(_, u)| within(u))
                .filter(|(_, u)| u.code.len() == typed.len())
                .filter_map(|(i, u)| {
                    let distance = (u.code.parse::<i64>().ok()? - number).abs();
                    Some((-(distance as f64), i))
                })
                .collect()
        } else {
            let probe = NameKey::of(strip_diacritics(&base_name(typed)));
            let keys = self.name_keys.get_or_init(|| {
                self.units
                    .iter()
                    .map(|u| NameKey::of(strip_diacritics(&base_name(&u.name))))
                    .collect()
            });
            // The cheap bound first: `within` may look its unit up.
            self.units
                .iter()
                .enumerate()
                .filter(|(i, _)| keys[*i].may_resemble(&probe))
                .filter(|(_, u)| within(u))
                .map(|(i, _)| (strsim::jaro_winkler(&keys[i].key, &probe.key), i))
                .filter(|(score, _)| *score >= SIMILAR)
                .collect()
        };
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .take(5)
            .map(|(_, i)| &self.units[i])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_never_skips_a_name_similar_enough() {
        // Every pair of names of the list (a sample) that reaches the
        // threshold passes the bound; most pairs that do not are skipped.
        let list = list(Edition::Before2025Reform);
        let keys: Vec<NameKey> = list
            .units
            .iter()
            .step_by(37)
            .map(|u| NameKey::of(strip_diacritics(&base_name(&u.name))))
            .collect();
        let (mut similar, mut skipped) = (0, 0);
        for a in &keys {
            for b in &keys {
                let close = strsim::jaro_winkler(&a.key, &b.key) >= SIMILAR;
                let may = a.may_resemble(b);
                assert!(may || !close, "{} ~ {}", a.key, b.key);
                similar += usize::from(close);
                skipped += usize::from(!may);
            }
        }
        assert!(similar >= keys.len(), "each name resembles itself");
        assert!(
            skipped * 2 > keys.len() * keys.len(),
            "the bound spares most comparisons"
        );
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_lists_have_the_published_counts() {
        let before = list(Edition::Before2025Reform);
        let count = |l: &NationalList, level| l.units.iter().filter(|u| u.level == level).count();
        assert_eq!(count(before, Level::Province), 63);
        // 696 districts, of which 5 have no commune (island districts such
        // as Hoàng Sa, Bạch Long Vĩ, Cồn Cỏ): a list of communes names 691.
        assert_eq!(count(before, Level::District), 691);
        assert_eq!(count(before, Level::Commune), 10_047);
        let after = list(Edition::After2025Reform);
        assert_eq!(count(after, Level::Province), 34);
        assert_eq!(count(after, Level::District), 0);
        assert_eq!(count(after, Level::Commune), 3_321);
    }

    #[test]
    fn the_date_picks_the_list() {
        assert_eq!(
            list_on(date(2025, 6, 30)).edition,
            Edition::Before2025Reform
        );
        assert_eq!(list_on(date(2025, 7, 1)).edition, Edition::After2025Reform);
        // 03082 was Khánh Yên Thượng, and is now the merged Xã Văn Bàn.
        assert_eq!(
            list_on(date(2023, 12, 31)).find("03082").unwrap().name,
            "Xã Khánh Yên Thượng"
        );
        assert_eq!(
            list_on(date(2026, 1, 1)).find("03082").unwrap().name,
            "Xã Văn Bàn"
        );
    }

    #[test]
    fn children_by_level() {
        let before = list(Edition::Before2025Reform);
        assert_eq!(before.children("089").len(), 22);
        assert_eq!(before.children("10").len(), 9);
        assert_eq!(before.find("089").unwrap().name, "Huyện Văn Bàn");
        assert_eq!(before.find("089").unwrap().parent, "10");
        let after = list(Edition::After2025Reform);
        assert_eq!(after.children("15").len(), 99);
        assert!(after.find("089").is_none());
    }

    #[test]
    fn suggestions_for_names_and_codes() {
        let before = list(Edition::Before2025Reform);
        let names: Vec<&str> = before
            .suggest("Huyen Van Ban")
            .iter()
            .map(|u| u.code.as_str())
            .collect();
        assert_eq!(names.first(), Some(&"089"), "{names:?}");
        let codes: Vec<&str> = before
            .suggest("091")
            .iter()
            .map(|u| u.code.as_str())
            .collect();
        assert_eq!(codes.first(), Some(&"089"), "{codes:?}");
        assert!(before.suggest("0899").is_empty());
    }
}
