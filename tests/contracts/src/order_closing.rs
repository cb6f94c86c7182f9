//! The order life-cycle contract of an order store: payment deadlines, a buyer's orders,
//! overdue orders, and closing an unpaid order (cancel, expire) with a compare-and-set that
//! returns its units to the sale exactly once, however many closers race.

use std::collections::HashSet;
use std::time::Duration;

use flashsale_application::ports::{
    Closed, Closing, NewOrder, OrderAudit, OrderPage, OrderStore, Persisted, SaleCatalog,
};
use flashsale_domain::{FailureReason, Order, OrderId, OrderStatus, PaymentWindow, Timestamp};

use crate::fixtures::{now, Fixtures};

const WINDOW: Duration = Duration::from_secs(60);

async fn create_order<S: OrderStore>(store: &S, f: &Fixtures, user: usize, at: Timestamp) -> Order {
    let p = f.product("closing");
    let request = format!("close-{user}");
    let new = NewOrder {
        order_id: OrderId::parse(format!("{}-o", f.request(&request).as_str())).unwrap(),
        reservation: f.reservation(&p, user, &request),
        created_at: at,
    };
    match store.persist(&[new]).await.unwrap().remove(0) {
        Persisted::Created(order) => order,
        other => panic!("created: {other:?}"),
    }
}

async fn remaining<S: SaleCatalog>(store: &S, f: &Fixtures) -> u32 {
    let p = f.product("closing");
    store.audit(&p).await.unwrap().unwrap().remaining
}

