#!/usr/bin/env bash
# End-to-end ingest benchmarks against a throwaway PostgreSQL, side by side with pg_recvlogical:
#   1. throughput: the same backlog of WAL decoded by pg_recvlogical (pgoutput, to /dev/null) and applied by
#      stockd (decode, map, apply, LMDB commit), one after the other on this machine; the ratio is the figure;
#   2. freshness: COMMIT in PostgreSQL to visible in stockd, p50/p99, at a steady 1,000 and 5,000 transactions/s
#      (pgbench -R);
#   3. the initial snapshot of a catalogue with about 1,000,000 quants: time and peak memory.
# Usage: scripts/bench-ingest.sh [--quick] [--variants N] [--operations N] [--seconds S] [--no-snapshot]
#                                [--json PATH] [--kits N] [--repeats N]
#   --quick          5,000 variants, 5,000 transactions, 5 s per rate, a 20,000-variant snapshot
#   --variants N     catalogue of parts 1 and 2 (default 50,000); --operations N the backlog (default 30,000)
#   --seconds S      seconds per freshness rate (default 10)
#   --no-snapshot    skip part 3 (scripts/bench measures start-up in scripts/bench-http.sh instead)
#   --json PATH      also write the figures as JSON there
#   --kits N         passed to `odoo-fixtures catalogue --kits N` (default: its default, about 1% of the variants)
#   --repeats N      part 1 N times on the same WAL, interleaved (pg_recvlogical then stockd, then stockd then
#                    pg_recvlogical, ...), each with a slot of its own; prints every pair and the median (default 1)
# Prints a markdown report to stdout; progress to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/bench-lib.sh
quick=0; snapshot=1; json=""; kits=""
variants=50000; operations=30000; snapshot_variants=333334; seconds=10; repeats=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; variants=5000; operations=5000; snapshot_variants=20000; seconds=5; shift ;;
    --variants) variants="$2"; shift 2 ;;
    --operations) operations="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --no-snapshot) snapshot=0; shift ;;
    --json) json=$(realpath -m "$2"); shift 2 ;;
    --kits) kits="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    *) echo "usage: scripts/bench-ingest.sh [--quick] [--variants N] [--operations N] [--seconds S] [--no-snapshot] [--json PATH] [--kits N] [--repeats N]" >&2; exit 2 ;;
  esac
done

scripts/install-deps.sh
log() { echo "bench-ingest: $*" >&2; }
log "building release binaries"
build_binaries release

serve_pid=""
bench_on_exit() { if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi; }
bench_workspace stockd-bench
kit_args=()
if [ -n "$kits" ]; then kit_args=(--kits "$kits"); fi
log "loading a catalogue of $variants variants"
bench_load_catalogue bench "$variants" "${kit_args[@]}"
quants=$(psql -d bench -Atc "SELECT count(*) FROM stock_quant")
"$stockd" setup --dsn "$dsn" >&2

echo "## Ingest, end to end (scripts/bench-ingest.sh$( [ "$quick" = 1 ] && echo ' --quick'))"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, PostgreSQL $(psql -Atc 'SHOW server_version'), $(swift --version 2>/dev/null | head -1)."
echo "Catalogue: $variants variants, $quants quants (Odoo 17 schema). PostgreSQL, stockd and the load generators share the machine."
echo

# 1. Throughput on the same WAL. Each repetition has its own stockd slot and store (repetition 1: the default slot
# and $work/store, which part 2 goes on with) and its own pg_recvlogical slot, all created before the backlog, so
# every consumer decodes exactly the same WAL; the order alternates so that neither side always runs second.
log "initial snapshot, then every slot at the same point ($repeats repetition(s))"
instance_args() { [ "$1" = 1 ] || echo "--instance r$1"; }
store_of() { if [ "$1" = 1 ]; then echo "$work/store"; else echo "$work/store-r$1"; fi; }
for r in $(seq 1 "$repeats"); do
  # shellcheck disable=SC2046
  "$stockd" ingest-benchmark --dsn "$dsn" $(instance_args "$r") --store "$(store_of "$r")" --log-level warning --stop-after 0 >/dev/null
  pg_recvlogical -d bench --slot "recv$r" --create-slot --plugin pgoutput >&2
