//! [`ErrorChain`]: the one way errors are logged, with every cause down to the driver's.

use std::error::Error;
use std::fmt;

/// Formats an error followed by each of its [`source`](Error::source)s, joined by `": "`
/// (`the stock gate is unavailable: redis: running reserve.lua: Connection refused`). A
/// source whose text the text so far already ends with (an error that prints its source
/// itself, as the ports' failure variants print their [`PortFailure`](crate::ports::PortFailure))
/// is not repeated.
///
/// Log with it once, where the error ends: `tracing::warn!(error = %ErrorChain(&error), ..)`.
#[derive(Clone, Copy)]
pub struct ErrorChain<'a>(pub &'a (dyn Error + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = self.0.to_string();
        let mut source = self.0.source();
        while let Some(error) = source {
            let next = error.to_string();
            if !text.ends_with(&next) {
                text.push_str(": ");
                text.push_str(&next);
            }
            source = error.source();
        }
        f.write_str(&text)
    }
}

impl fmt::Debug for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use super::*;
    use crate::ports::{PortFailure, StockGateError};

    /// An error that prints nothing of its source, as `#[source]` fields of `thiserror` do.
    #[derive(Debug, thiserror::Error)]
    #[error("persisting the batch")]
    struct Quiet(#[source] io::Error);

    /// An error that prints its source's text itself.
    #[derive(Debug, thiserror::Error)]
    #[error("persisting the batch: {0}")]
    struct Loud(#[source] io::Error);

    fn refused() -> io::Error {
        io::Error::new(io::ErrorKind::ConnectionRefused, "connection refused")
    }

    #[test]
    fn every_source_is_joined_in_order() {
        let error = Quiet(refused());
        assert_eq!(
            ErrorChain(&error).to_string(),
            "persisting the batch: connection refused"
        );
    }

    #[test]
    fn a_source_the_text_already_ends_with_is_not_repeated() {
        let error = Loud(refused());
        assert_eq!(
            ErrorChain(&error).to_string(),
            "persisting the batch: connection refused"
        );
    }

    #[test]
    fn a_port_error_shows_its_context_once_then_the_cause() {
        let error = StockGateError::Unavailable(PortFailure::caused_by(
            "redis: running reserve.lua",
            Quiet(refused()),
        ));
        assert_eq!(
            ErrorChain(&error).to_string(),
            "the stock gate is unavailable: redis: running reserve.lua: persisting the batch: \
             connection refused"
        );
    }

    #[test]
    fn an_error_without_sources_is_its_text() {
        let error = refused();
        assert_eq!(ErrorChain(&error).to_string(), "connection refused");
    }
}
