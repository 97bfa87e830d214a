#!/usr/bin/env bash
# Webhook delivery benchmark (issue 13; run by hand, never in CI). One `stockd serve` follows a throwaway
# PostgreSQL with one rule that fires on every change of a variant's on-hand total. For each batch size of
# --batch-sizes (default "1 100": side by side in one run) it has SUBS subscriptions of that `batch_size` to a
# local nginx (Debian's package, installed if missing) that answers 204 and logs each request's arrival time
# (ms), path and body. All start paused; each group is measured alone, the others paused (admin API):
#   1. latency: the group skips to the newest event (replay from now) and is resumed; pgbench writes RATE
#      single-quant transactions per second for SECONDS (one event each); for every event delivered, arrival
#      time minus its `commit_time` (PostgreSQL's commit timestamp): p50, p90, p99, max. Then it is paused.
#   2. backlog: with every group paused, BACKLOG events are committed and ingested into the outbox (stockd reads
#      its own `min_lsn` to know). Then each group in turn replays from the backlog's start and is resumed: the
#      time from the resume to the last delivery, and the events per second. (The receiver "comes back" as the
#      resume: a stopped receiver would only add the retry back-off to the figure.)
# --delivery JSON adds keys to the events file's "delivery" object (e.g. '{"max_backlog_pause_ms": 0}').
# --bin DIR uses the stockd and odoo-fixtures binaries in DIR instead of building them.
# Usage: scripts/bench-webhooks.sh [--rate N] [--seconds N] [--backlog N] [--subscriptions N] [--batch-sizes "1 100"] [--delivery JSON] [--bin DIR] [--debug]
# Prints a markdown report to stdout; progress to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
rate=1000; seconds=20; backlog=100000; subscriptions=1; batch_sizes="1 100"; configuration=release; bin_dir=""; delivery="{}"
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --backlog) backlog="$2"; shift 2 ;;
    --subscriptions) subscriptions="$2"; shift 2 ;;
    --batch-sizes) batch_sizes="$2"; shift 2 ;;
    --bin) bin_dir="$2"; shift 2 ;;
    --delivery) delivery="$2"; shift 2 ;;
    --debug) configuration=debug; shift ;;
    *) echo "usage: scripts/bench-webhooks.sh [--rate N] [--seconds N] [--backlog N] [--subscriptions N] [--batch-sizes \"1 100\"] [--delivery JSON] [--bin DIR] [--debug]" >&2; exit 2 ;;
  esac
done
log() { echo "bench-webhooks: $*" >&2; }
ensure_nginx
if [ -n "$bin_dir" ]; then
  stockd="$bin_dir/stockd"; fixtures="$bin_dir/odoo-fixtures"
else
  log "building $configuration binaries"
  build_binaries "$configuration"
