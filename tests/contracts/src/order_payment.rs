//! The payment contract of an order store: an order pending payment is paid once, before its
//! deadline, by one payment id that pays no other order; a paid order keeps its units and is
//! never closed; of payments and expiries racing for one order exactly one wins.

use std::time::Duration;

use flashsale_application::ports::{
    Closed, Closing, NewOrder, OrderStore, Paid, Persisted, SaleCatalog,
};
use flashsale_domain::{Order, OrderId, OrderStatus, PaymentId, PaymentWindow, Timestamp};

use crate::fixtures::{now, Fixtures};

const WINDOW: Duration = Duration::from_secs(60);
const PRODUCT: &str = "paying";

async fn create_order<S: OrderStore>(store: &S, f: &Fixtures, user: usize, at: Timestamp) -> Order {
    let request = format!("pay-{user}");
    let new = NewOrder {
        order_id: OrderId::parse(format!("{}-o", f.request(&request).as_str())).unwrap(),
        reservation: f.reservation(&f.product(PRODUCT), user, &request),
        created_at: at,
    };
    match store.persist(&[new]).await.unwrap().remove(0) {
        Persisted::Created(order) => order,
        other => panic!("created: {other:?}"),
    }
}

fn payment(f: &Fixtures, name: &str) -> PaymentId {
    PaymentId::parse(format!("{}-pi-{name}", f.request("").as_str())).unwrap()
}

async fn remaining<S: SaleCatalog>(store: &S, f: &Fixtures) -> u32 {
    store
        .audit(&f.product(PRODUCT))
        .await
        .unwrap()
        .unwrap()
        .remaining
}

pub async fn order_payment_contract<S: OrderStore + SaleCatalog>(store: S, scope: &str) {
    let f = Fixtures::new(scope);
    let window = PaymentWindow::from_secs(60).unwrap();
    store
        .create(&f.open_sale(PRODUCT, 7).with_payment_window(window))
        .await
        .unwrap();
    let t0 = now();
    let before = t0.plus(WINDOW - Duration::from_millis(1));
    let due = t0.plus(WINDOW);
    let mut o = Vec::new();
    for user in 0..7 {
        o.push(create_order(&store, &f, user, t0).await);
    }
    assert_eq!(o[0].payment_id(), None, "a new order is unpaid");
    let (pa, pb) = (payment(&f, "a"), payment(&f, "b"));

    // Paid once, by one payment, up to the last millisecond before the deadline.
    let Paid::Paid(paid) = store.pay(&o[0].id, &pa, before).await.unwrap() else {
        panic!("a pending order is paid")
    };
    assert_eq!(paid.status(), OrderStatus::Paid);
    assert_eq!(paid.payment_id(), Some(&pa));
    assert_eq!(store.order(&o[0].id).await.unwrap(), Some(paid.clone()));
    assert_eq!(remaining(&store, &f).await, 0, "paying moves no stock");
    assert_eq!(
        store.pay(&o[0].id, &pa, due).await.unwrap(),
        Paid::Unchanged(paid.clone()),
        "the same payment again: the paid order, nothing changed"
    );
    assert_eq!(
        store.pay(&o[0].id, &pb, t0).await.unwrap(),
        Paid::Unchanged(paid.clone()),
        "another payment of a paid order changes nothing"
    );
    assert_eq!(
        store.pay(&o[1].id, &pa, t0).await.unwrap(),
        Paid::PaymentUsed(o[0].id.clone()),
        "a payment pays one order"
    );
    let ghost = OrderId::parse(format!("{}-ghost", f.request("p").as_str())).unwrap();
    assert_eq!(store.pay(&ghost, &pb, t0).await.unwrap(), Paid::Unknown);

    // A paid order is never closed; an unpaid one past its deadline is not paid.
    for closing in [Closing::Cancel, Closing::Expire] {
        assert_eq!(
            store.close(&o[0].id, closing, due).await.unwrap(),
            Closed::Unchanged(paid.clone())
        );
    }
    assert!(!store
        .overdue(due, 1_000)
        .await
        .unwrap()
        .iter()
        .any(|order| order.id == o[0].id));
    assert!(matches!(
        store.pay(&o[1].id, &pb, due).await.unwrap(),
        Paid::Unchanged(order) if order.status() == OrderStatus::PendingPayment && order.payment_id().is_none()
    ));
    let Closed::Closed(cancelled) = store.close(&o[2].id, Closing::Cancel, t0).await.unwrap()
    else {
        panic!("cancelled")
    };
    assert_eq!(
        store.pay(&o[2].id, &pb, t0).await.unwrap(),
        Paid::Unchanged(cancelled),
        "a cancelled order is not paid"
    );
    let Closed::Closed(expired) = store.close(&o[1].id, Closing::Expire, due).await.unwrap() else {
        panic!("expired")
    };
    assert_eq!(
        store.pay(&o[1].id, &pb, t0).await.unwrap(),
        Paid::Unchanged(expired),
        "an expired order is not paid, whatever the time"
    );
    assert_eq!(remaining(&store, &f).await, 2);

    payments_and_expiries_racing_for_one_order(&store, &f, &o[3], before, due).await;
    one_payment_racing_for_two_orders(&store, &f, &o[4], &o[5]).await;
    one_payment_delivered_ten_times_at_once(&store, &f, &o[6]).await;

    let audit = store.audit(&f.product(PRODUCT)).await.unwrap().unwrap();
    assert!(audit.units_paid >= 3, "{audit:?}");
    assert_eq!(
        audit.units_paid + audit.units_pending_payment + u64::from(audit.remaining),
        7,
        "paid + pending payment + remaining = stock: {audit:?}"
    );
}

