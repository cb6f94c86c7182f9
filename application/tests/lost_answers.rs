//! A purchase whose stock-gate answer is lost: the buyer is never told "nothing was taken"
//! unless a cancel proved it, and an unknown outcome is settled by reconciliation. The gate is
//! the in-memory one, wrapped to lose answers the way a network does.
#![allow(clippy::expect_used, clippy::unwrap_used, missing_docs)]

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use flashsale_application::ports::{
    Clock, KeyTimes, LoadOutcome, PortFailure, ReserveOutcome, StockGate, StockGateError,
    StockSnapshot, Withdrawal,
};
use flashsale_application::{Adapters, FlashSale, PlacePurchaseError, Ports, Republished};
use flashsale_domain::{
    IdempotencyKey, ProductId, PurchaseState, Quantity, Release, RequestId, Reservation,
    ReservationRequest, Sale, SaleWindow, Timestamp, UserId,
};
use flashsale_memory::{
    embedded, run_order_worker, EmbeddedSettings, MemoryDatabase, MemoryIdempotencyStore,
    MemoryOrderQueue, MemoryRateLimiter, MemoryResultStore, MemoryStockGate, RateLimits,
    SystemClock, UuidIds, WorkerSettings,
};

/// How the next reserve's answer goes astray.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loss {
    /// Answers arrive.
    None,
    /// The reserve runs, its answer is lost.
    AfterRunning,
    /// The reserve is held in the network (it runs only when [`LossyGate::deliver_held`]).
    Held,
}

#[derive(Default)]
struct Faults {
    loss: Option<Loss>,
    cancel_fails: bool,
    held: Vec<(ReservationRequest, Option<IpAddr>, Timestamp)>,
}

/// The in-memory gate behind a network that loses answers.
#[derive(Clone)]
struct LossyGate {
    inner: MemoryStockGate,
    faults: Arc<Mutex<Faults>>,
}

impl LossyGate {
    fn lose(&self, loss: Loss, cancel_fails: bool) {
        let mut faults = self.faults.lock().unwrap();
        faults.loss = Some(loss);
        faults.cancel_fails = cancel_fails;
    }

    /// Lets held reserves reach the gate, and returns what the gate answered.
    async fn deliver_held(&self) -> Vec<Result<ReserveOutcome, StockGateError>> {
        let held = std::mem::take(&mut self.faults.lock().unwrap().held);
        let mut answers = Vec::new();
        for (request, client, now) in held {
            answers.push(self.inner.reserve(request, client, now).await);
        }
        answers
    }
}

fn lost() -> StockGateError {
    StockGateError::OutcomeUnknown(PortFailure::new("the answer timed out"))
}

impl StockGate for LossyGate {
    async fn reserve(
        &self,
        request: ReservationRequest,
        client: Option<IpAddr>,
        now: Timestamp,
    ) -> Result<ReserveOutcome, StockGateError> {
        let loss = self
            .faults
            .lock()
            .unwrap()
            .loss
            .take()
            .unwrap_or(Loss::None);
        match loss {
            Loss::None => self.inner.reserve(request, client, now).await,
            Loss::AfterRunning => {
                let _lost = self.inner.reserve(request, client, now).await;
                Err(lost())
            }
            Loss::Held => {
                self.faults
                    .lock()
                    .unwrap()
                    .held
                    .push((request, client, now));
                Err(lost())
            }
        }
    }

    async fn cancel(&self, reservation: &Reservation) -> Result<Withdrawal, StockGateError> {
        if self.faults.lock().unwrap().cancel_fails {
            return Err(lost());
        }
        self.inner.cancel(reservation).await
    }

    async fn restock(
        &self,
        order: &flashsale_domain::Order,
        may_buy_again: bool,
    ) -> Result<Release, StockGateError> {
        self.inner.restock(order, may_buy_again).await
    }
    async fn pending(
        &self,
        product: &ProductId,
        request: &RequestId,
    ) -> Result<Option<Reservation>, StockGateError> {
        self.inner.pending(product, request).await
    }

    async fn holder(
        &self,
        product: &ProductId,
        user: &UserId,
    ) -> Result<Option<RequestId>, StockGateError> {
        self.inner.holder(product, user).await
    }

    async fn in_flight_count(&self, product: &ProductId) -> Result<u64, StockGateError> {
        self.inner.in_flight_count(product).await
    }

    async fn release(&self, reservation: &Reservation) -> Result<Release, StockGateError> {
        self.inner.release(reservation).await
    }

    async fn discard(&self, reservation: &Reservation) -> Result<Release, StockGateError> {
        self.inner.discard(reservation).await
    }

