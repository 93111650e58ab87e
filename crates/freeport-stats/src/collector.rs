//! The collector (the study's coordinator): its keys, signed collection requests, and the
//! combination of the two aggregate shares into released answers with intervals.
//!
//! Also here: [`plain`], the exact answer over pooled data (a test oracle for pilots and
//! benchmarks, never part of a release), and [`compare`], which checks released intervals
//! against it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::crypto::{self, HpkeKeyPair, SigningKey};
use crate::query::{Encoder, Measurement, answers};
use crate::study::{Country, StudyFile, day_number, day_text};
use crate::vdaf::Instance;
use crate::wire::{
    CollectRequest, CollectResponse, Release, SignedCollect, agg_share_info, collect_signed_bytes,
};
use crate::{Error, Result};

/// The collector's public keys (`collector.json`), to paste into a study.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectorInfo {
    /// Ed25519 key that signs studies and requests (base64).
    pub signing_key: String,
    /// HPKE key that aggregate shares are sealed to (base64).
    pub hpke_key: String,
}

/// A collector home: `signing.key`, `hpke.key` (both 0600) and `collector.json`.
#[derive(Debug)]
pub struct Collector {
    signing: SigningKey,
    hpke: HpkeKeyPair,
}

impl Collector {
    /// Creates a collector home in `home` (which must not hold one).
    ///
    /// # Errors
    ///
    /// The home exists or cannot be written.
    pub fn init(home: &Path) -> Result<CollectorInfo> {
        if home.join("collector.json").exists() {
            return Err(Error::Home {
                home: home.display().to_string(),
                reason: "already holds `collector.json`: a collector home is created once"
                    .to_owned(),
            });
        }
        std::fs::create_dir_all(home).map_err(|e| Error::io(home, e))?;
        let signing = SigningKey::generate();
        let hpke = HpkeKeyPair::generate();
        crypto::write_atomic(
            &home.join("signing.key"),
            format!("{}\n", signing.secret_b64()).as_bytes(),
            true,
        )?;
        crypto::write_atomic(
            &home.join("hpke.key"),
            format!("{}\n", hpke.secret_b64()).as_bytes(),
            true,
        )?;
        let info = CollectorInfo {
            signing_key: signing.public_b64(),
            hpke_key: hpke.public_b64(),
        };
        let json =
            serde_json::to_string_pretty(&info).map_err(|e| Error::Protocol(e.to_string()))?;
        crypto::write_atomic(
            &home.join("collector.json"),
            format!("{json}\n").as_bytes(),
            false,
        )?;
        Ok(info)
    }

    /// Opens a collector home.
    ///
    /// # Errors
    ///
    /// A key is missing or malformed.
    pub fn open(home: &Path) -> Result<Self> {
        let read = |name: &str| {
            std::fs::read_to_string(home.join(name)).map_err(|_| Error::Home {
                home: home.display().to_string(),
                reason: format!("has no `{name}`: not a collector home"),
            })
        };
        Ok(Self {
            signing: SigningKey::from_b64(&read("signing.key")?)?,
            hpke: HpkeKeyPair::from_secret_b64(&read("hpke.key")?)?,
        })
    }

    /// The signing key (to sign studies).
    #[must_use]
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// A signed request for `query` over `[from, until)` (the whole window by default).
    ///
    /// # Errors
    ///
    /// The query is unknown, a date is malformed, or the study names another collector.
    pub fn request(
        &self,
        study: &StudyFile,
        query: &str,
        from: Option<&str>,
        until: Option<&str>,
    ) -> Result<SignedCollect> {
        study.query(query)?;
        if study.study.collector.signing_key != self.signing.public_b64() {
            return Err(Error::refused(format!(
                "study `{}` names another collector",
                study.study.id
            )));
        }
        let day = |text: Option<&str>, default: i32| match text {
            None => Ok(default),
            Some(t) => day_number(t).ok_or_else(|| Error::Study {
                path: study.path.clone(),
                reason: format!("`{t}` is not a date (YYYY-MM-DD)"),
            }),
        };
        let request = CollectRequest {
            study: study.hash.clone(),
            query: query.to_owned(),
            start_day: day(from, study.start_day)?,
            end_day: day(until, study.end_day)?,
            request_id: crate::study::hex(&crypto::random32()?),
        };
        let signature = self.signing.sign_b64(&collect_signed_bytes(&request)?);
        Ok(SignedCollect { request, signature })
    }

