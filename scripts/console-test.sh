#!/usr/bin/env bash
# Browser tests of the operator console (tests/console): Debian's Chromium (installed here when
# missing; never downloaded by playwright) driven by playwright-core, against the service in the
# embedded profile while the load generator (flashsale-load) buys from a sale. Screenshots go to
# target/console-test, or to docs/img with UPDATE_SCREENSHOTS=1 (the README shows those).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
log() { printf '[console-test] %s\n' "$*"; }

if [ ! -x /usr/bin/chromium ]; then
    log "installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(cd tests/console && npm ci --no-audit --no-fund --silent)
cargo build --locked -q -p flashsale -p flashsale-load

OUT="$ROOT/target/console-test"
SCREENSHOTS="$OUT"
[ "${UPDATE_SCREENSHOTS:-}" = 1 ] && SCREENSHOTS="$ROOT/docs/img"
mkdir -p "$OUT" "$SCREENSHOTS"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
SECRET="console-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

rm -rf "$OUT/data" # the shipped storage (a database file), fresh for each run
FLASHSALE_PROFILE=embedded FLASHSALE__HTTP__BIND="127.0.0.1:$PORT" FLASHSALE__EMBEDDED__PATH="$OUT/data/flashsale.db" \
FLASHSALE__AUTH__TOKEN_SECRET="$SECRET" FLASHSALE__DEMO__SEED=true \
FLASHSALE__RATE_LIMIT__PER_IP_PER_SECOND=0 FLASHSALE__HTTP__CLIENT_IP_HEADER=x-forwarded-for \
FLASHSALE__LOG__FORMAT=json \
    target/debug/flashsale serve >"$OUT/service.log" 2>&1 &
SERVICE=$!
LOAD=""
cleanup() {
    [ -n "$LOAD" ] && kill "$LOAD" 2>/dev/null || true
    kill "$SERVICE" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 100); do
    curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done

# The load generator's sale: 3,000 units, buyers arriving at 150/s for 40 s.
FLASHSALE__AUTH__TOKEN_SECRET="$SECRET" target/debug/flashsale-load run --base-url "$BASE" \
    --run-id console --users 6000 --stock 3000 --model open --rate 150 --duration-secs 40 \
    --no-check-results >"$OUT/load.log" 2>&1 &
LOAD=$!

status=0
BASE="$BASE" SECRET="$SECRET" LOAD_PRODUCT=console-p0 SCREENSHOTS="$SCREENSHOTS" \
    node tests/console/console.test.mjs || status=$?
if [ "$status" != 0 ]; then
    log "failed; the service's log: $OUT/service.log, the load generator's: $OUT/load.log"
fi
exit "$status"
