//! A publish that failed or whose outcome is unknown, though the message arrived: the buyer
//! is never told "nothing was taken" for an order that exists, the gate agrees with the
//! system of record once drained, and a buyer always finds what they own. In memory, with a
//! queue that delivers each message and then answers a chosen error.
#![allow(clippy::expect_used, clippy::unwrap_used)] // integration-test helpers may panic

use std::sync::Arc;
use std::time::Duration;

use flashsale_application::ports::{
    Clock, KeyTimes, OrderQueue, PortFailure, QueueError, SaleCatalog, StockGate,
};
use flashsale_application::{Adapters, FlashSale, PlacePurchaseError, Ports, Republished};
use flashsale_domain::{
    FailureReason, ProductId, PurchaseState, Quantity, Reservation, Sale, SaleWindow, Timestamp,
    UserId,
};
use flashsale_memory::{
    order_queue, run_order_worker, MemoryDatabase, MemoryIdempotencyStore, MemoryOrderQueue,
    MemoryRateLimiter, MemoryResultStore, MemoryStockGate, OrderReceiver, SystemClock, UuidIds,
    WorkerSettings,
};

/// A queue that delivers every message, then reports the publish as failed with `answer`:
/// a broker whose acknowledgement was lost. With `reconciler`, the message delivered is the
/// reconciler's copy: while the publish is under way, reconciliation claims the reservation
/// and re-publishes it, as it does once the reservation looks stale.
#[derive(Clone)]
struct LostAck {
    inner: MemoryOrderQueue,
    answer: QueueError,
    reconciler: Option<MemoryStockGate>,
}

impl OrderQueue for LostAck {
    async fn publish(&self, reservation: &Reservation) -> Result<(), QueueError> {
        if let Some(gate) = &self.reconciler {
            assert!(gate.claim_for_republish(reservation).await.unwrap());
        }
        self.inner.publish(reservation).await?;
        Err(self.answer.clone())
    }
}

struct LostAckPorts;

impl Ports for LostAckPorts {
    type Gate = MemoryStockGate;
    type Queue = LostAck;
    type Store = MemoryDatabase;
    type Catalog = MemoryDatabase;
    type Results = MemoryResultStore;
    type Limiter = MemoryRateLimiter<SystemClock>;
    type Clock = SystemClock;
    type Ids = UuidIds;
    type Idempotency = MemoryIdempotencyStore;
}

type Service = Arc<FlashSale<LostAckPorts>>;

fn idempotency() -> MemoryIdempotencyStore {
    MemoryIdempotencyStore::new(KeyTimes {
        ttl: Duration::from_secs(3_600),
        lease: Duration::from_secs(10),
    })
}

fn service(answer: QueueError) -> (Service, OrderReceiver) {
    service_racing(answer, false)
}

/// With `reconciler_races`, reconciliation re-publishes every reservation during its publish.
fn service_racing(answer: QueueError, reconciler_races: bool) -> (Service, OrderReceiver) {
    let database = MemoryDatabase::default();
    let (inner, receiver) = order_queue(100, Duration::from_millis(20));
    let gate = MemoryStockGate::default();
    let adapters = Adapters::<LostAckPorts> {
        gate: gate.clone(),
        queue: LostAck {
            inner,
            answer,
            reconciler: reconciler_races.then_some(gate),
        },
        store: database.clone(),
        catalog: database,
        results: MemoryResultStore::default(),
        limiter: MemoryRateLimiter::new(None, SystemClock),
        clock: SystemClock,
        ids: UuidIds,
        idempotency: idempotency(),
    };
    (Arc::new(FlashSale::new(adapters)), receiver)
}

async fn drain(service: &Service, receiver: OrderReceiver) {
    let settings = WorkerSettings {
        batch_size: 16,
        retry_backoff: Duration::from_millis(10),
    };
    run_order_worker(service.clone(), receiver, settings, async {}).await;
}

