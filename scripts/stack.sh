#!/usr/bin/env bash
# The multi-process production stack on one machine, to try scaling out: Redis, MariaDB and a
# Kafka broker (the local test images, scripts/test-env.sh), two API processes and two workers
# of the service image (docker/flashsale, built here from the release binary), on one Docker
# network. The APIs answer on 127.0.0.1:8081 and 127.0.0.1:8082 (no proxy: spread buyers over
# both, e.g. with flashsale-load); the workers share the consumer group and its 12 partitions.
#
# Usage: scripts/stack.sh [up|down|status]   (default: up)
# Variables: FLASHSALE_STACK_BUILD (release | debug: which build goes in the image; release),
# FLASHSALE_STACK_SECRET (the token secret; random when unset, printed by `up`).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NET=flashsale-stack
PREFIX=flashsale-stack
BUILD=${FLASHSALE_STACK_BUILD:-release}
IMAGE=flashsale/service:latest
REDIS_PASSWORD=stack-redis-pw
DB_PASSWORD=stack-db-pw
log() { printf '[stack] %s\n' "$*"; }

down() {
    docker rm -f $(docker ps -aq --filter "name=^$PREFIX-") >/dev/null 2>&1 || true
    docker network rm "$NET" >/dev/null 2>&1 || true
}

wait_for() { # wait_for <what> <seconds> <command...>
    local what=$1 limit=$2
    shift 2
    for _ in $(seq 1 "$limit"); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 1
    done
    log "$what did not come up in ${limit}s"
    exit 1
}

build_service_image() {
    local profile_flag=() dir=debug
    [ "$BUILD" = release ] && profile_flag=(--release) && dir=release
    log "building the service ($BUILD)"
    cargo build --locked -q "${profile_flag[@]}" -p flashsale
    local ctx="$ROOT/docker/flashsale"
    rm -rf "$ctx/build"
    mkdir -p "$ctx/build"
    cp "target/$dir/flashsale" "$ctx/build/flashsale"
    cp -r config "$ctx/build/config"
    DOCKER_BUILDKIT=0 docker build -q -t "$IMAGE" "$ctx" >/dev/null
    log "built $IMAGE"
}

service() { # service <name> <role> [docker run options...]
    local name=$1 role=$2
    shift 2
    docker run -d --name "$PREFIX-$name" --network "$NET" "$@" \
        -e FLASHSALE_PROFILE=production -e FLASHSALE__ROLE="$role" \
        -e FLASHSALE__AUTH__TOKEN_SECRET="$SECRET" \
        -e FLASHSALE__PAYMENTS__WEBHOOK_SECRET="whsec-$SECRET" \
        -e FLASHSALE__REDIS__URL="redis://:$REDIS_PASSWORD@$PREFIX-redis:6379/" \
        -e FLASHSALE__KAFKA__BOOTSTRAP_SERVERS="$PREFIX-kafka:9092" \
        -e FLASHSALE__KAFKA__GROUP_INSTANCE_ID="$name" \
        -e FLASHSALE__MYSQL__URL="mysql://root:$DB_PASSWORD@$PREFIX-mariadb:3306/flashsale" \
        "$IMAGE" >/dev/null
}

up() {
    bash scripts/test-env.sh
    build_service_image
    down
    SECRET=${FLASHSALE_STACK_SECRET:-stack-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}
    docker network create "$NET" >/dev/null
    log "starting Redis, MariaDB, Kafka"
    docker run -d --name "$PREFIX-redis" --network "$NET" -e REDIS_PASSWORD="$REDIS_PASSWORD" \
        flashsale-test/redis:latest >/dev/null
    docker run -d --name "$PREFIX-mariadb" --network "$NET" \
        -e MARIADB_ROOT_PASSWORD="$DB_PASSWORD" flashsale-test/mariadb:latest >/dev/null
    docker run -d --name "$PREFIX-kafka" --network "$NET" \
        -e KAFKA_NODE_ID=1 -e KAFKA_PROCESS_ROLES=broker,controller \
        -e KAFKA_LISTENERS=PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093 \
        -e KAFKA_ADVERTISED_LISTENERS="PLAINTEXT://$PREFIX-kafka:9092" \
        -e KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT \
        -e KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER \
        -e KAFKA_CONTROLLER_QUORUM_VOTERS="1@$PREFIX-kafka:9093" \
        -e KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1 -e KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR=1 \
        -e KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=1 -e KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS=0 \
        -e KAFKA_LOG_DIRS=/tmp/kraft-combined-logs flashsale-test/kafka:latest >/dev/null
    wait_for MariaDB 120 docker exec "$PREFIX-mariadb" mariadb -uroot -p"$DB_PASSWORD" \
        -e 'CREATE DATABASE IF NOT EXISTS flashsale'
    wait_for Kafka 120 sh -c "docker logs $PREFIX-kafka 2>&1 | grep -Eqi 'Kafka ?Server started|KafkaRaftServer.*started'"
    log "starting 2 API processes and 2 workers"
    # The APIs trust X-Forwarded-For, as behind a proxy, so that the load generator's fake
    # client addresses each get their own rate limits (never do this without a proxy that
    # overwrites the header).
    local trust=(-e FLASHSALE__HTTP__CLIENT_IP_HEADER=x-forwarded-for)
    service api-1 api -p 127.0.0.1:8081:8080 "${trust[@]}"
    service api-2 api -p 127.0.0.1:8082:8080 "${trust[@]}"
    service worker-1 worker
    service worker-2 worker
    wait_for "API 1" 120 curl -fsS http://127.0.0.1:8081/readyz
    wait_for "API 2" 120 curl -fsS http://127.0.0.1:8082/readyz
    log "ready: APIs at http://127.0.0.1:8081 and http://127.0.0.1:8082 (console at /console)"
    log "token secret: $SECRET"
    log "an admin token: docker exec $PREFIX-api-1 flashsale mint-token --sub ops --admin"
    log "a load: FLASHSALE__AUTH__TOKEN_SECRET=$SECRET cargo run --release -p flashsale-load -- run --base-url http://127.0.0.1:8081"
    log "stop it: scripts/stack.sh down"
}

status() {
    docker ps --filter "name=^$PREFIX-" --format '{{.Names}}\t{{.Status}}'
}

case "${1:-up}" in
    up) up ;;
    down) down; log "stopped" ;;
    status) status ;;
    *) echo "usage: $0 [up|down|status]" >&2; exit 2 ;;
esac