pub async fn order_closing_contract<S: OrderStore + SaleCatalog>(store: S, scope: &str) {
    let f = Fixtures::new(scope);
    let window = PaymentWindow::from_secs(60).unwrap();
    let sale = f.open_sale("closing", 4).with_payment_window(window);
    store.create(&sale).await.unwrap();
    let listed = store.list().await.unwrap();
    let record = listed.iter().find(|r| r.sale == sale).expect("listed");
    assert_eq!(record.sale.payment_window(), window, "the window is stored");

    let t0 = now();
    let mut orders = Vec::new();
    for user in 1..=4 {
        orders.push(create_order(&store, &f, user, t0).await);
    }
    let o = &orders;
    assert_eq!(o[0].payment_deadline, t0.plus(WINDOW), "created + window");
    assert_eq!(o[0].status(), OrderStatus::PendingPayment);
    assert_eq!(store.order(&o[0].id).await.unwrap().as_ref(), Some(&o[0]));
    let ghost = OrderId::parse(format!("{}-ghost", f.request("x").as_str())).unwrap();
    assert_eq!(store.order(&ghost).await.unwrap(), None);
    let first_page = OrderPage {
        offset: 0,
        limit: 10,
    };
    assert_eq!(
        store.orders_of(&f.user(1), first_page).await.unwrap(),
        vec![o[0].clone()]
    );
    let next_page = OrderPage {
        offset: 1,
        limit: 10,
    };
    assert!(store
        .orders_of(&f.user(1), next_page)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(remaining(&store, &f).await, 0);

    // Cancel: once, units back once.
    let Closed::Closed(cancelled) = store.close(&o[0].id, Closing::Cancel, t0).await.unwrap()
    else {
        panic!("a pending order is cancelled")
    };
    assert_eq!(cancelled.status(), OrderStatus::Cancelled);
    assert_eq!(remaining(&store, &f).await, 1);
    assert_eq!(
        store.close(&o[0].id, Closing::Cancel, t0).await.unwrap(),
        Closed::Unchanged(cancelled.clone()),
        "a second cancel changes nothing"
    );
    assert_eq!(remaining(&store, &f).await, 1);
    assert_eq!(
        store.close(&ghost, Closing::Cancel, t0).await.unwrap(),
        Closed::Unknown
    );

    // Expire: only from the deadline on, and never a closed order.
    let before = t0.plus(WINDOW - Duration::from_millis(1));
    let due = t0.plus(WINDOW);
    assert!(matches!(
        store.close(&o[1].id, Closing::Expire, before).await.unwrap(),
        Closed::Unchanged(order) if order.status() == OrderStatus::PendingPayment
    ));
    assert!(store
        .overdue(before, 10)
        .await
        .unwrap()
        .iter()
        .all(|d| !o.contains(d)));
    let overdue: HashSet<OrderId> = store
        .overdue(due, 1_000)
        .await
        .unwrap()
        .into_iter()
        .map(|order| order.id)
        .collect();
    assert!(
        !overdue.contains(&o[0].id),
        "a cancelled order is not overdue"
    );
    for pending in &o[1..] {
        assert!(overdue.contains(&pending.id), "{} is overdue", pending.id);
    }
    assert_eq!(store.overdue(due, 1).await.unwrap().len(), 1, "bounded");
    let Closed::Closed(expired) = store.close(&o[1].id, Closing::Expire, due).await.unwrap() else {
        panic!("an overdue order expires")
    };
    assert_eq!(expired.status(), OrderStatus::Expired);
    assert!(matches!(
        store.close(&o[1].id, Closing::Cancel, due).await.unwrap(),
        Closed::Unchanged(order) if order.status() == OrderStatus::Expired
    ));
    assert_eq!(remaining(&store, &f).await, 2);

    // Ten cancels of one order at once: one closes it, the units come back once.
    let racers: Vec<_> = (0..10)
        .map(|_| {
            let (store, id) = (store.clone(), o[3].id.clone());
            tokio::spawn(async move { store.close(&id, Closing::Cancel, t0).await })
        })
        .collect();
    let mut closed = 0;
    for racer in racers {
        if let Closed::Closed(_) = racer.await.unwrap().unwrap() {
            closed += 1;
        }
    }
    assert_eq!(
        closed, 1,
        "exactly one of ten concurrent cancels closes the order"
    );
    assert_eq!(remaining(&store, &f).await, 3);

    // The sale as snapshots and audits see it: one live order, three buyers barred.
    let p = f.product("closing");
    assert_eq!(
        store.audit(&p).await.unwrap(),
        Some(OrderAudit {
            stock: 4,
            remaining: 3,
            orders: 1,
            units_ordered: 1,
            units_pending_payment: 1,
            units_paid: 0,
            distinct_buyers: 1,
            max_orders_per_buyer: 1,
        }),
        "closed orders hold no units"
    );
    let snapshots = store.snapshots().await.unwrap();
    let snapshot = snapshots
        .iter()
        .find(|s| s.sale.product_id() == &p)
        .expect("snapshot");
    assert_eq!(snapshot.remaining, 3);
    let buyers: Vec<_> = snapshot.buyers.iter().map(|(u, _, _)| u.clone()).collect();
    assert_eq!(buyers, vec![f.user(3)]);
    let barred: HashSet<_> = snapshot.barred.iter().cloned().collect();
    assert_eq!(barred, HashSet::from([f.user(1), f.user(2), f.user(4)]));

    // A barred buyer's new order is refused; another buyer takes a returned unit.
    let again = NewOrder {
        order_id: OrderId::parse(format!("{}-o", f.request("again").as_str())).unwrap(),
        reservation: f.reservation(&p, 1, "again"),
        created_at: due,
    };
    assert_eq!(
        store.persist(&[again]).await.unwrap(),
        vec![Persisted::Refused(FailureReason::AlreadyPurchased)]
    );
    create_order(&store, &f, 5, due).await;
    assert_eq!(remaining(&store, &f).await, 2);

    a_sale_may_let_a_buyer_buy_again_after_a_close(&store, &f).await;
}

async fn a_sale_may_let_a_buyer_buy_again_after_a_close<S: OrderStore + SaleCatalog>(
    store: &S,
    f: &Fixtures,
) {
    let sale = f.open_sale("rebuy", 1).with_rebuy_after_cancel(true);
    let p = sale.product_id().clone();
    store.create(&sale).await.unwrap();
    let stored = store.sale(&p).await.unwrap().expect("the sale");
    assert!(stored.sale.rebuy_after_cancel(), "the setting is stored");
    assert_eq!(store.sale(&f.product("nowhere")).await.unwrap(), None);
    let order_for = |request: &str| NewOrder {
        order_id: OrderId::parse(format!("{}-o", f.request(request).as_str())).unwrap(),
        reservation: f.reservation(&p, 1, request),
        created_at: now(),
    };
    let Persisted::Created(first) = store
        .persist(&[order_for("rebuy-1")])
        .await
        .unwrap()
        .remove(0)
    else {
        panic!("created")
    };
    assert!(matches!(
        store
            .close(&first.id, Closing::Cancel, now())
            .await
            .unwrap(),
        Closed::Closed(_)
    ));
    let Persisted::Created(second) = store
        .persist(&[order_for("rebuy-2")])
        .await
        .unwrap()
        .remove(0)
    else {
        panic!("the buyer buys again")
    };
    assert_eq!(
        store.persist(&[order_for("rebuy-3")]).await.unwrap(),
        vec![Persisted::Refused(FailureReason::AlreadyPurchased)],
        "one live order per buyer still"
    );
    assert_eq!(
        store.find_order_for_buyer(&f.user(1), &p).await.unwrap(),
        Some(second.clone()),
        "the live order first"
    );
    let snapshots = store.snapshots().await.unwrap();
    let snapshot = snapshots
        .iter()
        .find(|s| s.sale.product_id() == &p)
        .expect("snapshot");
    assert_eq!(snapshot.remaining, 0);
    assert_eq!(
        snapshot.buyers,
        vec![(f.user(1), second.request_id.clone(), second.quantity)]
    );
    assert!(snapshot.barred.is_empty(), "{:?}", snapshot.barred);
    let audit = store.audit(&p).await.unwrap().unwrap();
    assert_eq!((audit.orders, audit.max_orders_per_buyer), (1, 1));
}
