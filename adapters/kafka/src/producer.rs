//! The producer configuration shared by the order queue and the dead-letter writer.

use rdkafka::producer::{FutureProducer, ThreadedProducer};
use rdkafka::ClientConfig;

use crate::delivery::DeliveryContext;
use crate::ready::Ready;
use crate::stats::{StatsContext, STATISTICS_INTERVAL_MS};
use crate::{KafkaError, KafkaSettings};

/// Messages librdkafka packs into one produce request per partition.
const BATCH_NUM_MESSAGES: &str = "10000";

/// An idempotent, `acks=all` producer whose delivery reports arrive within the settings'
/// delivery timeout; LZ4-compressed when this build of librdkafka has LZ4. Its statistics
/// report its queue depth, labelled `role`, and set `ready` once it has its producer id.
///
/// # Errors
/// [`KafkaError::Settings`] when the delivery timeout does not exceed the linger;
/// [`KafkaError::Client`] when librdkafka refuses the configuration.
pub(crate) fn idempotent_producer(
    settings: &KafkaSettings,
    role: &'static str,
    ready: Ready,
) -> Result<FutureProducer<StatsContext>, KafkaError> {
    producer_config(settings)?
        .create_with_context(StatsContext::producer(role, ready))
        .map_err(|source| KafkaError::Client { role, source })
}

/// The same producer, reporting each delivery with librdkafka's persistence status (see
/// [`crate::delivery`]): what the order queue needs to tell "not sent" from "unknown".
///
/// # Errors
/// As [`idempotent_producer`].
pub(crate) fn reporting_producer(
    settings: &KafkaSettings,
    role: &'static str,
    ready: Ready,
) -> Result<ThreadedProducer<DeliveryContext>, KafkaError> {
    producer_config(settings)?
        .create_with_context(DeliveryContext::new(StatsContext::producer(role, ready)))
        .map_err(|source| KafkaError::Client { role, source })
}

/// The configuration both producers share.
fn producer_config(settings: &KafkaSettings) -> Result<ClientConfig, KafkaError> {
    if settings.delivery_timeout <= settings.linger {
        return Err(KafkaError::Settings(format!(
            "the delivery timeout ({:?}) must exceed the linger ({:?})",
            settings.delivery_timeout, settings.linger
        )));
    }
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", &settings.bootstrap_servers)
        .set("client.id", &settings.client_id)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", settings.linger.as_millis().to_string())
        .set("batch.num.messages", BATCH_NUM_MESSAGES)
        .set(
            "message.timeout.ms",
            settings.delivery_timeout.as_millis().to_string(),
        )
        .set("statistics.interval.ms", STATISTICS_INTERVAL_MS);
    let compression = compression(&config);
    config.set("compression.type", compression);
    Ok(config)
}

/// `lz4` when librdkafka was built with it (its `builtin.features` says so), else `none`.
fn compression(config: &ClientConfig) -> &'static str {
    let has_lz4 = config
        .create_native_config()
        .and_then(|native| native.get("builtin.features"))
        .is_ok_and(|features| features.split(',').any(|feature| feature == "lz4"));
    if has_lz4 {
        "lz4"
    } else {
        "none"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_build_of_librdkafka_compresses_with_lz4() {
        assert_eq!(compression(&ClientConfig::new()), "lz4");
    }

    #[test]
    fn a_delivery_timeout_not_above_the_linger_is_refused() {
        let settings = KafkaSettings {
            delivery_timeout: std::time::Duration::from_millis(5),
            ..KafkaSettings::new("127.0.0.1:1")
        };
        assert!(matches!(
            idempotent_producer(&settings, "producer", Ready::new()),
            Err(KafkaError::Settings(_))
        ));
    }
}
