#!/usr/bin/env bash
# Checks the files handed to Prometheus and Grafana users (docs/ops): the alerting rules load and
# their unit tests pass (promtool, Debian package `prometheus`, installed when missing), the
# dashboard is valid JSON whose every query parses as PromQL, and every metric either file names
# is one the service exports (adapters/metrics/src/names.rs) or Prometheus' own `up`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v promtool >/dev/null; then
  echo "installing promtool (Debian package prometheus)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

promtool check rules docs/ops/alerts.yml
(cd docs/ops && promtool test rules alerts.test.yml)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/dashboard-queries.yml" <<'PY'
import json, re, sys
names_rs = open("adapters/metrics/src/names.rs").read()
known = set(re.findall(r'"(flashsale_[a-z_]+)"', names_rs)) | {"up"}
def metrics_of(expr):
    words = set(re.findall(r'\b(flashsale_[a-z_]+|up)\b', expr))
    return {re.sub(r'_(bucket|count|sum)$', '', w) if w not in known else w for w in words}
problems = []
dashboard = json.load(open("docs/ops/grafana-dashboard.json"))
queries = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
if not queries:
    problems.append("the dashboard has no queries")
alerts = open("docs/ops/alerts.yml").read()
for expr in queries + [alerts]:
    for metric in metrics_of(expr) - known:
        problems.append(f"unknown metric {metric}")
# Each dashboard query, with Grafana's variables filled in, as a recording rule promtool parses.
with open(sys.argv[1], "w") as rules:
    rules.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, expr in enumerate(queries):
        expr = expr.replace("$__rate_interval", "1m").replace("$product", ".*")
        rules.write(f"      - record: dashboard:query_{i}\n        expr: {json.dumps(expr)}\n")
if problems:
    sys.exit("\n".join(sorted(set(problems))))
print(f"dashboard: {len(queries)} queries, every metric known")
PY
promtool check rules "$work/dashboard-queries.yml"
