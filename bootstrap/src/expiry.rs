//! The expiry loop: unpaid orders past their payment deadline are expired and their units put
//! back on sale, by `FlashSale::expire_orders_exclusively` every interval, in processes that run
//! the worker, until stopped. The passes of all processes share one lease, so one process at a
//! time expires orders; the lease lasts three intervals, so another process takes over within
//! that time when its holder dies.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use flashsale_application::ports::Lease;
use flashsale_application::{ErrorChain, Exclusive, FlashSale, Ports, EXPIRY_LEASE};

use crate::holder::{lease_holder, LEASE_INTERVALS};
use crate::settings::OrdersSection;

/// Most passes in a row without a pause, while each finds a full batch: a backlog drains fast,
/// and the loop still yields to the stop signal regularly.
const MAX_PASSES_IN_A_ROW: usize = 20;

/// Runs expiry passes under `lease` until `stop` resolves. Failures are logged and retried on
/// the next pass; they never stop the loop.
pub async fn run_expiry<P: Ports, L: Lease>(
    service: Arc<FlashSale<P>>,
    lease: L,
    settings: OrdersSection,
    stop: impl Future<Output = ()>,
) {
    if !settings.expiry_enabled {
        return;
    }
    let interval = Duration::from_millis(settings.expiry_interval_ms.max(10));
    let batch = settings.expiry_batch.max(1);
    let exclusive = Exclusive::new(
        lease,
        EXPIRY_LEASE,
        lease_holder(),
        interval * LEASE_INTERVALS,
    );
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            () = tokio::time::sleep(interval) => {}
        }
        for _ in 0..MAX_PASSES_IN_A_ROW {
            match service.expire_orders_exclusively(&exclusive, batch).await {
                Ok(None) => break,
                Ok(Some(report)) => {
                    if report.expired > 0 || report.gate_failures > 0 {
                        tracing::info!(?report, "unpaid orders expired");
                    }
                    if !report.was_full(batch) {
                        break;
                    }
                }
                Err(error) => {
                    tracing::warn!(error = %ErrorChain(&error), "expiry pass failed");
                    break;
                }
            }
        }
    }
}
