//! Unpaid orders over their life: cancelled by the buyer or expired at their deadline, each
//! giving its unit back once, to the system of record and to the stock gate, where it sells
//! again. Time is a manual clock.
#![allow(clippy::expect_used, clippy::unwrap_used)] // integration-test helpers may panic

use std::time::Duration;

use flashsale_application::ports::{Clock, KeyTimes, OrderStore, StockGate};
use flashsale_application::{CancelOrderError, FlashSale, PlacePurchaseError};
use flashsale_domain::{
    Order, OrderStatus, PaymentWindow, ProductId, Quantity, Refusal, Sale, SaleWindow, Timestamp,
    UserId,
};
use flashsale_memory::{
    embedded_with_clock, Embedded, EmbeddedSettings, ManualClock, OrderReceiver, RateLimits,
};

type Service = FlashSale<Embedded<ManualClock>>;

const WINDOW: Duration = Duration::from_secs(60);

fn service() -> (Service, ManualClock, OrderReceiver) {
    let clock = ManualClock::at(Timestamp::from_millis(1_800_000_000_000));
    let settings = EmbeddedSettings {
        rate_limits: RateLimits::NONE,
        queue_capacity: 100,
        publish_timeout: Duration::from_millis(20),
        idempotency: KeyTimes {
            ttl: Duration::from_secs(3_600),
            lease: Duration::from_secs(10),
        },
    };
    let (adapters, receiver) = embedded_with_clock(&settings, clock.clone());
    // Nothing drains the queue: the tests persist reservations themselves, as the worker would.
    (FlashSale::new(adapters), clock, receiver)
}

fn product() -> ProductId {
    ProductId::parse("phone").unwrap()
}

fn user(n: usize) -> UserId {
    UserId::parse(format!("user-{n}")).unwrap()
}

async fn open_sale(service: &Service, clock: &ManualClock, stock: u32) {
    let now = clock.now();
    let window = SaleWindow::new(now, now.plus(Duration::from_secs(3_600))).unwrap();
    let sale = Sale::new(product(), "Phone", stock, window)
        .unwrap()
        .with_payment_window(PaymentWindow::from_secs(60).unwrap());
    service.create_sale(sale).await.unwrap();
}

/// Buyer `n` wins a unit and the worker persists it: the order.
async fn won_order(service: &Service, n: usize) -> Order {
    let accepted = service
        .place_purchase(&user(n), None, product(), Quantity::ONE)
        .await
        .unwrap();
    service
        .process_orders(std::slice::from_ref(&accepted.reservation))
        .await
        .unwrap();
    service
        .ports()
        .store
        .find_order(&accepted.request_id)
        .await
        .unwrap()
        .expect("persisted")
}

async fn gate_remaining(service: &Service) -> u32 {
    service.ports().gate.remaining(&[product()]).await.unwrap()[0].unwrap()
}

fn store_remaining(service: &Service) -> u32 {
    service.ports().store.remaining_of(&product()).unwrap()
}

#[tokio::test]
async fn an_order_waits_for_payment_until_its_creation_plus_the_sales_payment_window() {
    let (service, clock, _queue) = service();
    open_sale(&service, &clock, 1).await;
    let order = won_order(&service, 1).await;
    assert_eq!(order.status(), OrderStatus::PendingPayment);
    assert_eq!(order.payment_deadline, order.created_at.plus(WINDOW));
}

#[tokio::test]
async fn a_cancelled_order_gives_its_unit_back_once_and_it_sells_to_another_buyer() {
    let (service, clock, _queue) = service();
    open_sale(&service, &clock, 1).await;
    let order = won_order(&service, 1).await;
    assert_eq!(gate_remaining(&service).await, 0);

    let cancelled = service.cancel_order(&user(1), &order.id).await.unwrap();
    assert_eq!(cancelled.status(), OrderStatus::Cancelled);
    assert_eq!(gate_remaining(&service).await, 1);
    assert_eq!(store_remaining(&service), 1);
    let again = service.cancel_order(&user(1), &order.id).await.unwrap();
    assert_eq!(again.status(), OrderStatus::Cancelled, "idempotent");
    assert_eq!(gate_remaining(&service).await, 1, "the unit came back once");
    assert_eq!(store_remaining(&service), 1);

    let rebuy = service
        .place_purchase(&user(1), None, product(), Quantity::ONE)
        .await;
    assert!(
        matches!(
            rebuy,
            Err(PlacePurchaseError::AlreadyPurchased { holder: None })
        ),
        "the buyer who cancelled may not buy again: {rebuy:?}"
    );
    let resold = won_order(&service, 2).await;
    assert_eq!(resold.status(), OrderStatus::PendingPayment);
    assert_eq!(gate_remaining(&service).await, 0);
    assert_eq!(store_remaining(&service), 0);
    let audit = service.audit_sale(&product()).await.unwrap();
    assert_eq!(audit.store.units_pending_payment, 1);
    assert_eq!(audit.store.orders, 1, "the cancelled order holds nothing");
}

