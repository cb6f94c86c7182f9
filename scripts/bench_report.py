#!/usr/bin/env python3
"""Writes the results of one scripts/bench.sh run into docs/benchmarks.md.

Usage: bench_report.py <results dir> <markdown file>. Only the part between the markers
`<!-- bench:begin -->` and `<!-- bench:end -->` is replaced; the text around it is kept.
"""
import glob
import json
import os
import re
import sys

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def load(path):
    with open(path) as f:
        return json.load(f)


def runs(out, prefix):
    found = []
    for path in glob.glob(os.path.join(out, prefix + "-*.json")):
        rate = path.rsplit("-", 1)[1][:-5]
        if rate.isdigit():
            found.append((int(rate), load(path), path))
    return sorted(found, key=lambda r: r[0])


def note(path):
    env = path[:-5] + ".env"
    return open(env).read().strip() if os.path.exists(env) else ""


def sold_out_p99(r):
    """The worst per-second p99 once no buy is accepted any more (the refusal phase), skipping
    one second for the queue the sell-out burst left behind, and the last, partial second."""
    timeline = r["timeline"]
    last = max((p["second"] for p in timeline if p["counts"].get("accepted", 0) > 0), default=-1)
    after = [p for p in timeline if p["second"] > last + 1 and p["total"] > 0][:-1]
    return max((p["latency"]["p99_ms"] for p in after), default=None)


def fmt(value):
    return "-" if value is None else f"{value:.1f}"


def row(rate, r, path, limit):
    s, lat = r["summary"], r["summary"]["latency"]
    c = s["counts"]
    holds = s["errors"] == 0 and lat["p99_ms"] <= limit and r["invariants"]["passed"]
    return (
        f"| {rate:,} | {s['throughput_rps']:,.0f} | {s['accepted_per_sec']:,.0f} | "
        f"{lat['p50_ms']:.1f} | {lat['p90_ms']:.1f} | {lat['p99_ms']:.1f} | {fmt(sold_out_p99(r))} | {lat['p999_ms']:.1f} | "
        f"{lat['max_ms']:.1f} | {c['accepted']:,} | {c['sold_out']:,} | {c['rate_limited']:,} | "
        f"{s['errors']:,} | {'hold' if r['invariants']['passed'] else '**VIOLATED**'} | "
        f"{'yes' if holds else 'no'} | {note(path)} |"
    )


HEADER = (
    "| target req/s | achieved req/s | accepted/s | p50 ms | p90 ms | p99 ms | p99 once sold out ms "
    "| p99.9 ms | max ms | accepted | sold out | rate limited | errors | invariants | holds "
    "| machine during the run |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|"
)


def table(title, found, limit, what):
    lines = [f"### {title}", "", HEADER]
    best = None
    for rate, r, path in found:
        lines.append(row(rate, r, path, limit))
        s = r["summary"]
        if s["errors"] == 0 and s["latency"]["p99_ms"] <= limit and r["invariants"]["passed"]:
            if best is None or rate > best[0]:
                best = (rate, r)
    lines.append("")
    refusal = [(rate, r) for rate, r, _ in found if r["summary"]["errors"] == 0
               and r["summary"]["throughput_rps"] >= 0.9 * rate
               and (sold_out_p99(r) or 1e9) <= limit]
    if refusal and what == "stampede rate":
        rate, r = refusal[-1]
        lines.append(
            f"Once sold out (the refusal phase: worst per-second p99 from the second second "
            f"after the last accepted buy): the highest rate kept up with at p99 ≤ {limit} ms is **{rate:,}/s** "
            f"({r['summary']['throughput_rps']:,.0f} answers/s, p99 {sold_out_p99(r):.1f} ms).")
        lines.append("")
    if best:
        s = best[1]["summary"]
        lines.append(
            f"**Highest {what} that holds (p99 ≤ {limit} ms, no error, invariants hold): "
            f"{best[0]:,}/s offered, {s['throughput_rps']:,.0f} answers/s, "
            f"{s['accepted_per_sec']:,.0f} accepted/s, p99 {s['latency']['p99_ms']:.1f} ms.**"
        )
    else:
        lines.append(f"**No rate tried holds p99 ≤ {limit} ms without errors.**")
    lines.append("")
    return lines, best


def text(path):
    return open(path).read().strip() if os.path.exists(path) else "(not measured)"


