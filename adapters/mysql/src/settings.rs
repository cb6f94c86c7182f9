//! How to reach the database: URL and connection pool sizing.

use std::fmt;
use std::time::Duration;

/// Connection settings of the MySQL/MariaDB store.
#[derive(Clone, PartialEq, Eq)]
pub struct MySqlSettings {
    /// `mysql://user:password@host:port/database`.
    pub url: String,
    /// Most connections the pool opens.
    pub max_connections: u32,
    /// Connections the pool keeps open even when idle.
    pub min_connections: u32,
    /// How long a query waits for a free connection before failing.
    pub acquire_timeout: Duration,
    /// How long an idle connection above `min_connections` is kept; `None` keeps it forever.
    pub idle_timeout: Option<Duration>,
}

impl MySqlSettings {
    /// Settings for `url` with a small pool: 10 connections at most, none kept idle, 5 s to
    /// acquire one, idle ones closed after 10 minutes.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(5),
            idle_timeout: Some(Duration::from_secs(600)),
        }
    }
}

/// Hides the password of the URL, so settings can be logged.
impl fmt::Debug for MySqlSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MySqlSettings")
            .field("url", &redacted(&self.url))
            .field("max_connections", &self.max_connections)
            .field("min_connections", &self.min_connections)
            .field("acquire_timeout", &self.acquire_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .finish()
    }
}

/// The URL with whatever sits between `user:` and `@` replaced by `***`.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_password() {
        let settings = MySqlSettings::new("mysql://root:s3cret@db:3306/shop");
        let shown = format!("{settings:?}");
        assert!(shown.contains("mysql://root:***@db:3306/shop"), "{shown}");
        assert!(!shown.contains("s3cret"), "{shown}");
    }

    #[test]
    fn a_url_without_password_is_shown_as_is() {
        assert_eq!(redacted("mysql://db/shop"), "mysql://db/shop");
        assert_eq!(redacted("mysql://root@db/shop"), "mysql://root@db/shop");
    }
}
