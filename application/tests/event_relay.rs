//! The order-events relay over the in-memory outbox: events published in order and marked only
//! once acknowledged; a publish that fails leaves its event, and every later event of its order,
//! unpublished for the next pass; a mark that fails makes the next pass publish again (at least
//! once); a relay without the lease does nothing.
#![allow(clippy::expect_used, clippy::unwrap_used)] // integration-test helpers may panic

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use flashsale_application::ports::{
    Closing, EventId, EventPublishError, EventPublisher, NewOrder, OrderEvent, OrderEvents,
    OrderEventsError, OrderStore, PortFailure, SaleCatalog,
};
use flashsale_application::{EventRelay, Exclusive, RelayReport, EVENT_RELAY_LEASE};
use flashsale_domain::{
    OrderId, OrderStatus, PaymentId, ProductId, Quantity, RequestId, Reservation, Sale, SaleWindow,
    Timestamp, UserId,
};
use flashsale_memory::{MemoryDatabase, MemoryLease};

const T0: Timestamp = Timestamp::from_millis(1_800_000_000_000);

/// A publisher that records what it acknowledges and refuses the events of some orders.
#[derive(Clone, Default)]
struct Recording {
    published: Arc<Mutex<Vec<OrderEvent>>>,
    refused: Arc<Mutex<HashSet<OrderId>>>,
    calls: Arc<Mutex<Vec<Vec<EventId>>>>,
}

impl Recording {
    fn refuse(&self, order: &OrderId) {
        self.refused.lock().unwrap().insert(order.clone());
    }

    fn accept_all(&self) {
        self.refused.lock().unwrap().clear();
    }

    fn published(&self) -> Vec<(OrderId, OrderStatus)> {
        let published = self.published.lock().unwrap();
        published
            .iter()
            .map(|e| (e.order_id.clone(), e.status))
            .collect()
    }
}

impl EventPublisher for Recording {
    async fn publish(&self, events: &[OrderEvent]) -> Vec<Result<(), EventPublishError>> {
        let orders: HashSet<&OrderId> = events.iter().map(|e| &e.order_id).collect();
        assert_eq!(orders.len(), events.len(), "one event per order per call");
        self.calls
            .lock()
            .unwrap()
            .push(events.iter().map(|e| e.id).collect());
        let refused = self.refused.lock().unwrap().clone();
        events
            .iter()
            .map(|event| {
                if refused.contains(&event.order_id) {
                    Err(EventPublishError::Unacknowledged(PortFailure::new(
                        "test: refused",
                    )))
                } else {
                    self.published.lock().unwrap().push(event.clone());
                    Ok(())
                }
            })
            .collect()
    }
}

/// The in-memory outbox, whose marks can be made to fail.
#[derive(Clone)]
struct Marks {
    database: MemoryDatabase,
    fail_marks: Arc<Mutex<bool>>,
}

impl OrderEvents for Marks {
    async fn unpublished(&self, limit: u32) -> Result<Vec<OrderEvent>, OrderEventsError> {
        self.database.unpublished(limit).await
    }

    async fn mark_published(
        &self,
        ids: &[EventId],
        now: Timestamp,
    ) -> Result<(), OrderEventsError> {
        if *self.fail_marks.lock().unwrap() {
            return Err(OrderEventsError::Unavailable(PortFailure::new(
                "test: the database is gone",
            )));
        }
        self.database.mark_published(ids, now).await
    }
}

fn product() -> ProductId {
    ProductId::parse("phone").unwrap()
}

async fn database_with_orders(buyers: usize) -> (MemoryDatabase, Vec<OrderId>) {
    let database = MemoryDatabase::default();
    let window = SaleWindow::new(T0, T0.plus(Duration::from_secs(3_600))).unwrap();
    let sale = Sale::new(product(), "Phone", 10, window).unwrap();
    database.create(&sale).await.unwrap();
    let batch: Vec<NewOrder> = (0..buyers)
        .map(|n| NewOrder {
            order_id: OrderId::parse(format!("o-{n}")).unwrap(),
            reservation: Reservation {
                request_id: RequestId::parse(format!("phone.r{n}")).unwrap(),
                user_id: UserId::parse(format!("u{n}")).unwrap(),
                product_id: product(),
                quantity: Quantity::ONE,
                reserved_at: T0,
            },
            created_at: T0,
        })
        .collect();
    database.persist(&batch).await.unwrap();
    let ids = batch.into_iter().map(|new| new.order_id).collect();
    (database, ids)
}

fn relay<E: OrderEvents>(events: E, publisher: Recording) -> EventRelay<E, Recording, MemoryLease> {
    let exclusive = Exclusive::new(
        MemoryLease::new(),
        EVENT_RELAY_LEASE,
        "this-process".to_owned(),
        Duration::from_secs(1),
    );
    EventRelay::new(events, publisher, exclusive, 100)
}

