//! The names of a national list indexed for suggestions: which names reach
//! the Jaro–Winkler similarity `SIMILAR` with a typed one, found without
//! comparing it with all 10,800. A bound proven below rules most names out
//! from their character counts, lengths and first letters alone; only the
//! rest are compared, so the suggestions are exactly those of comparing
//! every name.

use std::collections::HashMap;

/// The similarity a name must reach to be suggested.
pub(crate) const SIMILAR: f64 = 0.85;

/// Buckets of the character counts: names without marks are mostly ASCII
/// letters, which fall into distinct buckets (a letter and its capital
/// share one, which only overcounts).
const BUCKETS: usize = 32;

/// A typed name as suggestions compare it, with what bounds its similarity.
#[derive(Debug)]
pub(crate) struct NameKey {
    key: String,
    chars: usize,
    /// Characters counted by bucket (`char as usize % BUCKETS`).
    histogram: [u16; BUCKETS],
    head: Head,
}

impl NameKey {
    /// `key` is the name's `unit_name::name_key`.
    pub(crate) fn of(key: String) -> NameKey {
        let mut histogram = [0u16; BUCKETS];
        let mut chars = 0;
        for c in key.chars() {
            let b = c as usize % BUCKETS;
            histogram[b] = histogram[b].saturating_add(1);
            chars += 1;
        }
        NameKey {
            head: Head::of(&key),
            key,
            chars,
            histogram,
        }
    }
}

/// A name's first four characters (fewer when it is shorter): the common
/// prefix strsim's Jaro–Winkler rewards is theirs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Head {
    chars: [char; 4],
    len: u8,
}

impl Head {
    fn of(key: &str) -> Head {
        let mut head = Head {
            chars: ['\0'; 4],
            len: 0,
        };
        for c in key.chars().take(4) {
            head.chars[usize::from(head.len)] = c;
            head.len += 1;
        }
        head
    }

    /// strsim's prefix: `a.chars().take(4).zip(b.chars())` while equal.
    fn common(&self, other: &Head) -> usize {
        let len = usize::from(self.len.min(other.len));
        (0..len)
            .take_while(|&i| self.chars[i] == other.chars[i])
            .count()
    }
}

/// Whether the Jaro–Winkler similarity of two names of `a` and `b`
/// characters, sharing at most `shared` characters, with a common prefix of
/// `prefix` characters (`None`: whatever it is), can reach `SIMILAR`.
///
/// strsim's Jaro–Winkler is J + 0.1·p·(1 − J) when J > 0.7 (else J), with p
/// the common prefix (at most 4): reaching 0.85 needs
/// J ≥ (0.85 − 0.1p) / (1 − 0.1p), 0.75 at worst (p = 4).
/// J = (m/a + m/b + (m − t)/m) / 3 ≤ (m/a + m/b + 1) / 3 with m the matching
/// characters, and m ≤ `shared` (a match pairs equal characters), so it
/// needs `shared`·(a + b) ≥ (3·J − 1)·a·b. A name that fails it cannot be
/// suggested.
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

