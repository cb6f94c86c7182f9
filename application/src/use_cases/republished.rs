//! What one reconciler re-published and when, so that a reservation still waiting in the queue
//! (a consumer that stalls, a worker that restarts) is re-published once per `stale_after`, not
//! on every pass.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use flashsale_domain::{RequestId, Timestamp};

/// The last re-publish of each stale reservation this reconciler saw in flight.
#[derive(Debug, Default)]
pub struct Republished {
    last: HashMap<RequestId, Timestamp>,
}

impl Republished {
    /// Nothing re-published yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `request` may be re-published at `now`: never was, or its last re-publish is
    /// `stale_after` old.
    pub(crate) fn due(&self, request: &RequestId, now: Timestamp, stale_after: Duration) -> bool {
        self.last
            .get(request)
            .is_none_or(|last| now.since(*last) >= stale_after)
    }

    /// Notes that `request` was re-published at `now`.
    pub(crate) fn record(&mut self, request: &RequestId, now: Timestamp) {
        self.last.insert(request.clone(), now);
    }

    /// Forgets every request not in `in_flight` (settled or released since): memory stays
    /// bounded by what is in flight.
    pub(crate) fn keep_only(&mut self, in_flight: &HashSet<RequestId>) {
        self.last.retain(|request, _| in_flight.contains(request));
    }

    /// How many requests are remembered.
    pub fn len(&self) -> usize {
        self.last.len()
    }

    /// Whether none is remembered.
    pub fn is_empty(&self) -> bool {
        self.last.is_empty()
    }
}
