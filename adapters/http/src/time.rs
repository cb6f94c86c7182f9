//! Conversion between the domain's instants and RFC 3339 date-times on the wire.

use chrono::{DateTime, TimeZone, Utc};
use flashsale_domain::Timestamp;

/// The wire form of an instant.
pub fn to_wire(at: Timestamp) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(at.as_millis())
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The domain form of a wire instant.
pub fn from_wire(at: DateTime<Utc>) -> Timestamp {
    Timestamp::from_millis(at.timestamp_millis())
}
