#!/usr/bin/env bash
# Prepares everything the container-backed integration suite needs, idempotently:
#   1. the Docker engine (Debian's docker.io), started if it is not running;
#   2. the base image debian:bookworm-slim, made by debootstrap if it is missing;
#   3. the test images built from docker/redis, docker/mariadb and docker/kafka,
#      rebuilt only when their build context changed (hash stored as an image label).
# Safe to run again and again: a run with everything present takes a few seconds.
# Works unattended (CI=true, no stdin) as root. See docs/testing.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DEBIAN_FRONTEND=noninteractive

BASE_IMAGE="debian:bookworm-slim"
DEBIAN_MIRROR="${FLASHSALE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DOCKERD_LOG="${FLASHSALE_DOCKERD_LOG:-/var/log/flashsale-dockerd.log}"
DOCKERD_TIMEOUT="${FLASHSALE_DOCKERD_TIMEOUT:-60}"
STATE_DIR="/var/lib/flashsale-test-env"
# Kafka version whose jars (and runtime dependencies) are resolved from Maven Central.
KAFKA_VERSION="${FLASHSALE_KAFKA_VERSION:-4.1.1}"
SCALA_VERSION="2.13"

SCRIPT_START=$SECONDS
log() { printf '[test-env %4ss] %s\n' "$((SECONDS - SCRIPT_START))" "$*"; }
die() { printf '[test-env] ERROR: %s\n' "$*" >&2; exit 1; }

need_root() {
    [ "$(id -u)" -eq 0 ] || die "$1 needs root (run with sudo, or install it yourself)"
}

APT_UPDATED=0
APT_LOG=/tmp/flashsale-test-env-apt.log
apt_install() {
    need_root "installing $*"
    if [ "$APT_UPDATED" -eq 0 ]; then
        apt-get update -qq </dev/null >"$APT_LOG" 2>&1 \
            || { tail -n 20 "$APT_LOG" >&2; die "apt-get update failed"; }
        APT_UPDATED=1
    fi
    apt-get install -y -qq --no-install-recommends "$@" </dev/null >>"$APT_LOG" 2>&1 \
        || { tail -n 20 "$APT_LOG" >&2; die "apt-get install $* failed (log: $APT_LOG)"; }
}

# ---------------------------------------------------------------- engine
ensure_docker_installed() {
    if command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1; then
        return
    fi
    local t=$SECONDS
    log "installing docker.io (engine) ..."
    apt_install docker.io iptables
    log "docker.io installed in $((SECONDS - t))s"
}

docker_answers() { timeout 10 docker info >/dev/null 2>&1; }

# Tries one storage driver: starts dockerd with it and checks that a container
# can actually be created on it (dockerd may start with a driver whose mounts fail).
try_storage_driver() {
    local driver="$1" waited=0
    log "starting dockerd (storage driver $driver), log: $DOCKERD_LOG"
    # setsid + nohup: the daemon outlives this script and CI's process group.
    # --ip=127.0.0.1: published container ports (the test servers) bind the host's loopback only.
    setsid nohup dockerd --storage-driver="$driver" --ip=127.0.0.1 >>"$DOCKERD_LOG" 2>&1 </dev/null &
    local pid=$!
    while ! docker_answers; do
        if ! kill -0 "$pid" 2>/dev/null; then
            log "dockerd exited with storage driver $driver (see $DOCKERD_LOG)"
            return 1
        fi
        if [ "$waited" -ge "$DOCKERD_TIMEOUT" ]; then
            log "dockerd did not answer within ${DOCKERD_TIMEOUT}s with storage driver $driver"
            stop_dockerd "$pid"
            return 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    if [ "$(docker info --format '{{.Driver}}')" != "$driver" ]; then
        log "dockerd fell back to another driver than $driver"
        stop_dockerd "$pid"
        return 1
    fi
    echo "$driver" >"$STATE_DIR/storage-driver"
    log "dockerd answers after ${waited}s (storage driver $driver)"
}

stop_dockerd() {
    local pid="$1" _
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.5
    done
    kill -9 "$pid" 2>/dev/null || true
}

# Checks that the driver really works by running a throwaway container from the base image.
driver_runs_containers() {
    timeout 60 docker run --rm --network none "$BASE_IMAGE" true >/dev/null 2>&1
}

ensure_dockerd_running() {
    if docker_answers; then
        log "docker engine answers ($(docker info --format '{{.ServerVersion}}, {{.Driver}}'))"
        return
    fi
    need_root "starting dockerd"
    [ -n "${DOCKER_HOST:-}" ] && die "DOCKER_HOST=$DOCKER_HOST is set but does not answer"
    mkdir -p "$STATE_DIR" "$(dirname "$DOCKERD_LOG")"
    local drivers="overlay2 fuse-overlayfs vfs" remembered=""
    if [ -f "$STATE_DIR/storage-driver" ]; then
        remembered="$(cat "$STATE_DIR/storage-driver")"
        drivers="$remembered $drivers"
    fi
    local d
    for d in $drivers; do
        if [ "$d" = fuse-overlayfs ] && ! command -v fuse-overlayfs >/dev/null 2>&1; then
            [ -e /dev/fuse ] || continue
            # In a subshell: a failed install skips this driver instead of ending the script.
            (apt_install fuse-overlayfs) || continue
        fi
        try_storage_driver "$d" && return
    done
    die "could not start dockerd with any storage driver (overlay2, fuse-overlayfs, vfs); see $DOCKERD_LOG"
}

