//! The use cases against the in-memory adapters: every rule, and buyers racing for one product.
#![allow(clippy::expect_used, clippy::unwrap_used)] // integration-test helpers may panic

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use flashsale_application::ports::{Clock, KeyTimes, ResultStore, StockGate};
use flashsale_application::{
    FlashSale, PassOutcome, PlacePurchaseError, QueryResultError, Reconciliation, Republished,
};
use flashsale_domain::{
    FailureReason, ProductId, PurchaseState, Quantity, RatePolicy, Refusal, RequestId, Reservation,
    Sale, SaleWindow, Timestamp, UserId,
};
use flashsale_memory::{
    embedded, run_order_worker, Embedded, EmbeddedSettings, MemoryLease, OrderReceiver, RateLimits,
    SystemClock, WorkerSettings,
};
use tokio::sync::oneshot;

type Service = Arc<FlashSale<Embedded>>;

fn settings(limits: RateLimits, queue_capacity: usize) -> EmbeddedSettings {
    EmbeddedSettings {
        rate_limits: limits,
        queue_capacity,
        publish_timeout: Duration::from_millis(20),
        idempotency: KeyTimes {
            ttl: Duration::from_secs(3_600),
            lease: Duration::from_secs(10),
        },
    }
}

fn unlimited() -> RateLimits {
    RateLimits::NONE
}

fn service_with(settings: EmbeddedSettings) -> (Service, OrderReceiver) {
    let (adapters, receiver) = embedded(&settings);
    (Arc::new(FlashSale::new(adapters)), receiver)
}

/// A running service with its worker; dropping the returned sender drains and stops the worker.
fn running_service() -> (Service, oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let (service, receiver) = service_with(settings(unlimited(), 10_000));
    let (stop, stopped) = oneshot::channel::<()>();
    let worker = tokio::spawn(run_order_worker(
        service.clone(),
        receiver,
        WorkerSettings {
            batch_size: 64,
            retry_backoff: Duration::from_millis(10),
        },
        async move {
            let _ = stopped.await;
        },
    ));
    (service, stop, worker)
}

fn product(id: &str) -> ProductId {
    ProductId::parse(id).expect("valid")
}

fn user(n: usize) -> UserId {
    UserId::parse(format!("user-{n}")).expect("valid")
}

fn sale_around_now(id: &str, stock: u32, from: i64, to: i64) -> Sale {
    let now = SystemClock.now().as_millis();
    let window = SaleWindow::new(
        Timestamp::from_millis(now + from),
        Timestamp::from_millis(now + to),
    )
    .expect("valid window");
    Sale::new(product(id), "Limited phone", stock, window).expect("valid sale")
}

fn open_sale(id: &str, stock: u32) -> Sale {
    sale_around_now(id, stock, -60_000, 3_600_000)
}

/// A one-unit purchase of product `id` by user `n`, with no client address.
async fn buy(
    service: &FlashSale<Embedded>,
    n: usize,
    id: &str,
) -> Result<flashsale_application::Accepted, PlacePurchaseError> {
    service
        .place_purchase(&user(n), None, product(id), Quantity::ONE)
        .await
}

/// A one-unit reservation of product `id` by user `n`, taken now.
fn reservation(request: &str, n: usize, id: &str) -> Reservation {
    Reservation {
        request_id: RequestId::parse(request).expect("valid"),
        user_id: user(n),
        product_id: product(id),
        quantity: Quantity::ONE,
        reserved_at: SystemClock.now(),
    }
}

async fn drain(stop: oneshot::Sender<()>, worker: tokio::task::JoinHandle<()>) {
    let _ = stop.send(());
    worker.await.expect("worker ends cleanly");
}

#[tokio::test]
async fn an_accepted_purchase_succeeds_once_the_worker_persists_it() {
    let (service, stop, worker) = running_service();
    service
        .create_sale(open_sale("p1", 5))
        .await
        .expect("created");
    let accepted = buy(&service, 1, "p1").await.expect("accepted");
    drain(stop, worker).await;
    let result = service
        .query_result(&user(1), &accepted.request_id)
        .await
        .expect("found");
    assert!(matches!(result.state(), PurchaseState::Succeeded { .. }));
    let by_product = service
        .query_result_for_product(&user(1), &product("p1"))
        .await
        .expect("found");
    assert_eq!(by_product, result);
}

