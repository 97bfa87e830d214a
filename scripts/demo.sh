#!/usr/bin/env bash
# The main job, for now: generate an Odoo-shaped catalogue into a throwaway LMDB store, keep applying
# realistic stock operations to it (as the PostgreSQL feed will), and show the figures stockd serves.
# Usage: scripts/demo.sh [--variants N] [--seconds S]
set -euo pipefail
cd "$(dirname "$0")/.."
variants=5000
seconds=10
while [ $# -gt 0 ]; do
  case "$1" in
    --variants) variants="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "usage: scripts/demo.sh [--variants N] [--seconds S]" >&2; exit 2 ;;
  esac
done
scripts/install-deps.sh
echo "building stockd (release; the first build takes a few minutes)..."
swift build -c release --product stockd 2>&1 | grep -E "error|warning: unre|Compiling stockd|Build" || true
stockd=".build/release/stockd"
store=$(mktemp -d /tmp/stockd-demo.XXXXXX)
trap 'rm -rf "$store"' EXIT
echo
echo "== generating a catalogue of $variants variants in 3 warehouses into $store"
"$stockd" generate --store "$store" --variants "$variants" --log-level warning
echo
echo "== applying random Odoo stock operations for ${seconds}s (moves, receipts, deliveries, scrap, reservations, merges)"
"$stockd" simulate --store "$store" --variants "$variants" --seconds "$seconds" --rate 2000 --log-level warning
echo
echo "== the store after a restart (stockd inspect)"
"$stockd" inspect --store "$store" --log-level warning
for sku in CHAIR-12-RED-S DESK-1-RED-S; do
  echo
  echo "== stockd query --sku $sku --group-by warehouse"
  "$stockd" query --store "$store" --sku "$sku" --group-by warehouse --log-level warning || true
done
echo
echo "== the same SKU per location inside WH, with QC and Damaged quarantined"
STOCKD_QUARANTINE_NAME_PATTERNS="*/Quality Control,*/Damaged" \
  "$stockd" query --store "$store" --sku CHAIR-12-RED-S --warehouse WH --group-by location --log-level warning || true
