//! This process's buys of each sale over the last seconds: how many were accepted, refused as
//! sold out, refused otherwise, rate limited or failed, and how long they took. What the live
//! figures of a sale show beside the shared state (the gate and the database); each API
//! process counts its own buys (the fleet's total is the sum over processes, or `/metrics`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use flashsale_domain::ProductId;
use hdrhistogram::Histogram;

/// Seconds of buys the figures look back on (the current, unfinished second excluded).
pub const WINDOW_SECS: u64 = 10;
/// Seconds kept per sale: the window and the second in progress.
const SLOTS: usize = WINDOW_SECS as usize + 1;
/// Most sales counted at once (each takes about 110 KB: its seconds' latency histograms): buys of further products (ids that name no sale, refused before
/// the gate looked) are not counted, so no request can grow the meter without bound.
const MAX_SALES: usize = 256;
/// Latencies are recorded in microseconds, up to a minute, to two significant digits.
const MAX_MICROS: u64 = 60_000_000;

/// How a buy ended, as the figures count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuyOutcome {
    /// `202`: a unit reserved and queued.
    Accepted,
    /// `409 sold-out`.
    SoldOut,
    /// Any other refusal by the sale's rules or the request's shape (`4xx` but `429`).
    Refused,
    /// `429`: a rate limit.
    RateLimited,
    /// `5xx`: unavailable, outcome unknown, overloaded or internal.
    Failed,
}

/// Buys of one sale in one second.
#[derive(Clone)]
struct Slot {
    second: u64,
    counts: [u64; 5],
    /// `None` only if the histogram's constant bounds were refused, which they are not.
    latency: Option<Histogram<u32>>,
}

impl Slot {
    fn new(second: u64) -> Self {
        Self {
            second,
            counts: [0; 5],
            latency: new_histogram(),
        }
    }
}

fn new_histogram() -> Option<Histogram<u32>> {
    Histogram::new_with_bounds(1, MAX_MICROS, 2).ok()
}

/// The buys of one sale over the last seconds.
struct SaleMeter {
    slots: Vec<Slot>,
}

impl SaleMeter {
    fn new() -> Self {
        Self {
            slots: (0..SLOTS).map(|_| Slot::new(0)).collect(),
        }
    }

    fn slot(&mut self, second: u64) -> &mut Slot {
        let index = (second % SLOTS as u64) as usize;
        let slot = &mut self.slots[index];
        if slot.second != second {
            *slot = Slot::new(second);
        }
        slot
    }
}

/// What one sale's buys looked like over the last [`WINDOW_SECS`] full seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BuyActivity {
    /// Buys per second, by outcome, averaged over the window.
    pub accepted_per_sec: f64,
    /// See [`BuyOutcome::SoldOut`].
    pub sold_out_per_sec: f64,
    /// See [`BuyOutcome::Refused`].
    pub refused_per_sec: f64,
    /// See [`BuyOutcome::RateLimited`].
    pub rate_limited_per_sec: f64,
    /// See [`BuyOutcome::Failed`].
    pub failed_per_sec: f64,
    /// Median time to answer a buy, in milliseconds; `None` without buys.
    pub p50_ms: Option<f64>,
    /// 99th percentile, in milliseconds; `None` without buys.
    pub p99_ms: Option<f64>,
}

/// Counts buys per sale. Cheap to clone: clones share the counts.
#[derive(Clone, Default)]
pub struct BuyMeter {
    sales: Arc<RwLock<HashMap<ProductId, Arc<Mutex<SaleMeter>>>>>,
}

fn now_second() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

impl BuyMeter {
    /// Records one buy of `product` that ended as `outcome` after `took`.
    pub fn record(&self, product: &ProductId, outcome: BuyOutcome, took: Duration) {
        self.record_at(product, outcome, took, now_second());
    }

