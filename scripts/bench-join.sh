#!/usr/bin/env bash
# Join time of a new instance: `stockd clone` from a running peer vs a fresh snapshot (`stockd serve` on an empty
# store), each measured to the first 200 of /readyz, against a throwaway PostgreSQL and a release build. Run by hand.
#
# One database with a generated Odoo 17 catalogue (odoo-fixtures, as the other scripts/bench-* do); a peer instance
# `a` serves it. Then, RUNS times in turn:
#   fresh: `stockd serve` on an empty store as instance fN (its own slot, the initial snapshot of Odoo's tables);
#   clone: `stockd clone --from <a>` into an empty store as instance cN, then `stockd serve` on it (no snapshot);
# each is stopped, its slot decommissioned and its store removed before the next. Prints every run, the medians and
# the ratio fresh/clone as a markdown table on stdout; progress on stderr.
#
# Usage: scripts/bench-join.sh [VARIANTS (default 500000)] [RUNS (default 3)]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
variants="${1:-500000}"
runs="${2:-3}"
log() { echo "bench-join: $*" >&2; }
build_binaries release
work=$(mktemp -d /tmp/stockd-bench-join.XXXXXX)
chmod 755 "$work"
export PGTEST_DIR="$work/pg"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  scripts/pg-test.sh destroy >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
scripts/pg-test.sh start >&2
eval "$(scripts/pg-test.sh env)"
export PGHOST PGPORT PGUSER
db=bench_join
dsn="host=127.0.0.1 port=$PGPORT user=postgres dbname=$db"
psql -q -c "CREATE DATABASE $db"
"$fixtures" schema --odoo 17.0 | psql -q -v ON_ERROR_STOP=1 -d $db
log "loading a catalogue of $variants variants"
"$fixtures" catalogue --odoo 17.0 --variants "$variants" | psql -q -v ON_ERROR_STOP=1 -d $db
psql -q -d $db -c "VACUUM ANALYZE"
quants=$(psql -d $db -Atc "SELECT count(*) FROM stock_quant")
"$stockd" setup --dsn "$dsn" --log-level warning >/dev/null 2>&1 || true
token="join-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

# serve NAME STORE: starts `stockd serve` as instance NAME on STORE; sets serve_pid and api.
serve() {
  local port; port=$(free_port)
  api="http://127.0.0.1:$port"
  STOCKD_INSTANCE_NAME="$1" STOCKD_HTTP_TOKENS="$token:read,admin" "$stockd" serve --dsn "$dsn" --store "$2" --port "$port" \
    --log-level warning --status-every 0 >>"$work/stockd-$1.log" 2>&1 &
  serve_pid=$!
  pids+=("$serve_pid")
}
# retire NAME STORE: stops the instance started last, drops its slot, removes its store.
retire() {
  kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
  "$stockd" decommission --dsn "$dsn" --instance "$1" >/dev/null
  rm -rf "$2"
}
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

log "peer a: initial snapshot of $quants quants"
serve a "$work/a"
peer_api=$api
wait_ready "$peer_api" "$serve_pid" 3600 >/dev/null
store_mib=$(du -sm "$work/a" | cut -f1)

fresh=(); clone=(); clone_copy=(); clone_bytes=""
for run in $(seq 1 "$runs"); do
  log "run $run/$runs: fresh snapshot"
  started=$(date +%s%N)
  serve "f$run" "$work/f$run"
  wait_ready "$api" "$serve_pid" 3600 "$started" 0.01 >/dev/null
  fresh+=("$(ms_since "$started")")
  retire "f$run" "$work/f$run"

  log "run $run/$runs: clone from a, then serve"
  started=$(date +%s%N)
  out=$("$stockd" clone --from "$peer_api" --token "$token" --dsn "$dsn" --store "$work/c$run" --instance "c$run" --log-level warning)
  clone_copy+=("$(ms_since "$started")")
  clone_bytes=$(echo "$out" | sed -n 's/^cloned \([0-9]*\) bytes.*/\1/p')
  serve "c$run" "$work/c$run"
  wait_ready "$api" "$serve_pid" 3600 "$started" 0.01 >/dev/null
  clone+=("$(ms_since "$started")")
  if grep -q "initial snapshot committed" "$work/stockd-c$run.log"; then log "FAILED: the clone took a snapshot"; exit 1; fi
  retire "c$run" "$work/c$run"
done

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
fresh_median=$(median "${fresh[@]}")
clone_median=$(median "${clone[@]}")
copy_median=$(median "${clone_copy[@]}")
echo "| join of a new instance ($variants variants, $quants quants; store $store_mib MiB, copy $(( clone_bytes / 1048576 )) MiB) | runs (ms) | median |"
echo "| --- | --- | --- |"
echo "| fresh snapshot: \`stockd serve\` on an empty store, to /readyz 200 | ${fresh[*]} | $(awk "BEGIN { printf \"%.1f s\", $fresh_median / 1000 }") |"
echo "| clone: \`stockd clone\` (slot, copy, verify, install) | ${clone_copy[*]} | $(awk "BEGIN { printf \"%.1f s\", $copy_median / 1000 }") |"
echo "| clone: \`stockd clone\` then \`stockd serve\`, to /readyz 200 | ${clone[*]} | $(awk "BEGIN { printf \"%.1f s\", $clone_median / 1000 }") |"
echo
echo "fresh / clone (medians): $(awk "BEGIN { printf \"%.2f\", $fresh_median / $clone_median }")x"
