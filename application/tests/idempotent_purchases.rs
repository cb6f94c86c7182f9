//! Purchases under an idempotency key, against the in-memory adapters: what a retry does after
//! each way the first attempt can end (accepted, refused, queue refused, unknown, died).
#![allow(clippy::expect_used, clippy::unwrap_used)] // integration-test helpers may panic

use std::sync::Arc;
use std::time::Duration;

use flashsale_application::ports::{
    Begun, Clock, Finish, IdempotencyStore, KeyClaim, KeyTimes, StockGate,
};
use flashsale_application::{FlashSale, IdempotentPurchaseError, PlacePurchaseError};
use flashsale_domain::{
    IdempotencyKey, ProductId, Quantity, Refusal, RequestId, ReservationRequest, Sale, SaleWindow,
    Timestamp, UserId,
};
use flashsale_memory::{
    embedded, Embedded, EmbeddedSettings, OrderReceiver, RateLimits, SystemClock,
};

const LEASE: Duration = Duration::from_millis(100);

fn service(queue_capacity: usize) -> (Arc<FlashSale<Embedded>>, OrderReceiver) {
    let (adapters, receiver) = embedded(&EmbeddedSettings {
        rate_limits: RateLimits::NONE,
        queue_capacity,
        publish_timeout: Duration::from_millis(20),
        idempotency: KeyTimes {
            ttl: Duration::from_secs(60),
            lease: LEASE,
        },
    });
    (Arc::new(FlashSale::new(adapters)), receiver)
}

fn product() -> ProductId {
    ProductId::parse("p1").unwrap()
}

fn alice() -> UserId {
    UserId::parse("alice").unwrap()
}

fn key() -> IdempotencyKey {
    IdempotencyKey::parse("k-1").unwrap()
}

/// The record the use case begins for alice's one-unit buy of `p1` under `k-1`.
fn claim() -> KeyClaim {
    KeyClaim {
        buyer: alice(),
        key: key(),
        fingerprint: "p1:1".into(),
    }
}

async fn open_sale(service: &FlashSale<Embedded>, stock: u32) {
    let now = SystemClock.now().as_millis();
    let window = SaleWindow::new(
        Timestamp::from_millis(now - 60_000),
        Timestamp::from_millis(now + 3_600_000),
    )
    .unwrap();
    let sale = Sale::new(product(), "Phone", stock, window).unwrap();
    service.create_sale(sale).await.unwrap();
}

async fn buy(
    service: &FlashSale<Embedded>,
    user: UserId,
) -> Result<flashsale_application::Accepted, IdempotentPurchaseError> {
    service
        .place_purchase_idempotently(&user, None, product(), Quantity::ONE, key())
        .await
}

async fn remaining(service: &FlashSale<Embedded>) -> Option<u32> {
    service.ports().gate.remaining(&[product()]).await.unwrap()[0]
}

/// A first attempt that took a unit under `request` and then died, or ended not knowing.
async fn first_attempt_reserved(service: &FlashSale<Embedded>, request: &RequestId) {
    let store = &service.ports().idempotency;
    let begun = store.begin(&claim(), request, SystemClock.now()).await;
    assert_eq!(begun, Ok(Begun::Started));
    let ask = ReservationRequest {
        request_id: request.clone(),
        user_id: alice(),
        product_id: product(),
        quantity: Quantity::ONE,
    };
    let gate = &service.ports().gate;
    gate.reserve(ask, None, SystemClock.now())
        .await
        .unwrap()
        .unwrap();
}

fn a_request_id() -> RequestId {
    RequestId::for_product(&product(), "0123456789abcdef0123456789abcdef").unwrap()
}

#[tokio::test]
async fn a_retry_after_an_unknown_end_reserves_again_under_the_kept_request_id_taking_nothing() {
    let (service, _receiver) = service(100);
    open_sale(&service, 1).await;
    let request = a_request_id();
    first_attempt_reserved(&service, &request).await;
    let store = &service.ports().idempotency;
    store
        .finish(&alice(), &key(), &request, &Finish::Unknown)
        .await
        .unwrap();
    let accepted = buy(&service, alice())
        .await
        .expect("the held unit is answered");
    assert_eq!(accepted.request_id, request);
    assert_eq!(remaining(&service).await, Some(0), "still one unit taken");
    let again = buy(&service, alice()).await.expect("replayed");
    assert_eq!(again.request_id, request);
}

#[tokio::test]
async fn a_retry_after_the_first_attempt_died_waits_for_its_lease_then_resumes_it() {
    let (service, _receiver) = service(100);
    open_sale(&service, 3).await;
    let request = a_request_id();
    first_attempt_reserved(&service, &request).await;
    let busy = buy(&service, alice()).await;
    assert!(
        matches!(busy, Err(IdempotentPurchaseError::KeyInUse)),
        "{busy:?}"
    );
    tokio::time::sleep(LEASE).await;
    let accepted = buy(&service, alice()).await.expect("resumed");
    assert_eq!(accepted.request_id, request);
    assert_eq!(remaining(&service).await, Some(2));
}

#[tokio::test]
async fn after_the_queue_refused_the_retry_starts_afresh_under_a_new_request_id() {
    let (service, _receiver) = service(1);
    open_sale(&service, 5).await;
    let bob = UserId::parse("bob").unwrap();
    service
        .place_purchase(&bob, None, product(), Quantity::ONE)
        .await
        .expect("fills the queue");
    let refused = buy(&service, alice()).await;
    assert!(matches!(
        refused,
        Err(IdempotentPurchaseError::Purchase(
            PlacePurchaseError::QueueUnavailable
        ))
    ));
    assert_eq!(remaining(&service).await, Some(4), "the unit went back");
    let store = &service.ports().idempotency;
    let fresh = a_request_id();
    let begun = store.begin(&claim(), &fresh, SystemClock.now()).await;
    assert_eq!(
        begun,
        Ok(Begun::Started),
        "nothing kept: a retry runs afresh"
    );
}

