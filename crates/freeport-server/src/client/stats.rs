//! The joint-statistics routes for `freeport stats aggregator approve --port` and
//! `freeport stats studies` (see `api::stats`).

use freeport_port::port::stats::StudyApprovalView;
use freeport_stats::study::StudySignature;

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
}
