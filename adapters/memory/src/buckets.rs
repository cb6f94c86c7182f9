//! Token buckets of one policy, by key, that forget the buckets that refilled completely.

use std::collections::HashMap;
use std::hash::Hash;

use flashsale_domain::{RateDecision, RatePolicy, Timestamp, TokenBucket};

/// The map first forgets full buckets once it holds this many; then at twice what it kept.
const FIRST_SWEEP_AT: usize = 4_096;

/// One policy's buckets: memory bounded by the keys seen within one refill time.
pub struct Buckets<K> {
    policy: RatePolicy,
    buckets: HashMap<K, TokenBucket>,
    sweep_at: usize,
}

impl<K: Hash + Eq + Clone> Buckets<K> {
    /// No buckets yet, all drawn under `policy`.
    pub fn new(policy: RatePolicy) -> Self {
        Self {
            policy,
            buckets: HashMap::new(),
            sweep_at: FIRST_SWEEP_AT,
        }
    }

    /// Takes a token from `key`'s bucket at `now` (a new bucket starts full).
    pub fn take(&mut self, key: &K, now: Timestamp) -> RateDecision {
        if self.buckets.len() >= self.sweep_at {
            let policy = self.policy;
            self.buckets
                .retain(|_, bucket| !bucket.is_full_at(&policy, now));
            self.sweep_at = (self.buckets.len() * 2).max(FIRST_SWEEP_AT);
        }
        let policy = self.policy;
        match self.buckets.get_mut(key) {
            Some(bucket) => bucket.take(&policy, now),
            None => {
                let mut bucket = TokenBucket::full(&policy, now);
                let decision = bucket.take(&policy, now);
                self.buckets.insert(key.clone(), bucket);
                decision
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_buckets_are_forgotten_once_the_map_is_large() {
        let policy = RatePolicy::new(1_000.0, 1).expect("valid");
        let mut buckets = Buckets::new(policy);
        for key in 0..FIRST_SWEEP_AT {
            buckets.take(&key, Timestamp::from_millis(0));
        }
        assert_eq!(buckets.buckets.len(), FIRST_SWEEP_AT);
        buckets.take(&usize::MAX, Timestamp::from_millis(10_000));
        assert_eq!(buckets.buckets.len(), 1);
    }

    #[test]
    fn each_key_has_its_own_bucket() {
        let policy = RatePolicy::new(0.001, 1).expect("valid");
        let mut buckets = Buckets::new(policy);
        let now = Timestamp::from_millis(0);
        assert_eq!(buckets.take(&"a", now), RateDecision::Allowed);
        assert!(matches!(
            buckets.take(&"a", now),
            RateDecision::Limited { .. }
        ));
        assert_eq!(buckets.take(&"b", now), RateDecision::Allowed);
    }
}
