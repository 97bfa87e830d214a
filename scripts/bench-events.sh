#!/usr/bin/env bash
# Stock events benchmark (run by hand, never in CI): ingest of the same backlog of WAL with no rules and with
# N rules (default 1,000: SKU rules of the four conditions, a few "all" and pattern rules, each-warehouse scopes),
# on stores snapshotted at the same point (one slot each), run in the order A B B A after a warm-up reader; the
# rate ratio is the figure (aim >= 0.9).
# With --subscriptions N (default 10; 0 for none) the runs with rules also deliver their events as webhooks to
# N live subscriptions of --batch-size B (default 1) on a local nginx answering 204, during the measurement.
# Usage: scripts/bench-events.sh [--variants N] [--operations N] [--rules N] [--subscriptions N] [--batch-size B] [--debug]
# Prints a markdown report to stdout; progress to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
variants=20000; operations=20000; rules=1000; subscriptions=10; batch_size=1; configuration=release
while [ $# -gt 0 ]; do
  case "$1" in
    --variants) variants="$2"; shift 2 ;;
    --operations) operations="$2"; shift 2 ;;
    --rules) rules="$2"; shift 2 ;;
    --subscriptions) subscriptions="$2"; shift 2 ;;
    --batch-size) batch_size="$2"; shift 2 ;;
    --debug) configuration=debug; shift ;;
    *) echo "usage: scripts/bench-events.sh [--variants N] [--operations N] [--rules N] [--subscriptions N] [--batch-size B] [--debug]" >&2; exit 2 ;;
  esac
done
log() { echo "bench-events: $*" >&2; }
log "building $configuration binaries"
build_binaries "$configuration"

work=$(mktemp -d /tmp/stockd-bench-events.XXXXXX)
chmod 755 "$work"
export PGTEST_DIR="$work/pg"
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  scripts/pg-test.sh destroy >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
receiver_port=0
if [ "$subscriptions" -gt 0 ]; then
  ensure_nginx
  receiver_port=$(free_port)
  write_nginx_conf "$work" "  access_log off;
  server { listen 127.0.0.1:$receiver_port; location / { return 204; } }"
  "$nginx_bin" -c "$work/nginx.conf" -p "$work/nginx"
fi
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
python3 - "$rules" "$work/skus" "$subscriptions" "$batch_size" "$receiver_port" >"$work/rules.json" <<'PY'
import json, sys
count, skus = int(sys.argv[1]), [line.strip() for line in open(sys.argv[2]) if line.strip()]
subscriptions, batch_size, port = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
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
hooks = [{"id": f"s{i}", "url": f"http://127.0.0.1:{port}/hook/s{i}", "secret": "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
          "batch_size": batch_size} for i in range(subscriptions)]
print(json.dumps({"rules": rules[:count], "subscriptions": hooks}))
PY

log "five initial snapshots at the same point (slots warm, plain_a, rules_a, rules_b, plain_b)"
# "warm" is ingested first and not reported: the first reader of a fresh backlog pays for reading the WAL from
# disk and decoding it cold. Then the two configurations run in the order A B B A, so a drift of the machine's
# load during the runs (the pairs run one after the other) weighs on both alike; the ratio is taken from the sums.
snapshot() {  # slot [rules file]
  if [ -n "${2:-}" ]; then
    STOCKD_SOURCE_SLOT="$1" STOCKD_EVENTS_RULES_FILE="$2" "$stockd" ingest-benchmark --dsn "$dsn" --store "$work/$1" --log-level warning "${@:3}"
  else
    STOCKD_SOURCE_SLOT="$1" "$stockd" ingest-benchmark --dsn "$dsn" --store "$work/$1" --log-level warning "${@:3}"
  fi
}
snapshot warm "" --stop-after 0 >/dev/null
snapshot plain_a "" --stop-after 0 >/dev/null
snapshot rules_a "$work/rules.json" --stop-after 0 >/dev/null
snapshot rules_b "$work/rules.json" --stop-after 0 >/dev/null
snapshot plain_b "" --stop-after 0 >/dev/null
log "writing $operations Odoo-style transactions while nobody consumes"
"$fixtures" operations --odoo 17.0 --variants "$variants" --count "$operations" | psql -q -v ON_ERROR_STOP=1 -d bench
end=$(psql -d bench -Atc "SELECT pg_current_wal_lsn()")
snapshot warm "" --stop-at-lsn "$end" >/dev/null
plain_a=$(snapshot plain_a "" --stop-at-lsn "$end")
rules_a=$(snapshot rules_a "$work/rules.json" --stop-at-lsn "$end")
rules_b=$(snapshot rules_b "$work/rules.json" --stop-at-lsn "$end")
plain_b=$(snapshot plain_b "" --stop-at-lsn "$end")
events=$(du -sk "$work/rules_a" | cut -f1)
echo "### Ingest with $rules rules vs none (scripts/bench-events.sh, $configuration)"
echo
echo "Machine: $(nproc) cores; catalogue $variants variants; backlog $operations Odoo-style transactions; store with rules ${events} KiB; $subscriptions live subscription(s) of batch size $batch_size delivering during the runs with rules (local nginx); runs in the order no rules, rules, rules, no rules."
echo
python3 - "$plain_a" "$rules_a" "$rules_b" "$plain_b" <<'PY'
import json, sys
plain_a, rules_a, rules_b, plain_b = (json.loads(arg) for arg in sys.argv[1:5])
rate = lambda r: r["row_changes"] / r["seconds"]
print("| run | seconds | row changes/s |")
print("|---|---|---|")
for name, run in [("no rules (1st)", plain_a), ("with rules (2nd)", rules_a), ("with rules (3rd)", rules_b), ("no rules (4th)", plain_b)]:
    print(f"| {name} | {run['seconds']:.3f} | {rate(run):,.0f} |")
ratio = (plain_a["seconds"] + plain_b["seconds"]) / (rules_a["seconds"] + rules_b["seconds"])
print()
print(f"Rate with rules / rate without (from the summed times): **{ratio:.2f}**")
PY
