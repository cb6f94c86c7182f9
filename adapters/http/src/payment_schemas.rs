//! The body of a payment confirmation, as the payment provider sends it to the webhook.

use flashsale_domain::{OrderId, PaymentId};
use poem_openapi::Object;

use crate::errors::Failure;
use crate::schemas::EXAMPLE_ORDER_ID;
use crate::wire::{OrderIdText, PaymentIdText};

/// A payment the provider confirms: the order it pays and the provider's payment id. Fields
/// this service does not know are ignored (providers add fields over time); the signature
/// covers the whole body either way.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase", example)]
pub struct PaymentNotification {
    /// The order paid (`orderId` of a succeeded purchase).
    pub order_id: OrderIdText,
    /// The provider's id of the payment: the same payment confirmed again is answered the same.
    pub payment_id: PaymentIdText,
}

impl poem_openapi::types::Example for PaymentNotification {
    fn example() -> Self {
        Self {
            order_id: EXAMPLE_ORDER_ID.into(),
            payment_id: "pi_3QxFlashsale0001".into(),
        }
    }
}

impl PaymentNotification {
    /// The order and payment ids, parsed by the domain's rules.
    ///
    /// # Errors
    /// A `validation-failed` [`Failure`] naming the field that breaks its rule.
    pub fn ids(&self) -> Result<(OrderId, PaymentId), Failure> {
        let order = OrderId::parse(self.order_id.as_str())
            .map_err(|e| Failure::invalid_field("orderId", e.to_string()))?;
        let payment = PaymentId::parse(self.payment_id.as_str())
            .map_err(|e| Failure::invalid_field("paymentId", e.to_string()))?;
        Ok((order, payment))
    }
}