    /// Combines both aggregators' responses into the release.
    ///
    /// # Errors
    ///
    /// The responses are not for this request, disagree on the batch (count or checksum) or the
    /// noise, or a share does not open.
    pub fn combine(
        &self,
        study: &StudyFile,
        request: &CollectRequest,
        responses: &[CollectResponse; 2],
    ) -> Result<Release> {
        let (_, query) = study.query(&request.query)?;
        let plan = query.plan().map_err(|reason| Error::Study {
            path: study.path.clone(),
            reason,
        })?;
        let instance = Instance::new(&plan)?;
        let scales = plan.noise_scales(query.epsilon);
        let [a, b] = responses;
        if a.request != *request || b.request != *request {
            return Err(Error::Protocol(
                "a response answers another request".to_owned(),
            ));
        }
        if [a.country, b.country] != [Country::Cn, Country::Us] {
            return Err(Error::Protocol(
                "the responses must come from `cn` then `us`".to_owned(),
            ));
        }
        if a.report_count != b.report_count || a.checksum != b.checksum {
            return Err(Error::Protocol(format!(
                "the aggregators disagree on the batch ({} vs {} reports, or different report sets): refusing to combine",
                a.report_count, b.report_count
            )));
        }
        if a.noise_scales != scales || b.noise_scales != scales {
            return Err(Error::Protocol(
                "an aggregator used other noise scales than the study implies".to_owned(),
            ));
        }
        let mut total = instance.empty();
        for r in responses {
            let bytes =
                crypto::open_with(&self.hpke, &agg_share_info(request, r.country), &r.share)?;
            total.merge(&instance.decode_agg(&bytes)?)?;
        }
        // Both aggregators add noise of `scales`: the released value carries their sum.
        let answers = answers(
            query,
            &plan,
            &total.signed(),
            &scales,
            study.study.confidence,
            study.study.cell_floor,
        );
        Ok(Release {
            study_id: study.study.id.clone(),
            study: study.hash.clone(),
            query: request.query.clone(),
            from: day_text(request.start_day),
            until: day_text(request.end_day),
            reports: a.report_count,
            epsilon: query.epsilon,
            confidence: study.study.confidence,
            answers,
        })
    }
}

/// The exact answers over pooled data (all sites' files), with no noise: what a release
/// estimates. For pilots and tests only.
///
/// # Errors
///
/// An input cannot be read or lacks a column.
pub fn plain(
    study: &StudyFile,
    query_id: &str,
    inputs: &[PathBuf],
    from: Option<i32>,
    until: Option<i32>,
) -> Result<Release> {
    let (_, query) = study.query(query_id)?;
    let plan = query.plan().map_err(|reason| Error::Study {
        path: study.path.clone(),
        reason,
    })?;
    let (start, end) = (
        from.unwrap_or(study.start_day),
        until.unwrap_or(study.end_day),
    );
    let mut sums = vec![0i128; plan.len()];
    let mut reports = 0u64;
    let setup = |columns: &[&str]| {
        Ok((
            Encoder::new(query, &study.study.population, columns)?,
            crate::site::time_index(study, columns)?,
        ))
    };
    let each = |(encoder, time): &mut (Encoder, Option<usize>), record: &[Option<&str>]| {
        if let Some(i) = *time {
            match record.get(i).copied().flatten().and_then(day_number) {
                Some(day) if day >= start && day < end => {}
                _ => return Ok(()),
            }
        }
        reports += 1;
        match encoder.measure(record) {
            Measurement::Count(b) => {
                if let Some(s) = sums.first_mut() {
                    *s += i128::from(b);
                }
            }
            Measurement::Sum(v) => {
                if let Some(s) = sums.first_mut() {
                    *s += i128::from(v);
                }
            }
            Measurement::Histogram(i) => {
                if let Some(s) = sums.get_mut(i) {
                    *s += 1;
                }
            }
            Measurement::Vector(v) => {
                for (s, x) in sums.iter_mut().zip(v) {
                    *s += x as i128;
                }
            }
        }
        Ok(())
    };
    crate::site::scan_records(inputs, setup, each)?;
    let zero = vec![0.0; plan.len()];
    // No floor: the truth of every cell, so suppressed released cells have a match.
    let answers = answers(query, &plan, &sums, &zero, study.study.confidence, 0);
    Ok(Release {
        study_id: study.study.id.clone(),
        study: study.hash.clone(),
        query: query_id.to_owned(),
        from: day_text(start),
        until: day_text(end),
        reports,
        epsilon: 0.0,
        confidence: 1.0,
        answers,
    })
}

/// An answer whose interval misses the truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Miss {
    /// The answer.
    pub name: String,
    /// The true value.
    pub truth: f64,
    /// The released interval.
    pub lower: f64,
    /// The released interval.
    pub upper: f64,
}

/// The answers of `release` whose stated interval does not hold the value in `truth`, and how
/// many intervals were checked. Suppressed answers and point estimates are not checked.
#[must_use]
pub fn compare(release: &Release, truth: &Release) -> (usize, Vec<Miss>) {
    let mut checked = 0;
    let mut misses = Vec::new();
    for a in &release.answers {
        let (Some(lower), Some(upper)) = (a.lower, a.upper) else {
            continue;
        };
        let Some(t) = truth
            .answers
            .iter()
            .find(|t| t.name == a.name)
            .and_then(|t| t.value)
        else {
            continue;
        };
        checked += 1;
        // A relative tolerance for floating-point rounding of derived answers.
        let eps = 1e-9 * t.abs().max(1.0);
        if t < lower - eps || t > upper + eps {
            misses.push(Miss {
                name: a.name.clone(),
                truth: t,
                lower,
                upper,
            });
        }
    }
    (checked, misses)
}
