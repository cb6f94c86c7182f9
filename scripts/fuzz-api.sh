#!/usr/bin/env bash
# Fuzzes the HTTP API from its own OpenAPI document with schemathesis (PyPI), bounded so it
# fits CI: positive and negative (schema-breaking) requests for every operation, with an admin
# bearer token. Runs every check (`--checks all`: no 5xx, no undeclared status, content type or
# header, no body breaking its schema, schema-breaking data refused, `405` with `Allow` for
# unsupported methods, auth enforced, ...) but `positive_data_acceptance`, which does not apply:
# schema-valid bodies are refused on purpose when they carry unknown fields (poem-openapi cannot
# declare `additionalProperties: false`) or break a rule the schema cannot state (`endsAt` after
# `startsAt`, a quantity above the sale's own per-user limit), and most generated product ids
# name no sale (`404`).
#
# Runs the embedded service (the debug binary, built if needed) on a free loopback port with
# rate limits off and a throwaway token secret. schemathesis is installed, pinned, into a venv
# under target/ on first use and reused after.
#
# Variables (all optional):
#   FLASHSALE_FUZZ_MAX_EXAMPLES  examples per operation and phase (default 25)
#   FLASHSALE_FUZZ_MAX_TIME      seconds for the whole run; phases stop early (default 120)
#   FLASHSALE_FUZZ_SEED          Hypothesis seed, to replay a run (default: random, printed)
#   FLASHSALE_FUZZ_WORKERS       concurrent schemathesis workers (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
VENV="target/schemathesis-$SCHEMATHESIS_VERSION"
MAX_EXAMPLES="${FLASHSALE_FUZZ_MAX_EXAMPLES:-25}"
MAX_TIME="${FLASHSALE_FUZZ_MAX_TIME:-120}"
WORKERS="${FLASHSALE_FUZZ_WORKERS:-2}"
SEED="${FLASHSALE_FUZZ_SEED:-$(( (RANDOM << 15) | RANDOM ))}"

log() { printf '[fuzz-api] %s\n' "$*"; }

if [ ! -x "$VENV/bin/st" ]; then
    log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        # Debian ships venv separately; CI runs as root and may install it.
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            log "installing python3-venv"
            apt-get install -y -qq python3-venv >/dev/null
            rm -rf "$VENV"
            python3 -m venv "$VENV"
        else
            log "python3 cannot create a venv: install python3-venv"
            exit 1
        fi
    fi
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

cargo build --locked --quiet -p flashsale
BIN=target/debug/flashsale

# schemathesis keeps its cache in ./.schemathesis: it runs from this directory.
WORKDIR="target/fuzz-api"
mkdir -p "$WORKDIR"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
SERVICE_LOG="$WORKDIR/service.log"
export FLASHSALE_PROFILE=embedded
# The shipped storage (a database file), fresh for each run.
rm -rf "$WORKDIR/data"
export FLASHSALE__EMBEDDED__PATH="$WORKDIR/data/flashsale.db"
export FLASHSALE__HTTP__BIND="127.0.0.1:$PORT"
export FLASHSALE__AUTH__TOKEN_SECRET="fuzz-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
export FLASHSALE__RATE_LIMIT__PER_IP_PER_SECOND=0
export FLASHSALE__RATE_LIMIT__PER_USER_PER_SECOND=0
export FLASHSALE__DEMO__SEED=true
export FLASHSALE__LOG__FORMAT=json
unset RUST_LOG

"$BIN" serve >"$SERVICE_LOG" 2>&1 &
SERVICE_PID=$!
trap 'kill "$SERVICE_PID" 2>/dev/null || true; wait "$SERVICE_PID" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
    if curl -fsS "$BASE/healthz" >/dev/null 2>&1; then break; fi
    kill -0 "$SERVICE_PID" 2>/dev/null || { cat "$SERVICE_LOG"; log "the service exited"; exit 1; }
    sleep 0.1
done
curl -fsS "$BASE/healthz" >/dev/null || { cat "$SERVICE_LOG"; log "the service never answered"; exit 1; }
TOKEN="$("$BIN" mint-token --sub fuzzer --admin)"

log "schemathesis $SCHEMATHESIS_VERSION against $BASE/openapi.json: $MAX_EXAMPLES examples per operation, at most ${MAX_TIME}s, seed $SEED"
# The two event streams (watchSaleFigures, watchSales) never end, so a fuzzer waiting for the
# whole response would only time out: they are left out here and tested by the API tests
# (adapters/http/tests/api/figures.rs).
started=$SECONDS
status=0
ST="$PWD/$VENV/bin/st"
CONFIG="$PWD/scripts/schemathesis.toml"
(cd "$WORKDIR" && "$ST" --config-file "$CONFIG" run "$BASE/openapi.json" \
    --header "Authorization: Bearer $TOKEN" \
    --checks all \
    --exclude-checks positive_data_acceptance \
    --mode all \
    --max-examples "$MAX_EXAMPLES" \
    --max-time "$MAX_TIME" \
    --seed "$SEED" \
    --request-timeout 5 \
    --workers "$WORKERS" \
    --generation-allow-x00 false \
    --exclude-operation-id watchSaleFigures \
    --exclude-operation-id watchSales \
    --continue-on-failure \
    --no-color) || status=$?

if grep -q '"level":"ERROR"' "$SERVICE_LOG"; then
    log "the service logged errors:"
    grep '"level":"ERROR"' "$SERVICE_LOG" | head -20
    status=1
fi
log "done in $((SECONDS - started))s (exit $status; replay with FLASHSALE_FUZZ_SEED=$SEED)"
exit "$status"
