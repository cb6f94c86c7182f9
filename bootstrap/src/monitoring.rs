//! Metrics wiring: the Prometheus recorder, the `/metrics` renderer handed to the HTTP adapter,
//! and the polled gauges. The metrics themselves are listed in `docs/metrics.md`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use flashsale_application::{FlashSale, Ports};
use flashsale_http::{HttpSettings, RenderMetrics};
use flashsale_metrics::{spawn_gauges, MetricsHandle};

use crate::runner::Watched;
use crate::settings::MetricsSection;

/// Installs the Prometheus recorder when metrics are enabled (once per process: later calls
/// get the same recorder).
///
/// # Errors
/// When another recorder was installed first or the exporter refuses its configuration.
pub fn install(section: &MetricsSection) -> anyhow::Result<Option<MetricsHandle>> {
    if !section.enabled {
        return Ok(None);
    }
    flashsale_metrics::install()
        .map(Some)
        .context("installing the Prometheus recorder")
}

/// Serves `GET /metrics` from `handle`, behind the section's token when it has one; without a
/// handle there is no `/metrics`.
pub fn serve_metrics(
    http: &mut HttpSettings,
    handle: Option<&MetricsHandle>,
    section: &MetricsSection,
) {
    http.metrics = handle.map(|handle| {
        let handle = handle.clone();
        let render = RenderMetrics::new(move || handle.render());
        match &section.token {
            Some(token) => render.guarded_by(token.expose()),
            None => render,
        }
    });
}

/// Starts polling the gauges of `service` when metrics are enabled and the interval is not 0,
/// and returns the task for the runner to watch; it ends by itself only once the service is
/// dropped.
pub fn start_gauges<P: Ports>(
    service: &Arc<FlashSale<P>>,
    section: &MetricsSection,
    handle: Option<&MetricsHandle>,
) -> Option<Watched> {
    if handle.is_some() && section.gauge_interval_secs > 0 {
        let interval = Duration::from_secs(section.gauge_interval_secs);
        return Some(Watched::task(
            "metrics gauges",
            spawn_gauges(service, interval),
        ));
    }
    None
}
