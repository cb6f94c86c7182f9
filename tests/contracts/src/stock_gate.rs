//! The stock gate contract: the inventory rules, atomic under concurrency, release exactly once,
//! preload never clobbering a live sale, the in-flight record as the pending state, a retried
//! request id answered with its reservation, and a unit returned after a sell-out sold again.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use flashsale_application::ports::{
    LoadOutcome, StockGate, StockGateError, StockSnapshot, Withdrawal,
};
use flashsale_domain::{Quantity, Refusal, Release};

use crate::fixtures::{now, Fixtures};

pub async fn stock_gate_contract<G: StockGate>(gate: G, scope: &str) {
    let f = Fixtures::new(scope);
    unknown_products_are_reported(&gate, &f).await;
    a_load_never_clobbers_a_live_sale(&gate, &f).await;
    the_rules_apply_in_order(&gate, &f).await;
    a_release_returns_stock_exactly_once(&gate, &f).await;
    a_discard_frees_the_buyer_but_returns_no_stock(&gate, &f).await;
    a_withdrawn_reservation_settled_takes_its_units_back_once(&gate, &f).await;
    a_withdrawn_reservation_resold_meanwhile_never_goes_below_zero(&gate, &f).await;
    a_repair_sets_a_settled_count_and_never_races_a_purchase(&gate, &f).await;
    a_cancel_releases_once_and_a_late_reserve_takes_nothing(&gate, &f).await;
    crate::republish_claim::a_claimed_reservation_is_never_withdrawn(&gate, &f).await;
    crate::retire::a_retired_sale_is_forgotten_from_its_deadline(&gate, &f).await;
    crate::sale_controls::a_paused_sale_refuses_new_buys_until_resumed(&gate, &f).await;
    crate::sale_controls::a_moved_window_applies_at_once(&gate, &f).await;
    crate::sale_controls::added_units_count_once_per_restock(&gate, &f).await;
    a_restored_sale_remembers_its_buyers(&gate, &f).await;
    the_in_flight_record_is_the_pending_state(&gate, &f).await;
    a_retried_request_id_gets_its_reservation_again(&gate, &f).await;
    a_unit_returned_after_a_sell_out_sells_again(&gate, &f).await;
    crate::restock::a_restock_returns_an_orders_units_once(&gate, &f).await;
    concurrent_buyers_never_oversell(&gate, &f).await;
}

async fn the_in_flight_record_is_the_pending_state<G: StockGate>(gate: &G, f: &Fixtures) {
    let sale = f.open_sale("pending", 5);
    let p = sale.product_id();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    let reservation = gate
        .reserve(f.ask(p, 1, "pend-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    let request = &reservation.request_id;
    assert_eq!(
        gate.pending(p, request).await.unwrap(),
        Some(reservation.clone())
    );
    assert_eq!(
        gate.holder(p, &f.user(1)).await.unwrap(),
        Some(request.clone())
    );
    assert_eq!(gate.holder(p, &f.user(2)).await.unwrap(), None);
    assert_eq!(gate.in_flight_count(p).await.unwrap(), 1);
    gate.settle(std::slice::from_ref(&reservation))
        .await
        .unwrap();
    assert_eq!(gate.pending(p, request).await.unwrap(), None);
    assert_eq!(gate.in_flight_count(p).await.unwrap(), 0);
    assert_eq!(
        gate.holder(p, &f.user(1)).await.unwrap(),
        Some(request.clone()),
        "a settled purchase keeps the marker"
    );
    let ghost = f.product("no-such-sale");
    assert_eq!(gate.pending(&ghost, request).await.unwrap(), None);
    assert_eq!(gate.in_flight_count(&ghost).await.unwrap(), 0);
}

/// A second reserve with the same request id (a retry after a lost answer) returns the first
/// reservation, in flight or settled, and takes nothing more, even with the stock gone; another
/// request id of the same buyer is still refused, and a released request id may buy again.
async fn a_retried_request_id_gets_its_reservation_again<G: StockGate>(gate: &G, f: &Fixtures) {
    let sale = f.open_sale("replay", 2);
    let p = sale.product_id();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    let first = gate
        .reserve(f.ask(p, 1, "replay-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    gate.reserve(f.ask(p, 2, "replay-2", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    let again = gate
        .reserve(f.ask(p, 1, "replay-1", 1), None, now())
        .await
        .unwrap()
        .expect("a retried request id is not refused, even sold out");
    assert_eq!(
        again, first,
        "in flight: the same reservation, its instant included"
    );
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(0)]);
    assert_eq!(gate.in_flight_count(p).await.unwrap(), 2);
    let other = gate.reserve(f.ask(p, 1, "replay-x", 1), None, now()).await;
    assert_eq!(other, Ok(Err(Refusal::AlreadyPurchased)));

    gate.settle(std::slice::from_ref(&first)).await.unwrap();
    let settled = gate
        .reserve(f.ask(p, 1, "replay-1", 1), None, now())
        .await
        .unwrap()
        .expect("a settled request id is not refused either");
    assert_eq!(
        (&settled.request_id, &settled.user_id, settled.quantity),
        (&first.request_id, &first.user_id, first.quantity)
    );
    assert_eq!(
        gate.in_flight_count(p).await.unwrap(),
        1,
        "nothing back in flight"
    );
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(0)]);

    assert_eq!(gate.release(&first).await.unwrap(), Release::Released);
    let bought_again = gate
        .reserve(f.ask(p, 1, "replay-1", 1), None, now())
        .await
        .unwrap()
        .expect("released: the same request id takes a unit again");
    assert_eq!(bought_again.request_id, first.request_id);
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(0)]);
}

