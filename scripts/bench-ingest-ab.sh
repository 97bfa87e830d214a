#!/usr/bin/env bash
# A/B of two stockd builds on the same backlog of WAL (run by hand, never in CI): every instance has its own slot
# and store, all snapshotted before the backlog is written, then they drain it one after the other in the order
# A B B A A B, and each prints `stockd ingest-benchmark`'s JSON line (seconds from streaming to the backlog's end
# applied; cpu_seconds where the build reports it). Use it to tell whether a change to the feed or the apply path
# helps end to end; read the medians, and note the load average printed on each line.
#
# Usage: scripts/bench-ingest-ab.sh A_STOCKD B_STOCKD [--variants N] [--operations N]
#   A_STOCKD, B_STOCKD  paths to two stockd binaries (copy a release build aside before rebuilding the other)
#   --variants N        catalogue size (default 500,000); --operations N the backlog (default 30,000)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/bench-lib.sh
[ $# -ge 2 ] || { echo "usage: scripts/bench-ingest-ab.sh A_STOCKD B_STOCKD [--variants N] [--operations N]" >&2; exit 2; }
a_bin=$(realpath "$1"); b_bin=$(realpath "$2"); shift 2
variants=500000; operations=30000
while [ $# -gt 0 ]; do
  case "$1" in
    --variants) variants="$2"; shift 2 ;;
    --operations) operations="$2"; shift 2 ;;
    *) echo "usage: scripts/bench-ingest-ab.sh A_STOCKD B_STOCKD [--variants N] [--operations N]" >&2; exit 2 ;;
  esac
done
scripts/install-deps.sh
build_binaries release  # odoo-fixtures (and a stockd that is not used)
bench_workspace stockd-ab
bench_load_catalogue bench "$variants"
psql -q -d bench -c "VACUUM ANALYZE"
"$a_bin" setup --dsn "$dsn" >/dev/null 2>&1
order="a1 b1 b2 a2 a3 b3"
for instance in $order; do
  bin=$a_bin; [ "${instance:0:1}" = b ] && bin=$b_bin
  "$bin" ingest-benchmark --dsn "$dsn" --instance "$instance" --store "$work/store-$instance" --log-level warning --stop-after 0 >/dev/null
done
"$fixtures" operations --odoo 17.0 --variants "$variants" --count "$operations" | psql -q -v ON_ERROR_STOP=1 -d bench
end=$(psql -d bench -Atc "SELECT pg_current_wal_lsn()")
for instance in $order; do
  bin=$a_bin; [ "${instance:0:1}" = b ] && bin=$b_bin
  echo "$instance load $(cut -d' ' -f1-3 /proc/loadavg) $("$bin" ingest-benchmark --dsn "$dsn" --instance "$instance" --store "$work/store-$instance" --log-level warning --stop-at-lsn "$end")"
done
