//! Test helpers: a local debugging recorder around one future, lookups in what it recorded, and
//! fake ports with fixed answers.

use std::future::Future;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use flashsale_application::ports::{
    LoadOutcome, NewOrder, OrderQueue, OrderStore, OrderStoreError, Persisted, PortFailure,
    QueueError, RateLimitError, RateLimiter, ReserveOutcome, ResultStore, ResultStoreError,
    StockGate, StockGateError, StockSnapshot, Withdrawal,
};
use flashsale_domain::{
    OrderId, ProductId, Purchase, Quantity, RateDecision, Refusal, Release, RequestId, Reservation,
    ReservationRequest, Timestamp, UserId,
};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use metrics_util::{CompositeKey, MetricKind};

/// Everything recorded, one entry per metric and label set.
pub type Recorded = Vec<(CompositeKey, DebugValue)>;

/// Runs `future` to completion on this thread with a fresh debugging recorder as the local
/// recorder; returns its output and what was recorded.
pub fn capture<F: Future>(future: F) -> (F::Output, Recorded) {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let output = metrics::with_local_recorder(&recorder, || runtime.block_on(future));
    let recorded = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, _, _, value)| (key, value))
        .collect();
    (output, recorded)
}

fn find<'a>(
    recorded: &'a Recorded,
    kind: MetricKind,
    name: &str,
    labels: &[(&str, &str)],
) -> Option<&'a DebugValue> {
    recorded.iter().find_map(|(key, value)| {
        let key_labels: Vec<(&str, &str)> = key
            .key()
            .labels()
            .map(|label| (label.key(), label.value()))
            .collect();
        let same = key.kind() == kind
            && key.key().name() == name
            && key_labels.len() == labels.len()
            && labels.iter().all(|label| key_labels.contains(label));
        same.then_some(value)
    })
}

/// The samples of a histogram with exactly these labels; empty when never recorded.
pub fn histogram_values(recorded: &Recorded, name: &str, labels: &[(&str, &str)]) -> Vec<f64> {
    match find(recorded, MetricKind::Histogram, name, labels) {
        Some(DebugValue::Histogram(values)) => values.iter().map(|v| v.into_inner()).collect(),
        _ => Vec::new(),
    }
}

/// How many samples a histogram with exactly these labels holds.
pub fn histogram_count(recorded: &Recorded, name: &str, labels: &[(&str, &str)]) -> usize {
    histogram_values(recorded, name, labels).len()
}

/// A counter's value, `None` when never touched.
pub fn counter_value(recorded: &Recorded, name: &str, labels: &[(&str, &str)]) -> Option<u64> {
    match find(recorded, MetricKind::Counter, name, labels) {
        Some(DebugValue::Counter(value)) => Some(*value),
        _ => None,
    }
}

/// A gauge's value, `None` when never set.
pub fn gauge_value(recorded: &Recorded, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    match find(recorded, MetricKind::Gauge, name, labels) {
        Some(DebugValue::Gauge(value)) => Some(value.into_inner()),
        _ => None,
    }
}

/// The product every fake deals in.
pub fn product() -> ProductId {
    ProductId::parse("phone").expect("id")
}

/// A reservation of one unit of [`product`].
pub fn reservation() -> Reservation {
    Reservation {
        request_id: RequestId::parse("r-1").expect("id"),
        user_id: UserId::parse("alice").expect("id"),
        product_id: product(),
        quantity: Quantity::ONE,
        reserved_at: Timestamp::from_millis(0),
    }
}

/// An order for [`reservation`].
pub fn new_order() -> NewOrder {
    NewOrder {
        order_id: OrderId::parse("o-1").expect("id"),
        reservation: reservation(),
        created_at: Timestamp::from_millis(1),
    }
}

fn unavailable() -> StockGateError {
    StockGateError::Unavailable(PortFailure::new("down"))
}

/// A gate answering every reservation the same way, or failing every call.
#[derive(Clone)]
pub struct FakeGate(Option<Result<(), Refusal>>);

impl FakeGate {
    /// Grants every reservation.
    pub fn reserving() -> Self {
        Self(Some(Ok(())))
    }

