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

#[cfg(test)]
mod tests {
    use super::*;
    use flashsale_application::ports::{NewOrder, OrderStore, SaleCatalog};
    use flashsale_domain::{
        OrderId, ProductId, Quantity, RequestId, Reservation, Sale, SaleWindow, Timestamp, UserId,
    };
    use flashsale_memory::{MemoryDatabase, MemoryEventLog, MemoryLease, SystemClock};

    fn settings(enabled: bool) -> OrdersSection {
        OrdersSection {
            payment_window_secs: 900,
            expiry_enabled: false,
            expiry_interval_ms: 1_000,
            expiry_batch: 10,
            events_relay_enabled: enabled,
            events_relay_interval_ms: 10,
            events_relay_batch: 2,
        }
    }

    /// A database holding `orders` new orders, hence as many unpublished events.
    async fn database(orders: usize) -> MemoryDatabase {
        let database = MemoryDatabase::default();
        let now = SystemClock.now();
        let window = SaleWindow::new(now, now.plus(Duration::from_secs(60))).expect("window");
        let product = ProductId::parse("phone").expect("id");
        let sale = Sale::new(product.clone(), "Phone", 10, window).expect("sale");
        database.create(&sale).await.expect("created");
        let batch: Vec<NewOrder> = (0..orders)
            .map(|n| NewOrder {
                order_id: OrderId::parse(format!("o{n}")).expect("id"),
                reservation: Reservation {
                    request_id: RequestId::parse(format!("phone.r{n}")).expect("id"),
                    user_id: UserId::parse(format!("u{n}")).expect("id"),
                    product_id: product.clone(),
                    quantity: Quantity::ONE,
                    reserved_at: Timestamp::from_millis(now.as_millis()),
                },
                created_at: now,
            })
            .collect();
        database.persist(&batch).await.expect("persisted");
        database
    }

    #[tokio::test]
    async fn the_loop_relays_every_event_in_batches_until_stopped() {
        let database = database(5).await;
        let log = MemoryEventLog::new(100);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let relay = tokio::spawn(run_relay(
            database.clone(),
            log.clone(),
            MemoryLease::new(),
            SystemClock,
            settings(true),
            Duration::ZERO,
            async move {
                let _ = stopped.await;
            },
        ));
        for _ in 0..500 {
            if log.events().len() == 5 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let _ = stop.send(());
        relay.await.expect("the loop ends when stopped");
        let ids: Vec<u64> = log.events().iter().map(|e| e.id.get()).collect();
        assert_eq!(ids, vec![1, 2, 3, 4, 5], "every event once, oldest first");
        assert!(database.unpublished(10).await.expect("read").is_empty());
    }

    #[tokio::test]
    async fn a_disabled_relay_publishes_nothing() {
        let database = database(1).await;
        let log = MemoryEventLog::new(100);
        run_relay(
            database.clone(),
            log.clone(),
            MemoryLease::new(),
            SystemClock,
            settings(false),
            Duration::ZERO,
            std::future::pending(),
        )
        .await;
        assert!(log.events().is_empty());
        assert_eq!(database.unpublished(10).await.expect("read").len(), 1);
    }
}