# ---------------------------------------------------------------- base image
ensure_base_image() {
    if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
        log "base image $BASE_IMAGE present"
        return
    fi
    need_root "creating $BASE_IMAGE with debootstrap"
    command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
    local t=$SECONDS dir
    dir="$(mktemp -d /tmp/flashsale-rootfs.XXXXXX)"
    log "creating $BASE_IMAGE by debootstrap (minbase bookworm) ..."
    debootstrap --variant=minbase bookworm "$dir" "$DEBIAN_MIRROR" >"$dir.log" 2>&1 \
        || die "debootstrap failed, see $dir.log"
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
    tar -C "$dir" -c . | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
    rm -rf "$dir" "$dir.log"
    log "base image $BASE_IMAGE created in $((SECONDS - t))s"
}

# Verifies the chosen storage driver can run containers; if not, restarts dockerd
# on vfs (which works everywhere) and re-imports the base image there.
verify_driver() {
    [ -f "$STATE_DIR/storage-driver" ] || return 0
    [ "$(cat "$STATE_DIR/storage-driver")" = vfs ] && return 0
    [ -f "$STATE_DIR/driver-verified" ] && return 0
    if driver_runs_containers; then
        touch "$STATE_DIR/driver-verified"
        return 0
    fi
    log "storage driver $(cat "$STATE_DIR/storage-driver") cannot run containers; switching to vfs"
    local pid
    pid="$(pgrep -x dockerd | head -n1 || true)"
    [ -n "$pid" ] && stop_dockerd "$pid"
    try_storage_driver vfs || die "dockerd does not start on vfs either; see $DOCKERD_LOG"
    ensure_base_image
    driver_runs_containers || die "cannot run a container even on vfs; see $DOCKERD_LOG"
}

# ---------------------------------------------------------------- test images
context_hash() {
    # Hash of every file (path and content) in a build context, excluding generated files.
    (cd "$1" && find . -type f ! -path './build/*' -print0 | LC_ALL=C sort -z \
        | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

image_label() {
    docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

# Resolves Kafka's jars and their runtime dependencies with mvn into the build context.
prepare_kafka_jars() {
    local ctx="$1" libs="$1/build/libs" stamp="$1/build/libs.version"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$KAFKA_VERSION" ] && [ -n "$(ls -A "$libs" 2>/dev/null)" ]; then
        return
    fi
    command -v mvn >/dev/null 2>&1 || apt_install maven
    local t=$SECONDS work
    log "resolving kafka_${SCALA_VERSION} $KAFKA_VERSION and its runtime dependencies with mvn ..."
    rm -rf "$libs" && mkdir -p "$libs"
    work="$(mktemp -d /tmp/flashsale-kafka-pom.XXXXXX)"
    sed -e "s/@KAFKA_VERSION@/$KAFKA_VERSION/g" -e "s/@SCALA_VERSION@/$SCALA_VERSION/g" \
        "$ctx/pom.xml.in" >"$work/pom.xml"
    mvn -B -q -f "$work/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$libs" >"$work/mvn.log" 2>&1 \
        || { tail -n 40 "$work/mvn.log" >&2; die "mvn could not resolve Kafka $KAFKA_VERSION"; }
    rm -rf "$work"
    echo "$KAFKA_VERSION" >"$stamp"
    log "kafka jars resolved in $((SECONDS - t))s ($(find "$libs" -name '*.jar' | wc -l) jars)"
}

build_image() {
    local name="$1" tag="flashsale-test/$1:latest" ctx="$ROOT/docker/$1" hash
    # The jars under build/ are not hashed: the Kafka version stands for them.
    hash="$(context_hash "$ctx")"
    [ "$name" = kafka ] && hash="$hash-$KAFKA_VERSION"
    if [ "$(image_label "$tag" flashsale.context-hash)" = "$hash" ]; then
        log "image $tag up to date ($hash)"
        return
    fi
    [ "$name" = kafka ] && prepare_kafka_jars "$ctx"
    local t=$SECONDS
    log "building $tag (context hash $hash) ..."
    DOCKER_BUILDKIT=0 docker build -q --label "flashsale.context-hash=$hash" -t "$tag" "$ctx" \
        >"/tmp/flashsale-build-$name.log" 2>&1 \
        || { tail -n 40 "/tmp/flashsale-build-$name.log" >&2; die "building $tag failed"; }
    log "built $tag in $((SECONDS - t))s"
}

# ---------------------------------------------------------------- main
main() {
    log "preparing the container test environment (root: $ROOT)"
    ensure_docker_installed
    ensure_dockerd_running
    ensure_base_image
    verify_driver
    build_image redis
    build_image mariadb
    build_image kafka
    docker image prune -f --filter "label=flashsale.context-hash" >/dev/null 2>&1 || true
    log "ready in $((SECONDS - SCRIPT_START))s: images flashsale-test/{redis,mariadb,kafka}:latest"
}

main "$@"
