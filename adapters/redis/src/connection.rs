//! The connections: `pool_size` multiplexed connections shared by every request, in one of
//! two set-ups chosen by [`RedisConnectionKind`]. Layout:
//! - `settings`: [`RedisSettings`] and [`RedisConnectionKind`].
//! - `pool` and `slots`: the `Bb8` set-up (the default). Connections are taken once from a
//!   `bb8-redis` pool and shared; one that fails with a connection error (`failure`) is given
//!   back and replaced, so bb8's validity check runs then and only then, not per request.
//! - `managers`: the `Manager` set-up, `redis::aio::ConnectionManager`s that reconnect by
//!   themselves.
//! - `cluster`: the `Cluster` set-up (Redis Cluster, chosen by `cluster_nodes`), one cluster
//!   connection that routes each command to its slot's master.
//!
//! Either way requests from many tasks are pipelined on each connection (one write and one
//! read carry many commands) and nothing is checked out or pinged per request; the requests
//! in flight when a connection drops fail, and the ports turn that into `Unavailable`.

mod cluster;
mod failure;
#[cfg(test)]
pub(crate) mod fake_redis;
mod managers;
mod pool;
mod settings;
mod slots;
#[cfg(test)]
mod tests;

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use flashsale_application::ports::PortFailure;
use redis::aio::{ConnectionLike, ConnectionManager};
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, Pipeline, RedisFuture, Value};

use crate::error::RedisError;
use crate::keys::Keys;
pub(crate) use failure::may_have_run;
use managers::Managers;
pub use settings::{RedisConnectionKind, RedisSettings};
use slots::Slots;

/// Multiplexed Redis connections plus the key layout. Cloning shares them.
#[derive(Clone)]
pub struct RedisPool {
    /// A client for dedicated connections (pub/sub): to the first seed node of a cluster, where
    /// every node's `PUBLISH` is heard.
    client: redis::Client,
    /// The shared connections.
    connections: Connections,
    /// The key layout.
    keys: Keys,
}

/// The shared connections of one set-up.
#[derive(Clone)]
enum Connections {
    Bb8(Arc<Slots>),
    Manager(Arc<Managers>),
    Cluster(ClusterConnection),
}

/// A connection for one request: a handle on one of the shared connections. Pass
/// `&mut *connection` to redis-rs.
pub struct PooledConnection(SharedConnection);

/// A handle on one shared connection (what [`PooledConnection`] dereferences to).
pub struct SharedConnection(Handle);

/// A handle of one set-up.
enum Handle {
    Bb8(slots::Handle),
    Manager(ConnectionManager),
    Cluster(ClusterConnection),
}

impl Deref for PooledConnection {
    type Target = SharedConnection;

    fn deref(&self) -> &SharedConnection {
        &self.0
    }
}

impl DerefMut for PooledConnection {
    fn deref_mut(&mut self) -> &mut SharedConnection {
        &mut self.0
    }
}

impl ConnectionLike for SharedConnection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match &mut self.0 {
            Handle::Bb8(handle) => handle.req_packed_command(cmd),
            Handle::Manager(manager) => manager.req_packed_command(cmd),
            Handle::Cluster(cluster) => cluster.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match &mut self.0 {
            Handle::Bb8(handle) => handle.req_packed_commands(pipeline, offset, count),
            Handle::Manager(manager) => manager.req_packed_commands(pipeline, offset, count),
            Handle::Cluster(cluster) => cluster.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match &self.0 {
            Handle::Bb8(handle) => handle.get_db(),
            Handle::Manager(manager) => manager.get_db(),
            Handle::Cluster(cluster) => cluster.get_db(),
        }
    }
}

impl RedisPool {
    /// Connects, checks the server answers, and loads every script.
    ///
    /// # Errors
    /// [`RedisError`] when the settings are unusable or the server does not answer.
    pub async fn connect(settings: &RedisSettings) -> Result<Self, RedisError> {
        let keys = Keys::new(&settings.key_prefix).map_err(RedisError::Settings)?;
        let clustered = !settings.cluster_nodes.is_empty();
        let client_url = settings.cluster_nodes.first().unwrap_or(&settings.url);
        let client = redis::Client::open(client_url.as_str())?;
        let connections = match settings.connection {
            _ if clustered => Connections::Cluster(cluster::connect(settings).await?),
            RedisConnectionKind::Bb8 => {
                let pool = pool::build(settings).await?;
                let count = settings.pool_size.max(1) as usize;
                let slots = Slots::take(pool, count).await.map_err(|e| match e {
                    bb8::RunError::User(error) => RedisError::Unreachable(error),
                    bb8::RunError::TimedOut => RedisError::TimedOut,
                })?;
                Connections::Bb8(slots)
            }
            RedisConnectionKind::Manager => {
                Connections::Manager(Arc::new(Managers::connect(settings).await?))
            }
        };
        let pool = Self {
            client,
            connections,
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
    /// A failure for the ports' `Unavailable` variants when every shared connection is being
    /// replaced after a connection error (`Bb8` set-up): the request fails at once rather
    /// than wait.
    pub async fn connection(&self) -> Result<PooledConnection, PortFailure> {
        let handle = match &self.connections {
            Connections::Bb8(slots) => slots.handle().map(Handle::Bb8),
            Connections::Manager(managers) => managers.next().map(Handle::Manager),
            Connections::Cluster(cluster) => Some(Handle::Cluster(cluster.clone())),
        };
        handle
            .map(|handle| PooledConnection(SharedConnection(handle)))
            .ok_or_else(|| PortFailure::new("redis: every connection is being replaced"))
    }

    /// How many times the `Bb8` set-up gave a connection back after a connection error and
    /// took another from the pool (the same one, when bb8's check found it still answers).
    /// Always 0 for `Manager`, whose reconnections are not counted.
    pub fn replacements(&self) -> u64 {
        match &self.connections {
            Connections::Bb8(slots) => slots.replacements(),
            Connections::Manager(_) | Connections::Cluster(_) => 0,
        }
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