/// The least count of shared characters with which names of `a` and `b`
/// characters and a common prefix of `prefix` may resemble, found with
/// `may_resemble` itself by bisection (it grows with the count); `None` when
/// not even min(a, b), which the count never exceeds, would do.
fn least_shared(a: usize, b: usize, prefix: usize) -> Option<usize> {
    let top = a.min(b);
    let (mut low, mut high) = (0, top + 1);
    while low < high {
        let mid = (low + high) / 2;
        if may_resemble(mid, a, b, Some(prefix)) {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    (low <= top).then_some(low)
}

/// The names of a list: each distinct key once (many communes share a
/// name: Tân An, Tân Lập…) with the units that bear it, grouped by length,
/// and their character counts stored bucket by bucket. A typed name is
/// bounded against all of them in one pass per bucket it uses (a few vector
/// instructions per 16 names), then each name by comparing its count with
/// the least its length and prefix allow, before any Jaro–Winkler.
#[derive(Debug)]
pub(crate) struct NameIndex {
    /// By length, then in the order of the list.
    keys: Vec<&'static str>,
    heads: Vec<Head>,
    /// The units bearing each key, in list order.
    units: Vec<Vec<usize>>,
    /// The keys of each length: `(length, first key, end)`.
    lengths: Vec<(usize, usize, usize)>,
    /// `BUCKETS` rows of `keys.len()` counts, each saturated at 255: exact
    /// in `min` with a typed name's count, which `shared` keeps ≤ 255.
    counts: Vec<u8>,
}

impl NameIndex {
    /// The index of a list whose unit `i` has the name key `keys[i]`.
    pub(crate) fn of(keys: impl Iterator<Item = &'static str>) -> NameIndex {
        let mut distinct: Vec<(&'static str, usize, Vec<usize>)> = Vec::new();
        let mut seen: HashMap<&'static str, usize> = HashMap::new();
        for (i, key) in keys.enumerate() {
            let k = *seen.entry(key).or_insert_with(|| {
                distinct.push((key, key.chars().count(), Vec::new()));
                distinct.len() - 1
            });
            distinct[k].2.push(i);
        }
        // Stable: within a length, the list's order.
        distinct.sort_by_key(|&(_, chars, _)| chars);
        let mut lengths: Vec<(usize, usize, usize)> = Vec::new();
        for (k, &(_, chars, _)) in distinct.iter().enumerate() {
            match lengths.last_mut() {
                Some((length, _, end)) if *length == chars => *end = k + 1,
                _ => lengths.push((chars, k, k + 1)),
            }
        }
        let n = distinct.len();
        let mut counts = vec![0u8; BUCKETS * n];
        for (k, &(key, _, _)) in distinct.iter().enumerate() {
            for c in key.chars() {
                let at = c as usize % BUCKETS * n + k;
                counts[at] = counts[at].saturating_add(1);
            }
        }
        NameIndex {
            heads: distinct.iter().map(|&(key, _, _)| Head::of(key)).collect(),
            keys: distinct.iter().map(|&(key, _, _)| key).collect(),
            units: distinct.into_iter().map(|(_, _, units)| units).collect(),
            lengths,
            counts,
        }
    }

    /// Every unit whose name reaches `SIMILAR` against `probe`, with its
    /// score, in list order.
    pub(crate) fn similar(&self, probe: &NameKey) -> Vec<(f64, usize)> {
        let mut found: Vec<(f64, usize)> = Vec::new();
        for k in self.candidates(probe) {
            let score = strsim::jaro_winkler(self.keys[k], &probe.key);
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
            // The least count that passes the bound at this length, for
            // each common prefix (4 also stands for any).
            let least = |prefix: usize| least_shared(a, b, prefix);
            let Some(loosest) = least(4) else {
                continue;
            };
            let by_prefix = [least(0), least(1), least(2), least(3), Some(loosest)];
            for k in from..to {
                let s = usize::from(shared[k]);
                if s >= loosest
                    && by_prefix[self.heads[k].common(&probe.head)].is_some_and(|l| s >= l)
                {
                    found.push(k);
                }
            }
        }
        found
    }

    /// The characters each key shares with `probe`, counted by bucket (an
    /// overcount); `None` when the probe is longer than a byte counts.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::national::{Edition, list};
    use crate::model::unit_name::name_key;

    fn shared(a: &NameKey, b: &NameKey) -> usize {
        (0..BUCKETS)
            .map(|i| usize::from(a.histogram[i].min(b.histogram[i])))
            .sum()
    }

    fn strsim_prefix(a: &str, b: &str) -> usize {
        a.chars()
            .take(4)
            .zip(b.chars())
            .take_while(|(x, y)| x == y)
            .count()
    }

    #[test]
    fn the_least_count_is_the_bound_s_own() {
        for a in 0..40 {
            for b in 0..40 {
                for prefix in 0..=4 {
                    let first = (0..=a.min(b)).find(|&s| may_resemble(s, a, b, Some(prefix)));
                    assert_eq!(least_shared(a, b, prefix), first, "{a} {b} {prefix}");
                }
            }
        }
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
            .map(|u| NameKey::of(name_key(u.name)))
            .collect();
        let (mut similar, mut skipped) = (0, 0);
        for a in &keys {
            for b in &keys {
                let close = strsim::jaro_winkler(&a.key, &b.key) >= SIMILAR;
                let prefix = a.head.common(&b.head);
                assert_eq!(prefix, strsim_prefix(&a.key, &b.key));
                let may = may_resemble(shared(a, b), a.chars, b.chars, Some(prefix));
                assert!(may || !close, "{} ~ {}", a.key, b.key);
                assert!(may_resemble(shared(a, b), a.chars, b.chars, None) || !may);
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
        let index = NameIndex::of(list.units().iter().map(|u| u.key));
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
            "a",
            "ab",
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
        let mut found = 0;
        for name in &typed {
            let probe = NameKey::of(name_key(name));
            let every: Vec<(f64, usize)> = list
                .units()
                .iter()
                .enumerate()
                .map(|(i, u)| (strsim::jaro_winkler(u.key, &probe.key), i))
                .filter(|(score, _)| *score >= SIMILAR)
                .collect();
            assert_eq!(index.similar(&probe), every, "{name}");
            found += every.len();
        }
        assert!(found > typed.len(), "the probes have suggestions: {found}");
    }
}
