//! The national lists of administrative units, bundled with the tool: every
//! province, district and commune on 1 March 2025 (three levels) and from
//! 1 July 2025 (two levels: the district level was abolished). `build.rs`
//! compiles the CSVs of `data/dvhc/` into static tables, so that no run
//! parses them: a lookup by code is a binary search, and the units are made
//! from the tables (without copying a string) on first use. Name
//! suggestions go through an index of the list's names made on the first
//! suggestion.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::model::registry::base_name;
use crate::model::text::strip_diacritics;

/// A unit in the generated tables: its code, name, kind and parent as
/// spans of the list's text (start << 8 | length), and its level (0
/// province, 1 district, 2 commune).
type RawUnit = (u32, u32, u32, u32, u8);

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
        let (code, name, kind, parent, level) = self.units[i];
        NationalUnit {
            code: self.text(code),
            name: self.text(name),
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
    /// The units' names as suggestions compare them, made on the first
    /// suggestion so that a list is normalised once, not once per question.
    names: OnceLock<NameIndex>,
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

    /// The characters two names share, counted by bucket (an overcount).
    #[cfg(test)]
    fn shared(&self, other: &NameKey) -> usize {
        (0..BUCKETS)
            .map(|b| usize::from(self.histogram[b].min(other.histogram[b])))
            .sum()
    }
}

/// Whether the Jaro–Winkler similarity of a list name of `b` characters and
/// a typed name of `a` characters, sharing at most `shared` characters, can
/// reach `SIMILAR`; `prefix` is their common prefix (up to 4 characters),
/// `None` for the bound that holds whatever it is.
///
/// strsim's Jaro–Winkler is J + 0.1·p·(1 − J) when J > 0.7 (else J), with p
/// the common prefix: reaching 0.85 needs J ≥ (0.85 − 0.1p) / (1 − 0.1p),
/// 0.75 at worst (p = 4). J ≤ (m/a + m/b + 1) / 3 with m the matching
/// characters, and m ≤ `shared`: so at least
/// `shared`·(a + b) ≥ (3·J − 1)·a·b. Skipping the names that fail it changes
/// no suggestion.
fn may_resemble(shared: usize, a: usize, b: usize, prefix: Option<usize>) -> bool {
    if a == 0 || b == 0 {
        // strsim: two empty names are the same (1.0), one empty none (0.0).
        return a == b;
    }
    let p = prefix.unwrap_or(4).min(4) as f64 * 0.1;
    let jaro = (SIMILAR - p) / (1.0 - p);
    let (a, b) = (a as f64, b as f64);
    // The margin covers rounding in strsim's sums, never a real shortfall.
    shared as f64 * (a + b) * (1.0 + 1e-9) >= (3.0 * jaro - 1.0) * a * b
}

