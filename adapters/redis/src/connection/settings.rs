//! How to reach Redis, and which connection set-up to use.

use std::time::Duration;

/// How to reach Redis.
#[derive(Debug, Clone)]
pub struct RedisSettings {
    /// `redis://[:password@]host:port/[db]`.
    pub url: String,
    /// Connections opened; requests are spread over them, each pipelining many requests.
    pub pool_size: u32,
    /// How long connecting, and each request, may take before failing.
    pub connection_timeout: Duration,
    /// Which connection set-up to use.
    pub connection: RedisConnectionKind,
    /// Prepended to every key, to share one server between deployments or tests.
    pub key_prefix: String,
    /// How long purchase results are kept.
    pub result_ttl: Duration,
}

/// The connection set-ups: both share `pool_size` multiplexed connections between every
/// request, without a check per request; they differ in how a broken connection is replaced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RedisConnectionKind {
    /// Connections taken once from a `bb8` pool (`bb8-redis`); one that fails with a
    /// connection error is given back and replaced, so bb8 checks it then and only then.
    #[default]
    Bb8,
    /// `redis::aio::ConnectionManager`s, which reconnect by themselves.
    Manager,
}