    /// Refuses every reservation with `refusal`.
    pub fn refusing(refusal: Refusal) -> Self {
        Self(Some(Err(refusal)))
    }

    /// Fails every call.
    pub fn failing() -> Self {
        Self(None)
    }
}

impl StockGate for FakeGate {
    async fn reserve(
        &self,
        _: ReservationRequest,
        _: Option<IpAddr>,
        _: Timestamp,
    ) -> Result<ReserveOutcome, StockGateError> {
        match self.0 {
            Some(Ok(())) => Ok(Ok(reservation())),
            Some(Err(refusal)) => Ok(Err(refusal)),
            None => Err(unavailable()),
        }
    }

    async fn release(&self, _: &Reservation) -> Result<Release, StockGateError> {
        self.0.map(|_| Release::Released).ok_or_else(unavailable)
    }

    async fn restock(
        &self,
        _: &flashsale_domain::Order,
        _: bool,
    ) -> Result<Release, StockGateError> {
        self.0.map(|_| Release::Released).ok_or_else(unavailable)
    }

    async fn cancel(&self, _: &Reservation) -> Result<Withdrawal, StockGateError> {
        self.0
            .map(|_| Withdrawal::Withdrawn)
            .ok_or_else(unavailable)
    }

    async fn set_paused(&self, _: &ProductId, _: bool) -> Result<bool, StockGateError> {
        self.0.map(|_| true).ok_or_else(unavailable)
    }

    async fn set_window(
        &self,
        _: &ProductId,
        _: flashsale_domain::SaleWindow,
    ) -> Result<bool, StockGateError> {
        self.0.map(|_| true).ok_or_else(unavailable)
    }

    async fn add_units(
        &self,
        _: &ProductId,
        _: u32,
        _: &flashsale_domain::RestockId,
    ) -> Result<bool, StockGateError> {
        self.0.map(|_| true).ok_or_else(unavailable)
    }

    async fn retire(
        &self,
        _: &ProductId,
        _: Timestamp,
        _: Timestamp,
    ) -> Result<(), StockGateError> {
        self.0.map(|_| ()).ok_or_else(unavailable)
    }

    async fn claim_for_republish(&self, _: &Reservation) -> Result<bool, StockGateError> {
        self.0.map(|_| true).ok_or_else(unavailable)
    }

    async fn discard(&self, _: &Reservation) -> Result<Release, StockGateError> {
        self.0.map(|_| Release::Released).ok_or_else(unavailable)
    }

    async fn withdraw(&self, _: &Reservation) -> Result<Withdrawal, StockGateError> {
        self.0
            .map(|_| Withdrawal::Withdrawn)
            .ok_or_else(unavailable)
    }

    async fn repair(&self, _: &ProductId, _: u32, _: u32) -> Result<bool, StockGateError> {
        self.0.map(|_| false).ok_or_else(unavailable)
    }

    async fn settle(&self, _: &[Reservation]) -> Result<(), StockGateError> {
        self.0.map(|_| ()).ok_or_else(unavailable)
    }

    async fn load(&self, _: &StockSnapshot) -> Result<LoadOutcome, StockGateError> {
        self.0.map(|_| LoadOutcome::Loaded).ok_or_else(unavailable)
    }

    async fn in_flight(&self, _: &ProductId) -> Result<Vec<Reservation>, StockGateError> {
        self.0
            .map(|_| vec![reservation(), reservation()])
            .ok_or_else(unavailable)
    }

    async fn remaining(&self, products: &[ProductId]) -> Result<Vec<Option<u32>>, StockGateError> {
        self.0
            .map(|_| products.iter().map(|_| Some(7)).collect())
            .ok_or_else(unavailable)
    }

    async fn pending(
        &self,
        _: &ProductId,
        _: &RequestId,
    ) -> Result<Option<Reservation>, StockGateError> {
        self.0.map(|_| Some(reservation())).ok_or_else(unavailable)
    }

    async fn holder(&self, _: &ProductId, _: &UserId) -> Result<Option<RequestId>, StockGateError> {
        self.0
            .map(|_| Some(reservation().request_id))
            .ok_or_else(unavailable)
    }

