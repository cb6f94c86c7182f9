#!/usr/bin/env bash
# Builds the operator console (adapters/http/console) into its dist/ folder, which is committed
# and embedded in the binary (adapters/http/src/console.rs), so running the service needs no
# build step. `check` rebuilds into a scratch folder and fails when the committed dist/ differs
# from it (CI runs it). Needs node and npm (the versions are pinned in package-lock.json).
#
# Usage: scripts/console.sh [build|check]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/../adapters/http/console"

build_into() { # build_into <folder>
    local out=$1
    rm -rf "$out"
    npm ci --no-audit --no-fund --silent
    npx tsc -p . --outDir "$out"
    cp static/index.html static/console.css "$out/"
    cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css "$out/"
}

case "${1:-build}" in
    build)
        build_into dist
        echo "[console] built into adapters/http/console/dist"
        ;;
    check)
        scratch=$(mktemp -d)
        trap 'rm -rf "$scratch"' EXIT
        build_into "$scratch/dist"
        if ! diff -r "$scratch/dist" dist; then
            echo "[console] dist/ differs from a rebuild of the sources: run scripts/console.sh and commit dist/" >&2
            exit 1
        fi
        echo "[console] dist/ matches its sources"
        ;;
    *)
        echo "usage: $0 [build|check]" >&2
        exit 2
        ;;
esac