/// Ten payments (each its own payment id) and ten expiries of one order at once: one changes
/// it, and its units came back only if an expiry won.
async fn payments_and_expiries_racing_for_one_order<S: OrderStore + SaleCatalog>(
    store: &S,
    f: &Fixtures,
    order: &Order,
    before: Timestamp,
    due: Timestamp,
) {
    let remaining_before = remaining(store, f).await;
    let mut racers = Vec::new();
    for n in 0..10 {
        let (payer, id, pay) = (
            store.clone(),
            order.id.clone(),
            payment(f, &format!("race-{n}")),
        );
        racers.push(tokio::spawn(async move {
            matches!(payer.pay(&id, &pay, before).await.unwrap(), Paid::Paid(_))
        }));
        let (closer, id) = (store.clone(), order.id.clone());
        racers.push(tokio::spawn(async move {
            matches!(
                closer.close(&id, Closing::Expire, due).await.unwrap(),
                Closed::Closed(_)
            )
        }));
    }
    let mut winners = 0;
    for racer in racers {
        winners += usize::from(racer.await.unwrap());
    }
    assert_eq!(
        winners, 1,
        "exactly one payment or expiry changed the order"
    );
    let stored = store.order(&order.id).await.unwrap().unwrap();
    let returned = remaining(store, f).await - remaining_before;
    match stored.status() {
        OrderStatus::Paid => {
            assert!(stored.payment_id().is_some());
            assert_eq!(returned, 0, "a paid order keeps its unit");
        }
        OrderStatus::Expired => {
            assert_eq!(stored.payment_id(), None);
            assert_eq!(returned, 1, "an expired order's unit comes back once");
        }
        other => panic!("the order ended {other:?}"),
    }
}

/// One payment id confirmed for two orders at once pays one of them.
async fn one_payment_racing_for_two_orders<S: OrderStore + SaleCatalog>(
    store: &S,
    f: &Fixtures,
    first: &Order,
    second: &Order,
) {
    let shared = payment(f, "shared");
    let pay = |order: &Order| {
        let (store, id, pay) = (store.clone(), order.id.clone(), shared.clone());
        tokio::spawn(async move { store.pay(&id, &pay, now()).await.unwrap() })
    };
    let (a, b) = (pay(first), pay(second));
    let outcomes = [a.await.unwrap(), b.await.unwrap()];
    let winner = match &outcomes {
        [Paid::Paid(won), Paid::PaymentUsed(holder)]
        | [Paid::PaymentUsed(holder), Paid::Paid(won)] => {
            assert_eq!(
                holder, &won.id,
                "the loser is told which order the payment paid"
            );
            won.id.clone()
        }
        other => panic!("one of two orders is paid: {other:?}"),
    };
    let loser = if winner == first.id { second } else { first };
    let unpaid = store.order(&loser.id).await.unwrap().unwrap();
    assert_eq!(unpaid.status(), OrderStatus::PendingPayment);
    assert_eq!(unpaid.payment_id(), None);
}

/// One payment of one order delivered ten times at once: one delivery pays it, every other
/// sees it paid by this payment (never "used by another order").
async fn one_payment_delivered_ten_times_at_once<S: OrderStore>(
    store: &S,
    f: &Fixtures,
    order: &Order,
) {
    let once = payment(f, "once");
    let deliveries: Vec<_> = (0..10)
        .map(|_| {
            let (store, id, pay) = (store.clone(), order.id.clone(), once.clone());
            tokio::spawn(async move { store.pay(&id, &pay, now()).await.unwrap() })
        })
        .collect();
    let mut paid = 0;
    for delivery in deliveries {
        match delivery.await.unwrap() {
            Paid::Paid(order) => {
                paid += 1;
                assert_eq!(order.payment_id(), Some(&once));
            }
            Paid::Unchanged(order) => assert_eq!(order.payment_id(), Some(&once), "{order:?}"),
            other => panic!("a redelivery of the payment that paid the order: {other:?}"),
        }
    }
    assert_eq!(paid, 1, "one delivery paid the order");
}
