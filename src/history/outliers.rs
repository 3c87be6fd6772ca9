//! Outliers: a warning (`value-outlier`) when a unit's figure jumps against
//! its own last four periods (above `ratio` times, or below 1/`ratio` of,
//! their median; neither above `floor`: 0 → 1 is no jump), or stands far
//! from the other units' of the period (modified z-score over the units,
//! |z| above `z`). Thresholds per field (`outlier` in the schema), with
//! defaults. Runs only when the history holds an earlier period of the
//! schema: without history a build is exactly what it was.

use std::collections::{BTreeSet, HashMap};

use super::compare::{period_before, year_ago};
use super::lineage::{self, Sources};
use super::prior::{PastValues, form_values};
use super::{HistoryError, store};
use crate::config::Config;
use crate::model::finding::{Code, Finding};
use crate::model::messages;
use crate::model::period::Period;
use crate::model::schema::FieldDef;
use crate::model::schema::history::Outlier;
use crate::model::submission::{CheckResult, Status};
use crate::model::values::{Value, format_number};

/// How many earlier periods a unit's own figure is judged against.
const OWN_PERIODS: usize = 4;
/// Fewer units than this tell nothing about one standing apart.
const MIN_PEERS: usize = 5;

/// The periods before the build's, nearest first.
fn earlier(period: &Period) -> Vec<Period> {
    let mut out = Vec::new();
    let mut p = period.clone();
    for _ in 0..OWN_PERIODS {
        p = period_before(&p).unwrap_or_else(|| year_ago(&p));
        out.push(p.clone());
    }
    out
}

/// The values of the earlier periods the history holds, under today's
/// unit codes: across the 2025 reform a new commune's past is the sum of
/// the old communes that formed it wholly (`lineage`), never the old
/// commune that happened to have its code.
fn past(config: &Config) -> Result<Vec<PastValues>, HistoryError> {
    let root = store::folder(&config.project_dir);
    let mut out = Vec::new();
    for p in earlier(&config.period) {
        if let Some(table) = store::read(&root, config.schema.id(), &p.id())? {
            let values = form_values(&table, config);
            let present: BTreeSet<String> = values.keys().cloned().collect();
            let mut lineage = lineage::lineage(config, p.end(), &present);
            lineage::require_present(&mut lineage, &present, config);
            out.push(as_today(config, &values, &lineage));
        }
    }
    Ok(out)
}

/// Each registry unit's numeric figures of a past period: the sum over
/// the past units it stands for (none when not comparable).
fn as_today(config: &Config, values: &PastValues, lineage: &lineage::Lineage) -> PastValues {
    let mut out = PastValues::new();
    for (unit, sources) in config.registry.units.iter().zip(&lineage.units) {
        let Sources::Units(codes) = sources else {
            continue;
        };
        let mut fields = HashMap::new();
        for (_, f) in config
            .schema
            .form_fields()
            .filter(|(_, f)| f.ty.is_numeric())
        {
            let parts: Option<Vec<f64>> = codes
                .iter()
                .map(|c| values.get(c)?.get(f.id())?.as_f64())
                .collect();
            if let Some(parts) = parts {
                fields.insert(f.id().to_string(), Value::Num(parts.iter().sum()));
            }
        }
        out.insert(unit.code.clone(), fields);
    }
    out
}

/// Adds a `value-outlier` warning to each accepted submission's outlying
/// figures.
pub fn flag(result: &mut CheckResult, config: &Config) -> Result<(), HistoryError> {
    let past = past(config)?;
    if past.is_empty() {
        return Ok(());
    }
    let accepted: Vec<usize> = (0..result.submissions.len())
        .filter(|&i| {
            let s = &result.submissions[i];
            s.status == Status::Accepted && s.unit.is_some()
        })
        .collect();
    for (_, field) in config.schema.form_fields() {
        let t = field.outlier.unwrap_or_default();
        if !field.ty.is_numeric() || !t.check {
            continue;
        }
        let values: Vec<Option<f64>> = accepted
            .iter()
            .map(|&i| value_of(result, i, field))
            .collect();
        let peers = Peers::of(&values.iter().flatten().copied().collect::<Vec<_>>());
        for (k, &i) in accepted.iter().enumerate() {
            let Some(v) = values[k] else { continue };
            let code = &config.registry.units[result.submissions[i].unit.unwrap_or(0)].code;
            let own: Vec<f64> = past
                .iter()
                .filter_map(|p| p.get(code)?.get(field.id())?.as_f64())
                .collect();
            if let Some(finding) = judge(field, &t, v, &own, peers.as_ref()) {
                let s = &mut result.submissions[i];
                let located = match s.data.as_ref().and_then(|d| d.form.get(field.id())) {
                    Some(fv) => finding.at(fv.source.location()),
                    None => finding,
                };
                s.findings.push(located);
            }
        }
    }
    Ok(())
}

