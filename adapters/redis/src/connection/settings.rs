//! How to reach Redis, and which connection set-up to use.

use std::fmt;
use std::time::Duration;

/// How to reach Redis. Its `Debug` hides the password of the URL.
#[derive(Clone)]
pub struct RedisSettings {
    /// `redis://[:password@]host:port/[db]`.
    pub url: String,
    /// Seed nodes of a Redis Cluster (`redis://host:port` each); when any is given, the
    /// `Cluster` set-up is used and `url`, `pool_size` and `connection` are ignored.
    pub cluster_nodes: Vec<String>,
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

impl fmt::Debug for RedisSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisSettings")
            .field("url", &redacted(&self.url))
            .field(
                "cluster_nodes",
                &self
                    .cluster_nodes
                    .iter()
                    .map(|n| redacted(n))
                    .collect::<Vec<_>>(),
            )
            .field("pool_size", &self.pool_size)
            .field("connection_timeout", &self.connection_timeout)
            .field("connection", &self.connection)
            .field("key_prefix", &self.key_prefix)
            .field("result_ttl", &self.result_ttl)
            .finish()
    }
}

/// The URL with whatever sits between `[user]:` and `@` replaced by `***`.
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_password_of_the_url() {
        let settings = RedisSettings {
            url: "redis://:s3cret-pw@cache:6379/0".to_owned(),
            cluster_nodes: vec!["redis://:s3cret-pw@node-1:6379".to_owned()],
            pool_size: 4,
            connection_timeout: Duration::from_secs(2),
            connection: RedisConnectionKind::Bb8,
            key_prefix: "flashsale:".to_owned(),
            result_ttl: Duration::from_secs(60),
        };
        let shown = format!("{settings:?}");
        assert!(!shown.contains("s3cret-pw"), "{shown}");
        assert!(shown.contains("redis://:***@cache:6379/0"), "{shown}");
        assert!(shown.contains("redis://:***@node-1:6379"), "{shown}");
    }

    #[test]
    fn a_url_without_a_password_shows_as_it_is() {
        assert_eq!(redacted("redis://cache:6379/"), "redis://cache:6379/");
    }
}
