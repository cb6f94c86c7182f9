//! Typed settings, layered: built-in defaults (the shipped `config/default.toml`), then the
//! files in the config directory, then `FLASHSALE__SECTION__KEY` environment variables.

use std::fmt;
use std::num::NonZeroU64;
use std::path::Path;

use config::{Config, Environment, File, FileFormat};
use serde::Deserialize;

const BUILT_IN_DEFAULTS: &str = include_str!("../../config/default.toml");

/// The deployment profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Profile {
    /// Every adapter in memory; no external server.
    Embedded,
    /// Redis, Kafka and MySQL/MariaDB.
    Production,
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Profile::Embedded => f.write_str("embedded"),
            Profile::Production => f.write_str("production"),
        }
    }
}

/// Which parts of the service one process runs, so API and workers scale separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The HTTP API and the order worker.
    All,
    /// The HTTP API only.
    Api,
    /// The order worker only.
    Worker,
}

impl Role {
    /// Whether this process serves the HTTP API.
    pub fn serves_api(self) -> bool {
        matches!(self, Role::All | Role::Api)
    }

    /// Whether this process runs the order worker.
    pub fn runs_worker(self) -> bool {
        matches!(self, Role::All | Role::Worker)
    }
}

/// All settings.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Which parts run in this process (production profile).
    pub role: Role,
    /// The HTTP server.
    pub http: HttpSection,
    /// Bearer tokens.
    pub auth: AuthSection,
    /// Token buckets.
    pub rate_limit: RateLimitSection,
    /// Where the embedded profile keeps its system of record.
    pub embedded: EmbeddedSection,
    /// The embedded order queue.
    pub queue: QueueSection,
    /// Idempotency keys of buys.
    pub idempotency: IdempotencySection,
    /// The order worker.
    pub worker: WorkerSection,
    /// Redis (production profile).
    pub redis: RedisSection,
    /// Kafka (production profile).
    pub kafka: KafkaSection,
    /// MySQL/MariaDB (production profile).
    pub mysql: MySqlSection,
    /// The reconciliation loop.
    pub reconciler: ReconcilerSection,
    /// Orders: the payment window and the expiry of unpaid orders.
    pub orders: OrdersSection,
    /// Payment confirmations: the webhook's secret and replay window.
    pub payments: PaymentsSection,
    /// The demo sale.
    pub demo: DemoSection,
    /// Logging.
    pub log: LogSection,
    /// Prometheus metrics.
    pub metrics: MetricsSection,
}

/// `[http]`
#[derive(Debug, Clone, Deserialize)]
pub struct HttpSection {
    /// Listen address.
    pub bind: String,
    /// Trusted proxy header for the client address; empty for none.
    pub client_ip_header: String,
    /// Largest body accepted.
    pub body_limit_bytes: usize,
    /// Most requests in flight before new ones get `503` at once; 0 for no limit.
    pub max_in_flight_requests: usize,
    /// Refresh interval of the snapshot of the sales that the listing and `/readyz` serve.
    pub catalog_refresh_ms: NonZeroU64,
    /// How long shutdown waits for requests in flight.
    pub shutdown_grace_secs: u64,
}

/// A secret that never prints.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret's value, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// `[idempotency]`
#[derive(Debug, Clone, Deserialize)]
pub struct IdempotencySection {
    /// How long a key's record lives after its first attempt began.
    pub ttl_secs: u64,
    /// How long an attempt holds its key at most.
    pub lease_secs: u64,
}

/// `[auth]`
#[derive(Debug, Clone, Deserialize)]
pub struct AuthSection {
    /// HS256 secret.
    pub token_secret: Secret,
    /// Lifetime of minted tokens.
    pub token_ttl_secs: u64,
}

/// `[rate_limit]`
#[derive(Debug, Clone, Deserialize)]
pub struct RateLimitSection {
    /// Refill per second per client address, in each API process; 0 turns it off.
    pub per_ip_per_second: f64,
    /// Bucket size per client address.
    pub per_ip_burst: u32,
    /// Refill per second per (client address, product), in the stock gate; 0 turns it off.
    pub per_ip_product_per_second: f64,
    /// Bucket size per (client address, product).
    pub per_ip_product_burst: u32,
    /// Refill per second per (user, product), in the stock gate; 0 turns it off.
    pub per_user_per_second: f64,
    /// Bucket size per (user, product).
    pub per_user_burst: u32,
}

/// `[queue]`
#[derive(Debug, Clone, Deserialize)]
pub struct QueueSection {
    /// Messages held.
    pub capacity: usize,
    /// Wait for room before refusing.
    pub publish_timeout_ms: u64,
}

/// `[embedded]`
#[derive(Debug, Clone, Deserialize)]
pub struct EmbeddedSection {
    /// A database file or this process's memory.
    pub storage: Storage,
    /// The database file (`sqlite`).
    pub path: std::path::PathBuf,
    /// How long a purchase waits for its order's commit (`sqlite`).
    pub commit_timeout_ms: u64,
}

/// Where the embedded profile keeps sales, orders and their events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Storage {
    /// A SQLite file: everything survives a restart.
    Sqlite,
    /// This process's memory: nothing survives it.
    Memory,
}

