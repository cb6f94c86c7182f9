//! The order-events contract of an order store and its outbox: every status change it commits
//! (created, paid, cancelled, expired) writes exactly one event with it; a call that changes
//! nothing (a redelivered batch, a repeated or losing compare-and-set, a refused reservation)
//! writes none; events come back by ascending id until marked published.

use std::time::Duration;

use flashsale_application::ports::{
    Closed, Closing, EventId, NewOrder, OrderEvent, OrderEvents, OrderStore, Paid, Persisted,
    SaleCatalog,
};
use flashsale_domain::{Order, OrderId, OrderStatus, PaymentId, PaymentWindow, Timestamp};

use crate::fixtures::{now, Fixtures};

const WINDOW: Duration = Duration::from_secs(60);
const PRODUCT: &str = "events";
const ALL: u32 = 10_000;

fn new_order(f: &Fixtures, user: usize, at: Timestamp) -> NewOrder {
    let request = format!("ev-{user}");
    NewOrder {
        order_id: OrderId::parse(format!("{}-o", f.request(&request).as_str())).unwrap(),
        reservation: f.reservation(&f.product(PRODUCT), user, &request),
        created_at: at,
    }
}

/// This contract's unpublished events, by ascending id.
async fn events_of<S: OrderEvents>(store: &S, f: &Fixtures) -> Vec<OrderEvent> {
    let product = f.product(PRODUCT);
    store
        .unpublished(ALL)
        .await
        .unwrap()
        .into_iter()
        .filter(|event| event.product_id == product)
        .collect()
}

fn statuses(events: &[OrderEvent]) -> Vec<(OrderId, OrderStatus)> {
    events
        .iter()
        .map(|e| (e.order_id.clone(), e.status))
        .collect()
}

