//! A Redis Cluster of three masters and three replicas, from the same local Redis image as the
//! single server (only the command differs). Clients reach every node at its container address
//! on the Docker bridge (what the nodes announce), so `MOVED` and `ASK` redirections work from
//! the host as they do inside a cluster network.

use std::time::{Duration, Instant};

use testcontainers::core::ExecCommand;
use testcontainers::runners::AsyncRunner;
use testcontainers::{ContainerAsync, GenericImage, ImageExt};

use crate::cleanup::{session_id, SERVICE_LABEL, SESSION_LABEL};
use crate::config::split_image;
use crate::redis::PASSWORD;
use crate::StackError;

/// Masters, then as many replicas (one per master).
const MASTERS: usize = 3;
/// Port every node serves on inside its container.
const NODE_PORT: u16 = 6379;
/// How long the cluster may take to agree after it is created.
const AGREE_TIMEOUT: Duration = Duration::from_secs(60);

/// A running cluster; its containers are removed when it is dropped (or by the session's
/// cleanup, should the process die first).
pub struct RedisCluster {
    nodes: Vec<ContainerAsync<GenericImage>>,
    addresses: Vec<String>,
}

impl std::fmt::Debug for RedisCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisCluster")
            .field("addresses", &self.addresses)
            .finish()
    }
}

fn failed(reason: impl std::fmt::Display) -> StackError {
    StackError::Start {
        service: "redis-cluster",
        image: String::new(),
        env_var: crate::ENV_REDIS_IMAGE,
        reason: reason.to_string(),
    }
}

impl RedisCluster {
    /// Starts six nodes of `image`, joins them as three masters with a replica each, and waits
    /// until every node reports `cluster_state:ok` and every replica has synced. A replica
    /// takes over from a master that fails for 2 s, however old its data
    /// (`cluster-replica-validity-factor 0`).
    pub(crate) async fn start(image: &str) -> Result<Self, StackError> {
        let (name, tag) = split_image(image);
        let mut nodes = Vec::with_capacity(MASTERS * 2);
        let mut addresses = Vec::with_capacity(MASTERS * 2);
        for _ in 0..MASTERS * 2 {
            let node = GenericImage::new(name.clone(), tag.clone())
                .with_label(SESSION_LABEL, session_id())
                .with_label(SERVICE_LABEL, "redis-cluster")
                .with_network("bridge")
                .with_label("flashsale.test-pid", std::process::id().to_string())
                .with_cmd([
                    "redis-server",
                    "--bind",
                    "0.0.0.0",
                    "--port",
                    "6379",
                    "--protected-mode",
                    "no",
                    "--requirepass",
                    PASSWORD,
                    "--masterauth",
                    PASSWORD,
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    "2000",
                    "--cluster-replica-validity-factor",
                    "0",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ])
                .start()
                .await
                .map_err(failed)?;
            let ip = node.get_bridge_ip_address().await.map_err(failed)?;
            addresses.push(format!("{ip}:{NODE_PORT}"));
            nodes.push(node);
        }
        let cluster = Self { nodes, addresses };
        cluster.create().await?;
        cluster.wait_until_agreed().await?;
        Ok(cluster)
    }

    /// `redis-cli --cluster create` on the first node, over every node's address.
    async fn create(&self) -> Result<(), StackError> {
        let mut command = vec![
            "redis-cli".to_owned(),
            "-a".to_owned(),
            PASSWORD.to_owned(),
            "--no-auth-warning".to_owned(),
            "--cluster".to_owned(),
            "create".to_owned(),
        ];
        command.extend(self.addresses.iter().cloned());
        command.extend(["--cluster-replicas", "1", "--cluster-yes"].map(str::to_owned));
        let mut exec = self.nodes[0]
            .exec(ExecCommand::new(command))
            .await
            .map_err(failed)?;
        let out = exec.stdout_to_vec().await.map_err(failed)?;
        let text = String::from_utf8_lossy(&out);
        if text.contains("[OK] All 16384 slots covered") {
            Ok(())
        } else {
            Err(failed(format!("cluster create said: {text}")))
        }
    }

