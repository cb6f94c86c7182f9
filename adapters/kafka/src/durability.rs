//! Checks, at start, that the orders, dead-letter and order-events topics are as wide and as durable as the
//! settings say. Topics created by someone else (or before the settings changed) keep their
//! partitions, replicas and `min.insync.replicas`; the service still runs on them, so each
//! shortfall is reported for the operator to act on.

use std::sync::Arc;
use std::time::Duration;

use rdkafka::admin::{AdminOptions, ResourceSpecifier};

use crate::topics::{admin_client, wanted_min_insync_replicas};
use crate::{KafkaError, KafkaSettings};

/// How long the broker may take to describe the topics.
const DESCRIBE_TIMEOUT: Duration = Duration::from_secs(10);

/// One way a topic falls short of the settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TopicShortfall {
    /// Fewer partitions than configured: fewer workers can share the topic.
    #[error(
        "topic {topic} has {actual} partitions, fewer than the {configured} configured: \
         at most {actual} workers consume it"
    )]
    FewerPartitions {
        /// The topic.
        topic: String,
        /// Its partitions.
        actual: usize,
        /// `kafka.partitions`.
        configured: i32,
    },
    /// Fewer replicas than configured: losing a broker can lose acknowledged orders.
    #[error(
        "topic {topic} has {actual} replicas per partition, fewer than the {configured} \
         configured: a broker lost can lose orders it acknowledged"
    )]
    FewerReplicas {
        /// The topic.
        topic: String,
        /// Replicas of its least replicated partition.
        actual: usize,
        /// `kafka.replication_factor`.
        configured: i32,
    },
    /// `min.insync.replicas` below what its replication calls for: `acks=all` may acknowledge
    /// a message only one broker holds.
    #[error(
        "topic {topic} has min.insync.replicas={actual}, below {wanted}: an order may be \
         acknowledged while only one broker holds it"
    )]
    WeakMinInsyncReplicas {
        /// The topic.
        topic: String,
        /// Its `min.insync.replicas`.
        actual: i32,
        /// What replication factor `kafka.replication_factor` calls for.
        wanted: i32,
    },
}

/// What one topic is, as the brokers describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicShape {
    /// Its partitions.
    pub partitions: usize,
    /// Replicas of its least replicated partition.
    pub replicas: usize,
    /// Its `min.insync.replicas`.
    pub min_insync_replicas: i32,
}

/// How `shape` falls short of `settings` for `topic`.
pub fn shortfalls(topic: &str, shape: TopicShape, settings: &KafkaSettings) -> Vec<TopicShortfall> {
    let mut found = Vec::new();
    if i64::try_from(shape.partitions).unwrap_or(i64::MAX) < i64::from(settings.partitions) {
        found.push(TopicShortfall::FewerPartitions {
            topic: topic.to_owned(),
            actual: shape.partitions,
            configured: settings.partitions,
        });
    }
    if i64::try_from(shape.replicas).unwrap_or(i64::MAX) < i64::from(settings.replication_factor) {
        found.push(TopicShortfall::FewerReplicas {
            topic: topic.to_owned(),
            actual: shape.replicas,
            configured: settings.replication_factor,
        });
    }
    if let Some(wanted) = wanted_min_insync_replicas(settings.replication_factor) {
        if shape.min_insync_replicas < wanted {
            found.push(TopicShortfall::WeakMinInsyncReplicas {
                topic: topic.to_owned(),
                actual: shape.min_insync_replicas,
                wanted,
            });
        }
    }
    found
}

/// Describes the orders and dead-letter topics and returns every shortfall against `settings`
/// (none when they are as configured or better).
///
/// # Errors
/// [`KafkaError::Client`] when the admin client cannot be created; [`KafkaError::Topic`] when
/// the brokers cannot describe a topic.
pub async fn check_topics(settings: &KafkaSettings) -> Result<Vec<TopicShortfall>, KafkaError> {
    check_named(settings, &[&settings.topic, &settings.dead_letter_topic]).await
}

