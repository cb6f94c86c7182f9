#!/usr/bin/env bash
# The scale-out benchmark (docs/benchmarks.md, "Scale-out"; docs/scaling.md): flashsale on the
# distributed engines a sale that outgrows one machine runs on, all on this machine:
#   Redis Cluster of 3 masters + 3 replicas, three KRaft Kafka brokers (topics with replication
#   factor 3, min.insync.replicas=2, producer acks=all), MariaDB;
#   two topologies of the release binary against that same stack, each with a fresh database,
#   key prefix and topics: 1 API + 1 worker, then 2 APIs + 2 workers (one consumer group), the
#   load generator spreading buyers over the APIs (buyer n to API n mod APIs);
#   for each: a warm-up, the stampede (10,000 buyers, 100 products x 50 units, open model) at
#   increasing rates until it no longer keeps up, and the accepted path (distinct buyers, large
#   stock) at increasing rates until p99 > 50 ms or an error.
# Every run's invariants (no oversell, one order per buyer, every acceptance stored, the gate
# equal to the database once drained) are checked by flashsale-load; a violation fails the
# script. The containers use the host's network and listen on 127.0.0.1 only.
#
# Usage: scripts/bench-scale-out.sh            (bench.sh runs it as its last part)
# Variables: BENCH_STEP_SECS (8), BENCH_OUT (target/bench/<UTC time>), BENCH_DOC
# (docs/benchmarks.md), BENCH_QUICK=1 (tiny runs, to try the script), BENCH_KEEP_STACK=1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

STEP_SECS=${BENCH_STEP_SECS:-8}
OUT=${BENCH_OUT:-$ROOT/target/bench/$(date -u +%Y%m%dT%H%M%SZ)}
DOC=${BENCH_DOC:-docs/benchmarks.md}
QUICK=${BENCH_QUICK:-0}
SECRET=bench-secret-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
REDIS_PASSWORD='bench-redis-pw'
DB_PASSWORD='bench-db-pw'
NAME=flashsale-bench-scale
BIN=$ROOT/target/release
REDIS_PORTS=(17001 17002 17003 17004 17005 17006) # masters first; bus ports are +10000
KAFKA_PORTS=(19192 19193 19194)                   # clients; inter-broker +100, controller +200
DB_PORT=13307
API_BASE_PORT=18180 # API n listens on API_BASE_PORT + n
STAMPEDE_RATES=(5000 10000 15000 20000 25000 30000)
ACCEPT_RATES=(1000 2000 3000 4000 5000 6000 8000)
TOPOLOGIES=("1 1" "2 2") # "<APIs> <workers>"
if [ "$QUICK" = 1 ]; then
    STEP_SECS=2 STAMPEDE_RATES=(2000) ACCEPT_RATES=(1000)
fi
PIDS=()

BENCH_LOG_TAG=bench-scale
# shellcheck source=scripts/bench-lib.sh
source scripts/bench-lib.sh

# ------------------------------------------------------------------ the cluster stack
containers() { docker ps -aq --filter "name=^$NAME-" ; }

