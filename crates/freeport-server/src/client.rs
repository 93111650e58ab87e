//! The port's HTTP client: what `freeport file | case | review` use to talk to a port. Every
//! answer that is not a success is read as the port's RFC 9457 problem document and returned
//! as [`ClientError::Problem`] with the same diagnostic code the port (and a local command)
//! gives.

use std::time::Duration;

use freeport_port::port::{
    AssessmentUpload, CaseView, DecisionRequest, FilingSummary, FilingView, MessageView, Principal,
};
use miette::Diagnostic;
use serde::de::DeserializeOwned;

use crate::api::Problem;
use crate::jobs::{JobState, JobView};

/// How long [`PortClient::file_assessment`] waits for its job before giving up.
const JOB_PATIENCE: Duration = Duration::from_secs(600);

mod chips;
mod stats;

/// The largest answer read from a port (a filing with its facts and decision).
const MAX_ANSWER: u64 = 16 << 20;

/// A port call that failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The port answered with a problem document; its diagnostic code is the port's own
    /// (`freeport::port::conflict`, `freeport::facts::invalid`, …), as a local command gives.
    #[error("the port refused ({status}): {detail}")]
    Problem {
        /// The HTTP status.
        status: u16,
        /// The port's diagnostic code.
        code: String,
        /// What went wrong.
        detail: String,
        /// The field at fault.
        field: Option<String>,
        /// What to do.
        help: Option<String>,
    },
    /// The port could not be reached, or answered something that is not the API.
    #[error("cannot talk to the port at `{url}`: {reason}")]
    Unreachable {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
}

impl Diagnostic for ClientError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(match self {
            Self::Problem { code, .. } => Box::new(code),
            Self::Unreachable { .. } => Box::new("freeport::client::unreachable"),
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        match self {
            Self::Problem { help, field, .. } => match (help, field) {
                (Some(help), _) => Some(Box::new(help)),
                (None, Some(field)) => Some(Box::new(format!("the field at fault: `{field}`"))),
                (None, None) => None,
            },
            Self::Unreachable { .. } => Some(Box::new(
                "check `--port` (or `FREEPORT_PORT_URL`): the port's base URL, e.g. http://127.0.0.1:8400",
            )),
        }
    }
}

/// A client of one port, acting with one token.
#[derive(Clone)]
pub struct PortClient {
    base: String,
    token: String,
    agent: ureq::Agent,
}