    fn record_at(&self, product: &ProductId, outcome: BuyOutcome, took: Duration, second: u64) {
        let known = self
            .sales
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(product)
            .cloned();
        let meter = match known {
            Some(meter) => meter,
            None => {
                let mut sales = self.sales.write().unwrap_or_else(PoisonError::into_inner);
                if sales.len() >= MAX_SALES && !sales.contains_key(product) {
                    return;
                }
                sales
                    .entry(product.clone())
                    .or_insert_with(|| Arc::new(Mutex::new(SaleMeter::new())))
                    .clone()
            }
        };
        let mut meter = meter.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = meter.slot(second);
        slot.counts[outcome as usize] += 1;
        let micros = u64::try_from(took.as_micros()).unwrap_or(MAX_MICROS);
        if let Some(latency) = slot.latency.as_mut() {
            latency.saturating_record(micros.clamp(1, MAX_MICROS));
        }
    }

    /// The buys of `product` over the last [`WINDOW_SECS`] full seconds.
    pub fn activity(&self, product: &ProductId) -> BuyActivity {
        self.activity_at(product, now_second())
    }

    fn activity_at(&self, product: &ProductId, now: u64) -> BuyActivity {
        let mut counts = [0_u64; 5];
        let mut latency = new_histogram();
        let meter = self
            .sales
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(product)
            .cloned();
        if let Some(meter) = meter {
            let meter = meter.lock().unwrap_or_else(PoisonError::into_inner);
            let window = now.saturating_sub(WINDOW_SECS)..now;
            for slot in meter.slots.iter().filter(|s| window.contains(&s.second)) {
                for (total, count) in counts.iter_mut().zip(slot.counts) {
                    *total += count;
                }
                if let (Some(total), Some(seen)) = (latency.as_mut(), slot.latency.as_ref()) {
                    // Same bounds on both sides: adding cannot fail.
                    let _ = total.add(seen);
                }
            }
        }
        let per_sec = |count: u64| count as f64 / WINDOW_SECS as f64;
        let quantile = |q: f64| {
            latency
                .as_ref()
                .filter(|latency| !latency.is_empty())
                .map(|latency| latency.value_at_quantile(q) as f64 / 1000.0)
        };
        BuyActivity {
            accepted_per_sec: per_sec(counts[BuyOutcome::Accepted as usize]),
            sold_out_per_sec: per_sec(counts[BuyOutcome::SoldOut as usize]),
            refused_per_sec: per_sec(counts[BuyOutcome::Refused as usize]),
            rate_limited_per_sec: per_sec(counts[BuyOutcome::RateLimited as usize]),
            failed_per_sec: per_sec(counts[BuyOutcome::Failed as usize]),
            p50_ms: quantile(0.5),
            p99_ms: quantile(0.99),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(name: &str) -> ProductId {
        ProductId::parse(name).unwrap()
    }

    #[test]
    fn the_window_counts_full_seconds_of_one_sale_only() {
        let meter = BuyMeter::default();
        let p = product("p");
        let ms = Duration::from_millis;
        for _ in 0..30 {
            meter.record_at(&p, BuyOutcome::Accepted, ms(2), 100);
        }
        for _ in 0..10 {
            meter.record_at(&p, BuyOutcome::SoldOut, ms(40), 105);
        }
        meter.record_at(&p, BuyOutcome::RateLimited, ms(1), 109);
        meter.record_at(&p, BuyOutcome::Failed, ms(1), 110); // the second in progress
        meter.record_at(&product("q"), BuyOutcome::Accepted, ms(1), 105);

        let seen = meter.activity_at(&p, 110);
        assert_eq!(seen.accepted_per_sec, 3.0);
        assert_eq!(seen.sold_out_per_sec, 1.0);
        assert_eq!(seen.rate_limited_per_sec, 0.1);
        assert_eq!(
            seen.failed_per_sec, 0.0,
            "the second in progress is left out"
        );
        let p50 = seen.p50_ms.unwrap();
        assert!((1.9..=2.1).contains(&p50), "{p50}");
        let p99 = seen.p99_ms.unwrap();
        assert!((39.0..=41.0).contains(&p99), "{p99}");

        let later = meter.activity_at(&p, 111);
        assert_eq!(later.accepted_per_sec, 0.0, "second 100 left the window");
        assert_eq!(later.failed_per_sec, 0.1);
        let gone = meter.activity_at(&p, 200);
        assert_eq!((gone.p50_ms, gone.accepted_per_sec), (None, 0.0));
        assert_eq!(meter.activity_at(&product("none"), 110).p99_ms, None);
    }
}
