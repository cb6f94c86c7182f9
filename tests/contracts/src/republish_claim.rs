//! The stock gate's claim for re-publishing: once reconciliation claimed an in-flight
//! reservation, a process whose own publish failed can neither withdraw nor cancel it (a copy
//! of its order is on its way), while the worker may still settle or release it.

use flashsale_application::ports::{StockGate, Withdrawal};
use flashsale_domain::{Release, Timestamp};

use crate::fixtures::{now, Fixtures};

pub(crate) async fn a_claimed_reservation_is_never_withdrawn<G: StockGate>(gate: &G, f: &Fixtures) {
    let sale = f.open_sale("claim", 3);
    let p = sale.product_id();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    let claimed = gate
        .reserve(f.ask(p, 1, "claim-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert!(gate.claim_for_republish(&claimed).await.unwrap());
    assert!(
        gate.claim_for_republish(&claimed).await.unwrap(),
        "idempotent"
    );
    // Still the same pending reservation, its instant included, however it is read.
    assert_eq!(
        gate.pending(p, &claimed.request_id).await.unwrap(),
        Some(claimed.clone())
    );
    assert_eq!(gate.in_flight(p).await.unwrap(), vec![claimed.clone()]);
    let later = Timestamp::from_millis(now().as_millis() + 1_000);
    let replayed = gate
        .reserve(f.ask(p, 1, "claim-1", 1), None, later)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(replayed, claimed, "a replay keeps the claimed instant");

    assert_eq!(
        gate.withdraw(&claimed).await.unwrap(),
        Withdrawal::Republished
    );
    assert_eq!(
        gate.cancel(&claimed).await.unwrap(),
        Withdrawal::Republished
    );
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(2)]);
    assert_eq!(
        gate.holder(p, &f.user(1)).await.unwrap(),
        Some(claimed.request_id.clone())
    );
    // Its order is stored: settled, it is no longer in flight, and nothing more happens.
    gate.settle(std::slice::from_ref(&claimed)).await.unwrap();
    assert!(gate.in_flight(p).await.unwrap().is_empty());
    assert_eq!(gate.withdraw(&claimed).await.unwrap(), Withdrawal::NotHeld);
    assert!(!gate.claim_for_republish(&claimed).await.unwrap());
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(2)]);

    // Withdrawn first: there is nothing left to re-publish.
    let withdrawn = gate
        .reserve(f.ask(p, 2, "claim-2", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        gate.withdraw(&withdrawn).await.unwrap(),
        Withdrawal::Withdrawn
    );
    assert!(!gate.claim_for_republish(&withdrawn).await.unwrap());

    // The system of record refused a claimed reservation: the worker still releases it.
    let refused = gate
        .reserve(f.ask(p, 3, "claim-3", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert!(gate.claim_for_republish(&refused).await.unwrap());
    assert_eq!(gate.release(&refused).await.unwrap(), Release::Released);
    assert!(!gate.claim_for_republish(&refused).await.unwrap());
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(2)]);
    assert!(gate.in_flight(p).await.unwrap().is_empty());
    assert!(!gate
        .claim_for_republish(&flashsale_domain::Reservation {
            product_id: f.product("claim-none"),
            ..refused
        })
        .await
        .unwrap());
}
