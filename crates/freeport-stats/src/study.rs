//! Studies: the signed TOML definition every party works from.
//!
//! A study names its window (reports are dated by day; a report outside `[start, end)` is
//! rejected), the minimum batch size and cell floor, the total privacy budget (ε, pure DP), the
//! confidence level of the released intervals, the collector's and both aggregators' public keys
//! and URLs, the sites, the population filter and the queries. Its SHA-256 (of the exact file
//! bytes) names it everywhere; the coordinator (collector) signs that hash ([`sign`], a detached
//! `STUDY.sig`), and every party checks the signature against the collector key the study
//! itself names ([`StudyFile::load`]) before using it.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::crypto::{self, SigningKey};
use crate::query::Query;
use crate::{Error, Result};

/// Domain separation of study signatures.
const SIGNATURE_DOMAIN: &[u8] = b"freeport-stats study signature v1\n";

/// One of the two countries, each running one aggregator: the vocabulary's [`Jurisdiction`],
/// the same type the judge decides per.
///
/// [`Jurisdiction`]: freeport_vocabulary::Jurisdiction
pub use freeport_vocabulary::Jurisdiction as Country;

/// The Prio3 aggregator id of a country's aggregator: `cn` is 0, `us` is 1 (whoever leads).
#[must_use]
pub const fn agg_id(country: Country) -> usize {
    match country {
        Country::Cn => 0,
        Country::Us => 1,
    }
}

/// The study definition as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Study {
    /// A short identifier (`air-quality-2026`).
    pub id: String,
    /// What the study is for.
    pub title: String,
    /// First day whose reports are accepted (`YYYY-MM-DD`).
    pub start: String,
    /// First day after the window (`YYYY-MM-DD`, exclusive).
    pub end: String,
    /// The column that dates each record (`YYYY-MM-DD`, a longer timestamp is cut to its date);
    /// without it a report is dated by the day it is made.
    #[serde(default)]
    pub time_column: Option<String>,
    /// The fewest reports a released batch may hold.
    pub min_batch_size: u64,
    /// The smallest (noisy) count a released cell may show; smaller cells are suppressed, and a
    /// batch overlapping a released one may not differ from it by fewer reports.
    pub cell_floor: u64,
    /// The total privacy budget (ε) of the study, spent by releases.
    pub epsilon_total: f64,
    /// The confidence level of every released interval (e.g. 0.99).
    pub confidence: f64,
    /// Which aggregator the sites upload to.
    pub leader: Country,
    /// The coordinator, who signs the study and collects the results.
    pub collector: CollectorKeys,
    /// The China aggregator.
    pub cn: AggregatorEntry,
    /// The US aggregator.
    pub us: AggregatorEntry,
    /// The sites that contribute.
    pub sites: Vec<Site>,
    /// Records that belong to the population (all conditions hold); others contribute zeros.
    #[serde(default)]
    pub population: Vec<crate::query::Condition>,
    /// The queries.
    pub queries: Vec<Query>,
}

/// The collector's public keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectorKeys {
    /// Ed25519 key (base64) that signs the study and collection requests.
    pub signing_key: String,
    /// X25519 HPKE key (base64) that aggregate shares are encrypted to.
    pub hpke_key: String,
}

/// One aggregator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregatorEntry {
    /// Its base URL (`http://127.0.0.1:7101`).
    pub url: String,
    /// Its X25519 HPKE key (base64) that input shares are encrypted to.
    pub hpke_key: String,
}

/// A contributing site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Its identifier.
    pub id: String,
    /// Where it is.
    pub country: Country,
}

/// A study's SHA-256, as lowercase hex.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StudyHash(pub String);

impl StudyHash {
    /// The hash of a study file's bytes.
    #[must_use]
    pub fn of(bytes: &[u8]) -> Self {
        Self(hex(&Sha256::digest(bytes)))
    }

    /// The 32 raw bytes.
    ///
    /// # Errors
    ///
    /// When the text is not 64 hex digits.
    pub fn bytes(&self) -> Result<[u8; 32]> {
        unhex32(&self.0).ok_or_else(|| Error::Protocol(format!("`{}` is not a study hash", self.0)))
    }
}

