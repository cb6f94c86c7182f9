//! The `Manager` set-up: `pool_size` `redis::aio::ConnectionManager`s, used in turn; each
//! reconnects by itself in the background when its connection drops.

use std::sync::atomic::{AtomicUsize, Ordering};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::RedisSettings;

/// The shared connection managers.
pub(super) struct Managers {
    /// One per connection.
    managers: Box<[ConnectionManager]>,
    /// Round-robin cursor.
    next: AtomicUsize,
}

impl Managers {
    /// Opens `pool_size` (at least one) connections.
    ///
    /// # Errors
    /// When the URL is unusable or the server does not answer.
    pub(super) async fn connect(settings: &RedisSettings) -> redis::RedisResult<Self> {
        let client = redis::Client::open(settings.url.as_str())?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(settings.connection_timeout))
            .set_response_timeout(Some(settings.connection_timeout));
        let mut managers = Vec::new();
        for _ in 0..settings.pool_size.max(1) {
            managers
                .push(ConnectionManager::new_with_config(client.clone(), config.clone()).await?);
        }
        Ok(Self {
            managers: managers.into(),
            next: AtomicUsize::new(0),
        })
    }

    /// The next manager in turn.
    pub(super) fn next(&self) -> Option<ConnectionManager> {
        let index = self.next.fetch_add(1, Ordering::Relaxed) % self.managers.len().max(1);
        self.managers.get(index).cloned()
    }
}
