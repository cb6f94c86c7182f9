//! Wiring and running flashsale: settings, the deployment profiles, and the runner that starts
//! and stops the API and the worker. The `flashsale` binary is a thin command line over this;
//! tests start services in-process through [`start`].

pub mod credentials;
pub mod demo;
pub mod embedded;
pub mod expiry;
mod holder;
pub mod monitoring;
pub mod production;
pub mod reconciler;
pub mod relay;
pub mod result_purge;
pub mod runner;
pub mod settings;
pub mod shutdown;
pub mod slow_clients;
pub mod telemetry;

pub use runner::Running;
pub use settings::{Profile, Role, Settings};

/// Starts the service of `profile` in the background.
///
/// # Errors
/// When the settings are invalid, a dependency is unreachable, or the address cannot be bound.
pub async fn start(profile: Profile, settings: &Settings) -> anyhow::Result<Running> {
    match profile {
        Profile::Embedded => embedded::start(settings).await,
        Profile::Production => production::start(settings).await,
    }
}
