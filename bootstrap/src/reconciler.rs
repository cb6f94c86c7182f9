//! The reconciliation loop: in processes that run the worker, every interval one
//! [`Reconciliation`] pass, until stopped. The passes of all processes share one lease, so one
//! process at a time reconciles; the lease lasts three intervals, so another process takes over
//! within that time when its holder dies.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use flashsale_application::ports::Lease;
use flashsale_application::{ErrorChain, FlashSale, PassOutcome, Ports, Reconciliation};

use crate::holder::{lease_holder, LEASE_INTERVALS};
use crate::settings::ReconcilerSection;

/// Runs reconciliation passes under `lease` until `stop` resolves. Failures are logged and
/// retried on the next pass; they never stop the loop.
pub async fn run_reconciler<P: Ports, L: Lease>(
    service: Arc<FlashSale<P>>,
    lease: L,
    settings: ReconcilerSection,
    stop: impl Future<Output = ()>,
) {
    if !settings.enabled {
        return;
    }
    let interval = Duration::from_millis(settings.interval_ms.max(100));
    let holder = lease_holder();
    let mut reconciliation = Reconciliation::new(
        lease,
        holder,
        interval * LEASE_INTERVALS,
        Duration::from_millis(settings.stale_after_ms),
    );
    let mut holding = false;
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            () = tokio::time::sleep(interval) => {}
        }
        match reconciliation.pass(&service).await {
            Ok(PassOutcome::Reconciled(report)) => {
                if !holding {
                    tracing::info!("this process reconciles now (it holds the reconciler's lease)");
                    holding = true;
                }
                if report.changed_anything() {
                    tracing::warn!(?report, "reconciliation repaired something");
                }
            }
            Ok(PassOutcome::HeldElsewhere) => {
                if holding {
                    tracing::info!("another process reconciles now");
                    holding = false;
                }
            }
            Err(error) => tracing::warn!(error = %ErrorChain(&error), "reconciliation pass failed"),
        }
    }
}
