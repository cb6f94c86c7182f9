#!/usr/bin/env bash
# Benchmarks of flashsale on this machine (see docs/benchmarks.md, whose results section this
# script rewrites):
#   ceilings: a bare poem hello-world under wrk, and redis-benchmark of the reserve script
#             (both per-product buckets on); the stampede goal rate is 0.25 x the wrk req/s,
#             rounded up to the next 1,000;
#   1. the original scenario: 500 concurrent buyers, one product of 100 units (closed model);
#   2. stampede: 10,000 buyers, 100 products x 50 units, open model at increasing rates (the
#      goal rate among them, and run even when the ladder stopped below it) until p99 > 20 ms
#      or an error; the highest rate that holds, and whether the goal rate held;
#   3. accepted path: 100,000 distinct buyers of a large stock, open model at increasing rates
#      until p99 > 50 ms or an error; then the drain: 100,000 orders accepted by an API-only
#      process, a worker started afterwards, timed until every order is in MariaDB;
#   4. the embedded profile, its system of record in memory and in a SQLite file (the default):
#      scenario 2's ladder, the accepted path's ladder, and (file) the resident memory of the
#      process after 1,000,000 accepted orders;
#   5. Redis commands per buy: short runs against an API-only process, each with three `INFO
#      commandstats` snapshots (before; every request answered, no worker yet; a worker started,
#      drained and stopped) and paired with a 1-request run of the same shape (set-up and checks
#      cancel out):
#      accepted buys; refusals with the in-process sold-out memory off
#      (FLASHSALE__REDIS__SOLD_OUT_TTL_MS=0); refusals of a product known to be sold out (memory
#      on, default TTL). Gauge poller and reconciler off in these runs;
#   6. connection set-ups side by side: the goal-rate stampede and one accepted-path rate with
#      FLASHSALE__REDIS__CONNECTION=bb8 and =manager (a fresh service and database each; skipped,
#      with a log line, when the build does not know the setting);
#   7. Kafka linger side by side: the accepted path at one rate with FLASHSALE__KAFKA__LINGER_MS
#      = 0, 1 and 5 (a fresh service and database each);
#   8. scale-out: scripts/bench-scale-out.sh (a Redis Cluster, three Kafka brokers, 1 API +
#      1 worker and 2 APIs + 2 workers), once this script's stack is down.
# Production stack: the test images (scripts/test-env.sh) via `docker run`, ports published on
# 127.0.0.1 only; the service in release mode, production profile, configured by environment.
# Every run's invariants are checked by flashsale-load; any violation fails the script.
# All traffic goes to 127.0.0.1. Every loop is bounded in count and time (about 20-25 minutes
# in all with BENCH_STEP_SECS=8).
#
# Usage: scripts/bench.sh [all|ceilings|embedded|million|scale-out|stack-up|stack-down]   (default: all)
# (million: only the embedded profile's resident memory after a million orders)
# Variables: BENCH_STEP_SECS (8: seconds per measured run), BENCH_OUT (target/bench/<UTC time>),
# BENCH_KEEP_STACK=1, BENCH_NETWORK (host | published, see stack_up), BENCH_REDIS_POOL
# (2: Redis connections), BENCH_DOC (docs/benchmarks.md), BENCH_QUICK=1 (tiny runs, to try the
# script), BENCH_CMDS_REQUESTS (10000) and BENCH_CMDS_RATE (2000: the commands-per-buy runs),
# BENCH_SIDE_STAMPEDE_RATE (the goal rate) and BENCH_SIDE_ACCEPT_RATE (the highest accepted rate
# that held): the connection set-ups' fixed rates, BENCH_LINGER_RATE (BENCH_SIDE_ACCEPT_RATE),
# BENCH_REDIS_CONNECTION (bb8 | manager: the set-up of every other run, redis.connection),
# BENCH_MILLION_RATE (the million orders' rate; else the file's best accepted rate that held).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

STEP_SECS=${BENCH_STEP_SECS:-8}
NETWORK=${BENCH_NETWORK:-host}
REDIS_POOL=${BENCH_REDIS_POOL:-2}
REDIS_CONNECTION=${BENCH_REDIS_CONNECTION:-bb8}
OUT=${BENCH_OUT:-$ROOT/target/bench/$(date -u +%Y%m%dT%H%M%SZ)}
SECRET=bench-secret-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
REDIS_PASSWORD='bench-redis-pw'
DB_PASSWORD='bench-db-pw'
REDIS_PORT=16379 DB_PORT=13306 KAFKA_PORT=19092 API_PORT=18080 HELLO_PORT=18099
NAME=flashsale-bench
BIN=$ROOT/target/release
STAMPEDE_RATES=(2500 5000 10000 15000 20000 25000 30000 40000)
ACCEPT_RATES=(2000 3000 4000 5000 6000 8000 10000 12000)
EMBEDDED_RATES=(5000 10000 20000 30000 40000 50000 60000)
EMBEDDED_ACCEPT_RATES=(2000 5000 10000 15000 20000 30000)
MILLION=1000000
DRAIN_ORDERS=100000
CMDS_REQUESTS=${BENCH_CMDS_REQUESTS:-10000}
CMDS_RATE=${BENCH_CMDS_RATE:-2000}
LINGERS=(0 1 5)
WARM_SECS=3 # the warm-up of each freshly started service in parts 6 and 7
QUICK=${BENCH_QUICK:-0}
DOC=${BENCH_DOC:-docs/benchmarks.md}
if [ "$QUICK" = 1 ]; then # a few seconds per scenario, to try the script itself
    STEP_SECS=2 STAMPEDE_RATES=(2000 4000) ACCEPT_RATES=(1000) EMBEDDED_RATES=(2000) DRAIN_ORDERS=4000
    EMBEDDED_ACCEPT_RATES=(1000) MILLION=5000
    CMDS_REQUESTS=1000 CMDS_RATE=1000 WARM_SECS=1
