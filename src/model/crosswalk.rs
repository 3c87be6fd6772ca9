//! The 2025 crosswalk of communes (`data/dvhc/sap-nhap-2025.csv`): which
//! communes of 1 March 2025 formed each commune of 1 July 2025, wholly
//! (`full`) or in part (`partial`: an old commune split between new ones has
//! one row per new commune that took a part). Compiled in, parsed on first
//! use; the history stage uses it to compare a new commune with the old
//! ones that formed it.

use std::collections::HashMap;
use std::sync::OnceLock;

const CROSSWALK_CSV: &str = include_str!("../../data/dvhc/sap-nhap-2025.csv");

/// One row of the crosswalk: an old commune (or the part of it) that went
/// into a new one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Link {
    pub old_code: String,
    pub old_name: String,
    pub new_province: String,
    pub new_code: String,
    pub new_name: String,
    /// The whole old commune went into the new one (`full`).
    pub whole: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Crosswalk {
    links: Vec<Link>,
    by_new: HashMap<String, Vec<usize>>,
    by_old: HashMap<String, Vec<usize>>,
}

/// The bundled crosswalk, parsed on first use.
pub(crate) fn crosswalk() -> &'static Crosswalk {
    static CROSSWALK: OnceLock<Crosswalk> = OnceLock::new();
    CROSSWALK.get_or_init(|| Crosswalk::parse(CROSSWALK_CSV))
}

impl Crosswalk {
    /// Parses the bundled CSV; a malformed row is a bug of the build (the
    /// tests read every row), not of the user's input.
    pub(crate) fn parse(text: &str) -> Crosswalk {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut walk = Crosswalk::default();
        for record in reader.records() {
            let r = record.expect("bundled crosswalk rows are well formed");
            let link = Link {
                old_code: r[1].to_string(),
                old_name: r[2].to_string(),
                new_province: r[3].to_string(),
                new_code: r[4].to_string(),
                new_name: r[5].to_string(),
                whole: &r[6] == "full",
            };
            let index = walk.links.len();
            walk.by_new
                .entry(link.new_code.clone())
                .or_default()
                .push(index);
            walk.by_old
                .entry(link.old_code.clone())
                .or_default()
                .push(index);
            walk.links.push(link);
        }
        walk
    }

    /// The old communes (or parts) that formed a new commune.
    pub(crate) fn parents(&self, new_code: &str) -> Vec<&Link> {
        self.rows(self.by_new.get(new_code))
    }

    /// Where an old commune went: one row, or one per part when split.
    pub(crate) fn parts(&self, old_code: &str) -> Vec<&Link> {
        self.rows(self.by_old.get(old_code))
    }

    fn rows(&self, indexes: Option<&Vec<usize>>) -> Vec<&Link> {
        indexes
            .into_iter()
            .flatten()
            .map(|&i| &self.links[i])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::crosswalk;

    #[test]
    fn the_bundled_crosswalk_reads_every_row() {
        let walk = crosswalk();
        assert_eq!(walk.links.len(), 10_599);
        // Thị trấn Khánh Yên and Xã Khánh Yên Thượng both went wholly into
        // the new Xã Văn Bàn (03082) of province 15 (SOURCES.md).
        let parents: Vec<_> = walk.parents("03082").iter().map(|l| &l.old_code).collect();
        assert!(parents.contains(&&"03055".to_string()));
        assert!(parents.contains(&&"03082".to_string()));
        assert!(walk.parents("03082").iter().all(|l| l.whole));
        assert!(walk.parts("03055").iter().all(|l| l.new_province == "15"));
        // An old unit split between new ones has a row per part.
        let split = walk.parts("00007");
        assert!(split.len() > 1 && split.iter().all(|l| !l.whole));
    }
}
