//! Instants as the rules see them: milliseconds since the Unix epoch, from a clock port.

use std::time::Duration;

/// A point in time, in whole milliseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The instant `millis` milliseconds after the Unix epoch.
    pub const fn from_millis(millis: i64) -> Self {
        Self(millis)
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// This instant moved forward by `duration`, saturating at the end of time.
    pub fn plus(self, duration: Duration) -> Self {
        let millis = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
        Self(self.0.saturating_add(millis))
    }

    /// How long after `earlier` this instant is; zero when it is not after it.
    pub fn since(self, earlier: Timestamp) -> Duration {
        let millis = self.0.saturating_sub(earlier.0).max(0);
        Duration::from_millis(u64::try_from(millis).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_and_since_are_inverse() {
        let start = Timestamp::from_millis(1_000);
        let later = start.plus(Duration::from_millis(250));
        assert_eq!(later.as_millis(), 1_250);
        assert_eq!(later.since(start), Duration::from_millis(250));
    }

    #[test]
    fn since_a_later_instant_is_zero() {
        let start = Timestamp::from_millis(1_000);
        assert_eq!(
            start.since(start.plus(Duration::from_secs(1))),
            Duration::ZERO
        );
    }

    #[test]
    fn plus_saturates() {
        let end = Timestamp::from_millis(i64::MAX - 1).plus(Duration::from_secs(5));
        assert_eq!(end.as_millis(), i64::MAX);
    }
}