    async fn withdraw(&self, reservation: &Reservation) -> Result<Withdrawal, StockGateError> {
        self.inner.withdraw(reservation).await
    }

    async fn set_paused(&self, product: &ProductId, paused: bool) -> Result<bool, StockGateError> {
        self.inner.set_paused(product, paused).await
    }

    async fn set_window(
        &self,
        product: &ProductId,
        window: flashsale_domain::SaleWindow,
    ) -> Result<bool, StockGateError> {
        self.inner.set_window(product, window).await
    }

    async fn add_units(
        &self,
        product: &ProductId,
        units: u32,
        restock: &flashsale_domain::RestockId,
    ) -> Result<bool, StockGateError> {
        self.inner.add_units(product, units, restock).await
    }

    async fn retire(
        &self,
        product: &ProductId,
        until: Timestamp,
        now: Timestamp,
    ) -> Result<(), StockGateError> {
        self.inner.retire(product, until, now).await
    }

    async fn claim_for_republish(&self, reservation: &Reservation) -> Result<bool, StockGateError> {
        self.inner.claim_for_republish(reservation).await
    }

    async fn repair(
        &self,
        product: &ProductId,
        seen: u32,
        remaining: u32,
    ) -> Result<bool, StockGateError> {
        self.inner.repair(product, seen, remaining).await
    }

    async fn settle(&self, reservations: &[Reservation]) -> Result<(), StockGateError> {
        self.inner.settle(reservations).await
    }

    async fn load(&self, snapshot: &StockSnapshot) -> Result<LoadOutcome, StockGateError> {
        self.inner.load(snapshot).await
    }

    async fn in_flight(&self, product: &ProductId) -> Result<Vec<Reservation>, StockGateError> {
        self.inner.in_flight(product).await
    }

    async fn remaining(&self, products: &[ProductId]) -> Result<Vec<Option<u32>>, StockGateError> {
        self.inner.remaining(products).await
    }
}

/// The embedded profile with the lossy gate.
struct Lossy;

impl Ports for Lossy {
    type Gate = LossyGate;
    type Queue = MemoryOrderQueue;
    type Store = MemoryDatabase;
    type Catalog = MemoryDatabase;
    type Results = MemoryResultStore;
    type Limiter = MemoryRateLimiter<SystemClock>;
    type Clock = SystemClock;
    type Ids = UuidIds;
    type Idempotency = MemoryIdempotencyStore;
}

struct Harness {
    service: Arc<FlashSale<Lossy>>,
    gate: LossyGate,
    stop: tokio::sync::oneshot::Sender<()>,
    worker: tokio::task::JoinHandle<()>,
}

async fn harness(stock: u32) -> Harness {
    let (adapters, receiver) = embedded(&EmbeddedSettings {
        rate_limits: RateLimits::NONE,
        queue_capacity: 100,
        publish_timeout: Duration::from_millis(20),
        idempotency: KeyTimes {
            ttl: Duration::from_secs(3_600),
            lease: Duration::from_secs(10),
        },
    });
    let gate = LossyGate {
        inner: adapters.gate,
        faults: Arc::default(),
    };
    let service = Arc::new(FlashSale::new(Adapters::<Lossy> {
        gate: gate.clone(),
        queue: adapters.queue,
        store: adapters.store,
        catalog: adapters.catalog,
        results: adapters.results,
        limiter: adapters.limiter,
        clock: adapters.clock,
        ids: adapters.ids,
        idempotency: adapters.idempotency,
    }));
    let now = SystemClock.now().as_millis();
    let window = SaleWindow::new(
        Timestamp::from_millis(now - 60_000),
        Timestamp::from_millis(now + 3_600_000),
    )
    .unwrap();
    let sale = Sale::new(product(), "Limited phone", stock, window).unwrap();
    service.create_sale(sale).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(run_order_worker(
        service.clone(),
        receiver,
        WorkerSettings {
            batch_size: 16,
            retry_backoff: Duration::from_millis(10),
        },
        async move {
            let _ = stopped.await;
        },
    ));
    Harness {
        service,
        gate,
        stop,
        worker,
    }
}

impl Harness {
    async fn buy(&self, n: usize) -> Result<flashsale_application::Accepted, PlacePurchaseError> {
        self.service
            .place_purchase(&user(n), None, product(), Quantity::ONE)
            .await
    }

    async fn buy_with_key(
        &self,
        n: usize,
        key: &str,
    ) -> Result<flashsale_application::Accepted, flashsale_application::IdempotentPurchaseError>
    {
        self.service
            .place_purchase_idempotently(
                &user(n),
                None,
                product(),
                Quantity::ONE,
                IdempotencyKey::parse(key).unwrap(),
            )
            .await
    }

