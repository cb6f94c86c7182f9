//! The in-memory outbox of order events: the events table of the in-memory database, written
//! under the database's one lock with the change it records. A published event is dropped (the
//! embedded profile keeps no history beyond its event log), so the outbox holds only what is
//! still to publish.

use std::collections::BTreeMap;

use flashsale_application::ports::{EventId, OrderEvent};
use flashsale_domain::{Order, Timestamp};

/// Unpublished events by id, and the last id given.
#[derive(Default)]
pub(crate) struct Outbox {
    unpublished: BTreeMap<EventId, OrderEvent>,
    last_id: u64,
}

impl Outbox {
    /// Records that `order` reached its current status at `occurred_at`.
    pub(crate) fn record(&mut self, order: &Order, occurred_at: Timestamp) {
        self.last_id += 1;
        let id = EventId::new(self.last_id);
        self.unpublished
            .insert(id, OrderEvent::of(id, order, occurred_at));
    }

    /// Up to `limit` unpublished events, by ascending id.
    pub(crate) fn unpublished(&self, limit: u32) -> Vec<OrderEvent> {
        self.unpublished
            .values()
            .take(limit as usize)
            .cloned()
            .collect()
    }

    /// Marks these events published (unknown or marked ones are left alone): they are dropped.
    pub(crate) fn mark_published(&mut self, ids: &[EventId]) {
        for id in ids {
            self.unpublished.remove(id);
        }
    }
}
