//! Validated identifiers: users, products, purchase requests and orders.
//!
//! Every identifier is 1 to 64 characters of ASCII letters, digits, `-`, `_` or `.`. That keeps
//! them safe inside Redis keys (no `{`, `}` or `:`), SQL, log lines and URLs alike.

use std::fmt;

/// Longest identifier accepted.
pub const MAX_ID_LEN: usize = 64;

/// Why a string is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The string is empty.
    #[error("{kind} must not be empty")]
    Empty {
        /// Which identifier was being parsed.
        kind: &'static str,
    },
    /// The string is longer than [`MAX_ID_LEN`].
    #[error("{kind} must be at most {MAX_ID_LEN} characters")]
    TooLong {
        /// Which identifier was being parsed.
        kind: &'static str,
    },
    /// The string holds a character outside `[A-Za-z0-9._-]`.
    #[error("{kind} may only contain ASCII letters, digits, '-', '_' and '.'")]
    InvalidCharacter {
        /// Which identifier was being parsed.
        kind: &'static str,
    },
}

fn check(kind: &'static str, raw: &str) -> Result<(), IdError> {
    if raw.is_empty() {
        return Err(IdError::Empty { kind });
    }
    if raw.len() > MAX_ID_LEN {
        return Err(IdError::TooLong { kind });
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !raw.chars().all(allowed) {
        return Err(IdError::InvalidCharacter { kind });
    }
    Ok(())
}

macro_rules! identifier {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
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
                check($kind, &raw)?;
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
    "user id"
);
identifier!(
    /// A product on sale; one sale per product.
    ProductId,
    "product id"
);
identifier!(
    /// One purchase attempt that was accepted; the handle a buyer polls.
    RequestId,
    "request id"
);
identifier!(
    /// An order persisted in the system of record.
    OrderId,
    "order id"
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
        assert!(RequestId::parse("a".repeat(64)).is_ok());
        assert_eq!(
            RequestId::parse("a".repeat(65)),
            Err(IdError::TooLong { kind: "request id" })
        );
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
        fn every_parsed_identifier_round_trips(raw in "[A-Za-z0-9._-]{1,64}") {
            let id = UserId::parse(raw.clone()).expect("matches the rules");
            prop_assert_eq!(id.as_str(), raw.as_str());
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