    async fn in_flight_count(&self, _: &ProductId) -> Result<u64, StockGateError> {
        self.0.map(|_| 2).ok_or_else(unavailable)
    }
}

/// A queue that accepts (`true`) or refuses every message.
#[derive(Clone)]
pub struct FakeQueue(pub bool);

impl OrderQueue for FakeQueue {
    async fn publish(&self, _: &Reservation) -> Result<(), QueueError> {
        if self.0 {
            Ok(())
        } else {
            Err(QueueError::Unavailable(PortFailure::new("full")))
        }
    }
}

/// A store answering every batch with the same outcomes, or failing.
#[derive(Clone)]
pub struct FakeStore(Option<Vec<Persisted>>);

impl FakeStore {
    /// Answers `outcomes`.
    pub fn answering(outcomes: Vec<Persisted>) -> Self {
        Self(Some(outcomes))
    }

    /// Fails every transaction.
    pub fn failing() -> Self {
        Self(None)
    }
}

impl OrderStore for FakeStore {
    async fn persist(&self, _: &[NewOrder]) -> Result<Vec<Persisted>, OrderStoreError> {
        self.0
            .clone()
            .ok_or_else(|| OrderStoreError::Unavailable(PortFailure::new("down")))
    }

    async fn find_order(
        &self,
        _: &flashsale_domain::RequestId,
    ) -> Result<Option<flashsale_domain::Order>, OrderStoreError> {
        Ok(None)
    }

    async fn find_order_for_buyer(
        &self,
        _: &UserId,
        _: &ProductId,
    ) -> Result<Option<flashsale_domain::Order>, OrderStoreError> {
        Ok(None)
    }

    async fn order(
        &self,
        _: &flashsale_domain::OrderId,
    ) -> Result<Option<flashsale_domain::Order>, OrderStoreError> {
        Ok(None)
    }

    async fn orders_of(
        &self,
        _: &UserId,
        _: flashsale_application::ports::OrderPage,
    ) -> Result<Vec<flashsale_domain::Order>, OrderStoreError> {
        Ok(Vec::new())
    }

    async fn sale_orders(
        &self,
        _: &ProductId,
        _: &flashsale_application::ports::SaleOrdersQuery,
    ) -> Result<Vec<flashsale_domain::Order>, OrderStoreError> {
        Ok(Vec::new())
    }

    async fn close(
        &self,
        _: &flashsale_domain::OrderId,
        _: flashsale_application::ports::Closing,
        _: Timestamp,
    ) -> Result<flashsale_application::ports::Closed, OrderStoreError> {
        Ok(flashsale_application::ports::Closed::Unknown)
    }

    async fn pay(
        &self,
        _: &flashsale_domain::OrderId,
        _: &flashsale_domain::PaymentId,
        _: Timestamp,
    ) -> Result<flashsale_application::ports::Paid, OrderStoreError> {
        Ok(flashsale_application::ports::Paid::Unknown)
    }

    async fn overdue(
        &self,
        _: Timestamp,
        _: u32,
    ) -> Result<Vec<flashsale_domain::Order>, OrderStoreError> {
        Ok(Vec::new())
    }
}

/// A limiter alternating: allowed, limited, allowed, ...
#[derive(Clone, Default)]
pub struct FakeLimiter(Arc<AtomicBool>);

impl RateLimiter for FakeLimiter {
    async fn check(&self, _: IpAddr) -> Result<RateDecision, RateLimitError> {
        if self.0.fetch_xor(true, Ordering::Relaxed) {
            Ok(RateDecision::Limited {
                retry_after: Duration::from_secs(1),
            })
        } else {
            Ok(RateDecision::Allowed)
        }
    }
}

/// A result store that holds nothing.
#[derive(Clone)]
pub struct FakeResults;

impl ResultStore for FakeResults {
    async fn save(&self, _: &[Purchase]) -> Result<(), ResultStoreError> {
        Ok(())
    }

    async fn find(&self, _: &RequestId) -> Result<Option<Purchase>, ResultStoreError> {
        Ok(None)
    }

    async fn find_for_buyer(
        &self,
        _: &UserId,
        _: &ProductId,
    ) -> Result<Option<Purchase>, ResultStoreError> {
        Ok(None)
    }
}
