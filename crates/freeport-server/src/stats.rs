//! HTTP for joint statistics: an aggregator's endpoints and the blocking clients sites, the
//! collector and the other aggregator use. The protocol logic is `freeport-stats`; this module
//! only carries its [`freeport_stats::wire`] messages as JSON.
//!
//! | method and path | who calls | what |
//! |---|---|---|
//! | `POST /stats/v1/upload` | a site, at the leader | verify and aggregate an upload |
//! | `POST /stats/v1/aggregate` | the leader, at the helper (MAC'd) | the verification round |
//! | `GET /stats/v1/key-half/{study}` | the other aggregator | this side's sealed key half |
//! | `POST /stats/v1/collect` | the collector (signed) | a noisy aggregate share |
//! | `GET /stats/v1/status/{study}` | anyone | counters: accepted, rejected by reason, ε spent |
//!
//! Refusals answer 403 with the reason; malformed requests 400.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use freeport_stats::aggregator::{Aggregator, Approval};
use freeport_stats::study::{Country, StudyFile, StudyHash, StudySignature};
use freeport_stats::wire::{
    CollectResponse, HelperRequest, HelperResponse, KeyHalf, Release, SignedCollect, Status,
    Upload, UploadOutcome,
};
use miette::Diagnostic;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The largest request or response body (an upload of a few thousand SumVec reports).
const MAX_BODY: usize = 256 * 1024 * 1024;
/// The header carrying the leader's MAC on helper requests.
const PEER_MAC: &str = "x-freeport-peer-mac";

/// An error of the statistics HTTP layer.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum StatsError {
    /// The engine refused or failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Engine(#[from] freeport_stats::Error),
    /// The server refused the request (403), with its reason.
    #[error("`{url}` refused: {reason}")]
    #[diagnostic(code(freeport::stats::refused))]
    Refused {
        /// The URL.
        url: String,
        /// The server's reason.
        reason: String,
    },
    /// A request failed.
    #[error("request to `{url}` failed: {reason}")]
    #[diagnostic(code(freeport::stats::http))]
    Http {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The server could not start.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Server(#[from] crate::ServerError),
}

/// A blocking JSON client with keep-alive.
#[derive(Debug, Clone)]
pub struct Client {
    agent: ureq::Agent,
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

impl Client {
    /// A client with a 120 s timeout.
    #[must_use]
    pub fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build();
        Self {
            agent: ureq::Agent::new_with_config(config),
        }
    }

    fn call<T: DeserializeOwned>(
        &self,
        url: &str,
        body: Option<(&[u8], Option<&str>)>,
    ) -> Result<T, StatsError> {
        let failed = |reason: String| StatsError::Http {
            url: url.to_owned(),
            reason,
        };
        let response = match body {
            Some((bytes, mac)) => {
                let mut req = self.agent.post(url).content_type("application/json");
                if let Some(mac) = mac {
                    req = req.header(PEER_MAC, mac);
                }
                req.send(bytes)
            }
            None => self.agent.get(url).call(),
        };
        let mut response = response.map_err(|e| failed(e.to_string()))?;
        let status = response.status().as_u16();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY as u64)
            .read_to_vec()
            .map_err(|e| failed(e.to_string()))?;
        match status {
            200 => serde_json::from_slice(&bytes).map_err(|e| failed(format!("bad answer: {e}"))),
            403 => Err(StatsError::Refused {
                url: url.to_owned(),
                reason: String::from_utf8_lossy(&bytes).trim().to_owned(),
            }),
            other => Err(failed(format!(
                "HTTP {other}: {}",
                String::from_utf8_lossy(&bytes).trim()
            ))),
        }
    }

    fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        url: &str,
        body: &B,
        mac: Option<&str>,
    ) -> Result<T, StatsError> {
        let bytes = serde_json::to_vec(body).map_err(|e| StatsError::Http {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        self.call(url, Some((&bytes, mac)))
    }

    /// A site's upload to the leader at `base`.
    ///
    /// # Errors
    ///
    /// The leader cannot be reached or refuses.
    pub fn upload(&self, base: &str, upload: &Upload) -> Result<UploadOutcome, StatsError> {
        self.post(&format!("{}/stats/v1/upload", trim(base)), upload, None)
    }

    /// A collection request to the aggregator at `base`.
    ///
    /// # Errors
    ///
    /// The aggregator cannot be reached or refuses (the error carries its reason).
    pub fn collect(
        &self,
        base: &str,
        request: &SignedCollect,
    ) -> Result<CollectResponse, StatsError> {
        self.post(&format!("{}/stats/v1/collect", trim(base)), request, None)
    }

    /// An aggregator's counters for a study.
    ///
    /// # Errors
    ///
    /// The aggregator cannot be reached or does not know the study.
    pub fn status(&self, base: &str, study: &StudyHash) -> Result<Status, StatsError> {
        self.call(&format!("{}/stats/v1/status/{study}", trim(base)), None)
    }

    fn key_half(&self, base: &str, study: &StudyHash) -> Result<KeyHalf, StatsError> {
        self.call(&format!("{}/stats/v1/key-half/{study}", trim(base)), None)
    }

    fn aggregate(
        &self,
        base: &str,
        request: &HelperRequest,
        verify_key: &[u8; 32],
    ) -> Result<HelperResponse, StatsError> {
        let url = format!("{}/stats/v1/aggregate", trim(base));
        let bytes = serde_json::to_vec(request).map_err(|e| StatsError::Http {
            url: url.clone(),
            reason: e.to_string(),
        })?;
        let mac = freeport_stats::crypto::peer_mac(verify_key, &bytes);
        self.call(&url, Some((&bytes, Some(&mac))))
    }
}

fn trim(base: &str) -> &str {
    base.trim_end_matches('/')
}

struct App {
    aggregator: Mutex<Aggregator>,
    /// This side's sealed key half of each study, once asked for (sealing is randomised, so a
    /// study's half is sealed once and the same ciphertext answered after).
    halves: Mutex<BTreeMap<StudyHash, KeyHalf>>,
    client: Client,
}

/// An aggregator hosted by a server: its `/stats/v1` routes ([`HostedAggregator::router`]) and
/// the port's approval of studies ([`HostedAggregator::approve`]) share it. Cloning shares the
/// same aggregator.
#[derive(Clone)]
pub struct HostedAggregator {
    app: Arc<App>,
    country: Country,
}

impl std::fmt::Debug for HostedAggregator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostedAggregator")
            .field("country", &self.country)
            .finish_non_exhaustive()
    }
}