/// `[worker]`
#[derive(Debug, Clone, Deserialize)]
pub struct WorkerSection {
    /// Reservations per transaction.
    pub batch_size: usize,
    /// Pause before retrying a failed batch.
    pub retry_backoff_ms: u64,
    /// Times a batch the database refuses for good is tried before its orders are stored one
    /// by one and the ones still refused are dead-lettered (production profile).
    pub refused_attempts: u32,
}

/// `[redis]`
#[derive(Debug, Clone, Deserialize)]
pub struct RedisSection {
    /// `redis://[:password@]host:port/[db]`.
    pub url: Secret,
    /// Seed nodes of a Redis Cluster, comma-separated `redis://host:port` URLs; when set, the
    /// service uses the cluster and ignores `url`, `pool_size` and `connection`.
    pub cluster_nodes: Secret,
    /// Connections shared by every request.
    pub pool_size: u32,
    /// How the connections are held.
    pub connection: RedisConnection,
    /// Connecting, and each request, fail after this long.
    pub connection_timeout_ms: u64,
    /// Prepended to every key.
    pub key_prefix: String,
    /// How long results are kept.
    pub result_ttl_secs: u64,
    /// Longest an API process answers "sold out" from memory without asking Redis; 0 always
    /// asks.
    pub sold_out_ttl_ms: u64,
}

/// `redis.connection`: how the Redis connections are held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RedisConnection {
    /// Taken once from a bb8 pool; given back to be checked and replaced after a connection
    /// error only.
    Bb8,
    /// redis-rs `ConnectionManager`s, which reconnect by themselves.
    Manager,
}

/// `[kafka]`
#[derive(Debug, Clone, Deserialize)]
pub struct KafkaSection {
    /// Brokers to bootstrap from.
    pub bootstrap_servers: String,
    /// The orders topic.
    pub topic: String,
    /// Where undecodable messages go.
    pub dead_letter_topic: String,
    /// The order-events topic the outbox relay publishes to.
    pub order_events_topic: String,
    /// Partitions when created.
    pub partitions: i32,
    /// Replicas when created.
    pub replication_factor: i32,
    /// The workers' consumer group.
    pub group_id: String,
    /// This worker's static member name in the group; empty for dynamic membership.
    pub group_instance_id: String,
    /// How long the group waits for a silent member.
    pub session_timeout_ms: u64,
    /// `client.id`.
    pub client_id: String,
    /// Longest wait for the broker's acknowledgement.
    pub delivery_timeout_ms: u64,
    /// Producer batching delay.
    pub linger_ms: u64,
    /// Longest wait to fill a consumer batch.
    pub batch_wait_ms: u64,
}

/// `[mysql]`
#[derive(Debug, Clone, Deserialize)]
pub struct MySqlSection {
    /// `mysql://user:password@host:port/database`.
    pub url: Secret,
    /// Most connections.
    pub max_connections: u32,
    /// Connections kept open.
    pub min_connections: u32,
    /// Wait for a connection.
    pub acquire_timeout_ms: u64,
    /// Idle connections above the minimum are closed after this long.
    pub idle_timeout_secs: u64,
}

/// `[reconciler]`
#[derive(Debug, Clone, Deserialize)]
pub struct ReconcilerSection {
    /// Whether processes with the worker role reconcile.
    pub enabled: bool,
    /// Pause between passes.
    pub interval_ms: u64,
    /// Age after which an in-flight reservation is re-published.
    pub stale_after_ms: u64,
    /// How long after its end a sale stays in the stock gate, in seconds.
    pub gate_retention_secs: u64,
}

/// `[orders]`
#[derive(Debug, Clone, Deserialize)]
pub struct OrdersSection {
    /// Payment window of a sale created without one, in seconds (1 to 604800).
    pub payment_window_secs: u32,
    /// Whether processes with the worker role expire unpaid orders past their deadline.
    pub expiry_enabled: bool,
    /// Pause between expiry passes.
    pub expiry_interval_ms: u64,
    /// Most orders one expiry pass closes.
    pub expiry_batch: u32,
    /// Whether processes with the worker role relay order events from the outbox.
    pub events_relay_enabled: bool,
    /// Pause between relay passes.
    pub events_relay_interval_ms: u64,
    /// Most events one relay pass publishes.
    pub events_relay_batch: u32,
}

/// `[payments]`
#[derive(Debug, Clone, Deserialize)]
pub struct PaymentsSection {
    /// The secret shared with the payment provider: the webhook's HMAC-SHA256 key.
    pub webhook_secret: Secret,
    /// Most a webhook signature's timestamp may differ from now, either way, in seconds.
    pub tolerance_secs: u64,
}

/// `[demo]`
#[derive(Debug, Clone, Deserialize)]
pub struct DemoSection {
    /// Whether to seed the demo sale.
    pub seed: bool,
    /// Its product id.
    pub product_id: String,
    /// Its name.
    pub name: String,
    /// Its stock.
    pub stock: u32,
    /// Its per-user limit.
    pub per_user_limit: u32,
    /// How long it lasts from startup.
    pub duration_secs: u64,
}