/// However the gate remembers a sell-out, a unit released afterwards is sold again within a few
/// seconds (a bound far below any memory's safety bound the suite configures).
async fn a_unit_returned_after_a_sell_out_sells_again<G: StockGate>(gate: &G, f: &Fixtures) {
    let sale = f.open_sale("comeback", 1);
    let p = sale.product_id();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    let first = gate
        .reserve(f.ask(p, 1, "back-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    for n in 2..5 {
        let refused = gate.reserve(f.ask(p, n, "back-x", 1), None, now()).await;
        assert_eq!(refused, Ok(Err(Refusal::SoldOut)));
    }
    assert_eq!(gate.release(&first).await.unwrap(), Release::Released);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match gate
            .reserve(f.ask(p, 9, "back-9", 1), None, now())
            .await
            .unwrap()
        {
            Ok(_) => break,
            Err(Refusal::SoldOut) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err(other) => panic!("the returned unit was not sold again: {other:?}"),
        }
    }
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(0)]);
}

async fn unknown_products_are_reported<G: StockGate>(gate: &G, f: &Fixtures) {
    let ghost = f.product("ghost");
    let outcome = gate
        .reserve(f.ask(&ghost, 1, "ghost", 1), None, now())
        .await;
    assert_eq!(outcome, Err(StockGateError::UnknownProduct(ghost.clone())));
    assert_eq!(gate.remaining(&[ghost]).await.unwrap(), vec![None]);
    let release = gate
        .release(&f.reservation(&f.product("ghost"), 1, "ghost"))
        .await
        .unwrap();
    assert_eq!(release, Release::NotHeld);
}

