//! The connections: a few multiplexed, self-reconnecting connections shared by every request,
//! and their settings.
//!
//! Each connection is a [`ConnectionManager`]: requests from many tasks are pipelined on it (one
//! write and one read carry many commands), nothing is checked out or pinged per request, and a
//! dropped connection is re-established in the background (the requests in flight at that
//! moment fail; the ports turn that into `Unavailable`).

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::error::{unavailable, RedisError};
use crate::keys::Keys;

/// How to reach Redis.
#[derive(Debug, Clone)]
pub struct RedisSettings {
    /// `redis://[:password@]host:port/[db]`.
    pub url: String,
    /// Connections opened; requests are spread over them, each pipelining many requests.
    pub pool_size: u32,
    /// How long connecting, and each request, may take before failing.
    pub connection_timeout: Duration,
    /// Prepended to every key, to share one server between deployments or tests.
    pub key_prefix: String,
    /// How long purchase results are kept.
    pub result_ttl: Duration,
}

/// Multiplexed Redis connections plus the key layout. Cloning shares them.
#[derive(Clone)]
pub struct RedisPool {
    client: redis::Client,
    connections: Arc<[ConnectionManager]>,
    next: Arc<AtomicUsize>,
    keys: Keys,
}

/// A connection to use for one request: a handle on one of the shared connections.
pub struct PooledConnection(ConnectionManager);

impl Deref for PooledConnection {
    type Target = ConnectionManager;

    fn deref(&self) -> &ConnectionManager {
        &self.0
    }
}

impl DerefMut for PooledConnection {
    fn deref_mut(&mut self) -> &mut ConnectionManager {
        &mut self.0
    }
}

impl RedisPool {
    /// Connects, checks the server answers, and loads every script.
    ///
    /// # Errors
    /// [`RedisError`] when the settings are unusable or the server does not answer.
    pub async fn connect(settings: &RedisSettings) -> Result<Self, RedisError> {
        let keys = Keys::new(&settings.key_prefix).map_err(RedisError::Settings)?;
        let client = redis::Client::open(settings.url.as_str())?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(settings.connection_timeout))
            .set_response_timeout(Some(settings.connection_timeout));
        let mut connections = Vec::new();
        for _ in 0..settings.pool_size.max(1) {
            connections
                .push(ConnectionManager::new_with_config(client.clone(), config.clone()).await?);
        }
        let pool = Self {
            client,
            connections: connections.into(),
            next: Arc::new(AtomicUsize::new(0)),
            keys,
        };
        let mut connection = pool
            .connection()
            .await
            .map_err(|e| RedisError::Settings(format!("no connection: {e}")))?;
        redis::cmd("PING")
            .query_async::<()>(&mut *connection)
            .await?;
        crate::scripts::load_all(&mut *connection).await?;
        Ok(pool)
    }

    /// A connection for one request, taken in turn from the shared ones.
    ///
    /// # Errors
    /// Never today (connecting happens in the background); kept fallible for the ports'
    /// `Unavailable` variants.
    pub async fn connection(&self) -> Result<PooledConnection, String> {
        let index = self.next.fetch_add(1, Ordering::Relaxed) % self.connections.len();
        self.connections
            .get(index)
            .cloned()
            .map(PooledConnection)
            .ok_or_else(|| unavailable("no Redis connection"))
    }

    /// A client for dedicated connections (pub/sub).
    pub fn client(&self) -> redis::Client {
        self.client.clone()
    }

    /// The key layout.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }
}
