#!/usr/bin/env bash
# What each extra stockd instance costs the primary: walsender CPU with one logical slot streaming vs two, under
# ~RATE single-row stock_quant updates per second (pgbench -R). Run by hand, not in CI.
#
# Each slot is consumed by pg_recvlogical with pgoutput (the protocol stockd uses), so the figure is PostgreSQL's
# decoding and sending work alone. CPU is read from /proc/<walsender pid>/stat (utime + stime) over the run.
# Usage: scripts/bench-walsender.sh [RATE (default 1000)] [SECONDS (default 20)]
# Needs the debug or release odoo-fixtures binary (built if missing) and a PostgreSQL of its own (started here).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
rate="${1:-1000}"
seconds="${2:-20}"
work=$(mktemp -d /tmp/stockd-bench-walsender.XXXXXX)
chmod 755 "$work"
export PGTEST_DIR="$work/pg"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  scripts/pg-test.sh destroy >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
build_binaries debug --if-missing
scripts/pg-test.sh start >&2
eval "$(scripts/pg-test.sh env)"
export PGHOST PGPORT PGUSER
fixtures=.build/debug/odoo-fixtures
psql -q -d postgres -c "CREATE DATABASE bench"
"$fixtures" schema --odoo 17.0 | psql -q -d bench
"$fixtures" catalogue --odoo 17.0 --variants 10000 | psql -q -d bench
psql -q -d bench -c "CREATE PUBLICATION stockd FOR TABLE stock_quant"
quants=$(psql -At -d bench -c "SELECT max(id) FROM stock_quant")
cat >"$work/update.sql" <<SQL
\set q random(1, $quants)
UPDATE stock_quant SET quantity = quantity + 1 WHERE id = :q;
SQL
ticks=$(getconf CLK_TCK)

measure() { # measure SLOTS: CPU seconds per walsender and per second of run
  local slots=$1
  for i in $(seq 1 "$slots"); do
    psql -q -d bench -c "SELECT pg_create_logical_replication_slot('stockd_bench$i', 'pgoutput')" >/dev/null
    pg_recvlogical -d "dbname=bench" --slot "stockd_bench$i" --start -o proto_version=1 -o publication_names=stockd -f /dev/null &
    pids+=($!)
  done
  sleep 2
  local walsenders
  walsenders=$(psql -At -d bench -c "SELECT pid FROM pg_stat_replication")
  declare -A before
  for pid in $walsenders; do before[$pid]=$(awk '{print $14 + $15}' "/proc/$pid/stat"); done
  pgbench -n -d bench -f "$work/update.sql" -R "$rate" -T "$seconds" -c 4 -j 2 >"$work/pgbench-$slots.log" 2>&1
  local total=0
  for pid in $walsenders; do
    local after; after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    total=$(( total + after - ${before[$pid]} ))
  done
  local tps; tps=$(grep -E "^tps" "$work/pgbench-$slots.log" | head -1 | awk '{print $3}')
  echo "slots=$slots tps=$tps walsender_cpu_seconds=$(echo "scale=2; $total / $ticks" | bc) per_walsender_cpu_percent=$(echo "scale=1; 100 * $total / $ticks / $seconds / $slots" | bc)"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  pids=()
  sleep 1
  for i in $(seq 1 "$slots"); do psql -q -d bench -c "SELECT pg_drop_replication_slot('stockd_bench$i')" >/dev/null; done
}
measure 1
measure 2
