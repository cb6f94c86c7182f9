//! The time, as a port so tests and the rules agree on "now".

use flashsale_domain::Timestamp;

/// Tells the current time.
pub trait Clock: Clone + Send + Sync + 'static {
    /// Now. Infallible: a clock always answers.
    fn now(&self) -> Timestamp;
}