#[tokio::test]
async fn a_refusal_is_kept_and_another_body_under_the_key_is_refused() {
    let (service, _receiver) = service(100);
    open_sale(&service, 1).await;
    let bob = UserId::parse("bob").unwrap();
    service
        .place_purchase(&bob, None, product(), Quantity::ONE)
        .await
        .expect("takes the last unit");
    for _ in 0..2 {
        let sold_out = buy(&service, alice()).await;
        assert!(
            matches!(
                sold_out,
                Err(IdempotentPurchaseError::Purchase(
                    PlacePurchaseError::Refused(Refusal::SoldOut)
                ))
            ),
            "{sold_out:?}"
        );
    }
    let two = Quantity::new(2).unwrap();
    let other = service
        .place_purchase_idempotently(&alice(), None, product(), two, key())
        .await;
    assert!(
        matches!(other, Err(IdempotentPurchaseError::KeyReused)),
        "{other:?}"
    );
}

/// The in-memory gate, made to answer "sold out" from memory as the Redis gate may once it saw
/// a sell-out, before it would replay a held request id.
#[derive(Clone)]
struct SoldOutFromMemory {
    inner: flashsale_memory::MemoryStockGate,
    sold_out: Arc<std::sync::atomic::AtomicBool>,
}

mod remembering {
    //! The delegation of [`super::SoldOutFromMemory`] to the in-memory gate.

    use std::net::IpAddr;
    use std::sync::atomic::Ordering;

    use flashsale_application::ports::{
        LoadOutcome, ReserveOutcome, StockGate, StockGateError, StockSnapshot, Withdrawal,
    };
    use flashsale_domain::{
        ProductId, Refusal, Release, RequestId, Reservation, ReservationRequest, Timestamp, UserId,
    };

    use super::SoldOutFromMemory;

    impl StockGate for SoldOutFromMemory {
        async fn reserve(
            &self,
            request: ReservationRequest,
            client: Option<IpAddr>,
            now: Timestamp,
        ) -> Result<ReserveOutcome, StockGateError> {
            if self.sold_out.load(Ordering::SeqCst) {
                return Ok(Err(Refusal::SoldOut));
            }
            self.inner.reserve(request, client, now).await
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
        async fn cancel(&self, reservation: &Reservation) -> Result<Withdrawal, StockGateError> {
            self.inner.cancel(reservation).await
        }
        async fn withdraw(&self, reservation: &Reservation) -> Result<Withdrawal, StockGateError> {
            self.inner.withdraw(reservation).await
        }
        async fn set_paused(
            &self,
            product: &ProductId,
            paused: bool,
        ) -> Result<bool, StockGateError> {
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

        async fn claim_for_republish(
            &self,
            reservation: &Reservation,
        ) -> Result<bool, StockGateError> {
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
        async fn remaining(
            &self,
            products: &[ProductId],
        ) -> Result<Vec<Option<u32>>, StockGateError> {
            self.inner.remaining(products).await
        }
    }
}

/// The embedded profile with a gate that answers "sold out" from memory when told to.
struct Remembering;

impl flashsale_application::Ports for Remembering {
    type Gate = SoldOutFromMemory;
    type Queue = <Embedded as flashsale_application::Ports>::Queue;
    type Store = <Embedded as flashsale_application::Ports>::Store;
    type Catalog = <Embedded as flashsale_application::Ports>::Catalog;
    type Results = <Embedded as flashsale_application::Ports>::Results;
    type Limiter = <Embedded as flashsale_application::Ports>::Limiter;
    type Clock = <Embedded as flashsale_application::Ports>::Clock;
    type Ids = <Embedded as flashsale_application::Ports>::Ids;
    type Idempotency = <Embedded as flashsale_application::Ports>::Idempotency;
}

#[tokio::test]
async fn a_resumed_retry_told_sold_out_from_memory_finds_the_unit_it_holds() {
    let (service, _receiver) = service(100);
    open_sale(&service, 1).await;
    let request = a_request_id();
    first_attempt_reserved(&service, &request).await;
    let store = &service.ports().idempotency;
    store
        .finish(&alice(), &key(), &request, &Finish::Unknown)
        .await
        .unwrap();

    let adapters = service.ports();
    let sold_out = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let remembering = FlashSale::<Remembering>::new(flashsale_application::Adapters {
        gate: SoldOutFromMemory {
            inner: adapters.gate.clone(),
            sold_out,
        },
        queue: adapters.queue.clone(),
        store: adapters.store.clone(),
        catalog: adapters.catalog.clone(),
        results: adapters.results.clone(),
        limiter: adapters.limiter.clone(),
        clock: adapters.clock,
        ids: adapters.ids,
        idempotency: adapters.idempotency.clone(),
    });
    let accepted = remembering
        .place_purchase_idempotently(&alice(), None, product(), Quantity::ONE, key())
        .await
        .expect("the held unit, not sold out");
    assert_eq!(accepted.request_id, request);
    let bob = UserId::parse("bob").unwrap();
    let refused = remembering
        .place_purchase_idempotently(&bob, None, product(), Quantity::ONE, key())
        .await;
    assert!(
        matches!(
            refused,
            Err(IdempotentPurchaseError::Purchase(
                PlacePurchaseError::Refused(Refusal::SoldOut)
            ))
        ),
        "a first attempt believes the memory: {refused:?}"
    );
}