impl fmt::Display for StudyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The detached signature of a study (`STUDY.sig`, JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudySignature {
    /// The signed study's SHA-256.
    pub study_sha256: StudyHash,
    /// The signer's Ed25519 key (base64); must be the study's collector key.
    pub signer: String,
    /// The Ed25519 signature (base64) over the domain and the hash.
    pub signature: String,
}

/// A loaded, checked study.
#[derive(Debug, Clone)]
pub struct StudyFile {
    /// The file as given.
    pub path: String,
    /// Its exact text.
    pub text: String,
    /// Its hash.
    pub hash: StudyHash,
    /// The definition.
    pub study: Study,
    /// The first day of the window, as days since 1970-01-01.
    pub start_day: i32,
    /// The day after the window, as days since 1970-01-01.
    pub end_day: i32,
}

impl StudyFile {
    /// Reads `path` and its signature `path.sig`, checks both, and returns the study.
    ///
    /// # Errors
    ///
    /// The file or signature is missing, malformed or does not check, or the study is invalid.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let sig_path = signature_path(path);
        let sig_text = std::fs::read_to_string(&sig_path).map_err(|e| Error::io(&sig_path, e))?;
        let signature: StudySignature =
            serde_json::from_str(&sig_text).map_err(|e| Error::Study {
                path: sig_path.display().to_string(),
                reason: format!("not a study signature: {e}"),
            })?;
        let study = Self::parse(&path.display().to_string(), text)?;
        study.check_signature(&signature)?;
        Ok(study)
    }

    /// Parses and validates a study's text (no signature check).
    ///
    /// # Errors
    ///
    /// The text is not a valid study.
    pub fn parse(path: &str, text: String) -> Result<Self> {
        let bad = |reason: String| Error::Study {
            path: path.to_owned(),
            reason,
        };
        let study: Study = toml::from_str(&text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let line = text.get(..s.start).map_or(0, |t| t.lines().count().max(1));
                    format!(" (line {line})")
                })
                .unwrap_or_default();
            bad(format!("{}{at}", e.message()))
        })?;
        let start_day = day_number(&study.start).ok_or_else(|| {
            bad(format!(
                "`start` = `{}` is not a date (YYYY-MM-DD)",
                study.start
            ))
        })?;
        let end_day = day_number(&study.end).ok_or_else(|| {
            bad(format!(
                "`end` = `{}` is not a date (YYYY-MM-DD)",
                study.end
            ))
        })?;
        if end_day <= start_day {
            return Err(bad("`end` must come after `start`".to_owned()));
        }
        if study.min_batch_size == 0 {
            return Err(bad("`min_batch_size` must be at least 1".to_owned()));
        }
        if !(study.epsilon_total.is_finite() && study.epsilon_total > 0.0) {
            return Err(bad("`epsilon_total` must be a positive number".to_owned()));
        }
        if !(study.confidence > 0.5 && study.confidence < 1.0) {
            return Err(bad(
                "`confidence` must lie strictly between 0.5 and 1".to_owned()
            ));
        }
        for (field, key) in [
            ("collector.signing_key", &study.collector.signing_key),
            ("collector.hpke_key", &study.collector.hpke_key),
            ("cn.hpke_key", &study.cn.hpke_key),
            ("us.hpke_key", &study.us.hpke_key),
        ] {
            if crypto::b64_32(key).is_none() {
                return Err(bad(format!("`{field}` is not a 32-byte base64 key")));
            }
        }
        if study.cn.hpke_key == study.us.hpke_key {
            return Err(bad("`cn` and `us` name the same HPKE key".to_owned()));
        }
        if study.sites.is_empty() {
            return Err(bad("`sites` is empty".to_owned()));
        }
        let mut seen = BTreeSet::new();
        for site in &study.sites {
            if !seen.insert(site.id.as_str()) {
                return Err(bad(format!("site `{}` is listed twice", site.id)));
            }
        }
        if study.queries.is_empty() {
            return Err(bad("`queries` is empty".to_owned()));
        }
        let mut ids = BTreeSet::new();
        for query in &study.queries {
            if !ids.insert(query.id.as_str()) {
                return Err(bad(format!("query `{}` is defined twice", query.id)));
            }
            query
                .plan()
                .map_err(|reason| bad(format!("query `{}`: {reason}", query.id)))?;
            if query.epsilon > study.epsilon_total {
                return Err(bad(format!(
                    "query `{}`: `epsilon` {} exceeds `epsilon_total` {}",
                    query.id, query.epsilon, study.epsilon_total
                )));
            }
        }
        for condition in &study.population {
            condition
                .check()
                .map_err(|reason| bad(format!("`population`: {reason}")))?;
        }
        Ok(Self {
            path: path.to_owned(),
            hash: StudyHash::of(text.as_bytes()),
            text,
            study,
            start_day,
            end_day,
        })
    }

    /// Checks a detached signature against this study and its collector key.
    ///
    /// # Errors
    ///
    /// The signature names another study or key, or does not verify.
    pub fn check_signature(&self, signature: &StudySignature) -> Result<()> {
        let what = format!("signature of study `{}`", self.path);
        if signature.study_sha256 != self.hash {
            return Err(Error::crypto(
                what,
                "it signs another version of the study (the file changed after signing)",
            ));
        }
        if signature.signer != self.study.collector.signing_key {
            return Err(Error::crypto(
                what,
                "the signer is not the collector the study names",
            ));
        }
        crypto::verify_signature(
            &signature.signer,
            &signed_bytes(&self.hash),
            &signature.signature,
        )
        .map_err(|reason| Error::crypto(what, reason))
    }

    /// A query by id.
    ///
    /// # Errors
    ///
    /// [`Error::Refused`] when the study has no such query.
    pub fn query(&self, id: &str) -> Result<(usize, &Query)> {
        self.study
            .queries
            .iter()
            .enumerate()
            .find(|(_, q)| q.id == id)
            .ok_or_else(|| {
                Error::refused(format!(
                    "study `{}` has no query `{id}` (it has: {})",
                    self.study.id,
                    self.study
                        .queries
                        .iter()
                        .map(|q| format!("`{}`", q.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
    }

    /// An aggregator's entry.
    #[must_use]
    pub fn aggregator(&self, country: Country) -> &AggregatorEntry {
        match country {
            Country::Cn => &self.study.cn,
            Country::Us => &self.study.us,
        }
    }

    /// The Prio3 application context of one query: binds every report to the study and query.
    #[must_use]
    pub fn vdaf_context(&self, query: &str) -> Vec<u8> {
        format!("freeport-stats/1 {} {query}", self.hash).into_bytes()
    }

    /// The study in RFC 8785 canonical JSON (for a log entry).
    ///
    /// # Errors
    ///
    /// Never for a parsed study; the serialiser's error otherwise.
    pub fn canonical_json(&self) -> Result<String> {
        serde_json_canonicalizer::to_string(&self.study)
            .map_err(|e| Error::Protocol(format!("cannot serialise the study: {e}")))
    }
}

/// `STUDY.sig` beside `STUDY`.
#[must_use]
pub fn signature_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".sig");
    name.into()
}

fn signed_bytes(hash: &StudyHash) -> Vec<u8> {
    let mut bytes = SIGNATURE_DOMAIN.to_vec();
    bytes.extend_from_slice(hash.0.as_bytes());
    bytes
}

/// Signs the study at `path` with the coordinator's key, writing `path.sig`.
///
/// # Errors
///
/// The study is invalid, names another collector key, or the signature cannot be written.
pub fn sign(path: &Path, key: &SigningKey) -> Result<StudySignature> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let study = StudyFile::parse(&path.display().to_string(), text)?;
    let signer = key.public_b64();
    if signer != study.study.collector.signing_key {
        return Err(Error::Study {
            path: study.path,
            reason: "`collector.signing_key` is not this collector's key".to_owned(),
        });
    }
    let signature = StudySignature {
        study_sha256: study.hash.clone(),
        signer,
        signature: key.sign_b64(&signed_bytes(&study.hash)),
    };
    let json = serde_json::to_string_pretty(&signature)
        .map_err(|e| Error::Protocol(format!("cannot serialise the signature: {e}")))?;
    crypto::write_atomic(&signature_path(path), format!("{json}\n").as_bytes(), false)?;
    Ok(signature)
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (a longer timestamp is cut to its first ten
/// characters).
#[must_use]
pub fn day_number(text: &str) -> Option<i32> {
    let date: jiff::civil::Date = text.trim().get(..10)?.parse().ok()?;
    let epoch = jiff::civil::date(1970, 1, 1);
    let span = epoch.until((jiff::Unit::Day, date)).ok()?;
    Some(span.get_days())
}

/// The `YYYY-MM-DD` of a day number.
#[must_use]
pub fn day_text(day: i32) -> String {
    jiff::civil::date(1970, 1, 1)
        .checked_add(jiff::Span::new().days(i64::from(day)))
        .map_or_else(|_| format!("day {day}"), |d| d.to_string())
}

/// Today (UTC) as a day number.
#[must_use]
pub fn today() -> i32 {
    day_number(&jiff::Timestamp::now().to_string()).unwrap_or(0)
}

pub(crate) use freeport_util::fmt::hex;

pub(crate) fn unhex32(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}
