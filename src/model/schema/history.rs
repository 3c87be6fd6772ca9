//! The schema keys about a field's history, apart from the form's own
//! keys: how a value rolls up over time (`rollup`) and when a change
//! against the unit's past or the other units is an outlier (`outlier`).

use serde::Deserialize;

/// How a field's values of shorter periods make a longer one's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rollup {
    /// Flows (sessions held): the periods' values added up.
    Sum,
    /// Stocks (establishments at the end): the last period's value.
    Last,
    /// The largest of the periods' values.
    Max,
    /// The mean of the periods' values.
    Average,
}

impl Rollup {
    /// The value of the longer period from the shorter ones' in order;
    /// `None` when any is missing (never a zero made up for it).
    pub fn apply(self, values: &[Option<f64>]) -> Option<f64> {
        let known: Vec<f64> = values.iter().copied().collect::<Option<Vec<_>>>()?;
        let last = *known.last()?;
        Some(match self {
            Rollup::Sum => known.iter().sum(),
            Rollup::Last => last,
            Rollup::Max => known.iter().copied().fold(f64::MIN, f64::max),
            Rollup::Average => known.iter().sum::<f64>() / known.len() as f64,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Rollup::Sum => "sum",
            Rollup::Last => "last",
            Rollup::Max => "max",
            Rollup::Average => "average",
        }
    }
}

/// A field's outlier thresholds (`outlier = { ratio = 3, floor = 5, z = 3.5 }`).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outlier {
    /// A value above `ratio` times, or below 1/`ratio` of, the median of
    /// the unit's last four periods is a jump.
    #[serde(default = "default_ratio")]
    pub ratio: f64,
    /// Neither the value nor the median above this: too small to judge
    /// (0 → 1 is no jump).
    #[serde(default = "default_floor")]
    pub floor: f64,
    /// The modified z-score over the period's units beyond which a value
    /// stands apart from the others.
    #[serde(default = "default_z")]
    pub z: f64,
    /// `false` turns the checks off for the field.
    #[serde(default = "yes")]
    pub check: bool,
}

impl Default for Outlier {
    fn default() -> Self {
        Outlier {
            ratio: default_ratio(),
            floor: default_floor(),
            z: default_z(),
            check: true,
        }
    }
}

fn default_ratio() -> f64 {
    3.0
}

fn default_floor() -> f64 {
    5.0
}

fn default_z() -> f64 {
    3.5
}

fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::Rollup;

    #[test]
    fn rollups_never_fill_a_missing_period() {
        let q = [Some(3.0), Some(5.0), Some(2.0), Some(4.0)];
        assert_eq!(Rollup::Sum.apply(&q), Some(14.0));
        assert_eq!(Rollup::Last.apply(&q), Some(4.0));
        assert_eq!(Rollup::Max.apply(&q), Some(5.0));
        assert_eq!(Rollup::Average.apply(&q), Some(3.5));
        assert_eq!(Rollup::Sum.apply(&[Some(3.0), None]), None);
        assert_eq!(Rollup::Last.apply(&[]), None);
    }
}