/// The common prefix strsim's Jaro–Winkler rewards: up to 4 characters.
fn common_prefix(a: &str, b: &str) -> usize {
    a.chars()
        .take(4)
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Buckets of the character counts: names without marks are mostly ASCII
/// letters, which fall into distinct buckets (a letter and its capital
/// share one, which only overcounts).
const BUCKETS: usize = 32;

/// The similarity a name must reach to be suggested.
const SIMILAR: f64 = 0.85;

/// The names of a list as suggestions compare them: each distinct name once
/// (many communes share one: Tân An, Tân Lập…), with the units that bear
/// it, grouped by length, and the names' character counts stored bucket by
/// bucket. A typed name is bounded against all of them in one pass per
/// bucket it uses (a few vector instructions per 16 names), then each name
/// by one comparison with its length's least count, before any
/// Jaro–Winkler.
#[derive(Debug)]
struct NameIndex {
    /// By length, then in the order of the list.
    keys: Vec<NameKey>,
    /// The units bearing each key, in list order.
    units: Vec<Vec<usize>>,
    /// The keys of each length: `(length, first key, end)`.
    lengths: Vec<(usize, usize, usize)>,
    /// `BUCKETS` rows of `keys.len()` counts, each saturated at 255: exact
    /// in `min` with a typed name's count, which the bound keeps ≤ 255.
    counts: Vec<u8>,
}

impl NameIndex {
    fn of(units: &[NationalUnit]) -> NameIndex {
        // Normalising 10,800 names is most of a first suggestion's cost.
        let names: Vec<String> = units
            .par_iter()
            .map(|u| strip_diacritics(&base_name(u.name)))
            .collect();
        let mut keys: Vec<(NameKey, Vec<usize>)> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, name) in names.into_iter().enumerate() {
            let k = *seen.entry(name).or_insert_with_key(|name| {
                keys.push((NameKey::of(name.clone()), Vec::new()));
                keys.len() - 1
            });
            keys[k].1.push(i);
        }
        // Stable: within a length, the list's order.
        keys.sort_by_key(|(key, _)| key.chars);
        let (keys, units): (Vec<NameKey>, Vec<Vec<usize>>) = keys.into_iter().unzip();
        let mut lengths: Vec<(usize, usize, usize)> = Vec::new();
        for (k, key) in keys.iter().enumerate() {
            match lengths.last_mut() {
                Some((chars, _, end)) if *chars == key.chars => *end = k + 1,
                _ => lengths.push((key.chars, k, k + 1)),
            }
        }
        let n = keys.len();
        let mut counts = vec![0u8; BUCKETS * n];
        for (k, key) in keys.iter().enumerate() {
            for b in 0..BUCKETS {
                counts[b * n + k] = u8::try_from(key.histogram[b]).unwrap_or(u8::MAX);
            }
        }
        NameIndex {
            keys,
            units,
            lengths,
            counts,
        }
    }

    /// Every unit whose name reaches `SIMILAR` against `probe`, with its
    /// score, in list order.
    fn similar(&self, probe: &NameKey) -> Vec<(f64, usize)> {
        let mut found: Vec<(f64, usize)> = Vec::new();
        for k in self.candidates(probe) {
            let key = &self.keys[k];
            let score = strsim::jaro_winkler(&key.key, &probe.key);
            if score >= SIMILAR {
                found.extend(self.units[k].iter().map(|&i| (score, i)));
            }
        }
        found.sort_by_key(|&(_, i)| i);
        found
    }

    /// The keys `may_resemble` cannot rule out against `probe`.
    fn candidates(&self, probe: &NameKey) -> Vec<usize> {
        let Some(shared) = self.shared(probe) else {
            // Its counts would not fit the bytes summed: every name is
            // compared (no list name is that long; a typed one may be).
            return (0..self.keys.len()).collect();
        };
        let a = probe.chars;
        let mut found = Vec::new();
        for &(b, from, to) in &self.lengths {
            // The least count that passes the bound at this length, found
            // with the bound itself (it grows with the count).
            let Some(least) = (0..=a.min(b)).find(|&s| may_resemble(s, a, b, None)) else {
                continue;
            };
            for (k, &count) in shared.iter().enumerate().take(to).skip(from) {
                let s = usize::from(count);
                if s >= least
                    && may_resemble(s, a, b, Some(common_prefix(&self.keys[k].key, &probe.key)))
                {
                    found.push(k);
                }
            }
        }
        found
    }

    /// The characters each key shares with `probe` (an overcount, see
    /// `NameKey`); `None` when the probe is longer than a byte counts.
    fn shared(&self, probe: &NameKey) -> Option<Vec<u8>> {
        if probe.chars > usize::from(u8::MAX) {
            return None;
        }
        let n = self.keys.len();
        let mut shared = vec![0u8; n];
        for (b, &count) in probe.histogram.iter().enumerate() {
            if count == 0 {
                continue;
            }
            // No overflow: the sum is at most the probe's length, ≤ 255.
            let count = count as u8;
            let row = &self.counts[b * n..(b + 1) * n];
            for (s, &c) in shared.iter_mut().zip(row) {
                *s += c.min(count);
            }
        }
        Some(shared)
    }
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
        let mut scored = self.scored(typed);
        let units = self.units();
        scored.retain(|&(_, i)| within(&units[i]));
        self.best(scored)
    }

    /// `suggest_among(typed, within)`, or when it finds nothing
    /// `suggest(typed)`: the list is searched once for both.
    pub(crate) fn suggest_preferring(
        &self,
        typed: &str,
        within: impl Fn(&NationalUnit) -> bool,
    ) -> Vec<&NationalUnit> {
        let all = self.scored(typed);
        let units = self.units();
        let preferred: Vec<(f64, usize)> = all
            .iter()
            .copied()
            .filter(|&(_, i)| within(&units[i]))
            .collect();
        self.best(if preferred.is_empty() { all } else { preferred })
    }

    /// Every unit `typed` may mean, scored (higher is nearer), in list order.
    fn scored(&self, typed: &str) -> Vec<(f64, usize)> {
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
        let probe = NameKey::of(strip_diacritics(&base_name(typed)));
        let names = self.names.get_or_init(|| NameIndex::of(self.units()));
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

    fn key_of(name: &str) -> NameKey {
        NameKey::of(strip_diacritics(&base_name(name)))
    }

    #[test]
    fn the_bound_never_skips_a_name_similar_enough() {
        // Every pair of names of the list (a sample) that reaches the
        // threshold passes the bound; most pairs that do not are skipped.
        let list = list(Edition::Before2025Reform);
        let keys: Vec<NameKey> = list
            .units()
            .iter()
            .step_by(37)
            .map(|u| key_of(u.name))
            .collect();
        let (mut similar, mut skipped) = (0, 0);
        for a in &keys {
            for b in &keys {
                let close = strsim::jaro_winkler(&a.key, &b.key) >= SIMILAR;
                let prefix = common_prefix(&a.key, &b.key);
                let may = may_resemble(a.shared(b), a.chars, b.chars, Some(prefix));
                assert!(may || !close, "{} ~ {}", a.key, b.key);
                assert!(may_resemble(a.shared(b), a.chars, b.chars, None) || !may);
                similar += usize::from(close);
                skipped += usize::from(!may);
            }
        }
        assert!(similar >= keys.len(), "each name resembles itself");
        assert!(
            skipped * 10 > keys.len() * keys.len() * 9,
            "the bound spares most comparisons: {skipped}"
        );
    }

    #[test]
    fn the_index_finds_what_comparing_every_name_finds() {
        let list = list(Edition::Before2025Reform);
        let index = NameIndex::of(list.units());
        assert!(index.keys.len() < list.units().len(), "shared names once");
        // Names typed as users and the benchmark type them, and list names
        // with a letter dropped or swapped (the near misses).
        let mut typed: Vec<String> = [
            "Xã Thượng Vĩnh",
            "Bình Xuân Thủy",
            "Xã Minh Thạnh Phú",
            "Tân An",
            "Xã",
            "",
            "Võ Lao",
            "Huyện Văn Bàn",
            "Phường 12",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        typed.push("Tân ".repeat(80));
        for u in list.units().iter().step_by(401) {
            let chars: Vec<char> = u.name.chars().collect();
            let cut = chars.len() / 2 + 1;
            typed.push(chars[..cut - 1].iter().chain(&chars[cut..]).collect());
            let mut swapped = chars.clone();
            swapped.swap(cut - 1, cut.min(chars.len() - 1));
            typed.push(swapped.into_iter().collect());
        }
        let keys: Vec<NameKey> = list.units().iter().map(|u| key_of(u.name)).collect();
        let mut found = 0;
        for name in &typed {
            let probe = key_of(name);
            let every: Vec<(f64, usize)> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| (strsim::jaro_winkler(&k.key, &probe.key), i))
                .filter(|(score, _)| *score >= SIMILAR)
                .collect();
            assert_eq!(index.similar(&probe), every, "{name}");
            found += every.len();
        }
        assert!(found > typed.len(), "the probes have suggestions: {found}");
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
