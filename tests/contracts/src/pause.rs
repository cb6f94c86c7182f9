//! Pausing a sale: the gate refuses every new buy of a paused sale in its atomic step (a
//! replay of a request holding units still gets it) until it is resumed, and loads a sale
//! paused when its snapshot says so; the catalog remembers the state for such snapshots.

use flashsale_application::ports::{SaleCatalog, StockGate, StockSnapshot};
use flashsale_domain::Refusal;

use crate::fixtures::{now, Fixtures};

pub(crate) async fn a_paused_sale_refuses_new_buys_until_resumed<G: StockGate>(
    gate: &G,
    f: &Fixtures,
) {
    let sale = f.open_sale("pause", 3);
    let p = sale.product_id();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    let held = gate
        .reserve(f.ask(p, 1, "pause-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert!(gate.set_paused(p, true).await.unwrap());
    assert!(gate.set_paused(p, true).await.unwrap(), "idempotent");
    assert_eq!(
        gate.reserve(f.ask(p, 2, "pause-2", 1), None, now())
            .await
            .unwrap(),
        Err(Refusal::Paused)
    );
    let replayed = gate
        .reserve(f.ask(p, 1, "pause-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(replayed, held, "a held request id is answered even paused");
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(2)]);

    assert!(gate.set_paused(p, false).await.unwrap());
    gate.reserve(f.ask(p, 2, "pause-3", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert!(!gate
        .set_paused(&f.product("pause-none"), true)
        .await
        .unwrap());

    // A sale loaded paused (its catalog says so) refuses from the start.
    let paused = f.open_sale("pause-loaded", 1).with_paused(true);
    gate.load(&Fixtures::fresh(&paused)).await.unwrap();
    assert_eq!(
        gate.reserve(f.ask(paused.product_id(), 1, "pause-4", 1), None, now())
            .await
            .unwrap(),
        Err(Refusal::Paused)
    );
}

/// The catalog's side: the state is stored, read back and in snapshots.
pub async fn catalog_pause_contract<C: SaleCatalog>(catalog: C, scope: &str) {
    let f = Fixtures::new(scope);
    let sale = f.open_sale("catalog-pause", 2);
    let p = sale.product_id();
    catalog.create(&sale).await.unwrap();
    assert!(!catalog.sale(p).await.unwrap().unwrap().sale.is_paused());
    assert!(catalog.set_paused(p, true).await.unwrap());
    assert!(catalog.set_paused(p, true).await.unwrap(), "idempotent");
    assert!(catalog.sale(p).await.unwrap().unwrap().sale.is_paused());
    let snapshot: StockSnapshot = catalog
        .snapshots()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.sale.product_id() == p)
        .unwrap();
    assert!(snapshot.sale.is_paused(), "a gate loads it paused");
    assert!(catalog.set_paused(p, false).await.unwrap());
    assert!(!catalog.sale(p).await.unwrap().unwrap().sale.is_paused());
    assert!(!catalog
        .set_paused(&f.product("catalog-pause-none"), true)
        .await
        .unwrap());
}
