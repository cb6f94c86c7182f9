//! The payment window: how long a won unit is held for its buyer before it goes back on sale.

use std::time::Duration;

use crate::Timestamp;

/// Shortest payment window a sale may set, in seconds.
pub const MIN_PAYMENT_WINDOW_SECS: u32 = 1;
/// Longest payment window a sale may set, in seconds (7 days).
pub const MAX_PAYMENT_WINDOW_SECS: u32 = 7 * 24 * 60 * 60;
/// The payment window of a sale that sets none, in seconds (15 minutes).
pub const DEFAULT_PAYMENT_WINDOW_SECS: u32 = 15 * 60;

/// A payment window outside [`MIN_PAYMENT_WINDOW_SECS`]..=[`MAX_PAYMENT_WINDOW_SECS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "a payment window must be {MIN_PAYMENT_WINDOW_SECS} to {MAX_PAYMENT_WINDOW_SECS} seconds, \
     not {0}"
)]
pub struct PaymentWindowError(pub u32);

/// How long after its creation an order may be paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentWindow(u32);

impl PaymentWindow {
    /// A window of `secs` seconds.
    ///
    /// # Errors
    /// [`PaymentWindowError`] outside the allowed range.
    pub fn from_secs(secs: u32) -> Result<Self, PaymentWindowError> {
        if (MIN_PAYMENT_WINDOW_SECS..=MAX_PAYMENT_WINDOW_SECS).contains(&secs) {
            Ok(Self(secs))
        } else {
            Err(PaymentWindowError(secs))
        }
    }

    /// The window in seconds.
    pub fn secs(self) -> u32 {
        self.0
    }

    /// The payment deadline of an order created at `created_at`: the first instant at which it
    /// is overdue.
    pub fn deadline_for(self, created_at: Timestamp) -> Timestamp {
        created_at.plus(Duration::from_secs(u64::from(self.0)))
    }
}

impl Default for PaymentWindow {
    fn default() -> Self {
        Self(DEFAULT_PAYMENT_WINDOW_SECS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_is_bounded() {
        assert!(PaymentWindow::from_secs(0).is_err());
        assert!(PaymentWindow::from_secs(MIN_PAYMENT_WINDOW_SECS).is_ok());
        assert!(PaymentWindow::from_secs(MAX_PAYMENT_WINDOW_SECS).is_ok());
        assert_eq!(
            PaymentWindow::from_secs(MAX_PAYMENT_WINDOW_SECS + 1),
            Err(PaymentWindowError(MAX_PAYMENT_WINDOW_SECS + 1))
        );
        assert_eq!(PaymentWindow::default().secs(), 900);
    }

    #[test]
    fn the_deadline_is_the_creation_plus_the_window() {
        let window = PaymentWindow::from_secs(60).expect("valid");
        assert_eq!(
            window.deadline_for(Timestamp::from_millis(1_000)),
            Timestamp::from_millis(61_000)
        );
    }
}
