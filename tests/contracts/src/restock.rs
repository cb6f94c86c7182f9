//! The stock gate's restock contract: the units of a cancelled or expired order come back
//! exactly once, the buyer barred unless allowed to buy again, and the unit sells again.

use flashsale_application::ports::{StockGate, StockSnapshot};
use flashsale_domain::{Order, OrderId, Refusal, Release, Reservation};

use crate::fixtures::{now, Fixtures};

fn order_of(reservation: &Reservation) -> Order {
    Order::new(
        OrderId::parse(format!("o-{}", reservation.request_id)).unwrap(),
        reservation.request_id.clone(),
        reservation.user_id.clone(),
        reservation.product_id.clone(),
        reservation.quantity,
        now(),
        now(),
    )
}

pub(crate) async fn a_restock_returns_an_orders_units_once<G: StockGate>(gate: &G, f: &Fixtures) {
    let sale = f.open_sale("restock", 1);
    let p = sale.product_id();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    let won = gate
        .reserve(f.ask(p, 1, "restock-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    let order = order_of(&won);
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(0)]);
    assert_eq!(
        gate.restock(&order, false).await.unwrap(),
        Release::Released
    );
    assert_eq!(
        gate.in_flight_count(p).await.unwrap(),
        0,
        "not in flight either"
    );
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(1)]);
    for _ in 0..3 {
        assert_eq!(gate.restock(&order, false).await.unwrap(), Release::NotHeld);
    }
    assert_eq!(
        gate.remaining(&[p.clone()]).await.unwrap(),
        vec![Some(1)],
        "exactly once"
    );
    assert_eq!(gate.holder(p, &f.user(1)).await.unwrap(), None);
    assert_eq!(
        gate.reserve(f.ask(p, 1, "restock-1b", 1), None, now())
            .await
            .unwrap(),
        Err(Refusal::AlreadyPurchased),
        "the buyer is barred"
    );
    assert_eq!(
        gate.release(&f.reservation(p, 1, "restock-1"))
            .await
            .unwrap(),
        Release::NotHeld,
        "a barred marker is released by nothing"
    );
    let resold = gate
        .reserve(f.ask(p, 2, "restock-2", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(0)]);
    assert_eq!(gate.restock(&order, false).await.unwrap(), Release::NotHeld);
    gate.settle(std::slice::from_ref(&resold)).await.unwrap();

    // Allowed to buy again: the marker goes, and the old order's restock never returns the
    // new purchase's unit.
    let lenient = f.open_sale("restock-again", 1);
    let q = lenient.product_id();
    gate.load(&Fixtures::fresh(&lenient)).await.unwrap();
    let first = gate
        .reserve(f.ask(q, 1, "again-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        gate.restock(&order_of(&first), true).await.unwrap(),
        Release::Released
    );
    gate.reserve(f.ask(q, 1, "again-2", 1), None, now())
        .await
        .unwrap()
        .expect("the buyer may buy again");
    assert_eq!(
        gate.restock(&order_of(&first), true).await.unwrap(),
        Release::NotHeld
    );
    assert_eq!(gate.remaining(&[q.clone()]).await.unwrap(), vec![Some(0)]);

    // A reload remembers barred buyers; a restock of a sale the gate does not hold is no-op.
    let reloaded = f.open_sale("restock-reloaded", 2);
    let r = reloaded.product_id();
    let snapshot = StockSnapshot {
        barred: vec![f.user(7)],
        ..Fixtures::fresh(&reloaded)
    };
    gate.load(&snapshot).await.unwrap();
    assert_eq!(
        gate.reserve(f.ask(r, 7, "reloaded-7", 1), None, now())
            .await
            .unwrap(),
        Err(Refusal::AlreadyPurchased)
    );
    assert_eq!(gate.holder(r, &f.user(7)).await.unwrap(), None);
    let mut elsewhere = order_of(&first);
    elsewhere.product_id = f.product("restock-nowhere");
    assert_eq!(
        gate.restock(&elsewhere, false).await.unwrap(),
        Release::NotHeld
    );
}
