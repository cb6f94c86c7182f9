//! `GET /metrics`: the Prometheus text the wiring renders, outside the OpenAPI document,
//! optionally behind its own bearer token (not a buyer's or an admin's JWT: a static secret
//! handed to the scraper).

use std::fmt;
use std::sync::Arc;

use poem::http::{header, StatusCode};
use poem::{get, Endpoint, EndpointExt, Request, Response, Route};

use crate::problem::{Problem, ProblemType, PROBLEM_JSON};
use crate::HttpSettings;

/// The content type of the Prometheus text exposition format.
pub const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Renders every metric as Prometheus text; given by the wiring, so this adapter does not know
/// which exporter is installed. With a token, only requests that carry it are served.
#[derive(Clone)]
pub struct RenderMetrics {
    render: Arc<dyn Fn() -> String + Send + Sync>,
    token: Option<Arc<str>>,
}

impl RenderMetrics {
    /// Wraps a renderer; `/metrics` is open to anyone who can reach it.
    pub fn new(render: impl Fn() -> String + Send + Sync + 'static) -> Self {
        Self {
            render: Arc::new(render),
            token: None,
        }
    }

    /// Serves only requests with `Authorization: Bearer <token>`; others get `401`.
    #[must_use]
    pub fn guarded_by(mut self, token: impl Into<Arc<str>>) -> Self {
        self.token = Some(token.into());
        self
    }

    fn admits(&self, req: &Request) -> bool {
        let Some(expected) = &self.token else {
            return true;
        };
        let presented = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "));
        presented.is_some_and(|token| same_secret(token.as_bytes(), expected.as_bytes()))
    }
}

impl fmt::Debug for RenderMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RenderMetrics")
            .field("guarded", &self.token.is_some())
            .finish_non_exhaustive()
    }
}

/// Compares without stopping at the first difference, so the time taken does not tell a guesser
/// how much of the token was right (only its length).
fn same_secret(presented: &[u8], expected: &[u8]) -> bool {
    presented.len() == expected.len()
        && presented
            .iter()
            .zip(expected)
            .fold(0u8, |differ, (a, b)| differ | (a ^ b))
            == 0
}

/// Serves what the renderer returns, to the requests its token admits.
pub struct Scrape(pub RenderMetrics);

impl Endpoint for Scrape {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        if !self.0.admits(&req) {
            return Ok(unauthorized());
        }
        Ok(Response::builder()
            .header(header::CONTENT_TYPE, PROMETHEUS_TEXT)
            .body((self.0.render)()))
    }
}

fn unauthorized() -> Response {
    let problem = Problem::new(
        ProblemType::Unauthorized,
        "GET /metrics needs the metrics token: Authorization: Bearer <metrics.token>.",
    );
    Response::builder()
        .status(StatusCode::UNAUTHORIZED)
        .header(header::WWW_AUTHENTICATE, r#"Bearer realm="metrics""#)
        .header(header::CONTENT_TYPE, PROBLEM_JSON)
        .body(poem_openapi::types::ToJSON::to_json_string(&problem))
}

/// Only `GET /metrics` (everything else is 404), for a process that serves no API (a worker).
pub fn metrics_app(settings: &HttpSettings) -> impl Endpoint<Output = Response> {
    let route = Route::new();
    match &settings.metrics {
        Some(render) => route.at("/metrics", get(Scrape(render.clone()))),
        None => route,
    }
    .map_to_response()
}
