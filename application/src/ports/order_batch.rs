//! Deciding a batch of orders: the rules every [`super::OrderStore`] applies, written once.
//!
//! Given what the store holds for the batch (orders by request, buyers, the stock left),
//! [`plan_batch`] walks the batch in order: a known request is already persisted; a buyer with
//! an order is refused; an unknown sale is refused; then stock is taken in input order until it
//! runs out. Reservations earlier in the batch count as known for later ones (the first of two
//! duplicates wins). The store then writes the plan in one transaction.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{NewOrder, Persisted};
use flashsale_domain::{FailureReason, Order, PaymentWindow, ProductId, RequestId, UserId};

/// What the store holds that concerns one batch.
#[derive(Debug, Default)]
pub struct KnownOrders {
    /// Orders of the batch's request ids.
    pub by_request: HashMap<RequestId, Order>,
    /// (user, product) pairs of the batch's buyers that already hold an order.
    pub buyers: HashSet<(UserId, ProductId)>,
    /// Remaining stock and payment window of the batch's sales that exist, read under a row
    /// lock.
    pub sales: HashMap<ProductId, SaleStock>,
}

/// What a batch needs to know of one sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaleStock {
    /// Units not yet turned into orders.
    pub remaining: u32,
    /// How long its orders wait for payment.
    pub payment_window: PaymentWindow,
}

/// What to write for a batch, and what to answer.
#[derive(Debug)]
pub struct BatchPlan {
    /// One outcome per input, in order.
    pub outcomes: Vec<Persisted>,
    /// The orders to insert, in input order.
    pub created: Vec<Order>,
    /// Units to take per product, in product id order (the lock order).
    pub decrements: BTreeMap<ProductId, u32>,
}

/// Decides every reservation of `batch` against what is `known`.
pub fn plan_batch(batch: &[NewOrder], mut known: KnownOrders) -> BatchPlan {
    let mut plan = BatchPlan {
        outcomes: Vec::with_capacity(batch.len()),
        created: Vec::new(),
        decrements: BTreeMap::new(),
    };
    for new in batch {
        let outcome = decide(new, &mut known, &mut plan);
        plan.outcomes.push(outcome);
    }
    plan
}