/// `[log]`
#[derive(Debug, Clone, Deserialize)]
pub struct LogSection {
    /// `pretty` or `json`.
    pub format: LogFormat,
    /// Filter directives.
    pub filter: String,
}

/// `[metrics]`
#[derive(Debug, Clone, Deserialize)]
pub struct MetricsSection {
    /// Whether to record metrics and serve `GET /metrics`.
    pub enabled: bool,
    /// Seconds between polls of the stock and in-flight gauges; 0 turns polling off.
    pub gauge_interval_secs: u64,
    /// When set, `GET /metrics` answers only requests with `Authorization: Bearer <token>`.
    #[serde(default)]
    pub token: Option<Secret>,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// For people.
    Pretty,
    /// For pipelines.
    Json,
}

impl Settings {
    /// The shipped settings alone (`config/default.toml`, built in), with their example
    /// credentials.
    ///
    /// # Errors
    /// A [`config::ConfigError`] if the built-in file does not load (a broken build).
    pub fn shipped() -> Result<Self, config::ConfigError> {
        Config::builder()
            .add_source(File::from_str(BUILT_IN_DEFAULTS, FileFormat::Toml))
            .build()?
            .try_deserialize()
    }

    /// Loads the layers for `profile` from `config_dir` (missing files are skipped).
    ///
    /// # Errors
    /// A [`config::ConfigError`] naming the key that is missing or has the wrong type.
    pub fn load(profile: Profile, config_dir: &Path) -> Result<Self, config::ConfigError> {
        Config::builder()
            .add_source(File::from_str(BUILT_IN_DEFAULTS, FileFormat::Toml))
            .add_source(File::from(config_dir.join("default.toml")).required(false))
            .add_source(File::from(config_dir.join(format!("{profile}.toml"))).required(false))
            .add_source(
                Environment::with_prefix("FLASHSALE")
                    .prefix_separator("__")
                    .separator("__"),
            )
            .build()?
            .try_deserialize()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_defaults_load_without_any_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let settings = Settings::load(Profile::Embedded, dir.path()).expect("loads");
        assert_eq!(settings.http.bind, "127.0.0.1:8080");
        assert!(!settings.demo.seed);
    }

    #[test]
    fn the_profile_file_overrides_the_defaults() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("embedded.toml"), "[demo]\nstock = 7\n").expect("write");
        let settings = Settings::load(Profile::Embedded, dir.path()).expect("loads");
        assert_eq!(settings.demo.stock, 7);
    }

    #[test]
    fn metrics_are_on_by_default_with_a_five_second_poll() {
        let dir = tempfile::tempdir().expect("temp dir");
        let settings = Settings::load(Profile::Embedded, dir.path()).expect("loads");
        assert!(settings.metrics.enabled);
        assert_eq!(settings.metrics.gauge_interval_secs, 5);
        assert!(
            settings.metrics.token.is_none(),
            "/metrics is open by default"
        );
    }

    #[test]
    fn redis_connections_come_from_bb8_unless_the_manager_is_chosen() {
        let dir = tempfile::tempdir().expect("temp dir");
        let settings = Settings::load(Profile::Production, dir.path()).expect("loads");
        assert_eq!(settings.redis.connection, RedisConnection::Bb8);
        let chosen = "[redis]\nconnection = \"manager\"\n";
        std::fs::write(dir.path().join("production.toml"), chosen).expect("write");
        let settings = Settings::load(Profile::Production, dir.path()).expect("loads");
        assert_eq!(settings.redis.connection, RedisConnection::Manager);
    }

    #[test]
    fn the_edge_is_limited_and_the_catalog_refreshed_twice_a_second_by_default() {
        let dir = tempfile::tempdir().expect("temp dir");
        let settings = Settings::load(Profile::Embedded, dir.path()).expect("loads");
        assert_eq!(settings.http.max_in_flight_requests, 4_096);
        assert_eq!(settings.http.catalog_refresh_ms.get(), 500);
    }

    #[test]
    fn a_zero_catalog_refresh_is_refused_naming_the_key() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("default.toml"),
            "[http]\ncatalog_refresh_ms = 0\n",
        )
        .expect("write");
        let error = Settings::load(Profile::Embedded, dir.path()).expect_err("refused");
        assert!(error.to_string().contains("catalog_refresh_ms"), "{error}");
    }

    #[test]
    fn secrets_never_print() {
        let dir = tempfile::tempdir().expect("temp dir");
        let settings = Settings::load(Profile::Embedded, dir.path()).expect("loads");
        assert!(!format!("{settings:?}").contains("development-secret"));
        assert!(!format!("{settings:?}").contains("development-webhook-secret"));
        let mut settings = settings;
        settings.redis.url = Secret::new("redis://:redis-pw-123@cache:6379/");
        settings.mysql.url = Secret::new("mysql://shop:db-pw-456@db:3306/shop");
        let shown = format!("{settings:?}");
        assert!(!shown.contains("redis-pw-123"), "{shown}");
        assert!(!shown.contains("db-pw-456"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }
}
