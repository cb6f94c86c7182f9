//! The order message on the wire: `OrderMessage` v1 as JSON, keyed by product id.
//!
//! Decoding validates every field through the domain's constructors, so a reservation that
//! leaves this module is as valid as one made by the stock gate. See `docs/messages.md`.

use flashsale_domain::{ProductId, Quantity, RequestId, Reservation, Timestamp, UserId};
use serde::{Deserialize, Serialize};

/// The schema version this build writes, and the only one it reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Version 1 of the order message: one accepted reservation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderMessage {
    /// Always [`SCHEMA_VERSION`] for this type.
    pub schema_version: u32,
    /// The purchase request; the idempotency key of processing.
    pub request_id: String,
    /// The buyer.
    pub user_id: String,
    /// The product; also the message key.
    pub product_id: String,
    /// Units reserved, 1 to 100.
    pub quantity: u32,
    /// When the units were reserved, in milliseconds since the Unix epoch.
    pub reserved_at_ms: i64,
}

/// Only the version, read first so that an unknown version is reported as such rather than as
/// a malformed v1 message. Other fields are skipped.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    schema_version: Option<u64>,
}

/// Why a message is not a valid order; the consumer dead-letters it with this reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The message has no payload.
    #[error("the message has no payload")]
    EmptyPayload,
    /// The payload is not a JSON object of the expected shape.
    #[error("the payload is not a valid order message: {0}")]
    Malformed(String),
    /// The payload has no `schemaVersion`.
    #[error("the payload has no schemaVersion")]
    MissingVersion,
    /// The payload's schema version is not one this consumer reads.
    #[error("schemaVersion {0} is not supported (this consumer reads {SCHEMA_VERSION})")]
    UnsupportedVersion(u64),
    /// A field is present but breaks a domain rule.
    #[error("invalid {field}: {reason}")]
    InvalidField {
        /// The JSON field name.
        field: &'static str,
        /// The domain rule it breaks.
        reason: String,
    },
}

impl DecodeError {
    /// A short stable code for the kind of error (`x-dead-letter-code`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmptyPayload => "empty-payload",
            Self::Malformed(_) => "malformed",
            Self::MissingVersion => "missing-version",
            Self::UnsupportedVersion(_) => "unsupported-version",
            Self::InvalidField { .. } => "invalid-field",
        }
    }
}

/// The message could not be serialised (never expected for this plain struct).
#[derive(Debug, thiserror::Error)]
#[error("cannot encode the order message: {0}")]
pub struct EncodeError(#[from] serde_json::Error);

impl OrderMessage {
    /// The v1 message of a reservation.
    pub fn from_reservation(reservation: &Reservation) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            request_id: reservation.request_id.as_str().to_owned(),
            user_id: reservation.user_id.as_str().to_owned(),
            product_id: reservation.product_id.as_str().to_owned(),
            quantity: reservation.quantity.get(),
            reserved_at_ms: reservation.reserved_at.as_millis(),
        }
    }

    /// The reservation this message carries, every field checked by the domain.
    ///
    /// # Errors
    /// [`DecodeError::UnsupportedVersion`] or [`DecodeError::InvalidField`].
    pub fn into_reservation(self) -> Result<Reservation, DecodeError> {
        if self.schema_version != SCHEMA_VERSION {
            return Err(DecodeError::UnsupportedVersion(self.schema_version.into()));
        }
        let request_id = RequestId::parse(self.request_id).map_err(invalid("requestId"))?;
        let user_id = UserId::parse(self.user_id).map_err(invalid("userId"))?;
        let product_id = ProductId::parse(self.product_id).map_err(invalid("productId"))?;
        let quantity = Quantity::new(self.quantity).map_err(invalid("quantity"))?;
        if self.reserved_at_ms < 0 {
            return Err(DecodeError::InvalidField {
                field: "reservedAtMs",
                reason: "must not be before the Unix epoch".to_owned(),
            });
        }
        Ok(Reservation {
            request_id,
            user_id,
            product_id,
            quantity,
            reserved_at: Timestamp::from_millis(self.reserved_at_ms),
        })
    }
}

/// Maps a domain constructor's error to [`DecodeError::InvalidField`] for `field`.
fn invalid<E: std::fmt::Display>(field: &'static str) -> impl FnOnce(E) -> DecodeError {
    move |error| DecodeError::InvalidField {
        field,
        reason: error.to_string(),
    }
}

/// The message key of a reservation: its product id, so one product's messages share a
/// partition and keep their order.
pub fn message_key(reservation: &Reservation) -> &str {
    reservation.product_id.as_str()
}

/// The JSON payload of a reservation.
///
/// # Errors
/// [`EncodeError`] if serialisation fails.
pub fn encode(reservation: &Reservation) -> Result<Vec<u8>, EncodeError> {
    Ok(serde_json::to_vec(&OrderMessage::from_reservation(
        reservation,
    ))?)
}