fn decide(new: &NewOrder, known: &mut KnownOrders, plan: &mut BatchPlan) -> Persisted {
    let reservation = &new.reservation;
    if let Some(order) = known.by_request.get(&reservation.request_id) {
        return Persisted::AlreadyPersisted(order.clone());
    }
    let buyer = (reservation.user_id.clone(), reservation.product_id.clone());
    if known.buyers.contains(&buyer) {
        return Persisted::Refused(FailureReason::AlreadyPurchased);
    }
    let Some(sale) = known.sales.get_mut(&reservation.product_id) else {
        return Persisted::Refused(FailureReason::UnknownSale);
    };
    let Some(left) = sale.remaining.checked_sub(reservation.quantity.get()) else {
        return Persisted::Refused(FailureReason::SoldOut);
    };
    sale.remaining = left;
    let payment_deadline = sale.payment_window.deadline_for(new.created_at);
    *plan
        .decrements
        .entry(reservation.product_id.clone())
        .or_insert(0) += reservation.quantity.get();
    let order = Order::new(
        new.order_id.clone(),
        reservation.request_id.clone(),
        reservation.user_id.clone(),
        reservation.product_id.clone(),
        reservation.quantity,
        new.created_at,
        payment_deadline,
    );
    known
        .by_request
        .insert(reservation.request_id.clone(), order.clone());
    known.buyers.insert(buyer);
    plan.created.push(order.clone());
    Persisted::Created(order)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flashsale_domain::{OrderId, Quantity, Reservation, Timestamp};

    fn new_order(request: &str, user: &str, product: &str, units: u32) -> NewOrder {
        NewOrder {
            order_id: OrderId::parse(format!("o-{request}")).expect("valid"),
            reservation: Reservation {
                request_id: RequestId::parse(request).expect("valid"),
                user_id: UserId::parse(user).expect("valid"),
                product_id: ProductId::parse(product).expect("valid"),
                quantity: Quantity::new(units).expect("valid"),
                reserved_at: Timestamp::from_millis(1),
            },
            created_at: Timestamp::from_millis(2),
        }
    }

    fn product(id: &str) -> ProductId {
        ProductId::parse(id).expect("valid")
    }

    fn stock(pairs: &[(&str, u32)]) -> KnownOrders {
        KnownOrders {
            sales: pairs
                .iter()
                .map(|(p, n)| {
                    let stock = SaleStock {
                        remaining: *n,
                        payment_window: PaymentWindow::from_secs(60).expect("valid"),
                    };
                    (product(p), stock)
                })
                .collect(),
            ..KnownOrders::default()
        }
    }

    #[test]
    fn stock_is_taken_in_input_order_until_it_runs_out() {
        let batch = [
            new_order("r1", "u1", "p", 2),
            new_order("r2", "u2", "p", 2),
            new_order("r3", "u3", "p", 1),
        ];
        let plan = plan_batch(&batch, stock(&[("p", 3)]));
        assert!(matches!(plan.outcomes[0], Persisted::Created(_)));
        assert_eq!(plan.outcomes[1], Persisted::Refused(FailureReason::SoldOut));
        assert!(matches!(plan.outcomes[2], Persisted::Created(_)));
        assert_eq!(plan.decrements.get(&product("p")), Some(&3));
        assert_eq!(plan.created.len(), 2);
        assert_eq!(
            plan.created[0].payment_deadline,
            Timestamp::from_millis(60_002),
            "created at 2 ms, a 60 s window"
        );
    }

    #[test]
    fn the_first_of_two_duplicates_in_a_batch_wins() {
        let batch = [
            new_order("r1", "u1", "p", 1),
            new_order("r1", "u1", "p", 1),
            new_order("r2", "u1", "p", 1),
        ];
        let plan = plan_batch(&batch, stock(&[("p", 5)]));
        let Persisted::Created(first) = &plan.outcomes[0] else {
            panic!("{:?}", plan.outcomes)
        };
        assert_eq!(plan.outcomes[1], Persisted::AlreadyPersisted(first.clone()));
        assert_eq!(
            plan.outcomes[2],
            Persisted::Refused(FailureReason::AlreadyPurchased)
        );
        assert_eq!(plan.decrements.get(&product("p")), Some(&1));
    }

    #[test]
    fn known_requests_and_buyers_come_before_the_sale_and_its_stock() {
        let existing = Order::new(
            OrderId::parse("o-old").expect("valid"),
            RequestId::parse("r1").expect("valid"),
            UserId::parse("u1").expect("valid"),
            product("gone"),
            Quantity::ONE,
            Timestamp::from_millis(0),
            Timestamp::from_millis(1),
        );
        let mut known = stock(&[("p", 0)]);
        known
            .by_request
            .insert(existing.request_id.clone(), existing.clone());
        known
            .buyers
            .insert((UserId::parse("u2").expect("valid"), product("p")));
        let batch = [
            new_order("r1", "u1", "gone", 1),
            new_order("r2", "u2", "p", 1),
            new_order("r3", "u3", "nowhere", 1),
            new_order("r4", "u4", "p", 1),
        ];
        let plan = plan_batch(&batch, known);
        assert_eq!(
            plan.outcomes,
            vec![
                Persisted::AlreadyPersisted(existing),
                Persisted::Refused(FailureReason::AlreadyPurchased),
                Persisted::Refused(FailureReason::UnknownSale),
                Persisted::Refused(FailureReason::SoldOut),
            ]
        );
        assert!(plan.created.is_empty());
        assert!(plan.decrements.is_empty());
    }
}
