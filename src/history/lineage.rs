//! Which units of the past a unit of today stands for. Within one side of
//! the 1 July 2025 reform a unit is itself; across it, a new commune is the
//! old communes that formed it wholly (the crosswalk's `full` rows). A new
//! commune that took part of a split old one is not comparable: its past
//! figure would have to be apportioned, which the tool never does quietly.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use crate::config::Config;
use crate::model::crosswalk::{Link, crosswalk};
use crate::model::national::reform_date;

/// What a registry unit's figure of the past is made of.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Sources {
    /// The sum of these past units' figures.
    Units(Vec<String>),
    /// Not comparable, and why (in the build's language).
    NotComparable(String),
}

/// The past units of each registry unit (registry order), and the past
/// units that make up the consolidating unit's total.
#[derive(Debug)]
pub(crate) struct Lineage {
    pub units: Vec<Sources>,
    /// Past unit codes counted in the consolidating unit's total.
    pub total: BTreeSet<String>,
    /// Why the total is not comparable, when a past unit was split
    /// between this consolidating unit and another.
    pub total_note: Option<String>,
}

/// Does a comparison of `past_end` with `now_start` cross the reform?
pub(crate) fn crosses_reform(past_end: NaiveDate, now_start: NaiveDate) -> bool {
    past_end < reform_date() && now_start >= reform_date()
}

pub(crate) fn lineage(
    config: &Config,
    past_end: NaiveDate,
    past_units: &BTreeSet<String>,
) -> Lineage {
    if !crosses_reform(past_end, config.period.start()) {
        return Lineage {
            units: config
                .registry
                .units
                .iter()
                .map(|u| Sources::Units(vec![u.code.clone()]))
                .collect(),
            total: past_units.clone(),
            total_note: None,
        };
    }
    across_reform(config, past_units)
}

fn across_reform(config: &Config, past_units: &BTreeSet<String>) -> Lineage {
    let walk = crosswalk();
    let lang = config.lang;
    let units: Vec<Sources> = config
        .registry
        .units
        .iter()
        .map(|u| match walk.parents(&u.code) {
            parents if parents.is_empty() => Sources::NotComparable(lang.pick(
                format!(
                    "không so sánh được: mã {} không có trong bảng chuyển đổi đơn vị năm 2025",
                    u.code
                ),
                format!(
                    "not comparable: code {} is not in the 2025 crosswalk",
                    u.code
                ),
            )),
            parents => whole_parents(&parents, lang),
        })
        .collect();
    let (total, total_note) = province_total(config, past_units);
    Lineage {
        units,
        total,
        total_note,
    }
}

/// The old units counted in the consolidating unit's total: those whose
/// every part went into the provinces of the registry's communes; an old
/// unit split between them and another province makes the total not
/// comparable (named in the note).
fn province_total(
    config: &Config,
    past_units: &BTreeSet<String>,
) -> (BTreeSet<String>, Option<String>) {
    let walk = crosswalk();
    let provinces: BTreeSet<&str> = config
        .registry
        .units
        .iter()
        .flat_map(|u| walk.parents(&u.code))
        .map(|l| l.new_province.as_str())
        .collect();
    let mut total = BTreeSet::new();
    let mut straddling = Vec::new();
    for code in past_units {
        let parts = walk.parts(code);
        let inside = parts
            .iter()
            .filter(|l| provinces.contains(l.new_province.as_str()));
        match (inside.count(), parts.len()) {
            (0, _) => {}
            (n, all) if n == all => {
                total.insert(code.clone());
            }
            _ => straddling.push(code.clone()),
        }
    }
    let note = (!straddling.is_empty()).then(|| {
        config.lang.pick(
            format!(
                "không so sánh được: đơn vị cũ {} bị chia cho đơn vị ngoài phạm vi tổng hợp",
                straddling.join(", ")
            ),
            format!(
                "not comparable: old unit(s) {} were split with units outside this consolidation",
                straddling.join(", ")
            ),
        )
    });
    (total, note)
}

/// A new commune's old communes when each went into it wholly; else the
/// split ones named as the reason it is not comparable.
fn whole_parents(parents: &[&Link], lang: crate::model::finding::Lang) -> Sources {
    let split: Vec<String> = parents
        .iter()
        .filter(|l| !l.whole)
        .map(|l| format!("{} ({})", l.old_name, l.old_code))
        .collect();
    if split.is_empty() {
        return Sources::Units(parents.iter().map(|l| l.old_code.clone()).collect());
    }
    Sources::NotComparable(lang.pick(
        format!(
            "không so sánh được: {} bị chia cho nhiều xã mới, số liệu cũ không tách được",
            split.join(", ")
        ),
        format!(
            "not comparable: {} was split between new communes; its past figures cannot be divided",
            split.join(", ")
        ),
    ))
}

