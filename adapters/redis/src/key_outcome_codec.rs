//! The stored form of an idempotency key's outcome: one short string, e.g.
//! `accepted:<request>:<reserved_at_ms>`, `refused:sold-out`, `refused:above-limit:2`,
//! `already-purchased:<request>` or `unknown-product` (ids hold no `:`).

use flashsale_application::ports::KeyOutcome;
use flashsale_domain::{Quantity, Refusal, RequestId, Timestamp};

/// The outcome as stored.
pub fn encode(outcome: &KeyOutcome) -> String {
    match outcome {
        KeyOutcome::Accepted {
            request_id,
            reserved_at,
        } => format!("accepted:{request_id}:{}", reserved_at.as_millis()),
        KeyOutcome::Refused(refusal) => match refusal {
            Refusal::SoldOut => "refused:sold-out".into(),
            Refusal::NotStarted => "refused:not-started".into(),
            Refusal::Ended => "refused:ended".into(),
            Refusal::AboveLimit { limit } => format!("refused:above-limit:{limit}"),
            Refusal::AlreadyPurchased => "already-purchased".into(),
            // Never kept (see `KeyOutcome::Refused`); stored, they read back as unreadable.
            Refusal::RateLimited { .. } => "refused:rate-limited".into(),
            Refusal::Paused => "refused:paused".into(),
        },
        KeyOutcome::AlreadyPurchased { holder: None } => "already-purchased".into(),
        KeyOutcome::AlreadyPurchased {
            holder: Some(request),
        } => format!("already-purchased:{request}"),
        KeyOutcome::UnknownProduct => "unknown-product".into(),
    }
}

/// The outcome a stored string names, or `None` when it is unreadable.
pub fn decode(stored: &str) -> Option<KeyOutcome> {
    let mut parts = stored.split(':');
    let outcome = match (parts.next()?, parts.next(), parts.next()) {
        ("accepted", Some(request), Some(at)) => KeyOutcome::Accepted {
            request_id: RequestId::parse(request).ok()?,
            reserved_at: Timestamp::from_millis(at.parse().ok()?),
        },
        ("refused", Some("sold-out"), None) => KeyOutcome::Refused(Refusal::SoldOut),
        ("refused", Some("not-started"), None) => KeyOutcome::Refused(Refusal::NotStarted),
        ("refused", Some("ended"), None) => KeyOutcome::Refused(Refusal::Ended),
        ("refused", Some("above-limit"), Some(limit)) => KeyOutcome::Refused(Refusal::AboveLimit {
            limit: Quantity::new(limit.parse().ok()?).ok()?,
        }),
        ("already-purchased", None, None) => KeyOutcome::AlreadyPurchased { holder: None },
        ("already-purchased", Some(request), None) => KeyOutcome::AlreadyPurchased {
            holder: Some(RequestId::parse(request).ok()?),
        },
        ("unknown-product", None, None) => KeyOutcome::UnknownProduct,
        _ => return None,
    };
    parts.next().is_none().then_some(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kept_outcome_reads_back_as_written() {
        let request = RequestId::parse("phone.0123").expect("id");
        for outcome in [
            KeyOutcome::Accepted {
                request_id: request.clone(),
                reserved_at: Timestamp::from_millis(1_733_000_000_123),
            },
            KeyOutcome::Refused(Refusal::SoldOut),
            KeyOutcome::Refused(Refusal::NotStarted),
            KeyOutcome::Refused(Refusal::Ended),
            KeyOutcome::Refused(Refusal::AboveLimit {
                limit: Quantity::new(2).expect("quantity"),
            }),
            KeyOutcome::AlreadyPurchased { holder: None },
            KeyOutcome::AlreadyPurchased {
                holder: Some(request),
            },
            KeyOutcome::UnknownProduct,
        ] {
            assert_eq!(decode(&encode(&outcome)), Some(outcome));
        }
    }

    #[test]
    fn unreadable_outcomes_are_none() {
        for stored in [
            "",
            "accepted:r",
            "refused:maybe",
            "unknown-product:x",
            "refused:rate-limited",
        ] {
            assert_eq!(decode(stored), None, "{stored}");
        }
    }
}
