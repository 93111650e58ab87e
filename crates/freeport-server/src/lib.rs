//! The HTTP layer of Free Data Port: the only crate that knows HTTP.
//!
//! For now it serves what the transparency log needs: a log directory as static tlog-tiles files
//! ([`serve_log`]), the C2SP tlog-witness `add-checkpoint` endpoint ([`serve_witness`]), and a
//! small blocking HTTP client ([`HttpSource`], [`post_add_checkpoint`]) that the auditor and the
//! log's cosigning round use. The servers run on their own tokio runtime so that callers (the
//! `freeport` binary) stay synchronous. Later issues extend this crate with the API and dashboard.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Path as UrlPath;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use freeport_tlog::audit::Fetch;
use freeport_tlog::tiles::TileId;
use freeport_tlog::witness::{Witness, WitnessState};
use miette::Diagnostic;
use tokio::sync::Mutex;

pub mod api;
pub mod client;
pub mod filer;
pub mod jobs;
pub mod limits;
pub mod metrics;
pub mod stats;
pub mod web;

/// Runs a blocking [`freeport_port::Port`] call off the async runtime (the API's and the
/// dashboard's handlers both do).
pub(crate) async fn port_call<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, freeport_port::PortError> + Send + 'static,
) -> Result<T, freeport_port::PortError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| freeport_port::PortError::Internal(e.to_string()))?
}

/// The largest body read from a server: a full entry bundle of 256 maximal entries.
const MAX_BODY: u64 = 256 * (65_535 + 2) + 1024;

/// An error of the HTTP layer.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[non_exhaustive]
pub enum ServerError {
    /// The listener or runtime could not start.
    #[error("cannot serve on `{addr}`")]
    #[diagnostic(code(server::bind))]
    Bind {
        /// The address.
        addr: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A request to another server failed.
    #[error("request to `{url}` failed: {reason}")]
    #[diagnostic(code(server::request))]
    Request {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// A log error.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Tlog(#[from] freeport_tlog::Error),
}

fn runtime(addr: &str) -> Result<tokio::runtime::Runtime, ServerError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|source| ServerError::Bind {
            addr: addr.to_owned(),
            source,
        })
}

async fn run(listener: TcpListener, app: Router) -> Result<(), ServerError> {
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let bind_error = |source| ServerError::Bind {
        addr: addr.clone(),
        source,
    };
    listener.set_nonblocking(true).map_err(bind_error)?;
    let listener = tokio::net::TcpListener::from_std(listener).map_err(bind_error)?;
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(bind_error)
}

/// Resolves on Ctrl-C or SIGTERM (how service managers and `kill` stop a server), so requests
/// in flight finish before the process exits.
async fn shutdown() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

/// Serves a log directory as static tlog-tiles files (`/checkpoint`, `/tile/...`) until Ctrl-C.
/// Only those paths are served, and tile paths must be canonical C2SP paths, so nothing else in
/// the directory (state, lock, keys) is reachable.
///
/// # Errors
///
/// When the listener cannot be used.
pub fn serve_log(dir: PathBuf, listener: TcpListener) -> Result<(), ServerError> {
    let rt = runtime(&format!("{:?}", listener.local_addr().ok()))?;
    let app = Router::new()
        .fallback(static_file)
        .with_state(Arc::new(dir));
    rt.block_on(run(listener, app))
}

/// `GET /log/{path}` of a port: the same files as [`serve_log`], under a prefix.
pub(crate) async fn log_file(
    State(dir): State<Arc<PathBuf>>,
    UrlPath(path): UrlPath<String>,
) -> Response {
    serve_log_file(&dir, &path).await
}

async fn static_file(State(dir): State<Arc<PathBuf>>, uri: Uri) -> Response {
    serve_log_file(&dir, uri.path()).await
}

