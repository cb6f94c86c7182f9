//! The stored form of a purchase record: `STATE|request|user|product|quantity|accepted_ms[|extra]`
//! where STATE is `P` (pending), `S` (succeeded; extra = order id, then `|payment deadline ms`
//! when known: records written before orders had a deadline lack it) or `F` (failed; extra =
//! reason). Ids cannot contain `|`, so the format needs no escaping.

use flashsale_domain::{
    FailureReason, OrderId, ProductId, Purchase, PurchaseState, Quantity, RequestId, Reservation,
    Timestamp, UserId,
};

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

/// Encodes a record.
pub fn encode(purchase: &Purchase) -> String {
    let base = format!(
        "{}|{}|{}|{}|{}",
        purchase.request_id,
        purchase.user_id,
        purchase.product_id,
        purchase.quantity,
        purchase.accepted_at.as_millis()
    );
    match purchase.state() {
        PurchaseState::Pending => format!("P|{base}"),
        PurchaseState::Succeeded {
            order_id,
            payment_deadline: Some(deadline),
        } => format!("S|{base}|{order_id}|{}", deadline.as_millis()),
        PurchaseState::Succeeded {
            order_id,
            payment_deadline: None,
        } => format!("S|{base}|{order_id}"),
        PurchaseState::Failed { reason } => format!("F|{base}|{}", reason_code(*reason)),
    }
}

/// Decodes a record; `None` for anything this version did not write.
pub fn decode(stored: &str) -> Option<Purchase> {
    let fields: Vec<&str> = stored.split('|').collect();
    let (state, request, user, product, quantity, accepted) = match fields.as_slice() {
        [state, request, user, product, quantity, accepted, ..] => {
            (*state, *request, *user, *product, *quantity, *accepted)
        }
        _ => return None,
    };
    let reservation = Reservation {
        request_id: RequestId::parse(request).ok()?,
        user_id: UserId::parse(user).ok()?,
        product_id: ProductId::parse(product).ok()?,
        quantity: Quantity::new(quantity.parse().ok()?).ok()?,
        reserved_at: Timestamp::from_millis(accepted.parse().ok()?),
    };
    let mut purchase = Purchase::accepted(&reservation);
    match (state, &fields[6..]) {
        ("P", []) => {}
        ("S", [order]) => purchase.succeed(OrderId::parse(*order).ok()?, None).ok()?,
        ("S", [order, deadline]) => {
            let deadline = Timestamp::from_millis(deadline.parse().ok()?);
            purchase
                .succeed(OrderId::parse(*order).ok()?, Some(deadline))
                .ok()?
        }
        ("F", [reason]) => purchase.fail(reason_of(reason)?).ok()?,
        _ => return None,
    }
    Some(purchase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> Purchase {
        Purchase::accepted(&Reservation {
            request_id: RequestId::parse("r1").expect("valid"),
            user_id: UserId::parse("u1").expect("valid"),
            product_id: ProductId::parse("p1").expect("valid"),
            quantity: Quantity::ONE,
            reserved_at: Timestamp::from_millis(1_700_000_000_123),
        })
    }

    #[test]
    fn every_state_round_trips() {
        let mut succeeded = pending();
        succeeded
            .succeed(OrderId::parse("o1").expect("valid"), None)
            .expect("legal");
        let mut payable = pending();
        let deadline = Some(Timestamp::from_millis(1_700_000_900_123));
        payable
            .succeed(OrderId::parse("o2").expect("valid"), deadline)
            .expect("legal");
        assert!(encode(&payable).ends_with("|o2|1700000900123"));
        let mut failed = pending();
        failed.fail(FailureReason::QueueUnavailable).expect("legal");
        for purchase in [pending(), succeeded, payable, failed] {
            assert_eq!(decode(&encode(&purchase)), Some(purchase));
        }
    }

    #[test]
    fn the_state_letter_comes_first() {
        assert!(encode(&pending()).starts_with("P|r1|u1|p1|1|"));
    }

    #[test]
    fn garbage_decodes_to_nothing() {
        for garbage in [
            "",
            "X|r|u|p|1|2",
            "S|r|u|p|1|2",
            "P|r|u|p|0|2",
            "F|r|u|p|1|2|nope",
            "S|r|u|p|1|2|o|soon",
            "P|r|u|p|1|2|extra",
        ] {
            assert_eq!(decode(garbage), None, "{garbage}");
        }
    }
}
