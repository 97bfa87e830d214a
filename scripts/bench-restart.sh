#!/usr/bin/env bash
# Start-up and memory of `stockd serve` at catalogue scale with open moves (run by hand, never in CI): a generated
# Odoo 17 catalogue of N variants plus one confirmed incoming move on every other variant, then one start from an
# empty store (the initial snapshot from PostgreSQL) and R restarts from the LMDB store. For each: the time from
# launch to /readyz answering 200, and /proc/PID/status two seconds later (VmRSS; RssAnon, the process's own
# memory; RssFile, mapped pages of the store file; VmHWM, the peak).
#
# Usage: scripts/bench-restart.sh [--variants N] [--restarts R]   (defaults 1,000,000 and 3)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/bench-lib.sh
variants=1000000; restarts=3
while [ $# -gt 0 ]; do
  case "$1" in
    --variants) variants="$2"; shift 2 ;;
    --restarts) restarts="$2"; shift 2 ;;
    *) echo "usage: scripts/bench-restart.sh [--variants N] [--restarts R]" >&2; exit 2 ;;
  esac
done
scripts/install-deps.sh
build_binaries release
pid=""
bench_on_exit() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; }
bench_workspace stockd-restart
bench_load_catalogue bench "$variants"
supplier=$(psql -d bench -Atc "SELECT id FROM stock_location WHERE usage = 'supplier' ORDER BY id LIMIT 1")
stock=$(psql -d bench -Atc "SELECT lot_stock_id FROM stock_warehouse WHERE code = 'WH'")
company=$(psql -d bench -Atc "SELECT company_id FROM stock_warehouse WHERE code = 'WH'")
psql -q -d bench -c "INSERT INTO stock_move (company_id, product_id, product_uom, location_id, location_dest_id, name, state,
  procure_method, date, product_qty, product_uom_qty)
  SELECT $company, p.id, t.uom_id, $supplier, $stock, 'bench', 'confirmed', 'make_to_stock', now() + interval '3 days', 5, 5
  FROM product_product p JOIN product_template t ON t.id = p.product_tmpl_id WHERE p.id % 2 = 0"
psql -q -d bench -c "VACUUM ANALYZE"
echo "## stockd serve start-up: $variants variants, $(psql -d bench -Atc "SELECT count(*) FROM stock_move WHERE state = 'confirmed'") open moves, $(psql -d bench -Atc "SELECT count(*) FROM (SELECT DISTINCT product_id, location_id FROM stock_quant) s") levels"
echo
echo "| start | ready ms | VmRSS kB | RssAnon kB | RssFile kB | VmHWM kB | load average |"
echo "|---|---|---|---|---|---|---|"
"$stockd" setup --dsn "$dsn" >/dev/null 2>&1
port=$(free_port)
api="http://127.0.0.1:$port"
for run in snapshot $(seq -f "restart-%g" 1 "$restarts"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  started=$(date +%s%N)
  "$stockd" serve --dsn "$dsn" --store "$work/store" --port "$port" --log-level warning --status-every 0 >>"$work/stockd.log" 2>&1 &
  pid=$!
  ready_ms=$(wait_ready "$api" "$pid" 1800 "$started" 0.05)
  sleep 2
  field() { awk -v key="$1:" '$1 == key {print $2}' "/proc/$pid/status"; }
  echo "| $run | $ready_ms | $(field VmRSS) | $(field RssAnon) | $(field RssFile) | $(field VmHWM) | $load |"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  pid=""
done
