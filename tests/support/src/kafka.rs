//! The Kafka container (single KRaft node), the configuration of any KRaft node, and per-test
//! topics.
//!
//! The broker advertises the published host port: the port is chosen before the
//! container starts (see `ports`) and handed to it as `KAFKA_ADVERTISED_LISTENERS`, so
//! clients outside the container are sent back to an address they can reach, and a
//! restarted container keeps it. Traffic inside the container (controller, inter-broker)
//! uses separate listeners on `localhost`.

use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::ClientConfig;

use crate::fault_proxy::FaultHandle;
use crate::names::unique_topic;
use crate::probe::Probe;
use crate::service::{Service, ServiceKind};
use crate::StackError;

/// Port of the listener that is published to the host.
pub(crate) const KAFKA_PORT: u16 = 9092;
const TOPIC_READY_TIMEOUT: Duration = Duration::from_secs(30);

/// What sets one KRaft node (broker and controller in one process) apart from the others.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node<'a> {
    /// `node.id`.
    pub(crate) id: u32,
    /// The host name the other nodes reach this one at (its inter-broker listener).
    pub(crate) internal_host: &'a str,
    /// `controller.quorum.voters`: `id@host:port` of every controller.
    pub(crate) voters: &'a str,
    /// Replicas of Kafka's own topics (consumer offsets, transaction state): the brokers.
    pub(crate) brokers: u32,
}

/// The single node of the shared stack: everything on `localhost`.
pub(crate) const SINGLE: Node<'static> = Node {
    id: 1,
    internal_host: "localhost",
    voters: "1@localhost:9093",
    brokers: 1,
};

/// Port of every node's controller listener inside its container.
pub(crate) const CONTROLLER_PORT: u16 = 9093;

/// The `KAFKA_*` configuration, understood by our image and by `apache/kafka` alike. Clients
/// outside the containers are sent to `PLAINTEXT` at `host:port` (the published port); the
/// nodes talk to each other on `INTERNAL` and `CONTROLLER`.
pub(crate) fn environment(node: &Node<'_>, host: &str, port: u16) -> Vec<(String, String)> {
    let internal = node.internal_host;
    let min_isr = node.brokers.min(2);
    [
        ("KAFKA_NODE_ID", node.id.to_string()),
        ("KAFKA_PROCESS_ROLES", "broker,controller".to_owned()),
        (
            "KAFKA_LISTENERS",
            format!(
                "PLAINTEXT://0.0.0.0:{KAFKA_PORT},INTERNAL://0.0.0.0:19092,\
                 CONTROLLER://0.0.0.0:{CONTROLLER_PORT}"
            ),
        ),
        (
            "KAFKA_ADVERTISED_LISTENERS",
            format!("PLAINTEXT://{host}:{port},INTERNAL://{internal}:19092"),
        ),
        (
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
            "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT".to_owned(),
        ),
        ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER".to_owned()),
        ("KAFKA_CONTROLLER_QUORUM_VOTERS", node.voters.to_owned()),
        ("KAFKA_INTER_BROKER_LISTENER_NAME", "INTERNAL".to_owned()),
        (
            "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
            node.brokers.to_string(),
        ),
        ("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "1".to_owned()),
        (
            "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
            node.brokers.to_string(),
        ),
        ("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", min_isr.to_string()),
        ("KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "1".to_owned()),
        ("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0".to_owned()),
        ("KAFKA_LOG_DIRS", "/tmp/kraft-combined-logs".to_owned()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect()
}

/// Starts Kafka and waits until a metadata request answers.
pub(crate) async fn start(image: &str) -> Result<Service, StackError> {
    Service::launch(
        ServiceKind::Kafka,
        image,
        KAFKA_PORT,
        |host, port| environment(&SINGLE, host, port),
        |host, port| Probe::Kafka {
            bootstrap_servers: format!("{host}:{port}"),
        },
    )
    .await
}

/// Starts an extra Kafka whose `PLAINTEXT` listener advertises `proxy`'s port instead of its
/// own published port, so that clients, once bootstrapped, send every request through the
/// proxy. The proxy is pointed at the published port as soon as that port is chosen, and
/// readiness is probed through the proxy: librdkafka moves from the bootstrap address to the
/// advertised one after its first metadata answer, so a probe of the published port alone
/// would depend on a proxy that does not forward yet.
pub(crate) async fn start_advertising(
    image: &str,
    proxy: FaultHandle,
) -> Result<Service, StackError> {
    let advertised = proxy.addr();
    Service::launch(
        ServiceKind::Kafka,
        image,
        KAFKA_PORT,
        |host, published| {
            proxy.set_upstream(format!("{host}:{published}"));
            environment(&SINGLE, host, advertised.port())
        },
        |_host, _published| Probe::Kafka {
            bootstrap_servers: advertised.to_string(),
        },
    )
    .await
}

/// Creates `topic` with `partitions` partitions (replication 1) and waits until every
/// partition has a leader. An existing topic of that name is an error.
pub(crate) async fn create_topic(
    bootstrap_servers: &str,
    topic: &str,
    partitions: i32,
) -> Result<(), StackError> {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers)
        .create()
        .map_err(|e| StackError::Kafka(format!("cannot create admin client: {e}")))?;
    let new_topic = NewTopic::new(topic, partitions, TopicReplication::Fixed(1));
    let options = AdminOptions::new().operation_timeout(Some(TOPIC_READY_TIMEOUT));
    let results = admin
        .create_topics([&new_topic], &options)
        .await
        .map_err(|e| StackError::Kafka(format!("cannot create topic {topic}: {e}")))?;
    for result in results {
        if let Err((name, code)) = result {
            return Err(StackError::Kafka(format!(
                "cannot create topic {name}: {code}"
            )));
        }
    }
    wait_for_leaders(bootstrap_servers.to_owned(), topic.to_owned(), partitions).await
}

/// Creates a topic with a fresh name and returns the name.
pub(crate) async fn fresh_topic(
    bootstrap_servers: &str,
    partitions: i32,
) -> Result<String, StackError> {
    let topic = unique_topic();
    create_topic(bootstrap_servers, &topic, partitions).await?;
    Ok(topic)
}

async fn wait_for_leaders(
    bootstrap_servers: String,
    topic: String,
    partitions: i32,
) -> Result<(), StackError> {
    tokio::task::spawn_blocking(move || {
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &bootstrap_servers)
            .create()
            .map_err(|e| StackError::Kafka(e.to_string()))?;
        let deadline = Instant::now() + TOPIC_READY_TIMEOUT;
        loop {
            let led = consumer
                .fetch_metadata(Some(&topic), Duration::from_secs(3))
                .ok()
                .and_then(|metadata| {
                    metadata.topics().first().map(|t| {
                        t.error().is_none()
                            && t.partitions().len() == usize::try_from(partitions).unwrap_or(0)
                            && t.partitions().iter().all(|p| p.leader() >= 0)
                    })
                })
                .unwrap_or(false);
            if led {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(StackError::Kafka(format!(
                    "topic {topic} has no leader for all {partitions} partitions after {TOPIC_READY_TIMEOUT:?}"
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    })
    .await
    .map_err(|e| StackError::Runtime(e.to_string()))?
}
