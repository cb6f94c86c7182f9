//! The stack shared by all tests of one test binary.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::OnceCell;

use crate::config::flag;
use crate::kafka_cluster::KafkaCluster;
use crate::redis_cluster::RedisCluster;
use crate::runtime::on_support_runtime;
use crate::{
    cleanup, kafka, mariadb, redis, FaultProxy, Images, Service, StackError, ENV_SKIP_CONTAINERS,
};

static STACK: OnceCell<Result<Stack, StackError>> = OnceCell::const_new();

/// Extra containers started for single tests. Kept here, like the shared stack, until the
/// process ends and the watchdog removes them: dropping one would call Docker from the test's
/// runtime, which ends with the test (see `runtime`).
static EXTRA: Mutex<Vec<Arc<Service>>> = Mutex::new(Vec::new());

/// Redis Clusters started for single tests, kept like [`EXTRA`].
static CLUSTERS: Mutex<Vec<Arc<RedisCluster>>> = Mutex::new(Vec::new());

/// Kafka clusters started for single tests, kept like [`EXTRA`].
static KAFKA_CLUSTERS: Mutex<Vec<Arc<KafkaCluster>>> = Mutex::new(Vec::new());

/// Redis, MariaDB and Kafka, each in its own container, started once per test binary.
#[derive(Debug)]
pub struct Stack {
    images: Images,
    redis: Service,
    mariadb: Service,
    kafka: Service,
}

/// The shared stack, started on first use.
///
/// # Panics
/// When the stack cannot be started (no Docker, missing image, server never ready) or
/// when `FLASHSALE_SKIP_CONTAINERS=1` is set; the message says what to do. Use
/// [`try_stack`] to handle that, or [`require_stack!`](crate::require_stack) to skip.
pub async fn stack() -> &'static Stack {
    match try_stack().await {
        Ok(stack) => stack,
        Err(error) => panic!("the container test stack is not available: {error}"),
    }
}

/// The shared stack, started on first use; a failed start is reported to every caller.
pub async fn try_stack() -> Result<&'static Stack, StackError> {
    if flag(ENV_SKIP_CONTAINERS) {
        return Err(StackError::SkippedByRequest);
    }
    STACK
        .get_or_init(|| on_support_runtime(Stack::start(Images::from_env())))
        .await
        .as_ref()
        .map_err(Clone::clone)
}

impl Stack {
    async fn start(images: Images) -> Result<Self, StackError> {
        let started = Instant::now();
        cleanup::arm()?;
        // `join!`, not `try_join!`: a failure must not cancel the others mid-request, which
        // could leave a created container behind. Started ones are removed when dropped.
        let (redis, mariadb, kafka) = tokio::join!(
            redis::start(&images.redis),
            mariadb::start(&images.mariadb),
            kafka::start(&images.kafka),
        );
        let (redis, mariadb, kafka) = (redis?, mariadb?, kafka?);
        let stack = Self {
            images,
            redis,
            mariadb,
            kafka,
        };
        // Written to the real stderr (not captured by the test harness): once per binary.
        let _ = writeln!(
            std::io::stderr(),
            "flashsale-test-support: stack ready in {:.1}s (redis {}, mariadb {}, kafka {}; label {}={})",
            started.elapsed().as_secs_f64(),
            stack.redis.address(),
            stack.mariadb.address(),
            stack.kafka.address(),
            cleanup::SESSION_LABEL,
            cleanup::session_id(),
        );
        Ok(stack)
    }

    /// The images in use.
    pub fn images(&self) -> &Images {
        &self.images
    }

    /// The Redis container (for its id and for stop/pause/restart).
    pub fn redis(&self) -> &Service {
        &self.redis
    }

    /// The MariaDB container (for its id and for stop/pause/restart).
    pub fn mariadb(&self) -> &Service {
        &self.mariadb
    }

    /// The Kafka container (for its id and for stop/pause/restart).
    pub fn kafka(&self) -> &Service {
        &self.kafka
    }

    /// `redis://:password@127.0.0.1:port/`. Share the server through [`crate::key_prefix`].
    pub fn redis_url(&self) -> String {
        redis::url(self.redis.host(), self.redis.port())
    }

    /// `mysql://root:…@127.0.0.1:port/` with no database selected.
    pub fn mysql_admin_url(&self) -> String {
        mariadb::admin_url(self.mariadb.host(), self.mariadb.port())
    }

    /// Creates an empty database for the calling test; returns its `mysql://` URL.
    pub async fn fresh_database(&self) -> Result<String, StackError> {
        mariadb::fresh_database(&self.mariadb).await
    }

    /// Redis reached through a new [`FaultProxy`] (running on the calling runtime): the proxy
    /// and `redis://:password@127.0.0.1:proxy-port/`.
    pub async fn redis_through_proxy(&self) -> Result<Proxied, StackError> {
        let proxy = proxy_to(&self.redis).await?;
        let url = redis::url(self.redis.host(), proxy.addr().port());
        Ok(Proxied { proxy, url })
    }

    /// Creates an empty database for the calling test and returns a URL that selects it through
    /// a new [`FaultProxy`] (running on the calling runtime). Use [`Self::mysql_admin_url`]
    /// plus the database name (the URL's last segment) to reach it directly.
    pub async fn fresh_database_through_proxy(&self) -> Result<Proxied, StackError> {
        let name = mariadb::create_database(&self.mariadb).await?;
        let proxy = proxy_to(&self.mariadb).await?;
        let admin = mariadb::admin_url(self.mariadb.host(), proxy.addr().port());
        Ok(Proxied {
            proxy,
            url: format!("{admin}{name}"),
        })
    }

