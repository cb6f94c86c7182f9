#!/usr/bin/env python3
"""Writes the results of scripts/bench-scale-out.sh into docs/benchmarks.md.

Usage: bench_scale_report.py <results dir> <markdown file>. Only the part between the markers
<!-- bench-scale:begin --> and <!-- bench-scale:end --> is replaced; without them, a "Scale-out"
section with the markers is appended.
"""
import glob
import json
import os
import re
import sys

BEGIN, END = "<!-- bench-scale:begin -->", "<!-- bench-scale:end -->"
HEADER = (
    "| offered req/s | answered req/s | accepted/s | p50 ms | p99 ms | p99.9 ms | max ms "
    "| accepted | sold out | rate limited | errors | invariants |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


def runs(out, prefix):
    """[(rate, report)] of the runs `<prefix>-<rate>.json`, by rate."""
    found = []
    for path in glob.glob(os.path.join(out, f"{prefix}-*.json")):
        match = re.fullmatch(rf"{re.escape(prefix)}-(\d+)\.json", os.path.basename(path))
        if match:
            with open(path) as f:
                found.append((int(match.group(1)), json.load(f)))
    return sorted(found, key=lambda item: item[0])


def row(rate, report):
    s, lat, c = report["summary"], report["summary"]["latency"], report["summary"]["counts"]
    return (
        f"| {rate:,} | {s['throughput_rps']:,.0f} | {s['accepted_per_sec']:,.0f} | "
        f"{lat['p50_ms']:.1f} | {lat['p99_ms']:.1f} | {lat['p999_ms']:.1f} | {lat['max_ms']:.1f} | "
        f"{c['accepted']:,} | {c['sold_out']:,} | {c['rate_limited']:,} | {s['errors']:,} | "
        f"{'hold' if report['invariants']['passed'] else '**VIOLATED**'} |"
    )


def kept_up(rate, report):
    s = report["summary"]
    return s["errors"] == 0 and s["throughput_rps"] >= 0.9 * rate


def held(report, limit):
    s = report["summary"]
    return s["errors"] == 0 and s["latency"]["p99_ms"] <= limit and report["invariants"]["passed"]


def topologies(out):
    """[(apis, workers)] measured, in the order of their names."""
    found = []
    for path in sorted(glob.glob(os.path.join(out, "scale-*x*.meta"))):
        match = re.fullmatch(r"scale-(\d+)x(\d+)\.meta", os.path.basename(path))
        if match:
            found.append((int(match.group(1)), int(match.group(2))))
    return found


def section(out):
    lines = [BEGIN, "", f"Results of `scripts/bench-scale-out.sh`, run `{os.path.basename(out.rstrip('/'))}`.", ""]
    info = os.path.join(out, "scale.txt")
    if os.path.exists(info):
        lines += ["```", open(info).read().rstrip(), "```", ""]
    summary = ["| topology | highest stampede rate kept up with (answered/s, p99) "
               "| highest accepted-path rate with p99 ≤ 50 ms (accepted/s, p99) |",
               "|---|---|---|"]
    details = []
    for apis, workers in topologies(out):
        tag = f"scale-{apis}x{workers}"
        name = f"{apis} API{'s' if apis > 1 else ''} + {workers} worker{'s' if workers > 1 else ''}"
        stampede, accept = runs(out, f"{tag}-stampede"), runs(out, f"{tag}-accept")
        best_s = [(r, x) for r, x in stampede if kept_up(r, x)]
        best_a = [(r, x) for r, x in accept if held(x, 50)]
        cell_s = (f"{best_s[-1][0]:,}/s ({best_s[-1][1]['summary']['throughput_rps']:,.0f}/s, "
                  f"p99 {best_s[-1][1]['summary']['latency']['p99_ms']:.1f} ms)") if best_s else "none tried"
        cell_a = (f"{best_a[-1][0]:,}/s ({best_a[-1][1]['summary']['accepted_per_sec']:,.0f}/s, "
                  f"p99 {best_a[-1][1]['summary']['latency']['p99_ms']:.1f} ms)") if best_a else "none tried holds"
        summary.append(f"| {name} | {cell_s} | {cell_a} |")
        details += [f"#### {name}: stampede (10,000 buyers, 100 products x 50 units)", "", HEADER]
        details += [row(r, x) for r, x in stampede] + [""]
        details += [f"#### {name}: accepted path (distinct buyers, one large stock)", "", HEADER]
        details += [row(r, x) for r, x in accept] + [""]
    lines += summary + [""] + details + [END]
    return "\n".join(lines)


def main(out, doc):
    current = open(doc).read() if os.path.exists(doc) else "# Benchmarks\n"
    new = section(out)
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        current = head + new + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n## Scale-out\n\n" + new + "\n"
    with open(doc, "w") as f:
        f.write(current)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
