//! Creates the orders topic and its dead-letter topic when they are missing.

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
    let admin = admin_client(settings)?;
    let topics: Vec<NewTopic<'_>> = [&settings.topic, &settings.dead_letter_topic]
        .into_iter()
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
            topic: format!("{} and {}", settings.topic, settings.dead_letter_topic),
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
