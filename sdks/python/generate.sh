#!/usr/bin/env bash
# Regenerates sdks/python/flashsale-client from docs/openapi.json with the pinned
# openapi-python-client (and ruff, which formats the output). Needs the venv that
# scripts/sdk-test.sh makes: sdks/python/.venv, or VENV=... pointing at another one.
set -euo pipefail
cd "$(dirname "$0")"
VENV=${VENV:-.venv}
export PATH="$PWD/$VENV/bin:$PATH"
openapi-python-client generate \
  --path ../../docs/openapi.json \
  --config openapi-python-client.yaml \
  --meta pdm \
  --output-path flashsale-client \
  --overwrite \
  --fail-on-warning