fn product() -> ProductId {
    ProductId::parse("phone").expect("valid")
}

fn buyer(n: usize) -> UserId {
    UserId::parse(format!("buyer-{n}")).expect("valid")
}

fn open_sale(stock: u32) -> Sale {
    let now = SystemClock.now().as_millis();
    let window = SaleWindow::new(
        Timestamp::from_millis(now - 60_000),
        Timestamp::from_millis(now + 3_600_000),
    )
    .expect("valid");
    Sale::new(product(), "Phone", stock, window).expect("valid")
}

async fn gate_remaining(service: &Service) -> u32 {
    service.ports().gate.remaining(&[product()]).await.unwrap()[0].expect("loaded")
}

async fn database_remaining(service: &Service) -> u32 {
    service
        .ports()
        .catalog
        .audit(&product())
        .await
        .unwrap()
        .expect("exists")
        .remaining
}

#[tokio::test]
async fn a_publish_whose_outcome_is_unknown_stays_pending_and_becomes_the_buyers_order() {
    let (service, receiver) = service(QueueError::OutcomeUnknown(PortFailure::new("no ack")));
    service.create_sale(open_sale(3)).await.expect("created");
    let answer = service
        .place_purchase(&buyer(1), None, product(), Quantity::ONE)
        .await;
    let Err(PlacePurchaseError::OutcomeUnknown { request_id }) = answer else {
        panic!("not outcome-unknown: {answer:?}")
    };
    let pending = service
        .query_result(&buyer(1), &request_id)
        .await
        .expect("found");
    assert_eq!(
        pending.state(),
        &PurchaseState::Pending,
        "the unit stays taken"
    );
    assert_eq!(gate_remaining(&service).await, 2);

    drain(&service, receiver).await;
    let done = service
        .query_result(&buyer(1), &request_id)
        .await
        .expect("found");
    assert!(matches!(done.state(), PurchaseState::Succeeded { .. }));
    assert_eq!(gate_remaining(&service).await, 2);
    assert_eq!(database_remaining(&service).await, 2);
}

#[tokio::test]
async fn a_queue_failure_whose_message_arrived_ends_succeeded_and_the_gate_takes_the_unit_back() {
    let (service, receiver) = service(QueueError::Unavailable(PortFailure::new("refused")));
    service.create_sale(open_sale(3)).await.expect("created");
    let answer = service
        .place_purchase(&buyer(1), None, product(), Quantity::ONE)
        .await;
    assert!(matches!(answer, Err(PlacePurchaseError::QueueUnavailable)));
    let failed = service
        .query_result_for_product(&buyer(1), &product())
        .await
        .expect("found");
    assert_eq!(
        failed.state(),
        &PurchaseState::Failed {
            reason: FailureReason::QueueUnavailable
        }
    );
    assert_eq!(gate_remaining(&service).await, 3, "the unit went back");

    drain(&service, receiver).await;
    let by_request = service
        .query_result(&buyer(1), &failed.request_id)
        .await
        .expect("found");
    assert!(
        matches!(by_request.state(), PurchaseState::Succeeded { .. }),
        "the order exists, so the result says so: {by_request:?}"
    );
    let by_product = service
        .query_result_for_product(&buyer(1), &product())
        .await
        .expect("found");
    assert_eq!(by_product, by_request);
    assert_eq!(database_remaining(&service).await, 2);
    assert_eq!(gate_remaining(&service).await, 2, "gate = system of record");
    let again = service
        .place_purchase(&buyer(1), None, product(), Quantity::ONE)
        .await;
    assert!(
        matches!(again, Err(PlacePurchaseError::AlreadyPurchased { .. })),
        "the buyer's marker is back: {again:?}"
    );
}

