#!/usr/bin/env bash
# Webhook delivery benchmark (issue 13; run by hand, never in CI). One `stockd serve` follows a throwaway
# PostgreSQL with one rule that fires on every change of a variant's on-hand total, and SUBS live subscriptions
# to a local nginx (Debian's package, installed if missing) that answers 204 and logs each delivery's arrival time
# (ms) and body. Two phases:
#   1. latency: pgbench writes RATE single-quant transactions per second for SECONDS (one event each); for every
#      delivery, arrival time minus the event's `commit_time` (PostgreSQL's commit timestamp): p50, p90, p99, max.
#   2. backlog: nginx is stopped, BACKLOG events are committed and ingested into the outbox (stockd reads its
#      own `min_lsn` to know), nginx starts again: the time from its start to the last delivery, and the rate.
# Usage: scripts/bench-webhooks.sh [--rate N] [--seconds N] [--backlog N] [--subscriptions N] [--debug]
# Prints a markdown report to stdout; progress to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
rate=1000; seconds=20; backlog=100000; subscriptions=1; configuration=release
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --backlog) backlog="$2"; shift 2 ;;
    --subscriptions) subscriptions="$2"; shift 2 ;;
    --debug) configuration=debug; shift ;;
    *) echo "usage: scripts/bench-webhooks.sh [--rate N] [--seconds N] [--backlog N] [--subscriptions N] [--debug]" >&2; exit 2 ;;
  esac
done
log() { echo "bench-webhooks: $*" >&2; }
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  log "installing nginx (the local receiver)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends nginx-light >/dev/null ||
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends nginx >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
log "building $configuration binaries"
build_binaries "$configuration"

