//! The order store, timed: `flashsale_order_store_transaction_duration_seconds{outcome}`, the
//! batch size, and `flashsale_order_store_orders_total{outcome}` per reservation.

use std::time::Instant;

use flashsale_application::ports::{
    Closed, Closing, NewOrder, OrderPage, OrderStore, OrderStoreError, Paid, Persisted,
    SaleOrdersQuery,
};
use flashsale_domain::{
    FailureReason, Order, OrderId, PaymentId, ProductId, RequestId, Timestamp, UserId,
};

use crate::measured::{seconds_since, Measured};
use crate::names::{ORDER_STORE_BATCH_SIZE, ORDER_STORE_ORDERS, ORDER_STORE_TRANSACTION_DURATION};

/// Every value of the per-reservation `outcome` label, in [`outcome_index`] order.
const OUTCOMES: [&str; 8] = [
    "created",
    "already_persisted",
    "sold_out",
    "already_purchased",
    "unknown_sale",
    "queue_unavailable",
    "abandoned",
    "rejected",
];

fn outcome_index(persisted: &Persisted) -> usize {
    match persisted {
        Persisted::Created(_) => 0,
        Persisted::AlreadyPersisted(_) => 1,
        Persisted::Refused(FailureReason::SoldOut) => 2,
        Persisted::Refused(FailureReason::AlreadyPurchased) => 3,
        Persisted::Refused(FailureReason::UnknownSale) => 4,
        Persisted::Refused(FailureReason::QueueUnavailable) => 5,
        Persisted::Refused(FailureReason::Abandoned) => 6,
        Persisted::Refused(FailureReason::Rejected) => 7,
    }
}

/// Counts a batch's outcomes, then touches each counter once rather than once per order.
fn count_outcomes(outcomes: &[Persisted]) {
    let mut counts = [0_u64; OUTCOMES.len()];
    for persisted in outcomes {
        counts[outcome_index(persisted)] += 1;
    }
    for (outcome, count) in OUTCOMES.iter().zip(counts) {
        if count > 0 {
            metrics::counter!(ORDER_STORE_ORDERS, "outcome" => *outcome).increment(count);
        }
    }
}

impl<S: OrderStore> OrderStore for Measured<S> {
    async fn persist(&self, orders: &[NewOrder]) -> Result<Vec<Persisted>, OrderStoreError> {
        let start = Instant::now();
        let result = self.inner().persist(orders).await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(OrderStoreError::Unavailable(_) | OrderStoreError::Refused(_)) => "error",
        };
        metrics::histogram!(ORDER_STORE_TRANSACTION_DURATION, "outcome" => outcome)
            .record(seconds_since(start));
        metrics::histogram!(ORDER_STORE_BATCH_SIZE).record(orders.len() as f64);
        if let Ok(outcomes) = &result {
            count_outcomes(outcomes);
        }
        result
    }

    async fn find_order(&self, request_id: &RequestId) -> Result<Option<Order>, OrderStoreError> {
        self.inner().find_order(request_id).await
    }

    async fn find_order_for_buyer(
        &self,
        user_id: &UserId,
        product_id: &ProductId,
    ) -> Result<Option<Order>, OrderStoreError> {
        self.inner().find_order_for_buyer(user_id, product_id).await
    }

    async fn order(&self, order_id: &OrderId) -> Result<Option<Order>, OrderStoreError> {
        self.inner().order(order_id).await
    }

    async fn orders_of(
        &self,
        user_id: &UserId,
        page: OrderPage,
    ) -> Result<Vec<Order>, OrderStoreError> {
        self.inner().orders_of(user_id, page).await
    }

    async fn sale_orders(
        &self,
        product_id: &ProductId,
        query: &SaleOrdersQuery,
    ) -> Result<Vec<Order>, OrderStoreError> {
        self.inner().sale_orders(product_id, query).await
    }

    async fn close(
        &self,
        order_id: &OrderId,
        closing: Closing,
        now: Timestamp,
    ) -> Result<Closed, OrderStoreError> {
        self.inner().close(order_id, closing, now).await
    }

    async fn pay(
        &self,
        order_id: &OrderId,
        payment_id: &PaymentId,
        now: Timestamp,
    ) -> Result<Paid, OrderStoreError> {
        self.inner().pay(order_id, payment_id, now).await
    }

    async fn overdue(&self, now: Timestamp, limit: u32) -> Result<Vec<Order>, OrderStoreError> {
        self.inner().overdue(now, limit).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{
        capture, counter_value, histogram_count, histogram_values, new_order, FakeStore,
    };

    #[test]
    fn a_batch_is_timed_sized_and_its_outcomes_counted() {
        let store = Measured::new(FakeStore::answering(vec![
            Persisted::Refused(FailureReason::SoldOut),
            Persisted::Refused(FailureReason::SoldOut),
            Persisted::Refused(FailureReason::AlreadyPurchased),
        ]));
        let batch = vec![new_order(); 3];
        let (result, snapshot) = capture(store.persist(&batch));
        assert_eq!(result.map(|r| r.len()), Ok(3));
        let labels = [("outcome", "ok")];
        assert_eq!(
            histogram_count(&snapshot, ORDER_STORE_TRANSACTION_DURATION, &labels),
            1
        );
        assert_eq!(
            histogram_values(&snapshot, ORDER_STORE_BATCH_SIZE, &[]),
            vec![3.0]
        );
        let orders =
            |outcome| counter_value(&snapshot, ORDER_STORE_ORDERS, &[("outcome", outcome)]);
        assert_eq!(orders("sold_out"), Some(2));
        assert_eq!(orders("already_purchased"), Some(1));
        assert_eq!(orders("created"), None);
    }

    #[test]
    fn a_failed_transaction_is_timed_as_an_error_and_counts_no_order() {
        let store = Measured::new(FakeStore::failing());
        let (result, snapshot) = capture(store.persist(&[new_order()]));
        assert!(result.is_err());
        let labels = [("outcome", "error")];
        assert_eq!(
            histogram_count(&snapshot, ORDER_STORE_TRANSACTION_DURATION, &labels),
            1
        );
        assert_eq!(
            counter_value(&snapshot, ORDER_STORE_ORDERS, &[("outcome", "created")]),
            None
        );
    }
}
