#!/usr/bin/env bash
# The one entry point behind `npm start`, `npm test` and `npm run bench`, so a fresh machine needs nothing but
# Node, npm and (on Debian) root or sudo:
#   1. system packages (scripts/setup-system.sh: libsecret, gnome-keyring, dbus, chromium),
#   2. node_modules (npm ci) when missing or older than package-lock.json,
#   3. the task itself on the Node 22 that the `node` package puts in node_modules/.bin (see README: why 22).
set -euo pipefail
cd "$(dirname "$0")/.."
task=${1:?usage: scripts/run.sh start|test|bench [args]}
shift

bash scripts/setup-system.sh

if [ ! -x node_modules/.bin/node ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "roster-desk: installing node modules (npm ci)…" >&2
  npm ci --no-audit --no-fund >&2
fi
export PATH="$PWD/node_modules/.bin:$PATH"

case "$task" in
  start)
    electron-vite build >&2
    if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
      exec node electron/cli/roster-bin.js web "$@"
    fi
    exec bash scripts/with-keyring.sh node electron/cli/roster-bin.js web "$@"
    ;;
  test)
    echo "== typecheck" && npm run --silent typecheck
    echo "== lint" && npm run --silent lint
    echo "== build" && electron-vite build >/dev/null
    rm -rf test-results && mkdir -p test-results
    status=0
    echo "== unit + integration (vitest)"
    bash scripts/with-keyring.sh vitest run --reporter=default --reporter=json --outputFile=test-results/unit.json "$@" || status=1
    echo "== end to end (Playwright + Chromium)"
    bash scripts/with-keyring.sh vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json --outputFile=test-results/e2e.json || status=1
    # One closing line over both suites, in the plain form CI logs are read for.
    node scripts/test-summary.js test-results/unit.json test-results/e2e.json
    exit "$status"
    ;;
  bench)
    # The cache on its own, then sync against the sandbox LMS (push with latency and rate limit; district pull), then
    # exports of a 100,000-row cache to files in every format, then the renderer in Chromium over the browser host (a
    # 100,000-row roster: open, scroll, search; exits 1 on a miss).
    tsx test/bench/cache-bench.ts "$@"
    tsx test/bench/sync-bench.ts
    tsx test/bench/export-bench.ts
    electron-vite build >/dev/null
    exec tsx test/bench/renderer-bench.ts
    ;;
  *)
    echo "scripts/run.sh: unknown task '$task' (start, test or bench)" >&2
    exit 2
    ;;
esac
