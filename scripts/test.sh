#!/usr/bin/env bash
# Runs every stockd test: installs the system packages it needs, builds once, starts a throwaway PostgreSQL
# cluster (wal_level=logical) for the integration tests, runs all suites, then the API conformance run
# (schemathesis against docs/openapi.yaml and a live `stockd serve` on that cluster), and removes the cluster.
# Usage: scripts/test.sh [extra `swift test` arguments, e.g. --filter StockProjectionTests]
#   STOCKD_SKIP_CONFORMANCE=1 skips the schemathesis run (e.g. while iterating on one suite).
# Without arguments it also runs the kit oracle's own tests (tools/, Python standard library) and the status page in
# a real headless browser (scripts/status-page-check.sh; installs Debian's chromium); STOCKD_SKIP_BROWSER=1 skips
# the browser.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
command -v swift >/dev/null || { echo "swift 6.2 or later is required (https://swift.org/install)" >&2; exit 1; }
# Formatting is part of the contract: any Swift file that `swift format` would change fails the run (fix with
# `swift format format --in-place --recursive Sources Tests Benchmarks`).
scripts/format-check.sh --quiet
# Every import must be a declared dependency (SwiftPM checks before it builds; it does not change compiler flags).
swift build --build-tests --explicit-target-dependency-import-check error

export PGTEST_DIR="${PGTEST_DIR:-$(mktemp -d /tmp/stockd-pgtest.XXXXXX)}"
chmod 755 "$PGTEST_DIR"
trap 'scripts/pg-test.sh destroy >/dev/null 2>&1 || true' EXIT
scripts/pg-test.sh start
eval "$(scripts/pg-test.sh env)"
export STOCKD_TEST_PGPORT="$PGPORT"

# The webhook receiver of the integration tests verifies signatures with the Standard Webhooks reference library
# (PyPI standardwebhooks, pinned), installed once into a cached venv.
standardwebhooks_version=1.1.0
webhooks_venv="${XDG_CACHE_HOME:-$HOME/.cache}/stockd/webhooks-venv"
if ! "$webhooks_venv/bin/python" -c "import standardwebhooks" 2>/dev/null; then
  rm -rf "$webhooks_venv"
  mkdir -p "$(dirname "$webhooks_venv")"
  python3 -m venv "$webhooks_venv"
  "$webhooks_venv/bin/pip" install --quiet --disable-pip-version-check "standardwebhooks==$standardwebhooks_version" >&2
fi
export STOCKD_TEST_WEBHOOK_PYTHON="$webhooks_venv/bin/python"

if [ $# -gt 0 ]; then
  swift test --skip-build "$@"
else
  # Two runs: the integration suites block their threads for seconds at a time (libpq, child processes, waits),
  # and on a 2-core machine Swift's cooperative pool has two threads, so running them beside the async HTTP suites
  # starves those (a live server that cannot start listening within a minute). Each run is one process.
  swift test --skip-build --skip IntegrationTests
  swift test --skip-build --filter IntegrationTests
fi

if [ "${STOCKD_SKIP_CONFORMANCE:-0}" != 1 ]; then
  conformance_started=$(date +%s)
  scripts/api-conformance.sh
  echo "API conformance took $(( $(date +%s) - conformance_started )) s"
fi

if [ $# -eq 0 ]; then
  python3 -m unittest discover -s tools -p 'test_*.py'
  if [ "${STOCKD_SKIP_BROWSER:-0}" != 1 ]; then
    browser_started=$(date +%s)
    scripts/install-chromium.sh
    scripts/status-page-check.sh
    echo "status page check took $(( $(date +%s) - browser_started )) s"
  fi
fi
