# Shell functions shared by scripts/bench.sh and scripts/bench-scale-out.sh (sourced, not run).
# The sourcing script sets BENCH_LOG_TAG (its log prefix) and OUT (its results folder).

log() { printf '[%s %s] %s\n' "$BENCH_LOG_TAG" "$(date -u +%H:%M:%S)" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }

wait_for() { # wait_for <what> <seconds> <command...>
    local what=$1 limit=$2 waited=0
    shift 2
    until "$@" >/dev/null 2>&1; do
        [ "$waited" -lt "$limit" ] || die "$what not ready within ${limit}s"
        sleep 1
        waited=$((waited + 1))
    done
}

holds() { # holds <name> <p99 limit ms>: no error and p99 within the limit
    jq -e --argjson limit "$2" \
        '.summary.errors == 0 and .summary.latency.p99_ms <= $limit and .invariants.passed' \
        "$OUT/$1.json" >/dev/null
}

keeps_up() { # keeps_up <name> <rate>: no error, and at least 90% of the offered rate answered
    jq -e --argjson rate "$2" '.summary.errors == 0 and .summary.throughput_rps >= 0.9 * $rate' \
        "$OUT/$1.json" >/dev/null
}
