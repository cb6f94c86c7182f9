//! Whether a Kafka client can serve yet, as librdkafka's callbacks tell it: the idempotent
//! producer has its producer id (before that every message waits for it), the consumer has
//! joined its group and received an assignment.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A flag set from librdkafka's callbacks; clones share it. Starts unset.
#[derive(Debug, Clone, Default)]
pub struct Ready(Arc<AtomicBool>);

impl Ready {
    /// Not ready yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the client can serve.
    pub fn is_ready(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    pub(crate) fn set(&self, ready: bool) {
        self.0.store(ready, Ordering::Release);
    }
}

/// librdkafka's idempotence state once the producer id is assigned (statistics `eos.idemp_state`).
pub(crate) const PRODUCER_ID_ASSIGNED: &str = "Assigned";
