//! The national lists of administrative units, bundled with the tool: every
//! province, district and commune on 1 March 2025 (three levels) and from
//! 1 July 2025 (two levels: the district level was abolished). `build.rs`
//! compiles the CSVs of `data/dvhc/` into static tables, so that no run
//! parses them: a lookup by code is a binary search, and the units are made
//! from the tables (without copying a string) on first use. Name
//! suggestions go through an index of the list's names
//! (`model::name_index`) made on the first suggestion from the name keys
//! the build stored.

use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::model::name_index::{NameIndex, NameKey};
use crate::model::unit_name::name_key;

/// A unit in the generated tables: its code, name, kind, parent and name
/// key as spans of the list's text (start << 8 | length), and its level (0
/// province, 1 district, 2 commune).
type RawUnit = (u32, u32, u32, u32, u32, u8);

// `BEFORE_*` and `AFTER_*`: the text, the units, their indices in code
// order and each unit's children (see `build.rs`).
include!(concat!(env!("OUT_DIR"), "/dvhc.rs"));

/// One list's generated tables.
#[derive(Debug)]
struct Tables {
    text: &'static str,
    units: &'static [RawUnit],
    /// Indices of `units` in code order.
    by_code: &'static [u16],
    /// Each unit's children, in code order, unit after unit…
    children: &'static [u16],
    /// …from `children_at[i]` to `children_at[i + 1]` for unit `i`.
    children_at: &'static [u16],
}

impl Tables {
    fn text(&self, span: u32) -> &'static str {
        let start = (span >> 8) as usize;
        &self.text[start..start + (span & 0xff) as usize]
    }

    fn code(&self, i: usize) -> &'static str {
        self.text(self.units[i].0)
    }

    fn unit(&self, i: usize) -> NationalUnit {
        let (code, name, kind, parent, key, level) = self.units[i];
        NationalUnit {
            code: self.text(code),
            name: self.text(name),
            key: self.text(key),
            kind: self.text(kind),
            level: match level {
                0 => Level::Province,
                1 => Level::District,
                _ => Level::Commune,
            },
            parent: self.text(parent),
        }
    }
}

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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NationalUnit {
    pub code: &'static str,
    /// The official name with its prefix: "Xã Võ Lao", "Huyện Văn Bàn".
    pub name: &'static str,
    /// The name as names are compared (`unit_name::name_key`: "vo lao",
    /// "van ban"), made when the tool was built.
    pub(crate) key: &'static str,
    /// "Xã", "Phường", "Thị trấn", "Đặc khu", "Huyện", "Quận", "Tỉnh"…
    pub kind: &'static str,
    pub level: Level,
    /// The code of the unit it belongs to ("" for a province).
    pub parent: &'static str,
}

/// A national list: its units in the CSV's row order (each province and
/// district where its first commune is), and indices by code and by parent.
/// Codes of the three levels differ in length (2, 3, 5 digits), so one
/// index serves all.
#[derive(Debug)]
pub struct NationalList {
    pub edition: Edition,
    tables: Tables,
    /// The units, made from the tables on first use.
    units: OnceLock<Vec<NationalUnit>>,
    /// The units' names as suggestions compare them, indexed on the first
    /// suggestion.
    names: OnceLock<NameIndex>,
}

/// The list in force on `date`.
pub(crate) fn list_on(date: NaiveDate) -> &'static NationalList {
    list(Edition::on(date))
}

pub fn list(edition: Edition) -> &'static NationalList {
    static BEFORE: NationalList = NationalList {
        edition: Edition::Before2025Reform,
        tables: Tables {
            text: BEFORE_TEXT,
            units: &BEFORE_UNITS,
            by_code: &BEFORE_BY_CODE,
            children: &BEFORE_CHILDREN,
            children_at: &BEFORE_CHILDREN_AT,
        },
        units: OnceLock::new(),
        names: OnceLock::new(),
    };
    static AFTER: NationalList = NationalList {
        edition: Edition::After2025Reform,
        tables: Tables {
            text: AFTER_TEXT,
            units: &AFTER_UNITS,
            by_code: &AFTER_BY_CODE,
            children: &AFTER_CHILDREN,
            children_at: &AFTER_CHILDREN_AT,
        },
        units: OnceLock::new(),
        names: OnceLock::new(),
    };
    match edition {
        Edition::Before2025Reform => &BEFORE,
        Edition::After2025Reform => &AFTER,
    }
}

