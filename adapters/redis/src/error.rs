//! Errors of setting up the Redis adapters.

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

/// The message of an infrastructure failure, for the ports' `Unavailable` variants.
pub fn unavailable(error: impl std::fmt::Display) -> String {
    format!("redis: {error}")
}
