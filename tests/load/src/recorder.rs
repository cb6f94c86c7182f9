//! Latencies and outcomes: one HDR histogram for the run, counts per outcome, and per second
//! (by completion time) the same counts and a histogram, for the timeline.

use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use crate::outcome::Outcome;

/// Longest latency tracked exactly, in microseconds (longer ones are clamped to it).
const MAX_MICROS: u64 = 300_000_000;

/// One second of the run.
pub struct Second {
    /// Answers per outcome that completed in this second.
    pub counts: [u64; Outcome::ALL.len()],
    /// Their latencies, in microseconds.
    pub latency: Histogram<u64>,
}

/// Everything measured during the load.
pub struct Recorder {
    start: Instant,
    /// All latencies, in microseconds.
    pub overall: Histogram<u64>,
    /// An empty histogram each second's is made from.
    per_second: Histogram<u64>,
    /// Answers per outcome.
    pub counts: [u64; Outcome::ALL.len()],
    /// The timeline, one entry per second since the start.
    pub seconds: Vec<Second>,
}

impl Recorder {
    /// An empty recorder whose timeline starts at `start`.
    ///
    /// # Errors
    /// Never with these constant bounds; hdrhistogram's constructor is fallible.
    pub fn new(start: Instant) -> Result<Self, hdrhistogram::CreationError> {
        Ok(Self {
            start,
            overall: Histogram::new_with_bounds(1, MAX_MICROS, 3)?,
            per_second: Histogram::new_with_bounds(1, MAX_MICROS, 2)?,
            counts: [0; Outcome::ALL.len()],
            seconds: Vec::new(),
        })
    }

    /// Records one answer that took `latency` and completed at `done`.
    pub fn record(&mut self, outcome: Outcome, latency: Duration, done: Instant) {
        let micros = u64::try_from(latency.as_micros())
            .unwrap_or(MAX_MICROS)
            .clamp(1, MAX_MICROS);
        self.overall.saturating_record(micros);
        self.counts[outcome.index()] += 1;
        let second = done.saturating_duration_since(self.start).as_secs() as usize;
        while self.seconds.len() <= second {
            self.seconds.push(Second {
                counts: [0; Outcome::ALL.len()],
                latency: Histogram::new_from(&self.per_second),
            });
        }
        if let Some(slot) = self.seconds.get_mut(second) {
            slot.counts[outcome.index()] += 1;
            slot.latency.saturating_record(micros);
        }
    }

    /// Answers of any outcome.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Answers of one outcome.
    pub fn count(&self, outcome: Outcome) -> u64 {
        self.counts[outcome.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_land_in_their_second_and_in_the_totals() {
        let start = Instant::now();
        let mut recorder = Recorder::new(start).unwrap();
        recorder.record(Outcome::Accepted, Duration::from_millis(2), start);
        recorder.record(
            Outcome::SoldOut,
            Duration::from_millis(4),
            start + Duration::from_millis(2_500),
        );
        assert_eq!(recorder.total(), 2);
        assert_eq!(recorder.count(Outcome::SoldOut), 1);
        assert_eq!(recorder.seconds.len(), 3);
        assert_eq!(recorder.seconds[2].counts[Outcome::SoldOut.index()], 1);
        assert!(recorder.overall.max() >= 4_000);
    }
}
