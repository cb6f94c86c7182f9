//! `GET /metrics`: the Prometheus text the wiring renders, outside the OpenAPI document.

use std::fmt;
use std::sync::Arc;

use poem::http::header;
use poem::{get, Endpoint, EndpointExt, Request, Response, Route};

use crate::HttpSettings;

/// The content type of the Prometheus text exposition format.
pub const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Renders every metric as Prometheus text; given by the wiring, so this adapter does not know
/// which exporter is installed.
#[derive(Clone)]
pub struct RenderMetrics(Arc<dyn Fn() -> String + Send + Sync>);

impl RenderMetrics {
    /// Wraps a renderer.
    pub fn new(render: impl Fn() -> String + Send + Sync + 'static) -> Self {
        Self(Arc::new(render))
    }
}

impl fmt::Debug for RenderMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RenderMetrics(..)")
    }
}

/// Serves what the renderer returns.
pub struct Scrape(pub RenderMetrics);

impl Endpoint for Scrape {
    type Output = Response;

    async fn call(&self, _req: Request) -> poem::Result<Response> {
        Ok(Response::builder()
            .header(header::CONTENT_TYPE, PROMETHEUS_TEXT)
            .body((self.0 .0)()))
    }
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
