//! A page a person can look at: throughput and latency over time as inline SVG, no script,
//! no external resource.

use std::fmt::Write as _;

use crate::report::Report;

const W: f64 = 900.0;
const H: f64 = 260.0;
const PAD: f64 = 50.0;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One line chart of several series over the run's seconds.
fn svg(title: &str, unit: &str, series: &[(&str, &str, Vec<f64>)]) -> String {
    let points = series.iter().map(|s| s.2.len()).max().unwrap_or(0).max(2);
    let top = series
        .iter()
        .flat_map(|s| s.2.iter().copied())
        .fold(0.0_f64, f64::max)
        .max(1e-9)
        * 1.1;
    let x = |i: usize| PAD + (W - 2.0 * PAD) * i as f64 / (points - 1) as f64;
    let y = |v: f64| H - PAD + (2.0 * PAD - H) * v / top;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12"><text x="{PAD}" y="20" font-size="14" font-weight="bold">{}</text>"#,
        escape(title)
    );
    let _ = write!(
        out,
        r##"<line x1="{PAD}" y1="{}" x2="{}" y2="{}" stroke="#999"/><line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{}" stroke="#999"/>"##,
        H - PAD,
        W - PAD,
        H - PAD,
        H - PAD
    );
    for tick in 0..=4 {
        let v = top / 1.1 * f64::from(tick) / 4.0;
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" text-anchor="end">{v:.0}</text><line x1="{PAD}" y1="{}" x2="{}" y2="{}" stroke="#eee"/>"##,
            PAD - 4.0,
            y(v) + 4.0,
            y(v),
            W - PAD,
            y(v)
        );
    }
    let _ = write!(
        out,
        r#"<text x="{}" y="{}" text-anchor="end">seconds ({} s) — {}</text>"#,
        W - PAD,
        H - PAD + 30.0,
        points - 1,
        escape(unit)
    );
    for (k, (name, color, values)) in series.iter().enumerate() {
        let path: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
            .collect();
        let _ = write!(
            out,
            r#"<polyline fill="none" stroke="{color}" stroke-width="2" points="{}"/><text x="{}" y="{}" fill="{color}">{}</text>"#,
            path.join(" "),
            PAD + 10.0 + 150.0 * k as f64,
            PAD - 12.0,
            escape(name)
        );
    }
    out.push_str("</svg>");
    out
}

/// The whole page.
pub fn chart_html(report: &Report) -> String {
    let t = &report.timeline;
    let series = |f: &dyn Fn(&crate::report::TimelinePoint) -> f64| t.iter().map(f).collect();
    let count = |name: &'static str| {
        move |p: &crate::report::TimelinePoint| p.counts.get(name).copied().unwrap_or(0) as f64
    };
    let errors = |p: &crate::report::TimelinePoint| {
        [
            "other_4xx",
            "outcome_unknown",
            "5xx",
            "timeout",
            "transport_error",
        ]
        .iter()
        .map(|k| p.counts.get(k).copied().unwrap_or(0))
        .sum::<u64>() as f64
    };
    let throughput = svg(
        "Throughput",
        "answers per second",
        &[
            ("all answers", "#1f77b4", series(&|p| p.total as f64)),
            ("accepted", "#2ca02c", series(&count("accepted"))),
            ("sold out", "#ff7f0e", series(&count("sold_out"))),
            ("rate limited", "#9467bd", series(&count("rate_limited"))),
            ("errors", "#d62728", series(&errors)),
        ],
    );
    let latency = svg(
        "Latency",
        "milliseconds",
        &[
            ("p50", "#2ca02c", series(&|p| p.latency.p50_ms)),
            ("p99", "#ff7f0e", series(&|p| p.latency.p99_ms)),
            ("max", "#d62728", series(&|p| p.latency.max_ms)),
        ],
    );
    let verdict = if report.passed() {
        "invariants hold"
    } else {
        "INVARIANTS VIOLATED"
    };
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>flashsale-load {id}</title></head>\
         <body style=\"font-family:sans-serif\"><h1>flashsale-load {id}: {verdict}</h1>\
         <pre>{summary}</pre>{throughput}<br>{latency}</body></html>\n",
        id = escape(&report.summary.run_id),
        summary = escape(&report.human()),
    )
}