    async fn wait_until_agreed(&self) -> Result<(), StackError> {
        let deadline = Instant::now() + AGREE_TIMEOUT;
        loop {
            let mut agreed = true;
            for url in self.node_urls() {
                if !cluster_state_ok(&url).await {
                    agreed = false;
                    break;
                }
            }
            if agreed {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(failed("the nodes never all reported cluster_state:ok"));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Kills (SIGKILL) the master that holds `key`'s slot, as a crashed machine would; its
    /// replica takes over after the nodes' timeout (2 s). Returns the killed node's address.
    pub(crate) async fn kill_master_of(&self, key: &str) -> Result<String, StackError> {
        let master = self.master_of(key).await?;
        let index = self
            .addresses
            .iter()
            .position(|address| *address == master)
            .ok_or_else(|| failed(format!("no node at {master}")))?;
        let killed = std::process::Command::new("docker")
            .args(["kill", "--signal", "KILL", self.nodes[index].id()])
            .status()
            .map_err(failed)?;
        if killed.success() {
            Ok(master)
        } else {
            Err(failed(format!("docker kill of {master}: {killed}")))
        }
    }

    /// `ip:port` of the master that holds `key`'s slot, as the first live node sees it.
    async fn master_of(&self, key: &str) -> Result<String, StackError> {
        for url in self.node_urls() {
            let Ok(client) = redis::Client::open(url.as_str()) else {
                continue;
            };
            let Ok(mut connection) = client.get_multiplexed_async_connection().await else {
                continue;
            };
            let slot: i64 = redis::cmd("CLUSTER")
                .arg("KEYSLOT")
                .arg(key)
                .query_async(&mut connection)
                .await
                .map_err(failed)?;
            let ranges: Vec<(i64, i64, (String, i64))> = redis::cmd("CLUSTER")
                .arg("SLOTS")
                .query_async::<Vec<redis::Value>>(&mut connection)
                .await
                .map_err(failed)?
                .into_iter()
                .filter_map(|range| {
                    let redis::Value::Array(parts) = range else {
                        return None;
                    };
                    let from = redis::from_redis_value::<i64>(parts.first()?.clone()).ok()?;
                    let to = redis::from_redis_value::<i64>(parts.get(1)?.clone()).ok()?;
                    let redis::Value::Array(node) = parts.get(2)? else {
                        return None;
                    };
                    let ip = redis::from_redis_value::<String>(node.first()?.clone()).ok()?;
                    let port = redis::from_redis_value::<i64>(node.get(1)?.clone()).ok()?;
                    Some((from, to, (ip, port)))
                })
                .collect();
            return ranges
                .into_iter()
                .find(|(from, to, _)| (*from..=*to).contains(&slot))
                .map(|(_, _, (ip, port))| format!("{ip}:{port}"))
                .ok_or_else(|| failed(format!("no master holds slot {slot}")));
        }
        Err(failed("no node answers"))
    }

    /// `redis://:password@ip:port` of every node, masters first as created.
    pub fn node_urls(&self) -> Vec<String> {
        self.addresses
            .iter()
            .map(|address| format!("redis://:{PASSWORD}@{address}"))
            .collect()
    }
}

/// Whether the node at `url` sees the cluster as ok and, if it is a replica, has synced with
/// its master (a replica that never synced cannot take over from it).
async fn cluster_state_ok(url: &str) -> bool {
    let Ok(client) = redis::Client::open(url) else {
        return false;
    };
    let Ok(mut connection) = client.get_multiplexed_async_connection().await else {
        return false;
    };
    let cluster: redis::RedisResult<String> = redis::cmd("CLUSTER")
        .arg("INFO")
        .query_async(&mut connection)
        .await;
    let replication: redis::RedisResult<String> = redis::cmd("INFO")
        .arg("replication")
        .query_async(&mut connection)
        .await;
    let synced = replication
        .is_ok_and(|info| info.contains("role:master") || info.contains("master_link_status:up"));
    synced && cluster.is_ok_and(|info| info.contains("cluster_state:ok"))
}