async fn a_load_never_clobbers_a_live_sale<G: StockGate>(gate: &G, f: &Fixtures) {
    let sale = f.open_sale("live", 5);
    let product = sale.product_id().clone();
    assert_eq!(
        gate.load(&Fixtures::fresh(&sale)).await.unwrap(),
        LoadOutcome::Loaded
    );
    gate.reserve(f.ask(&product, 1, "live-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    let again = StockSnapshot {
        sale: sale.clone(),
        remaining: 5,
        buyers: Vec::new(),
        barred: Vec::new(),
    };
    assert_eq!(gate.load(&again).await.unwrap(), LoadOutcome::KeptLive);
    assert_eq!(
        gate.remaining(&[product.clone()]).await.unwrap(),
        vec![Some(4)]
    );
    let repeat = gate
        .reserve(f.ask(&product, 1, "live-2", 1), None, now())
        .await
        .unwrap();
    assert_eq!(
        repeat,
        Err(Refusal::AlreadyPurchased),
        "the buyer marker survives a reload"
    );
}

async fn the_rules_apply_in_order<G: StockGate>(gate: &G, f: &Fixtures) {
    let early = f.sale("early", 5, 1, 60_000, 120_000);
    let late = f.sale("late", 5, 1, -120_000, -60_000);
    let limited = f.sale("limited", 3, 2, -60_000, 3_600_000);
    for sale in [&early, &late, &limited] {
        gate.load(&Fixtures::fresh(sale)).await.unwrap();
    }
    let not_started = gate
        .reserve(f.ask(early.product_id(), 1, "e", 1), None, now())
        .await
        .unwrap();
    assert_eq!(not_started, Err(Refusal::NotStarted));
    let ended = gate
        .reserve(f.ask(late.product_id(), 1, "l", 1), None, now())
        .await
        .unwrap();
    assert_eq!(ended, Err(Refusal::Ended));

    let p = limited.product_id();
    let above = gate
        .reserve(f.ask(p, 1, "a", 3), None, now())
        .await
        .unwrap();
    assert_eq!(
        above,
        Err(Refusal::AboveLimit {
            limit: Quantity::new(2).unwrap()
        })
    );
    let two = gate
        .reserve(f.ask(p, 1, "b", 2), None, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(two.quantity.get(), 2);
    assert_eq!(two.user_id, f.user(1));
    let repeat = gate
        .reserve(f.ask(p, 1, "c", 1), None, now())
        .await
        .unwrap();
    assert_eq!(repeat, Err(Refusal::AlreadyPurchased));
    let too_many = gate
        .reserve(f.ask(p, 2, "d", 2), None, now())
        .await
        .unwrap();
    assert_eq!(too_many, Err(Refusal::SoldOut));
    gate.reserve(f.ask(p, 2, "e", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    let none_left = gate
        .reserve(f.ask(p, 3, "f", 1), None, now())
        .await
        .unwrap();
    assert_eq!(none_left, Err(Refusal::SoldOut));
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(0)]);
}

async fn a_release_returns_stock_exactly_once<G: StockGate>(gate: &G, f: &Fixtures) {
    let sale = f.open_sale("release", 1);
    let p = sale.product_id();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    let reservation = gate
        .reserve(f.ask(p, 1, "rel-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gate.release(&reservation).await.unwrap(), Release::Released);
    assert_eq!(gate.release(&reservation).await.unwrap(), Release::NotHeld);
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(1)]);

    let retry = gate
        .reserve(f.ask(p, 1, "rel-2", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        gate.release(&reservation).await.unwrap(),
        Release::NotHeld,
        "an old release frees nothing"
    );
    gate.settle(std::slice::from_ref(&retry)).await.unwrap();
    gate.settle(std::slice::from_ref(&retry)).await.unwrap();
    assert!(
        gate.in_flight(p).await.unwrap().is_empty(),
        "settling clears the in-flight record"
    );
    let after_settle = gate
        .reserve(f.ask(p, 1, "rel-3", 1), None, now())
        .await
        .unwrap();
    assert_eq!(
        after_settle,
        Err(Refusal::AlreadyPurchased),
        "settling keeps the marker"
    );
}

async fn a_discard_frees_the_buyer_but_returns_no_stock<G: StockGate>(gate: &G, f: &Fixtures) {
    let sale = f.open_sale("discard", 2);
    let p = sale.product_id();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    let reservation = gate
        .reserve(f.ask(p, 1, "dis-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gate.discard(&reservation).await.unwrap(), Release::Released);
    assert_eq!(gate.discard(&reservation).await.unwrap(), Release::NotHeld);
    assert_eq!(gate.release(&reservation).await.unwrap(), Release::NotHeld);
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(1)]);
    assert!(gate.in_flight(p).await.unwrap().is_empty());
    gate.reserve(f.ask(p, 1, "dis-2", 1), None, now())
        .await
        .unwrap()
        .unwrap();
}

async fn a_withdrawn_reservation_settled_takes_its_units_back_once<G: StockGate>(
    gate: &G,
    f: &Fixtures,
) {
    let sale = f.open_sale("withdraw", 2);
    let p = sale.product_id();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    let reservation = gate
        .reserve(f.ask(p, 1, "wd-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        gate.withdraw(&reservation).await.unwrap(),
        Withdrawal::Withdrawn
    );
    assert_eq!(
        gate.withdraw(&reservation).await.unwrap(),
        Withdrawal::NotHeld
    );
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(2)]);
    assert_eq!(gate.holder(p, &f.user(1)).await.unwrap(), None);
    assert!(gate.in_flight(p).await.unwrap().is_empty());

    // Its order is stored after all: settling takes the unit and the marker back, once.
    gate.settle(std::slice::from_ref(&reservation))
        .await
        .unwrap();
    gate.settle(std::slice::from_ref(&reservation))
        .await
        .unwrap();
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(1)]);
    assert_eq!(
        gate.holder(p, &f.user(1)).await.unwrap(),
        Some(reservation.request_id.clone())
    );
    assert_eq!(
        gate.reserve(f.ask(p, 1, "wd-2", 1), None, now())
            .await
            .unwrap(),
        Err(Refusal::AlreadyPurchased)
    );

    // A plain release is not remembered: settling it takes nothing back.
    let other = gate
        .reserve(f.ask(p, 2, "wd-3", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gate.release(&other).await.unwrap(), Release::Released);
    gate.settle(std::slice::from_ref(&other)).await.unwrap();
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(1)]);

    // A cancelled reservation (its reserve answer was lost) whose order is stored after all
    // (re-published before the cancel landed) is taken back the same way.
    let cancelled = gate
        .reserve(f.ask(p, 3, "wd-4", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        gate.cancel(&cancelled).await.unwrap(),
        Withdrawal::Withdrawn
    );
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(1)]);
    gate.settle(std::slice::from_ref(&cancelled)).await.unwrap();
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(0)]);
    assert_eq!(
        gate.holder(p, &f.user(3)).await.unwrap(),
        Some(cancelled.request_id.clone())
    );
}