#[tokio::test]
async fn a_queued_purchase_is_pending_from_the_gate_with_nothing_written_elsewhere() {
    let (service, _receiver) = service_with(settings(unlimited(), 100));
    service
        .create_sale(open_sale("p1", 5))
        .await
        .expect("created");
    let accepted = buy(&service, 1, "p1").await.expect("accepted");
    assert_eq!(accepted.request_id.product(), Some(product("p1")));
    let results = &service.ports().results;
    assert_eq!(
        results.find(&accepted.request_id).await.expect("answers"),
        None,
        "the buy path writes no pending record"
    );
    let pending = service
        .query_result(&user(1), &accepted.request_id)
        .await
        .expect("found in the gate");
    assert_eq!(pending.state(), &PurchaseState::Pending);
    assert_eq!(pending.request_id, accepted.request_id);
    let by_product = service
        .query_result_for_product(&user(1), &product("p1"))
        .await
        .expect("found through the buyer's marker");
    assert_eq!(by_product, pending);
    assert!(matches!(
        service.query_result(&user(2), &accepted.request_id).await,
        Err(QueryResultError::NotFound)
    ));
}

#[tokio::test]
async fn a_second_purchase_by_the_same_buyer_is_refused() {
    let (service, _receiver) = service_with(settings(unlimited(), 100));
    service
        .create_sale(open_sale("p1", 5))
        .await
        .expect("created");
    let first = buy(&service, 1, "p1").await.expect("accepted");
    let again = buy(&service, 1, "p1").await;
    assert!(
        matches!(
            &again,
            Err(PlacePurchaseError::AlreadyPurchased { holder: Some(holder) })
                if holder == &first.request_id
        ),
        "the refusal names the request holding the unit: {again:?}"
    );
}

#[tokio::test]
async fn a_sale_refuses_buyers_before_it_starts_and_after_it_ends() {
    let (service, _receiver) = service_with(settings(unlimited(), 100));
    service
        .create_sale(sale_around_now("early", 5, 60_000, 120_000))
        .await
        .expect("created");
    service
        .create_sale(sale_around_now("late", 5, -120_000, -60_000))
        .await
        .expect("created");
    let early = buy(&service, 1, "early").await;
    let late = buy(&service, 1, "late").await;
    assert!(matches!(
        early,
        Err(PlacePurchaseError::Refused(Refusal::NotStarted))
    ));
    assert!(matches!(
        late,
        Err(PlacePurchaseError::Refused(Refusal::Ended))
    ));
}

#[tokio::test]
async fn an_unknown_product_is_reported_as_such() {
    let (service, _receiver) = service_with(settings(unlimited(), 100));
    let outcome = buy(&service, 1, "nope").await;
    assert!(matches!(outcome, Err(PlacePurchaseError::UnknownProduct(p)) if p == product("nope")));
}

#[tokio::test]
async fn when_the_queue_is_unavailable_the_stock_returns_and_the_buyer_may_retry() {
    let (service, _receiver) = service_with(settings(unlimited(), 1));
    service
        .create_sale(open_sale("p1", 5))
        .await
        .expect("created");
    buy(&service, 1, "p1").await.expect("fills the queue");
    let refused = buy(&service, 2, "p1").await;
    assert!(matches!(refused, Err(PlacePurchaseError::QueueUnavailable)));
    let remaining = service
        .ports()
        .gate
        .remaining(&[product("p1")])
        .await
        .expect("answers");
    assert_eq!(remaining, vec![Some(4)]);
    let record = service
        .query_result_for_product(&user(2), &product("p1"))
        .await
        .expect("kept");
    assert_eq!(
        record.state(),
        &PurchaseState::Failed {
            reason: FailureReason::QueueUnavailable
        }
    );
}

#[tokio::test]
async fn a_redelivered_batch_creates_no_second_order() {
    let (service, receiver) = service_with(settings(unlimited(), 100));
    drop(receiver);
    service
        .create_sale(open_sale("p1", 5))
        .await
        .expect("created");
    let reservation = reservation("r-1", 1, "p1");
    let batch = [reservation];
    let first = service.process_orders(&batch).await.expect("stored");
    let second = service.process_orders(&batch).await.expect("recognised");
    assert_eq!((first.created, first.redelivered), (1, 0));
    assert_eq!((second.created, second.redelivered), (0, 1));
    let catalog = service.list_sales().await.expect("listed");
    assert_eq!(catalog.len(), 1);
}

