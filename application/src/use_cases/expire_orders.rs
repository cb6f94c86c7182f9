//! Expire unpaid orders past their deadline (worker): each closed with a compare-and-set that
//! returns its units to the sale, then its units back to the stock gate.

use std::collections::HashMap;

use flashsale_domain::Release;

use crate::ports::{
    CatalogError, Clock, Closed, Closing, Lease, LeaseError, OrderStore, OrderStoreError, Ports,
    StockGate,
};
use crate::use_cases::exclusive::Exclusive;
use crate::{ErrorChain, FlashSale};

/// The name of the expiry's lease: one process at a time expires orders.
pub const EXPIRY_LEASE: &str = "expiry";

/// Why an expiry pass stopped. Orders expired before stay expired; the next pass continues.
#[derive(Debug, thiserror::Error)]
pub enum ExpireOrdersError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] OrderStoreError),
    /// The catalog failed (reading whether buyers may buy again).
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The expiry's lease could not be asked for; nothing was done.
    #[error(transparent)]
    Lease(#[from] LeaseError),
}

/// What one expiry pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExpiryReport {
    /// Overdue orders found.
    pub overdue: usize,
    /// Orders this pass moved to `expired` (others were paid, cancelled or expired meanwhile).
    pub expired: usize,
    /// Of those, orders whose units the gate took back.
    pub restocked: usize,
    /// Expired orders whose units the gate could not take back (the gate failed): the stock
    /// gate offers fewer units than the system of record until reconciliation repairs it.
    pub gate_failures: usize,
}

impl ExpiryReport {
    /// Whether the pass found a full batch, so another may find more at once.
    pub fn was_full(&self, batch: u32) -> bool {
        self.overdue >= batch as usize
    }
}

impl<P: Ports> FlashSale<P> {
    /// [`Self::expire_orders`] when this process holds the expiry's lease through `exclusive`
    /// (taking or renewing it); `None` while another process holds it.
    ///
    /// # Errors
    /// As [`Self::expire_orders`], and [`ExpireOrdersError::Lease`] when the lease cannot be
    /// asked for.
    pub async fn expire_orders_exclusively<L: Lease>(
        &self,
        exclusive: &Exclusive<L>,
        batch: u32,
    ) -> Result<Option<ExpiryReport>, ExpireOrdersError> {
        if !exclusive.claim(self.ports.clock.now()).await? {
            return Ok(None);
        }
        self.expire_orders(batch).await.map(Some)
    }

    /// Expires up to `batch` orders pending payment whose deadline has passed, by the clock
    /// port's now: each moves `pending_payment -> expired` with its units returned to the
    /// sale's `remaining` in one transaction (a compare-and-set: an order paid or cancelled
    /// meanwhile is left alone), then its units go back to the stock gate, exactly once. The
    /// buyer stays barred from buying the product again unless the sale allows it.
    ///
    /// # Errors
    /// [`ExpireOrdersError`] when the store or the catalog fails; orders expired before the
    /// failure stay expired, and the next pass continues.
    pub async fn expire_orders(&self, batch: u32) -> Result<ExpiryReport, ExpireOrdersError> {
        let now = self.ports.clock.now();
        let overdue = self.ports.store.overdue(now, batch).await?;
        let mut report = ExpiryReport {
            overdue: overdue.len(),
            ..ExpiryReport::default()
        };
        // Whether each product's buyers may buy again, read before any order is closed, so a
        // catalog failure leaves nothing closed without its restock.
        let mut rebuy = HashMap::new();
        for order in &overdue {
            if !rebuy.contains_key(&order.product_id) {
                let allowed = self.may_buy_again(order).await?;
                rebuy.insert(order.product_id.clone(), allowed);
            }
        }
        for order in overdue {
            let Closed::Closed(expired) = self
                .ports
                .store
                .close(&order.id, Closing::Expire, now)
                .await?
            else {
                continue;
            };
            report.expired += 1;
            let may_buy_again = rebuy.get(&expired.product_id).copied().unwrap_or(false);
            match self.ports.gate.restock(&expired, may_buy_again).await {
                Ok(Release::Released) => report.restocked += 1,
                Ok(Release::NotHeld) => {}
                Err(error) => {
                    report.gate_failures += 1;
                    tracing::error!(error = %ErrorChain(&error), order_id = %expired.id, "expired order not restocked");
                }
            }
        }
        Ok(report)
    }
}
