//! When each request of the open model is due, as an offset from the start.

use std::time::Duration;

use crate::config::Model;

/// Due times: constant, ramping linearly, or all at once.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    start_rate: f64,
    rate: f64,
    ramp_secs: f64,
}

impl Schedule {
    /// The schedule of an open or burst model; `None` for the closed model.
    pub fn of(model: &Model) -> Option<Self> {
        match model {
            Model::Open {
                rate,
                start_rate,
                ramp,
                ..
            } => Some(Self {
                start_rate: *start_rate,
                rate: *rate,
                ramp_secs: ramp.as_secs_f64(),
            }),
            Model::Burst { .. } => Some(Self {
                start_rate: f64::INFINITY,
                rate: f64::INFINITY,
                ramp_secs: 0.0,
            }),
            Model::Closed { .. } => None,
        }
    }

    /// When request `i` is due. During the ramp the count due by `t` is
    /// `r0 t + (r1 - r0) t² / 2T`; this solves it for `t`.
    pub fn due(&self, i: u64) -> Duration {
        if self.rate.is_infinite() {
            return Duration::ZERO;
        }
        let n = i as f64;
        let (r0, r1, ramp) = (self.start_rate, self.rate, self.ramp_secs);
        let in_ramp = if ramp > 0.0 {
            (r0 + r1) / 2.0 * ramp
        } else {
            0.0
        };
        let secs = if n >= in_ramp {
            ramp + (n - in_ramp) / r1
        } else if (r1 - r0).abs() < f64::EPSILON {
            n / r0
        } else {
            let a = (r1 - r0) / (2.0 * ramp);
            (-r0 + (r0 * r0 + 4.0 * a * n).sqrt()) / (2.0 * a)
        };
        Duration::from_secs_f64(secs.max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(rate: f64, start_rate: f64, ramp_secs: u64) -> Schedule {
        Schedule::of(&Model::Open {
            rate,
            start_rate,
            ramp: Duration::from_secs(ramp_secs),
            requests: 0,
        })
        .unwrap()
    }

    #[test]
    fn a_constant_rate_spaces_requests_evenly() {
        let s = open(1_000.0, 1_000.0, 0);
        assert_eq!(s.due(0), Duration::ZERO);
        assert_eq!(s.due(500), Duration::from_millis(500));
    }

    #[test]
    fn a_ramp_sends_its_area_and_then_goes_on_at_the_final_rate() {
        let s = open(200.0, 100.0, 2);
        // 150/s on average over 2 s: 300 requests during the ramp.
        assert!((s.due(300).as_secs_f64() - 2.0).abs() < 1e-6);
        assert!((s.due(500).as_secs_f64() - 3.0).abs() < 1e-6);
        assert!((s.due(100).as_secs_f64() - 0.8284).abs() < 1e-3);
    }

    #[test]
    fn a_burst_is_due_at_once() {
        let s = Schedule::of(&Model::Burst { requests: 5 }).unwrap();
        assert_eq!(s.due(4), Duration::ZERO);
    }
}
