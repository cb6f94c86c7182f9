//! The worker draining the in-memory queue: batches into `process_orders`, retried until stored,
//! then each waiting publisher told its order is stored.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use flashsale_application::{ErrorChain, FlashSale, Ports};
use flashsale_domain::Reservation;

use crate::OrderReceiver;

/// How the worker batches and retries.
#[derive(Debug, Clone, Copy)]
pub struct WorkerSettings {
    /// Most reservations persisted in one transaction.
    pub batch_size: usize,
    /// Pause before retrying a batch that failed.
    pub retry_backoff: Duration,
}

/// Drains the queue until `shutdown` resolves; then refuses new messages, persists every message
/// already queued, and returns. A failed batch is retried (processing is idempotent), never
/// dropped.
pub async fn run_order_worker<P: Ports>(
    service: Arc<FlashSale<P>>,
    mut queue: OrderReceiver,
    settings: WorkerSettings,
    shutdown: impl Future<Output = ()>,
) {
    let batch_size = settings.batch_size.max(1);
    let mut batch = Vec::with_capacity(batch_size);
    tokio::pin!(shutdown);
    let mut draining = false;
    loop {
        let received = if draining {
            queue.receiver.recv_many(&mut batch, batch_size).await
        } else {
            tokio::select! {
                biased;
                () = &mut shutdown => {
                    tracing::info!("order worker draining the queue");
                    queue.receiver.close();
                    draining = true;
                    continue;
                }
                n = queue.receiver.recv_many(&mut batch, batch_size) => n,
            }
        };
        if received == 0 {
            tracing::info!("order worker stopped: queue drained");
            return;
        }
        let reservations: Vec<Reservation> = batch
            .iter()
            .map(|queued| queued.reservation.clone())
            .collect();
        loop {
            match service.process_orders(&reservations).await {
                Ok(report) => {
                    tracing::debug!(?report, "batch persisted");
                    break;
                }
                Err(error) => {
                    tracing::warn!(error = %ErrorChain(&error), size = batch.len(), "batch failed; retrying");
                    tokio::time::sleep(settings.retry_backoff).await;
                }
            }
        }
        // Stored: the publishers waiting for it may answer now.
        for queued in batch.drain(..) {
            if let Some(stored) = queued.stored {
                let _ = stored.send(());
            }
        }
    }
}
