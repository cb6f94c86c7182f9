//! The order consumer: batches from the orders topic into `process_orders`, committing offsets
//! only after a batch is stored.

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Arc;

use flashsale_application::{ErrorChain, FlashSale, Ports};
use flashsale_domain::Reservation;
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::{ClientConfig, TopicPartitionList};
use tokio::time::Instant;

use crate::batch::{Batch, ReadAt};
use crate::dead_letter::DeadLetters;
use crate::ready::Ready;
use crate::stats::{StatsContext, CONSUMER_BATCH_SIZE, STATISTICS_INTERVAL_MS};
use crate::{KafkaError, KafkaSettings};

/// What became of storing reservations.
enum Stored {
    /// Stored (or recognised as stored).
    Done,
    /// Refused for good `refused_attempts` times in a row, for this reason.
    Refused(String),
    /// `shutdown` came while it was failing.
    Stopping,
}

/// Times a synchronous commit is tried before the batch is left to be redelivered.
const COMMIT_ATTEMPTS: u32 = 3;

/// Consumes the orders topic in the group `settings.group_id` until `shutdown` resolves.
///
/// Each round gathers up to `batch_size` messages (waiting at most `batch_wait` after the first),
/// dead-letters those that do not decode, hands the rest to [`FlashSale::process_orders`]
/// (retried with `retry_backoff` until it succeeds: the batch is idempotent; a batch the store
/// refuses for good `refused_attempts` times is stored one reservation at a time, and the
/// reservations it still refuses are dead-lettered with code `refused-by-store` and their
/// purchases failed with `rejected`), and only then
/// commits, synchronously, the next offset of every partition read. Delivery is therefore at
/// least once; a redelivered message is recognised by the order store.
///
/// On `shutdown` the current batch is finished and committed, then the consumer leaves the
/// group. A batch that still fails after `shutdown` is left uncommitted, to be redelivered to
/// the next member of the group. Broker errors are logged and retried, never returned. A batch
/// retried for longer than librdkafka's `max.poll.interval.ms` (5 min) costs the member its
/// partitions; its commit then fails and the batch is redelivered, which is harmless.
///
/// # Errors
/// [`KafkaError`] only when the clients cannot be created or the subscription is refused.
pub async fn run_order_consumer<P: Ports>(
    service: Arc<FlashSale<P>>,
    settings: &KafkaSettings,
    shutdown: impl Future<Output = ()>,
) -> Result<(), KafkaError> {
    run_order_consumer_reporting(service, settings, Ready::new(), shutdown).await
}

/// [`run_order_consumer`], setting `ready` once the group has given this member its first
/// assignment (for the readiness probe).
///
/// # Errors
/// As [`run_order_consumer`].
pub async fn run_order_consumer_reporting<P: Ports>(
    service: Arc<FlashSale<P>>,
    settings: &KafkaSettings,
    ready: Ready,
    shutdown: impl Future<Output = ()>,
) -> Result<(), KafkaError> {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", &settings.bootstrap_servers)
        .set("client.id", &settings.client_id)
        .set("group.id", &settings.group_id)
        .set(
            "session.timeout.ms",
            settings.session_timeout.as_millis().to_string(),
        )
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .set("statistics.interval.ms", STATISTICS_INTERVAL_MS);
    if let Some(instance) = &settings.group_instance_id {
        config.set("group.instance.id", instance);
    }
    let consumer: StreamConsumer<StatsContext> = config
        .create_with_context(StatsContext::consumer(ready))
        .map_err(|source| KafkaError::Client {
            role: "consumer",
            source,
        })?;
    consumer
        .subscribe(&[&settings.topic])
        .map_err(|source| KafkaError::Subscribe {
            topic: settings.topic.clone(),
            source,
        })?;
    let consumer = Arc::new(consumer);
    let dead_letters = DeadLetters::new(settings)?;
    let mut worker = Worker {
        consumer: Arc::clone(&consumer),
        dead_letters,
        settings,
        shutdown: pin!(shutdown),
        stopping: false,
    };
    tracing::info!(topic = %settings.topic, group = %settings.group_id, "order consumer started");
    while !worker.stopping {
        let batch = worker.gather().await;
        if batch.is_empty() {
            continue;
        }
        metrics::histogram!(CONSUMER_BATCH_SIZE).record(batch.len() as f64);
        if worker.settle(&service, &batch).await {
            worker.commit(batch.offsets_to_commit()).await;
        } else {
            tracing::warn!(
                size = batch.len(),
                "order consumer stopping with an unprocessed batch; it will be redelivered"
            );
        }
    }
    drop(worker);
    // Closing leaves the group (so a successor is assigned at once); it blocks, so not here.
    let _ = tokio::task::spawn_blocking(move || drop(consumer)).await;
    tracing::info!("order consumer stopped");
    Ok(())
}

/// The consumer loop's state.
struct Worker<'a, S> {
    consumer: Arc<StreamConsumer<StatsContext>>,
    dead_letters: DeadLetters,
    settings: &'a KafkaSettings,
    shutdown: Pin<&'a mut S>,
    /// `shutdown` resolved: finish the batch at hand, then return.
    stopping: bool,
}

