//! The expiry loop: unpaid orders past their payment deadline are expired and their units put
//! back on sale, by `FlashSale::expire_orders` every interval, in processes that run the worker,
//! until stopped.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use flashsale_application::{FlashSale, Ports};

use crate::settings::OrdersSection;

/// Most passes in a row without a pause, while each finds a full batch: a backlog drains fast,
/// and the loop still yields to the stop signal regularly.
const MAX_PASSES_IN_A_ROW: usize = 20;

/// Runs expiry passes until `stop` resolves. Failures are logged and retried on the next pass;
/// they never stop the loop.
pub async fn run_expiry<P: Ports>(
    service: Arc<FlashSale<P>>,
    settings: OrdersSection,
    stop: impl Future<Output = ()>,
) {
    if !settings.expiry_enabled {
        return;
    }
    let interval = Duration::from_millis(settings.expiry_interval_ms.max(10));
    let batch = settings.expiry_batch.max(1);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            () = tokio::time::sleep(interval) => {}
        }
        for _ in 0..MAX_PASSES_IN_A_ROW {
            match service.expire_orders(batch).await {
                Ok(report) => {
                    if report.expired > 0 || report.gate_failures > 0 {
                        tracing::info!(?report, "unpaid orders expired");
                    }
                    if !report.was_full(batch) {
                        break;
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "expiry pass failed");
                    break;
                }
            }
        }
    }
}
