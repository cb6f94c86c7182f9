//! A run's results: the human summary and the JSON document.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::config::{Model, RunConfig};
use crate::driver::Driven;
use crate::outcome::Outcome;
use crate::verify::Invariants;

/// Latency percentiles, in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Latency {
    /// Median.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// 99.9th percentile.
    pub p999_ms: f64,
    /// Slowest.
    pub max_ms: f64,
    /// Mean.
    pub mean_ms: f64,
}

impl Latency {
    fn of(h: &Histogram<u64>) -> Self {
        let ms = |micros: u64| micros as f64 / 1_000.0;
        if h.is_empty() {
            return Self::default();
        }
        Self {
            p50_ms: ms(h.value_at_quantile(0.50)),
            p90_ms: ms(h.value_at_quantile(0.90)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            p999_ms: ms(h.value_at_quantile(0.999)),
            max_ms: ms(h.max()),
            mean_ms: h.mean() / 1_000.0,
        }
    }
}

/// One second of the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelinePoint {
    /// Seconds since the start.
    pub second: usize,
    /// Answers completed in this second.
    pub total: u64,
    /// Of which per outcome.
    pub counts: BTreeMap<&'static str, u64>,
    /// Their latency.
    pub latency: Latency,
}

/// The load's numbers.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// The run's id prefix.
    pub run_id: String,
    /// The load model.
    pub model: String,
    /// Requests per second asked for (open model).
    pub target_rate: Option<f64>,
    /// Virtual buyers.
    pub users: u32,
    /// Products.
    pub products: u32,
    /// Stock per product.
    pub stock: u32,
    /// Most requests in flight.
    pub connections: usize,
    /// API processes the buyers were spread over.
    pub apis: usize,
    /// Answers (or timeouts) counted.
    pub requests: u64,
    /// From the first request to the last answer.
    pub elapsed_secs: f64,
    /// Answers per second.
    pub throughput_rps: f64,
    /// Accepted buys per second.
    pub accepted_per_sec: f64,
    /// Answers per outcome.
    pub counts: BTreeMap<&'static str, u64>,
    /// Other 4xx, 5xx, timeouts and transport errors.
    pub errors: u64,
    /// All answers' latency.
    pub latency: Latency,
}

/// Everything a run produced.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The load's numbers.
    pub summary: RunSummary,
    /// Per second.
    pub timeline: Vec<TimelinePoint>,
    /// The verdict.
    pub invariants: Invariants,
}

fn counts_of(counts: &[u64; Outcome::ALL.len()]) -> BTreeMap<&'static str, u64> {
    Outcome::ALL
        .iter()
        .map(|o| (o.name(), counts[o.index()]))
        .collect()
}

fn describe(model: &Model) -> (String, Option<f64>) {
    match model {
        Model::Closed {
            requests_per_user,
            duration,
        } => match duration {
            Some(d) => (format!("closed, for {:.0} s", d.as_secs_f64()), None),
            None => (
                format!("closed, {requests_per_user} request(s) per user"),
                None,
            ),
        },
        Model::Open {
            rate,
            start_rate,
            ramp,
            requests,
        } if !ramp.is_zero() => (
            format!(
                "open, ramp {start_rate:.0}/s -> {rate:.0}/s over {:.0} s, {requests} requests",
                ramp.as_secs_f64()
            ),
            Some(*rate),
        ),
        Model::Open { rate, requests, .. } => (
            format!("open, {rate:.0}/s, {requests} requests"),
            Some(*rate),
        ),
        Model::Burst { requests } => (format!("burst of {requests} at once"), None),
    }
}

/// Puts the pieces together.
pub fn build(config: &RunConfig, driven: &Driven, invariants: Invariants) -> Report {
    let recorder = &driven.recorder;
    let secs = driven.elapsed.as_secs_f64().max(1e-9);
    let (model, target_rate) = describe(&config.model);
    let errors = Outcome::ALL
        .iter()
        .filter(|o| o.is_error())
        .map(|o| recorder.count(*o))
        .sum();
    let summary = RunSummary {
        run_id: config.run_id.clone(),
        model,
        target_rate,
        users: config.users,
        products: config.products,
        stock: config.stock,
        connections: config.connections,
        apis: config.apis().len(),
        requests: recorder.total(),
        elapsed_secs: secs,
        throughput_rps: recorder.total() as f64 / secs,
        accepted_per_sec: recorder.count(Outcome::Accepted) as f64 / secs,
        counts: counts_of(&recorder.counts),
        errors,
        latency: Latency::of(&recorder.overall),
    };
    let timeline = recorder
        .seconds
        .iter()
        .enumerate()
        .map(|(second, s)| TimelinePoint {
            second,
            total: s.counts.iter().sum(),
            counts: counts_of(&s.counts),
            latency: Latency::of(&s.latency),
        })
        .collect();
    Report {
        summary,
        timeline,
        invariants,
    }
}

impl Report {
    /// Whether the invariants held.
    pub fn passed(&self) -> bool {
        self.invariants.passed
    }

    /// The JSON document.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// The summary for people.
    pub fn human(&self) -> String {
        let s = &self.summary;
        let l = &s.latency;
        let i = &self.invariants;
        let mut out = String::new();
        let _ = writeln!(out, "run {} — {}", s.run_id, s.model);
        let _ = writeln!(
            out,
            "  {} users, {} product(s) x {} units, {} connections to {} API process(es)",
            s.users, s.products, s.stock, s.connections, s.apis
        );
        let _ = writeln!(
            out,
            "  {} requests in {:.2} s: {:.0} req/s, {:.0} accepted/s, {} errors",
            s.requests, s.elapsed_secs, s.throughput_rps, s.accepted_per_sec, s.errors
        );
        let _ = writeln!(
            out,
            "  latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}",
            l.p50_ms, l.p90_ms, l.p99_ms, l.p999_ms, l.max_ms
        );
        let counts: Vec<String> = s
            .counts
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        let _ = writeln!(out, "  outcomes: {}", counts.join(", "));
        let d = &i.drain;
        let _ = writeln!(
            out,
            "  drain: {}/{} orders; {} at load end, done {:.2} s after; {:.0} orders/s",
            i.products.iter().map(|p| p.orders).sum::<u64>(),
            d.expected,
            d.orders_at_load_end,
            d.seconds_after_load,
            d.orders_per_second
        );
        let r = &i.results;
        let _ = writeln!(
            out,
            "  results: {} polled, {} succeeded, {} failed, {} pending, {} unreadable",
            r.checked, r.succeeded, r.failed, r.pending, r.errors
        );
        let u = &i.undecided;
        if u.checked > 0 {
            let _ = writeln!(
                out,
                "  told outcome-unknown: {} polled, {} succeeded (own an order), {} failed, {} pending, {} unreadable",
                u.checked, u.succeeded, u.failed, u.pending, u.errors
            );
        }
        if i.passed {
            let _ = writeln!(
                out,
                "  invariants HOLD on {} product(s) (source: {})",
                i.products.len(),
                i.products.first().map_or("-", |p| p.source)
            );
        } else {
            let _ = writeln!(out, "  invariants VIOLATED ({}):", i.violation_count);
            for v in &i.violations {
                let _ = writeln!(out, "    - {v}");
            }
        }
        out
    }
}
