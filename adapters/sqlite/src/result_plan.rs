//! Deciding a batch of results in memory: which records to write and which buyers' latest
//! requests to point at, given the records already stored for the batch's requests.
//!
//! The rules are the in-memory result store's, applied in the batch's order: a pending record
//! is ignored; a final record is stored unless one is stored already for its request, except
//! that it replaces the one record it supersedes (a success replacing the `queue_unavailable`
//! failure of the same purchase, [`Purchase::superseded_failure`]); a stored record becomes its
//! buyer's latest for the product. A stored row is compared column by column, never decoded,
//! so a row this version cannot read is kept, not replaced (as the Redis adapter compares its
//! encoded strings).

use std::collections::HashMap;

use flashsale_domain::Purchase;

use crate::purchase_row::PurchaseRow;

/// What a batch writes.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ResultPlan {
    /// The rows to store or replace, one per request, in the order of their first write.
    pub records: Vec<PurchaseRow>,
    /// (user, product, request): each buyer's latest request per product, one per pair.
    pub latest: Vec<(String, String, String)>,
}

/// Decides `purchases` against `stored`, the rows already kept for their request ids.
pub(crate) fn plan_results(
    purchases: &[Purchase],
    mut stored: HashMap<String, PurchaseRow>,
) -> ResultPlan {
    let mut plan = ResultPlan::default();
    let mut record_at: HashMap<String, usize> = HashMap::new();
    let mut latest_at: HashMap<(String, String), usize> = HashMap::new();
    for purchase in purchases {
        let Some(row) = PurchaseRow::of(purchase) else {
            continue;
        };
        let replaceable = purchase
            .superseded_failure()
            .as_ref()
            .and_then(PurchaseRow::of);
        let keep_stored = stored
            .get(&row.request_id)
            .is_some_and(|kept| Some(kept) != replaceable.as_ref());
        if keep_stored {
            continue;
        }
        let pair = (row.user_id.clone(), row.product_id.clone());
        let pointer = (pair.0.clone(), pair.1.clone(), row.request_id.clone());
        match latest_at.get(&pair) {
            Some(&at) => plan.latest[at] = pointer,
            None => {
                latest_at.insert(pair, plan.latest.len());
                plan.latest.push(pointer);
            }
        }
        match record_at.get(&row.request_id) {
            Some(&at) => plan.records[at] = row.clone(),
            None => {
                record_at.insert(row.request_id.clone(), plan.records.len());
                plan.records.push(row.clone());
            }
        }
        stored.insert(row.request_id.clone(), row);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use flashsale_domain::{
        FailureReason, OrderId, ProductId, Quantity, RequestId, Reservation, Timestamp, UserId,
    };

    fn pending(request: &str, user: &str) -> Purchase {
        Purchase::accepted(&Reservation {
            request_id: RequestId::parse(request).expect("valid"),
            user_id: UserId::parse(user).expect("valid"),
            product_id: ProductId::parse("p1").expect("valid"),
            quantity: Quantity::ONE,
            reserved_at: Timestamp::from_millis(1_000),
        })
    }

    fn succeeded(request: &str, user: &str, order: &str) -> Purchase {
        let mut purchase = pending(request, user);
        purchase
            .succeed(OrderId::parse(order).expect("valid"), None)
            .expect("legal");
        purchase
    }

    fn failed(request: &str, user: &str, reason: FailureReason) -> Purchase {
        let mut purchase = pending(request, user);
        purchase.fail(reason).expect("legal");
        purchase
    }

    fn row(purchase: &Purchase) -> PurchaseRow {
        PurchaseRow::of(purchase).expect("final")
    }

    fn stored(purchases: &[Purchase]) -> HashMap<String, PurchaseRow> {
        purchases
            .iter()
            .map(|p| (p.request_id.as_str().to_owned(), row(p)))
            .collect()
    }

    fn pointer(user: &str, request: &str) -> (String, String, String) {
        (user.to_owned(), "p1".to_owned(), request.to_owned())
    }

    #[test]
    fn pending_records_are_ignored_and_final_ones_stored() {
        let done = succeeded("r1", "u1", "o1");
        let plan = plan_results(&[pending("r0", "u0"), done.clone()], HashMap::new());
        assert_eq!(plan.records, vec![row(&done)]);
        assert_eq!(plan.latest, vec![pointer("u1", "r1")]);
    }

    #[test]
    fn the_first_final_state_wins_in_the_store_and_in_the_batch() {
        let done = succeeded("r1", "u1", "o1");
        let abandoned = failed("r1", "u1", FailureReason::Abandoned);
        let plan = plan_results(
            std::slice::from_ref(&abandoned),
            stored(std::slice::from_ref(&done)),
        );
        assert_eq!(plan, ResultPlan::default(), "the stored record stays");
        let plan = plan_results(&[done.clone(), abandoned], HashMap::new());
        assert_eq!(plan.records, vec![row(&done)]);
    }

    #[test]
    fn a_success_replaces_only_the_queue_failure_of_its_purchase() {
        let queue_failed = failed("r1", "u1", FailureReason::QueueUnavailable);
        let done = succeeded("r1", "u1", "o1");
        let plan = plan_results(
            std::slice::from_ref(&done),
            stored(std::slice::from_ref(&queue_failed)),
        );
        assert_eq!(plan.records, vec![row(&done)]);
        assert_eq!(plan.latest, vec![pointer("u1", "r1")]);
        let plan = plan_results(&[queue_failed.clone(), done.clone()], HashMap::new());
        assert_eq!(plan.records, vec![row(&done)], "also inside one batch");

        let other = succeeded("r1", "u1", "o2");
        let plan = plan_results(&[other], stored(&[done]));
        assert_eq!(plan, ResultPlan::default(), "a success is never replaced");
        let sold_out = failed("r1", "u1", FailureReason::SoldOut);
        let late = succeeded("r1", "u1", "o3");
        let plan = plan_results(&[late], stored(&[sold_out]));
        assert_eq!(
            plan,
            ResultPlan::default(),
            "only a queue failure is replaced"
        );
    }

    #[test]
    fn a_differing_stored_queue_failure_is_kept() {
        let mut other_time = Purchase::accepted(&Reservation {
            request_id: RequestId::parse("r1").expect("valid"),
            user_id: UserId::parse("u1").expect("valid"),
            product_id: ProductId::parse("p1").expect("valid"),
            quantity: Quantity::ONE,
            reserved_at: Timestamp::from_millis(2_000),
        });
        other_time
            .fail(FailureReason::QueueUnavailable)
            .expect("legal");
        let plan = plan_results(&[succeeded("r1", "u1", "o1")], stored(&[other_time]));
        assert_eq!(plan, ResultPlan::default(), "not the same purchase");
    }

    #[test]
    fn the_last_stored_request_of_a_buyer_is_their_latest() {
        let first = succeeded("r1", "u1", "o1");
        let second = failed("r2", "u1", FailureReason::SoldOut);
        let repeat = failed("r1", "u1", FailureReason::Abandoned);
        let other = succeeded("r3", "u2", "o3");
        let plan = plan_results(
            &[first.clone(), second.clone(), other.clone(), repeat],
            HashMap::new(),
        );
        assert_eq!(plan.records, vec![row(&first), row(&second), row(&other)]);
        assert_eq!(
            plan.latest,
            vec![pointer("u1", "r2"), pointer("u2", "r3")],
            "a record not stored moves no pointer"
        );
    }
}