#[tokio::test]
async fn events_are_published_in_order_and_marked_once_acknowledged() {
    let (database, orders) = database_with_orders(2).await;
    database
        .pay(&orders[0], &PaymentId::parse("pay-0").unwrap(), T0)
        .await
        .unwrap();
    database
        .close(&orders[1], Closing::Cancel, T0)
        .await
        .unwrap();
    let publisher = Recording::default();
    let relay = relay(database.clone(), publisher.clone());

    let report = relay.pass(T0).await.unwrap().expect("the lease is free");

    assert_eq!(
        report,
        RelayReport {
            read: 4,
            published: 4,
            failed: 0
        }
    );
    assert_eq!(
        publisher.published(),
        vec![
            (orders[0].clone(), OrderStatus::PendingPayment),
            (orders[1].clone(), OrderStatus::PendingPayment),
            (orders[0].clone(), OrderStatus::Paid),
            (orders[1].clone(), OrderStatus::Cancelled),
        ]
    );
    assert_eq!(
        publisher.calls.lock().unwrap().len(),
        2,
        "two rounds: each order's second event after its first was acknowledged"
    );
    assert!(database.unpublished(100).await.unwrap().is_empty());
    let again = relay.pass(T0).await.unwrap().unwrap();
    assert_eq!(again, RelayReport::default(), "nothing left to publish");
}

#[tokio::test]
async fn a_failed_publish_leaves_its_event_and_its_orders_later_events_unpublished() {
    let (database, orders) = database_with_orders(2).await;
    database
        .pay(&orders[0], &PaymentId::parse("pay-0").unwrap(), T0)
        .await
        .unwrap();
    let publisher = Recording::default();
    publisher.refuse(&orders[0]);
    let relay = relay(database.clone(), publisher.clone());

    let report = relay.relay(T0).await.unwrap();

    assert_eq!(
        report,
        RelayReport {
            read: 3,
            published: 1,
            failed: 2
        }
    );
    assert_eq!(
        publisher.published(),
        vec![(orders[1].clone(), OrderStatus::PendingPayment)],
        "the paid event is not sent before the created one"
    );
    let left: Vec<(OrderId, OrderStatus)> = database
        .unpublished(100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.order_id, e.status))
        .collect();
    assert_eq!(
        left,
        vec![
            (orders[0].clone(), OrderStatus::PendingPayment),
            (orders[0].clone(), OrderStatus::Paid),
        ]
    );

    publisher.accept_all();
    let report = relay.relay(T0).await.unwrap();
    assert_eq!(report.published, 2);
    assert_eq!(
        publisher.published()[1..],
        [
            (orders[0].clone(), OrderStatus::PendingPayment),
            (orders[0].clone(), OrderStatus::Paid),
        ]
    );
}

#[tokio::test]
async fn events_acknowledged_but_not_marked_are_published_again() {
    let (database, _) = database_with_orders(1).await;
    let marks = Marks {
        database: database.clone(),
        fail_marks: Arc::new(Mutex::new(true)),
    };
    let publisher = Recording::default();
    let relay = relay(marks.clone(), publisher.clone());

    let failed = relay.relay(T0).await;
    assert!(
        matches!(
            failed,
            Err(flashsale_application::RelayEventsError::Events(_))
        ),
        "{failed:?}"
    );
    assert_eq!(database.unpublished(100).await.unwrap().len(), 1);

    *marks.fail_marks.lock().unwrap() = false;
    let report = relay.relay(T0).await.unwrap();
    assert_eq!(report.published, 1);
    let published = publisher.published.lock().unwrap().clone();
    assert_eq!(published.len(), 2, "at least once: the same event twice");
    assert_eq!(published[0].id, published[1].id, "consumers dedupe by id");
    assert!(database.unpublished(100).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_relay_without_the_lease_publishes_nothing() {
    let (database, _) = database_with_orders(1).await;
    let lease = MemoryLease::new();
    let other = Exclusive::new(
        lease.clone(),
        EVENT_RELAY_LEASE,
        "other".to_owned(),
        Duration::from_secs(60),
    );
    assert!(other.claim(T0).await.unwrap());
    let publisher = Recording::default();
    let mine = Exclusive::new(
        lease,
        EVENT_RELAY_LEASE,
        "mine".to_owned(),
        Duration::from_secs(60),
    );
    let relay = EventRelay::new(database.clone(), publisher.clone(), mine, 100);

    assert_eq!(relay.pass(T0).await.unwrap(), None);
    assert!(publisher.published().is_empty());
    assert_eq!(database.unpublished(100).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_pass_reads_at_most_its_batch() {
    let (database, _) = database_with_orders(5).await;
    let publisher = Recording::default();
    let exclusive = Exclusive::new(
        MemoryLease::new(),
        EVENT_RELAY_LEASE,
        "p".to_owned(),
        Duration::from_secs(1),
    );
    let relay = EventRelay::new(database.clone(), publisher.clone(), exclusive, 2);
    let report = relay.relay(T0).await.unwrap();
    assert_eq!(report.read, 2);
    assert!(report.was_full(2));
    assert_eq!(database.unpublished(100).await.unwrap().len(), 3);
}
