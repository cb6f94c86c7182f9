//! Caps the requests in flight. A request that finds every permit taken is answered at once with
//! `503`, `Retry-After` and an `overloaded` problem, and counted in
//! `flashsale_http_requests_shed_total`, instead of queueing without bound behind the others.
//!
//! A permit is held from the moment the request reaches the app until its handler has produced
//! the response, so a client still sending its body holds one too. The probes and `/metrics`
//! take none: they answer whatever the load.

use std::sync::Arc;

use poem::http::{header, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::types::ToJSON;
use tokio::sync::Semaphore;

use crate::problem::{Problem, ProblemType, PROBLEM_JSON};

/// Counter: requests refused because the limit was reached (described in `docs/metrics.md`).
pub const HTTP_REQUESTS_SHED: &str = "flashsale_http_requests_shed_total";

/// Seconds an overloaded client should wait before retrying.
const RETRY_AFTER_SECS: &str = "1";

/// Paths that take no permit: liveness, readiness and the metrics scrape.
const EXEMPT: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// The limit on requests in flight, shared by every request of one app.
#[derive(Debug)]
pub struct InFlightLimit {
    /// One permit per request in flight; `None` when there is no limit.
    permits: Option<Arc<Semaphore>>,
    /// The refusal's body, serialised once.
    refusal: String,
}

impl InFlightLimit {
    /// At most `max_in_flight` requests at once; 0 means no limit.
    pub fn new(max_in_flight: usize) -> Self {
        let permits = (max_in_flight > 0)
            .then(|| Arc::new(Semaphore::new(max_in_flight.min(Semaphore::MAX_PERMITS))));
        let problem = Problem::new(
            ProblemType::Overloaded,
            "The server has too many requests in flight; nothing was done. \
             Retry after `Retry-After` seconds.",
        );
        Self {
            permits,
            refusal: problem.to_json_string(),
        }
    }

    fn refuse(&self) -> Response {
        metrics::counter!(HTTP_REQUESTS_SHED).increment(1);
        Response::builder()
            .status(StatusCode::SERVICE_UNAVAILABLE)
            .header(header::CONTENT_TYPE, PROBLEM_JSON)
            .header(header::RETRY_AFTER, RETRY_AFTER_SECS)
            .body(self.refusal.clone())
    }
}

/// Calls `endpoint` while holding a permit, or refuses at once when none is left.
pub async fn limit_in_flight<E: Endpoint>(
    endpoint: Arc<E>,
    req: Request,
    limit: Arc<InFlightLimit>,
) -> poem::Result<Response> {
    let _permit = match &limit.permits {
        Some(permits) if !EXEMPT.contains(&req.uri().path()) => {
            match Arc::clone(permits).try_acquire_owned() {
                Ok(permit) => Some(permit),
                Err(_) => return Ok(limit.refuse()),
            }
        }
        _ => None,
    };
    endpoint.call(req).await.map(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_means_no_limit() {
        assert!(InFlightLimit::new(0).permits.is_none());
        let limited = InFlightLimit::new(3);
        assert_eq!(
            limited.permits.map(|p| p.available_permits()),
            Some(3),
            "one permit per request"
        );
    }

    #[test]
    fn the_refusal_is_an_overloaded_problem_with_a_retry_hint() {
        let response = InFlightLimit::new(1).refuse();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response.headers().get(header::RETRY_AFTER),
            Some(&header::HeaderValue::from_static("1"))
        );
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE),
            Some(&header::HeaderValue::from_static(PROBLEM_JSON))
        );
    }
}
