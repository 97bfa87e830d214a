#!/usr/bin/env bash
# Read throughput through HAProxy with two stockd instances vs one: single-SKU GET /v1/availability (random SKUs),
# wrk through a local HAProxy (Debian's package) to 1 and then 2 release `stockd serve` instances on their own slots,
# same PostgreSQL, same catalogue. Run by hand.
#
# On one machine wrk, HAProxy, PostgreSQL and both instances share its cores: the 2-instance figure says what a
# second instance costs and gives back when they compete for the same CPUs, not what two machines would do (there
# each instance has its own cores; reads do not touch PostgreSQL, so the read capacity adds up, less the balancer).
#
# Usage: scripts/bench-balancer.sh [VARIANTS (default 50000)] [SECONDS per wrk run (default 10)] [CONNECTIONS (default 64)]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
variants="${1:-50000}"
seconds="${2:-10}"
connections="${3:-64}"
log() { echo "bench-balancer: $*" >&2; }
build_binaries release
lua="$PWD/scripts/wrk"
work=$(mktemp -d /tmp/stockd-bench-balancer.XXXXXX)
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
db=bench_balancer
dsn="host=127.0.0.1 port=$PGPORT user=postgres dbname=$db"
psql -q -c "CREATE DATABASE $db"
"$fixtures" schema --odoo 17.0 | psql -q -v ON_ERROR_STOP=1 -d $db
log "loading a catalogue of $variants variants"
"$fixtures" catalogue --odoo 17.0 --variants "$variants" | psql -q -v ON_ERROR_STOP=1 -d $db
"$stockd" setup --dsn "$dsn" --log-level warning >/dev/null 2>&1 || true
# A random sample of 20,000 SKUs: wrk reads the file in each thread's Lua init, and runs the second thread's while
# the first already sends (scripts/bench-http.sh --latency-check shows what a large file does to the figures).
psql -d $db -Atc "SELECT sku FROM (SELECT DISTINCT default_code AS sku FROM product_product WHERE default_code IS NOT NULL AND active) s ORDER BY random() LIMIT 20000" \
  | python3 -c 'import sys, urllib.parse; [print(urllib.parse.quote(l.strip(), safe="")) for l in sys.stdin if l.strip()]' >"$work/skus.url"

ports=()
for name in a b; do
  port=$(free_port)
  STOCKD_INSTANCE_NAME=$name "$stockd" serve --dsn "$dsn" --store "$work/$name" --port "$port" --log-level warning --status-every 0 \
    >>"$work/stockd-$name.log" 2>&1 &
  pids+=($!)
  wait_ready "http://127.0.0.1:$port" "$!" 1800 >/dev/null
  ports+=("$port")
  log "instance $name ready on $port"
done

# haproxy_with N: HAProxy in front of the first N instances (the configuration of docs/operations.md); sets front.
haproxy_pid=""
haproxy_with() {
  if [ -n "$haproxy_pid" ]; then kill "$haproxy_pid"; wait "$haproxy_pid" 2>/dev/null || true; fi
  local port; port=$(free_port)
  front="http://127.0.0.1:$port"
  {
    printf 'global\n    maxconn 4096\ndefaults\n    mode http\n    timeout connect 2s\n    timeout client 30s\n    timeout server 30s\n'
    printf '    retries 3\n    option redispatch 1\n    retry-on conn-failure empty-response response-timeout 503\n'
    printf 'backend stockd\n    balance roundrobin\n    option httpchk GET /readyz\n    http-check expect status 200\n'
    printf '    default-server inter 500ms fall 2 rise 2\n'
    for i in $(seq 0 $(( $1 - 1 ))); do printf '    server s%d 127.0.0.1:%s check\n' "$i" "${ports[$i]}"; done
    printf 'frontend api\n    bind 127.0.0.1:%s\n    default_backend stockd\n' "$port"
  } >"$work/haproxy-$1.cfg"
  /usr/sbin/haproxy -f "$work/haproxy-$1.cfg" -db >"$work/haproxy-$1.log" 2>&1 &
  haproxy_pid=$!
  pids+=("$haproxy_pid")
  wait_ready "$front" "$haproxy_pid" 30 >/dev/null
  sleep 1
}
run_wrk() {
  wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s -s "$lua/availability.lua" "$front" -- "$work/skus.url" | grep '^WRK_JSON ' | sed 's/^WRK_JSON //'
}
field() { python3 -c "import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

haproxy_with 1
one=$(run_wrk)
log "1 instance: $one"
haproxy_with 2
two=$(run_wrk)
log "2 instances: $two"
# Direct to one instance, no balancer: what HAProxy itself costs on this machine.
front="http://127.0.0.1:${ports[0]}"
direct=$(run_wrk)
log "direct: $direct"

row() { printf '| %s | %s | %.1f ms | %.1f ms | %s |\n' "$1" "$(field "$2" rps)" "$(echo "$(field "$2" p50_us) / 1000" | bc -l)" \
  "$(echo "$(field "$2" p99_us) / 1000" | bc -l)" "$(( $(field "$2" errors) + $(field "$2" non_2xx) ))"; }
echo "| single-SKU GET, $connections connections, ${seconds} s ($variants variants, $(nproc) cores shared by all) | req/s | p50 | p99 | errors |"
echo "| --- | --- | --- | --- | --- |"
row "HAProxy -> 1 instance" "$one"
row "HAProxy -> 2 instances" "$two"
row "1 instance directly (no balancer)" "$direct"
echo
echo "2 instances / 1 instance through HAProxy: $(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$(field "$two" rps)" "$(field "$one" rps)")x"
