//! Which request failures mean the connection itself is broken and must be replaced.

use redis::RedisError;

/// Whether `error` says the connection is unusable (closed, refused, reset, silent past the
/// response timeout, or out of step with the server), rather than the server refusing one
/// command (a script error, `NOSCRIPT`, a wrong type), which leaves the connection fine.
pub(super) fn breaks_connection(error: &RedisError) -> bool {
    error.is_io_error()
        || error.is_connection_dropped()
        || error.is_connection_refusal()
        || error.is_timeout()
        || error.is_unrecoverable_error()
}

/// Whether a command that failed with `error` may have been carried out by the server: the
/// connection broke after the command could have been written (closed, reset, silent past the
/// response timeout, out of step). A refused connection never carried anything; a server
/// error reply means the server refused the command (a script runs whole or raises before
/// writing, for ours).
pub(crate) fn may_have_run(error: &RedisError) -> bool {
    breaks_connection(error) && !error.is_connection_refusal()
}

#[cfg(test)]
mod tests {
    use std::io;

    use redis::{ErrorKind, ServerErrorKind};

    use super::*;

    fn io_error(kind: io::ErrorKind) -> RedisError {
        RedisError::from(io::Error::from(kind))
    }

    #[test]
    fn a_closed_reset_or_refused_connection_is_broken() {
        for kind in [
            io::ErrorKind::BrokenPipe,
            io::ErrorKind::ConnectionReset,
            io::ErrorKind::ConnectionAborted,
            io::ErrorKind::ConnectionRefused,
            io::ErrorKind::UnexpectedEof,
            io::ErrorKind::NotConnected,
        ] {
            assert!(breaks_connection(&io_error(kind)), "{kind:?}");
        }
    }

    #[test]
    fn a_response_timeout_breaks_the_connection() {
        assert!(breaks_connection(&io_error(io::ErrorKind::TimedOut)));
    }

    #[test]
    fn a_timeout_or_a_reset_leaves_the_outcome_unknown_a_refusal_does_not() {
        for kind in [
            io::ErrorKind::TimedOut,
            io::ErrorKind::ConnectionReset,
            io::ErrorKind::BrokenPipe,
            io::ErrorKind::UnexpectedEof,
        ] {
            assert!(may_have_run(&io_error(kind)), "{kind:?}");
        }
        assert!(!may_have_run(&io_error(io::ErrorKind::ConnectionRefused)));
        let refused = RedisError::from((ErrorKind::Server(ServerErrorKind::ResponseError), "no"));
        assert!(!may_have_run(&refused));
    }

    #[test]
    fn a_reply_out_of_step_with_the_protocol_breaks_the_connection() {
        let error = RedisError::from((ErrorKind::Parse, "garbage"));
        assert!(breaks_connection(&error));
    }

    #[test]
    fn a_command_the_server_refuses_leaves_the_connection_fine() {
        for kind in [
            ErrorKind::Server(ServerErrorKind::NoScript),
            ErrorKind::Server(ServerErrorKind::ResponseError),
            ErrorKind::Server(ServerErrorKind::BusyLoading),
            ErrorKind::UnexpectedReturnType,
            ErrorKind::Extension,
        ] {
            let error = RedisError::from((kind, "refused"));
            assert!(!breaks_connection(&error), "{kind:?}");
        }
    }
}
