//! The order queue, timed: `flashsale_order_queue_publish_duration_seconds{outcome}`.

use std::time::Instant;

use flashsale_application::ports::{OrderQueue, QueueBacklog, QueueError};
use flashsale_domain::Reservation;

use crate::measured::{seconds_since, Measured};
use crate::names::ORDER_QUEUE_PUBLISH_DURATION;

impl<Q: OrderQueue> OrderQueue for Measured<Q> {
    async fn publish(&self, reservation: &Reservation) -> Result<(), QueueError> {
        let start = Instant::now();
        let result = self.inner().publish(reservation).await;
        let outcome = match &result {
            Ok(()) => "ok",
            Err(QueueError::Unavailable(_)) => "error",
            Err(QueueError::OutcomeUnknown(_)) => "unknown",
        };
        metrics::histogram!(ORDER_QUEUE_PUBLISH_DURATION, "outcome" => outcome)
            .record(seconds_since(start));
        result
    }

    async fn backlog(&self) -> Result<QueueBacklog, QueueError> {
        self.inner().backlog().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{capture, histogram_count, reservation, FakeQueue};

    #[test]
    fn publishes_are_timed_by_outcome() {
        let ok = Measured::new(FakeQueue(true));
        let failing = Measured::new(FakeQueue(false));
        let ((first, second), snapshot) = capture(async {
            (
                ok.publish(&reservation()).await,
                failing.publish(&reservation()).await,
            )
        });
        assert_eq!(first, Ok(()));
        assert!(second.is_err());
        let count = |outcome| {
            histogram_count(
                &snapshot,
                ORDER_QUEUE_PUBLISH_DURATION,
                &[("outcome", outcome)],
            )
        };
        assert_eq!((count("ok"), count("error")), (1, 1));
    }
}