done
log "writing $operations Odoo-style transactions while nobody consumes"
"$fixtures" operations --odoo 17.0 --variants "$variants" "${kit_args[@]}" --count "$operations" | psql -q -v ON_ERROR_STOP=1 -d bench
end=$(psql -d bench -Atc "SELECT pg_current_wal_lsn()")
run_recv() {
  local start_ns
  start_ns=$(date +%s%N)
  pg_recvlogical -d bench --slot "recv$1" --start --endpos "$end" --no-loop -o proto_version=1 -o publication_names=stockd -f /dev/null
  printf "%.3f" "$(echo "scale=3; ($(date +%s%N) - $start_ns) / 1000000000" | bc)"
}
run_stockd() {
  # shellcheck disable=SC2046
  "$stockd" ingest-benchmark --dsn "$dsn" $(instance_args "$1") --store "$(store_of "$1")" --log-level warning --stop-at-lsn "$end"
}
pairs="$work/pairs.txt"
: >"$pairs"
for r in $(seq 1 "$repeats"); do
  load=$(uptime | sed 's/.*load average: //' | cut -d, -f1)
  if [ $((r % 2)) = 1 ]; then
    recv_seconds=$(run_recv "$r"); stockd_json=$(run_stockd "$r")
  else
    stockd_json=$(run_stockd "$r"); recv_seconds=$(run_recv "$r")
  fi
  rows=$(echo "$stockd_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["row_changes"])')
  stockd_seconds=$(echo "$stockd_json" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["seconds"], 3))')
  stockd_cpu=$(echo "$stockd_json" | python3 -c 'import json,sys; print(round(json.load(sys.stdin).get("cpu_seconds", 0), 3))')
  echo "$r $rows $recv_seconds $stockd_seconds $load $stockd_cpu" >>"$pairs"
done
echo "### Throughput: the same backlog of $operations transactions ($rows row changes)"
echo
python3 - "$pairs" "$work/results.jsonl" "$operations" <<'PY'
import json, statistics, sys
pairs = [line.split() for line in open(sys.argv[1])]
runs = [{"repetition": int(r), "row_changes": int(n), "pg_recvlogical_s": float(p), "stockd_s": float(s), "load": float(l),
         "stockd_cpu_s": float(c)} for r, n, p, s, l, c in pairs]
rows = runs[0]["row_changes"]
if len(runs) == 1:
    recv, stockd = runs[0]["pg_recvlogical_s"], runs[0]["stockd_s"]
    print("| consumer | seconds | row changes/s | ratio | CPU s (all threads) |")
    print("|---|---|---|---|---|")
    print(f"| pg_recvlogical (decode to /dev/null) | {recv:.3f} | {rows/recv:,.0f} | 1.00 | |")
    print(f"| stockd (decode, apply, LMDB group commit) | {stockd:.3f} | {rows/stockd:,.0f} | {recv/stockd:.2f} | {runs[0]['stockd_cpu_s']:.3f} |")
else:
    print("| repetition (order) | load average | pg_recvlogical s | stockd s | stockd / pg_recvlogical | stockd CPU s (all threads) |")
    print("|---|---|---|---|---|---|")
    for run in runs:
        order = "pg_recvlogical first" if run["repetition"] % 2 else "stockd first"
        print(f"| {run['repetition']} ({order}) | {run['load']:.1f} | {run['pg_recvlogical_s']:.3f} | {run['stockd_s']:.3f} | "
              f"{run['pg_recvlogical_s'] / run['stockd_s']:.2f} | {run['stockd_cpu_s']:.3f} |")
    ratios = sorted(run["pg_recvlogical_s"] / run["stockd_s"] for run in runs)
    print(f"| **median of {len(runs)}** | | {statistics.median(r['pg_recvlogical_s'] for r in runs):.3f} | "
          f"{statistics.median(r['stockd_s'] for r in runs):.3f} | **{statistics.median(ratios):.2f}** (min {ratios[0]:.2f}, max {ratios[-1]:.2f}) | "
          f"{statistics.median(r['stockd_cpu_s'] for r in runs):.3f} |")
recv = statistics.median(r["pg_recvlogical_s"] for r in runs)
stockd = statistics.median(r["stockd_s"] for r in runs)
with open(sys.argv[2], "a") as out:
    out.write(json.dumps({"section": "throughput", "transactions": int(sys.argv[3]), "row_changes": rows,
                          "pg_recvlogical_s": recv, "stockd_s": stockd, "runs": runs}) + "\n")
