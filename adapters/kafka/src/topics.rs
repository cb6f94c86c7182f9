//! Creates the orders topic, its dead-letter topic and the order-events topic when they are
//! missing.

use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::ClientConfig;

use crate::{KafkaError, KafkaSettings};

/// `min.insync.replicas` of topics replicated at least three times.
const MIN_INSYNC_REPLICAS: i32 = 2;

/// The `min.insync.replicas` the topics should have with this replication factor: 2 from a
/// factor of 3 on (acknowledged messages survive one broker lost), none required below.
pub(crate) fn wanted_min_insync_replicas(replication_factor: i32) -> Option<i32> {
    (replication_factor >= 3).then_some(MIN_INSYNC_REPLICAS)
}

/// An admin client for these brokers.
pub(crate) fn admin_client(
    settings: &KafkaSettings,
) -> Result<AdminClient<DefaultClientContext>, KafkaError> {
    ClientConfig::new()
        .set("bootstrap.servers", &settings.bootstrap_servers)
        .set("client.id", &settings.client_id)
        .create()
        .map_err(|source| KafkaError::Client {
            role: "admin client",
            source,
        })
}

/// How long the broker may take to create the topics.
const CREATE_TIMEOUT: Duration = Duration::from_secs(30);

/// Creates `settings.topic` and `settings.dead_letter_topic` with the configured partitions and
/// replication, through the admin client. A topic that exists already is left as it is. With a
/// replication factor of 3 or more the topics get `min.insync.replicas=2`, so `acks=all`
/// survives one broker down without losing acknowledged messages.
///
/// # Errors
/// [`KafkaError::Client`] when the admin client cannot be created; [`KafkaError::Topic`] when the
/// request fails or the broker refuses a topic for another reason than that it exists.
pub async fn ensure_topics(settings: &KafkaSettings) -> Result<(), KafkaError> {
    ensure_named(settings, &[&settings.topic, &settings.dead_letter_topic]).await
}

/// [`ensure_topics`] and `settings.order_events_topic` too (created as the orders topic is),
/// in one request: what the service creates at start.
///
/// # Errors
/// As [`ensure_topics`].
pub async fn ensure_service_topics(settings: &KafkaSettings) -> Result<(), KafkaError> {
    ensure_named(
        settings,
        &[
            &settings.topic,
            &settings.dead_letter_topic,
            &settings.order_events_topic,
        ],
    )
    .await
}

/// Creates the topics `names` as the settings say, leaving those that exist as they are.
async fn ensure_named(settings: &KafkaSettings, names: &[&String]) -> Result<(), KafkaError> {
    let admin = admin_client(settings)?;
    let topics: Vec<NewTopic<'_>> = names
        .iter()
        .map(|name| {
            let topic = NewTopic::new(
                name,
                settings.partitions,
                TopicReplication::Fixed(settings.replication_factor),
            );
            match wanted_min_insync_replicas(settings.replication_factor) {
                Some(MIN_INSYNC_REPLICAS) => topic.set("min.insync.replicas", "2"),
                _ => topic,
            }
        })
        .collect();
    let options = AdminOptions::new()
        .request_timeout(Some(CREATE_TIMEOUT))
        .operation_timeout(Some(CREATE_TIMEOUT));
    let results = admin
        .create_topics(&topics, &options)
        .await
        .map_err(|error| KafkaError::Topic {
            topic: names
                .iter()
                .map(|name| name.as_str())
                .collect::<Vec<_>>()
                .join(" and "),
            reason: error.to_string(),
        })?;
    for result in results {
        match result {
            Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((topic, code)) => {
                return Err(KafkaError::Topic {
                    topic,
                    reason: code.to_string(),
                })
            }
        }
    }
    Ok(())
}
