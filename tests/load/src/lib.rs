//! flashsale-load: a load generator for flashsale that checks the sale's invariants after
//! every run.
//!
//! A run ([`run`]) creates its products through the admin API, mints a token per virtual buyer,
//! drives buy requests in a closed model (N users, each waiting for its answer) or an open
//! model (a constant or ramping arrival rate; latency measured from the intended send time, so
//! a stalled server cannot hide its queue: no coordinated omission), then waits for the orders
//! to drain and checks the invariants against the system of record. Layout:
//! - `config`: what to run ([`RunConfig`]); `schedule`: when each request is due; `plan`:
//!   which buyer asks for which product.
//! - `client`: keep-alive HTTP/1.1 over hyper; `outcome`: an answer classified.
//! - `recorder`: HDR histograms, counts per outcome, and a per-second timeline.
//! - `driver`: the closed and open models; `setup`: products and buyers.
//! - `verify`: drain wait and invariants (audit endpoint, MariaDB via sqlx when given).
//! - `report`: the human summary and the JSON result; `chart`: an HTML page with inline SVG.
//! - `hello`: a bare poem hello-world, the machine's HTTP ceiling.

mod chart;
mod client;
mod config;
mod driver;
mod error;
pub mod hello;
mod outcome;
mod plan;
mod recorder;
mod report;
mod schedule;
mod setup;
mod verify;

pub use chart::chart_html;
pub use config::{Model, RunConfig};
pub use error::LoadError;
pub use outcome::Outcome;
pub use report::{Latency, Report, RunSummary};
pub use verify::{Invariants, ProductCheck};

/// Runs one load test end to end: setup, load, drain, invariants.
///
/// # Errors
/// [`LoadError`] when the setup fails (the service does not answer, a product cannot be
/// created) or the system of record cannot be read. Invariant violations are not errors: they
/// are in [`Report::invariants`].
pub async fn run(config: &RunConfig) -> Result<Report, LoadError> {
    let client = client::Client::new(config)?;
    let target = std::sync::Arc::new(setup::prepare(config, &client).await?);
    let outcome = driver::drive(config, &client, &target).await?;
    if let Some(marker) = &config.answered_marker {
        hand_over(marker, config.drain_timeout).await?;
    }
    let invariants = verify::verify(config, &client, &target, &outcome).await?;
    Ok(report::build(config, &outcome, invariants))
}

/// Creates `marker` and waits until it is removed (at most `timeout`): whoever watches for it
/// acts while every request is answered and the drain wait has not begun.
async fn hand_over(
    marker: &std::path::Path,
    timeout: std::time::Duration,
) -> Result<(), LoadError> {
    let path = || marker.display().to_string();
    std::fs::write(marker, b"answered\n").map_err(|source| LoadError::Output {
        path: path(),
        source,
    })?;
    let deadline = tokio::time::Instant::now() + timeout;
    while marker.exists() {
        if tokio::time::Instant::now() >= deadline {
            return Err(LoadError::MarkerKept { path: path() });
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Ok(())
}
