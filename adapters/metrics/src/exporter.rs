//! The Prometheus recorder: installed once per process, rendered by `GET /metrics`.

use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::{names, MetricsError};

/// Latency buckets, in seconds: from half a millisecond (a Lua script) to ten seconds.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Batch size buckets, in messages or reservations.
const BATCH_BUCKETS: [f64; 12] = [
    1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0,
];

/// How often histogram samples are drained into their buckets and descriptions published.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// The recorder this process installed, if any.
static INSTALLED: OnceLock<MetricsHandle> = OnceLock::new();
/// Serialises installs, so concurrent first calls all get the one recorder that won.
static INSTALLING: Mutex<()> = Mutex::new(());

/// Renders what the installed recorder holds. Cheap to clone.
#[derive(Debug, Clone)]
pub struct MetricsHandle {
    handle: PrometheusHandle,
}

impl MetricsHandle {
    /// Every metric in the Prometheus text format (version 0.0.4).
    pub fn render(&self) -> String {
        self.handle.render()
    }

    /// Drains histogram samples into their buckets, so memory does not grow between scrapes,
    /// and publishes new descriptions. [`install`] runs it every few seconds when it is called
    /// on a tokio runtime; otherwise call it yourself.
    pub fn run_upkeep(&self) {
        self.handle.run_upkeep();
    }

    /// Runs the upkeep every [`UPKEEP_INTERVAL`] on the current tokio runtime, if there is one.
    fn spawn_upkeep(&self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let handle = self.clone();
        drop(runtime.spawn(async move {
            let mut ticks = tokio::time::interval(UPKEEP_INTERVAL);
            loop {
                ticks.tick().await;
                handle.run_upkeep();
            }
        }));
    }
}

/// Installs the Prometheus recorder as this process's global recorder, with buckets for the
/// latency (`*_seconds`) and batch size (`*_batch_size`) histograms, describes every metric,
/// and, on a tokio runtime, starts its periodic upkeep. Installing again returns the handle of
/// the first installation.
///
/// # Errors
/// [`MetricsError::AlreadyInstalled`] when another recorder was installed first;
/// [`MetricsError::Exporter`] when the exporter refuses the buckets.
pub fn install() -> Result<MetricsHandle, MetricsError> {
    let _installing = INSTALLING.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(handle) = INSTALLED.get() {
        return Ok(handle.clone());
    }
    let recorder = builder()?.build_recorder();
    let handle = MetricsHandle {
        handle: recorder.handle(),
    };
    // Refused only when a recorder that is not ours was installed first.
    metrics::set_global_recorder(recorder).map_err(|_| MetricsError::AlreadyInstalled)?;
    names::describe();
    handle.spawn_upkeep();
    Ok(INSTALLED.get_or_init(|| handle).clone())
}

/// The exporter's configuration.
fn builder() -> Result<PrometheusBuilder, MetricsError> {
    let exporter =
        |e: metrics_exporter_prometheus::BuildError| MetricsError::Exporter(e.to_string());
    PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
        .map_err(exporter)?
        .set_buckets_for_metric(Matcher::Suffix("_batch_size".into()), &BATCH_BUCKETS)
        .map_err(exporter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_histograms_render_with_buckets() {
        let recorder = builder().expect("valid buckets").build_recorder();
        let handle = recorder.handle();
        metrics::with_local_recorder(&recorder, || {
            metrics::histogram!(names::STOCK_GATE_DURATION, "op" => "reserve", "outcome" => "reserved")
                .record(0.002);
            metrics::histogram!(names::ORDER_STORE_BATCH_SIZE).record(7.0);
        });
        let text = handle.render();
        assert!(
            text.contains(r#"flashsale_stock_gate_duration_seconds_bucket{op="reserve",outcome="reserved",le="0.0025"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"flashsale_order_store_batch_size_bucket{le="10"} 1"#),
            "{text}"
        );
    }
}