#[tokio::test]
async fn a_failed_publish_racing_a_republish_is_outcome_unknown_never_nothing_taken() {
    let (service, receiver) =
        service_racing(QueueError::Unavailable(PortFailure::new("refused")), true);
    service.create_sale(open_sale(3)).await.expect("created");
    let answer = service
        .place_purchase(&buyer(1), None, product(), Quantity::ONE)
        .await;
    let Err(PlacePurchaseError::OutcomeUnknown { request_id }) = answer else {
        panic!("a re-published reservation is not 'nothing taken': {answer:?}")
    };
    let pending = service
        .query_result(&buyer(1), &request_id)
        .await
        .expect("found");
    assert_eq!(pending.state(), &PurchaseState::Pending, "never 'failed'");
    assert_eq!(gate_remaining(&service).await, 2, "the unit stays taken");

    drain(&service, receiver).await;
    let done = service
        .query_result(&buyer(1), &request_id)
        .await
        .expect("found");
    assert!(matches!(done.state(), PurchaseState::Succeeded { .. }));
    assert_eq!(database_remaining(&service).await, 2);
    assert_eq!(gate_remaining(&service).await, 2, "gate = system of record");
}

#[tokio::test]
async fn a_buyer_finds_by_product_an_order_the_gate_and_the_results_do_not_know() {
    let (service, receiver) = service(QueueError::OutcomeUnknown(PortFailure::new("no ack")));
    service.create_sale(open_sale(3)).await.expect("created");
    let _ = service
        .place_purchase(&buyer(1), None, product(), Quantity::ONE)
        .await;
    drain(&service, receiver).await;

    // Another process whose gate and result store know nothing of it.
    let (queue, _receiver) = order_queue(1, Duration::from_millis(1));
    let forgetful = FlashSale::<LostAckPorts>::new(Adapters {
        gate: MemoryStockGate::default(),
        queue: LostAck {
            inner: queue,
            answer: QueueError::Unavailable(PortFailure::new("unused")),
            reconciler: None,
        },
        store: service.ports().store.clone(),
        catalog: service.ports().catalog.clone(),
        results: MemoryResultStore::default(),
        limiter: MemoryRateLimiter::new(None, SystemClock),
        clock: SystemClock,
        ids: UuidIds,
        idempotency: idempotency(),
    });
    let found = forgetful
        .query_result_for_product(&buyer(1), &product())
        .await
        .expect("found");
    assert!(matches!(found.state(), PurchaseState::Succeeded { .. }));
    assert!(forgetful
        .query_result_for_product(&buyer(2), &product())
        .await
        .is_err());
}

#[tokio::test]
async fn reconciling_repairs_a_settled_sale_whose_gate_drifted_from_the_system_of_record() {
    let (service, receiver) = service(QueueError::OutcomeUnknown(PortFailure::new("no ack")));
    service.create_sale(open_sale(3)).await.expect("created");
    let Err(PlacePurchaseError::OutcomeUnknown { request_id }) = service
        .place_purchase(&buyer(1), None, product(), Quantity::ONE)
        .await
    else {
        panic!("not outcome-unknown")
    };
    drain(&service, receiver).await;
    // A wrong release of the stored order: the gate one unit above the system of record.
    let order = service
        .query_result(&buyer(1), &request_id)
        .await
        .expect("found");
    let reservation = Reservation {
        request_id,
        user_id: buyer(1),
        product_id: product(),
        quantity: Quantity::ONE,
        reserved_at: order.accepted_at,
    };
    service.ports().gate.release(&reservation).await.unwrap();
    assert_eq!(gate_remaining(&service).await, 3);

    let report = service
        .reconcile(Duration::from_secs(60), &mut Republished::new())
        .await
        .unwrap();
    assert_eq!(report.repaired_sales, 1);
    assert_eq!(gate_remaining(&service).await, 2);
    assert_eq!(database_remaining(&service).await, 2);
    let again = service
        .reconcile(Duration::from_secs(60), &mut Republished::new())
        .await
        .unwrap();
    assert_eq!(again.repaired_sales, 0, "nothing left to repair");
}
