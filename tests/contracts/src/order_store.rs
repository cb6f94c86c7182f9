//! The order store and sale catalog contract: one transaction per batch, idempotent on the
//! request, unique on (user, product), never below zero stock.

use flashsale_application::ports::{
    CatalogError, NewOrder, OrderAudit, OrderStore, Persisted, SaleCatalog,
};
use flashsale_domain::{FailureReason, OrderId, Reservation};

use crate::fixtures::{now, Fixtures};

fn new_order(f: &Fixtures, reservation: Reservation, order: &str) -> NewOrder {
    NewOrder {
        order_id: OrderId::parse(format!("{}-o{order}", f.request("x").as_str())).unwrap(),
        reservation,
        created_at: now(),
    }
}

pub async fn order_store_contract<S: OrderStore + SaleCatalog>(store: S, scope: &str) {
    let f = Fixtures::new(scope);
    let sale = f.open_sale("store", 2);
    let p = sale.product_id().clone();
    store.create(&sale).await.unwrap();
    assert_eq!(store.create(&sale).await, Err(CatalogError::AlreadyExists));
    assert_eq!(
        store.audit(&p).await.unwrap(),
        Some(OrderAudit {
            stock: 2,
            remaining: 2,
            orders: 0,
            units_ordered: 0,
            units_pending_payment: 0,
            units_paid: 0,
            distinct_buyers: 0,
            max_orders_per_buyer: 0,
        }),
        "a new sale has its full stock and no order"
    );
    assert_eq!(store.audit(&f.product("nowhere")).await.unwrap(), None);

    let first = new_order(&f, f.reservation(&p, 1, "1"), "1");
    let outcomes = store.persist(std::slice::from_ref(&first)).await.unwrap();
    let Persisted::Created(order) = &outcomes[0] else {
        panic!("created: {outcomes:?}")
    };
    assert_eq!(order.user_id, f.user(1));
    assert_eq!(order.request_id, f.request("1"));

    assert_eq!(
        store.find_order(&f.request("1")).await.unwrap().as_ref(),
        Some(order)
    );
    assert_eq!(store.find_order(&f.request("none")).await.unwrap(), None);
    assert_eq!(
        store
            .find_order_for_buyer(&f.user(1), &p)
            .await
            .unwrap()
            .as_ref(),
        Some(order),
        "a buyer's order is found by product"
    );
    assert_eq!(
        store.find_order_for_buyer(&f.user(9), &p).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .find_order_for_buyer(&f.user(1), &f.product("nowhere"))
            .await
            .unwrap(),
        None
    );

    let redelivered = new_order(&f, f.reservation(&p, 1, "1"), "1b");
    let outcomes = store.persist(&[redelivered]).await.unwrap();
    assert!(
        matches!(&outcomes[0], Persisted::AlreadyPersisted(o) if o.id == order.id),
        "a redelivered request is recognised: {outcomes:?}"
    );

    let batch = vec![
        new_order(&f, f.reservation(&p, 1, "2"), "2"),
        new_order(&f, f.reservation(&p, 2, "3"), "3"),
        new_order(&f, f.reservation(&p, 2, "4"), "4"),
        new_order(&f, f.reservation(&p, 3, "5"), "5"),
        new_order(&f, f.reservation(&f.product("nowhere"), 4, "6"), "6"),
    ];
    let outcomes = store.persist(&batch).await.unwrap();
    assert_eq!(outcomes.len(), 5);
    assert_eq!(
        outcomes[0],
        Persisted::Refused(FailureReason::AlreadyPurchased)
    );
    assert!(matches!(outcomes[1], Persisted::Created(_)), "{outcomes:?}");
    assert_eq!(
        outcomes[2],
        Persisted::Refused(FailureReason::AlreadyPurchased)
    );
    assert_eq!(outcomes[3], Persisted::Refused(FailureReason::SoldOut));
    assert_eq!(outcomes[4], Persisted::Refused(FailureReason::UnknownSale));

    let listed = store.list().await.unwrap();
    let record = listed
        .iter()
        .find(|r| r.sale.product_id() == &p)
        .expect("listed");
    assert_eq!(record.remaining, 0);
    assert_eq!(record.sale, sale);

    let snapshots = store.snapshots().await.unwrap();
    let snapshot = snapshots
        .iter()
        .find(|s| s.sale.product_id() == &p)
        .expect("snapshot");
    assert_eq!(snapshot.remaining, 0);
    let mut buyers: Vec<_> = snapshot
        .buyers
        .iter()
        .map(|(u, r, _)| (u.clone(), r.clone()))
        .collect();
    buyers.sort();
    assert_eq!(
        buyers,
        vec![(f.user(1), f.request("1")), (f.user(2), f.request("3"))]
    );

    assert_eq!(
        store.audit(&p).await.unwrap(),
        Some(OrderAudit {
            stock: 2,
            remaining: 0,
            orders: 2,
            units_ordered: 2,
            units_pending_payment: 2,
            units_paid: 0,
            distinct_buyers: 2,
            max_orders_per_buyer: 1,
        }),
        "the audit counts the orders persisted, refusals and redeliveries excluded"
    );
}
