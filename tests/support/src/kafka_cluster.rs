//! A Kafka cluster of three KRaft nodes (each a broker and a controller), from the same local
//! image as the single broker: only the configuration differs (node ids, the quorum's voters,
//! one cluster id, Kafka's own topics replicated three times).
//!
//! The nodes share a Docker network of their own and reach each other by container name
//! (inter-broker and controller listeners). Clients on the host reach each broker, like the
//! single one, at its published port on `127.0.0.1`, which it advertises. Both the network and
//! the containers carry the session label, so the watchdog removes them (see `cleanup`).

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::ClientConfig;

use crate::cleanup::{session_id, SESSION_LABEL};
use crate::config::ready_timeout;
use crate::kafka::{environment, Node, CONTROLLER_PORT, KAFKA_PORT};
use crate::probe::Probe;
use crate::service::{Placement, Service, ServiceKind};
use crate::StackError;

/// Nodes of the cluster; node ids are 1 to `NODES`.
const NODES: u32 = 3;

/// The cluster id every node is formatted with (base64 of 16 bytes, as `kafka-storage
/// random-uuid` prints one). Each cluster has its own network and disks, so one value serves.
const CLUSTER_ID: &str = "Zmxhc2hzYWxlLWthZmthIQ";

/// Numbers the clusters of this process (each on a network of its own).
static NEXT_CLUSTER: AtomicU32 = AtomicU32::new(1);

/// How long one metadata request may take.
const METADATA_TIMEOUT: Duration = Duration::from_secs(3);

/// A running three-node cluster. Its containers live until the test process ends.
pub struct KafkaCluster {
    /// The nodes, node id 1 first.
    brokers: Vec<Service>,
}

impl std::fmt::Debug for KafkaCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaCluster")
            .field("bootstrap_servers", &self.bootstrap_servers())
            .finish()
    }
}

fn failed(reason: impl std::fmt::Display) -> StackError {
    StackError::Kafka(format!("cluster: {reason}"))
}

impl KafkaCluster {
    /// Creates the network, starts the three nodes of `image` on it, and waits until every node
    /// answers and the brokers' metadata lists all three.
    pub(crate) async fn start(image: &str) -> Result<Self, StackError> {
        let number = NEXT_CLUSTER.fetch_add(1, Ordering::Relaxed);
        let network = format!("flashsale-kafka-{}-{number}", session_id());
        create_network(&network)?;
        let names: Vec<String> = (1..=NODES).map(|id| format!("{network}-{id}")).collect();
        let voters = names
            .iter()
            .zip(1..)
            .map(|(name, id)| format!("{id}@{name}:{CONTROLLER_PORT}"))
            .collect::<Vec<_>>()
            .join(",");
        let mut brokers = Vec::with_capacity(names.len());
        for (name, id) in names.iter().zip(1..) {
            let node = Node {
                id,
                internal_host: name,
                voters: &voters,
                brokers: NODES,
            };
            let broker = Service::start_container(
                ServiceKind::Kafka,
                image,
                KAFKA_PORT,
                Some(Placement {
                    network: &network,
                    name,
                }),
                &|host, port| {
                    let mut env = environment(&node, host, port);
                    env.push(("CLUSTER_ID".to_owned(), CLUSTER_ID.to_owned()));
                    env
                },
                &|host, port| Probe::Kafka {
                    bootstrap_servers: format!("{host}:{port}"),
                },
            )
            .await?;
            brokers.push(broker);
        }
        let cluster = Self { brokers };
        for broker in &cluster.brokers {
            if let Err(error) = broker.wait_ready().await {
                eprintln!(
                    "flashsale-test-support: kafka cluster node {} log tail:\n{}",
                    broker.address(),
                    broker.log_tail().await
                );
                return Err(error);
            }
        }
        cluster.wait_for_brokers().await?;
        Ok(cluster)
    }

