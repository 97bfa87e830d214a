#!/usr/bin/env bash
# Reports the Swift files that do not follow .swift-format (4 spaces, 150 columns, Hummingbird's rule set with
# packed arguments): `swift format lint` over Sources, Tests and Benchmarks, then a count of the files that
# `swift format format` would change (computed on a copy; the tree is not modified).
# Usage: scripts/format-check.sh [--quiet]   (--quiet: only the summary, not every lint finding)
# Exits 1 when any file would change or lint reports a finding, 0 otherwise. scripts/test.sh runs it first.
set -euo pipefail
cd "$(dirname "$0")/.."
quiet=0
[ "${1:-}" = --quiet ] && quiet=1
command -v swift >/dev/null || { echo "swift 6.2 or later is required (https://swift.org/install)" >&2; exit 1; }

paths=(Sources Tests Benchmarks)
findings=$(mktemp /tmp/stockd-format-lint.XXXXXX)
scratch=$(mktemp -d /tmp/stockd-format.XXXXXX)
trap 'rm -rf "$findings" "$scratch"' EXIT

swift format lint --recursive "${paths[@]}" >"$findings" 2>&1 || true
# Findings are printed even with --quiet when there are any, so a failed run says what to fix.
[ "$quiet" = 1 ] && [ ! -s "$findings" ] || cat "$findings"
finding_count=$(grep -c -E '^[^:]+\.swift:[0-9]+:[0-9]+: (warning|error)' "$findings" || true)

# What `swift format format` would change: format a copy of the tracked files and compare.
git ls-files -z -- "${paths[@]}" | grep -z '\.swift$' | xargs -0 -I{} cp --parents {} "$scratch"
cp .swift-format "$scratch/"
(cd "$scratch" && swift format format --in-place --recursive "${paths[@]}" 2>/dev/null) || true
changed=0
while IFS= read -r -d '' file; do
  cmp -s "$file" "$scratch/$file" || changed=$((changed + 1))
done < <(git ls-files -z -- "${paths[@]}" | grep -z '\.swift$')
total=$(git ls-files -- "${paths[@]}" | grep -c '\.swift$')

echo "format check: $finding_count lint findings; swift format would change $changed of $total Swift files"
[ "$finding_count" = 0 ] && [ "$changed" = 0 ]
