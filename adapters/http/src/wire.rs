//! Wire types of request fields whose schema carries the domain's limits: each type's OpenAPI
//! schema (`minimum`, `maximum`, `minLength`, `maxLength`, `pattern`) is built from the
//! constants the domain exports, and the same constants bound the `validator` checks of the
//! request bodies (`schemas`), so a limit is written once, in the domain.
//!
//! Parsing is strict about JSON types (a number is not a string id) and lenient about the
//! limits: a value out of bounds parses, and validation then refuses it with `422` naming the
//! field, as the domain's rule says.

use std::borrow::Cow;

use flashsale_domain::{
    ID_PATTERN, MAX_ID_LEN, MAX_NAME_LEN, MAX_QUANTITY, MAX_REQUEST_ID_LEN, MAX_STOCK, MIN_QUANTITY,
};
use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{
    ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type,
};
use serde_json::Value;
use validator::{ValidateLength, ValidateRange};

/// The limits of one string field.
struct TextRule {
    min_length: usize,
    max_length: usize,
    pattern: Option<&'static str>,
}

/// The limits of one integer field, and its value when absent (`None`: it is required).
/// `null` is refused either way: the schema does not say the field is nullable.
struct IntegerRule {
    minimum: u32,
    maximum: u32,
    default: Option<u32>,
}

macro_rules! wire_text {
    ($(#[$doc:meta])* $name:ident, $rule:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            const RULE: TextRule = $rule;

            /// The text as received.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Type for $name {
            const IS_REQUIRED: bool = true;
            type RawValueType = Self;
            type RawElementValueType = Self;

            fn name() -> Cow<'static, str> {
                "string".into()
            }

            fn schema_ref() -> MetaSchemaRef {
                MetaSchemaRef::Inline(Box::new(MetaSchema {
                    min_length: Some(Self::RULE.min_length),
                    max_length: Some(Self::RULE.max_length),
                    pattern: Self::RULE.pattern.map(str::to_owned),
                    ..MetaSchema::new("string")
                }))
            }

            fn as_raw_value(&self) -> Option<&Self::RawValueType> {
                Some(self)
            }

            fn raw_element_iter<'a>(
                &'a self,
            ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
                Box::new(self.as_raw_value().into_iter())
            }
        }

        impl ParseFromJSON for $name {
            fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
                match value.unwrap_or_default() {
                    Value::String(text) => Ok(Self(text)),
                    other => Err(ParseError::expected_type(other)),
                }
            }
        }

        impl ParseFromParameter for $name {
            fn parse_from_parameter(value: &str) -> ParseResult<Self> {
                Ok(Self(value.to_owned()))
            }
        }

        impl ToJSON for $name {
            fn to_json(&self) -> Option<Value> {
                Some(Value::String(self.0.clone()))
            }
        }

        impl ValidateLength<usize> for $name {
            fn length(&self) -> Option<usize> {
                Some(self.0.chars().count())
            }
        }

        impl From<$name> for String {
            fn from(text: $name) -> Self {
                text.0
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(text.to_owned())
            }
        }
    };
}

macro_rules! wire_integer {
    ($(#[$doc:meta])* $name:ident, $rule:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            const RULE: IntegerRule = $rule;
            /// The smallest value the domain accepts.
            pub const MIN: u32 = Self::RULE.minimum;
            /// The largest value the domain accepts.
            pub const MAX: u32 = Self::RULE.maximum;
        }

        impl Type for $name {
            const IS_REQUIRED: bool = Self::RULE.default.is_none();
            type RawValueType = Self;
            type RawElementValueType = Self;

            fn name() -> Cow<'static, str> {
                "integer(uint32)".into()
            }

            fn schema_ref() -> MetaSchemaRef {
                MetaSchemaRef::Inline(Box::new(MetaSchema {
                    default: Self::RULE.default.map(Value::from),
                    minimum: Some(f64::from(Self::MIN)),
                    maximum: Some(f64::from(Self::MAX)),
                    ..MetaSchema::new_with_format("integer", "uint32")
                }))
            }

            fn as_raw_value(&self) -> Option<&Self::RawValueType> {
                Some(self)
            }

            fn raw_element_iter<'a>(
                &'a self,
            ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
                Box::new(self.as_raw_value().into_iter())
            }
        }

        impl ParseFromJSON for $name {
            fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
                match (value, Self::RULE.default) {
                    (None, Some(default)) => Ok(Self(default)),
                    (Some(Value::Null), _) => Err(ParseError::expected_type(Value::Null)),
                    (value, _) => u32::parse_from_json(value)
                        .map(Self)
                        .map_err(ParseError::propagate),
                }
            }
        }

        impl ToJSON for $name {
            fn to_json(&self) -> Option<Value> {
                Some(Value::from(self.0))
            }
        }

        impl ValidateRange<u32> for $name {
            fn greater_than(&self, max: u32) -> Option<bool> {
                Some(self.0 > max)
            }

            fn less_than(&self, min: u32) -> Option<bool> {
                Some(self.0 < min)
            }
        }
    };
}

