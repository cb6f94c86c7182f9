//! [`PortFailure`]: what went wrong inside an adapter, carried by the ports' failure variants
//! (`Unavailable`, `OutcomeUnknown`, `Refused`) with the adapter's typed error as its source,
//! so whoever logs it can walk the chain down to the driver's error ([`crate::ErrorChain`]).

use std::borrow::Cow;
use std::error::Error;
use std::fmt;
use std::sync::Arc;

/// The cause of a [`PortFailure`]: any error an adapter met (a driver's, its own), shared so
/// that port errors stay `Clone`.
type Cause = Arc<dyn Error + Send + Sync + 'static>;

/// What an adapter was doing when it failed, and the error it met, if it met one. Its text
/// is the context alone; the cause is its [`source`](Error::source), never formatted into it.
///
/// Two failures are equal when their contexts and their causes' texts are: the error types a
/// cause may have are open, so that is the most two of them can be compared on.
#[derive(Clone)]
pub struct PortFailure {
    /// What the adapter was doing, or what it found wrong (`"redis: running reserve.lua"`).
    context: Cow<'static, str>,
    /// The error the adapter met, if any.
    cause: Option<Cause>,
}

impl PortFailure {
    /// A failure the adapter found itself, with no error underneath (a queue that stayed full,
    /// a stored value it cannot read).
    pub fn new(context: impl Into<Cow<'static, str>>) -> Self {
        Self {
            context: context.into(),
            cause: None,
        }
    }

    /// A failure caused by `cause`, met while doing `context`.
    pub fn caused_by(
        context: impl Into<Cow<'static, str>>,
        cause: impl Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            context: context.into(),
            cause: Some(Arc::new(cause)),
        }
    }

    /// What the adapter was doing, or what it found wrong.
    pub fn context(&self) -> &str {
        &self.context
    }
}

impl fmt::Display for PortFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.context)
    }
}

impl fmt::Debug for PortFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PortFailure")
            .field("context", &self.context)
            .field("cause", &self.cause)
            .finish()
    }
}

impl Error for PortFailure {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.cause
            .as_deref()
            .map(|cause| cause as &(dyn Error + 'static))
    }
}

impl PartialEq for PortFailure {
    fn eq(&self, other: &Self) -> bool {
        let text = |cause: &Option<Cause>| cause.as_ref().map(ToString::to_string);
        self.context == other.context && text(&self.cause) == text(&other.cause)
    }
}

impl Eq for PortFailure {}

#[cfg(test)]
mod tests {
    use std::io;

    use super::*;

    #[test]
    fn its_text_is_the_context_and_its_source_the_cause() {
        let refused = io::Error::new(io::ErrorKind::ConnectionRefused, "refused");
        let failure = PortFailure::caused_by("redis: running reserve.lua", refused);
        assert_eq!(failure.to_string(), "redis: running reserve.lua");
        let source = failure.source().map(|cause| cause.to_string());
        assert_eq!(source.as_deref(), Some("refused"));
    }

    #[test]
    fn the_cause_keeps_its_type() {
        let refused = io::Error::new(io::ErrorKind::ConnectionRefused, "refused");
        let failure = PortFailure::caused_by("connecting", refused);
        let cause = failure
            .source()
            .and_then(|cause| cause.downcast_ref::<io::Error>());
        assert_eq!(
            cause.map(io::Error::kind),
            Some(io::ErrorKind::ConnectionRefused)
        );
    }

    #[test]
    fn a_failure_without_a_cause_has_no_source() {
        let failure = PortFailure::new("the order queue stayed full");
        assert!(failure.source().is_none());
        assert_eq!(failure.context(), "the order queue stayed full");
    }

    #[test]
    fn clones_share_the_cause_and_compare_equal() {
        let failure = PortFailure::caused_by("reading", io::Error::other("lost"));
        let copy = failure.clone();
        assert_eq!(failure, copy);
        assert!(copy.source().is_some());
    }

    #[test]
    fn failures_differ_by_context_or_by_cause() {
        let lost = || io::Error::other("lost");
        let failure = PortFailure::caused_by("reading", lost());
        assert_ne!(failure, PortFailure::caused_by("writing", lost()));
        assert_ne!(
            failure,
            PortFailure::caused_by("reading", io::Error::other("reset"))
        );
        assert_ne!(failure, PortFailure::new("reading"));
    }
}
