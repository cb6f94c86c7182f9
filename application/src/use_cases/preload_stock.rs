//! Preload stock: hand every sale of the system of record to the stock gate at startup.

use crate::ports::{
    CatalogError, Clock, LoadOutcome, Ports, SaleCatalog, StockGate, StockGateError,
};
use crate::FlashSale;

/// What preloading did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PreloadReport {
    /// Sales loaded into the gate.
    pub loaded: usize,
    /// Sales the gate already held live and kept.
    pub kept_live: usize,
    /// Sales ended long enough ago to stay out of the gate.
    pub retired: usize,
}

/// Why preloading stopped.
#[derive(Debug, thiserror::Error)]
pub enum PreloadError {
    /// The catalog failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The gate failed.
    #[error(transparent)]
    Gate(#[from] StockGateError),
}

impl<P: Ports> FlashSale<P> {
    /// Loads each sale's remaining stock and buyers into the gate, never clobbering a sale the
    /// gate already holds live, and never a sale [retired](crate::GateRetention) from it.
    /// Safe to run on every start of every process.
    ///
    /// # Errors
    /// See [`PreloadError`].
    pub async fn preload_stock(&self) -> Result<PreloadReport, PreloadError> {
        let mut report = PreloadReport::default();
        let now = self.ports.clock.now();
        for snapshot in self.ports.catalog.snapshots().await? {
            if self.gate_retention().is_retired(&snapshot.sale, now) {
                report.retired += 1;
                continue;
            }
            match self.ports.gate.load(&snapshot).await? {
                LoadOutcome::Loaded => report.loaded += 1,
                LoadOutcome::KeptLive => report.kept_live += 1,
            }
        }
        Ok(report)
    }
}
