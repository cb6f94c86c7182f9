//! Why the Kafka adapter could not start: settings, clients, topics, subscription.

/// A failure to set up a Kafka client or the topics. Once running, the consumer logs and
/// retries broker errors instead of returning them.
#[derive(Debug, thiserror::Error)]
pub enum KafkaError {
    /// The settings cannot work (e.g. a delivery timeout not above the linger).
    #[error("invalid Kafka settings: {0}")]
    Settings(String),
    /// librdkafka refused to create a client with this configuration.
    #[error("cannot create the Kafka {role}: {source}")]
    Client {
        /// Which client: producer, consumer or admin client.
        role: &'static str,
        /// librdkafka's error.
        #[source]
        source: rdkafka::error::KafkaError,
    },
    /// A topic could not be created (other than because it already exists).
    #[error("cannot create topic {topic}: {reason}")]
    Topic {
        /// The topic.
        topic: String,
        /// What the broker or the client said.
        reason: String,
    },
    /// The consumer could not subscribe to the orders topic.
    #[error("cannot subscribe to {topic}: {source}")]
    Subscribe {
        /// The topic.
        topic: String,
        /// librdkafka's error.
        #[source]
        source: rdkafka::error::KafkaError,
    },
}