/// [`check_topics`] for the orders, dead-letter and order-events topics (events acknowledged by
/// fewer replicas than configured can be lost with a broker): what the service checks at start.
///
/// # Errors
/// As [`check_topics`].
pub async fn check_service_topics(
    settings: &KafkaSettings,
) -> Result<Vec<TopicShortfall>, KafkaError> {
    check_named(
        settings,
        &[
            &settings.topic,
            &settings.dead_letter_topic,
            &settings.order_events_topic,
        ],
    )
    .await
}

/// The shortfalls of the topics `names` against `settings`.
async fn check_named(
    settings: &KafkaSettings,
    names: &[&String],
) -> Result<Vec<TopicShortfall>, KafkaError> {
    let admin = Arc::new(admin_client(settings)?);
    let mut found = Vec::new();
    for &topic in names {
        let failed = |reason: String| KafkaError::Topic {
            topic: topic.clone(),
            reason,
        };
        let (partitions, replicas) = {
            let admin = Arc::clone(&admin);
            let name = topic.clone();
            tokio::task::spawn_blocking(move || {
                let metadata = admin
                    .inner()
                    .fetch_metadata(Some(&name), DESCRIBE_TIMEOUT)
                    .map_err(|e| e.to_string())?;
                let described = metadata
                    .topics()
                    .first()
                    .ok_or_else(|| "not in the metadata".to_owned())?;
                if let Some(error) = described.error() {
                    return Err(format!("{error:?}"));
                }
                let partitions = described.partitions();
                let replicas = partitions.iter().map(|p| p.replicas().len()).min();
                Ok((partitions.len(), replicas.unwrap_or(0)))
            })
            .await
            .map_err(|e| failed(e.to_string()))?
            .map_err(failed)?
        };
        let options = AdminOptions::new().request_timeout(Some(DESCRIBE_TIMEOUT));
        let described = admin
            .describe_configs(&[ResourceSpecifier::Topic(topic)], &options)
            .await
            .map_err(|e| failed(e.to_string()))?;
        let min_insync_replicas = described
            .first()
            .and_then(|resource| resource.as_ref().ok())
            .and_then(|resource| resource.get("min.insync.replicas"))
            .and_then(|entry| entry.value.as_deref())
            .and_then(|value| value.parse().ok())
            .unwrap_or(1);
        let shape = TopicShape {
            partitions,
            replicas,
            min_insync_replicas,
        };
        found.extend(shortfalls(topic, shape, settings));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(partitions: i32, replication_factor: i32) -> KafkaSettings {
        KafkaSettings {
            partitions,
            replication_factor,
            ..KafkaSettings::new("127.0.0.1:9092")
        }
    }

    #[test]
    fn a_topic_as_configured_or_better_falls_short_of_nothing() {
        let shape = TopicShape {
            partitions: 12,
            replicas: 3,
            min_insync_replicas: 2,
        };
        assert_eq!(shortfalls("orders", shape, &settings(12, 3)), vec![]);
        assert_eq!(shortfalls("orders", shape, &settings(6, 1)), vec![]);
    }

    #[test]
    fn narrower_less_replicated_or_weaker_topics_are_each_reported() {
        let shape = TopicShape {
            partitions: 1,
            replicas: 1,
            min_insync_replicas: 1,
        };
        let found = shortfalls("orders", shape, &settings(12, 3));
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(matches!(
            found[0],
            TopicShortfall::FewerPartitions {
                actual: 1,
                configured: 12,
                ..
            }
        ));
        assert!(matches!(
            found[1],
            TopicShortfall::FewerReplicas {
                actual: 1,
                configured: 3,
                ..
            }
        ));
        assert!(matches!(
            found[2],
            TopicShortfall::WeakMinInsyncReplicas {
                actual: 1,
                wanted: 2,
                ..
            }
        ));
        // Below a replication factor of 3, min.insync.replicas=1 is what is asked for.
        assert_eq!(shortfalls("orders", shape, &settings(1, 1)), vec![]);
    }
}
