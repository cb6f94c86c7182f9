//! A final purchase record as a row of `purchase_results`: the purchase's fields as columns,
//! its state as `outcome` plus the columns of that state; and back, without ever panicking.
//!
//! Failure reasons are stored under the same codes as the Redis adapter's records.

use flashsale_domain::{
    FailureReason, OrderId, ProductId, Purchase, PurchaseState, Quantity, RequestId, Reservation,
    Timestamp, UserId,
};
use flashsale_sql::{InvalidRow, RowKey};

/// The columns of `purchase_results` a record is written and read with (not its time).
pub(crate) const PURCHASE_COLUMNS: &str = "request_id, user_id, product_id, quantity, \
     accepted_at_ms, outcome, order_id, payment_deadline_ms, failure_reason";

/// How many columns [`PURCHASE_COLUMNS`] names.
pub(crate) const PURCHASE_COLUMN_COUNT: usize = 9;

/// One row of `purchase_results`, as written and as read.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(crate) struct PurchaseRow {
    pub request_id: String,
    pub user_id: String,
    pub product_id: String,
    pub quantity: u32,
    pub accepted_at_ms: i64,
    /// `succeeded` or `failed`.
    pub outcome: String,
    /// The order of a success.
    pub order_id: Option<String>,
    /// The payment deadline of a success, when known.
    pub payment_deadline_ms: Option<i64>,
    /// The reason of a failure.
    pub failure_reason: Option<String>,
}

impl PurchaseRow {
    /// The row of a final record; `None` for a pending one, which is never stored.
    pub(crate) fn of(purchase: &Purchase) -> Option<Self> {
        let (outcome, order_id, payment_deadline_ms, failure_reason) = match purchase.state() {
            PurchaseState::Pending => return None,
            PurchaseState::Succeeded {
                order_id,
                payment_deadline,
            } => (
                "succeeded",
                Some(order_id.as_str().to_owned()),
                payment_deadline.map(Timestamp::as_millis),
                None,
            ),
            PurchaseState::Failed { reason } => {
                ("failed", None, None, Some(reason_code(*reason).to_owned()))
            }
        };
        Some(Self {
            request_id: purchase.request_id.as_str().to_owned(),
            user_id: purchase.user_id.as_str().to_owned(),
            product_id: purchase.product_id.as_str().to_owned(),
            quantity: purchase.quantity.get(),
            accepted_at_ms: purchase.accepted_at.as_millis(),
            outcome: outcome.to_owned(),
            order_id,
            payment_deadline_ms,
            failure_reason,
        })
    }

    /// The record the row holds.
    pub(crate) fn into_purchase(self) -> Result<Purchase, InvalidRow> {
        let key = self.request_id.clone();
        let row = RowKey {
            table: "purchase_results",
            key: &key,
        };
        let reservation = Reservation {
            request_id: row.id(&self.request_id, RequestId::parse)?,
            user_id: row.id(&self.user_id, UserId::parse)?,
            product_id: row.id(&self.product_id, ProductId::parse)?,
            quantity: Quantity::new(self.quantity).map_err(row.bad())?,
            reserved_at: Timestamp::from_millis(self.accepted_at_ms),
        };
        let mut purchase = Purchase::accepted(&reservation);
        let ended = match (
            self.outcome.as_str(),
            self.order_id,
            self.failure_reason,
            self.payment_deadline_ms,
        ) {
            ("succeeded", Some(order), None, deadline) => purchase.succeed(
                row.id(&order, OrderId::parse)?,
                deadline.map(Timestamp::from_millis),
            ),
            ("failed", None, Some(reason), None) => {
                let reason = reason_of(&reason)
                    .ok_or_else(|| row.bad()(format!("unknown failure reason {reason:?}")))?;
                purchase.fail(reason)
            }
            (outcome, ..) => {
                return Err(row.bad()(format!(
                    "outcome {outcome:?} with the columns of another state"
                )))
            }
        };
        ended.map_err(row.bad())?;
        Ok(purchase)
    }
}

