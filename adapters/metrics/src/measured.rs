//! The decorator: any port adapter, timed.

use std::time::Instant;

/// Wraps a port adapter `T`; implements each port `T` implements by delegating every call and
/// recording its latency and outcome. Clones share nothing but what clones of `T` share.
#[derive(Debug, Clone)]
pub struct Measured<T> {
    inner: T,
}

impl<T> Measured<T> {
    /// Measures `inner`.
    pub fn new(inner: T) -> Self {
        Self { inner }
    }

    /// The wrapped adapter.
    pub fn inner(&self) -> &T {
        &self.inner
    }
}

/// Seconds elapsed since `start`, as histograms want them.
pub(crate) fn seconds_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}