fi

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
# $request_body is only read when the request is proxied: /hook passes it to /ok over a kept-alive connection.
write_nginx_conf "$work" "  log_format hooks escape=json '\$msec \$uri \$request_body';
  upstream self { server 127.0.0.1:$receiver_port; keepalive 32; }
  server {
    listen 127.0.0.1:$receiver_port;
    access_log off;
    location /hook/ { access_log $work/hooks.log hooks; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_pass http://self/ok; }
    location = /ok { return 204; }
  }"
start_receiver() { "$nginx_bin" -c "$work/nginx.conf" -p "$work/nginx" 2>>"$work/nginx/error.log"; }

token="bench-admin-token-0123456789"
python3 - "$subscriptions" "$receiver_port" "$batch_sizes" "$delivery" >"$work/events.json" <<'PY'
import json, sys
count, port, sizes = int(sys.argv[1]), int(sys.argv[2]), [int(b) for b in sys.argv[3].split()]
extra = json.loads(sys.argv[4])
print(json.dumps({
    "rules": [{"id": "on-hand", "products": "all", "figure": "on_hand", "condition": "changed"}],
    "subscriptions": [{"id": f"b{b}-s{i}", "url": f"http://127.0.0.1:{port}/hook/b{b}-s{i}", "batch_size": b,
                       "secret": "whsec_YmVuY2htYXJrLXNlY3JldC1iZW5jaG1hcms=", "rules": ["on-hand"], "mode": "paused"}
                      for b in sizes for i in range(count)],
    "delivery": {"max_attempts": 1000000, "max_age_seconds": 86400, "initial_backoff_ms": 50, "max_backoff_ms": 250, **extra},
}))
PY

start_receiver
touch "$work/hooks.log"
groups=$(echo $batch_sizes | wc -w)
log "starting stockd ($groups group(s) of $subscriptions subscription(s): batch sizes $batch_sizes)"
STOCKD_EVENTS_RULES_FILE="$work/events.json" STOCKD_EVENTS_OUTBOX_MAX_COUNT=$((backlog * 2 + 1000000)) \
  STOCKD_HTTP_TOKENS="$token:read,admin:bench" \
  "$stockd" serve --dsn "$dsn" --store "$work/store" --port "$http_port" --log-level warning >"$work/stockd.log" 2>&1 &
stockd_pid=$!
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$http_port/readyz" >/dev/null 2>&1 && break
  kill -0 "$stockd_pid" 2>/dev/null || { cat "$work/stockd.log" >&2; exit 1; }
  sleep 0.2
done

api() { # api METHOD PATH: an admin call; fails the script on an error status
  curl -fsS -X "$1" -H "Authorization: Bearer $token" "http://127.0.0.1:$http_port$2" >/dev/null
}
group_ids() { for i in $(seq 0 $((subscriptions - 1))); do echo "b$1-s$i"; done; }
# Waits until stockd has ingested up to the current WAL position (its own read-your-writes).
wait_ingested() {
  local lsn; lsn=$(psql -At -d bench -c "SELECT pg_current_wal_lsn()")
  until curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$http_port/v1/availability?sku=$sku&min_lsn=$lsn" >/dev/null; do
    sleep 0.2
  done
}
# Waits until every subscription of group B has an empty queue (its cursor, written after each read of the
# outbox, is at the newest event), or 60 s without its cursors moving (the depth is counted up to 10,000 only).
wait_delivered() {
  local b=$1 last="" still=0
  while true; do
    local depths="" cursors="" id status
    for id in $(group_ids "$b"); do
      status=$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$http_port/v1/admin/subscriptions/$id")
      depths="$depths $(echo "$status" | grep -o '"queue_depth":[0-9]*' | cut -d: -f2)"
      cursors="$cursors $(echo "$status" | grep -o '"cursor":"[^"]*"')"
    done
    [ -z "$(echo $depths | tr -d ' 0')" ] && return 0
    if [ "$cursors" = "$last" ]; then still=$((still + 1)); else still=0; fi
    [ "$still" -ge 300 ] && { log "stuck: queue depths$depths"; return 1; }
    last=$cursors
    sleep 0.2
  done
}
offset() { stat -c %s "$work/hooks.log"; }

# Phase 1, per group: latency at RATE transactions/s.
: >"$work/phases"
for b in $batch_sizes; do
  log "phase 1, batch size $b: $rate transactions/s for $seconds s"
  now=$(date +%s.%N)
  for id in $(group_ids "$b"); do api POST "/v1/admin/subscriptions/$id/replay?from_time=$now"; api POST "/v1/admin/subscriptions/$id/resume"; done
  sleep 1
  from=$(offset)
  pgbench -n -d bench -f "$work/update.sql" -R "$rate" -T "$seconds" -c 4 -j 2 >"$work/pgbench-latency-$b.log" 2>&1
  committed=$(awk '/number of transactions actually processed/ {print $6}' "$work/pgbench-latency-$b.log" | cut -d/ -f1)
  wait_ingested
  wait_delivered "$b"
  sleep 0.5
  for id in $(group_ids "$b"); do api POST "/v1/admin/subscriptions/$id/pause"; done
  echo "latency $b $from $(offset) $committed" >>"$work/phases"
done

# Phase 2: one backlog, caught up by each group in turn.
sleep 1
backlog_start=$(date +%s.%N)
log "phase 2: a backlog of $backlog events, every subscription paused"
clients=4
pgbench -n -d bench -f "$work/update.sql" -c "$clients" -j 2 -t $((backlog / clients)) >"$work/pgbench-backlog.log" 2>&1
backlog_events=$(( backlog / clients * clients ))
started_ingest=$(date +%s.%N)
wait_ingested
ingested=$(date +%s.%N)
for b in $batch_sizes; do
  log "phase 2, batch size $b: catching up $backlog_events events x $subscriptions subscription(s)"
  for id in $(group_ids "$b"); do api POST "/v1/admin/subscriptions/$id/replay?from_time=$backlog_start"; done
  sleep 1
  from=$(offset)
  resumed=$(date +%s.%N)
  for id in $(group_ids "$b"); do api POST "/v1/admin/subscriptions/$id/resume"; done
  wait_delivered "$b"
  sleep 0.5
  for id in $(group_ids "$b"); do api POST "/v1/admin/subscriptions/$id/pause"; done
  echo "backlog $b $from $(offset) $backlog_events $resumed" >>"$work/phases"
done

python3 - "$work/hooks.log" "$work/phases" "$rate" "$seconds" "$subscriptions" "$configuration" "$(nproc)" \
  "$started_ingest" "$ingested" <<'PY'
import datetime, re, sys
hooks_log, phases, rate, seconds, subscriptions, configuration, cores, started_ingest, ingested = sys.argv[1:]
subscriptions = int(subscriptions)
commit = re.compile(r'commit_time\\?":\\?"([^"\\]+)')
def lines(start, end):
    with open(hooks_log, "rb") as log:
        log.seek(int(start))
        return log.read(int(end) - int(start)).decode().splitlines()
def stamp(text): return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
print(f"### Webhook deliveries (scripts/bench-webhooks.sh, {configuration})")
print()
print(f"Machine: {cores} cores; {subscriptions} live subscription(s) per batch size to a local nginx, measured one batch size at a time;"
      " one rule firing on every change of a variant's on-hand total.")
print()
print(f"| batch size | commit → received, {rate} tx/s for {seconds} s | events received | requests | p50 ms | p90 ms | p99 ms | max ms |")
print("|---|---|---|---|---|---|---|---|")
backlog_rows = []
for phase in open(phases):
    kind, size, start, end, events, *rest = phase.split()
    chunk = lines(start, end)
    if kind == "latency":
        latencies = sorted((float(l.split(" ", 1)[0]) - stamp(c)) * 1000 for l in chunk for c in commit.findall(l))
        def pct(p): return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]
        print(f"| {size} | {events} transactions | {len(latencies):,} | {len(chunk):,} | {pct(50):.1f} | {pct(90):.1f} | {pct(99):.1f} | {latencies[-1]:.1f} |")
    else:
        arrivals = [float(l.split(" ", 1)[0]) for l in chunk]
        received = sum(l.count("commit_time") for l in chunk)
        elapsed = max(arrivals) - float(rest[0])
        backlog_rows.append((size, int(events), received, len(chunk), elapsed))
print()
print(f"Ingest tail after the backlog's last commit: {float(ingested) - float(started_ingest):.1f} s.")
print()
print("| batch size | backlog events × subscriptions | events received | requests | catch-up s (resume → last delivery) | events/s |")
print("|---|---|---|---|---|---|")
for size, events, received, requests, elapsed in backlog_rows:
    print(f"| {size} | {events:,} × {subscriptions} | {received:,} | {requests:,} | {elapsed:.1f} | {received / elapsed:,.0f} |")
PY