/// One file of a log directory, if its path is the checkpoint or a canonical tile path.
async fn serve_log_file(dir: &std::path::Path, path: &str) -> Response {
    let path = path.trim_start_matches('/');
    let (content_type, cache) = if path == "checkpoint" {
        // Mutable: tlog-tiles says cache for at most a few seconds.
        ("text/plain; charset=utf-8", "no-cache")
    } else if TileId::from_path(path).is_ok() {
        (
            "application/octet-stream",
            "public, max-age=31536000, immutable",
        )
    } else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    match tokio::fs::read(dir.join(path)).await {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            response
        }
        Err(_) => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

struct WitnessServer {
    witness: Witness,
    state_path: PathBuf,
    state: Mutex<WitnessState>,
}

/// Serves the tlog-witness `POST /add-checkpoint` endpoint, and the monitoring endpoint
/// `GET /<hex SHA-256 of origin>/checkpoint` (the latest cosigned checkpoint), until Ctrl-C. The state is persisted
/// to `state_path` (temp + rename + fsync) before each answer that changes it, under one lock, so
/// check and update are atomic.
///
/// # Errors
///
/// When the listener cannot be used.
pub fn serve_witness(
    witness: Witness,
    state: WitnessState,
    state_path: PathBuf,
    listener: TcpListener,
) -> Result<(), ServerError> {
    let rt = runtime(&format!("{:?}", listener.local_addr().ok()))?;
    let shared = Arc::new(WitnessServer {
        witness,
        state_path,
        state: Mutex::new(state),
    });
    let app = Router::new()
        .route("/add-checkpoint", post(add_checkpoint))
        .route("/vkey", get(witness_vkey))
        .route("/{origin}/checkpoint", get(latest_checkpoint))
        .with_state(shared);
    rt.block_on(run(listener, app))
}

/// `GET /vkey`: the witness's verifier key, which a log's operator pins when adding it and
/// verifiers pin in their trust policy.
async fn witness_vkey(State(server): State<Arc<WitnessServer>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{}\n", server.witness.vkey().to_vkey()),
    )
        .into_response()
}

async fn latest_checkpoint(
    State(server): State<Arc<WitnessServer>>,
    UrlPath(origin): UrlPath<String>,
) -> Response {
    let state = server.state.lock().await;
    match state.latest_cosigned(&origin) {
        Some(note) => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            "no cosigned checkpoint for this log\n",
        )
            .into_response(),
    }
}

async fn add_checkpoint(State(server): State<Arc<WitnessServer>>, body: Bytes) -> Response {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_secs().max(1));
    let mut state = server.state.lock().await;
    let (answer, next) = server.witness.add_checkpoint(&state, &body, now);
    if let Some(next) = next {
        if let Err(e) = save_state(&server.state_path, &next) {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("cannot persist witness state: {e}\n"),
            )
                .into_response();
        }
        *state = next;
    }
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(answer.content_type),
    );
    response
}

/// Writes the witness state durably (temp + rename + fsync of the directory).
///
/// # Errors
///
/// When the file cannot be written.
pub fn save_state(path: &std::path::Path, state: &WitnessState) -> Result<(), ServerError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("witness-state.json");
    let text = freeport_tlog::witness::state_to_json(state)?;
    freeport_tlog::store::write_atomic(dir, name, text.as_bytes())?;
    Ok(())
}

fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build();
    ureq::Agent::new_with_config(config)
}

/// A log published over HTTP(S), fetched with a small blocking client.
#[derive(Debug, Clone)]
pub struct HttpSource {
    base: String,
}

impl HttpSource {
    /// A source at `base` (the log's URL prefix).
    #[must_use]
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
        }
    }
}

impl Fetch for HttpSource {
    fn fetch(&self, path: &str) -> freeport_tlog::Result<Option<Vec<u8>>> {
        let url = format!("{}/{path}", self.base);
        let failed = |reason: String| {
            freeport_tlog::Error::OutOfRange(format!("cannot fetch `{url}`: {reason}"))
        };
        let mut response = agent()
            .get(&url)
            .call()
            .map_err(|e| failed(e.to_string()))?;
        match response.status().as_u16() {
            200 => response
                .body_mut()
                .with_config()
                .limit(MAX_BODY)
                .read_to_vec()
                .map(Some)
                .map_err(|e| failed(e.to_string())),
            404 => Ok(None),
            other => Err(failed(format!("HTTP status {other}"))),
        }
    }