def main(out, doc):
    parts = [BEGIN, "", f"Results of `scripts/bench.sh`, run `{os.path.basename(out.rstrip('/'))}`."]
    parts += ["", "### Machine, versions, configuration", "", "```", text(os.path.join(out, "machine.txt")), "```", ""]
    parts += ["```", text(os.path.join(out, "config.txt")), "```", ""]

    wrk = text(os.path.join(out, "wrk-hello.txt"))
    hello = re.search(r"Requests/sec:\s+([\d.]+)", wrk)
    hello_rps = float(hello.group(1)) if hello else None
    sold = text(os.path.join(out, "redis-soldout.txt"))
    acc = text(os.path.join(out, "redis-accept.txt"))
    parts += ["### Ceilings of this machine", ""]
    parts += [f"- poem hello-world (`flashsale-load hello`) under `wrk -t2 -c64 -d10s`: "
              f"**{hello_rps:,.0f} req/s**" if hello_rps else "- poem hello-world: (not measured)"]
    parts += [f"- `redis-benchmark -c 50` of `EVALSHA reserve.lua`, sold-out path: `{sold}`",
              f"- same, accepted path (reserves, writes buyer and in-flight records): `{acc}`", ""]
    parts += ["<details><summary>wrk output</summary>", "", "```", wrk, "```", "</details>", ""]

    original = os.path.join(out, "original.json")
    if os.path.exists(original):
        r = load(original)
        s, lat, c = r["summary"], r["summary"]["latency"], r["summary"]["counts"]
        parts += ["### 1. The original scenario: 500 concurrent buyers, one product of 100 units", ""]
        parts += [
            f"{s['requests']} requests in {s['elapsed_secs']:.2f} s: **{c['accepted']} accepted, "
            f"{c['sold_out']} sold out, {s['errors']} errors**; latency p50 {lat['p50_ms']:.1f} ms, "
            f"p99 {lat['p99_ms']:.1f} ms, max {lat['max_ms']:.1f} ms (500 keep-alive connections opened "
            f"before the clock started). Invariants: **{'hold' if r['invariants']['passed'] else 'VIOLATED'}** "
            f"({r['invariants']['results']['succeeded']} of {r['invariants']['results']['checked']} "
            f"accepted purchases succeeded; checked against MariaDB).", ""]

    lines, best2 = table("2. Stampede: 10,000 buyers, 100 products x 50 units, open model",
                         runs(out, "stampede"), 20, "stampede rate")
    parts += lines
    lines, best3 = table("3. Accepted path: 100,000 distinct buyers of one large stock, open model",
                         runs(out, "accept"), 50, "accepted rate")
    parts += lines
    drain = os.path.join(out, "drain.json")
    if os.path.exists(drain):
        r = load(drain)
        d = r["invariants"]["drain"]
        parts += ["### 3b. Drain into MariaDB", "",
                  f"An API-only process accepted {d['expected']:,} orders at "
                  f"{r['summary']['target_rate'] or 0:,.0f}/s offered "
                  f"({r['summary']['accepted_per_sec']:,.0f} accepted/s, p99 "
                  f"{r['summary']['latency']['p99_ms']:.1f} ms) with no worker running; a worker "
                  f"process was started after the load. **Every order was in MariaDB "
                  f"{d['seconds_after_load']:.1f} s after the load ended: {d['orders_per_second']:,.0f} "
                  f"orders/s** while the backlog drained (from the first order written to the last). "
                  f"Drained: {d['drained']}; invariants: "
                  f"{'hold' if r['invariants']['passed'] else '**VIOLATED**'}.", ""]
    lines, best4 = table("4. Embedded profile under scenario 2", runs(out, "embedded"), 20,
                         "stampede rate")
    parts += lines
    if hello_rps:
        parts += ["### Read against the ceiling", ""]
        for label, best in (("stampede, production", best2), ("accepted path, production", best3),
                            ("stampede, embedded", best4)):
            if best:
                rps = best[1]["summary"]["throughput_rps"]
                parts.append(f"- {label}: {rps:,.0f} req/s = {100 * rps / hello_rps:.0f}% of the "
                             f"bare hello-world's {hello_rps:,.0f} req/s")
        parts.append("")
    parts.append(END)
    block = "\n".join(parts)

    current = open(doc).read() if os.path.exists(doc) else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        current = head + block + tail
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    with open(doc, "w") as f:
        f.write(current)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