fn value_of(result: &CheckResult, i: usize, field: &FieldDef) -> Option<f64> {
    result.submissions[i]
        .data
        .as_ref()?
        .form
        .get(field.id())?
        .value
        .as_ref()?
        .as_f64()
}

/// The jump against the unit's own past first; else standing apart.
fn judge(
    field: &FieldDef,
    t: &Outlier,
    value: f64,
    own: &[f64],
    peers: Option<&Peers>,
) -> Option<Finding> {
    let finding = |msg, shown: String| {
        Finding::new(Code::ValueOutlier, msg)
            .field(field.id())
            .value(shown)
    };
    if let Some(median) = median(own)
        && jumps(t, median, value)
    {
        let shown = format!("{} → {}", format_number(median), format_number(value));
        return Some(finding(messages::value_jump(field, median, value), shown));
    }
    let peers = peers?;
    // One decimal is all a reader needs of the score.
    let z = (peers.z(value)? * 10.0).round() / 10.0;
    (z.abs() > t.z && value.abs() > t.floor).then(|| {
        finding(
            messages::value_apart(field, peers.median, value, z),
            format_number(value),
        )
    })
}

/// Above `ratio` × the median or below it ÷ `ratio`, unless both are small.
pub(crate) fn jumps(t: &Outlier, median: f64, value: f64) -> bool {
    if value.abs() <= t.floor && median.abs() <= t.floor {
        return false;
    }
    value > t.ratio * median || value < median / t.ratio
}

pub(crate) fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    })
}

/// The period's units' values: their median and spread, for the modified
/// z-score (Iglewicz and Hoaglin): 0.6745 (x − median) / MAD, or, when
/// more than half the units share the median (MAD 0), (x − median) /
/// (1.2533 × the mean absolute deviation).
pub(crate) struct Peers {
    median: f64,
    scale: f64,
}

impl Peers {
    pub(crate) fn of(values: &[f64]) -> Option<Peers> {
        if values.len() < MIN_PEERS {
            return None;
        }
        let median = median(values)?;
        let deviations: Vec<f64> = values.iter().map(|v| (v - median).abs()).collect();
        let mad = self::median(&deviations)?;
        let scale = if mad > 0.0 {
            mad / 0.6745
        } else {
            1.2533 * deviations.iter().sum::<f64>() / deviations.len() as f64
        };
        (scale > 0.0).then_some(Peers { median, scale })
    }

    pub(crate) fn z(&self, value: f64) -> Option<f64> {
        Some((value - self.median) / self.scale)
    }
}

#[cfg(test)]
mod tests {
    use super::{Outlier, Peers, jumps, median};

    #[test]
    fn a_jump_needs_the_ratio_and_more_than_the_floor() {
        let t = Outlier::default();
        assert!(jumps(&t, 3.5, 41.0), "3.5 → 41");
        assert!(!jumps(&t, 12.0, 14.0), "an ordinary rise");
        assert!(!jumps(&t, 0.0, 1.0), "0 → 1 is under the floor");
        assert!(jumps(&t, 30.0, 6.0), "a fall below a third");
        assert_eq!(median(&[3.0, 4.0, 2.0, 5.0]), Some(3.5));
    }

    #[test]
    fn the_modified_z_score_finds_the_unit_apart() {
        let peers = Peers::of(&[14.0, 41.0, 7.0, 2.0, 5.0, 6.0]).unwrap();
        assert!(peers.z(41.0).unwrap() > 3.5);
        assert!(peers.z(14.0).unwrap() < 3.5);
        // Most units at 0: the mean absolute deviation stands in.
        let zeros = Peers::of(&[0.0, 0.0, 0.0, 0.0, 0.0, 9.0]).unwrap();
        assert!(zeros.z(9.0).unwrap() > 3.5);
        assert!(Peers::of(&[1.0, 2.0, 3.0]).is_none(), "too few units");
    }
}
