//! Validated identifiers: users, products, purchase requests, orders, payments and idempotency
//! keys.
//!
//! Every identifier is 1 to 64 characters of ASCII letters, digits, `-`, `_` or `.` (a request
//! id up to 128: it carries its product's id, see [`RequestId::for_product`]). That keeps them
//! safe inside Redis keys (no `{`, `}` or `:`), SQL, log lines and URLs alike. `.` and `..`
//! alone are refused: as a URL path segment they would name the parent or the same resource.
//! [`ID_PATTERN`] is the same rule as a regular expression, for schemas (the length apart).

use std::fmt;

/// Longest identifier accepted (request ids excepted).
pub const MAX_ID_LEN: usize = 64;
/// Longest request id accepted: a product id, a `.` and a unique part.
pub const MAX_REQUEST_ID_LEN: usize = 2 * MAX_ID_LEN;
/// The identifier rules but the length, as a regular expression (ECMA 262 and Rust `regex`
/// alike, no look-around): characters from `[A-Za-z0-9._-]`, and not `.` or `..` alone.
pub const ID_PATTERN: &str =
    r"^(?:[A-Za-z0-9_-]|\.[A-Za-z0-9_-]|\.\.[A-Za-z0-9._-])[A-Za-z0-9._-]*$";

/// Why a string is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The string is empty.
    #[error("{kind} must not be empty")]
    Empty {
        /// Which identifier was being parsed.
        kind: &'static str,
    },
    /// The string is longer than its kind allows.
    #[error("{kind} must be at most {max} characters")]
    TooLong {
        /// Which identifier was being parsed.
        kind: &'static str,
        /// The longest allowed.
        max: usize,
    },
    /// The string holds a character outside `[A-Za-z0-9._-]`.
    #[error("{kind} may only contain ASCII letters, digits, '-', '_' and '.'")]
    InvalidCharacter {
        /// Which identifier was being parsed.
        kind: &'static str,
    },
    /// The string is `.` or `..`, a relative path segment.
    #[error("{kind} must not be '.' or '..'")]
    DotSegment {
        /// Which identifier was being parsed.
        kind: &'static str,
    },
}

