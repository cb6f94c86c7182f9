//! Relay order events (worker): the outbox's unpublished events, oldest first, handed to the
//! publisher and marked published only once acknowledged. One process at a time, under a lease.
//!
//! Delivery is at least once: an event acknowledged and not yet marked (the process died in
//! between, or the mark failed) is published again by the next pass; consumers dedupe by event
//! id. The events of one order are published in their order: within a pass, an order's next
//! event is sent only once its previous one was acknowledged, and none after one that failed
//! (the next pass starts again from the failed one).

use std::collections::HashSet;

use flashsale_domain::{OrderId, Timestamp};

use crate::ports::{
    EventId, EventPublisher, Lease, LeaseError, OrderEvent, OrderEvents, OrderEventsError,
};
use crate::use_cases::exclusive::Exclusive;
use crate::ErrorChain;

/// The name of the relay's lease: one process at a time relays order events.
pub const EVENT_RELAY_LEASE: &str = "order-events-relay";

/// Why a relay pass stopped. Events published and marked before stay so; the rest are relayed
/// by the next pass.
#[derive(Debug, thiserror::Error)]
pub enum RelayEventsError {
    /// The outbox could not be read or marked.
    #[error(transparent)]
    Events(#[from] OrderEventsError),
    /// The relay's lease could not be asked for; nothing was done.
    #[error(transparent)]
    Lease(#[from] LeaseError),
}

/// What one relay pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelayReport {
    /// Unpublished events read.
    pub read: usize,
    /// Events acknowledged and marked published.
    pub published: usize,
    /// Events the publisher did not acknowledge, or not sent because an earlier event of their
    /// order was not: still unpublished.
    pub failed: usize,
}

impl RelayReport {
    /// Whether the pass read a full batch and published it all, so another may find more at
    /// once.
    pub fn was_full(&self, batch: u32) -> bool {
        self.read >= batch as usize && self.failed == 0
    }
}

/// The relay of one process: its outbox, its publisher, and its claim on the relay's lease.
pub struct EventRelay<E: OrderEvents, B: EventPublisher, L: Lease> {
    events: E,
    publisher: B,
    exclusive: Exclusive<L>,
    batch: u32,
}

impl<E: OrderEvents, B: EventPublisher, L: Lease> EventRelay<E, B, L> {
    /// A relay of `events` to `publisher`, `batch` events per pass at most (at least 1), one
    /// process at a time through `exclusive` (named [`EVENT_RELAY_LEASE`]).
    pub fn new(events: E, publisher: B, exclusive: Exclusive<L>, batch: u32) -> Self {
        Self {
            events,
            publisher,
            exclusive,
            batch: batch.max(1),
        }
    }

    /// Events read per pass at most.
    pub fn batch(&self) -> u32 {
        self.batch
    }

    /// [`Self::relay`] when this process holds the relay's lease (taking or renewing it);
    /// `None` while another process holds it.
    ///
    /// # Errors
    /// As [`Self::relay`], and [`RelayEventsError::Lease`] when the lease cannot be asked for.
    pub async fn pass(&self, now: Timestamp) -> Result<Option<RelayReport>, RelayEventsError> {
        if !self.exclusive.claim(now).await? {
            return Ok(None);
        }
        self.relay(now).await.map(Some)
    }

    /// Publishes up to one batch of unpublished events, oldest first, and marks those the
    /// publisher acknowledged as published at `now`. Events go in rounds: each round holds the
    /// next event of every order whose earlier events were all acknowledged, so the events of
    /// one order reach the publisher one at a time and in order. A failed event stays
    /// unpublished, with every later event of its order.
    ///
    /// # Errors
    /// [`RelayEventsError::Events`] when the outbox cannot be read or marked; events
    /// acknowledged and not marked are published again by the next pass.
    pub async fn relay(&self, now: Timestamp) -> Result<RelayReport, RelayEventsError> {
        let pending = self.events.unpublished(self.batch).await?;
        let mut report = RelayReport {
            read: pending.len(),
            ..RelayReport::default()
        };
        let mut rest = pending;
        let mut blocked: HashSet<OrderId> = HashSet::new();
        while !rest.is_empty() {
            let (round, later) = next_round(rest, &blocked);
            rest = later;
            if round.is_empty() {
                break;
            }
            let results = self.publisher.publish(&round).await;
            let mut acknowledged: Vec<EventId> = Vec::with_capacity(round.len());
            for (event, result) in round.iter().zip(results) {
                match result {
                    Ok(()) => acknowledged.push(event.id),
                    Err(error) => {
                        tracing::warn!(
                            error = %ErrorChain(&error),
                            event_id = event.id.get(),
                            order_id = %event.order_id,
                            "order event not published"
                        );
                        blocked.insert(event.order_id.clone());
                    }
                }
            }
            if !acknowledged.is_empty() {
                self.events.mark_published(&acknowledged, now).await?;
                report.published += acknowledged.len();
            }
        }
        report.failed = report.read - report.published;
        Ok(report)
    }
}

/// Splits `events` (ascending ids) into the first event of each order not `blocked`, and the
/// events left for later rounds (those of blocked orders are dropped: the next pass reads them).
fn next_round(
    events: Vec<OrderEvent>,
    blocked: &HashSet<OrderId>,
) -> (Vec<OrderEvent>, Vec<OrderEvent>) {
    let mut in_round: HashSet<OrderId> = HashSet::new();
    let mut round = Vec::new();
    let mut later = Vec::new();
    for event in events {
        if blocked.contains(&event.order_id) {
            continue;
        }
        if in_round.insert(event.order_id.clone()) {
            round.push(event);
        } else {
            later.push(event);
        }
    }
    (round, later)
}
