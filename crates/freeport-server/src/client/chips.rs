//! The chips routes for `freeport chips registry | verify | attest` (see `api::chips`).

use freeport_chips::assurance::monitoring::{Attestation, Device};
use freeport_chips::assurance::whitelist::Application;
use freeport_port::port::chips::{
    AttestationView, ChipsCaseView, DeviceView, ListingView, ReEvaluationRequest,
    VerificationSubmission, VerificationView,
};
use freeport_port::port::{CaseView, DecisionRequest};
use serde::Serialize;

use super::{ClientError, PortClient};

fn json<T: Serialize>(value: &T) -> Result<String, ClientError> {
    serde_json::to_string(value).map_err(|e| ClientError::Unreachable {
        url: String::new(),
        reason: format!("cannot encode the request: {e}"),
    })
}

impl PortClient {
    /// The whitelist with each listing's status on `on` (default: the port's today).
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn chips_whitelist(&self, on: Option<&str>) -> Result<Vec<ListingView>, ClientError> {
        match on {
            Some(day) => self.get(&format!("/api/v1/chips/whitelist?on={day}")),
            None => self.get("/api/v1/chips/whitelist"),
        }
    }

    /// Records a verification report signed by both sides.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn chips_verify(
        &self,
        submission: &VerificationSubmission,
    ) -> Result<VerificationView, ClientError> {
        self.post("/api/v1/chips/verifications", &json(submission)?)
    }

    /// Verification reports the token may see.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn chips_verifications(&self) -> Result<Vec<VerificationView>, ClientError> {
        self.get("/api/v1/chips/verifications")
    }

    /// Applies for a listing.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn chips_apply(&self, application: &Application) -> Result<ChipsCaseView, ClientError> {
        self.post("/api/v1/chips/applications", &json(application)?)
    }

    /// Asks for a listing's re-evaluation.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn chips_reevaluate(
        &self,
        request: &ReEvaluationRequest,
    ) -> Result<ChipsCaseView, ClientError> {
        self.post("/api/v1/chips/reevaluations", &json(request)?)
    }

    /// Chips cases the token may see.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn chips_cases(&self) -> Result<Vec<ChipsCaseView>, ClientError> {
        self.get("/api/v1/chips/cases")
    }

    /// One chips case.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn chips_case(&self, id: &str) -> Result<ChipsCaseView, ClientError> {
        self.get(&format!("/api/v1/chips/cases/{id}"))
    }

    /// Decides the token's side of a chips case.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn chips_decide(
        &self,
        id: &str,
        request: &DecisionRequest,
    ) -> Result<CaseView, ClientError> {
        self.post(
            &format!("/api/v1/chips/cases/{id}/decision"),
            &json(request)?,
        )
    }

    /// Registers a device.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn chips_register_device(&self, device: &Device) -> Result<DeviceView, ClientError> {
        self.post("/api/v1/chips/devices", &json(device)?)
    }

    /// Devices the token may see.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn chips_devices(&self) -> Result<Vec<DeviceView>, ClientError> {
        self.get("/api/v1/chips/devices")
    }

    /// Submits an end-use attestation.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn chips_attest(&self, attestation: &Attestation) -> Result<AttestationView, ClientError> {
        self.post("/api/v1/chips/attestations", &json(attestation)?)
    }

    /// Opens anomaly cases for overdue devices; the ids opened.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn chips_check_overdue(&self) -> Result<Vec<String>, ClientError> {
        self.post("/api/v1/chips/overdue", "")
    }
}