    fn describe(&self) -> String {
        self.base.clone()
    }
}

/// The endpoint for a witness given by its submission prefix (`http://host:port`) or by the
/// endpoint itself (`http://host:port/add-checkpoint`, as some banners print it).
#[must_use]
pub fn add_checkpoint_url(url: &str) -> String {
    let base = url.trim_end_matches('/');
    let base = base.strip_suffix("/add-checkpoint").unwrap_or(base);
    format!("{base}/add-checkpoint")
}

/// Posts an `add-checkpoint` request to a witness at `url` (its submission prefix, or the
/// endpoint URL: see [`add_checkpoint_url`]), returning the status and body.
///
/// # Errors
///
/// [`ServerError::Request`] when the witness cannot be reached.
pub fn post_add_checkpoint(url: &str, body: &str) -> Result<(u16, String), ServerError> {
    let url = add_checkpoint_url(url);
    let failed = |reason: String| ServerError::Request {
        url: url.clone(),
        reason,
    };
    let mut response = agent()
        .post(&url)
        .content_type("text/plain; charset=utf-8")
        .send(body.as_bytes())
        .map_err(|e| failed(e.to_string()))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|e| failed(e.to_string()))?;
    Ok((status, text))
}

/// The cosigning transport a port hands its remote witnesses: `POST <url>/add-checkpoint`.
#[derive(Debug, Clone, Copy, Default)]
pub struct HttpWitnessClient;

impl freeport_port::cosign::WitnessClient for HttpWitnessClient {
    fn add_checkpoint(&self, url: &str, body: &str) -> Result<(u16, String), String> {
        post_add_checkpoint(url, body).map_err(|e| e.to_string())
    }
}

/// The verifier key a witness publishes at `<url>/vkey`.
///
/// # Errors
///
/// [`ServerError::Request`] when the witness cannot be reached or answers something that is
/// not a cosigning key.
pub fn fetch_witness_vkey(url: &str) -> Result<freeport_tlog::note::VerifierKey, ServerError> {
    let url = format!(
        "{}/vkey",
        add_checkpoint_url(url).trim_end_matches("/add-checkpoint")
    );
    let failed = |reason: String| ServerError::Request {
        url: url.clone(),
        reason,
    };
    let mut response = agent()
        .get(&url)
        .call()
        .map_err(|e| failed(e.to_string()))?;
    if response.status().as_u16() != 200 {
        return Err(failed(format!(
            "HTTP status {}",
            response.status().as_u16()
        )));
    }
    let text = response
        .body_mut()
        .with_config()
        .limit(4096)
        .read_to_string()
        .map_err(|e| failed(e.to_string()))?;
    let key = freeport_tlog::note::VerifierKey::from_vkey(text.trim())
        .map_err(|e| failed(e.to_string()))?;
    if key.kind() != freeport_tlog::note::KeyKind::Cosignature {
        return Err(failed(format!(
            "`{}` is not a cosigning (witness) key",
            key.label()
        )));
    }
    Ok(key)
}

/// Binds a listener (for the CLI and tests).
///
/// # Errors
///
/// When the address cannot be bound.
pub fn bind(addr: SocketAddr) -> Result<TcpListener, ServerError> {
    TcpListener::bind(addr).map_err(|source| ServerError::Bind {
        addr: addr.to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_found_from_the_prefix_or_itself() {
        for given in [
            "http://127.0.0.1:8081",
            "http://127.0.0.1:8081/",
            "http://127.0.0.1:8081/add-checkpoint",
            "http://127.0.0.1:8081/add-checkpoint/",
        ] {
            assert_eq!(
                add_checkpoint_url(given),
                "http://127.0.0.1:8081/add-checkpoint",
                "{given}"
            );
        }
        assert_eq!(
            add_checkpoint_url("https://w.example/cn/"),
            "https://w.example/cn/add-checkpoint"
        );
    }
}
