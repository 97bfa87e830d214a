#!/usr/bin/env bash
# Ingest with stock_move published vs without, on the same workload (issue 14). Run by hand, never in CI.
#
# One throwaway PostgreSQL (wal_level=logical, fsync off), the release stockd, the Odoo 17 schema. The same
# operations script (`odoo-fixtures operations --move-rate N`: one transaction in N is a stock_move operation,
# the rest are the quant operations of scripts/bench-ingest.sh) is written into two databases loaded with the
# same catalogue, one after the other:
#   without: stockd's publication minus stock_move (the WAL is the same; pgoutput sends no move rows);
#   with:    the publication as `stockd setup` makes it.
# Each time stockd first takes its initial snapshot (--stop-after 0), then the whole backlog is written while
# nobody consumes, then stockd drains it (decode, map, apply, LMDB group commit) and reports the time, the row
# changes applied and the stock_move rows its decode-time filter dropped (or reduced to a close by id).
# Usage: scripts/bench-forecast-ingest.sh [--variants N] [--operations N] [--move-rate N] [--rounds N]
#   --variants N     catalogue size (default 20,000)
#   --operations N   transactions in the backlog (default 20,000)
#   --move-rate N    one transaction in N is a move operation (default 2)
#   --rounds N       alternate without/with this many times (default 2)
# Prints a markdown report to stdout; progress to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/bench-lib.sh
variants=20000; operations=20000; move_rate=2; rounds=2
while [ $# -gt 0 ]; do
  case "$1" in
    --variants) variants="$2"; shift 2 ;;
    --operations) operations="$2"; shift 2 ;;
    --move-rate) move_rate="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "usage: scripts/bench-forecast-ingest.sh [--variants N] [--operations N] [--move-rate N] [--rounds N]" >&2; exit 2 ;;
  esac
done

scripts/install-deps.sh
log() { echo "bench-forecast-ingest: $*" >&2; }
log "building release binaries"
build_binaries release

bench_workspace stockd-forecast-bench

log "generating $operations transactions (one in $move_rate a move operation)"
"$fixtures" operations --odoo 17.0 --variants "$variants" --count "$operations" --move-rate "$move_rate" >"$work/operations.sql"

echo "## Ingest with stock_move published vs without (scripts/bench-forecast-ingest.sh)"
echo
echo "Machine: $(nproc) cores, PostgreSQL $(psql -Atc 'SHOW server_version'). Catalogue: $variants variants (Odoo 17 schema);"
echo "backlog: $operations transactions, one in $move_rate a stock_move operation."
echo
echo "| round | publication | WAL bytes | row changes applied | stock_move rows dropped at decode | seconds | row changes/s | transactions/s |"
echo "|---|---|---|---|---|---|---|---|"
run() {
  local round=$1 mode=$2 db dsn start end wal json
  db="bench_${mode}_$round"
  dsn="host=127.0.0.1 port=$PGPORT user=postgres dbname=$db"
  psql -q -c "CREATE DATABASE $db"
  bench_load_catalogue "$db" "$variants"
  "$stockd" setup --dsn "$dsn" >&2
  if [ "$mode" = without ]; then psql -q -d "$db" -c "ALTER PUBLICATION stockd DROP TABLE stock_move"; fi
  "$stockd" ingest-benchmark --dsn "$dsn" --store "$work/store-$db" --log-level warning --stop-after 0 >/dev/null
  start=$(psql -d "$db" -Atc "SELECT pg_current_wal_lsn()")
  log "round $round, $mode stock_move: writing the backlog"
  psql -q -v ON_ERROR_STOP=1 -d "$db" -f "$work/operations.sql"
  # End on a transaction both publications carry: when the backlog ends with move-only transactions, a publication
  # without stock_move sends nothing for them, and stockd would wait for a keepalive to reach the end LSN.
  psql -q -d "$db" -c "UPDATE stock_quant SET write_date = write_date WHERE id = (SELECT min(id) FROM stock_quant)"
  end=$(psql -d "$db" -Atc "SELECT pg_current_wal_lsn()")
  wal=$(psql -d "$db" -Atc "SELECT pg_wal_lsn_diff('$end', '$start')::bigint")
  log "round $round, $mode stock_move: stockd drains it"
  json=$("$stockd" ingest-benchmark --dsn "$dsn" --store "$work/store-$db" --log-level warning --stop-at-lsn "$end")
  python3 - "$round" "$mode" "$wal" "$json" "$operations" <<'PY'
import json, sys
round_, mode, wal, data, operations = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4]), int(sys.argv[5])
s = data["seconds"]
print(f"| {round_} | {mode} stock_move | {wal:,} | {data['row_changes']:,} | {data.get('dropped_move_rows', 0):,} | {s:.3f} | {data['row_changes']/s:,.0f} | {operations/s:,.0f} |")
PY
  # Free the slot (slot names are per cluster) and the space before the next database.
  psql -q -d "$db" -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = current_database()" >/dev/null
  psql -q -c "DROP DATABASE $db"
  rm -rf "$work/store-$db"
}
for round in $(seq 1 "$rounds"); do
  run "$round" without
  run "$round" with
done
echo