    async fn remaining(&self) -> Option<u32> {
        self.gate.remaining(&[product()]).await.unwrap()[0]
    }

    async fn drain(self) -> Arc<FlashSale<Lossy>> {
        let _ = self.stop.send(());
        self.worker.await.unwrap();
        self.service
    }
}

fn product() -> ProductId {
    ProductId::parse("p1").unwrap()
}

fn user(n: usize) -> UserId {
    UserId::parse(format!("user-{n}")).unwrap()
}

#[tokio::test]
async fn a_lost_answer_whose_reserve_ran_is_cancelled_and_the_buyer_told_nothing_was_taken() {
    let h = harness(1).await;
    h.gate.lose(Loss::AfterRunning, false);
    let answer = h.buy(1).await;
    assert!(
        matches!(
            answer,
            Err(PlacePurchaseError::Gate(StockGateError::Cancelled(_)))
        ),
        "{answer:?}"
    );
    assert_eq!(h.remaining().await, Some(1), "the unit went back");
    h.buy(1).await.expect("the buyer buys again");
    let service = h.drain().await;
    assert_eq!(service.ports().store.orders_of(&product()).len(), 1);
}

#[tokio::test]
async fn a_reserve_that_arrives_after_its_cancel_takes_nothing() {
    let h = harness(1).await;
    h.gate.lose(Loss::Held, false);
    let answer = h.buy(1).await;
    assert!(
        matches!(
            answer,
            Err(PlacePurchaseError::Gate(StockGateError::Cancelled(_)))
        ),
        "{answer:?}"
    );
    let late = h.gate.deliver_held().await;
    assert!(
        matches!(late.as_slice(), [Err(StockGateError::Cancelled(_))]),
        "{late:?}"
    );
    assert_eq!(h.remaining().await, Some(1), "nothing was taken");
    let service = h.drain().await;
    assert!(service.ports().store.orders_of(&product()).is_empty());
}

#[tokio::test]
async fn an_unconfirmed_cancel_answers_outcome_unknown_and_reconciliation_makes_the_order() {
    let h = harness(1).await;
    h.gate.lose(Loss::AfterRunning, true);
    let request_id = match h.buy(1).await {
        Err(PlacePurchaseError::OutcomeUnknown { request_id }) => request_id,
        other => panic!("expected an unknown outcome, got {other:?}"),
    };
    let pending = h.service.query_result(&user(1), &request_id).await.unwrap();
    assert_eq!(
        pending.state(),
        &PurchaseState::Pending,
        "the buyer sees it is taken"
    );

    let report = h
        .service
        .reconcile(Duration::ZERO, &mut Republished::new())
        .await
        .unwrap();
    assert_eq!(report.republished, 1);
    let service = h.drain().await;
    let orders = service.ports().store.orders_of(&product());
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].request_id, request_id);
    let result = service.query_result(&user(1), &request_id).await.unwrap();
    assert!(matches!(result.state(), PurchaseState::Succeeded { .. }));
}

#[tokio::test]
async fn an_unconfirmed_cancel_of_a_reserve_that_never_ran_leaves_nothing_to_find() {
    let h = harness(1).await;
    h.gate.lose(Loss::Held, true);
    let request_id = match h.buy(1).await {
        Err(PlacePurchaseError::OutcomeUnknown { request_id }) => request_id,
        other => panic!("expected an unknown outcome, got {other:?}"),
    };
    let found = h.service.query_result(&user(1), &request_id).await;
    assert!(found.is_err(), "nothing taken so far: {found:?}");
    assert_eq!(h.remaining().await, Some(1));
    let service = h.drain().await;
    assert!(service.ports().store.orders_of(&product()).is_empty());
}

#[tokio::test]
async fn a_key_whose_attempt_was_cancelled_buys_afresh_on_retry() {
    let h = harness(1).await;
    h.gate.lose(Loss::AfterRunning, false);
    let first = h.buy_with_key(1, "retry-me").await;
    assert!(
        matches!(
            first,
            Err(flashsale_application::IdempotentPurchaseError::Purchase(
                PlacePurchaseError::Gate(StockGateError::Cancelled(_))
            ))
        ),
        "{first:?}"
    );
    let retried = h
        .buy_with_key(1, "retry-me")
        .await
        .expect("the retry buys under a new request id instead of the cancelled one");
    let again = h.buy_with_key(1, "retry-me").await.expect("replayed");
    assert_eq!(
        again.request_id, retried.request_id,
        "then the key replays it"
    );
    let service = h.drain().await;
    assert_eq!(service.ports().store.orders_of(&product()).len(), 1);
}