#[tokio::test]
async fn a_reservation_the_store_refuses_ends_as_failed_instead_of_hanging() {
    let (service, _receiver) = service_with(settings(unlimited(), 100));
    let ghost = reservation("r-ghost", 1, "ghost");
    let report = service
        .process_orders(std::slice::from_ref(&ghost))
        .await
        .expect("processed");
    assert_eq!(report.failed, 1);
    let record = service
        .query_result(&user(1), &ghost.request_id)
        .await
        .expect("kept");
    assert_eq!(
        record.state(),
        &PurchaseState::Failed {
            reason: FailureReason::UnknownSale
        }
    );
}

#[tokio::test]
async fn a_buyer_cannot_read_another_buyers_result() {
    let (service, _receiver) = service_with(settings(unlimited(), 100));
    service
        .create_sale(open_sale("p1", 5))
        .await
        .expect("created");
    let accepted = buy(&service, 1, "p1").await.expect("accepted");
    let peek = service.query_result(&user(2), &accepted.request_id).await;
    assert!(matches!(peek, Err(QueryResultError::NotFound)));
}

#[tokio::test]
async fn flooding_from_one_address_is_limited_while_another_address_still_buys() {
    let limits = RateLimits {
        per_ip: Some(RatePolicy::new(1.0, 3).expect("valid")),
        ..RateLimits::NONE
    };
    let (service, _receiver) = service_with(settings(limits, 1_000));
    service
        .create_sale(open_sale("p1", 100))
        .await
        .expect("created");
    let flooder = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
    let mut limited = 0;
    for n in 0..10 {
        if let Err(PlacePurchaseError::RateLimited { retry_after }) = service
            .place_purchase(&user(n), Some(flooder), product("p1"), Quantity::ONE)
            .await
        {
            assert!(retry_after > Duration::ZERO);
            limited += 1;
        }
    }
    assert_eq!(limited, 7);
    let other = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
    service
        .place_purchase(&user(99), Some(other), product("p1"), Quantity::ONE)
        .await
        .expect("another address still buys");
}

