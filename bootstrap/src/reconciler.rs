//! The reconciliation loop: one pass of `FlashSale::reconcile` every interval, in processes that
//! run the worker, until stopped.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use flashsale_application::{ErrorChain, FlashSale, Ports, ReconcileReport};

use crate::settings::ReconcilerSection;

/// Runs reconciliation passes until `stop` resolves. Failures are logged and retried on the next
/// pass; they never stop the loop.
pub async fn run_reconciler<P: Ports>(
    service: Arc<FlashSale<P>>,
    settings: ReconcilerSection,
    stop: impl Future<Output = ()>,
) {
    if !settings.enabled {
        return;
    }
    let interval = Duration::from_millis(settings.interval_ms.max(100));
    let stale_after = Duration::from_millis(settings.stale_after_ms);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            () = tokio::time::sleep(interval) => {}
        }
        match service.reconcile(stale_after).await {
            Ok(report) if report != ReconcileReport::default() => {
                tracing::warn!(?report, "reconciliation repaired something");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(error = %ErrorChain(&error), "reconciliation pass failed"),
        }
    }
}
