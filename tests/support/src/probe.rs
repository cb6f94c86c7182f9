//! Readiness probes: a server is ready when it answers a real request.

use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::ClientConfig;
use sqlx::{Connection, MySqlConnection};

use crate::StackError;

const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
const PAUSE_BETWEEN_ATTEMPTS: Duration = Duration::from_millis(250);

/// How to ask one server whether it serves.
#[derive(Debug, Clone)]
pub(crate) enum Probe {
    /// `PING` answers `PONG`.
    Redis { url: String },
    /// `SELECT 1` answers 1.
    MariaDb { url: String },
    /// A metadata request lists at least one broker.
    Kafka { bootstrap_servers: String },
}

impl Probe {
    /// Probes until the server answers or `timeout` has passed; never a fixed sleep.
    pub(crate) async fn wait_ready(
        &self,
        service: &'static str,
        timeout: Duration,
    ) -> Result<(), StackError> {
        let deadline = Instant::now() + timeout;
        loop {
            let outcome = match tokio::time::timeout(ATTEMPT_TIMEOUT, self.once()).await {
                Ok(outcome) => outcome,
                Err(_) => Err(format!("no answer within {ATTEMPT_TIMEOUT:?}")),
            };
            match outcome {
                Ok(()) => return Ok(()),
                Err(last_error) if Instant::now() >= deadline => {
                    return Err(StackError::NotReady {
                        service,
                        seconds: timeout.as_secs(),
                        last_error,
                    })
                }
                Err(_) => tokio::time::sleep(PAUSE_BETWEEN_ATTEMPTS).await,
            }
        }
    }

    async fn once(&self) -> Result<(), String> {
        match self {
            Self::Redis { url } => redis_ping(url).await,
            Self::MariaDb { url } => mariadb_select(url).await,
            Self::Kafka { bootstrap_servers } => kafka_metadata(bootstrap_servers.clone()).await,
        }
    }
}

async fn redis_ping(url: &str) -> Result<(), String> {
    let client = redis::Client::open(url).map_err(|e| e.to_string())?;
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .map_err(|e| e.to_string())?;
    let pong: String = redis::cmd("PING")
        .query_async(&mut connection)
        .await
        .map_err(|e| e.to_string())?;
    if pong == "PONG" {
        Ok(())
    } else {
        Err(format!("PING answered {pong:?}"))
    }
}

async fn mariadb_select(url: &str) -> Result<(), String> {
    let mut connection = MySqlConnection::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    let one: i32 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&mut connection)
        .await
        .map_err(|e| e.to_string())?;
    let _ = connection.close().await;
    if one == 1 {
        Ok(())
    } else {
        Err(format!("SELECT 1 answered {one}"))
    }
}

async fn kafka_metadata(bootstrap_servers: String) -> Result<(), String> {
    tokio::task::spawn_blocking(move || {
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &bootstrap_servers)
            .set("socket.timeout.ms", "3000")
            .create()
            .map_err(|e| e.to_string())?;
        let metadata = consumer
            .fetch_metadata(None, Duration::from_secs(3))
            .map_err(|e| e.to_string())?;
        if metadata.brokers().is_empty() {
            Err("metadata lists no broker".to_owned())
        } else {
            Ok(())
        }
    })
    .await
    .map_err(|e| e.to_string())?
}
