//! Interval coverage over repeated collections, in one process: a study (a pilot's template
//! with fresh keys) is approved by two aggregator homes, every site's data is submitted once,
//! and then every query is collected `runs` times — each time both aggregators draw fresh
//! noise, seal their shares, record the release, and the collector combines them — and each
//! released interval is checked against the exact answer over the pooled data.
//!
//! Shared by `tests/coverage.rs` (a small run that must hold the stated rate) and
//! `examples/coverage.rs` (the figures in BENCHMARKS.md).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use freeport_stats::aggregator::Aggregator;
use freeport_stats::collector::{Collector, compare, plain};
use freeport_stats::site::submit;
use freeport_stats::study::{Country, StudyFile, StudySignature, sign, signature_path};

/// Intervals checked and missed, for one group of answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Intervals compared with the truth.
    pub checked: u64,
    /// Intervals that missed it.
    pub missed: u64,
}

impl Tally {
    /// The share of intervals that covered the truth.
    pub fn coverage(&self) -> f64 {
        if self.checked == 0 {
            return f64::NAN;
        }
        1.0 - self.missed as f64 / self.checked as f64
    }
}

/// Coverage per query and per answer, with the stated confidence.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// The confidence every interval states.
    pub confidence: f64,
    /// Collections per query.
    pub runs: u64,
    /// Per query.
    pub queries: BTreeMap<String, Tally>,
    /// Per query and answer name.
    pub answers: BTreeMap<(String, String), Tally>,
}

type Failure = Box<dyn std::error::Error>;

/// Runs the study in `template` (`@…@` placeholders for keys and ports, as the pilots' are) at
/// `confidence`, collecting each of `queries` (all when empty) `runs` times; `sites` pairs a
/// site id with its data.
///
/// # Errors
///
/// Any step of the protocol failing.
pub fn run(
    template: &Path,
    confidence: f64,
    runs: u32,
    queries: &[String],
    sites: &[(String, PathBuf)],
) -> Result<Coverage, Failure> {
    let dir = tempfile::tempdir()?;
    let root = dir.path();
    let cn_info = Aggregator::init(&root.join("cn"), Country::Cn)?;
    let us_info = Aggregator::init(&root.join("us"), Country::Us)?;
    let coll = Collector::init(&root.join("coll"))?;
    let text = std::fs::read_to_string(template)?
        .replace("@COLLECTOR_SIGNING@", &coll.signing_key)
        .replace("@COLLECTOR_HPKE@", &coll.hpke_key)
        .replace("@CN_HPKE@", &cn_info.hpke_key)
        .replace("@US_HPKE@", &us_info.hpke_key)
        .replace("@CN_PORT@", "1")
        .replace("@US_PORT@", "2");
    // The same study, with a budget and release limits for `runs` collections per query and
    // the confidence asked for; nothing else changes.
    let mut table: toml::Table = toml::from_str(&text)?;
    table.insert("epsilon_total".to_owned(), toml::Value::Float(1e12));
    table.insert("confidence".to_owned(), toml::Value::Float(confidence));
    if let Some(toml::Value::Array(list)) = table.get_mut("queries") {
        for q in list.iter_mut() {
            if let toml::Value::Table(q) = q {
                q.insert(
                    "max_releases".to_owned(),
                    toml::Value::Integer(i64::from(runs)),
                );
            }
        }
    }
    let path = root.join("study.toml");
    std::fs::write(&path, toml::to_string(&table)?)?;
    let collector = Collector::open(&root.join("coll"))?;
    sign(&path, collector.signing_key())?;
    let study = StudyFile::load(&path)?;
    let signature: StudySignature =
        serde_json::from_str(&std::fs::read_to_string(signature_path(&path))?)?;
    let mut cn = Aggregator::open(&root.join("cn"), Some(Country::Cn))?;
    let mut us = Aggregator::open(&root.join("us"), Some(Country::Us))?;
    // No port here: the approvals' log is a counter.
    cn.approve(&study, &signature, &mut |_| Ok(0))?;
    us.approve(&study, &signature, &mut |_| Ok(1))?;
    cn.set_peer_half(&study.hash, &us.key_half(&study.hash)?)?;
    us.set_peer_half(&study.hash, &cn.key_half(&study.hash)?)?;
    for (site, data) in sites {
        let (cn, us) = (&mut cn, &mut us);
        submit(&study, site, std::slice::from_ref(data), 2000, &mut |u| {
            cn.upload(u, &mut |r| us.aggregate(r))
        })?;
    }
    let data: Vec<PathBuf> = sites.iter().map(|(_, d)| d.clone()).collect();
    let ids: Vec<String> = if queries.is_empty() {
        study.study.queries.iter().map(|q| q.id.clone()).collect()
    } else {
        queries.to_vec()
    };
    let mut coverage = Coverage {
        confidence,
        runs: u64::from(runs),
        ..Coverage::default()
    };
    for id in &ids {
        let truth = plain(&study, id, &data, None, None)?;
        for _ in 0..runs {
            let signed = collector.request(&study, id, None, None)?;
            let a = cn.collect(&signed)?;
            let b = us.collect(&signed)?;
            let release = collector.combine(&study, &signed.request, &[a, b])?;
            // One comparison per answer, so each answer's tally is its own.
            for answer in &release.answers {
                let single = freeport_stats::wire::Release {
                    answers: vec![answer.clone()],
                    ..release.clone()
                };
                let (checked, misses) = compare(&single, &truth);
                let tally = Tally {
                    checked: checked as u64,
                    missed: misses.len() as u64,
                };
                for t in [
                    coverage.queries.entry(id.clone()).or_default(),
                    coverage
                        .answers
                        .entry((id.clone(), answer.name.clone()))
                        .or_default(),
                ] {
                    t.checked += tally.checked;
                    t.missed += tally.missed;
                }
            }
        }
    }
    Ok(coverage)
}
