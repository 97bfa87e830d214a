#!/usr/bin/env bash
# Stock events benchmark (run by hand, never in CI): ingest of the same backlog of WAL with no rules and with
# N rules (default 1,000: SKU rules of the four conditions, a few "all" and pattern rules, each-warehouse scopes),
# on two stores snapshotted at the same point (one slot each); the rate ratio is the figure (aim >= 0.9).
# Usage: scripts/bench-events.sh [--variants N] [--operations N] [--rules N] [--debug]
# Prints a markdown report to stdout; progress to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
variants=20000; operations=20000; rules=1000; configuration=release
while [ $# -gt 0 ]; do
  case "$1" in
    --variants) variants="$2"; shift 2 ;;
    --operations) operations="$2"; shift 2 ;;
    --rules) rules="$2"; shift 2 ;;
    --debug) configuration=debug; shift ;;
    *) echo "usage: scripts/bench-events.sh [--variants N] [--operations N] [--rules N] [--debug]" >&2; exit 2 ;;
  esac
done
log() { echo "bench-events: $*" >&2; }
log "building $configuration binaries"
build_binaries "$configuration"

work=$(mktemp -d /tmp/stockd-bench-events.XXXXXX)
chmod 755 "$work"
export PGTEST_DIR="$work/pg"
cleanup() {
  scripts/pg-test.sh destroy >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
scripts/pg-test.sh start >&2
eval "$(scripts/pg-test.sh env)"
dsn="host=127.0.0.1 port=$PGPORT user=postgres dbname=bench"
psql -q -c "CREATE DATABASE bench"
"$fixtures" schema --odoo 17.0 | psql -q -v ON_ERROR_STOP=1 -d bench
log "loading a catalogue of $variants variants"
"$fixtures" catalogue --odoo 17.0 --variants "$variants" | psql -q -v ON_ERROR_STOP=1 -d bench
"$stockd" setup --dsn "$dsn" >&2

# N rules over the catalogue's SKUs.
psql -d bench -Atc "SELECT default_code FROM product_product WHERE default_code IS NOT NULL ORDER BY id LIMIT $rules" >"$work/skus"
python3 - "$rules" "$work/skus" >"$work/rules.json" <<'PY'
import json, sys
count, skus = int(sys.argv[1]), [line.strip() for line in open(sys.argv[2]) if line.strip()]
conditions = [{"condition": "out_of_stock"}, {"condition": "back_in_stock"}, {"condition": "changed", "figure": "on_hand"},
              {"condition": "low_stock", "threshold": 5, "rearm": 8}]
rules = [{"id": "all-out", "products": "all", "condition": "out_of_stock"},
         {"id": "all-back", "products": "all", "condition": "back_in_stock", "scope": "each_warehouse"},
         {"id": "pattern", "sku_patterns": ["CHAIR-*"], "condition": "changed"}]
for i in range(max(0, count - len(rules))):
    rule = {"id": f"r{i}", "skus": [skus[i % len(skus)]]}
    rule.update(conditions[i % len(conditions)])
    if i % 3 == 0:
        rule["scope"] = "each_warehouse"
    rules.append(rule)
print(json.dumps({"rules": rules[:count]}))
PY

log "two initial snapshots at the same point (slots plain and rules)"
STOCKD_SOURCE_SLOT=plain "$stockd" ingest-benchmark --dsn "$dsn" --store "$work/plain" --log-level warning --stop-after 0 >/dev/null
STOCKD_SOURCE_SLOT=rules STOCKD_EVENTS_RULES_FILE="$work/rules.json" \
  "$stockd" ingest-benchmark --dsn "$dsn" --store "$work/rules" --log-level warning --stop-after 0 >/dev/null
log "writing $operations Odoo-style transactions while nobody consumes"
"$fixtures" operations --odoo 17.0 --variants "$variants" --count "$operations" | psql -q -v ON_ERROR_STOP=1 -d bench
end=$(psql -d bench -Atc "SELECT pg_current_wal_lsn()")
plain=$(STOCKD_SOURCE_SLOT=plain "$stockd" ingest-benchmark --dsn "$dsn" --store "$work/plain" --log-level warning --stop-at-lsn "$end")
with=$(STOCKD_SOURCE_SLOT=rules STOCKD_EVENTS_RULES_FILE="$work/rules.json" \
  "$stockd" ingest-benchmark --dsn "$dsn" --store "$work/rules" --log-level warning --stop-at-lsn "$end")
events=$(du -sk "$work/rules" | cut -f1)
echo "### Ingest with $rules rules vs none (scripts/bench-events.sh, $configuration)"
echo
echo "Machine: $(nproc) cores; catalogue $variants variants; backlog $operations Odoo-style transactions; store with rules ${events} KiB."
echo
python3 - "$plain" "$with" <<'PY'
import json, sys
plain, rules = json.loads(sys.argv[1]), json.loads(sys.argv[2])
rate = lambda r: r["row_changes"] / r["seconds"]
print("| run | seconds | row changes/s | ratio |")
print("|---|---|---|---|")
print(f"| no rules | {plain['seconds']:.3f} | {rate(plain):,.0f} | 1.00 |")
print(f"| with rules | {rules['seconds']:.3f} | {rate(rules):,.0f} | {rate(rules)/rate(plain):.2f} |")
PY