pub async fn order_events_contract<S: OrderStore + SaleCatalog + OrderEvents>(
    store: S,
    scope: &str,
) {
    let f = Fixtures::new(scope);
    let window = PaymentWindow::from_secs(60).unwrap();
    store
        .create(&f.open_sale(PRODUCT, 4).with_payment_window(window))
        .await
        .unwrap();
    let t0 = now();

    // Created: one event per order, in batch order, with the order as it was created.
    let batch: Vec<NewOrder> = (0..4).map(|user| new_order(&f, user, t0)).collect();
    let mut orders: Vec<Order> = Vec::new();
    for outcome in store.persist(&batch).await.unwrap() {
        let Persisted::Created(order) = outcome else {
            panic!("created: {outcome:?}")
        };
        orders.push(order);
    }
    let created = events_of(&store, &f).await;
    assert_eq!(created.len(), 4, "{created:?}");
    for (event, order) in created.iter().zip(&orders) {
        assert_eq!(event.order_id, order.id);
        assert_eq!(event.request_id, order.request_id);
        assert_eq!(event.user_id, order.user_id);
        assert_eq!(event.quantity, order.quantity);
        assert_eq!(event.status, OrderStatus::PendingPayment);
        assert_eq!(event.payment_id, None);
        assert_eq!(event.payment_deadline, t0.plus(WINDOW));
        assert_eq!(event.occurred_at, t0);
    }
    assert!(
        created.windows(2).all(|w| w[0].id < w[1].id),
        "ascending ids"
    );

    // A redelivered batch, and a reservation refused (sold out, or a buyer who has an order),
    // change nothing and write nothing.
    assert!(store
        .persist(&batch)
        .await
        .unwrap()
        .iter()
        .all(|o| matches!(o, Persisted::AlreadyPersisted(_))));
    let refused = store.persist(&[new_order(&f, 9, t0)]).await.unwrap();
    assert!(matches!(refused[0], Persisted::Refused(_)), "{refused:?}");
    assert_eq!(
        events_of(&store, &f).await.len(),
        4,
        "no event for no change"
    );

    // Paid: one event with its payment; paying again, or with another payment, writes none.
    let at = t0.plus(Duration::from_secs(1));
    let pay = PaymentId::parse(format!("{}-pi", f.request("ev").as_str())).unwrap();
    let other = PaymentId::parse(format!("{}-pi2", f.request("ev").as_str())).unwrap();
    assert!(matches!(
        store.pay(&orders[0].id, &pay, at).await.unwrap(),
        Paid::Paid(_)
    ));
    assert!(matches!(
        store.pay(&orders[0].id, &pay, at).await.unwrap(),
        Paid::Unchanged(_)
    ));
    assert!(matches!(
        store.pay(&orders[0].id, &other, at).await.unwrap(),
        Paid::Unchanged(_)
    ));
    // Cancelled: one event, however many cancels race for the order.
    let cancels: Vec<_> = (0..10)
        .map(|_| {
            let (store, id) = (store.clone(), orders[1].id.clone());
            tokio::spawn(async move { store.close(&id, Closing::Cancel, at).await })
        })
        .collect();
    let mut answers = Vec::new();
    for cancel in cancels {
        answers.push(cancel.await.unwrap());
    }
    assert_eq!(
        answers
            .iter()
            .filter(|a| matches!(a, Ok(Closed::Closed(_))))
            .count(),
        1,
        "{answers:?}"
    );
    // Expired: not before the deadline; once at it; a paid order never.
    let due = t0.plus(WINDOW);
    assert!(matches!(
        store
            .close(&orders[2].id, Closing::Expire, at)
            .await
            .unwrap(),
        Closed::Unchanged(_)
    ));
    assert!(matches!(
        store
            .close(&orders[2].id, Closing::Expire, due)
            .await
            .unwrap(),
        Closed::Closed(_)
    ));
    assert!(matches!(
        store
            .close(&orders[2].id, Closing::Expire, due)
            .await
            .unwrap(),
        Closed::Unchanged(_)
    ));
    assert!(matches!(
        store
            .close(&orders[0].id, Closing::Expire, due)
            .await
            .unwrap(),
        Closed::Unchanged(_)
    ));
    assert!(matches!(
        store.pay(&orders[2].id, &other, due).await.unwrap(),
        Paid::Unchanged(_)
    ));

    let events = events_of(&store, &f).await;
    assert_eq!(
        statuses(&events[4..]),
        vec![
            (orders[0].id.clone(), OrderStatus::Paid),
            (orders[1].id.clone(), OrderStatus::Cancelled),
            (orders[2].id.clone(), OrderStatus::Expired),
        ],
        "one event per change, none for the calls that changed nothing"
    );
    let paid = &events[4];
    assert_eq!(paid.payment_id.as_ref(), Some(&pay));
    assert_eq!(paid.occurred_at, at);
    assert_eq!(events[5].occurred_at, at);
    assert_eq!(events[6].occurred_at, due);
    assert_eq!(events[6].payment_id, None);
    assert!(events.windows(2).all(|w| w[0].id < w[1].id));

    // Marked published: no longer unpublished; marking again, or an unknown id, is harmless.
    let first_two: Vec<EventId> = events[..2].iter().map(|e| e.id).collect();
    store.mark_published(&first_two, due).await.unwrap();
    store.mark_published(&first_two, due).await.unwrap();
    store
        .mark_published(&[EventId::new(u64::MAX >> 1)], due)
        .await
        .unwrap();
    let left = events_of(&store, &f).await;
    assert_eq!(left, events[2..].to_vec());
    let limited = store.unpublished(2).await.unwrap();
    assert_eq!(limited.len(), 2, "at most the limit");
    assert_eq!(limited[0].id, events[2].id, "the oldest first");
    let rest: Vec<EventId> = left.iter().map(|e| e.id).collect();
    store.mark_published(&rest, due).await.unwrap();
    assert!(events_of(&store, &f).await.is_empty());
}
