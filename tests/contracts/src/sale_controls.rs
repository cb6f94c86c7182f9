//! An operator's controls of a sale: the gate refuses every new buy of a paused sale in its
//! atomic step (a replay of a request holding units still gets it) until it is resumed, and
//! loads a sale paused when its snapshot says so; a moved window (closed early, extended)
//! applies at once; units added count once per restock id; the catalog remembers all of it.

use flashsale_application::ports::{Restocked, SaleCatalog, StockGate, StockSnapshot};
use flashsale_domain::{Refusal, RestockId, SaleWindow, Timestamp, MAX_STOCK};

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

pub(crate) async fn a_moved_window_applies_at_once<G: StockGate>(gate: &G, f: &Fixtures) {
    let sale = f.open_sale("window", 3);
    let p = sale.product_id();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    let starts = sale.window().starts_at();
    let at = now();
    let closed = SaleWindow::new(starts, at).unwrap();
    assert!(gate.set_window(p, closed).await.unwrap());
    assert_eq!(
        gate.reserve(f.ask(p, 1, "window-1", 1), None, at)
            .await
            .unwrap(),
        Err(Refusal::Ended)
    );
    let extended =
        SaleWindow::new(starts, Timestamp::from_millis(at.as_millis() + 60_000)).unwrap();
    assert!(gate.set_window(p, extended).await.unwrap());
    gate.reserve(f.ask(p, 1, "window-2", 1), None, at)
        .await
        .unwrap()
        .unwrap();
    assert!(!gate
        .set_window(&f.product("window-none"), extended)
        .await
        .unwrap());
}

pub(crate) async fn added_units_count_once_per_restock<G: StockGate>(gate: &G, f: &Fixtures) {
    let sale = f.open_sale("units", 1);
    let p = sale.product_id();
    gate.load(&Fixtures::fresh(&sale)).await.unwrap();
    gate.reserve(f.ask(p, 1, "units-1", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(0)]);
    let restock = RestockId::parse(format!("{p}-restock")).unwrap();
    assert!(gate.add_units(p, 2, &restock).await.unwrap());
    assert!(gate.add_units(p, 2, &restock).await.unwrap(), "idempotent");
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(2)]);
    gate.reserve(f.ask(p, 2, "units-2", 1), None, now())
        .await
        .unwrap()
        .unwrap();
    let other = RestockId::parse(format!("{p}-restock-2")).unwrap();
    assert!(gate.add_units(p, 1, &other).await.unwrap());
    assert_eq!(gate.remaining(&[p.clone()]).await.unwrap(), vec![Some(2)]);
    assert!(!gate
        .add_units(&f.product("units-none"), 1, &other)
        .await
        .unwrap());
}

/// The catalog's side: a pause, a moved window and added units are stored, read back and in
/// snapshots.
pub async fn catalog_controls_contract<C: SaleCatalog>(catalog: C, scope: &str) {
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
    let window = SaleWindow::new(
        sale.window().starts_at(),
        Timestamp::from_millis(sale.window().ends_at().as_millis() + 1_000),
    )
    .unwrap();
    assert!(catalog.set_window(p, window).await.unwrap());
    assert!(catalog.set_window(p, window).await.unwrap(), "idempotent");
    assert_eq!(
        catalog.sale(p).await.unwrap().unwrap().sale.window(),
        window
    );
    let snapshot = catalog
        .snapshots()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.sale.product_id() == p)
        .unwrap();
    assert_eq!(snapshot.sale.window(), window);
    assert!(!catalog
        .set_window(&f.product("catalog-window-none"), window)
        .await
        .unwrap());

    let restock = RestockId::parse(format!("{p}-restock")).unwrap();
    let applied = |outcome: Restocked| match outcome {
        Restocked::Applied(record) => (record.sale.stock(), record.remaining),
        other => panic!("not applied: {other:?}"),
    };
    let grown = catalog.add_units(p, 3, &restock).await.unwrap();
    assert_eq!(applied(grown), (5, 5));
    let again = catalog.add_units(p, 3, &restock).await.unwrap();
    assert_eq!(applied(again), (5, 5), "once per id");
    assert_eq!(
        catalog.add_units(p, 4, &restock).await.unwrap(),
        Restocked::IdReused { units: 3 },
        "the same id with other units adds nothing"
    );
    assert_eq!(
        catalog
            .add_units(p, MAX_STOCK - 4, &f.restock("too-much"))
            .await
            .unwrap(),
        Restocked::TooMuchStock
    );
    let snapshot = catalog
        .snapshots()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.sale.product_id() == p)
        .unwrap();
    assert_eq!((snapshot.sale.stock(), snapshot.remaining), (5, 5));
    let at_most = catalog
        .add_units(p, MAX_STOCK - 5, &f.restock("to-the-top"))
        .await
        .unwrap();
    assert_eq!(applied(at_most), (MAX_STOCK, MAX_STOCK));

    let other = f.open_sale("catalog-units-other", 1);
    catalog.create(&other).await.unwrap();
    let elsewhere = catalog
        .add_units(other.product_id(), 7, &restock)
        .await
        .unwrap();
    assert_eq!(
        applied(elsewhere),
        (8, 8),
        "a restock id belongs to one sale"
    );
    assert_eq!(
        catalog
            .add_units(&f.product("catalog-units-none"), 1, &restock)
            .await
            .unwrap(),
        Restocked::NoSale
    );
}