#[tokio::test]
async fn only_the_buyer_cancels_and_only_an_unpaid_order() {
    let (service, clock, _queue) = service();
    open_sale(&service, &clock, 2).await;
    let order = won_order(&service, 1).await;
    assert!(matches!(
        service.cancel_order(&user(2), &order.id).await,
        Err(CancelOrderError::NotFound(_))
    ));
    assert_eq!(
        service.buyer_order(&user(2), &order.id).await.unwrap(),
        None,
        "another buyer's order is not found"
    );
    assert_eq!(gate_remaining(&service).await, 1);

    clock.advance(WINDOW);
    assert_eq!(service.expire_orders(10).await.unwrap().expired, 1);
    assert!(matches!(
        service.cancel_order(&user(1), &order.id).await,
        Err(CancelOrderError::NotCancellable {
            status: OrderStatus::Expired,
            ..
        })
    ));
    assert_eq!(
        gate_remaining(&service).await,
        2,
        "expired once, not cancelled again"
    );
}

#[tokio::test]
async fn unpaid_orders_expire_at_their_deadline_in_bounded_batches_and_sell_again() {
    let (service, clock, _queue) = service();
    open_sale(&service, &clock, 3).await;
    for n in 1..=3 {
        won_order(&service, n).await;
    }
    clock.advance(WINDOW - Duration::from_millis(1));
    let early = service.expire_orders(10).await.unwrap();
    assert_eq!(early.expired, 0, "not before the deadline");
    assert_eq!(gate_remaining(&service).await, 0);

    clock.advance(Duration::from_millis(1));
    let first = service.expire_orders(2).await.unwrap();
    assert_eq!((first.overdue, first.expired, first.restocked), (2, 2, 2));
    assert!(first.was_full(2));
    let second = service.expire_orders(2).await.unwrap();
    assert_eq!((second.expired, second.restocked), (1, 1));
    assert_eq!(service.expire_orders(2).await.unwrap().overdue, 0);
    assert_eq!(gate_remaining(&service).await, 3);
    assert_eq!(store_remaining(&service), 3);

    let mine = service
        .buyer_orders(
            &user(1),
            flashsale_application::ports::OrderPage {
                offset: 0,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].status(), OrderStatus::Expired);
    let refused = service
        .place_purchase(&user(1), None, product(), Quantity::ONE)
        .await;
    assert!(matches!(
        refused,
        Err(PlacePurchaseError::AlreadyPurchased { .. })
    ));
    for n in 4..=6 {
        won_order(&service, n).await;
    }
    assert_eq!(
        service
            .place_purchase(&user(7), None, product(), Quantity::ONE)
            .await
            .err()
            .map(|e| matches!(e, PlacePurchaseError::Refused(Refusal::SoldOut))),
        Some(true),
        "every expired unit sold once more, no more"
    );
}

#[tokio::test]
async fn a_sale_that_allows_it_lets_the_buyer_who_cancelled_buy_again() {
    let (service, clock, _queue) = service();
    let now = clock.now();
    let window = SaleWindow::new(now, now.plus(Duration::from_secs(3_600))).unwrap();
    let sale = Sale::new(product(), "Phone", 1, window)
        .unwrap()
        .with_payment_window(PaymentWindow::from_secs(60).unwrap())
        .with_rebuy_after_cancel(true);
    service.create_sale(sale).await.unwrap();
    let first = won_order(&service, 1).await;
    service.cancel_order(&user(1), &first.id).await.unwrap();
    let second = won_order(&service, 1).await;
    assert_ne!(second.id, first.id);
    assert_eq!(second.status(), OrderStatus::PendingPayment);
    assert_eq!(gate_remaining(&service).await, 0);
    assert_eq!(store_remaining(&service), 0);
    // The old order's unit came back once: cancelling it again returns nothing more.
    service.cancel_order(&user(1), &first.id).await.unwrap();
    assert_eq!(gate_remaining(&service).await, 0);

    clock.advance(WINDOW);
    assert_eq!(service.expire_orders(10).await.unwrap().restocked, 1);
    let third = won_order(&service, 1).await;
    assert_eq!(
        third.status(),
        OrderStatus::PendingPayment,
        "after an expiry too"
    );
}
