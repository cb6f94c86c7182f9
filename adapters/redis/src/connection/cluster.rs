//! The `Cluster` set-up: one redis-rs cluster connection, shared by every request. It learns the
//! slot map from the seed nodes, sends each command to the master of its key's slot, follows
//! `MOVED` and `ASK`, and multiplexes requests on one connection per node. Scripts are loaded on
//! every master (`SCRIPT LOAD` is routed to all), and `NOSCRIPT` reloads them. A killed master's
//! slots are served again once its replica is promoted (`tests/integration/tests/
//! fault_redis_failover.rs`).

use redis::cluster::ClusterClientBuilder;
use redis::cluster_async::ClusterConnection;

use super::RedisSettings;

/// Retries of a request that met `MOVED`, `ASK`, `TRYAGAIN` or a lost node, before it fails.
const RETRIES: u32 = 3;

/// Connects to the cluster through `settings.cluster_nodes`.
///
/// # Errors
/// When a node URL is unusable or no seed node answers.
pub(super) async fn connect(settings: &RedisSettings) -> redis::RedisResult<ClusterConnection> {
    ClusterClientBuilder::new(settings.cluster_nodes.iter().map(String::as_str))
        .connection_timeout(settings.connection_timeout)
        .response_timeout(settings.connection_timeout)
        .retries(RETRIES)
        .build()?
        .get_async_connection()
        .await
}
