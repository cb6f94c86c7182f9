//! The stock gate's retirement of an ended sale: kept until its deadline, forgotten from then on
//! (its count, its buyers, its reservations), and nothing for a sale the gate does not hold.

use std::time::Duration;

use flashsale_application::ports::StockGate;
use flashsale_domain::Timestamp;

use crate::fixtures::{now, Fixtures};

pub(crate) async fn a_retired_sale_is_forgotten_from_its_deadline<G: StockGate>(
    gate: &G,
    f: &Fixtures,
) {
    let sale = f.open_sale("retire", 3);
    let p = sale.product_id();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    gate.reserve(f.ask(p, 1, "retire-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    let at = now();
    gate.retire(p, at.plus(Duration::from_secs(3_600)), at)
        .await
        .unwrap();
    assert_eq!(
        gate.remaining(&[p.clone()]).await.unwrap(),
        vec![Some(2)],
        "kept until its deadline"
    );
    assert_eq!(gate.in_flight_count(p).await.unwrap(), 1);

    let at = now();
    let passed = Timestamp::from_millis(at.as_millis() - 1);
    gate.retire(p, passed, at).await.unwrap();
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![None]);
    assert_eq!(gate.holder(p, &f.user(1)).await.unwrap(), None);
    assert_eq!(gate.in_flight_count(p).await.unwrap(), 0);
    gate.retire(&f.product("retire-none"), passed, at)
        .await
        .unwrap();
}