PY
echo
for r in $(seq 1 "$repeats"); do
  pg_recvlogical -d bench --slot "recv$r" --drop-slot >&2
  # shellcheck disable=SC2046
  [ "$r" = 1 ] || psql -q -d bench -c "SELECT pg_drop_replication_slot('stockd_r$r')" >/dev/null
done

# 2. Freshness at a steady rate.
cat >"$work/move.sql" <<SQL
\set a random(1, $quants)
\set b random(1, $quants)
\set d random(1, 5)
BEGIN;
UPDATE stock_quant SET quantity = quantity - :d, write_date = now() at time zone 'utc' WHERE id = :a;
UPDATE stock_quant SET quantity = quantity + :d, write_date = now() at time zone 'utc' WHERE id = :b;
COMMIT;
SQL
echo "### Freshness: COMMIT in PostgreSQL to visible in stockd (pgbench -R, ${seconds}s, a 2-row move per transaction)"
echo
echo "| target tx/s | achieved tx/s | p50 ms | p90 ms | p99 ms | max ms |"
echo "|---|---|---|---|---|---|"
for rate in 1000 5000; do
  "$stockd" ingest-benchmark --dsn "$dsn" --store "$work/store" --log-level warning --stop-after "$((seconds + 2))" >"$work/fresh.json" &
  serve_pid=$!
  # Start writing only once stockd streams: it first reloads its LMDB store (seconds at a million variants), and
  # transactions committed meanwhile would count that reload as staleness.
  for _ in $(seq 1 1200); do
    [ "$(psql -d bench -Atc "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" -gt 0 ] && break
    sleep 0.1
  done
  sleep 0.5
  pgbench -n -c 4 -j 2 -R "$rate" -T "$seconds" -f "$work/move.sql" bench >"$work/pgbench.txt" 2>&1 || true
  wait "$serve_pid"
  serve_pid=""
  achieved=$(grep -Eo 'tps = [0-9.]+' "$work/pgbench.txt" | head -1 | awk '{print int($3)}')
  python3 - "$rate" "$achieved" "$work/fresh.json" "$work/results.jsonl" <<'PY'
import json, sys
rate, achieved, data = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
f = data["freshness_ms"]
print(f"| {rate} | {achieved} | {f['p50']} | {f['p90']} | {f['p99']} | {f['max']} |")
with open(sys.argv[4], "a") as out:
    out.write(json.dumps({"section": "freshness", "target_tps": int(rate), "achieved_tps": int(achieved or 0),
                          "freshness_ms": f, "samples": data.get("freshness_samples")}) + "\n")
PY
done
echo

# 3. Initial snapshot of about a million quants.
if [ "$snapshot" = 1 ]; then
log "snapshot benchmark: $snapshot_variants variants"
psql -q -c "CREATE DATABASE snap"
"$fixtures" schema --odoo 17.0 | psql -q -v ON_ERROR_STOP=1 -d snap
"$fixtures" catalogue --odoo 17.0 --variants "$snapshot_variants" | psql -q -v ON_ERROR_STOP=1 -d snap
snap_quants=$(psql -d snap -Atc "SELECT count(*) FROM stock_quant")
"$stockd" setup --dsn "host=127.0.0.1 port=$PGPORT user=postgres dbname=snap" >/dev/null
/usr/bin/time -v "$stockd" ingest-benchmark --dsn "host=127.0.0.1 port=$PGPORT user=postgres dbname=snap" --store "$work/snap-store" \
  --log-level warning --stop-after 0 >/dev/null 2>"$work/time.txt"
elapsed=$(grep "Elapsed (wall clock)" "$work/time.txt" | awk '{print $NF}')
peak_kb=$(grep "Maximum resident set size" "$work/time.txt" | awk '{print $NF}')
echo "### Initial snapshot"
echo
echo "| quants | wall clock (start to streaming) | peak RSS |"
echo "|---|---|---|"
echo "| $snap_quants | $elapsed | $((peak_kb / 1024)) MiB |"
echo
echo "{\"section\":\"snapshot\",\"quants\":$snap_quants,\"variants\":$snapshot_variants,\"elapsed\":\"$elapsed\",\"peak_rss_mib\":$((peak_kb / 1024))}" >>"$work/results.jsonl"
fi

if [ -n "$json" ]; then
  python3 - "$work/results.jsonl" "$json" "$variants" "$quants" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
json.dump({"benchmark": "ingest", "variants": int(sys.argv[3]), "quants": int(sys.argv[4]), "results": rows},
          open(sys.argv[2], "w"), indent=1)
PY
fi
