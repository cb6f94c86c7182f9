#!/usr/bin/env bash
# The generated client SDKs (docs/sdks.md): builds the service, installs the pinned generator
# toolchains (npm: sdks/typescript/node_modules; PyPI: sdks/python/.venv, each reinstalled only
# when its lockfile changed), regenerates both clients from docs/openapi.json, fails if the
# generated code differs from what is committed, then runs each SDK's tests against the real
# service (each test file starts `flashsale` on a free port with its own token secret and small
# limits, and stops it at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

step() { printf '\n--> %s\n' "$*"; }
sha() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }

step "build flashsale"
cargo build -p flashsale --locked
target_dir=${CARGO_TARGET_DIR:-target}
case $target_dir in /*) ;; *) target_dir=$ROOT/$target_dir ;; esac
export FLASHSALE_BIN=$target_dir/debug/flashsale
test -x "$FLASHSALE_BIN"

export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

step "TypeScript toolchain (npm ci when package-lock.json changed)"
ts=$ROOT/sdks/typescript
ts_stamp=$ts/node_modules/.flashsale-lock.sha256
ts_want=$(sha "$ts/package-lock.json" <(node --version))
if [ "$(cat "$ts_stamp" 2>/dev/null)" != "$ts_want" ]; then
  (cd "$ts" && npm ci)
  echo "$ts_want" >"$ts_stamp"
else
  echo "node_modules is up to date"
fi

step "Python toolchain (venv rebuilt when requirements.txt changed)"
py=$ROOT/sdks/python
py_stamp=$py/.venv/.flashsale-lock.sha256
py_want=$(sha "$py/requirements.txt" <(python3 --version))
if [ "$(cat "$py_stamp" 2>/dev/null)" != "$py_want" ]; then
  rm -rf "$py/.venv"
  python3 -m venv "$py/.venv"
  "$py/.venv/bin/pip" install --quiet -r "$py/requirements.txt"
  echo "$py_want" >"$py_stamp"
else
  echo ".venv is up to date"
fi

step "regenerate both clients from docs/openapi.json"
(cd "$ts" && npm run --silent generate)
bash "$py/generate.sh"

step "generated code is what is committed"
generated=(sdks/typescript/src/schema.ts sdks/python/flashsale-client)
untracked=$(git ls-files --others --exclude-standard -- "${generated[@]}")
if ! git diff --exit-code --stat -- "${generated[@]}" || [ -n "$untracked" ]; then
  [ -z "$untracked" ] || printf 'untracked generated files:\n%s\n' "$untracked"
  echo "The generated SDKs differ from docs/openapi.json: run scripts/sdk-test.sh and commit sdks/." >&2
  exit 1
fi
echo "clean"

step "TypeScript SDK: typecheck and test (node:test)"
(cd "$ts" && npm run --silent typecheck && npm test --silent)

step "Python SDK: test (pytest)"
(cd "$py" && .venv/bin/pytest)
