//! One answer to a buy, classified.

use serde::Serialize;

/// What a buy request ended as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// `202`: a unit is reserved and the order queued.
    Accepted,
    /// `409 sold-out`.
    SoldOut,
    /// `409 already-purchased`.
    AlreadyPurchased,
    /// `429`.
    RateLimited,
    /// `409 sale-not-started` or `sale-ended`.
    OutsideWindow,
    /// Any other 4xx.
    OtherClientError,
    /// `503 outcome-unknown`: the service could not learn whether the order was queued; the
    /// unit may be the buyer's, and the purchase's result says so once it is known.
    OutcomeUnknown,
    /// Any other 5xx.
    ServerError,
    /// No answer within the request timeout.
    Timeout,
    /// The connection failed.
    TransportError,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 10] = [
        Outcome::Accepted,
        Outcome::SoldOut,
        Outcome::AlreadyPurchased,
        Outcome::RateLimited,
        Outcome::OutsideWindow,
        Outcome::OtherClientError,
        Outcome::OutcomeUnknown,
        Outcome::ServerError,
        Outcome::Timeout,
        Outcome::TransportError,
    ];

    /// Its position in [`Outcome::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::SoldOut => "sold_out",
            Outcome::AlreadyPurchased => "already_purchased",
            Outcome::RateLimited => "rate_limited",
            Outcome::OutsideWindow => "outside_window",
            Outcome::OtherClientError => "other_4xx",
            Outcome::OutcomeUnknown => "outcome_unknown",
            Outcome::ServerError => "5xx",
            Outcome::Timeout => "timeout",
            Outcome::TransportError => "transport_error",
        }
    }

    /// Whether it is an error: nothing a healthy service answers to a well-formed buy (an
    /// outcome the service could not learn is a true answer, but not a healthy one).
    pub fn is_error(self) -> bool {
        matches!(
            self,
            Outcome::OtherClientError
                | Outcome::OutcomeUnknown
                | Outcome::ServerError
                | Outcome::Timeout
                | Outcome::TransportError
        )
    }

    /// Classifies a status and its problem body.
    pub fn of(status: u16, body: &[u8]) -> Self {
        let has = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
        match status {
            202 => Outcome::Accepted,
            429 => Outcome::RateLimited,
            409 if has(b"problem:sold-out") => Outcome::SoldOut,
            409 if has(b"problem:already-purchased") => Outcome::AlreadyPurchased,
            409 if has(b"problem:sale-not-started") || has(b"problem:sale-ended") => {
                Outcome::OutsideWindow
            }
            400..=499 => Outcome::OtherClientError,
            503 if has(b"problem:outcome-unknown") => Outcome::OutcomeUnknown,
            _ => Outcome::ServerError,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_told_apart_by_their_type() {
        let sold = br#"{"type":"urn:flashsale:problem:sold-out"}"#;
        assert_eq!(Outcome::of(409, sold), Outcome::SoldOut);
        let dup = br#"{"type":"urn:flashsale:problem:already-purchased"}"#;
        assert_eq!(Outcome::of(409, dup), Outcome::AlreadyPurchased);
        let late = br#"{"type":"urn:flashsale:problem:sale-ended"}"#;
        assert_eq!(Outcome::of(409, late), Outcome::OutsideWindow);
        assert_eq!(Outcome::of(409, b"{}"), Outcome::OtherClientError);
        assert_eq!(Outcome::of(503, b"{}"), Outcome::ServerError);
        let unknown = br#"{"type":"urn:flashsale:problem:outcome-unknown"}"#;
        assert_eq!(Outcome::of(503, unknown), Outcome::OutcomeUnknown);
        assert!(Outcome::of(503, unknown).is_error());
        assert!(Outcome::of(500, b"").is_error());
        assert!(!Outcome::of(429, b"").is_error());
    }

    #[test]
    fn every_outcome_sits_at_its_index() {
        for (i, outcome) in Outcome::ALL.iter().enumerate() {
            assert_eq!(outcome.index(), i);
        }
    }
}
