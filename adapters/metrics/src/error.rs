//! Why metrics could not be set up.

/// Why the Prometheus recorder could not be installed.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// The exporter refused its configuration (e.g. empty histogram buckets).
    #[error("the Prometheus exporter refused its configuration: {0}")]
    Exporter(String),
    /// Another recorder was installed in this process first.
    #[error("another metrics recorder is already installed")]
    AlreadyInstalled,
}