fi
QUICK_CAP=5000 # with BENCH_QUICK=1, no run sends more requests than this
SERVICE_PID=""
WORKER_PID=""

BENCH_LOG_TAG=bench
# shellcheck source=scripts/bench-lib.sh
source scripts/bench-lib.sh

# ------------------------------------------------------------------ tools and stack
ensure_tools() {
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    command -v redis-benchmark >/dev/null || missing+=(redis-tools)
    command -v jq >/dev/null || missing+=(jq)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    for image in redis mariadb kafka; do
        docker image inspect "flashsale-test/$image:latest" >/dev/null 2>&1 \
            || { log "test images missing: running scripts/test-env.sh"; bash scripts/test-env.sh; break; }
    done
}

stack_down() {
    docker rm -f "$NAME-redis" "$NAME-mariadb" "$NAME-kafka" >/dev/null 2>&1 || true
}

kafka_env() { # kafka_env <listener host:port> <internal> <controller>: the KAFKA_* variables
    printf -- '-e\n%s\n' KAFKA_NODE_ID=1 KAFKA_PROCESS_ROLES=broker,controller \
        "KAFKA_LISTENERS=PLAINTEXT://$1,INTERNAL://$2,CONTROLLER://$3" \
        "KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://127.0.0.1:$KAFKA_PORT,INTERNAL://$2" \
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT \
        KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER "KAFKA_CONTROLLER_QUORUM_VOTERS=1@$3" \
        KAFKA_INTER_BROKER_LISTENER_NAME=INTERNAL KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1 \
        KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS=1 KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR=1 \
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=1 KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS=1 \
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS=0 KAFKA_LOG_DIRS=/tmp/kraft-combined-logs \
        KAFKA_HEAP_OPTS=-Xmx1g KAFKA_OPTS=-XX:TieredStopAtLevel=4
}

# Two ways to reach the containers, both on 127.0.0.1 only:
#   host (default): the containers share the host's network and their servers listen on
#     127.0.0.1 only. No proxy in the path.
#   published: bridge network, ports published on 127.0.0.1 (`-p 127.0.0.1:...`). Docker's
#     userland proxy then relays every loopback connection in user space: on this 2-core
#     machine it burns about as much CPU as the service itself (measured, docs/benchmarks.md).
stack_up() {
    stack_down
    log "starting Redis, MariaDB, Kafka ($NETWORK network; 127.0.0.1:$REDIS_PORT, :$DB_PORT, :$KAFKA_PORT)"
    local kafka_env_args
    mapfile -t kafka_env_args < <(
        if [ "$NETWORK" = host ]; then
            kafka_env "127.0.0.1:$KAFKA_PORT" "127.0.0.1:$((KAFKA_PORT + 1))" "127.0.0.1:$((KAFKA_PORT + 2))"
        else
            kafka_env 0.0.0.0:9092 localhost:19092 localhost:9093
        fi
    )
    local redis_args=(--bind 0.0.0.0 --port 6379) db_args=()
    if [ "$NETWORK" = host ]; then
        redis_args=(--bind 127.0.0.1 --port "$REDIS_PORT")
        db_args=(--bind-address=127.0.0.1 --port="$DB_PORT")
    fi
    run_net() { if [ "$NETWORK" = host ]; then echo --network=host; else echo "-p=127.0.0.1:$1:$2"; fi; }
    docker run -d --name "$NAME-redis" "$(run_net "$REDIS_PORT" 6379)" flashsale-test/redis:latest \
        redis-server "${redis_args[@]}" --protected-mode yes --requirepass "$REDIS_PASSWORD" \
        --save '' --appendonly no >/dev/null
    # Durable commits (flush at every commit), a buffer pool that holds the benchmark's data.
    docker run -d --name "$NAME-mariadb" "$(run_net "$DB_PORT" 3306)" \
        -e MARIADB_ROOT_PASSWORD="$DB_PASSWORD" flashsale-test/mariadb:latest \
        --innodb-flush-log-at-trx-commit=1 --innodb-buffer-pool-size=512M "${db_args[@]}" >/dev/null
    # The image's JVM flags favour start-up (C1 only); a broker under load wants the C2 compiler.
    docker run -d --name "$NAME-kafka" "$(run_net "$KAFKA_PORT" 9092)" "${kafka_env_args[@]}" \
        flashsale-test/kafka:latest >/dev/null
    wait_for Redis 60 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" -a "$REDIS_PASSWORD" --no-auth-warning ping
    wait_for MariaDB 120 mariadb_sql 'SELECT 1'
    wait_for Kafka 120 sh -c "docker logs $NAME-kafka 2>&1 | grep -Eqi 'Kafka ?Server started|KafkaRaftServer.*started'"
    log "stack ready"
}

