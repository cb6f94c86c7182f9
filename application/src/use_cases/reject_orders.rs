//! Give up on orders the order store refuses for good: each buyer is told, and the units go
//! back on sale.

use flashsale_domain::{FailureReason, Purchase, Reservation};

use crate::ports::{Ports, ResultStore, StockGate};
use crate::use_cases::process_orders::ProcessOrdersError;
use crate::FlashSale;

impl<P: Ports> FlashSale<P> {
    /// Fails the purchase of each reservation with [`FailureReason::Rejected`], then returns
    /// its units to the gate, exactly once (results first, as [`FlashSale::process_orders`]
    /// does, so a poll never finds a purchase neither pending nor ended).
    ///
    /// Only for reservations the order store refused permanently, each in a transaction of its
    /// own: a refused transaction stored nothing, so the system of record still has the units.
    ///
    /// # Errors
    /// [`ProcessOrdersError::Results`] or [`ProcessOrdersError::Gate`]; calling again is safe.
    pub async fn reject_orders(
        &self,
        reservations: &[Reservation],
    ) -> Result<(), ProcessOrdersError> {
        let results: Vec<Purchase> = reservations
            .iter()
            .filter_map(|reservation| {
                let mut purchase = Purchase::accepted(reservation);
                purchase
                    .fail(FailureReason::Rejected)
                    .ok()
                    .map(|()| purchase)
            })
            .collect();
        self.ports.results.save(&results).await?;
        for reservation in reservations {
            self.ports.gate.release(reservation).await?;
        }
        Ok(())
    }
}
