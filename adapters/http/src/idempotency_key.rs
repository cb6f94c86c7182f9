//! The `Idempotency-Key` request header of a buy (IETF httpapi draft "The Idempotency-Key HTTP
//! Header Field"): the buyer's key for a buy they may retry, or a `400`.

use flashsale_domain::IdempotencyKey;

use crate::errors::Failure;
use crate::problem::ProblemType;

/// The header's name.
pub const HEADER: &str = "Idempotency-Key";

/// The key a header value names: the draft's Structured Field string (`"..."`), or the same
/// characters unquoted; either way 1 to 64 ASCII letters, digits, `-`, `_` or `.`.
///
/// # Errors
/// A `400` `bad-request` failure when the value is not such a key.
pub fn parse(value: Option<&str>) -> Result<Option<IdempotencyKey>, Failure> {
    let Some(value) = value else {
        return Ok(None);
    };
    let trimmed = value.trim();
    let raw = trimmed
        .strip_prefix('"')
        .and_then(|quoted| quoted.strip_suffix('"'))
        .unwrap_or(trimmed);
    IdempotencyKey::parse(raw).map(Some).map_err(|error| {
        Failure::new(
            ProblemType::BadRequest,
            format!("Invalid {HEADER} header: {error}."),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(value: &str) -> Option<String> {
        parse(Some(value))
            .ok()
            .flatten()
            .map(|key| key.as_str().to_owned())
    }

    #[test]
    fn a_quoted_or_bare_key_is_read_and_no_header_is_no_key() {
        assert_eq!(key("\"8e03978e-40d5\""), Some("8e03978e-40d5".into()));
        assert_eq!(key(" retry-1 "), Some("retry-1".into()));
        assert!(matches!(parse(None), Ok(None)));
    }

    #[test]
    fn empty_long_or_odd_keys_are_bad_requests() {
        for value in ["", "\"\"", "a b", "k:1", "{k}", &"k".repeat(65)] {
            let failure = parse(Some(value)).err().map(|f| f.problem.status);
            assert_eq!(failure, Some(400), "{value:?}");
        }
    }
}