wire_text!(
    /// A product id: `ProductId`'s rules ([`MAX_ID_LEN`], [`ID_PATTERN`]).
    ProductIdText,
    TextRule {
        min_length: 1,
        max_length: MAX_ID_LEN,
        pattern: Some(ID_PATTERN),
    }
);

wire_text!(
    /// A purchase's request id: `RequestId`'s rules ([`MAX_REQUEST_ID_LEN`], [`ID_PATTERN`]).
    RequestIdText,
    TextRule {
        min_length: 1,
        max_length: MAX_REQUEST_ID_LEN,
        pattern: Some(ID_PATTERN),
    }
);

wire_text!(
    /// An order id: `OrderId`'s rules ([`MAX_ID_LEN`], [`ID_PATTERN`]).
    OrderIdText,
    TextRule {
        min_length: 1,
        max_length: MAX_ID_LEN,
        pattern: Some(ID_PATTERN),
    }
);

wire_text!(
    /// A payment provider's payment id: `PaymentId`'s rules ([`MAX_ID_LEN`], [`ID_PATTERN`]).
    PaymentIdText,
    TextRule {
        min_length: 1,
        max_length: MAX_ID_LEN,
        pattern: Some(ID_PATTERN),
    }
);

wire_text!(
    /// An operator's restock id: `RestockId`'s rules ([`MAX_ID_LEN`], [`ID_PATTERN`]).
    RestockIdText,
    TextRule {
        min_length: 1,
        max_length: MAX_ID_LEN,
        pattern: Some(ID_PATTERN),
    }
);

wire_text!(
    /// A product's name: 1 to [`MAX_NAME_LEN`] characters.
    NameText,
    TextRule {
        min_length: 1,
        max_length: MAX_NAME_LEN,
        pattern: None,
    }
);

wire_integer!(
    /// Units of one purchase, or a sale's per-user limit: [`MIN_QUANTITY`] to [`MAX_QUANTITY`],
    /// [`MIN_QUANTITY`] when absent.
    Units,
    IntegerRule {
        minimum: MIN_QUANTITY,
        maximum: MAX_QUANTITY,
        default: Some(MIN_QUANTITY),
    }
);

wire_integer!(
    /// Units a sale offers: 0 to [`MAX_STOCK`].
    StockUnits,
    IntegerRule {
        minimum: 0,
        maximum: MAX_STOCK,
        default: None,
    }
);

wire_integer!(
    /// Units added to a sale: 1 to [`MAX_STOCK`] (the stock they join may not exceed it either).
    AddedUnits,
    IntegerRule {
        minimum: 1,
        maximum: MAX_STOCK,
        default: None,
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_not_a_string_id() {
        assert!(ProductIdText::parse_from_json(Some(Value::from(123))).is_err());
        assert!(ProductIdText::parse_from_json(Some(Value::from(true))).is_err());
        assert_eq!(
            ProductIdText::parse_from_json(Some(Value::from("phone"))).ok(),
            Some(ProductIdText::from("phone"))
        );
    }

    #[test]
    fn integers_out_of_the_domain_bounds_parse_and_are_left_to_validation() {
        let parsed = Units::parse_from_json(Some(Value::from(MAX_QUANTITY + 1))).ok();
        assert_eq!(parsed, Some(Units(MAX_QUANTITY + 1)));
        assert!(Units::parse_from_json(Some(Value::from(-1))).is_err());
        assert!(Units::parse_from_json(Some(Value::from("1"))).is_err());
    }

    #[test]
    fn an_absent_quantity_is_one_unit_but_null_is_refused() {
        assert_eq!(Units::parse_from_json(None).ok(), Some(Units(MIN_QUANTITY)));
        assert!(Units::parse_from_json(Some(Value::Null)).is_err());
        assert!(StockUnits::parse_from_json(None).is_err());
    }

    #[test]
    fn the_schemas_carry_the_domain_limits() {
        let MetaSchemaRef::Inline(units) = Units::schema_ref() else {
            panic!("inline");
        };
        assert_eq!(units.maximum, Some(f64::from(MAX_QUANTITY)));
        assert_eq!(units.minimum, Some(f64::from(MIN_QUANTITY)));
        let MetaSchemaRef::Inline(id) = ProductIdText::schema_ref() else {
            panic!("inline");
        };
        assert_eq!(id.max_length, Some(MAX_ID_LEN));
        assert_eq!(id.pattern.as_deref(), Some(ID_PATTERN));
    }
}
