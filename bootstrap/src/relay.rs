//! The order-events relay loop: the outbox's unpublished events handed to the publisher every
//! interval, by `EventRelay::pass`, in processes that run the worker, until stopped. The passes
//! of all processes share one lease, so one process at a time relays; the lease lasts three
//! intervals, or longer than the slowest publish when that is longer, so a holder waiting for
//! the broker keeps it and another process takes over within that time when its holder dies.

use std::future::Future;
use std::time::Duration;

use flashsale_application::ports::{Clock, EventPublisher, Lease, OrderEvents};
use flashsale_application::{ErrorChain, EventRelay, Exclusive, EVENT_RELAY_LEASE};

use crate::holder::{lease_holder, LEASE_INTERVALS};
use crate::settings::OrdersSection;

/// Most passes in a row without a pause, while each publishes a full batch: a backlog drains
/// fast, and the loop still yields to the stop signal regularly.
const MAX_PASSES_IN_A_ROW: usize = 20;

/// Runs relay passes from `events` to `publisher` under `lease` until `stop` resolves, with
/// `slowest_publish` the longest one publish may wait for its acknowledgement. Failures are
/// logged and retried on the next pass; they never stop the loop.
pub async fn run_relay<E: OrderEvents, B: EventPublisher, L: Lease, C: Clock>(
    events: E,
    publisher: B,
    lease: L,
    clock: C,
    settings: OrdersSection,
    slowest_publish: Duration,
    stop: impl Future<Output = ()>,
) {
    if !settings.events_relay_enabled {
        return;
    }
    let interval = Duration::from_millis(settings.events_relay_interval_ms.max(10));
    let ttl = (interval * LEASE_INTERVALS).max(slowest_publish + interval);
    let exclusive = Exclusive::new(lease, EVENT_RELAY_LEASE, lease_holder(), ttl);
    let relay = EventRelay::new(events, publisher, exclusive, settings.events_relay_batch);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            () = tokio::time::sleep(interval) => {}
        }
        for _ in 0..MAX_PASSES_IN_A_ROW {
            match relay.pass(clock.now()).await {
                Ok(None) => break,
                Ok(Some(report)) => {
                    if report.failed > 0 {
                        tracing::warn!(
                            ?report,
                            "order events not all published; retried next pass"
                        );
                    } else if report.published > 0 {
                        tracing::debug!(?report, "order events published");
                    }
                    if !report.was_full(relay.batch()) {
                        break;
                    }
                }
                Err(error) => {
                    tracing::warn!(error = %ErrorChain(&error), "order events relay pass failed");
                    break;
                }
            }
        }
    }
}
