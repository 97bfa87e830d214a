#!/usr/bin/env bash
# Stock events benchmark (run by hand, never in CI): ingest of the same backlog of WAL with no rules and with
# N rules (default 1,000: SKU rules of the four conditions, a few "all" and pattern rules, each-warehouse scopes),
# on stores snapshotted at the same point (one slot each), after a warm-up reader, in --repeats interleaved
# repetitions (A B, B A, A B, ...; default 2, i.e. A B B A); the rate ratio per repetition, its median and spread
# are the figures (aim >= 0.9).
# With --subscriptions N (default 10; 0 for none) the runs with rules also deliver their events as webhooks to
# N live subscriptions of --batch-size B (default 1) on a local nginx answering 204, during the measurement; each
# such run then reports what was delivered during the measurement and how long the rest took to drain after it.
# --delivery JSON sets the events file's "delivery" object of the runs with rules (e.g. '{"max_backlog_pause_ms": 0}');
# --compare-delivery JSON adds a third configuration, rules with that "delivery" object, interleaved with the
# other two (A B C, C B A, ...), to compare two delivery settings against the same runs without rules.
# --bin DIR uses the stockd and odoo-fixtures binaries in DIR instead of building them.
# Slots: 1 + configurations x repeats must stay within the test cluster's 10.
# Usage: scripts/bench-events.sh [--variants N] [--operations N] [--rules N] [--subscriptions N] [--batch-size B]
#        [--repeats R] [--delivery JSON] [--compare-delivery JSON] [--bin DIR] [--debug]
# Prints a markdown report to stdout; progress to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
variants=20000; operations=20000; rules=1000; subscriptions=10; batch_size=1; configuration=release
repeats=2; delivery='{}'; compare_delivery=''; bin_dir=''
while [ $# -gt 0 ]; do
  case "$1" in
    --variants) variants="$2"; shift 2 ;;
    --operations) operations="$2"; shift 2 ;;
    --rules) rules="$2"; shift 2 ;;
    --subscriptions) subscriptions="$2"; shift 2 ;;
    --batch-size) batch_size="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --delivery) delivery="$2"; shift 2 ;;
    --compare-delivery) compare_delivery="$2"; shift 2 ;;
    --bin) bin_dir="$2"; shift 2 ;;
    --debug) configuration=debug; shift ;;
    *) echo "usage: scripts/bench-events.sh [--variants N] [--operations N] [--rules N] [--subscriptions N] [--batch-size B] [--repeats R] [--delivery JSON] [--compare-delivery JSON] [--bin DIR] [--debug]" >&2; exit 2 ;;
  esac
