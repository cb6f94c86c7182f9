//! The connection pool (bb8 over multiplexed connections) and its settings.

use std::time::Duration;

use bb8_redis::RedisConnectionManager;

use crate::error::{unavailable, RedisError};
use crate::keys::Keys;

/// How to reach Redis.
#[derive(Debug, Clone)]
pub struct RedisSettings {
    /// `redis://[:password@]host:port/[db]`.
    pub url: String,
    /// Pooled connections (each multiplexes many requests).
    pub pool_size: u32,
    /// How long to wait for a connection before failing the request.
    pub connection_timeout: Duration,
    /// Prepended to every key, to share one server between deployments or tests.
    pub key_prefix: String,
    /// How long purchase results are kept.
    pub result_ttl: Duration,
}

/// A pool of Redis connections plus the key layout.
#[derive(Clone)]
pub struct RedisPool {
    pool: bb8::Pool<RedisConnectionManager>,
    keys: Keys,
}

/// A pooled connection.
pub type PooledConnection<'a> = bb8::PooledConnection<'a, RedisConnectionManager>;

impl RedisPool {
    /// Connects, checks the server answers, and loads every script.
    ///
    /// # Errors
    /// [`RedisError`] when the settings are unusable or the server does not answer.
    pub async fn connect(settings: &RedisSettings) -> Result<Self, RedisError> {
        let keys = Keys::new(&settings.key_prefix).map_err(RedisError::Settings)?;
        let manager = RedisConnectionManager::new(settings.url.as_str())?;
        let pool = bb8::Pool::builder()
            .max_size(settings.pool_size.max(1))
            .connection_timeout(settings.connection_timeout)
            .build(manager)
            .await?;
        let pool = Self { pool, keys };
        let mut connection = pool
            .connection()
            .await
            .map_err(|e| RedisError::Settings(format!("no connection: {e}")))?;
        redis::cmd("PING")
            .query_async::<()>(&mut *connection)
            .await?;
        crate::scripts::load_all(&mut *connection).await?;
        drop(connection);
        Ok(pool)
    }

    /// A connection from the pool.
    ///
    /// # Errors
    /// A message for the ports' `Unavailable` variants when none can be had in time.
    pub async fn connection(&self) -> Result<PooledConnection<'_>, String> {
        self.pool.get().await.map_err(unavailable)
    }

    /// The key layout.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }
}