impl HostedAggregator {
    /// Hosts an opened aggregator, sealing its key half of each approved study.
    ///
    /// # Errors
    ///
    /// A study's key half cannot be sealed.
    pub fn new(aggregator: Aggregator) -> Result<Self, StatsError> {
        let country = aggregator.country();
        let halves = aggregator
            .study_hashes()
            .into_iter()
            .map(|h| Ok((h.clone(), aggregator.key_half(&h)?)))
            .collect::<Result<BTreeMap<_, _>, freeport_stats::Error>>()?;
        Ok(Self {
            app: Arc::new(App {
                aggregator: Mutex::new(aggregator),
                halves: Mutex::new(halves),
                client: Client::new(),
            }),
            country,
        })
    }

    /// The country whose aggregator this is.
    #[must_use]
    pub const fn country(&self) -> Country {
        self.country
    }

    /// The aggregator's endpoints (`/stats/v1/...`), with their own body limit.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/stats/v1/upload", post(upload))
            .route("/stats/v1/aggregate", post(aggregate))
            .route("/stats/v1/collect", post(collect))
            .route("/stats/v1/key-half/{study}", get(key_half))
            .route("/stats/v1/status/{study}", get(status))
            .layer(DefaultBodyLimit::max(MAX_BODY))
            .with_state(Arc::clone(&self.app))
    }

    /// Approves a signed study at this aggregator (blocking): `log` records the approval
    /// (the port's registry and log) and returns its log index before the aggregator stores
    /// it, as [`Aggregator::approve`] does.
    ///
    /// # Errors
    ///
    /// The study or its signature is refused, or logging fails.
    pub fn approve(
        &self,
        study: &StudyFile,
        signature: &StudySignature,
        log: &mut dyn FnMut(&Approval) -> freeport_stats::Result<u64>,
    ) -> Result<(Approval, u64), freeport_stats::Error> {
        let mut aggregator = self.app.aggregator.lock().map_err(|_| poisoned())?;
        let approved = aggregator.approve(study, signature, log)?;
        // Sealed now, so the peer's request for it never waits on this aggregator's lock.
        let mut halves = self.app.halves.lock().map_err(|_| poisoned())?;
        if !halves.contains_key(&study.hash) {
            halves.insert(study.hash.clone(), aggregator.key_half(&study.hash)?);
        }
        Ok(approved)
    }
}

