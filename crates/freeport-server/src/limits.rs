//! Per-caller rate limits of the port's API: a GCRA bucket (governor) per bearer token — every
//! request without one shares a single bucket — refused with `429` and `Retry-After` as a
//! problem document. Keys are a per-process random hash of the token, never the token itself.

use std::hash::BuildHasher as _;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock as _, DefaultClock};
use governor::{Quota, RateLimiter};

use crate::api::Problem;

/// Requests per second each caller may make by default (with twice that as a burst).
pub const DEFAULT_PER_SECOND: u32 = 500;

type Limiter = RateLimiter<
    u64,
    governor::state::keyed::HashMapStateStore<u64>,
    DefaultClock,
    governor::middleware::NoOpMiddleware,
>;

/// The API's rate limits.
#[derive(Debug)]
pub struct RateLimits {
    limiter: Limiter,
    keys: std::hash::RandomState,
    per_second: NonZeroU32,
}

impl RateLimits {
    /// `per_second` requests per second per caller, bursts of twice that (at least 1).
    #[must_use]
    pub fn per_second(per_second: u32) -> Self {
        let per_second = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = per_second.saturating_mul(NonZeroU32::MIN.saturating_add(1));
        Self {
            limiter: RateLimiter::hashmap(Quota::per_second(per_second).allow_burst(burst)),
            keys: std::hash::RandomState::new(),
            per_second,
        }
    }

    /// The configured rate.
    #[must_use]
    pub fn rate(&self) -> u32 {
        self.per_second.get()
    }

    /// Forgets callers whose bucket is full again (bounds the memory random tokens can take).
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
    }

    fn key(&self, request: &Request) -> u64 {
        let token = request
            .headers()
            .get(header::AUTHORIZATION)
            .map_or(&b""[..], HeaderValue::as_bytes);
        self.keys.hash_one(token)
    }
}

/// Lets a request through, or answers `429` with the seconds to wait.
pub(crate) async fn limit(
    State(limits): State<Arc<RateLimits>>,
    request: Request,
    next: Next,
) -> Response {
    match limits.limiter.check_key(&limits.key(&request)) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs().max(1);
            let mut response = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "freeport::api::rate_limited",
                format!(
                    "more than {} requests per second from this caller; retry in {seconds} s",
                    limits.rate()
                ),
            )
            .into_response();
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}
