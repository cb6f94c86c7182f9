#!/usr/bin/env bash
# Everything CI runs, in order: the container test environment (Docker engine and locally built
# images, see docs/testing.md), formatting, lints, the Prometheus rules and Grafana dashboard
# (scripts/check-ops.sh), every test of the workspace, the operator console (its built files
# match its sources; browser tests, scripts/console-test.sh), API fuzzing, then the generated
# TypeScript and Python SDKs against the running service (docs/sdks.md).
# FLASHSALE_SKIP_CONTAINERS=1 skips the container environment and the container-backed tests
# (they then say so); FLASHSALE_SKIP_SDKS=1 skips the SDK step (it says so); nothing is skipped
# silently.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if [ "${FLASHSALE_SKIP_CONTAINERS:-}" = 1 ]; then
  step "container environment skipped by FLASHSALE_SKIP_CONTAINERS=1"
else
  step "container environment"
  bash scripts/test-env.sh
fi

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "alerting rules and dashboard (docs/ops)"
bash scripts/check-ops.sh

step "cargo test"
cargo test --workspace --locked --no-fail-fast

step "operator console: dist/ matches its sources, browser tests (Chromium)"
bash scripts/console.sh check
bash scripts/console-test.sh

step "API fuzzing (schemathesis)"
bash scripts/fuzz-api.sh

if [ "${FLASHSALE_SKIP_SDKS:-}" = 1 ]; then
  step "SDK tests skipped by FLASHSALE_SKIP_SDKS=1"
else
  step "SDK tests"
  bash scripts/sdk-test.sh
fi