mariadb_sql() {
    local port=3306
    [ "$NETWORK" != host ] || port=$DB_PORT
    docker exec "$NAME-mariadb" mariadb -uroot -p"$DB_PASSWORD" -h127.0.0.1 -P"$port" -e "$1"
}

# ------------------------------------------------------------------ the service
service_env() { # service_env <database> <role>
    export FLASHSALE_PROFILE=production
    export FLASHSALE__ROLE=$2
    export FLASHSALE__AUTH__TOKEN_SECRET=$SECRET
    export FLASHSALE__PAYMENTS__WEBHOOK_SECRET="whsec-$SECRET"
    export FLASHSALE__HTTP__BIND=127.0.0.1:$API_PORT
    export FLASHSALE__HTTP__CLIENT_IP_HEADER=x-forwarded-for
    export FLASHSALE__REDIS__URL="redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT/"
    export FLASHSALE__REDIS__KEY_PREFIX="$1:"
    export FLASHSALE__KAFKA__BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT
    export FLASHSALE__KAFKA__TOPIC="$1.orders"
    export FLASHSALE__KAFKA__DEAD_LETTER_TOPIC="$1.orders.dead-letter"
    export FLASHSALE__KAFKA__GROUP_ID="$1-workers"
    export FLASHSALE__MYSQL__URL="mysql://root:$DB_PASSWORD@127.0.0.1:$DB_PORT/$1"
    # The limits of a real sale: a person (or their retrying app) at most 5 buys of a product a
    # second with bursts of 10, and an address (a household, an office behind NAT) 20 buys of a
    # product a second, bursts of 40: both inside the reserve script. Across products, an address
    # at most 100 a second, bursts of 200: in the API process, before Redis.
    export FLASHSALE__RATE_LIMIT__PER_USER_PER_SECOND=5
    export FLASHSALE__RATE_LIMIT__PER_USER_BURST=10
    export FLASHSALE__RATE_LIMIT__PER_IP_PRODUCT_PER_SECOND=20
    export FLASHSALE__RATE_LIMIT__PER_IP_PRODUCT_BURST=40
    export FLASHSALE__RATE_LIMIT__PER_IP_PER_SECOND=100
    export FLASHSALE__RATE_LIMIT__PER_IP_BURST=200
    export FLASHSALE__REDIS__POOL_SIZE=$REDIS_POOL
    export FLASHSALE__REDIS__CONNECTION=$REDIS_CONNECTION
    export FLASHSALE__LOG__FILTER=warn
    export FLASHSALE_LOAD_MYSQL_URL=$FLASHSALE__MYSQL__URL
}

create_database() {
    mariadb_sql "CREATE DATABASE IF NOT EXISTS \`$1\`"
}

