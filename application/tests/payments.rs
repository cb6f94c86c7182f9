//! Payment confirmations: an order pending payment is paid once, by one payment; a redelivered
//! payment answers the same; a payment the order cannot take (cancelled, expired, past its
//! deadline, paid by another payment) or a payment that paid another order is refused, with
//! nothing changed. Time is a manual clock.
#![allow(clippy::expect_used, clippy::unwrap_used)] // integration-test helpers may panic

use std::time::Duration;

use flashsale_application::ports::{Clock, KeyTimes, OrderStore, StockGate};
use flashsale_application::{ConfirmPaymentError, FlashSale};
use flashsale_domain::{
    Order, OrderId, OrderStatus, PaymentId, PaymentWindow, ProductId, Quantity, Sale, SaleWindow,
    Timestamp, UserId,
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

fn payment(name: &str) -> PaymentId {
    PaymentId::parse(format!("pi_{name}")).unwrap()
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

async fn stored(service: &Service, order: &Order) -> Order {
    service
        .ports()
        .store
        .order(&order.id)
        .await
        .unwrap()
        .unwrap()
}

async fn gate_remaining(service: &Service) -> u32 {
    service.ports().gate.remaining(&[product()]).await.unwrap()[0].unwrap()
}

#[tokio::test]
async fn a_payment_pays_the_order_once_and_its_redelivery_answers_the_same() {
    let (service, clock, _queue) = service();
    open_sale(&service, &clock, 1).await;
    let order = won_order(&service, 1).await;

    let paid = service
        .confirm_payment(&order.id, &payment("a"))
        .await
        .unwrap();
    assert!(paid.newly_paid);
    assert_eq!(paid.order.status(), OrderStatus::Paid);
    assert_eq!(paid.order.payment_id(), Some(&payment("a")));
    assert_eq!(stored(&service, &order).await, paid.order);

    clock.advance(WINDOW * 2);
    let again = service
        .confirm_payment(&order.id, &payment("a"))
        .await
        .unwrap();
    assert!(!again.newly_paid, "a redelivery pays nothing more");
    assert_eq!(
        again.order, paid.order,
        "the same outcome, even past the deadline"
    );

    assert_eq!(service.expire_orders(10).await.unwrap().expired, 0);
    assert_eq!(gate_remaining(&service).await, 0, "a paid unit stays sold");
    let audit = service.audit_sale(&product()).await.unwrap();
    assert_eq!(audit.store.units_paid, 1);
    assert_eq!(audit.store.units_pending_payment, 0);
}

#[tokio::test]
async fn a_second_payment_of_a_paid_order_is_refused() {
    let (service, clock, _queue) = service();
    open_sale(&service, &clock, 1).await;
    let order = won_order(&service, 1).await;
    service
        .confirm_payment(&order.id, &payment("a"))
        .await
        .unwrap();

    let second = service.confirm_payment(&order.id, &payment("b")).await;
    assert!(
        matches!(
            &second,
            Err(ConfirmPaymentError::NotPayable {
                status: OrderStatus::Paid,
                ..
            })
        ),
        "{second:?}"
    );
    assert_eq!(
        stored(&service, &order).await.payment_id(),
        Some(&payment("a")),
        "the first payment stays the order's"
    );
}

#[tokio::test]
async fn a_payment_that_paid_one_order_cannot_pay_another() {
    let (service, clock, _queue) = service();
    open_sale(&service, &clock, 2).await;
    let first = won_order(&service, 1).await;
    let second = won_order(&service, 2).await;
    service
        .confirm_payment(&first.id, &payment("a"))
        .await
        .unwrap();

    let reused = service.confirm_payment(&second.id, &payment("a")).await;
    assert!(
        matches!(&reused, Err(ConfirmPaymentError::PaymentUsed { paid_order, .. }) if paid_order == &first.id),
        "{reused:?}"
    );
    assert_eq!(
        stored(&service, &second).await.status(),
        OrderStatus::PendingPayment
    );
}

#[tokio::test]
async fn a_payment_of_a_cancelled_or_expired_order_is_refused_and_changes_nothing() {
    let (service, clock, _queue) = service();
    open_sale(&service, &clock, 2).await;
    let cancelled = won_order(&service, 1).await;
    let expired = won_order(&service, 2).await;
    service.cancel_order(&user(1), &cancelled.id).await.unwrap();
    clock.advance(WINDOW);
    assert_eq!(service.expire_orders(10).await.unwrap().expired, 1);
    assert_eq!(gate_remaining(&service).await, 2);

    for (order, status) in [
        (&cancelled, OrderStatus::Cancelled),
        (&expired, OrderStatus::Expired),
    ] {
        let refused = service.confirm_payment(&order.id, &payment("late")).await;
        assert!(
            matches!(&refused, Err(ConfirmPaymentError::NotPayable { status: s, .. }) if *s == status),
            "{refused:?}"
        );
        let now = stored(&service, order).await;
        assert_eq!(now.status(), status);
        assert_eq!(now.payment_id(), None);
    }
    assert_eq!(gate_remaining(&service).await, 2, "no unit moved");
}

#[tokio::test]
async fn a_payment_one_millisecond_before_the_deadline_is_in_time() {
    let (service, clock, _queue) = service();
    open_sale(&service, &clock, 1).await;
    let order = won_order(&service, 1).await;
    clock.advance(WINDOW - Duration::from_millis(1));
    let paid = service
        .confirm_payment(&order.id, &payment("in-time"))
        .await
        .unwrap();
    assert!(paid.newly_paid);
}

#[tokio::test]
async fn a_payment_after_the_deadline_is_refused_even_before_the_order_expires() {
    let (service, clock, _queue) = service();
    open_sale(&service, &clock, 1).await;
    let order = won_order(&service, 1).await;
    clock.advance(WINDOW);
    let late = service.confirm_payment(&order.id, &payment("late")).await;
    assert!(
        matches!(
            &late,
            Err(ConfirmPaymentError::NotPayable {
                status: OrderStatus::PendingPayment,
                deadline,
                ..
            }) if *deadline == order.payment_deadline
        ),
        "{late:?}"
    );
    assert_eq!(
        service.expire_orders(10).await.unwrap().restocked,
        1,
        "the expiry still returns the unit"
    );
}

#[tokio::test]
async fn a_payment_for_no_order_is_refused() {
    let (service, _clock, _queue) = service();
    let ghost = OrderId::parse("ghost").unwrap();
    assert!(matches!(
        service.confirm_payment(&ghost, &payment("a")).await,
        Err(ConfirmPaymentError::UnknownOrder(id)) if id == ghost
    ));
}
