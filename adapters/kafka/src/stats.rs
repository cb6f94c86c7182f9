//! librdkafka statistics as gauges (the producer's queue depth and the consumer's lag), and the
//! clients' readiness (the producer's idempotence id, the consumer's first assignment).
//!
//! Every client is created with a [`StatsContext`] and `statistics.interval.ms`; librdkafka then
//! hands it a statistics document every [`STATISTICS_INTERVAL_MS`], which it records through
//! the `metrics` facade (a no-op when no recorder is installed). The names are documented in
//! `docs/metrics.md`. A producer is ready once a statistics document says its producer id is
//! assigned; the consumer once the group gave it an assignment (possibly empty: more members
//! than partitions), and it stays so across later rebalances.

use rdkafka::consumer::{BaseConsumer, ConsumerContext, Rebalance};
use rdkafka::statistics::{Partition, Statistics};
use rdkafka::ClientContext;

use crate::ready::{Ready, PRODUCER_ID_ASSIGNED};

/// How often librdkafka emits statistics, in milliseconds; also how late, at most, a producer
/// learns it is ready.
pub(crate) const STATISTICS_INTERVAL_MS: &str = "1000";

/// Gauge: messages in a producer's queue, not yet acknowledged (`msg_cnt`), by `client`.
pub(crate) const PRODUCER_QUEUE: &str = "flashsale_kafka_producer_queue_messages";
/// Gauge: the consumer's lag summed over its assigned partitions, by `topic`.
pub(crate) const CONSUMER_LAG: &str = "flashsale_kafka_consumer_lag_messages";
/// Histogram: messages per batch the order consumer gathered.
pub(crate) const CONSUMER_BATCH_SIZE: &str = "flashsale_kafka_consumer_batch_size";
/// Counter: messages written to the dead-letter topic, by `code` (the reason's stable code).
pub(crate) const DEAD_LETTERS: &str = "flashsale_kafka_dead_letters_total";

/// A client context recording statistics; `client` names the client in the labels.
#[derive(Debug, Clone)]
pub(crate) struct StatsContext {
    client: &'static str,
    consumer: bool,
    ready: Ready,
}

impl StatsContext {
    /// For a producer called `client` (`producer`, `dead-letter producer`).
    /// `ready` is set once its producer id is assigned.
    pub(crate) fn producer(client: &'static str, ready: Ready) -> Self {
        Self {
            client,
            consumer: false,
            ready,
        }
    }

    /// For the order consumer; `ready` is set at its first assignment.
    pub(crate) fn consumer(ready: Ready) -> Self {
        Self {
            client: "consumer",
            consumer: true,
            ready,
        }
    }
}

impl ClientContext for StatsContext {
    fn stats(&self, statistics: Statistics) {
        if self.consumer {
            for (topic, stats) in &statistics.topics {
                metrics::gauge!(CONSUMER_LAG, "topic" => topic.clone())
                    .set(summed_lag(stats.partitions.values()) as f64);
            }
        } else {
            metrics::gauge!(PRODUCER_QUEUE, "client" => self.client).set(statistics.msg_cnt as f64);
            let assigned = statistics
                .eos
                .as_ref()
                .is_some_and(|eos| eos.idemp_state == PRODUCER_ID_ASSIGNED);
            if assigned && !self.ready.is_ready() {
                tracing::info!(client = self.client, "Kafka producer has its producer id");
            }
            self.ready.set(assigned);
        }
    }
}

impl ConsumerContext for StatsContext {
    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Assign(partitions) = rebalance {
            if !self.ready.is_ready() {
                tracing::info!(
                    partitions = partitions.count(),
                    "order consumer joined its group"
                );
            }
            let assigned: Vec<i32> = partitions
                .elements()
                .iter()
                .map(|element| element.partition())
                .collect();
            tracing::info!(partitions = ?assigned, "order consumer assigned partitions");
            self.ready.set(true);
        }
    }
}

/// The lag of the partitions whose lag is known (librdkafka says -1 when it is not, and lists
/// an internal partition -1).
fn summed_lag<'a>(partitions: impl Iterator<Item = &'a Partition>) -> i64 {
    partitions
        .filter(|partition| partition.partition >= 0 && partition.consumer_lag >= 0)
        .map(|partition| partition.consumer_lag)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partition(partition: i32, consumer_lag: i64) -> Partition {
        Partition {
            partition,
            consumer_lag,
            ..Partition::default()
        }
    }

    #[test]
    fn lag_sums_the_known_lags_of_real_partitions() {
        let partitions = [
            partition(0, 3),
            partition(1, -1),
            partition(2, 4),
            partition(-1, 99),
        ];
        assert_eq!(summed_lag(partitions.iter()), 7);
    }

    #[test]
    fn no_known_lag_is_zero() {
        assert_eq!(summed_lag([partition(0, -1)].iter()), 0);
    }
}