wait_api() {
    wait_for "the service on :$API_PORT" 60 curl -sf "http://127.0.0.1:$API_PORT/healthz"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

use_database() { # use_database <database>: the system of record flashsale-load checks against
    export FLASHSALE_LOAD_MYSQL_URL="mysql://root:$DB_PASSWORD@127.0.0.1:$DB_PORT/$1"
}

# try_start_service <database> <role> <log> [NAME=value...]: the service with service_env plus
# the given variables; returns 1 (and leaves nothing running) when its API is not up within 60 s.
try_start_service() {
    port_free "$API_PORT" || die "127.0.0.1:$API_PORT is taken by another process"
    create_database "$1"
    local extra=("${@:4}")
    (
        service_env "$1" "$2"
        [ ${#extra[@]} -eq 0 ] || export "${extra[@]}"
        exec "$BIN/flashsale"
    ) >"$3" 2>&1 &
    SERVICE_PID=$!
    [ "$2" != worker ] || return 0
    local waited=0
    until curl -sf "http://127.0.0.1:$API_PORT/healthz" >/dev/null 2>&1; do
        if ! kill -0 "$SERVICE_PID" 2>/dev/null || [ "$waited" -ge 60 ]; then
            stop_service
            return 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
}

start_service() { # start_service <database> <role> <log> [NAME=value...]
    try_start_service "$@" || die "the service did not start (see $3: $(tail -n 3 "$3" | tr '\n' ' '))"
}

stop_service() { stop_pid "$SERVICE_PID"; SERVICE_PID=""; }

start_worker() { # start_worker <database> <log> [NAME=value...]
    local extra=("${@:3}")
    (
        service_env "$1" worker
        export FLASHSALE__HTTP__BIND=127.0.0.1:0
        [ ${#extra[@]} -eq 0 ] || export "${extra[@]}"
        exec "$BIN/flashsale"
    ) >"$2" 2>&1 &
    WORKER_PID=$!
}

stop_pid() { # stop_pid <pid>: SIGTERM, then at most 30 s for the orderly stop
    local pid=$1 waited=0
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 30 ]; do sleep 1; waited=$((waited + 1)); done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    stop_pid "$WORKER_PID"
    stop_pid "$SERVICE_PID"
    [ "${BENCH_KEEP_STACK:-}" = 1 ] || stack_down
}

# ------------------------------------------------------------------ load runs
others() { # what else runs on the machine: the load average and other engineers' builds
    local builds
    builds=$(ps -eo comm= | grep -cE '^(rustc|cargo|clippy-driver|cc|ld|node|npm|python3?)$' || true)
    printf 'load %s; %s build/test processes of others' "$(cut -d' ' -f1 /proc/loadavg)" "$builds"
}

load() { # load <name> <flashsale-load run args...>; result in $OUT/<name>.json
    local name=$1
    shift
    log "run $name: $*"
    others >"$OUT/$name.env"
    local rc=0
    FLASHSALE__AUTH__TOKEN_SECRET=$SECRET timeout 900 "$BIN/flashsale-load" run \
        --base-url "http://127.0.0.1:$API_PORT" --run-id "$name" \
        --json "$OUT/$name.json" --html "$OUT/$name.html" "$@" | tee "$OUT/$name.txt" || rc=$?
    [ "$rc" -ne 1 ] || die "run $name: INVARIANTS VIOLATED (see $OUT/$name.txt)"
    [ "$rc" -eq 0 ] || die "run $name could not be carried out (exit $rc)"
}

requests_for() { # requests_for <rate> [cap]: rate x STEP_SECS requests, at most cap (and tiny when quick)
    local n=$(($1 * STEP_SECS)) cap=${2:-0}
    [ "$cap" -eq 0 ] || [ "$n" -le "$cap" ] || n=$cap
    [ "$QUICK" != 1 ] || [ "$n" -le "$QUICK_CAP" ] || n=$QUICK_CAP
    echo "$n"
}

stampede_run() { # stampede_run <name> <rate>: scenario 2 at one rate
    load "$1" --users 10000 --products 100 --stock 50 --model open \
        --rate "$2" --requests "$(requests_for "$2")" --connections 512
}

accept_run() { # accept_run <name> <rate>: scenario 3 at one rate
    load "$1" --users 100000 --products 1 --stock 10000000 --model open --rate "$2" \
        --requests "$(requests_for "$2" 100000)" --connections 1024
}

warm() { # warm <name>: a freshly started service's warm-up (connections, producer), not reported
    local rate=2000
    load "warmup-$1" --users 20000 --products 10 --stock 1000 --model open --rate "$rate" \
        --requests $((rate * WARM_SECS)) --connections 512
}

# Increasing rates. The 5,000 units sell in the first moments of each run (an accepted-path
# burst), then nearly every buy is refused; the overall p99 includes that burst. The ladder goes
# on while the service keeps up without errors, so the report can show both the overall p99
# and the p99 once sold out; it stops at the first rate it cannot keep up with.
stampede() { # stampede <prefix> <rates...>
    local prefix=$1
    shift
    for rate in "$@"; do
        stampede_run "$prefix-$rate" "$rate"
        holds "$prefix-$rate" 20 || log "$prefix: $rate/s does not hold p99 <= 20 ms"
        keeps_up "$prefix-$rate" "$rate" || { log "$prefix: $rate/s is more than it keeps up with"; break; }
    done
}

goal_rate() { # the stampede goal: 0.25 x the hello-world ceiling (wrk req/s), rounded up to 1,000
    local rps
    rps=$(sed -n 's/^Requests\/sec:[[:space:]]*\([0-9.]*\).*/\1/p' "$OUT/wrk-hello.txt")
    [ -n "$rps" ] || die "no Requests/sec in $OUT/wrk-hello.txt: the ceiling was not measured"
    awk -v rps="$rps" 'BEGIN { t = rps * 0.25; n = int(t / 1000); if (n * 1000 < t) n++; print n * 1000 }'
}

# The ladder with the goal rate in it; the goal rate is run even when the ladder stopped below
# it (a rate the service cannot keep up with fails, and the report says so).
stampede_with_goal() { # stampede_with_goal <goal rate>
    local goal=$1 rates
    mapfile -t rates < <(printf '%s\n' "${STAMPEDE_RATES[@]}" "$goal" | sort -n -u)
    stampede stampede "${rates[@]}"
    if [ ! -f "$OUT/stampede-$goal.json" ]; then
        log "stampede: the ladder stopped below the goal rate; running the goal rate $goal/s anyway"
        stampede_run "stampede-$goal" "$goal"
    fi
    if holds "stampede-$goal" 20; then
        log "stampede goal $goal/s (0.25 x ceiling): HOLDS (no error, p99 <= 20 ms)"
    else
        log "stampede goal $goal/s (0.25 x ceiling): DOES NOT HOLD ($(jq -r \
            '"errors \(.summary.errors), p99 \(.summary.latency.p99_ms) ms"' "$OUT/stampede-$goal.json"))"
    fi
}

# Increasing rates until one does not hold p99 <= 50 ms without errors. The machine is shared,
# so a rate that fails gets one more attempt (both are reported) before the ladder stops.
accepted_path() {
    for rate in "${ACCEPT_RATES[@]}"; do
        accept_run "accept-$rate" "$rate"
        holds "accept-$rate" 50 && continue
        log "accepted path: $rate/s does not hold; one more attempt"
        accept_run "accept-again-$rate" "$rate"
        printf ' (second attempt)' >>"$OUT/accept-again-$rate.env"
        holds "accept-again-$rate" 50 || { log "accepted path: $rate/s does not hold"; break; }
    done
}

best_accept_rate() { # the highest accepted-path rate that held (p99 <= 50 ms, no error)
    local best
    best=$(cd "$OUT" && for f in accept-*.json; do
        [ -f "$f" ] || continue
        jq -r 'select(.summary.errors == 0 and .summary.latency.p99_ms <= 50) | .summary.target_rate' "$f"
    done | sort -n | tail -n 1)
    [ -n "$best" ] || best=${ACCEPT_RATES[0]}
    echo "${best%.*}"
}

# ------------------------------------------------------------------ Redis commands per buy
redis_cli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" -a "$REDIS_PASSWORD" --no-auth-warning "$@"; }

commandstats() { # commandstats <name> <before|after>: INFO commandstats into $OUT/<name>.cmdstats-<when>
    redis_cli INFO commandstats | tr -d '\r' >"$OUT/$1.cmdstats-$2"
}

counted() { # counted <name> <run function> <rate>: the run, bracketed by INFO commandstats
    commandstats "$1" before
    "$2" "$1" "$3"
    sleep 1 # the worker's results and settle, written just after the orders reach MariaDB
    commandstats "$1" after
}

# cmds_run <name> <requests> <shape...>: one run against an API-only process. A third snapshot,
# "answered", is taken once every request is answered and before any worker runs; then a worker
# starts, the orders drain, and the worker stops. before → answered: the buy path's commands;
# answered → after: the worker's (and the run's drain wait and audit).
cmds_run() {
    local name=$1 requests=$2
    shift 2
    local marker="$OUT/$name.answered" waited=0
    rm -f "$marker"
    commandstats "$name" before
    load "$name" "$@" --requests "$requests" --answered-marker "$marker" --drain-timeout-secs 300 &
    local loader=$!
    until [ -f "$marker" ]; do
        kill -0 "$loader" 2>/dev/null || die "run $name ended before every request was answered"
        [ "$waited" -lt 3000 ] || die "run $name: not every request answered within 300 s"
        sleep 0.1
        waited=$((waited + 1))
    done
    commandstats "$name" answered
    rm -f "$marker"
    start_worker "$CMDS_DB" "$OUT/service-$name-worker.log" "${CMDS_QUIET[@]}"
    wait "$loader" || die "run $name failed"
    sleep 1 # the worker's results and settle, written just after the orders reach MariaDB
    commandstats "$name" after
    stop_pid "$WORKER_PID"
    WORKER_PID=""
}

# One buy shape, twice: the measured run and a 1-request run of the same shape (same set-up of
# one sale through the admin API, same drain wait, same audit, same snapshots). The report
# subtracts the second's commands from the first's and divides by the difference in answers.
# No result polling (--no-check-results): polls are GETs of their own, not the buy's.
cmds_pair() { # cmds_pair <name> <stock>
    local shape=(--users "$CMDS_REQUESTS" --products 1 --stock "$2" --model open --rate "$CMDS_RATE"
        --connections 256 --no-check-results)
    cmds_run "$1-base" 1 "${shape[@]}"
    cmds_run "$1" "$CMDS_REQUESTS" "${shape[@]}"
}

# Only the buys' traffic: no per-sale gauge poll, no reconciliation pass, and the sales listing's
# snapshot refreshed once a minute instead of twice a second (creating a sale refreshes it at
# once, in both runs of a pair) during the runs.
CMDS_DB=bench_cmds
CMDS_QUIET=(FLASHSALE__METRICS__GAUGE_INTERVAL_SECS=0 FLASHSALE__RECONCILER__ENABLED=false
    FLASHSALE__HTTP__CATALOG_REFRESH_MS=60000)

commands_per_buy() {
    local ttl
    ttl=$(sed -n 's/^sold_out_ttl_ms[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' config/default.toml)
    {
        echo "requests=$CMDS_REQUESTS"
        echo "rate=$CMDS_RATE"
        echo "default_sold_out_ttl_ms=${ttl:-unknown}"
        echo "quiet=${CMDS_QUIET[*]}"
    } >"$OUT/cmds.meta"
    grep -oh "redis.call('[A-Za-z]*'" adapters/redis/src/lua/*.lua | cut -d"'" -f2 \
        | tr '[:upper:]' '[:lower:]' | sort -u >"$OUT/lua-commands.txt"
    use_database "$CMDS_DB"
    log "Redis commands per buy (default sold-out TTL ${ttl:-?} ms; gauges, reconciler, listing refresh quiet)"
    start_service "$CMDS_DB" api "$OUT/service-cmds.log" "${CMDS_QUIET[@]}"
    cmds_pair cmds-accept 10000000 # (a) accepted: distinct buyers, large stock
    cmds_pair cmds-memo 1          # (c) one unit, then refusals of a product known to be sold out
    stop_service
    log "Redis commands per buy: refusals with the sold-out memory off (TTL 0)"
    start_service "$CMDS_DB" api "$OUT/service-cmds-ttl0.log" "${CMDS_QUIET[@]}" \
        FLASHSALE__REDIS__SOLD_OUT_TTL_MS=0
    cmds_pair cmds-refuse 1        # (b) one unit, then refusals that all ask Redis
    stop_service
}

# ------------------------------------------------------------------ side by side
# Whether this build reads FLASHSALE__REDIS__CONNECTION: unknown keys are ignored by the settings
# loader, so a build that knows the setting is recognised by refusing an invalid value (checked
# with `flashsale mint-token`, which loads the settings and starts nothing), or, for a setting
# checked only at start-up, by its entry in config/default.toml.
connection_setting_known() {
    local answer
    if answer=$( (service_env bench_probe all
        FLASHSALE__REDIS__CONNECTION=bench-probe-invalid exec "$BIN/flashsale" mint-token --sub probe) 2>&1); then
        sed -n '/^\[redis\]/,/^\[/p' config/default.toml | grep -Eq '^[[:space:]]*connection[[:space:]]*='
    else
        grep -qiE 'redis\.?connection' <<<"$answer"
    fi
}

connection_setups() { # connection_setups <stampede rate> <accepted-path rate>
    local srate=$1 arate=$2
    echo "stampede_rate=$srate accept_rate=$arate" >"$OUT/conn.meta"
    if ! connection_setting_known; then
        echo "this build does not read FLASHSALE__REDIS__CONNECTION (an invalid value is not refused and config/default.toml has no redis.connection)" >"$OUT/conn-skipped.txt"
        log "connection set-ups side by side SKIPPED: $(cat "$OUT/conn-skipped.txt")"
        return 0
    fi
    for setup in bb8 manager; do
        local db=bench_conn_$setup
        use_database "$db"
        log "connection set-up $setup: stampede at $srate/s, accepted path at $arate/s"
        if ! try_start_service "$db" all "$OUT/service-conn-$setup.log" "FLASHSALE__REDIS__CONNECTION=$setup"; then
            echo "$setup: the service did not start: $(tail -n 3 "$OUT/service-conn-$setup.log" | tr '\n' ' ')" >>"$OUT/conn-skipped.txt"
            log "connection set-up $setup SKIPPED: the service did not start (see $OUT/service-conn-$setup.log)"
            continue
        fi
        warm "conn-$setup"
        counted "conn-$setup-stampede" stampede_run "$srate"
        counted "conn-$setup-accept" accept_run "$arate"
        stop_service
    done
}

linger_side_by_side() { # linger_side_by_side <accepted-path rate>
    local rate=$1
    echo "rate=$rate" >"$OUT/linger.meta"
    for linger in "${LINGERS[@]}"; do
        local db=bench_linger_$linger
        use_database "$db"
        log "Kafka linger $linger ms: accepted path at $rate/s"
        start_service "$db" all "$OUT/service-linger-$linger.log" "FLASHSALE__KAFKA__LINGER_MS=$linger"
        warm "linger-$linger"
        accept_run "linger-$linger" "$rate"
        stop_service
    done
}

drain() { # 100,000 orders accepted by an API-only process; the worker starts afterwards
    local rate=$1 db=bench_drain
    start_service "$db" api "$OUT/service-drain-api.log"
    local seconds=$((DRAIN_ORDERS / rate + 3))
    ( sleep "$seconds"; log "starting the worker"; ) &
    local timer=$!
    (
        service_env "$db" api
        load drain --users 100000 --products 1 --stock 10000000 --model open \
            --rate "$rate" --requests "$DRAIN_ORDERS" --connections 1024 --drain-timeout-secs 600
    ) &
    local loader=$!
    wait "$timer"
    start_worker "$db" "$OUT/service-drain-worker.log"
    wait "$loader" || die "the drain run failed"
    stop_pid "$WORKER_PID"
    WORKER_PID=""
    stop_pid "$SERVICE_PID"
    SERVICE_PID=""
}

# ------------------------------------------------------------------ the embedded profile
start_embedded() { # start_embedded <storage> <log>: a fresh embedded service (a new file for sqlite)
    rm -f "$OUT/embedded-$1.db" "$OUT/embedded-$1.db-wal" "$OUT/embedded-$1.db-shm"
    (
        export FLASHSALE_PROFILE=embedded FLASHSALE__AUTH__TOKEN_SECRET=$SECRET \
            FLASHSALE__EMBEDDED__STORAGE=$1 FLASHSALE__EMBEDDED__PATH="$OUT/embedded-$1.db" \
            FLASHSALE__HTTP__BIND=127.0.0.1:$API_PORT FLASHSALE__HTTP__CLIENT_IP_HEADER=x-forwarded-for \
            FLASHSALE__RATE_LIMIT__PER_USER_PER_SECOND=5 FLASHSALE__RATE_LIMIT__PER_USER_BURST=10 \
            FLASHSALE__RATE_LIMIT__PER_IP_PER_SECOND=100 FLASHSALE__RATE_LIMIT__PER_IP_BURST=200 \
            FLASHSALE__RATE_LIMIT__PER_IP_PRODUCT_PER_SECOND=20 FLASHSALE__RATE_LIMIT__PER_IP_PRODUCT_BURST=40 \
            FLASHSALE__LOG__FILTER=warn
        exec "$BIN/flashsale"
    ) >"$2" 2>&1 &
    SERVICE_PID=$!
    wait_api
}

embedded_accepted_path() { # embedded_accepted_path <storage>: the ladder, until p99 > 50 ms
    for rate in "${EMBEDDED_ACCEPT_RATES[@]}"; do
        accept_run "embedded-accept-$1-$rate" "$rate"
        holds "embedded-accept-$1-$rate" 50 || { log "embedded $1: accepted path at $rate/s does not hold"; break; }
    done
}

resident_kb() { ps -o rss= -p "$1" | tr -d ' '; }

embedded_profile() { # both storages side by side, then the resident memory after a million orders
    for storage in memory sqlite; do
        log "embedded profile, system of record: $storage"
        start_embedded "$storage" "$OUT/service-embedded-$storage.log"
        stampede "embedded-$storage" "${EMBEDDED_RATES[@]}"
        embedded_accepted_path "$storage"
        stop_service
    done
    embedded_million
}

embedded_million() { # the resident memory after a million orders, at the file's best accepted rate
    local rate
    rate=$(cd "$OUT" && for f in embedded-accept-sqlite-*.json; do
        [ -f "$f" ] || continue
        jq -r 'select(.summary.errors == 0 and .summary.latency.p99_ms <= 50) | .summary.target_rate' "$f"
    done | sort -n | tail -n 1)
    rate=${rate%.*}
    [ -n "$rate" ] || rate=${EMBEDDED_ACCEPT_RATES[0]}
    rate=${BENCH_MILLION_RATE:-$rate}
    log "embedded profile (file): resident memory after $MILLION accepted orders at $rate/s"
    start_embedded sqlite "$OUT/service-embedded-million.log"
    echo "start_kb=$(resident_kb "$SERVICE_PID")" >"$OUT/embedded-million.rss"
    load embedded-million --users "$MILLION" --products 1 --stock $((MILLION * 10)) --model open \
        --rate "$rate" --requests "$MILLION" --connections 1024 --no-check-results --drain-timeout-secs 600
    {
        echo "after_kb=$(resident_kb "$SERVICE_PID")"
        echo "file_bytes=$(du -cb "$OUT"/embedded-sqlite.db* | tail -n 1 | cut -f1)"
        echo "rate=$rate"
    } >>"$OUT/embedded-million.rss"
    stop_service
}

# ------------------------------------------------------------------ ceilings
ceilings() {
    log "ceiling: poem hello-world under wrk (2 threads, 64 connections, 10 s)"
    "$BIN/flashsale-load" hello --bind "127.0.0.1:$HELLO_PORT" &
    local hello=$!
    wait_for "hello" 20 curl -sf "http://127.0.0.1:$HELLO_PORT/"
    timeout 60 wrk -t2 -c64 -d10s --latency "http://127.0.0.1:$HELLO_PORT/" | tee "$OUT/wrk-hello.txt"
    kill -INT "$hello"
    wait "$hello" || true

    # The reserve script as a buy calls it (6 keys, 8 arguments), both per-product buckets on
    # with a random client and buyer per call: every call takes a token from two fresh buckets.
    log "ceiling: redis-benchmark of the reserve script (sold-out path, then accepted path)"
    local sha
    sha=$(redis_cli SCRIPT LOAD "$(cat adapters/redis/src/lua/reserve.lua)")
    redis_cli HSET '{ceil}:sale' remaining 0 starts 0 ends 99999999999999 limit 1 >/dev/null
    redis_cli HSET '{ceil2}:sale' remaining 100000000 starts 0 ends 99999999999999 limit 1 >/dev/null
    # An error reply is counted as a call by redis-benchmark: check one call's reply first.
    local reply
    reply=$(redis_cli EVALSHA "$sha" 6 '{ceil}:sale' '{ceil}:buyers' '{ceil}:inflight' '{ceil}:c:check' \
        '{ceil}:u:check' '{ceil}:cancelled:check' 1000 u r 1 20 40 5 10 2>&1 | head -n 1)
    [ "$reply" = 0 ] || log "WARNING: reserve.lua answered '$reply' (not sold out) to the benchmark's call; changed signature?"
    local bench=(redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -a "$REDIS_PASSWORD" -c 50 -n 300000 -r 100000000 -q)
    local tag
    for tag in ceil ceil2; do
        local file=redis-soldout.txt
        [ "$tag" = ceil ] || file=redis-accept.txt
        timeout 120 "${bench[@]}" EVALSHA "$sha" 6 "{$tag}:sale" "{$tag}:buyers" "{$tag}:inflight" \
            "{$tag}:c:__rand_int__" "{$tag}:u:__rand_int__" "{$tag}:cancelled:r__rand_int__" \
            1000 u__rand_int__ r__rand_int__ 1 20 40 5 10 | tr '\r' '\n' | tail -n 1 | tee "$OUT/$file"
    done
    # The buckets expire by themselves (a few seconds).
    redis_cli DEL '{ceil}:sale' '{ceil}:buyers' '{ceil}:inflight' '{ceil2}:sale' '{ceil2}:buyers' '{ceil2}:inflight' >/dev/null
}

describe_machine() {
    {
        echo "date:        $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "cpu:         $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
        echo "memory:      $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
        echo "kernel:      $(uname -sr)"
        echo "rustc:       $(rustc -V)"
        echo "docker:      $(docker version --format '{{.Server.Version}}' 2>/dev/null)"
        echo "redis:       $(docker exec "$NAME-redis" redis-server --version | cut -d' ' -f3)"
        echo "mariadb:     $(docker exec "$NAME-mariadb" mariadbd --version | awk '{print $3}')"
        echo "kafka:       $(docker image inspect flashsale-test/kafka:latest --format '{{index .Config.Labels "flashsale.context-hash"}}' 2>/dev/null | sed 's/.*-//') (image flashsale-test/kafka, Debian OpenJDK 17)"
        echo "wrk:         $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
        echo "network:     $NETWORK (see scripts/bench.sh)"
        echo "at start:    $(others)"
        echo "top CPU users at start:"
        ps -eo pcpu=,comm= --sort=-pcpu | head -n 6 | sed 's/^/  /'
    } >"$OUT/machine.txt"
    {
        echo "service: release build, production profile, role all (drain: api + worker processes)"
        env | grep -E '^FLASHSALE' | grep -vE 'SECRET|PASSWORD|_URL' | sort
        echo "kafka: 1 broker (KRaft), JVM -Xmx1g with C2; topic partitions 12, acks=all, idempotent producer"
        echo "mariadb: innodb_flush_log_at_trx_commit=1, buffer pool 512M"
        echo "redis connection set-up: FLASHSALE__REDIS__CONNECTION ${FLASHSALE__REDIS__CONNECTION:-not set, the build default}; Kafka linger: FLASHSALE__KAFKA__LINGER_MS ${FLASHSALE__KAFKA__LINGER_MS:-not set, the build default}"
        echo "commands per buy: database bench_cmds, the settings above plus FLASHSALE__METRICS__GAUGE_INTERVAL_SECS=0 FLASHSALE__RECONCILER__ENABLED=false FLASHSALE__HTTP__CATALOG_REFRESH_MS=60000 (and FLASHSALE__REDIS__SOLD_OUT_TTL_MS=0 for the refusals that ask Redis)"
        echo "side by side: a fresh service and database per variant, warmed up ${WARM_SECS} s at 2,000/s, then the measured runs; only the variable compared differs"
        echo "load generator: flashsale-load on the same machine; open model latency from the due time"
    } >"$OUT/config.txt"
}

scale_out() { # part 8, on its own stack
    BENCH_OUT=$OUT BENCH_DOC=$DOC BENCH_STEP_SECS=$STEP_SECS BENCH_QUICK=$QUICK \
        bash scripts/bench-scale-out.sh || die "the scale-out benchmark failed"
}

# ------------------------------------------------------------------ main
main() {
    mkdir -p "$OUT"
    ensure_tools
    case "${1:-all}" in
        stack-up) stack_up; return ;;
        stack-down) stack_down; return ;;
        scale-out) scale_out; return ;;
        embedded | million)
            trap cleanup EXIT
            cargo build --release --locked -p flashsale -p flashsale-load
            unset FLASHSALE_LOAD_MYSQL_URL
            if [ "$1" = million ]; then embedded_million; else embedded_profile; fi
            return ;;
    esac
    trap cleanup EXIT
    log "building release binaries"
    cargo build --release --locked -p flashsale -p flashsale-load
    stack_up
    ceilings
    [ "${1:-all}" = ceilings ] && return

    local goal
    goal=$(goal_rate)
    echo "goal_rate=$goal" >"$OUT/stampede-goal.meta"
    log "stampede goal rate: $goal/s (0.25 x the hello-world ceiling, rounded up to 1,000)"

    use_database bench_main
    start_service bench_main all "$OUT/service-main.log"
    service_env bench_main all
    describe_machine
    # Warm-up, not reported: Kafka's JIT, MariaDB's buffer pool, the service's connections.
    load warmup --users 20000 --products 10 --stock 1000 --model open --rate 2000 \
        --requests "$(requests_for 2000)" --connections 512
    load original --users 500 --products 1 --stock 100 --model closed
    stampede_with_goal "$goal"
    accepted_path
    stop_service

    local best
    best=$(best_accept_rate)
    commands_per_buy
    connection_setups "${BENCH_SIDE_STAMPEDE_RATE:-$goal}" "${BENCH_SIDE_ACCEPT_RATE:-$best}"
    linger_side_by_side "${BENCH_LINGER_RATE:-${BENCH_SIDE_ACCEPT_RATE:-$best}}"

    use_database bench_drain
    drain "$best"

    unset FLASHSALE_LOAD_MYSQL_URL # the embedded runs check against the audit endpoint
    embedded_profile

    python3 scripts/bench_report.py "$OUT" "$DOC"
    stack_down
    scale_out
    log "done: results in $OUT, $DOC updated"
}

# Sourced (by an experiment that reuses these functions), it defines them and runs nothing.
[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