/// The reservation in a payload.
///
/// # Errors
/// A [`DecodeError`] saying why the payload is not a valid v1 order message.
pub fn decode(payload: Option<&[u8]>) -> Result<Reservation, DecodeError> {
    let payload = match payload {
        Some(bytes) if !bytes.is_empty() => bytes,
        _ => return Err(DecodeError::EmptyPayload),
    };
    let envelope: Envelope =
        serde_json::from_slice(payload).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    match envelope.schema_version {
        None => return Err(DecodeError::MissingVersion),
        Some(version) if version != u64::from(SCHEMA_VERSION) => {
            return Err(DecodeError::UnsupportedVersion(version))
        }
        Some(_) => {}
    }
    let message: OrderMessage =
        serde_json::from_slice(payload).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    message.into_reservation()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reservation() -> Reservation {
        Reservation {
            request_id: RequestId::parse("req-1").expect("valid"),
            user_id: UserId::parse("alice").expect("valid"),
            product_id: ProductId::parse("phone-1").expect("valid"),
            quantity: Quantity::new(2).expect("valid"),
            reserved_at: Timestamp::from_millis(1_764_000_000_000),
        }
    }

    fn decode_json(value: &serde_json::Value) -> Result<Reservation, DecodeError> {
        decode(Some(value.to_string().as_bytes()))
    }

    fn valid_json() -> serde_json::Value {
        json!({
            "schemaVersion": 1,
            "requestId": "req-1",
            "userId": "alice",
            "productId": "phone-1",
            "quantity": 2,
            "reservedAtMs": 1_764_000_000_000_i64
        })
    }

    #[test]
    fn a_reservation_survives_a_round_trip() {
        let payload = encode(&reservation()).expect("encodes");
        assert_eq!(decode(Some(&payload)), Ok(reservation()));
    }

    #[test]
    fn the_payload_is_the_documented_v1_json() {
        let payload = encode(&reservation()).expect("encodes");
        let value: serde_json::Value = serde_json::from_slice(&payload).expect("json");
        assert_eq!(value, valid_json());
    }

    #[test]
    fn the_key_is_the_product_id() {
        assert_eq!(message_key(&reservation()), "phone-1");
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let mut value = valid_json();
        value["traceId"] = json!("abc");
        assert_eq!(decode_json(&value), Ok(reservation()));
    }

    #[test]
    fn an_unknown_schema_version_is_refused_as_such() {
        let value = json!({ "schemaVersion": 99, "orderRef": "whatever" });
        assert_eq!(
            decode_json(&value),
            Err(DecodeError::UnsupportedVersion(99))
        );
    }

    #[test]
    fn a_payload_without_a_version_is_refused() {
        let mut value = valid_json();
        value
            .as_object_mut()
            .expect("object")
            .remove("schemaVersion");
        assert_eq!(decode_json(&value), Err(DecodeError::MissingVersion));
    }

    #[test]
    fn garbage_and_empty_payloads_are_refused() {
        assert!(matches!(
            decode(Some(b"\x00\xffnot json")),
            Err(DecodeError::Malformed(_))
        ));
        assert_eq!(decode(Some(b"")), Err(DecodeError::EmptyPayload));
        assert_eq!(decode(None), Err(DecodeError::EmptyPayload));
    }

    #[test]
    fn a_missing_or_mistyped_field_is_malformed() {
        let mut value = valid_json();
        value.as_object_mut().expect("object").remove("userId");
        assert!(matches!(
            decode_json(&value),
            Err(DecodeError::Malformed(_))
        ));
        let mut value = valid_json();
        value["quantity"] = json!("two");
        assert!(matches!(
            decode_json(&value),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn each_field_is_validated_by_the_domain() {
        let cases = [
            ("requestId", json!("")),
            ("userId", json!("a:b")),
            ("productId", json!("x".repeat(65))),
            ("quantity", json!(0)),
            ("quantity", json!(101)),
            ("reservedAtMs", json!(-1)),
        ];
        for (field, bad) in cases {
            let mut value = valid_json();
            value[field] = bad.clone();
            match decode_json(&value) {
                Err(DecodeError::InvalidField { field: named, .. }) => {
                    assert_eq!(named, field, "{field} = {bad}");
                }
                other => panic!("{field} = {bad}: expected InvalidField, got {other:?}"),
            }
        }
    }

    #[test]
    fn every_decode_error_has_a_stable_code() {
        assert_eq!(
            DecodeError::UnsupportedVersion(2).code(),
            "unsupported-version"
        );
        assert_eq!(DecodeError::EmptyPayload.code(), "empty-payload");
    }
}