impl<S: Future<Output = ()>> Worker<'_, S> {
    /// Reads up to `batch_size` messages; waits for the first as long as it takes, then at most
    /// `batch_wait` for the rest. Returns early, possibly empty, when `shutdown` resolves.
    async fn gather(&mut self) -> Batch {
        let batch_size = self.settings.batch_size.max(1);
        let mut batch = Batch::with_capacity(batch_size);
        let mut deadline: Option<Instant> = None;
        while batch.len() < batch_size && !self.stopping {
            let filled = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                biased;
                () = self.shutdown.as_mut() => {
                    tracing::info!("order consumer finishing its batch before stopping");
                    self.stopping = true;
                }
                () = filled => break,
                received = self.consumer.recv() => match received {
                    Ok(message) => {
                        batch.push(&message);
                        deadline.get_or_insert_with(|| Instant::now() + self.settings.batch_wait);
                    }
                    Err(error) if batch.is_empty() => {
                        tracing::warn!(error = %ErrorChain(&error), "order consumer cannot read; retrying");
                        self.pause().await;
                    }
                    Err(error) => {
                        tracing::warn!(error = %ErrorChain(&error), "order consumer cannot read; processing what it has");
                        break;
                    }
                },
            }
        }
        batch
    }

    /// Dead-letters the rejects, then processes the reservations, retried until they are
    /// stored. A batch the order store refuses for good `refused_attempts` times in a row is
    /// taken apart: each reservation is stored on its own, and each one the store still refuses
    /// for good is dead-lettered with the store's reason and its purchase failed (the units go
    /// back on sale), so the partition moves on. `false` when `shutdown` came while a step was
    /// failing: nothing is committed.
    async fn settle<P: Ports>(&mut self, service: &FlashSale<P>, batch: &Batch) -> bool {
        for rejected in &batch.rejected {
            loop {
                match self.dead_letters.send(rejected).await {
                    Ok(()) => break,
                    Err(error) => {
                        tracing::warn!(%error, "cannot write to the dead-letter topic; retrying");
                        if !self.pause().await {
                            return false;
                        }
                    }
                }
            }
        }
        match self.store(service, &batch.valid).await {
            Stored::Done => return true,
            Stored::Stopping => return false,
            Stored::Refused(reason) => tracing::warn!(
                %reason,
                size = batch.valid.len(),
                "the order store refuses this batch for good; storing its orders one by one"
            ),
        }
        for (reservation, read_at) in batch.valid.iter().zip(&batch.read_at) {
            match self.store(service, std::slice::from_ref(reservation)).await {
                Stored::Done => {}
                Stored::Stopping => return false,
                Stored::Refused(reason) => {
                    if !self.park(service, reservation, &reason, read_at).await {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// Processes `reservations` until they are stored: a transient failure is retried as long
    /// as it lasts, a permanent one `refused_attempts` times.
    async fn store<P: Ports>(
        &mut self,
        service: &FlashSale<P>,
        reservations: &[Reservation],
    ) -> Stored {
        let mut refusals = 0;
        loop {
            match service.process_orders(reservations).await {
                Ok(report) => {
                    tracing::debug!(
                        created = report.created,
                        redelivered = report.redelivered,
                        failed = report.failed,
                        "order batch processed"
                    );
                    return Stored::Done;
                }
                Err(error) => {
                    let transient = error.is_transient();
                    refusals = if transient { 0 } else { refusals + 1 };
                    if refusals >= self.settings.refused_attempts.max(1) {
                        return Stored::Refused(ErrorChain(&error).to_string());
                    }
                    tracing::warn!(
                        error = %ErrorChain(&error),
                        transient,
                        size = reservations.len(),
                        "order batch failed; retrying"
                    );
                    if !self.pause().await {
                        return Stored::Stopping;
                    }
                }
            }
        }
    }

    /// Dead-letters a reservation the store refuses for good, then fails its purchase and
    /// returns its units; each step retried until it is done. `false` on `shutdown` meanwhile.
    async fn park<P: Ports>(
        &mut self,
        service: &FlashSale<P>,
        reservation: &Reservation,
        reason: &str,
        read_at: &ReadAt,
    ) -> bool {
        while let Err(error) = self
            .dead_letters
            .send_refused(reservation, reason, read_at)
            .await
        {
            tracing::warn!(%error, "cannot write to the dead-letter topic; retrying");
            if !self.pause().await {
                return false;
            }
        }
        while let Err(error) = service
            .reject_orders(std::slice::from_ref(reservation))
            .await
        {
            tracing::warn!(error = %ErrorChain(&error), "cannot fail a refused purchase; retrying");
            if !self.pause().await {
                return false;
            }
        }
        tracing::error!(
            request_id = %reservation.request_id,
            %reason,
            "order refused for good by the store: dead-lettered, purchase failed, units returned"
        );
        true
    }

    /// Commits synchronously (on a blocking thread), retrying a few times. Giving up only means
    /// the batch is redelivered, which processing recognises.
    async fn commit(&mut self, offsets: TopicPartitionList) {
        for attempt in 1..=COMMIT_ATTEMPTS {
            let consumer = Arc::clone(&self.consumer);
            let list = offsets.clone();
            let committed =
                tokio::task::spawn_blocking(move || consumer.commit(&list, CommitMode::Sync)).await;
            let error = match committed {
                Ok(Ok(())) => return,
                Ok(Err(error)) => error.to_string(),
                Err(join) => join.to_string(),
            };
            tracing::warn!(%error, attempt, "cannot commit the order batch's offsets");
            if attempt < COMMIT_ATTEMPTS {
                tokio::time::sleep(self.settings.retry_backoff).await;
            }
        }
        tracing::warn!("offsets not committed; the batch will be redelivered and recognised");
    }

    /// Waits `retry_backoff`; `false` (at once) when `shutdown` has come or comes meanwhile.
    async fn pause(&mut self) -> bool {
        if self.stopping {
            return false;
        }
        tokio::select! {
            () = self.shutdown.as_mut() => {
                self.stopping = true;
                false
            }
            () = tokio::time::sleep(self.settings.retry_backoff) => true,
        }
    }
}