    /// A Kafka of its own, every client of which goes through a new [`FaultProxy`] (running on
    /// the calling runtime): the broker advertises the proxy's port, so after bootstrapping
    /// clients send every request, and get every answer, through the proxy. A separate
    /// container from the shared one (same image), started on each call: only the tests that
    /// need it pay for it. Create topics through [`ProxiedKafka::bootstrap_servers`] or let the
    /// service create them.
    pub async fn kafka_through_proxy(&self) -> Result<ProxiedKafka, StackError> {
        let proxy = FaultProxy::unbound()
            .await
            .map_err(|e| StackError::Proxy(format!("cannot listen for kafka: {e}")))?;
        let image = self.images.kafka.clone();
        let handle = proxy.handle();
        let broker =
            on_support_runtime(async move { kafka::start_advertising(&image, handle).await })
                .await?;
        let broker = Arc::new(broker);
        match EXTRA.lock() {
            Ok(mut kept) => kept.push(Arc::clone(&broker)),
            Err(poisoned) => poisoned.into_inner().push(Arc::clone(&broker)),
        }
        Ok(ProxiedKafka {
            bootstrap_servers: proxy.addr().to_string(),
            proxy,
            broker,
        })
    }

    /// `host:port` for Kafka clients' `bootstrap.servers`.
    pub fn kafka_bootstrap_servers(&self) -> String {
        self.kafka.address()
    }

    /// Creates `topic` through the admin client and waits until its partitions have leaders.
    pub async fn create_topic(&self, topic: &str, partitions: i32) -> Result<(), StackError> {
        kafka::create_topic(&self.kafka_bootstrap_servers(), topic, partitions).await
    }

    /// Creates a topic with a fresh name (see [`crate::unique_topic`]) and returns the name.
    pub async fn fresh_topic(&self, partitions: i32) -> Result<String, StackError> {
        kafka::fresh_topic(&self.kafka_bootstrap_servers(), partitions).await
    }

    /// A Redis Cluster of its own (three masters, three replicas, from the stack's Redis
    /// image), started on each call: the `redis://` URLs of its nodes, masters first. It lives
    /// until the test process ends.
    pub async fn redis_cluster(&self) -> Result<Vec<String>, StackError> {
        let image = self.images.redis.clone();
        let cluster = on_support_runtime(async move { RedisCluster::start(&image).await }).await?;
        let urls = cluster.node_urls();
        CLUSTERS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(Arc::new(cluster));
        Ok(urls)
    }

    /// Kills (SIGKILL) the master holding `key`'s slot in the cluster whose first node URL is
    /// `first_node` (one started by [`Self::redis_cluster`]); returns its `ip:port`.
    pub async fn kill_redis_cluster_master_of(
        &self,
        first_node: &str,
        key: &str,
    ) -> Result<String, StackError> {
        let key = key.to_owned();
        let first_node = first_node.to_owned();
        on_support_runtime(async move {
            let cluster = CLUSTERS
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .iter()
                .find(|c| c.node_urls().first() == Some(&first_node))
                .cloned()
                .ok_or_else(|| StackError::Runtime("no such cluster".into()))?;
            cluster.kill_master_of(&key).await
        })
        .await
    }

    /// A Kafka cluster of its own (three KRaft nodes from the stack's Kafka image), started on
    /// each call; point `bootstrap.servers` at [`KafkaCluster::bootstrap_servers`]. Kill a
    /// broker with [`KafkaCluster::kill`]. It lives until the test process ends.
    pub async fn kafka_cluster(&self) -> Result<Arc<KafkaCluster>, StackError> {
        let image = self.images.kafka.clone();
        let started = Instant::now();
        let cluster =
            Arc::new(on_support_runtime(async move { KafkaCluster::start(&image).await }).await?);
        let _ = writeln!(
            std::io::stderr(),
            "flashsale-test-support: kafka cluster ready in {:.1}s ({})",
            started.elapsed().as_secs_f64(),
            cluster.bootstrap_servers(),
        );
        KAFKA_CLUSTERS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(Arc::clone(&cluster));
        Ok(cluster)
    }

    /// The label value that marks this process's containers (see [`crate::cleanup`]).
    pub fn session_id(&self) -> &'static str {
        cleanup::session_id()
    }
}

/// A server of the stack reached through a fault proxy.
#[derive(Debug)]
pub struct Proxied {
    /// The proxy; dropping it resets its connections. Switch faults through its handle.
    pub proxy: FaultProxy,
    /// The URL that reaches the server through the proxy.
    pub url: String,
}

/// A Kafka of its own that clients reach only through a fault proxy
/// ([`Stack::kafka_through_proxy`]).
#[derive(Debug)]
pub struct ProxiedKafka {
    /// The proxy; dropping it resets its connections. Switch faults through its handle.
    pub proxy: FaultProxy,
    /// `bootstrap.servers` through the proxy (`127.0.0.1:proxy-port`).
    pub bootstrap_servers: String,
    /// The broker's container, reachable directly at its published port (only for bootstrap:
    /// it advertises the proxy). It lives until the test process ends.
    pub broker: Arc<Service>,
}

async fn proxy_to(service: &Service) -> Result<FaultProxy, StackError> {
    FaultProxy::start(service.address())
        .await
        .map_err(|e| StackError::Proxy(format!("cannot listen for {}: {e}", service.kind().name())))
}