async fn a_withdrawn_reservation_resold_meanwhile_never_goes_below_zero<G: StockGate>(
    gate: &G,
    f: &Fixtures,
) {
    let sale = f.open_sale("withdraw-resold", 1);
    let p = sale.product_id();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    let first = gate
        .reserve(f.ask(p, 1, "wr-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    gate.withdraw(&first).await.unwrap();
    let second = gate
        .reserve(f.ask(p, 2, "wr-2", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    gate.settle(std::slice::from_ref(&first)).await.unwrap();
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(0)]);
    assert_eq!(
        gate.holder(p, &f.user(2)).await.unwrap(),
        Some(second.request_id.clone()),
        "the other buyer keeps their pending purchase"
    );
    assert_eq!(
        gate.pending(p, &second.request_id).await.unwrap(),
        Some(second.clone())
    );
}

async fn a_repair_sets_a_settled_count_and_never_races_a_purchase<G: StockGate>(
    gate: &G,
    f: &Fixtures,
) {
    let sale = f.open_sale("repair", 5);
    let p = sale.product_id();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    assert!(
        !gate.repair(p, 4, 3).await.unwrap(),
        "the count moved: kept"
    );
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(5)]);
    assert!(gate.repair(p, 5, 4).await.unwrap());
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(4)]);
    let reservation = gate
        .reserve(f.ask(p, 1, "rp-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert!(
        !gate.repair(p, 3, 4).await.unwrap(),
        "a reservation in flight: kept"
    );
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(3)]);
    gate.settle(std::slice::from_ref(&reservation))
        .await
        .unwrap();
    assert!(gate.repair(p, 3, 4).await.unwrap());
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(4)]);
    assert!(!gate.repair(&f.product("repair-none"), 0, 1).await.unwrap());
}