/// The stored code of a failure reason.
fn reason_code(reason: FailureReason) -> &'static str {
    match reason {
        FailureReason::SoldOut => "sold_out",
        FailureReason::AlreadyPurchased => "already_purchased",
        FailureReason::UnknownSale => "unknown_sale",
        FailureReason::QueueUnavailable => "queue_unavailable",
        FailureReason::Abandoned => "abandoned",
        FailureReason::Rejected => "rejected",
    }
}

/// The failure reason of a stored code; `None` for a code this version did not write.
fn reason_of(code: &str) -> Option<FailureReason> {
    Some(match code {
        "sold_out" => FailureReason::SoldOut,
        "already_purchased" => FailureReason::AlreadyPurchased,
        "unknown_sale" => FailureReason::UnknownSale,
        "queue_unavailable" => FailureReason::QueueUnavailable,
        "abandoned" => FailureReason::Abandoned,
        "rejected" => FailureReason::Rejected,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REASONS: [FailureReason; 6] = [
        FailureReason::SoldOut,
        FailureReason::AlreadyPurchased,
        FailureReason::UnknownSale,
        FailureReason::QueueUnavailable,
        FailureReason::Abandoned,
        FailureReason::Rejected,
    ];

    fn pending() -> Purchase {
        Purchase::accepted(&Reservation {
            request_id: RequestId::parse("r1").expect("valid"),
            user_id: UserId::parse("u1").expect("valid"),
            product_id: ProductId::parse("p1").expect("valid"),
            quantity: Quantity::new(2).expect("valid"),
            reserved_at: Timestamp::from_millis(1_700_000_000_123),
        })
    }

    fn succeeded(deadline: Option<i64>) -> Purchase {
        let mut purchase = pending();
        purchase
            .succeed(
                OrderId::parse("o1").expect("valid"),
                deadline.map(Timestamp::from_millis),
            )
            .expect("legal");
        purchase
    }

    fn failed(reason: FailureReason) -> Purchase {
        let mut purchase = pending();
        purchase.fail(reason).expect("legal");
        purchase
    }

    #[test]
    fn every_final_state_round_trips() {
        let mut finals = vec![succeeded(None), succeeded(Some(1_700_000_900_123))];
        finals.extend(REASONS.map(failed));
        for purchase in finals {
            let row = PurchaseRow::of(&purchase).expect("final");
            assert_eq!(row.into_purchase(), Ok(purchase));
        }
    }

    #[test]
    fn a_pending_record_has_no_row() {
        assert_eq!(PurchaseRow::of(&pending()), None);
    }

    #[test]
    fn reason_codes_are_the_redis_adapters() {
        let row = PurchaseRow::of(&failed(FailureReason::QueueUnavailable)).expect("final");
        assert_eq!(row.failure_reason.as_deref(), Some("queue_unavailable"));
        for reason in REASONS {
            assert_eq!(reason_of(reason_code(reason)), Some(reason));
        }
    }

    #[test]
    fn a_row_the_domain_refuses_is_reported_not_panicked_on() {
        let valid = PurchaseRow::of(&succeeded(Some(5))).expect("final");
        let mut broken = Vec::new();
        let mut row = valid.clone();
        row.quantity = 0;
        broken.push(row);
        let mut row = valid.clone();
        row.outcome = "pending".to_owned();
        broken.push(row);
        let mut row = valid.clone();
        row.order_id = None;
        broken.push(row);
        let mut row = valid.clone();
        row.failure_reason = Some("sold_out".to_owned());
        broken.push(row);
        let mut row = valid.clone();
        row.user_id = "u 1".to_owned();
        broken.push(row);
        let mut row = PurchaseRow::of(&failed(FailureReason::SoldOut)).expect("final");
        row.failure_reason = Some("nope".to_owned());
        broken.push(row);
        let mut row = PurchaseRow::of(&failed(FailureReason::SoldOut)).expect("final");
        row.payment_deadline_ms = Some(5);
        broken.push(row);
        for row in broken {
            let error = row.clone().into_purchase().expect_err("refused");
            assert_eq!(error.table, "purchase_results", "{row:?}");
            assert_eq!(error.key, "r1");
        }
    }

    #[test]
    fn the_column_count_matches_the_columns() {
        assert_eq!(PURCHASE_COLUMNS.split(", ").count(), PURCHASE_COLUMN_COUNT);
    }
}