impl HostedAggregator {
    /// Checks a released result against this aggregator's own record of the release
    /// ([`Aggregator::check_release`]), before the port publishes it (blocking).
    ///
    /// # Errors
    ///
    /// The result is refused, with the reason.
    pub fn check_release(
        &self,
        signed: &SignedCollect,
        release: &Release,
    ) -> Result<(), freeport_stats::Error> {
        self.app
            .aggregator
            .lock()
            .map_err(|_| poisoned())?
            .check_release(signed, release)
    }
}

fn poisoned() -> freeport_stats::Error {
    freeport_stats::Error::Protocol("aggregator state poisoned".to_owned())
}

/// The `publication` entry of a study's approval by one aggregator's operator: the document is
/// the approval (study id and SHA-256, country, the aggregator's HPKE key, time). One builder
/// for the standalone aggregator's approvals and the port-hosted one's.
///
/// # Errors
///
/// The entry fails the log's schema.
pub fn approval_entry(approval: &Approval) -> Result<Vec<u8>, freeport_port::PortError> {
    freeport_port::port::publication_entry(
        "other",
        &format!(
            "Joint statistics: study `{}` approved by the `{}` aggregator",
            approval.study_id, approval.country
        ),
        "en",
        &approval.approved_at,
        serde_json::json!({ "joint_statistics_approval": approval }),
    )
}

/// The `publication` entry of a released result: the answers with their intervals (never an
/// aggregate share), published `at`. One builder for the releases a collector logs into a port
/// home directly and those a running port publishes.
///
/// # Errors
///
/// The entry fails the log's schema.
pub fn release_entry(release: &Release, at: &str) -> Result<Vec<u8>, freeport_port::PortError> {
    freeport_port::port::publication_entry(
        "other",
        &format!(
            "Joint statistics: study `{}`, query `{}`, {} .. {}",
            release.study_id, release.query, release.from, release.until
        ),
        "en",
        at,
        serde_json::json!({ "joint_statistics_release": release }),
    )
}

/// Serves an opened aggregator on its own (`freeport stats aggregator serve`) on `listener`
/// until Ctrl-C: the same routes a port hosting it mounts.
///
/// # Errors
///
/// When the listener cannot be used.
pub fn serve_aggregator(aggregator: Aggregator, listener: TcpListener) -> Result<(), StatsError> {
    let router = HostedAggregator::new(aggregator)?.router();
    let rt = crate::runtime(&format!("{:?}", listener.local_addr().ok()))?;
    rt.block_on(crate::run(listener, router))?;
    Ok(())
}

