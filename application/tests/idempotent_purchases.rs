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
