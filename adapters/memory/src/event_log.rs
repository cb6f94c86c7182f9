//! The embedded profile's order-event publisher: a bounded in-memory log of the last events
//! published, each also logged at `info` (target `flashsale::order_events`). There is no broker
//! in the embedded profile; this is what stands in for the order-events topic.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use flashsale_application::ports::{EventPublishError, EventPublisher, OrderEvent};

/// Events kept when no capacity is given.
pub const DEFAULT_EVENT_LOG_CAPACITY: usize = 10_000;

/// The last `capacity` order events published, oldest first. Cloning shares the log.
#[derive(Clone)]
pub struct MemoryEventLog {
    log: Arc<Mutex<VecDeque<OrderEvent>>>,
    capacity: usize,
}

impl Default for MemoryEventLog {
    fn default() -> Self {
        Self::new(DEFAULT_EVENT_LOG_CAPACITY)
    }
}

impl MemoryEventLog {
    /// A log keeping the last `capacity` events (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            log: Arc::new(Mutex::new(VecDeque::new())),
            capacity: capacity.max(1),
        }
    }

    /// The events kept, oldest first.
    pub fn events(&self) -> Vec<OrderEvent> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }
}

impl EventPublisher for MemoryEventLog {
    async fn publish(&self, events: &[OrderEvent]) -> Vec<Result<(), EventPublishError>> {
        let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        for event in events {
            tracing::info!(
                target: "flashsale::order_events",
                event_id = event.id.get(),
                order_id = %event.order_id,
                status = ?event.status,
                "order event"
            );
            if log.len() == self.capacity {
                log.pop_front();
            }
            log.push_back(event.clone());
        }
        events.iter().map(|_| Ok(())).collect()
    }
}
