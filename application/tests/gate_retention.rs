//! A sale that ended long ago leaves the stock gate: reconciling lets the gate forget it once
//! its retention passed, never loads it again (after a gate that lost its data, or at start),
//! and a buy for it is still refused as ended. In memory, on a manual clock.
#![allow(clippy::expect_used, clippy::unwrap_used)] // integration-test helpers may panic

use std::time::Duration;

use flashsale_application::ports::{KeyTimes, StockGate};
use flashsale_application::{FlashSale, GateRetention, PlacePurchaseError, Republished};
use flashsale_domain::{ProductId, Quantity, Refusal, Sale, SaleWindow, Timestamp, UserId};
use flashsale_memory::{embedded_with_clock, Embedded, EmbeddedSettings, ManualClock, RateLimits};

const HOUR: Duration = Duration::from_secs(3_600);

fn service(clock: &ManualClock) -> FlashSale<Embedded<ManualClock>> {
    let settings = EmbeddedSettings {
        rate_limits: RateLimits::NONE,
        queue_capacity: 100,
        publish_timeout: Duration::from_millis(20),
        idempotency: KeyTimes {
            ttl: HOUR,
            lease: Duration::from_secs(10),
        },
    };
    let (adapters, _receiver) = embedded_with_clock(&settings, clock.clone());
    FlashSale::new(adapters).with_gate_retention(GateRetention::new(HOUR))
}

fn product() -> ProductId {
    ProductId::parse("old-phone").unwrap()
}

fn remaining(gate_answer: Vec<Option<u32>>) -> Option<u32> {
    gate_answer[0]
}

#[tokio::test]
async fn an_ended_sale_leaves_the_gate_after_its_retention_and_is_never_loaded_again() {
    let clock = ManualClock::at(Timestamp::from_millis(1_000_000));
    let service = service(&clock);
    let window = SaleWindow::new(
        Timestamp::from_millis(1_000_000),
        Timestamp::from_millis(1_000_000 + 60_000),
    )
    .unwrap();
    let sale = Sale::new(product(), "Old phone", 5, window).unwrap();
    service.create_sale(sale).await.unwrap();
    let gate = &service.ports().gate;
    let mut republished = Republished::default();

    // Ended, within its retention: kept.
    clock.advance(Duration::from_secs(120));
    service.reconcile(HOUR, &mut republished).await.unwrap();
    assert_eq!(
        remaining(gate.remaining(&[product()]).await.unwrap()),
        Some(5)
    );

    // Past its retention: forgotten, and a pass does not load it back.
    clock.advance(HOUR);
    service.reconcile(HOUR, &mut republished).await.unwrap();
    assert_eq!(remaining(gate.remaining(&[product()]).await.unwrap()), None);
    let report = service.reconcile(HOUR, &mut republished).await.unwrap();
    assert_eq!(report.reloaded_sales, 0, "{report:?}");
    assert_eq!(remaining(gate.remaining(&[product()]).await.unwrap()), None);
    let preload = service.preload_stock().await.unwrap();
    assert_eq!((preload.loaded, preload.retired), (0, 1));
    assert_eq!(remaining(gate.remaining(&[product()]).await.unwrap()), None);

    // Still listed with the catalog's count, and a buy is refused as ended, not unknown.
    let listed = service.list_sales().await.unwrap();
    assert_eq!(listed[0].remaining, 5);
    let buy = service
        .place_purchase(
            &UserId::parse("late").unwrap(),
            None,
            product(),
            Quantity::ONE,
        )
        .await;
    assert!(
        matches!(buy, Err(PlacePurchaseError::Refused(Refusal::Ended))),
        "{buy:?}"
    );
    let unknown = service
        .place_purchase(
            &UserId::parse("late").unwrap(),
            None,
            ProductId::parse("no-such-sale").unwrap(),
            Quantity::ONE,
        )
        .await;
    assert!(
        matches!(unknown, Err(PlacePurchaseError::UnknownProduct(_))),
        "{unknown:?}"
    );
}