#[tokio::test]
async fn preloading_again_keeps_a_live_sale_untouched() {
    let (service, _receiver) = service_with(settings(unlimited(), 100));
    service
        .create_sale(open_sale("p1", 5))
        .await
        .expect("created");
    buy(&service, 1, "p1").await.expect("accepted");
    let report = service.preload_stock().await.expect("preloaded");
    assert_eq!((report.loaded, report.kept_live), (0, 1));
    let sales = service.list_sales().await.expect("listed");
    assert_eq!(sales[0].remaining, 4);
    let again = buy(&service, 1, "p1").await;
    assert!(matches!(
        again,
        Err(PlacePurchaseError::AlreadyPurchased { holder: Some(_) })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_concurrent_buyers_of_one_hundred_units_never_oversell() {
    let (service, stop, worker) = running_service();
    service
        .create_sale(open_sale("hot", 100))
        .await
        .expect("created");
    let buyers: Vec<_> = (0..500)
        .map(|n| {
            let service = service.clone();
            tokio::spawn(async move {
                let outcome = buy(&service, n, "hot").await;
                (n, outcome)
            })
        })
        .collect();
    let mut accepted = Vec::new();
    let mut sold_out = 0;
    for buyer in buyers {
        match buyer.await.expect("task ran") {
            (n, Ok(a)) => accepted.push((n, a.request_id)),
            (_, Err(PlacePurchaseError::Refused(Refusal::SoldOut))) => sold_out += 1,
            (_, Err(other)) => panic!("unexpected outcome {other:?}"),
        }
    }
    drain(stop, worker).await;

    assert_eq!(accepted.len(), 100);
    assert_eq!(sold_out, 400);
    for (n, request_id) in &accepted {
        let result = service
            .query_result(&user(*n), request_id)
            .await
            .expect("kept");
        assert!(
            matches!(result.state(), PurchaseState::Succeeded { .. }),
            "{result:?}"
        );
    }
    let sales = service.list_sales().await.expect("listed");
    assert_eq!(sales[0].remaining, 0);
    assert_eq!(service.ports().store.remaining_of(&product("hot")), Some(0));
    let orders = service.ports().store.orders_of(&product("hot"));
    assert_eq!(orders.len(), 100);
    let distinct: HashSet<_> = orders.iter().map(|o| o.user_id.clone()).collect();
    assert_eq!(distinct.len(), 100);
    let in_flight = service
        .ports()
        .gate
        .in_flight(&product("hot"))
        .await
        .expect("answers");
    assert!(
        in_flight.is_empty(),
        "every reservation settled: {in_flight:?}"
    );
}

#[tokio::test]
async fn a_reservation_that_was_never_queued_is_republished_and_becomes_an_order() {
    let (service, stop, worker) = running_service();
    service
        .create_sale(open_sale("p1", 5))
        .await
        .expect("created");
    let request = flashsale_domain::ReservationRequest {
        request_id: RequestId::parse("crashed-before-publish").expect("valid"),
        user_id: user(1),
        product_id: product("p1"),
        quantity: Quantity::ONE,
    };
    let stranded = service
        .ports()
        .gate
        .reserve(request, None, SystemClock.now())
        .await
        .expect("answers")
        .expect("reserved");

    let fresh = service
        .reconcile(Duration::from_secs(60), &mut Republished::new())
        .await
        .expect("reconciled");
    assert_eq!(fresh.republished, 0, "a young reservation is left alone");
    let report = service
        .reconcile(Duration::ZERO, &mut Republished::new())
        .await
        .expect("reconciled");
    assert_eq!((report.republished, report.publish_failures), (1, 0));
    drain(stop, worker).await;

    let orders = service.ports().store.orders_of(&product("p1"));
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].request_id, stranded.request_id);
    let result = service
        .query_result(&user(1), &stranded.request_id)
        .await
        .expect("kept");
    assert!(matches!(result.state(), PurchaseState::Succeeded { .. }));
    let in_flight = service
        .ports()
        .gate
        .in_flight(&product("p1"))
        .await
        .expect("answers");
    assert!(in_flight.is_empty());
}

#[tokio::test]
async fn a_stale_reservation_is_republished_once_per_stale_after_not_on_every_pass() {
    // No worker: the re-published message waits in the queue, as behind a stalled consumer.
    let (service, _receiver) = service_with(settings(unlimited(), 10_000));
    service
        .create_sale(open_sale("p1", 5))
        .await
        .expect("created");
    let stale_after = Duration::from_secs(30);
    let long_ago = Timestamp::from_millis(SystemClock.now().as_millis() - 45_000);
    let request = flashsale_domain::ReservationRequest {
        request_id: RequestId::parse("stranded").expect("valid"),
        user_id: user(1),
        product_id: product("p1"),
        quantity: Quantity::ONE,
    };
    service
        .ports()
        .gate
        .reserve(request, None, long_ago)
        .await
        .expect("answers")
        .expect("reserved");

    let mut republished = Republished::new();
    let first = service
        .reconcile(stale_after, &mut republished)
        .await
        .expect("reconciled");
    assert_eq!((first.republished, first.recently_republished), (1, 0));
    for _ in 0..3 {
        let again = service
            .reconcile(stale_after, &mut republished)
            .await
            .expect("reconciled");
        assert_eq!((again.republished, again.recently_republished), (0, 1));
        assert!(!again.changed_anything());
    }
    // Another reconciler (a process that took the lease over) has re-published nothing yet.
    let elsewhere = service
        .reconcile(stale_after, &mut Republished::new())
        .await
        .expect("reconciled");
    assert_eq!(elsewhere.republished, 1);
}

#[tokio::test]
async fn one_reconciliation_at_a_time_holds_the_lease_and_another_takes_over_once_it_lapses() {
    let (service, _receiver) = service_with(settings(unlimited(), 10_000));
    let lease = MemoryLease::new();
    let ttl = Duration::from_millis(300);
    let stale_after = Duration::from_secs(30);
    let mut first = Reconciliation::new(lease.clone(), "first".into(), ttl, stale_after);
    let mut second = Reconciliation::new(lease, "second".into(), ttl, stale_after);
    assert!(matches!(
        first.pass(&service).await,
        Ok(PassOutcome::Reconciled(_))
    ));
    assert!(matches!(
        second.pass(&service).await,
        Ok(PassOutcome::HeldElsewhere)
    ));
    assert!(
        matches!(first.pass(&service).await, Ok(PassOutcome::Reconciled(_))),
        "renewed"
    );
    // The first process stops passing (it died): the lease lapses and the second takes over.
    tokio::time::sleep(ttl + Duration::from_millis(100)).await;
    assert!(matches!(
        second.pass(&service).await,
        Ok(PassOutcome::Reconciled(_))
    ));
    assert!(matches!(
        first.pass(&service).await,
        Ok(PassOutcome::HeldElsewhere)
    ));
}

#[tokio::test]
async fn a_stock_gate_that_lost_its_data_is_reloaded_from_the_system_of_record() {
    let (service, stop, worker) = running_service();
    service
        .create_sale(open_sale("p1", 5))
        .await
        .expect("created");
    let first = buy(&service, 1, "p1").await.expect("accepted");
    drain(stop, worker).await;
    assert!(service
        .query_result(&user(1), &first.request_id)
        .await
        .is_ok());

    let (mut adapters, _receiver) = embedded(&settings(unlimited(), 100));
    adapters.store = service.ports().store.clone();
    adapters.catalog = service.ports().catalog.clone();
    let amnesic = FlashSale::new(adapters);
    let lost = buy(&amnesic, 2, "p1").await;
    assert!(matches!(lost, Err(PlacePurchaseError::UnknownProduct(_))));

    let report = amnesic
        .reconcile(Duration::from_secs(30), &mut Republished::new())
        .await
        .expect("reconciled");
    assert_eq!(report.reloaded_sales, 1);
    let sales = amnesic.list_sales().await.expect("listed");
    assert_eq!(sales[0].remaining, 4);
    let again = buy(&amnesic, 1, "p1").await;
    assert!(matches!(
        again,
        Err(PlacePurchaseError::AlreadyPurchased { holder: Some(_) })
    ));
    let again = amnesic
        .reconcile(Duration::from_secs(30), &mut Republished::new())
        .await
        .expect("reconciled");
    assert_eq!(
        again.reloaded_sales, 0,
        "a live sale is never reloaded over"
    );
}

#[tokio::test]
async fn units_the_store_does_not_have_are_dropped_from_the_gate_not_offered_again() {
    use flashsale_application::ports::{IdGenerator, NewOrder, OrderStore};
    let (service, stop, worker) = running_service();
    service
        .create_sale(open_sale("p1", 1))
        .await
        .expect("created");
    // The store sells its only unit without the gate knowing: the gate is one unit ahead,
    // as after a stock gate rebuilt while orders were still queued.
    let elsewhere = reservation("elsewhere", 9, "p1");
    let order = NewOrder {
        order_id: service.ports().ids.order_id(),
        reservation: elsewhere,
        created_at: SystemClock.now(),
    };
    service
        .ports()
        .store
        .persist(&[order])
        .await
        .expect("stored");

    let accepted = buy(&service, 1, "p1")
        .await
        .expect("the gate still had a unit");
    drain(stop, worker).await;

    let result = service
        .query_result(&user(1), &accepted.request_id)
        .await
        .expect("kept");
    assert_eq!(
        result.state(),
        &PurchaseState::Failed {
            reason: FailureReason::SoldOut
        }
    );
    let sales = service.list_sales().await.expect("listed");
    assert_eq!(
        sales[0].remaining, 0,
        "the phantom unit is not offered again"
    );
}

#[tokio::test]
async fn a_result_the_result_store_lost_is_answered_from_the_order_store() {
    let (service, stop, worker) = running_service();
    service
        .create_sale(open_sale("p1", 5))
        .await
        .expect("created");
    let accepted = buy(&service, 1, "p1").await.expect("accepted");
    drain(stop, worker).await;

    let (mut adapters, _receiver) = embedded(&settings(unlimited(), 100));
    adapters.store = service.ports().store.clone();
    let forgetful = FlashSale::new(adapters);
    let result = forgetful
        .query_result(&user(1), &accepted.request_id)
        .await
        .expect("found");
    let order = &service.ports().store.orders_of(&product("p1"))[0];
    assert_eq!(
        result.state(),
        &PurchaseState::Succeeded {
            order_id: order.id.clone(),
            payment_deadline: Some(order.payment_deadline),
        }
    );
    let peek = forgetful.query_result(&user(2), &accepted.request_id).await;
    assert!(
        matches!(peek, Err(QueryResultError::NotFound)),
        "still only for its buyer"
    );
}
