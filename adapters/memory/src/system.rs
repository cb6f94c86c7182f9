//! The real clock and identifier generator, shared by every profile.

use std::time::{SystemTime, UNIX_EPOCH};

use flashsale_application::ports::{Clock, IdGenerator};
use flashsale_domain::{OrderId, ProductId, RequestId, Timestamp};

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Timestamp::from_millis(millis)
    }
}

/// Time-ordered UUIDv7 identifiers, as 32 lowercase hex digits.
#[derive(Debug, Clone, Copy, Default)]
pub struct UuidIds;

fn fresh() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

impl IdGenerator for UuidIds {
    fn request_id(&self, product: &ProductId) -> RequestId {
        RequestId::for_product(product, &fresh())
            .unwrap_or_else(|_| unreachable!("a product id and 32 hex digits are a valid id"))
    }

    fn order_id(&self) -> OrderId {
        OrderId::parse(fresh()).unwrap_or_else(|_| unreachable!("32 hex digits are a valid id"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_valid() {
        let product = ProductId::parse("phone").expect("valid");
        let a = UuidIds.request_id(&product);
        let b = UuidIds.request_id(&product);
        assert_ne!(a, b);
        assert_eq!(a.product(), Some(product));
    }

    #[test]
    fn the_clock_is_after_2020() {
        assert!(SystemClock.now().as_millis() > 1_577_836_800_000);
    }
}
