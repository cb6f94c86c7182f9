//! The order queue's backlog for operators: orders waiting for the workers and messages set
//! aside, over every sale.

use crate::ports::{OrderQueue, Ports, QueueBacklog, QueueError};
use crate::FlashSale;

impl<P: Ports> FlashSale<P> {
    /// How far the workers are behind and what they set aside.
    ///
    /// # Errors
    /// [`QueueError`] when the queue does not answer.
    pub async fn queue_backlog(&self) -> Result<QueueBacklog, QueueError> {
        self.ports.queue.backlog().await
    }
}
