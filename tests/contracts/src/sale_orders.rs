//! The sale-orders contract of an order store: a sale's orders newest first (by creation, then
//! order id), of one status when asked, paged by position without a gap or a repeat, and none
//! of another sale.

use flashsale_application::ports::{
    Closed, Closing, NewOrder, OrderPosition, OrderStore, Persisted, SaleCatalog, SaleOrdersQuery,
};
use flashsale_domain::{Order, OrderId, OrderStatus, ProductId, Timestamp};

use crate::fixtures::{now, Fixtures};

async fn order_at<S: OrderStore>(
    store: &S,
    f: &Fixtures,
    product: &ProductId,
    user: usize,
    at: Timestamp,
) -> Order {
    let request = format!("{product}-{user}");
    let new = NewOrder {
        order_id: OrderId::parse(format!("{}-o", f.request(&request).as_str())).unwrap(),
        reservation: f.reservation(product, user, &request),
        created_at: at,
    };
    match store.persist(&[new]).await.unwrap().remove(0) {
        Persisted::Created(order) => order,
        other => panic!("created: {other:?}"),
    }
}

fn ids(orders: &[Order]) -> Vec<OrderId> {
    orders.iter().map(|o| o.id.clone()).collect()
}

pub async fn sale_orders_contract<S: OrderStore + SaleCatalog>(store: S, scope: &str) {
    let f = Fixtures::new(scope);
    let sale = f.open_sale("listed", 10);
    let other = f.open_sale("listed-other", 10);
    let p = sale.product_id();
    store.create(&sale).await.unwrap();
    store.create(&other).await.unwrap();
    let t0 = now();
    // Users 1..=5 at t0, t0, t0+1, t0+2, t0+2 ms: ties are broken by order id.
    let mut orders = Vec::new();
    for (user, offset) in [(1, 0), (2, 0), (3, 1), (4, 2), (5, 2)] {
        let at = Timestamp::from_millis(t0.as_millis() + offset);
        orders.push(order_at(&store, &f, p, user, at).await);
    }
    order_at(&store, &f, other.product_id(), 9, t0).await;
    let Closed::Closed(cancelled) = store
        .close(&orders[2].id, Closing::Cancel, t0)
        .await
        .unwrap()
    else {
        panic!("cancelled")
    };
    orders[2] = cancelled;
    let mut newest_first = orders.clone();
    newest_first.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));

    let all = SaleOrdersQuery {
        status: None,
        after: None,
        limit: 100,
    };
    let listed = store.sale_orders(p, &all).await.unwrap();
    assert_eq!(listed, newest_first, "newest first, this sale's only");

    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .sale_orders(
                p,
                &SaleOrdersQuery {
                    status: None,
                    after: after.clone(),
                    limit: 2,
                },
            )
            .await
            .unwrap();
        assert!(page.len() <= 2);
        let Some(last) = page.last() else { break };
        after = Some(OrderPosition::of(last));
        paged.extend(page);
    }
    assert_eq!(ids(&paged), ids(&newest_first), "pages: no gap, no repeat");

    let pending = SaleOrdersQuery {
        status: Some(OrderStatus::PendingPayment),
        ..all.clone()
    };
    let listed = store.sale_orders(p, &pending).await.unwrap();
    assert_eq!(listed.len(), 4);
    assert!(listed
        .iter()
        .all(|o| o.status() == OrderStatus::PendingPayment));
    let cancelled = SaleOrdersQuery {
        status: Some(OrderStatus::Cancelled),
        ..all.clone()
    };
    assert_eq!(
        ids(&store.sale_orders(p, &cancelled).await.unwrap()),
        vec![orders[2].id.clone()]
    );
    let paid = SaleOrdersQuery {
        status: Some(OrderStatus::Paid),
        ..all.clone()
    };
    assert!(store.sale_orders(p, &paid).await.unwrap().is_empty());
    assert!(store
        .sale_orders(&f.product("listed-none"), &all)
        .await
        .unwrap()
        .is_empty());
}