fn answer<T: Serialize>(result: Result<T, StatsError>) -> Response {
    match result {
        Ok(value) => match serde_json::to_vec(&value) {
            Ok(bytes) => ([(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
            Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
        },
        Err(StatsError::Engine(freeport_stats::Error::Refused { reason })) => {
            (StatusCode::FORBIDDEN, format!("{reason}\n")).into_response()
        }
        Err(StatsError::Engine(e @ freeport_stats::Error::Protocol(_))) => {
            (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, StatsError> {
    serde_json::from_slice(body).map_err(|e| {
        StatsError::Engine(freeport_stats::Error::Protocol(format!(
            "malformed request: {e}"
        )))
    })
}

/// Runs `f` on the aggregator off the async threads, after fetching any missing key halves.
async fn with_aggregator<T, F>(app: Arc<App>, f: F) -> Response
where
    T: Serialize + Send + 'static,
    F: FnOnce(&App, &mut Aggregator) -> Result<T, StatsError> + Send + 'static,
{
    let joined = tokio::task::spawn_blocking(move || {
        let mut aggregator = app.aggregator.lock().map_err(|_| poisoned())?;
        fetch_halves(&app.client, &mut aggregator);
        f(&app, &mut aggregator)
    })
    .await;
    match joined {
        Ok(result) => answer(result),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

/// Fetches the other aggregator's key half for studies that lack it; a peer that is not up yet
/// is tried again on the next request.
fn fetch_halves(client: &Client, aggregator: &mut Aggregator) {
    for study in aggregator.missing_halves() {
        let Some(file) = aggregator.study(&study) else {
            continue;
        };
        let peer = file.aggregator(aggregator.country().peer()).url.clone();
        if let Ok(half) = client.key_half(&peer, &study) {
            let _ = aggregator.set_peer_half(&study, &half);
        }
    }
}

/// A site's upload at the leader, in the aggregator's three phases: screening (replay checks
/// against committed and in-flight nonces) and the commit hold the aggregator; decryption and
/// the verification round with the helper do not, so uploads overlap.
async fn upload(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let joined = tokio::task::spawn_blocking(move || -> Result<UploadOutcome, StatsError> {
        let upload: Upload = parse(&body)?;
        let (mut job, peer) = {
            let mut aggregator = app.aggregator.lock().map_err(|_| poisoned())?;
            fetch_halves(&app.client, &mut aggregator);
            let peer = aggregator
                .study(&upload.study)
                .map(|f| f.aggregator(aggregator.country().peer()).url.clone())
                .unwrap_or_default();
            (aggregator.begin_upload(upload)?, peer)
        };
        let vk = job.verify_key();
        let mut helper = |request: &HelperRequest| {
            app.client
                .aggregate(&peer, request, &vk)
                .map_err(|e| freeport_stats::Error::Protocol(format!("the helper: {e}")))
        };
        job.verify(&mut helper)?;
        let mut aggregator = app.aggregator.lock().map_err(|_| poisoned())?;
        Ok(aggregator.finish_upload(job)?)
    })
    .await;
    match joined {
        Ok(result) => answer(result),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

async fn aggregate(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let mac = headers
        .get(PEER_MAC)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    with_aggregator(app, move |_, aggregator| {
        let request: HelperRequest = parse(&body)?;
        let vk = aggregator.verify_key(&request.study)?;
        if !freeport_stats::crypto::peer_mac_ok(&vk, &body, &mac) {
            return Err(freeport_stats::Error::Refused {
                reason: "the request does not carry the other aggregator's MAC".to_owned(),
            }
            .into());
        }
        Ok(aggregator.aggregate(&request)?)
    })
    .await
}

async fn collect(State(app): State<Arc<App>>, body: Bytes) -> Response {
    with_aggregator(app, move |_, aggregator| {
        let request: SignedCollect = parse(&body)?;
        Ok(aggregator.collect(&request)?)
    })
    .await
}

async fn key_half(State(app): State<Arc<App>>, UrlPath(study): UrlPath<String>) -> Response {
    // Only the halves sealed at start or approval: never the aggregator's lock, which its
    // holder may keep while it asks the peer for the peer's half.
    let half = app
        .halves
        .lock()
        .map(|halves| halves.get(&StudyHash(study)).cloned());
    match half {
        Ok(Some(half)) => answer(Ok::<_, StatsError>(half)),
        Ok(None) => (StatusCode::NOT_FOUND, "no such approved study\n").into_response(),
        Err(_) => answer(Err::<KeyHalf, _>(StatsError::Engine(poisoned()))),
    }
}

async fn status(State(app): State<Arc<App>>, UrlPath(study): UrlPath<String>) -> Response {
    with_aggregator(app, move |_, aggregator| {
        Ok(aggregator.status(&StudyHash(study))?)
    })
    .await
}