impl std::fmt::Debug for PortClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl PortClient {
    /// A client of the port at `base` (e.g. `http://127.0.0.1:8400`) with `token`.
    #[must_use]
    pub fn new(base: &str, token: &str) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build();
        Self {
            base: base.trim_end_matches('/').to_owned(),
            token: token.trim().to_owned(),
            agent: ureq::Agent::new_with_config(config),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn answer<T: DeserializeOwned>(
        &self,
        url: &str,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<T, ClientError> {
        let unreachable = |reason: String| ClientError::Unreachable {
            url: url.to_owned(),
            reason,
        };
        let mut response = result.map_err(|e| unreachable(e.to_string()))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_string()
            .map_err(|e| unreachable(e.to_string()))?;
        if (200..300).contains(&status) {
            return serde_json::from_str(&text)
                .map_err(|e| unreachable(format!("an answer that is not the API's: {e}")));
        }
        Err(refusal(url, status, text.as_bytes()))
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let url = self.url(path);
        let request = self.agent.get(&url);
        // Public routes (publications, rule packs) are read without a token.
        let result = if self.token.is_empty() {
            request.call()
        } else {
            request
                .header("Authorization", &format!("Bearer {}", self.token))
                .call()
        };
        self.answer(&url, result)
    }

    fn post<T: DeserializeOwned>(&self, path: &str, body: &str) -> Result<T, ClientError> {
        let url = self.url(path);
        let result = self
            .agent
            .post(&url)
            .header("Authorization", &format!("Bearer {}", self.token))
            .content_type("application/json")
            .send(body.as_bytes());
        self.answer(&url, result)
    }

    /// Who the token acts for.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn whoami(&self) -> Result<Principal, ClientError> {
        self.get("/api/v1/whoami")
    }

    /// Files transfer facts (JSON).
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn file(&self, facts_json: &str) -> Result<FilingView, ClientError> {
        self.post("/api/v1/filings", facts_json)
    }

    /// Files an uploaded `freeport assess` result (`POST /api/v1/assessments`, a job) and
    /// waits for the job, polling as the port's `Retry-After` asks: the filing, and whether it is
    /// new (`false`: the organisation had filed this report before).
    ///
    /// # Errors
    ///
    /// The port refuses the upload or the job fails (its problem, as a synchronous filing
    /// would have answered); the job does not end within ten minutes; the port cannot be
    /// reached.
    pub fn file_assessment(
        &self,
        upload: &AssessmentUpload,
    ) -> Result<(FilingView, bool), ClientError> {
        let body = serde_json::json!({
            "facts": upload.facts,
            "report": String::from_utf8_lossy(&upload.report),
            "receipt": upload.receipt,
            "trust_policy": upload.trust_policy,
        })
        .to_string();
        let mut job: JobView = self.post("/api/v1/assessments", &body)?;
        let started = std::time::Instant::now();
        let mut pause = Duration::from_millis(50);
        while job.state == JobState::Running {
            if started.elapsed() > JOB_PATIENCE {
                return Err(ClientError::Unreachable {
                    url: self.url(&format!("/api/v1/jobs/{}", job.id)),
                    reason: format!(
                        "the job has run for more than {} s; ask again later",
                        JOB_PATIENCE.as_secs()
                    ),
                });
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_secs(1));
            job = self.get(&format!("/api/v1/jobs/{}", encode(&job.id)))?;
        }
        match (job.state, job.filing, job.problem) {
            (JobState::Succeeded, Some(filing), _) => {
                Ok((self.filing(&filing)?, job.created.unwrap_or(true)))
            }
            (_, _, Some(problem)) => Err(ClientError::Problem {
                status: problem.status,
                code: problem.code,
                detail: problem.detail,
                field: problem.field,
                help: problem.help,
            }),
            _ => Err(ClientError::Unreachable {
                url: self.url(&format!("/api/v1/jobs/{}", job.id)),
                reason: "the job ended without a filing or a problem".to_owned(),
            }),
        }
    }

    /// One filing.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn filing(&self, id: &str) -> Result<FilingView, ClientError> {
        self.get(&format!("/api/v1/filings/{}", encode(id)))
    }

