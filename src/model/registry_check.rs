//! A project's registry compared with the bundled national list of its
//! date (`model::national`) when the project loads: an entry whose code is
//! not in the list, whose name or parent differs, is a `registry-mismatch`
//! warning told before any commune file is read. Names are compared without
//! the "Xã"/"Thị trấn" prefix, case and diacritics (Hòa/Hoà agree).

use std::collections::HashSet;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::model::finding::{Code, Finding, Lang, Msg};
use crate::model::messages;
use crate::model::registry::{Registry, Unit};

use crate::model::national::{self, NationalList};

/// How two names of one unit are compared: without the prefix ("Xã",
/// "Thị trấn", "UBND"…), case, punctuation and diacritics — so the old and
/// new tone-mark placements (Hòa/Hoà, Thủy/Thuỷ) and diacritic slips
/// (Chày/Chầy) agree, while another name does not. The check compares the
/// keys the registry and the national list made already.
#[cfg(test)]
fn same_unit_name(a: &str, b: &str) -> bool {
    use crate::model::unit_name::name_key;
    name_key(a) == name_key(b)
}

/// Every registry entry that disagrees with the national list in force on
/// `date` (the end of the project's period): a code the list lacks, or a
/// code the list gives another name. A registry entry matches when its name
/// or one of its aliases is the official name.
pub fn registry_mismatches(registry: &Registry, date: NaiveDate) -> Vec<Finding> {
    let list = national::list_on(date);
    // Where the registry's known units belong: suggestions come from there.
    let home: HashSet<&str> = registry
        .units
        .iter()
        .filter_map(|u| list.find(&u.code))
        .map(|u| u.parent)
        .collect();
    let (suggest, unknown) = suggested_units(list, registry);
    // In parallel: a registry of another edition asks for a comparison of
    // each of its units. The findings stay in the registry's order.
    let units: Vec<Finding> = registry
        .units
        .par_iter()
        .enumerate()
        .filter_map(|(i, unit)| {
            let keys: Vec<&str> = registry.name_keys(i).collect();
            let home = suggest[i].then_some(&home);
            let message = unit_mismatch(list, unit, &keys, home)?;
            Some(
                Finding::new(Code::RegistryMismatch, message)
                    .value(format!("{} {}", unit.code, unit.name)),
            )
        })
        .collect();
    let mut found = Vec::with_capacity(units.len() + 1);
    if unknown > SUGGESTED_UNITS {
        let (vi, en) = (list.edition.label(Lang::Vi), list.edition.label(Lang::En));
        let total = registry.units.len();
        let message =
            messages::registry_codes_mostly_unknown(unknown, total, SUGGESTED_UNITS, vi, en);
        found.push(
            Finding::new(Code::RegistryMismatch, message).value(format!("{unknown}/{total}")),
        );
    }
    found.extend(units);
    found
}

/// Units whose unknown code gets suggestions of similar names: the first
/// ones in the registry's order. Each suggestion compares a name with the
/// whole national list; a registry of another edition (or of made-up codes)
/// has thousands of unknown codes, whose suggestions would cost seconds at
/// every run and tell the user nothing the first ones do not.
const SUGGESTED_UNITS: usize = 50;

/// Per registry unit, whether its unknown code gets suggestions; and how
/// many of the registry's codes the list lacks.
fn suggested_units(list: &NationalList, registry: &Registry) -> (Vec<bool>, usize) {
    let mut unknown = 0;
    let suggest = registry
        .units
        .iter()
        .map(|u| {
            let missing = list.find(&u.code).is_none();
            unknown += usize::from(missing);
            missing && unknown <= SUGGESTED_UNITS
        })
        .collect();
    (suggest, unknown)
}

/// How a registry unit disagrees with the national list: its code names
/// another unit, or sits under another parent, or is in no list. `keys` are
/// the name keys of its name and aliases (`Registry::name_keys`); `home`,
/// where suggestions for an unknown code come from, `None` for none.
fn unit_mismatch(
    list: &NationalList,
    unit: &Unit,
    keys: &[&str],
    home: Option<&HashSet<&str>>,
) -> Option<Msg> {
    let (vi, en) = (list.edition.label(Lang::Vi), list.edition.label(Lang::En));
    let Some(official) = list.find(&unit.code) else {
        let near = home.map_or_else(Vec::new, |home| {
            suggestions(list, &unit.name, keys[0], home)
        });
        return Some(messages::registry_code_unknown(
            &unit.code, &unit.name, &near, vi, en,
        ));
    };
    // `same_unit_name` with both keys made already.
    let named = keys.contains(&official.key);
    if !named {
        return Some(messages::registry_name_differs(
            &unit.code,
            &unit.name,
            official.name,
            vi,
            en,
        ));
    }
    if parent_agrees(list, &unit.parent, official) {
        return None;
    }
    let parent = list
        .find(official.parent)
        .map_or(official.parent.to_string(), |p| {
            format!("{} ({})", p.name, p.code)
        });
    Some(messages::registry_parent_differs(
        &unit.code,
        &unit.name,
        &unit.parent,
        &parent,
        vi,
        en,
    ))
}

