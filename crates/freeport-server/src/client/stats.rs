//! The joint-statistics routes for `freeport stats aggregator approve --port`,
//! `freeport stats studies` and `freeport stats collect --port` (see `api::stats`).

use freeport_port::port::stats::{StudyApprovalView, StudyReleaseView};
use freeport_stats::study::StudySignature;
use freeport_stats::wire::{Release, SignedCollect};

use super::{ClientError, PortClient};

impl PortClient {
    /// Approves a signed study at the aggregator the port hosts (`study` is the study file's
    /// text, byte for byte as signed).
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn approve_study(
        &self,
        study: &str,
        signature: &StudySignature,
    ) -> Result<StudyApprovalView, ClientError> {
        let body = serde_json::json!({ "study": study, "signature": signature }).to_string();
        self.post("/api/v1/stats/studies", &body)
    }

    /// The study registry of the aggregator the port hosts.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn studies(&self) -> Result<Vec<StudyApprovalView>, ClientError> {
        self.get("/api/v1/stats/studies")
    }

    /// Publishes a released result at the port hosting one of the study's aggregators.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn publish_release(
        &self,
        request: &SignedCollect,
        release: &Release,
    ) -> Result<StudyReleaseView, ClientError> {
        let body = serde_json::json!({ "request": request, "release": release }).to_string();
        self.post("/api/v1/stats/releases", &body)
    }

    /// The releases the port published.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn releases(&self) -> Result<Vec<StudyReleaseView>, ClientError> {
        self.get("/api/v1/stats/releases")
    }
}