/// A cancel (the reserve's answer was lost) proves nothing is taken, whichever reached the gate
/// first: a reserve that ran is released once; one arriving after the cancel takes nothing.
async fn a_cancel_releases_once_and_a_late_reserve_takes_nothing<G: StockGate>(
    gate: &G,
    f: &Fixtures,
) {
    let sale = f.open_sale("cancel", 2);
    let p = sale.product_id();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    let ran = gate
        .reserve(f.ask(p, 1, "can-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gate.cancel(&ran).await.unwrap(), Withdrawal::Withdrawn);
    assert_eq!(gate.cancel(&ran).await.unwrap(), Withdrawal::NotHeld);
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(2)]);
    assert!(gate.in_flight(p).await.unwrap().is_empty());
    let replayed = gate.reserve(f.ask(p, 1, "can-1", 1), None, now()).await;
    assert!(
        matches!(replayed, Err(StockGateError::Cancelled(_))),
        "a cancelled request takes nothing: {replayed:?}"
    );

    // Cancelled before its reserve arrives.
    let late = f.ask(p, 2, "can-2", 1);
    let never_ran = flashsale_domain::Reservation {
        request_id: late.request_id.clone(),
        user_id: late.user_id.clone(),
        product_id: p.clone(),
        quantity: late.quantity,
        reserved_at: now(),
    };
    assert_eq!(gate.cancel(&never_ran).await.unwrap(), Withdrawal::NotHeld);
    let arrived = gate.reserve(late, None, now()).await;
    assert!(
        matches!(arrived, Err(StockGateError::Cancelled(_))),
        "a reserve after its cancel takes nothing: {arrived:?}"
    );
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(2)]);
    assert_eq!(gate.holder(p, &f.user(2)).await.unwrap(), None);
    // The buyer buys again with a new request.
    let bought = gate
        .reserve(f.ask(p, 2, "can-3", 1), None, now())
        .await
        .unwrap()
        .unwrap();

    // A settled reservation is an order: a (very late) cancel leaves it alone.
    gate.settle(std::slice::from_ref(&bought)).await.unwrap();
    assert_eq!(gate.cancel(&bought).await.unwrap(), Withdrawal::NotHeld);
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(1)]);
    assert_eq!(
        gate.holder(p, &f.user(2)).await.unwrap(),
        Some(bought.request_id.clone())
    );
}

async fn a_restored_sale_remembers_its_buyers<G: StockGate>(gate: &G, f: &Fixtures) {
    let sale = f.open_sale("restored", 10);
    let p = sale.product_id().clone();
    let snapshot = StockSnapshot {
        sale,
        remaining: 8,
        buyers: vec![
            (f.user(1), f.request("old-1"), Quantity::ONE),
            (f.user(2), f.request("old-2"), Quantity::ONE),
        ],
        barred: Vec::new(),
    };
    assert_eq!(gate.load(&snapshot).await.unwrap(), LoadOutcome::Loaded);
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(8)]);
    let repeat = gate
        .reserve(f.ask(&p, 2, "new-2", 1), None, now())
        .await
        .unwrap();
    assert_eq!(repeat, Err(Refusal::AlreadyPurchased));
    gate.reserve(f.ask(&p, 3, "new-3", 1), None, now())
        .await
        .unwrap()
        .unwrap();
}

async fn concurrent_buyers_never_oversell<G: StockGate>(gate: &G, f: &Fixtures) {
    let sale = f.open_sale("stampede", 50);
    let p = sale.product_id().clone();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    let tasks: Vec<_> = (0..200)
        .map(|n| {
            let gate = gate.clone();
            let ask = f.ask(&p, n, &format!("s{n}"), 1);
            tokio::spawn(async move { gate.reserve(ask, None, now()).await })
        })
        .collect();
    let mut winners = HashSet::new();
    let mut sold_out = 0;
    for task in tasks {
        match task.await.unwrap().unwrap() {
            Ok(reservation) => assert!(winners.insert(reservation.user_id)),
            Err(Refusal::SoldOut) => sold_out += 1,
            Err(other) => panic!("unexpected refusal {other:?}"),
        }
    }
    assert_eq!((winners.len(), sold_out), (50, 150));
    assert_eq!(gate.remaining(&[p]).await.unwrap(), vec![Some(0)]);
}