stack_down() {
    local ids
    ids=$(containers)
    [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
}

redis_cli() { # redis_cli <port> <args...>
    local port=$1
    shift
    redis-cli -h 127.0.0.1 -p "$port" -a "$REDIS_PASSWORD" --no-auth-warning "$@"
}

redis_cluster_up() {
    local port
    for port in "${REDIS_PORTS[@]}"; do
        docker run -d --name "$NAME-redis-$port" --network=host flashsale-test/redis:latest \
            redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes \
            --requirepass "$REDIS_PASSWORD" --masterauth "$REDIS_PASSWORD" --save '' \
            --appendonly no --cluster-enabled yes --cluster-config-file "nodes-$port.conf" \
            --cluster-node-timeout 5000 >/dev/null
    done
    for port in "${REDIS_PORTS[@]}"; do wait_for "Redis :$port" 60 redis_cli "$port" ping; done
    local nodes=()
    for port in "${REDIS_PORTS[@]}"; do nodes+=("127.0.0.1:$port"); done
    redis_cli "${REDIS_PORTS[0]}" --cluster create "${nodes[@]}" --cluster-replicas 1 \
        --cluster-yes >"$OUT/scale-redis-cluster.txt" 2>&1 \
        || die "redis-cli --cluster create failed (see $OUT/scale-redis-cluster.txt)"
    for port in "${REDIS_PORTS[@]}"; do
        wait_for "Redis Cluster state ok at :$port" 60 \
            sh -c "redis-cli -h 127.0.0.1 -p $port -a '$REDIS_PASSWORD' --no-auth-warning cluster info | grep -q 'cluster_state:ok'"
    done
}

kafka_voters() {
    local voters=() i
    for i in 0 1 2; do voters+=("$((i + 1))@127.0.0.1:$((KAFKA_PORTS[i] + 200))"); done
    (IFS=,; echo "${voters[*]}")
}

kafka_cluster_up() {
    local voters cluster_id i
    voters=$(kafka_voters)
    cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    for i in 0 1 2; do
        local client=${KAFKA_PORTS[i]} internal=$((KAFKA_PORTS[i] + 100)) controller=$((KAFKA_PORTS[i] + 200))
        # The image's JVM flags favour start-up (C1 only); a broker under load wants C2.
        docker run -d --name "$NAME-kafka-$((i + 1))" --network=host \
            -e CLUSTER_ID="$cluster_id" -e KAFKA_NODE_ID=$((i + 1)) \
            -e KAFKA_PROCESS_ROLES=broker,controller \
            -e "KAFKA_LISTENERS=PLAINTEXT://127.0.0.1:$client,INTERNAL://127.0.0.1:$internal,CONTROLLER://127.0.0.1:$controller" \
            -e "KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://127.0.0.1:$client,INTERNAL://127.0.0.1:$internal" \
            -e KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT \
            -e KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER -e "KAFKA_CONTROLLER_QUORUM_VOTERS=$voters" \
            -e KAFKA_INTER_BROKER_LISTENER_NAME=INTERNAL -e KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=3 \
            -e KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS=1 -e KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR=3 \
            -e KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=2 -e KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS=1 \
            -e KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS=0 -e KAFKA_LOG_DIRS=/tmp/kraft-combined-logs \
            -e KAFKA_HEAP_OPTS=-Xmx768m -e KAFKA_OPTS=-XX:TieredStopAtLevel=4 \
            flashsale-test/kafka:latest >/dev/null
    done
    for i in 1 2 3; do
        wait_for "Kafka broker $i" 180 sh -c "docker logs $NAME-kafka-$i 2>&1 | grep -Eqi 'Kafka ?Server started|KafkaRaftServer.*started'"
    done
}

mariadb_sql() {
    docker exec "$NAME-mariadb" mariadb -uroot -p"$DB_PASSWORD" -h127.0.0.1 -P"$DB_PORT" -e "$1"
}

stack_up() {
    stack_down
    log "starting a Redis Cluster (3 masters + 3 replicas), 3 Kafka brokers and MariaDB (host network, 127.0.0.1)"
    docker run -d --name "$NAME-mariadb" --network=host -e MARIADB_ROOT_PASSWORD="$DB_PASSWORD" \
        flashsale-test/mariadb:latest --innodb-flush-log-at-trx-commit=1 \
        --innodb-buffer-pool-size=512M --bind-address=127.0.0.1 --port="$DB_PORT" >/dev/null
    kafka_cluster_up
    redis_cluster_up
    wait_for MariaDB 120 mariadb_sql 'SELECT 1'
    log "stack ready"
}

# ------------------------------------------------------------------ the service
cluster_nodes() {
    local nodes=() port
    for port in "${REDIS_PORTS[@]}"; do nodes+=("redis://:$REDIS_PASSWORD@127.0.0.1:$port"); done
    (IFS=,; echo "${nodes[*]}")
}

brokers() {
    local list=() port
    for port in "${KAFKA_PORTS[@]}"; do list+=("127.0.0.1:$port"); done
    (IFS=,; echo "${list[*]}")
}

service_env() { # service_env <database> <role> <bind>: the same limits as scripts/bench.sh
    export FLASHSALE_PROFILE=production FLASHSALE__ROLE=$2 FLASHSALE__HTTP__BIND=$3
    export FLASHSALE__AUTH__TOKEN_SECRET=$SECRET FLASHSALE__PAYMENTS__WEBHOOK_SECRET="whsec-$SECRET"
    export FLASHSALE__HTTP__CLIENT_IP_HEADER=x-forwarded-for
    export FLASHSALE__REDIS__CLUSTER_NODES FLASHSALE__REDIS__URL
    FLASHSALE__REDIS__CLUSTER_NODES=$(cluster_nodes)
    FLASHSALE__REDIS__URL="redis://:$REDIS_PASSWORD@127.0.0.1:${REDIS_PORTS[0]}/"
    export FLASHSALE__REDIS__KEY_PREFIX="$1:"
    export FLASHSALE__KAFKA__BOOTSTRAP_SERVERS
    FLASHSALE__KAFKA__BOOTSTRAP_SERVERS=$(brokers)
    export FLASHSALE__KAFKA__REPLICATION_FACTOR=3
    export FLASHSALE__KAFKA__TOPIC="$1.orders" FLASHSALE__KAFKA__DEAD_LETTER_TOPIC="$1.orders.dead-letter"
    export FLASHSALE__KAFKA__ORDER_EVENTS_TOPIC="$1.order-events" FLASHSALE__KAFKA__GROUP_ID="$1-workers"
    export FLASHSALE__MYSQL__URL="mysql://root:$DB_PASSWORD@127.0.0.1:$DB_PORT/$1"
    export FLASHSALE__RATE_LIMIT__PER_USER_PER_SECOND=5 FLASHSALE__RATE_LIMIT__PER_USER_BURST=10
    export FLASHSALE__RATE_LIMIT__PER_IP_PRODUCT_PER_SECOND=20 FLASHSALE__RATE_LIMIT__PER_IP_PRODUCT_BURST=40
    export FLASHSALE__RATE_LIMIT__PER_IP_PER_SECOND=100 FLASHSALE__RATE_LIMIT__PER_IP_BURST=200
    export FLASHSALE__LOG__FILTER=warn
}

start_process() { # start_process <database> <role> <bind> <log>
    ( service_env "$1" "$2" "$3" && exec "$BIN/flashsale" ) >"$4" 2>&1 &
    PIDS+=($!)
}

stop_all() { # SIGTERM to every process, then at most 30 s for the orderly stop
    local pid waited=0
    [ ${#PIDS[@]} -gt 0 ] || return 0
    kill -TERM "${PIDS[@]}" 2>/dev/null || true
    for pid in "${PIDS[@]}"; do
        while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 30 ]; do sleep 1; waited=$((waited + 1)); done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
}

cleanup() {
    stop_all
    [ "${BENCH_KEEP_STACK:-}" = 1 ] || stack_down
}

# start_topology <apis> <workers> <database>: the processes, each API answering /healthz; sets APIS
start_topology() {
    local apis=$1 workers=$2 db=$3 n
    mariadb_sql "CREATE DATABASE IF NOT EXISTS \`$db\`"
    APIS=()
    # The first API creates the topics and migrates the database before the others start.
    for n in $(seq 1 "$apis"); do
        local port=$((API_BASE_PORT + n))
        start_process "$db" api "127.0.0.1:$port" "$OUT/service-$db-api$n.log"
        wait_for "API $n of $db on :$port" 90 curl -sf "http://127.0.0.1:$port/healthz"
        APIS+=("http://127.0.0.1:$port")
    done
    for n in $(seq 1 "$workers"); do
        start_process "$db" worker 127.0.0.1:0 "$OUT/service-$db-worker$n.log"
    done
    # Workers log warnings only: the warm-up's drain check is what shows they consume.
    sleep 2
    for n in "${PIDS[@]}"; do kill -0 "$n" 2>/dev/null || die "a process of $db stopped (see $OUT/service-$db-*.log)"; done
}

# ------------------------------------------------------------------ load runs
load() { # load <name> <flashsale-load run args...>; result in $OUT/<name>.json
    local name=$1 rc=0 also=() api
    shift
    for api in "${APIS[@]:1}"; do also+=(--also-api "$api"); done
    log "run $name: ${#APIS[@]} API(s) $*"
    FLASHSALE__AUTH__TOKEN_SECRET=$SECRET FLASHSALE_LOAD_MYSQL_URL="$FLASHSALE__MYSQL__URL" \
        timeout 900 "$BIN/flashsale-load" run --base-url "${APIS[0]}" "${also[@]}" --run-id "$name" \
        --json "$OUT/$name.json" --html "$OUT/$name.html" "$@" | tee "$OUT/$name.txt" || rc=$?
    [ "$rc" -ne 1 ] || die "run $name: INVARIANTS VIOLATED (see $OUT/$name.txt)"
    [ "$rc" -eq 0 ] || die "run $name could not be carried out (exit $rc)"
}

requests_for() { # requests_for <rate> [cap]
    local n=$(($1 * STEP_SECS)) cap=${2:-0}
    [ "$cap" -eq 0 ] || [ "$n" -le "$cap" ] || n=$cap
    echo "$n"
}

topology() { # topology <apis> <workers>: warm-up, stampede ladder, accepted-path ladder
    local apis=$1 workers=$2 tag="scale-${1}x${2}" rate
    local db=bench_scale_${1}x${2}
    log "topology: $apis API(s) + $workers worker(s)"
    start_topology "$apis" "$workers" "$db"
    export FLASHSALE__MYSQL__URL="mysql://root:$DB_PASSWORD@127.0.0.1:$DB_PORT/$db"
    echo "apis=$apis workers=$workers" >"$OUT/$tag.meta"
    load "warmup-$tag" --users 20000 --products 10 --stock 1000 --model open --rate 2000 \
        --requests "$(requests_for 2000)" --connections 512
    for rate in "${STAMPEDE_RATES[@]}"; do
        load "$tag-stampede-$rate" --users 10000 --products 100 --stock 50 --model open \
            --rate "$rate" --requests "$(requests_for "$rate")" --connections 512
        keeps_up "$tag-stampede-$rate" "$rate" || { log "$tag: stampede at $rate/s is more than it keeps up with"; break; }
    done
    for rate in "${ACCEPT_RATES[@]}"; do
        load "$tag-accept-$rate" --users 100000 --products 1 --stock 10000000 --model open \
            --rate "$rate" --requests "$(requests_for "$rate" 100000)" --connections 1024
        holds "$tag-accept-$rate" 50 || { log "$tag: the accepted path at $rate/s does not hold p99 <= 50 ms"; break; }
    done
    stop_all
}

describe() {
    {
        echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
        echo "stack: Redis Cluster 3 masters + 3 replicas ($(docker exec "$NAME-redis-${REDIS_PORTS[0]}" redis-server --version | cut -d' ' -f3)), 3 KRaft Kafka brokers (JVM -Xmx768m, C2; topics 12 partitions, replication factor 3, min.insync.replicas=2, acks=all), MariaDB (innodb_flush_log_at_trx_commit=1); host network, 127.0.0.1"
        echo "service: release build, production profile, the rate limits of scripts/bench.sh; every process on this machine with the stack and the load generator"
    } >"$OUT/scale.txt"
}

main() {
    mkdir -p "$OUT"
    command -v jq >/dev/null && command -v redis-cli >/dev/null \
        || { apt-get update -qq >/dev/null && apt-get install -y -qq jq redis-tools >/dev/null; }
    for image in redis mariadb kafka; do
        docker image inspect "flashsale-test/$image:latest" >/dev/null 2>&1 || { bash scripts/test-env.sh; break; }
    done
    log "building release binaries (nothing to do when bench.sh just built them)"
    cargo build --release --locked -p flashsale -p flashsale-load
    trap cleanup EXIT
    stack_up
    describe
    local t
    for t in "${TOPOLOGIES[@]}"; do
        # shellcheck disable=SC2086 # "<APIs> <workers>"
        topology $t
    done
    python3 scripts/bench_scale_report.py "$OUT" "$DOC"
    log "done: results in $OUT, the scale-out section of $DOC updated"
}

main "$@"
