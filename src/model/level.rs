//! The level of a run: whether the units that report are communes (to a
//! district before 1 July 2025, to a province after) or districts (to a
//! province before the reform, which then consolidates its districts' build
//! outputs, not commune files), told from the registry's kinds; and the words
//! the outputs use for those units ("xã, thị trấn", "huyện, thị xã, thành
//! phố"). See docs/units.md, "Levels".

use crate::model::finding::Lang;
use crate::model::national;
use crate::model::registry::{Registry, Unit};
use crate::model::text::label_key;

/// Level words a unit's name may begin with, longest first, with their
/// English names.
const NAME_LEVELS: &[(&str, &str)] = &[
    ("thành phố", "City"),
    ("thị trấn", "Township"),
    ("thị xã", "Town"),
    ("đặc khu", "Special Zone"),
    ("huyện", "District"),
    ("quận", "Urban District"),
    ("tỉnh", "Province"),
    ("phường", "Ward"),
    ("xã", "Commune"),
];

/// A unit's name split into its level word and its place: "Huyện Văn Bàn"
/// → (Some(("huyện", "District")), "Văn Bàn"). A name that only looks like
/// one ("Quan Hóa") keeps its whole self: the comparison keeps diacritics.
pub(crate) fn split_level_word(name: &str) -> (Option<(&'static str, &'static str)>, &str) {
    let name = name.trim();
    for &(vi, en) in NAME_LEVELS {
        let n = vi.chars().count();
        let Some((cut, ' ')) = name.char_indices().nth(n) else {
            continue;
        };
        if name[..cut].to_lowercase() == vi {
            return (Some((vi, en)), name[cut..].trim());
        }
    }
    (None, name)
}

/// The issuing body of a unit's documents: "UBND HUYỆN VĂN BÀN"; in
/// English "PEOPLE'S COMMITTEE OF VĂN BÀN DISTRICT".
pub(crate) fn issuing_body(name: &str, lang: Lang) -> String {
    match (lang, split_level_word(name)) {
        (Lang::Vi, _) => format!("UBND {}", name.trim().to_uppercase()),
        (Lang::En, (Some((_, en)), place)) => {
            format!("PEOPLE'S COMMITTEE OF {} {}", place, en).to_uppercase()
        }
        (Lang::En, (None, place)) => format!("PEOPLE'S COMMITTEE OF {}", place.to_uppercase()),
    }
}

/// Who reports in a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reporting {
    /// Communes send their report files (the tool's first use).
    #[default]
    Communes,
    /// Districts send the outputs of their own builds (a province before
    /// the 2025 reform).
    Districts,
}

/// The kinds of unit, in the order official texts list them.
const COMMUNE_KINDS: &[&str] = &["xã", "phường", "thị trấn", "đặc khu"];
const DISTRICT_KINDS: &[&str] = &["huyện", "quận", "thị xã", "thành phố"];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Level {
    pub reporting: Reporting,
    /// The kinds present in the registry, in the official order (lower
    /// case, Vietnamese): ["xã", "thị trấn"].
    kinds: Vec<&'static str>,
    /// The consolidating unit's level in the national list of the period's
    /// end, when it is there.
    consolidating: Option<national::Level>,
}

impl Level {
    /// The level of a registry: districts when every unit is a district
    /// (by its `kind`, else the first words of its name), communes otherwise.
    pub fn of(registry: &Registry) -> Level {
        let kinds: Vec<Option<&'static str>> = registry.units.iter().map(kind_of).collect();
        let all_districts =
            !kinds.is_empty() && kinds.iter().all(|k| k.is_some_and(is_district_kind));
        let reporting = if all_districts {
            Reporting::Districts
        } else {
            Reporting::Communes
        };
        let present: Vec<&'static str> = COMMUNE_KINDS
            .iter()
            .chain(DISTRICT_KINDS)
            .copied()
            .filter(|k| kinds.contains(&Some(k)))
            .collect();
        Level {
            reporting,
            kinds: present,
            consolidating: None,
        }
    }

    /// The same, knowing the consolidating unit: its level in the national
    /// list in force on `date` (the period's end).
    pub fn under(mut self, code: &str, date: chrono::NaiveDate) -> Level {
        self.consolidating = national::list_on(date).find(code).map(|u| u.level);
        self
    }

