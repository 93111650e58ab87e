//! The messages between the parties, as serde types (JSON on the wire; byte fields base64).
//! `freeport-server` carries them over HTTP; every type here can also be logged as canonical JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::crypto::Sealed;
use crate::query::Answer;
use crate::study::{Country, StudyHash};

/// A site's upload to the leader: reports of one study, each aggregator's shares sealed under
/// one HPKE encapsulation per upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    /// The study.
    pub study: StudyHash,
    /// The uploading site.
    pub site: String,
    /// HPKE encapsulated key to the `cn` aggregator (base64).
    pub enc_cn: String,
    /// HPKE encapsulated key to the `us` aggregator (base64).
    pub enc_us: String,
    /// The reports.
    pub reports: Vec<Report>,
}

/// One report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// 16 random bytes (base64); a nonce seen before is a replay.
    pub nonce: String,
    /// The report's day (days since 1970-01-01).
    pub day: i32,
    /// The query.
    pub query: String,
    /// The Prio3 public share (base64).
    pub public_share: String,
    /// The `cn` input share, sealed (base64).
    pub share_cn: String,
    /// The `us` input share, sealed (base64).
    pub share_us: String,
}

impl Report {
    /// The associated data binding a sealed share to its report.
    #[must_use]
    pub fn aad(&self, study: &StudyHash) -> Vec<u8> {
        format!(
            "freeport-stats report\0{study}\0{}\0{}\0{}\0{}",
            self.query, self.day, self.nonce, self.public_share
        )
        .into_bytes()
    }
}

/// The HPKE `info` of a study's input shares to one aggregator.
#[must_use]
pub fn share_info(study: &StudyHash, to: Country) -> Vec<u8> {
    format!("freeport-stats input shares\0{study}\0{to}").into_bytes()
}

/// What the leader tells a site about an upload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadOutcome {
    /// Reports verified and aggregated by both aggregators.
    pub accepted: u64,
    /// Rejected reports by reason.
    pub rejected: BTreeMap<String, u64>,
}

/// The leader's request to the helper for one query's reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelperRequest {
    /// The study.
    pub study: StudyHash,
    /// The query.
    pub query: String,
    /// The encapsulated key of the helper's shares (base64).
    pub enc: String,
    /// The reports the leader could verify itself.
    pub items: Vec<HelperItem>,
}

/// One report for the helper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelperItem {
    /// The report (its helper share still sealed).
    pub report: Report,
    /// The leader's verifier share (base64).
    pub leader_share: String,
}

/// The helper's answer, one outcome per item in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelperResponse {
    /// Outcomes.
    pub outcomes: Vec<HelperOutcome>,
}

/// The helper's verdict on one report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HelperOutcome {
    /// Verified and aggregated: the round's verifier message (base64).
    Accepted(String),
    /// Rejected, with the reason.
    Rejected(String),
}

/// A verification-key half sealed to the other aggregator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyHalf {
    /// The sender.
    pub from: Country,
    /// The half, sealed to the receiver's HPKE key.
    pub sealed: Sealed,
}

/// The HPKE `info` of a key half.
#[must_use]
pub fn key_half_info(study: &StudyHash, from: Country) -> Vec<u8> {
    format!("freeport-stats verify key half\0{study}\0{from}").into_bytes()
}

/// A collection request, signed by the collector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectRequest {
    /// The study.
    pub study: StudyHash,
    /// The query.
    pub query: String,
    /// First day of the batch.
    pub start_day: i32,
    /// Day after the batch.
    pub end_day: i32,
    /// A random id; the same id is answered with the same stored release.
    pub request_id: String,
}

/// A signed collection request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedCollect {
    /// The request.
    pub request: CollectRequest,
    /// Ed25519 signature (base64) of the collector over its canonical JSON.
    pub signature: String,
}

/// The bytes a collection request's signature covers.
///
/// # Errors
///
/// Never in practice.
pub fn collect_signed_bytes(request: &CollectRequest) -> crate::Result<Vec<u8>> {
    let mut bytes = b"freeport-stats collect v1\n".to_vec();
    bytes.extend(
        serde_json_canonicalizer::to_vec(request)
            .map_err(|e| crate::Error::Protocol(format!("cannot serialise the request: {e}")))?,
    );
    Ok(bytes)
}

/// An aggregator's answer to a collection: its noisy aggregate share sealed to the collector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollectResponse {
    /// The request answered.
    pub request: CollectRequest,
    /// The answering aggregator.
    pub country: Country,
    /// Reports in the batch.
    pub report_count: u64,
    /// XOR of the SHA-256 of the batch's nonces (hex): both aggregators must agree.
    pub checksum: String,
    /// ε spent by this release.
    pub epsilon: f64,
    /// The noise scale of each coordinate.
    pub noise_scales: Vec<f64>,
    /// The aggregate share, sealed to the collector's HPKE key.
    pub share: Sealed,
}

/// The HPKE `info` of an aggregate share.
#[must_use]
pub fn agg_share_info(request: &CollectRequest, from: Country) -> Vec<u8> {
    format!(
        "freeport-stats aggregate share\0{}\0{}\0{}\0{}\0{}\0{from}",
        request.study, request.query, request.start_day, request.end_day, request.request_id
    )
    .into_bytes()
}

/// A released result: what a `publication` log entry records (answers, never shares).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Release {
    /// The study's id.
    pub study_id: String,
    /// The study's hash.
    pub study: StudyHash,
    /// The query.
    pub query: String,
    /// First day of the batch (`YYYY-MM-DD`).
    pub from: String,
    /// Day after the batch (`YYYY-MM-DD`).
    pub until: String,
    /// Reports in the batch.
    pub reports: u64,
    /// ε spent.
    pub epsilon: f64,
    /// Confidence level of every interval.
    pub confidence: f64,
    /// The answers.
    pub answers: Vec<Answer>,
}

/// An aggregator's counters for one study.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// The aggregator.
    pub country: Option<Country>,
    /// Accepted reports per query.
    pub accepted: BTreeMap<String, u64>,
    /// Rejected reports by reason.
    pub rejected: BTreeMap<String, u64>,
    /// ε spent.
    pub epsilon_spent: f64,
    /// Releases made.
    pub releases: u64,
}