    /// Waits until a metadata request lists every broker.
    async fn wait_for_brokers(&self) -> Result<(), StackError> {
        let deadline = Instant::now() + ready_timeout();
        loop {
            let listed = self.metadata(None).await.map(|m| m.brokers).unwrap_or(0);
            if listed == self.brokers.len() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(failed(format!(
                    "{listed} of {} brokers listed after {:?}",
                    self.brokers.len(),
                    ready_timeout()
                )));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// `host:port,…` of every broker, for `bootstrap.servers`.
    pub fn bootstrap_servers(&self) -> String {
        self.brokers
            .iter()
            .map(Service::address)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The container of node `node_id`, 1 to 3 (for its id, `stop`, `start`).
    pub fn broker(&self, node_id: i32) -> Result<&Service, StackError> {
        usize::try_from(node_id - 1)
            .ok()
            .and_then(|index| self.brokers.get(index))
            .ok_or_else(|| failed(format!("no node {node_id}")))
    }

    /// The node id of the leader of `partition` of `topic`, as the live brokers see it.
    pub async fn leader_of(&self, topic: &str, partition: i32) -> Result<i32, StackError> {
        let metadata = self.metadata(Some(topic.to_owned())).await?;
        metadata
            .leaders
            .get(usize::try_from(partition).unwrap_or(usize::MAX))
            .copied()
            .filter(|leader| *leader >= 0)
            .ok_or_else(|| failed(format!("{topic}/{partition} has no leader")))
    }

    /// Kills node `node_id` with SIGKILL, as a crashed machine would: no controlled shutdown,
    /// no leadership handed over. [`Service::start`] on [`Self::broker`] brings it back.
    pub async fn kill(&self, node_id: i32) -> Result<(), StackError> {
        let id = self.broker(node_id)?.id().to_owned();
        let output = tokio::task::spawn_blocking(move || {
            Command::new("docker")
                .args(["kill", "--signal", "KILL", &id])
                .output()
        })
        .await
        .map_err(|e| StackError::Runtime(e.to_string()))?
        .map_err(|e| failed(format!("docker kill: {e}")))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(StackError::Docker {
                service: "kafka-cluster",
                operation: "kill",
                reason: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            })
        }
    }

    /// Brokers listed and, for `topic`, each partition's leader (index = partition).
    async fn metadata(&self, topic: Option<String>) -> Result<Metadata, StackError> {
        let bootstrap_servers = self.bootstrap_servers();
        tokio::task::spawn_blocking(move || {
            let consumer: BaseConsumer = ClientConfig::new()
                .set("bootstrap.servers", &bootstrap_servers)
                .set("socket.timeout.ms", "3000")
                .create()
                .map_err(failed)?;
            let metadata = consumer
                .fetch_metadata(topic.as_deref(), METADATA_TIMEOUT)
                .map_err(failed)?;
            let mut leaders = Vec::new();
            if let Some(described) = metadata.topics().first().filter(|_| topic.is_some()) {
                let mut partitions: Vec<_> = described
                    .partitions()
                    .iter()
                    .map(|p| (p.id(), p.leader()))
                    .collect();
                partitions.sort_unstable();
                leaders = partitions.into_iter().map(|(_, leader)| leader).collect();
            }
            Ok(Metadata {
                brokers: metadata.brokers().len(),
                leaders,
            })
        })
        .await
        .map_err(|e| StackError::Runtime(e.to_string()))?
    }
}

/// What [`KafkaCluster::metadata`] reads.
struct Metadata {
    brokers: usize,
    leaders: Vec<i32>,
}

/// `docker network create` with the session label (testcontainers would create one without it,
/// which nothing would remove).
fn create_network(name: &str) -> Result<(), StackError> {
    let output = Command::new("docker")
        .args(["network", "create", "--label"])
        .arg(format!("{SESSION_LABEL}={}", session_id()))
        .arg(name)
        .output()
        .map_err(|e| failed(format!("docker network create: {e}")))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(StackError::Docker {
            service: "kafka-cluster",
            operation: "network create",
            reason: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}
