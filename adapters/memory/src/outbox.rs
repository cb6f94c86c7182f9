//! The in-memory outbox of order events: the events table of the in-memory database, written
//! under the database's one lock with the change it records.

use std::collections::BTreeMap;

use flashsale_application::ports::{EventId, OrderEvent};
use flashsale_domain::{Order, Timestamp};

/// Events by id, with when each was published.
#[derive(Default)]
pub(crate) struct Outbox {
    rows: BTreeMap<EventId, (OrderEvent, Option<Timestamp>)>,
    last_id: u64,
}

impl Outbox {
    /// Records that `order` reached its current status at `occurred_at`.
    pub(crate) fn record(&mut self, order: &Order, occurred_at: Timestamp) {
        self.last_id += 1;
        let id = EventId::new(self.last_id);
        self.rows
            .insert(id, (OrderEvent::of(id, order, occurred_at), None));
    }

    /// Up to `limit` unpublished events, by ascending id.
    pub(crate) fn unpublished(&self, limit: u32) -> Vec<OrderEvent> {
        self.rows
            .values()
            .filter(|(_, published)| published.is_none())
            .take(limit as usize)
            .map(|(event, _)| event.clone())
            .collect()
    }

    /// Marks these events published at `now` (unknown or marked ones are left alone).
    pub(crate) fn mark_published(&mut self, ids: &[EventId], now: Timestamp) {
        for id in ids {
            if let Some((_, published)) = self.rows.get_mut(id) {
                published.get_or_insert(now);
            }
        }
    }
}