/// Each past unit code → the registry unit (code) its figures count for.
pub(crate) fn targets(lineage: &Lineage, config: &Config) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (u, sources) in lineage.units.iter().enumerate() {
        if let Sources::Units(codes) = sources {
            for code in codes {
                map.insert(code.clone(), config.registry.units[u].code.clone());
            }
        }
    }
    map
}

/// A unit whose past units are not all in the history is not comparable
/// (a partial sum would be a wrong figure); says which are missing.
pub(crate) fn require_present(
    lineage: &mut Lineage,
    past_units: &BTreeSet<String>,
    config: &Config,
) {
    for sources in &mut lineage.units {
        let Sources::Units(codes) = sources else {
            continue;
        };
        let missing: Vec<&str> = codes
            .iter()
            .filter(|c| !past_units.contains(*c))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            let list = missing.join(", ");
            *sources = Sources::NotComparable(config.lang.pick(
                format!("không có số liệu cùng kỳ của {list}"),
                format!("no figures of {list} for the earlier period"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::{Sources, lineage, require_present};
    use crate::config::Config;
    use crate::model::period::Period;
    use crate::model::registry::{Registry, Unit};
    use crate::model::schema::{PeriodKind, Schema};

    fn config(units: &[(&str, &str)], period: &str) -> Config {
        let schema = Schema::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/pcmd.toml"))
            .expect("pcmd schema");
        let registry = Registry::new(
            units.iter().map(|(c, n)| Unit::named(c, n)).collect(),
            Path::new("units.csv"),
        );
        Config::new(
            schema,
            registry,
            Period::parse(period, PeriodKind::Year).unwrap(),
        )
    }

    fn codes(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn a_commune_with_a_split_parent_is_not_comparable() {
        // Hà Nội: Phường Ngọc Hà (00008) took Vĩnh Phúc and Liễu Giai whole
        // and parts of Cống Vị, Ngọc Hà, Đội Cấn …; Phường Hồng Hà (00097)
        // took Phúc Xá, Phúc Tân, Chương Dương whole and parts of others.
        let config = config(&[("00008", "Phường Ngọc Hà")], "2026");
        let past = codes(&["00006", "00007", "00008"]);
        let lineage = lineage(&config, Period::year(2024).end(), &past);
        match &lineage.units[0] {
            Sources::NotComparable(why) => {
                assert!(why.contains("Phường Cống Vị (00007)"), "{why}");
                assert!(why.contains("không so sánh được"), "{why}");
            }
            other => panic!("apportioned silently: {other:?}"),
        }
    }

    #[test]
    fn whole_parents_are_summed_and_a_missing_one_is_not_comparable() {
        // Xã Văn Bàn (03082) of the new Lào Cai: five old communes, whole.
        let config = config(&[("03082", "Xã Văn Bàn"), ("03085", "Xã Nậm Xé")], "2026");
        let past = codes(&["03055", "03064", "03082", "03094", "03085"]);
        let mut lineage = lineage(&config, Period::year(2024).end(), &past);
        assert_eq!(
            lineage.units[0],
            Sources::Units(
                codes(&["03055", "03064", "03082", "03094", "03097"])
                    .into_iter()
                    .collect()
            )
        );
        assert_eq!(lineage.units[1], Sources::Units(vec!["03085".into()]));
        assert_eq!(lineage.total, past, "every old unit went into province 15");
        // Hoà Mạc (03097) has no past figures: Văn Bàn cannot be compared.
        require_present(&mut lineage, &past, &config);
        assert!(matches!(&lineage.units[0], Sources::NotComparable(why) if why.contains("03097")));
        // Within one side of the reform a unit is itself.
        let before = lineage_of_2024(&past);
        assert_eq!(before, Sources::Units(vec!["03082".into()]));
    }

    fn lineage_of_2024(past: &BTreeSet<String>) -> Sources {
        let config = config(&[("03082", "Xã Khánh Yên Thượng")], "2024");
        lineage(&config, Period::year(2023).end(), past).units[0].clone()
    }
}
