//! The id of one HTTP request (`X-Request-Id`), not to be confused with a purchase's request
//! id (`requestId`, the handle a buyer polls).
//!
//! A caller's (or proxy's) `X-Request-Id` is kept when it is 1 to [`MAX_LEN`] characters of
//! `A-Z a-z 0-9 . _ : -`; otherwise, or when absent, the server makes one (a UUIDv7 in 32 hex
//! digits). Either way it is echoed in the response's `X-Request-Id`, carried by every log
//! line of the request and named by every problem's `instance`.

use std::fmt;

use poem::http::{HeaderMap, HeaderName, HeaderValue};

/// The header that carries the id, in both directions.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest id taken from a request.
pub const MAX_LEN: usize = 128;

/// The `instance` of a problem answering the request with this id is this prefix plus the id.
pub const INSTANCE_PREFIX: &str = "urn:flashsale:request:";

/// The id of one HTTP request: safe in a header, a log line and a URN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequestId(String);

impl HttpRequestId {
    /// The request's own id when it is acceptable, else a new one.
    pub fn of(headers: &HeaderMap) -> Self {
        headers
            .get(&HEADER)
            .and_then(|value| value.to_str().ok())
            .and_then(Self::accept)
            .unwrap_or_else(Self::generate)
    }

    fn accept(raw: &str) -> Option<Self> {
        let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-');
        (!raw.is_empty() && raw.len() <= MAX_LEN && raw.chars().all(safe))
            .then(|| Self(raw.to_owned()))
    }

    /// A new id (a UUIDv7 in 32 hex digits).
    pub(crate) fn generate() -> Self {
        Self(uuid::Uuid::now_v7().simple().to_string())
    }

    /// The id as a header value.
    pub fn header_value(&self) -> Option<HeaderValue> {
        HeaderValue::from_str(&self.0).ok()
    }

    /// The `instance` of a problem answering this request.
    pub fn instance(&self) -> String {
        format!("{INSTANCE_PREFIX}{}", self.0)
    }
}

impl fmt::Display for HttpRequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            HEADER,
            HeaderValue::from_str(value).expect("a header value"),
        );
        headers
    }

    #[test]
    fn a_safe_id_is_kept() {
        let id = HttpRequestId::of(&with("edge-7:a.b_c"));
        assert_eq!(id.to_string(), "edge-7:a.b_c");
        assert_eq!(id.instance(), "urn:flashsale:request:edge-7:a.b_c");
    }

    #[test]
    fn an_unsafe_or_overlong_id_is_replaced_by_a_generated_one() {
        for bad in ["a b", "a\"b", "<script>", &"a".repeat(MAX_LEN + 1), ""] {
            let id = HttpRequestId::of(&with(bad)).to_string();
            assert_ne!(id, bad);
            assert_eq!(id.len(), 32, "{id}");
        }
        assert!(HttpRequestId::accept(&"a".repeat(MAX_LEN)).is_some());
    }

    #[test]
    fn generated_ids_differ() {
        let empty = HeaderMap::new();
        assert_ne!(HttpRequestId::of(&empty), HttpRequestId::of(&empty));
    }
}
