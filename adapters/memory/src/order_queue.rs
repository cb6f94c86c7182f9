//! The in-memory order queue: a bounded tokio channel; the worker drains it in batches.

use std::time::Duration;

use flashsale_application::ports::{OrderQueue, PortFailure, QueueBacklog, QueueError};
use flashsale_domain::Reservation;
use tokio::sync::mpsc;

/// The publishing end: cheap to clone, shared by every request handler.
#[derive(Clone)]
pub struct MemoryOrderQueue {
    sender: mpsc::Sender<Reservation>,
    publish_timeout: Duration,
}

/// The consuming end, handed to [`crate::run_order_worker`].
pub struct OrderReceiver {
    pub(crate) receiver: mpsc::Receiver<Reservation>,
}

/// A queue holding up to `capacity` messages; publishing into a full queue waits up to
/// `publish_timeout`, then fails so the reservation is released rather than left hanging.
pub fn order_queue(
    capacity: usize,
    publish_timeout: Duration,
) -> (MemoryOrderQueue, OrderReceiver) {
    let (sender, receiver) = mpsc::channel(capacity.max(1));
    (
        MemoryOrderQueue {
            sender,
            publish_timeout,
        },
        OrderReceiver { receiver },
    )
}

impl MemoryOrderQueue {
    /// Messages waiting for the worker.
    pub fn depth(&self) -> usize {
        self.sender.max_capacity() - self.sender.capacity()
    }
}

impl OrderQueue for MemoryOrderQueue {
    async fn publish(&self, reservation: &Reservation) -> Result<(), QueueError> {
        self.sender
            .send_timeout(reservation.clone(), self.publish_timeout)
            .await
            .map_err(|error| match error {
                mpsc::error::SendTimeoutError::Timeout(_) => {
                    QueueError::Unavailable(PortFailure::new("the order queue stayed full"))
                }
                mpsc::error::SendTimeoutError::Closed(_) => {
                    QueueError::Unavailable(PortFailure::new("the order queue is shut down"))
                }
            })
    }

    /// The messages waiting for the worker; nothing is ever dead-lettered in memory (the
    /// messages are reservations, never bytes that fail to decode).
    async fn backlog(&self) -> Result<QueueBacklog, QueueError> {
        Ok(QueueBacklog {
            waiting: Some(self.depth() as u64),
            dead_lettered: Some(0),
        })
    }
}