fn check(kind: &'static str, max: usize, raw: &str) -> Result<(), IdError> {
    if raw.is_empty() {
        return Err(IdError::Empty { kind });
    }
    if raw.len() > max {
        return Err(IdError::TooLong { kind, max });
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !raw.chars().all(allowed) {
        return Err(IdError::InvalidCharacter { kind });
    }
    if raw == "." || raw == ".." {
        return Err(IdError::DotSegment { kind });
    }
    Ok(())
}

macro_rules! identifier {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Parses an identifier, refusing anything outside the identifier rules.
            ///
            /// # Errors
            /// [`IdError`] when the string is empty, too long or has a forbidden character.
            pub fn parse(raw: impl Into<String>) -> Result<Self, IdError> {
                let raw = raw.into();
                check($kind, $max, &raw)?;
                Ok(Self(raw))
            }

            /// The identifier as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

identifier!(
    /// A buyer, as named by the `sub` claim of their token.
    UserId,
    "user id",
    MAX_ID_LEN
);
identifier!(
    /// A product on sale; one sale per product.
    ProductId,
    "product id",
    MAX_ID_LEN
);
identifier!(
    /// One purchase attempt that was accepted; the handle a buyer polls.
    RequestId,
    "request id",
    MAX_REQUEST_ID_LEN
);

identifier!(
    /// One operator's addition of units to a sale, applied exactly once however often it is
    /// sent (a retried request, a double click).
    RestockId,
    "restock id",
    MAX_ID_LEN
);

/// Length of the unique part of a request id made by [`RequestId::for_product`].
const UNIQUE_LEN: usize = 32;

impl RequestId {
    /// A request id for a purchase of `product`: `<product>.<unique>`, where `unique` is 32
    /// lowercase hex digits (e.g. a UUID's). The product in the id lets anyone holding only the
    /// id find the purchase where the product's state lives (the stock gate keeps a pending
    /// purchase beside its product's stock).
    ///
    /// # Errors
    /// [`IdError::InvalidCharacter`] when `unique` is not 32 lowercase hex digits.
    pub fn for_product(product: &ProductId, unique: &str) -> Result<Self, IdError> {
        let hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
        if unique.len() != UNIQUE_LEN || !unique.chars().all(hex) {
            return Err(IdError::InvalidCharacter { kind: "request id" });
        }
        Self::parse(format!("{product}.{unique}"))
    }

    /// The product this request id was made for, when it was made by [`Self::for_product`].
    pub fn product(&self) -> Option<ProductId> {
        let (product, unique) = self.0.rsplit_once('.')?;
        let hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
        if unique.len() != UNIQUE_LEN || !unique.chars().all(hex) {
            return None;
        }
        ProductId::parse(product).ok()
    }
}
identifier!(
    /// An order persisted in the system of record.
    OrderId,
    "order id",
    MAX_ID_LEN
);
identifier!(
    /// A payment provider's id of one payment (e.g. `pi_3Mtw...`), named by its payment
    /// confirmation; it pays at most one order.
    PaymentId,
    "payment id",
    MAX_ID_LEN
);
identifier!(
    /// A client's name for one buy it may retry (the `Idempotency-Key` header); scoped to its
    /// buyer: two buyers' equal keys are unrelated.
    IdempotencyKey,
    "idempotency key",
    MAX_ID_LEN
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_identifier_is_accepted() {
        let id = UserId::parse("alice-01_x.y").expect("valid");
        assert_eq!(id.as_str(), "alice-01_x.y");
        assert_eq!(id.to_string(), "alice-01_x.y");
    }

    #[test]
    fn an_empty_identifier_is_refused() {
        assert_eq!(
            ProductId::parse(""),
            Err(IdError::Empty { kind: "product id" })
        );
    }

    #[test]
    fn an_identifier_of_64_characters_is_accepted_and_65_refused() {
        assert!(OrderId::parse("a".repeat(64)).is_ok());
        assert_eq!(
            OrderId::parse("a".repeat(65)),
            Err(IdError::TooLong {
                kind: "order id",
                max: 64
            })
        );
        assert!(IdempotencyKey::parse("a".repeat(64)).is_ok());
        assert!(IdempotencyKey::parse("a".repeat(65)).is_err());
        assert!(IdempotencyKey::parse("key with spaces").is_err());
        assert!(RequestId::parse("a".repeat(128)).is_ok());
        assert!(RequestId::parse("a".repeat(129)).is_err());
    }

    #[test]
    fn a_request_id_carries_its_product() {
        let unique = "0192f3a4b5c6d7e8f90112233445566a";
        for product in ["phone", "a.b.c", &"p".repeat(64)] {
            let product = ProductId::parse(product).expect("valid");
            let id = RequestId::for_product(&product, unique).expect("valid");
            assert_eq!(id.product(), Some(product));
        }
        let phone = ProductId::parse("phone").expect("valid");
        assert!(RequestId::for_product(&phone, "not-hex").is_err());
        assert_eq!(RequestId::parse(unique).expect("valid").product(), None);
        assert_eq!(
            RequestId::parse("phone.short").expect("valid").product(),
            None
        );
    }

    #[test]
    fn dot_segments_are_refused_but_longer_runs_of_dots_are_not() {
        for bad in [".", ".."] {
            assert_eq!(
                ProductId::parse(bad),
                Err(IdError::DotSegment { kind: "product id" })
            );
        }
        for good in ["...", ".a", "..a", "a.", "a..b"] {
            assert!(ProductId::parse(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn key_and_query_metacharacters_are_refused() {
        for bad in ["a{b}", "a:b", "a b", "a'b", "a/b", "ä", "a\nb", "a*"] {
            assert_eq!(
                OrderId::parse(bad),
                Err(IdError::InvalidCharacter { kind: "order id" }),
                "{bad:?}"
            );
        }
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn every_parsed_identifier_round_trips(
            raw in "[A-Za-z0-9._-]{1,64}".prop_filter("not a dot segment", |raw| raw != "." && raw != "..")
        ) {
            let id = UserId::parse(raw.clone()).expect("matches the rules");
            prop_assert_eq!(id.as_str(), raw.as_str());
        }

        #[test]
        fn the_pattern_states_the_same_rule_as_parse(raw in "[a-z.:_ -]{0,6}") {
            let pattern = regex::Regex::new(ID_PATTERN).expect("a valid pattern");
            prop_assert_eq!(pattern.is_match(&raw), ProductId::parse(raw.clone()).is_ok());
        }

        #[test]
        fn anything_with_a_forbidden_character_is_refused(
            prefix in "[a-z]{0,10}",
            bad in "[^A-Za-z0-9._-]",
            suffix in "[a-z]{0,10}",
        ) {
            let raw = format!("{prefix}{bad}{suffix}");
            prop_assert!(ProductId::parse(raw).is_err());
        }
    }
}
