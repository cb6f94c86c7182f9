//! Errors of setting up the Redis adapters, and the failures the ports report.

use flashsale_application::ports::PortFailure;

/// Why the Redis adapters could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    /// The URL or the key prefix is unusable.
    #[error("invalid Redis settings: {0}")]
    Settings(String),
    /// The server did not answer.
    #[error("Redis is unreachable: {0}")]
    Unreachable(#[from] redis::RedisError),
    /// No connection could be had within the connection timeout.
    #[error("no Redis connection within the connection timeout")]
    TimedOut,
}

/// A command that failed while the adapter was doing `context`, for the ports' failure
/// variants: the Redis error stays its source.
pub(crate) fn command_failed(context: &'static str, error: redis::RedisError) -> PortFailure {
    PortFailure::caused_by(format!("redis: {context}"), error)
}

/// A reply or a stored value the adapter cannot read (`what` says which), for the ports'
/// failure variants.
pub(crate) fn unreadable(what: impl std::fmt::Display) -> PortFailure {
    PortFailure::new(format!("redis: {what}"))
}
