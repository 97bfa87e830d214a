#!/usr/bin/env bash
# Runs every stockd test: installs the system packages it needs, builds once, runs all suites.
# Usage: scripts/test.sh [extra `swift test` arguments, e.g. --filter StockProjectionTests]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
command -v swift >/dev/null || { echo "swift 6.2 or later is required (https://swift.org/install)" >&2; exit 1; }
swift build --build-tests
swift test --skip-build "$@"