impl NationalList {
    /// The units in the list's order (see `NationalList`).
    pub fn units(&self) -> &[NationalUnit] {
        self.units.get_or_init(|| {
            (0..self.tables.units.len())
                .map(|i| self.tables.unit(i))
                .collect()
        })
    }

    fn index_of(&self, code: &str) -> Option<usize> {
        let t = &self.tables;
        t.by_code
            .binary_search_by(|&i| t.code(usize::from(i)).cmp(code))
            .ok()
            .map(|at| usize::from(t.by_code[at]))
    }

    pub fn find(&self, code: &str) -> Option<&NationalUnit> {
        self.index_of(code).map(|i| &self.units()[i])
    }

    /// The units that report to `code`, in code order: a province's
    /// districts (before the reform) or communes (after), a district's
    /// communes.
    pub fn children(&self, code: &str) -> Vec<&NationalUnit> {
        let Some(i) = self.index_of(code) else {
            return Vec::new();
        };
        let (t, units) = (&self.tables, self.units());
        let (from, to) = (t.children_at[i], t.children_at[i + 1]);
        t.children[usize::from(from)..usize::from(to)]
            .iter()
            .map(|&c| &units[usize::from(c)])
            .collect()
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
        let mut scored = self.scored(typed, None);
        let units = self.units();
        scored.retain(|&(_, i)| within(&units[i]));
        self.best(scored)
    }

    /// `suggest_among(typed, within)`, or when it finds nothing
    /// `suggest(typed)`: the list is searched once for both. `key` is
    /// `unit_name::name_key(typed)`, which the caller may have made already.
    pub(crate) fn suggest_preferring(
        &self,
        typed: &str,
        key: &str,
        within: impl Fn(&NationalUnit) -> bool,
    ) -> Vec<&NationalUnit> {
        let all = self.scored(typed, Some(key));
        let units = self.units();
        let preferred: Vec<(f64, usize)> = all
            .iter()
            .copied()
            .filter(|&(_, i)| within(&units[i]))
            .collect();
        self.best(if preferred.is_empty() { all } else { preferred })
    }

    /// Every unit `typed` may mean, scored (higher is nearer), in list
    /// order; `key` is its name key when known.
    fn scored(&self, typed: &str, key: Option<&str>) -> Vec<(f64, usize)> {
        let typed = typed.trim();
        if let Ok(number) = typed.parse::<i64>() {
            return self
                .units()
                .iter()
                .enumerate()
                .filter(|(_, u)| u.code.len() == typed.len())
                .filter_map(|(i, u)| {
                    let distance = (u.code.parse::<i64>().ok()? - number).abs();
                    Some((-(distance as f64), i))
                })
                .collect();
        }
        let probe = NameKey::of(key.map_or_else(|| name_key(typed), str::to_string));
        let names = self
            .names
            .get_or_init(|| NameIndex::of(self.units().iter().map(|u| u.key)));
        names.similar(&probe)
    }

    /// The five best, best first; the list's order breaks ties.
    fn best(&self, mut scored: Vec<(f64, usize)>) -> Vec<&NationalUnit> {
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let units = self.units();
        scored.into_iter().take(5).map(|(_, i)| &units[i]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_name_keys_are_the_crate_s() {
        for edition in [Edition::Before2025Reform, Edition::After2025Reform] {
            for u in list(edition).units() {
                assert_eq!(u.key, name_key(u.name), "{}", u.code);
            }
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_lists_have_the_published_counts() {
        let before = list(Edition::Before2025Reform);
        let count = |l: &NationalList, level| l.units().iter().filter(|u| u.level == level).count();
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
            .map(|u| u.code)
            .collect();
        assert_eq!(names.first(), Some(&"089"), "{names:?}");
        let codes: Vec<&str> = before.suggest("091").iter().map(|u| u.code).collect();
        assert_eq!(codes.first(), Some(&"089"), "{codes:?}");
        assert!(before.suggest("0899").is_empty());
    }
}
