//! The Kafka order-event publisher: each event to the order-events topic, keyed by order id,
//! on an idempotent `acks=all` producer of its own; acknowledged means the broker wrote it.

use std::sync::Arc;
use std::time::Duration;

use flashsale_application::ports::{EventPublishError, EventPublisher, OrderEvent, PortFailure};
use futures_util::future::join_all;
use rdkafka::producer::ThreadedProducer;

use crate::delivery::{deliver, Delivery, DeliveryContext};
use crate::event_codec::{encode_event, event_key};
use crate::producer::reporting_producer;
use crate::ready::Ready;
use crate::{KafkaError, KafkaSettings};

/// How much longer than librdkafka's own delivery timeout a publish waits for the delivery
/// report (as the order queue does).
const REPORT_GRACE: Duration = Duration::from_secs(2);

/// Publishes order events to `settings.order_events_topic`. Cheap to clone: clones share one
/// producer.
#[derive(Clone)]
pub struct KafkaEventPublisher {
    inner: Arc<Inner>,
}

struct Inner {
    producer: ThreadedProducer<DeliveryContext>,
    topic: String,
    report_within: Duration,
}

impl KafkaEventPublisher {
    /// A publisher to `settings.order_events_topic`, with the order queue's producer settings.
    /// Connects lazily.
    ///
    /// # Errors
    /// [`KafkaError::Settings`] or [`KafkaError::Client`] for a configuration librdkafka refuses.
    pub fn new(settings: &KafkaSettings) -> Result<Self, KafkaError> {
        Ok(Self {
            inner: Arc::new(Inner {
                producer: reporting_producer(settings, "event producer", Ready::new())?,
                topic: settings.order_events_topic.clone(),
                report_within: settings.delivery_timeout + REPORT_GRACE,
            }),
        })
    }

    async fn publish_one(&self, event: &OrderEvent) -> Result<(), EventPublishError> {
        let inner = &*self.inner;
        let payload = encode_event(event).map_err(|error| {
            EventPublishError::Unacknowledged(PortFailure::caused_by(
                "kafka: encoding the order event",
                error,
            ))
        })?;
        match deliver(
            &inner.producer,
            &inner.topic,
            event_key(event),
            &payload,
            inner.report_within,
        )
        .await
        {
            Delivery::Persisted => Ok(()),
            Delivery::NotPersisted(error) => Err(EventPublishError::Unacknowledged(
                PortFailure::caused_by("kafka: the order event was not written", error),
            )),
            Delivery::PossiblyPersisted(why) => Err(EventPublishError::Unacknowledged(
                PortFailure::caused_by("kafka: the order event may have been written", why),
            )),
        }
    }
}

impl EventPublisher for KafkaEventPublisher {
    async fn publish(&self, events: &[OrderEvent]) -> Vec<Result<(), EventPublishError>> {
        join_all(events.iter().map(|event| self.publish_one(event))).await
    }
}