work=$(mktemp -d /tmp/stockd-bench-webhooks.XXXXXX)
chmod 755 "$work"
export PGTEST_DIR="$work/pg"
stockd_pid=""
cleanup() {
  [ -n "$stockd_pid" ] && kill "$stockd_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  scripts/pg-test.sh destroy >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
scripts/pg-test.sh start >&2
eval "$(scripts/pg-test.sh env)"
export PGHOST PGPORT PGUSER
dsn="host=127.0.0.1 port=$PGPORT user=postgres dbname=bench"
psql -q -c "CREATE DATABASE bench"
"$fixtures" schema --odoo 17.0 | psql -q -v ON_ERROR_STOP=1 -d bench
"$fixtures" catalogue --odoo 17.0 --variants 10000 | psql -q -v ON_ERROR_STOP=1 -d bench
"$stockd" setup --dsn "$dsn" >&2
quants=$(psql -At -d bench -c "SELECT max(id) FROM stock_quant")
sku=$(psql -At -d bench -c "SELECT default_code FROM product_product WHERE default_code IS NOT NULL ORDER BY id LIMIT 1")
cat >"$work/update.sql" <<SQL
\set q random(1, $quants)
UPDATE stock_quant SET quantity = quantity + 1 WHERE id = :q;
SQL

receiver_port=$(free_port)
http_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  client_body_buffer_size 64k;
  keepalive_requests 1000000;
  # \$request_body is only read when the request is proxied: /hook passes it to /ok over a kept-alive connection.
  log_format hooks escape=json '\$msec \$http_webhook_id \$request_body';
  upstream self { server 127.0.0.1:$receiver_port; keepalive 32; }
  server {
    listen 127.0.0.1:$receiver_port;
    access_log off;
    location /hook/ { access_log $work/hooks.log hooks; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://self/ok; }
    location = /ok { return 204; }
  }
}
NGINX
start_receiver() { "$nginx_bin" -c "$work/nginx.conf" -p "$work/nginx" 2>>"$work/nginx/error.log"; }
stop_receiver() {
  kill -TERM "$(cat "$work/nginx.pid")"
  while [ -f "$work/nginx.pid" ] && kill -0 "$(cat "$work/nginx.pid")" 2>/dev/null; do sleep 0.1; done
}

python3 - "$subscriptions" "$receiver_port" >"$work/events.json" <<'PY'
import json, sys
count, port = int(sys.argv[1]), int(sys.argv[2])
print(json.dumps({
    "rules": [{"id": "on-hand", "products": "all", "figure": "on_hand", "condition": "changed"}],
    "subscriptions": [{"id": f"s{i}", "url": f"http://127.0.0.1:{port}/hook/s{i}",
                       "secret": "whsec_YmVuY2htYXJrLXNlY3JldC1iZW5jaG1hcms=", "rules": ["on-hand"], "mode": "live"}
                      for i in range(count)],
    # The receiver is down on purpose in phase 2: retry soon after it is back.
    "delivery": {"max_attempts": 1000000, "max_age_seconds": 86400, "initial_backoff_ms": 50, "max_backoff_ms": 250},
}))
PY

start_receiver
log "starting stockd ($subscriptions subscription(s))"
STOCKD_EVENTS_RULES_FILE="$work/events.json" STOCKD_EVENTS_OUTBOX_MAX_COUNT=$((backlog * 2 + 1000000)) \
  "$stockd" serve --dsn "$dsn" --store "$work/store" --port "$http_port" --log-level warning >"$work/stockd.log" 2>&1 &
stockd_pid=$!
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$http_port/readyz" >/dev/null 2>&1 && break
  kill -0 "$stockd_pid" 2>/dev/null || { cat "$work/stockd.log" >&2; exit 1; }
  sleep 0.2
done

deliveries() { [ -f "$work/hooks.log" ] && wc -l <"$work/hooks.log" || echo 0; }
# Waits until stockd has ingested up to the current WAL position (its own read-your-writes).
wait_ingested() {
  local lsn; lsn=$(psql -At -d bench -c "SELECT pg_current_wal_lsn()")
  until curl -fs "http://127.0.0.1:$http_port/v1/availability?sku=$sku&min_lsn=$lsn" >/dev/null; do sleep 0.2; done
}
wait_deliveries() { # wait_deliveries N: until N deliveries are logged (or 30 s without progress)
  local want=$1 last=-1 still=0
  while true; do
    local have; have=$(deliveries)
    [ "$have" -ge "$want" ] && return 0
    if [ "$have" -eq "$last" ]; then still=$((still + 1)); else still=0; fi
    [ "$still" -ge 300 ] && { log "stuck at $have of $want deliveries"; return 1; }
    last=$have
    sleep 0.1
  done
}

log "phase 1: $rate transactions/s for $seconds s"
pgbench -n -d bench -f "$work/update.sql" -R "$rate" -T "$seconds" -c 4 -j 2 >"$work/pgbench-latency.log" 2>&1
committed=$(awk '/number of transactions actually processed/ {print $6}' "$work/pgbench-latency.log" | cut -d/ -f1)
wait_ingested
wait_deliveries $((committed * subscriptions))
cp "$work/hooks.log" "$work/latency.log"

log "phase 2: a backlog of $backlog events with the receiver down"
stop_receiver
before=$(deliveries)
clients=4
pgbench -n -d bench -f "$work/update.sql" -c "$clients" -j 2 -t $((backlog / clients)) >"$work/pgbench-backlog.log" 2>&1
backlog_events=$(( backlog / clients * clients ))
started_ingest=$(date +%s.%N)
wait_ingested
ingested=$(date +%s.%N)
receiver_started=$(date +%s.%N)
start_receiver
wait_deliveries $((before + backlog_events * subscriptions))

python3 - "$work/latency.log" "$work/hooks.log" "$before" "$receiver_started" "$rate" "$seconds" "$committed" \
  "$subscriptions" "$backlog_events" "$configuration" "$(nproc)" "$started_ingest" "$ingested" <<'PY'
import datetime, re, sys
(latency_log, hooks_log, before, receiver_started, rate, seconds, committed, subscriptions, backlog, configuration,
 cores, started_ingest, ingested) = sys.argv[1:]
commit = re.compile(r'commit_time\\?":\\?"([^"\\]+)')
def parse(line):
    arrival, _, body = line.split(" ", 2)
    stamp = commit.search(body).group(1).replace("Z", "+00:00")
    return float(arrival), datetime.datetime.fromisoformat(stamp).timestamp()
latencies = sorted((a - c) * 1000 for a, c in map(parse, open(latency_log)))
def pct(p): return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]
lines = open(hooks_log).read().splitlines()[int(before):]
arrivals = [float(l.split(" ", 1)[0]) for l in lines]
elapsed = max(arrivals) - float(receiver_started)
print(f"### Webhook deliveries (scripts/bench-webhooks.sh, {configuration})")
print()
print(f"Machine: {cores} cores; {subscriptions} live subscription(s) to a local nginx; one rule firing on every change of a variant's on-hand total.")
print()
print(f"| commit → received, {rate} tx/s for {seconds} s | deliveries | p50 ms | p90 ms | p99 ms | max ms |")
print("|---|---|---|---|---|---|")
print(f"| {committed} transactions | {len(latencies):,} | {pct(50):.1f} | {pct(90):.1f} | {pct(99):.1f} | {latencies[-1]:.1f} |")
print()
print("| backlog | events | deliveries | ingest tail after the last commit s | catch-up s (receiver start → last delivery) | deliveries/s |")
print("|---|---|---|---|---|---|")
print(f"| receiver down, then up | {int(backlog):,} | {len(lines):,} | {float(ingested) - float(started_ingest):.1f} | {elapsed:.1f} | {len(lines) / elapsed:,.0f} |")
PY