done
log() { echo "bench-events: $*" >&2; }
configs=(plain rules)
[ -n "$compare_delivery" ] && configs+=(compare)
if [ $((1 + ${#configs[@]} * repeats)) -gt 10 ]; then
  echo "bench-events: $((1 + ${#configs[@]} * repeats)) slots needed, the test cluster has 10: fewer --repeats" >&2
  exit 2
fi
if [ -n "$bin_dir" ]; then
  stockd="$bin_dir/stockd"; fixtures="$bin_dir/odoo-fixtures"
else
  log "building $configuration binaries"
  build_binaries "$configuration"
fi

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
python3 - "$rules" "$work/skus" "$subscriptions" "$batch_size" "$receiver_port" "$delivery" "$work/rules.json" "${compare_delivery:-}" "$work/compare.json" <<'PY'
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
for delivery, path in [(sys.argv[6], sys.argv[7]), (sys.argv[8], sys.argv[9])]:
    if delivery:
        with open(path, "w") as out:
            out.write(json.dumps({"rules": rules[:count], "subscriptions": hooks, "delivery": json.loads(delivery)}))
PY

rules_file() {  # configuration -> its events file ("" for none)
  case "$1" in plain) echo "" ;; rules) echo "$work/rules.json" ;; compare) echo "$work/compare.json" ;; esac
}
snapshot() {  # slot [rules file] [options...]
  if [ -n "${2:-}" ]; then
    STOCKD_SOURCE_SLOT="$1" STOCKD_EVENTS_RULES_FILE="$2" "$stockd" ingest-benchmark --dsn "$dsn" --store "$work/$1" --log-level warning "${@:3}"
  else
    STOCKD_SOURCE_SLOT="$1" "$stockd" ingest-benchmark --dsn "$dsn" --store "$work/$1" --log-level warning "${@:3}"
  fi
}
# The runs, in order: repetition r runs the configurations forwards when r is even, backwards when odd (A B, B A,
# ...), so a drift of the machine's load weighs on all alike. "warm" is ingested first and not reported: the first
# reader of a fresh backlog pays for reading the WAL from disk and decoding it cold.
order=()
for ((r = 0; r < repeats; r++)); do
  if [ $((r % 2)) -eq 0 ]; then list=("${configs[@]}"); else list=($(printf '%s\n' "${configs[@]}" | tac)); fi
  for c in "${list[@]}"; do order+=("$r:$c"); done
done
log "$((1 + ${#order[@]})) initial snapshots at the same point (slot warm, then one per run)"
snapshot warm "" --stop-after 0 >/dev/null
for run in "${order[@]}"; do
  c=${run#*:}; r=${run%%:*}
  snapshot "${c}_$r" "$(rules_file "$c")" --stop-after 0 >/dev/null
done
log "writing $operations Odoo-style transactions while nobody consumes"
"$fixtures" operations --odoo 17.0 --variants "$variants" --count "$operations" | psql -q -v ON_ERROR_STOP=1 -d bench
end=$(psql -d bench -Atc "SELECT pg_current_wal_lsn()")
snapshot warm "" --stop-at-lsn "$end" >/dev/null
: >"$work/results"
for run in "${order[@]}"; do
  c=${run#*:}; r=${run%%:*}
  load=$(cut -d' ' -f1 /proc/loadavg)
  log "repetition $r, $c (load average $load)"
  result=$(snapshot "${c}_$r" "$(rules_file "$c")" --stop-at-lsn "$end")
  echo "$r $c $load $result" >>"$work/results"
done
echo "### Ingest with $rules rules vs none (scripts/bench-events.sh, $configuration)"
echo
echo "Machine: $(nproc) cores; catalogue $variants variants; backlog $operations Odoo-style transactions; $subscriptions live subscription(s) of batch size $batch_size delivering during the runs with rules (local nginx); delivery settings of the runs with rules: $delivery${compare_delivery:+; compared with: $compare_delivery}; $repeats repetitions, interleaved."
echo
python3 - "$work/results" <<'PY'
import json, statistics, sys
runs = []
for line in open(sys.argv[1]):
    r, c, load, result = line.split(" ", 3)
    runs.append((int(r), c, float(load), json.loads(result)))
print("| # | repetition | configuration | load avg | seconds | row changes/s | events written | messages / events delivered during the run | drain after (s) |")
print("|---|---|---|---|---|---|---|---|---|")
for n, (r, c, load, run) in enumerate(runs, 1):
    hooks = run.get("webhooks")
    during = f"{hooks['messages_during']:,} / {hooks['events_during']:,}" if hooks else ""
    written = f"{hooks['events_written']:,}" if hooks else ""
    drain = f"{hooks['drain_seconds']:.2f}" if hooks else ""
    print(f"| {n} | {r} | {c} | {load:.2f} | {run['seconds']:.3f} | {run['row_changes'] / run['seconds']:,.0f} | {written} | {during} | {drain} |")
print()
seconds = {(r, c): run["seconds"] for r, c, _, run in runs}
for c in ("rules", "compare"):
    ratios = [seconds[(r, "plain")] / seconds[(r, c)] for r in sorted({r for r, _, _, _ in runs}) if (r, c) in seconds]
    if not ratios:
        continue
    total = sum(seconds[(r, "plain")] for r in range(len(ratios))) / sum(seconds[(r, c)] for r in range(len(ratios)))
    print(f"Rate of {c} / rate without rules, per repetition: {', '.join(f'{x:.2f}' for x in ratios)}; "
          f"**median {statistics.median(ratios):.2f}** (min {min(ratios):.2f}, max {max(ratios):.2f}; from summed times {total:.2f})")
    print()
PY