/// Whether a registry's `parent` agrees with the list: empty, the unit's
/// parent, or that parent's own (a province named for a commune before the
/// reform).
fn parent_agrees(list: &NationalList, parent: &str, official: &national::NationalUnit) -> bool {
    parent.is_empty()
        || parent == official.parent
        || list
            .find(official.parent)
            .is_some_and(|p| !p.parent.is_empty() && p.parent == parent)
}

/// "03061 Xã Võ Lao" for the units whose names resemble `name` (its name
/// key `key`), among the units under `home` (the parents of the registry's
/// other units) when any.
fn suggestions(list: &NationalList, name: &str, key: &str, home: &HashSet<&str>) -> Vec<String> {
    list.suggest_preferring(name, key, |u| home.contains(u.parent))
        .into_iter()
        .take(3)
        .map(|u| format!("{} {}", u.code, u.name))
        .collect()
}

/// The registry warnings as lines of text, for the terminal ("" when none).
pub(crate) fn registry_findings_text(findings: &[Finding], lang: Lang) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&format!(
            "{} [{}]: {}\n",
            f.severity.label(lang),
            f.code,
            f.message.get(lang)
        ));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::registry::Unit;
    use std::path::Path;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn unit(code: &str, name: &str) -> Unit {
        Unit::named(code, name)
    }

    #[test]
    fn the_samples_registry_agrees_with_the_2023_list() {
        let registry = crate::model::registry::tests::van_ban();
        let found = registry_mismatches(&registry, day(2023, 12, 31));
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn tone_mark_placement_and_prefixes_are_the_same_name() {
        assert!(same_unit_name("Xã Hòa Mạc", "Xã Hoà Mạc"));
        assert!(same_unit_name("Sơn Thủy", "Xã Sơn Thuỷ"));
        assert!(same_unit_name("TT. Khánh Yên", "Thị trấn Khánh Yên"));
        assert!(!same_unit_name("Xã Võ Lao", "Xã Tân An"));
    }

    #[test]
    fn a_typo_or_a_wrong_code_is_caught() {
        let registry = Registry::new(
            vec![
                unit("03061", "Xã Võ Lao"),
                unit("03064", "Xã Võ Lao"),
                unit("03999", "Xã Tân An"),
            ],
            Path::new("x.csv"),
        );
        let found = registry_mismatches(&registry, day(2023, 12, 31));
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].value.as_deref(), Some("03064 Xã Võ Lao"));
        assert!(
            found[0].message.vi.contains("Xã Sơn Thuỷ"),
            "{}",
            found[0].message.vi
        );
        assert_eq!(found[1].value.as_deref(), Some("03999 Xã Tân An"));
        assert!(
            found[1].message.vi.contains("03079 Xã Tân An"),
            "{}",
            found[1].message.vi
        );
    }

    #[test]
    fn a_unit_of_another_district_is_caught() {
        let mut vo_lao = unit("03061", "Xã Võ Lao");
        vo_lao.parent = "089".into();
        // Its province, for a commune: not wrong.
        let mut son_thuy = unit("03064", "Xã Sơn Thuỷ");
        son_thuy.parent = "10".into();
        let mut lung_cai = unit("02842", "Xã Lùng Cải");
        lung_cai.parent = "089".into();
        let registry = Registry::new(vec![vo_lao, son_thuy, lung_cai], Path::new("x.csv"));
        let found = registry_mismatches(&registry, day(2023, 12, 31));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].value.as_deref(), Some("02842 Xã Lùng Cải"));
        assert!(
            found[0].message.vi.contains("Huyện Bắc Hà"),
            "{}",
            found[0].message.vi
        );
    }

    #[test]
    fn an_old_registry_on_a_new_date_is_caught() {
        // 03055 Thị trấn Khánh Yên no longer exists after the 2025 reform.
        let registry = crate::model::registry::tests::van_ban();
        let found = registry_mismatches(&registry, day(2026, 3, 31));
        assert!(
            found
                .iter()
                .any(|f| f.value.as_deref() == Some("03055 Thị trấn Khánh Yên"))
        );
    }

    #[test]
    fn a_registry_of_other_codes_is_told_once_with_bounded_suggestions() {
        // Made-up codes, each a real commune's name: every one is a
        // finding, the first ones with suggestions, and one finding first
        // saying how many codes the list lacks.
        let units: Vec<Unit> = (0..SUGGESTED_UNITS + 5)
            .map(|i| unit(&format!("9{i:04}"), "Xã Võ Lao"))
            .collect();
        let total = units.len();
        let registry = Registry::new(units, Path::new("x.csv"));
        let found = registry_mismatches(&registry, day(2023, 12, 31));
        assert_eq!(found.len(), total + 1, "{found:#?}");
        let summary = format!("{total}/{total}");
        assert_eq!(found[0].value.as_deref(), Some(summary.as_str()));
        assert!(found[0].message.vi.contains(&total.to_string()));
        let suggested = |f: &Finding| f.message.vi.contains("03061 Xã Võ Lao");
        assert!(found[1..=SUGGESTED_UNITS].iter().all(suggested));
        assert!(!found[SUGGESTED_UNITS + 1..].iter().any(suggested));
        assert_eq!(found[total].value.as_deref(), Some("90054 Xã Võ Lao"));
    }
}
