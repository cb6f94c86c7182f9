//! The order topic's backlog for operators: the consumer group's lag (high watermark minus
//! committed offset, summed over the partitions) and the messages on the dead-letter topic.
//! Read with a consumer client that never joins the group (it only asks the group's
//! coordinator for the committed offsets), on a blocking thread: rdkafka's calls block.

use std::sync::Arc;
use std::time::Duration;

use flashsale_application::ports::QueueBacklog;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaResult;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

use crate::{KafkaError, KafkaSettings};

/// How long one read of the backlog may take in all.
const READ_TIMEOUT: Duration = Duration::from_secs(2);

/// Reads the backlog of the orders topic. Cheap to clone.
#[derive(Clone)]
pub(crate) struct BacklogReader {
    consumer: Arc<BaseConsumer>,
    topic: String,
    dead_letter_topic: String,
}

impl BacklogReader {
    /// A reader for `settings`' topics and consumer group.
    pub(crate) fn new(settings: &KafkaSettings) -> Result<Self, KafkaError> {
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &settings.bootstrap_servers)
            .set("client.id", format!("{}-backlog", settings.client_id))
            .set("group.id", &settings.group_id)
            .set("enable.auto.commit", "false")
            .create()
            .map_err(|source| KafkaError::Client {
                role: "backlog reader",
                source,
            })?;
        Ok(Self {
            consumer: Arc::new(consumer),
            topic: settings.topic.clone(),
            dead_letter_topic: settings.dead_letter_topic.clone(),
        })
    }

    /// The backlog now; blocks (run it on a blocking thread).
    pub(crate) fn read(&self) -> KafkaResult<QueueBacklog> {
        let (orders, committed) = (self.watermarks(&self.topic)?, self.committed()?);
        let waiting = orders
            .iter()
            .map(|(partition, _, high)| {
                let done = committed
                    .find_partition(&self.topic, *partition)
                    .and_then(|entry| match entry.offset() {
                        Offset::Offset(at) => Some(at),
                        _ => None,
                    });
                // Never committed: the group reads from the earliest message kept.
                let from = done.unwrap_or_else(|| low_of(&orders, *partition));
                u64::try_from(high - from).unwrap_or(0)
            })
            .sum();
        let dead_lettered = self
            .watermarks(&self.dead_letter_topic)?
            .iter()
            .map(|(_, low, high)| u64::try_from(high - low).unwrap_or(0))
            .sum();
        Ok(QueueBacklog {
            waiting: Some(waiting),
            dead_lettered: Some(dead_lettered),
        })
    }

    /// (partition, low, high) of every partition of `topic`.
    fn watermarks(&self, topic: &str) -> KafkaResult<Vec<(i32, i64, i64)>> {
        let metadata = self.consumer.fetch_metadata(Some(topic), READ_TIMEOUT)?;
        let partitions = metadata
            .topics()
            .iter()
            .flat_map(|t| t.partitions().iter().map(|p| p.id()))
            .collect::<Vec<_>>();
        partitions
            .into_iter()
            .map(|partition| {
                let (low, high) = self
                    .consumer
                    .fetch_watermarks(topic, partition, READ_TIMEOUT)?;
                Ok((partition, low, high))
            })
            .collect()
    }

    /// The group's committed offsets of the orders topic.
    fn committed(&self) -> KafkaResult<TopicPartitionList> {
        let mut wanted = TopicPartitionList::new();
        for (partition, _, _) in self.watermarks(&self.topic)? {
            wanted.add_partition(&self.topic, partition);
        }
        self.consumer.committed_offsets(wanted, READ_TIMEOUT)
    }
}

fn low_of(partitions: &[(i32, i64, i64)], partition: i32) -> i64 {
    partitions
        .iter()
        .find(|(p, _, _)| *p == partition)
        .map_or(0, |(_, low, _)| *low)
}