    /// Who a commune sends its report (and its corrections) to, as the
    /// feedback says: "tỉnh" for a province, else "huyện".
    pub fn consolidator_vi(&self) -> &'static str {
        match self.consolidating {
            Some(national::Level::Province) => "tỉnh",
            _ => "huyện",
        }
    }

    /// The reporting units as a count's noun: "xã, thị trấn", "huyện, thị
    /// xã, thành phố"; "đơn vị" when the registry gives no kind.
    pub fn units_noun(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi if self.kinds.is_empty() => "đơn vị".to_string(),
            Lang::Vi => self.kinds.join(", "),
            Lang::En if self.kinds.is_empty() => "units".to_string(),
            Lang::En => match self.reporting {
                Reporting::Districts => "districts".to_string(),
                Reporting::Communes => "communes".to_string(),
            },
        }
    }

    /// The reporting units as a message asks for one's name: "xã, phường";
    /// "xã, thị trấn" when the registry gives no kinds (the first wording).
    pub fn units_words_vi(&self) -> String {
        if self.kinds.is_empty() {
            "xã, thị trấn".to_string()
        } else {
            self.kinds.join(", ")
        }
    }

    /// The name of the sheet of indicators per reporting unit.
    pub fn by_unit_sheet(&self) -> &'static str {
        match self.reporting {
            Reporting::Communes => "Chỉ tiêu theo xã",
            Reporting::Districts => "Chỉ tiêu theo huyện",
        }
    }
}

fn is_district_kind(kind: &str) -> bool {
    DISTRICT_KINDS.contains(&kind)
}

/// A unit's kind among the known ones: its `kind` column, else the words
/// its name starts with ("Thị trấn Khánh Yên" → "thị trấn").
fn kind_of(unit: &Unit) -> Option<&'static str> {
    let known = |text: &str| {
        let key = label_key(text);
        COMMUNE_KINDS
            .iter()
            .chain(DISTRICT_KINDS)
            .copied()
            // The longest first: "thị xã" before "xã".
            .filter(|k| key == *k || key.starts_with(&format!("{k} ")))
            .max_by_key(|k| k.len())
    };
    if unit.kind.trim().is_empty() {
        known(&unit.name)
    } else {
        known(&unit.kind).filter(|k| label_key(&unit.kind) == *k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn registry(units: &[(&str, &str, &str)]) -> Registry {
        let units = units
            .iter()
            .map(|(code, name, kind)| Unit {
                kind: kind.to_string(),
                ..Unit::named(code, name)
            })
            .collect();
        Registry::new(units, Path::new("x.csv"))
    }

    #[test]
    fn communes_and_their_kinds_in_the_official_order() {
        let level = Level::of(&registry(&[
            ("03055", "Thị trấn Khánh Yên", "Thị trấn"),
            ("03061", "Xã Võ Lao", "Xã"),
        ]));
        assert_eq!(level.reporting, Reporting::Communes);
        assert_eq!(level.units_noun(Lang::Vi), "xã, thị trấn");
        assert_eq!(level.units_noun(Lang::En), "communes");
        assert_eq!(level.by_unit_sheet(), "Chỉ tiêu theo xã");
        let day = |y| chrono::NaiveDate::from_ymd_opt(y, 12, 31).unwrap();
        assert_eq!(
            level.clone().under("089", day(2023)).consolidator_vi(),
            "huyện"
        );
        assert_eq!(
            level.clone().under("15", day(2026)).consolidator_vi(),
            "tỉnh"
        );
        assert_eq!(level.under("", day(2026)).consolidator_vi(), "huyện");
    }

    #[test]
    fn districts_by_kind_or_by_name() {
        let level = Level::of(&registry(&[
            ("080", "Thành phố Lào Cai", "Thành phố"),
            ("088", "Thị xã Sa Pa", ""),
            ("089", "Huyện Văn Bàn", "Huyện"),
        ]));
        assert_eq!(level.reporting, Reporting::Districts);
        assert_eq!(level.units_noun(Lang::Vi), "huyện, thị xã, thành phố");
        assert_eq!(level.by_unit_sheet(), "Chỉ tiêu theo huyện");
    }

    #[test]
    fn units_without_a_kind_are_units() {
        let level = Level::of(&registry(&[("A1", "An Bình", ""), ("A2", "Bình An", "")]));
        assert_eq!(level.reporting, Reporting::Communes);
        assert_eq!(level.units_noun(Lang::Vi), "đơn vị");
        assert_eq!(level.units_noun(Lang::En), "units");
    }

    #[test]
    fn a_name_splits_into_its_level_word_and_its_place() {
        use super::{issuing_body, split_level_word};
        assert_eq!(split_level_word("Huyện Văn Bàn").1, "Văn Bàn");
        assert_eq!(split_level_word("THỊ XÃ SA PA").1, "SA PA");
        assert_eq!(split_level_word("Thành phố Lào Cai").1, "Lào Cai");
        assert_eq!(split_level_word("Quan Hóa"), (None, "Quan Hóa"));
        assert_eq!(split_level_word("Xã"), (None, "Xã"));
        assert_eq!(
            issuing_body("Huyện Văn Bàn", Lang::Vi),
            "UBND HUYỆN VĂN BÀN"
        );
        assert_eq!(
            issuing_body("Huyện Văn Bàn", Lang::En),
            "PEOPLE'S COMMITTEE OF VĂN BÀN DISTRICT"
        );
        assert_eq!(
            issuing_body("Tỉnh Lào Cai", Lang::En),
            "PEOPLE'S COMMITTEE OF LÀO CAI PROVINCE"
        );
    }
}