    /// The filings the token may see.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn filings(&self) -> Result<Vec<FilingSummary>, ClientError> {
        self.get("/api/v1/filings")
    }

    /// The token's side's cases.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn cases(&self, status: Option<&str>) -> Result<Vec<CaseView>, ClientError> {
        match status {
            Some(s) => self.get(&format!("/api/v1/cases?status={}", encode(s))),
            None => self.get("/api/v1/cases"),
        }
    }

    /// Writes on a filing's case.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn message(&self, id: &str, body: &str) -> Result<MessageView, ClientError> {
        let body = serde_json::json!({ "body": body }).to_string();
        self.post(&format!("/api/v1/filings/{}/messages", encode(id)), &body)
    }

    /// Publishes a notice (administrators and reviewers).
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn publish(
        &self,
        notice: &freeport_port::port::NewNotice,
    ) -> Result<freeport_port::port::Publication, ClientError> {
        let body = serde_json::to_string(notice).map_err(|e| ClientError::Unreachable {
            url: self.base.clone(),
            reason: e.to_string(),
        })?;
        self.post("/api/v1/publications", &body)
    }

    /// The port's audit bundle (auditors and administrators).
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn audit_bundle(&self) -> Result<freeport_port::audit::AuditBundle, ClientError> {
        self.get("/api/v1/audit/bundle")
    }

    /// The rule pack of `jurisdiction` (`cn` or `us`) the port judges with, with the receipt of
    /// its log entry (no token needed).
    ///
    /// # Errors
    ///
    /// The port refuses (no cosigned checkpoint covers the pack yet), or cannot be reached.
    pub fn rule_pack(
        &self,
        jurisdiction: &str,
    ) -> Result<freeport_port::rules::RulePackRelease, ClientError> {
        self.get(&format!("/api/v1/rules/{jurisdiction}"))
    }

    /// Sends a signed decision.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn decide(&self, id: &str, request: &DecisionRequest) -> Result<CaseView, ClientError> {
        let body = serde_json::to_string(request).map_err(|e| ClientError::Unreachable {
            url: self.base.clone(),
            reason: e.to_string(),
        })?;
        self.post(&format!("/api/v1/filings/{}/decision", encode(id)), &body)
    }

    /// Contests a classification on the caller's filing (exporters).
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn contest(
        &self,
        id: &str,
        contest: &freeport_port::port::NewContest,
    ) -> Result<freeport_port::port::ContestView, ClientError> {
        let body = serde_json::to_string(contest).map_err(|e| ClientError::Unreachable {
            url: self.base.clone(),
            reason: e.to_string(),
        })?;
        self.post(&format!("/api/v1/filings/{}/contests", encode(id)), &body)
    }

    /// Rules on a contest (reviewers).
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn rule_contest(
        &self,
        id: &str,
        seq: u64,
        request: &freeport_port::port::ContestRulingRequest,
    ) -> Result<freeport_port::port::RulingView, ClientError> {
        let body = serde_json::to_string(request).map_err(|e| ClientError::Unreachable {
            url: self.base.clone(),
            reason: e.to_string(),
        })?;
        self.post(
            &format!("/api/v1/filings/{}/contests/{seq}/ruling", encode(id)),
            &body,
        )
    }

    /// Attaches a document to the caller's filing (exporters).
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn attach(
        &self,
        id: &str,
        kind: freeport_port::port::AttachmentKind,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<freeport_port::port::AttachmentView, ClientError> {
        let url = self.url(&format!(
            "/api/v1/filings/{}/attachments?kind={}&file_name={}",
            encode(id),
            kind.as_str(),
            encode(file_name)
        ));
        let result = self
            .agent
            .post(&url)
            .header("Authorization", &format!("Bearer {}", self.token))
            .content_type("application/octet-stream")
            .send(bytes);
        self.answer(&url, result)
    }

    /// An attached document's bytes (the filing's exporter and reviewers).
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn attachment(&self, id: &str, seq: u64) -> Result<Vec<u8>, ClientError> {
        let url = self.url(&format!("/api/v1/filings/{}/attachments/{seq}", encode(id)));
        let unreachable = |reason: String| ClientError::Unreachable {
            url: url.clone(),
            reason,
        };
        let mut response = self
            .agent
            .get(&url)
            .header("Authorization", &format!("Bearer {}", self.token))
            .call()
            .map_err(|e| unreachable(e.to_string()))?;
        let status = response.status().as_u16();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec()
            .map_err(|e| unreachable(e.to_string()))?;
        if (200..300).contains(&status) {
            return Ok(bytes);
        }
        Err(refusal(&url, status, &bytes))
    }

    /// The overrides (accepted contests) the caller may see.
    ///
    /// # Errors
    ///
    /// The port refuses, or cannot be reached.
    pub fn overrides(&self) -> Result<Vec<freeport_port::port::ContestView>, ClientError> {
        self.get("/api/v1/overrides")
    }
}

/// A port's answer that is not a success: its problem document, or unreachable when it is none.
fn refusal(url: &str, status: u16, body: &[u8]) -> ClientError {
    match serde_json::from_slice::<Problem>(body) {
        Ok(problem) => ClientError::Problem {
            status,
            code: problem.code,
            detail: problem.detail,
            field: problem.field,
            help: problem.help,
        },
        Err(_) => ClientError::Unreachable {
            url: url.to_owned(),
            reason: format!("HTTP {status} without a problem document"),
        },
    }
}

/// Percent-encodes a path segment or query value (everything but unreserved characters).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
