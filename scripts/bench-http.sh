#!/usr/bin/env bash
# End-to-end serving benchmarks against a throwaway PostgreSQL and a release `stockd serve`, side by side in one run
# on this machine (wrk, pgbench, stockd and PostgreSQL share its cores):
#   1. start: time from `stockd serve` on an empty store (initial snapshot) to /readyz 200, and the RSS then;
#   2. HTTP, at 1, 16 and 64 connections (wrk, random SKUs per request): the HTTP floor (GET /healthz?sku=… of the
#      same server, built per request in Lua like the reads, so both cost the client the same), single-SKU GET
#      /v1/availability, and a 100-SKU POST /v1/availability/query scoped to warehouse WH;
#   3. PostgreSQL answering the same two questions (pgbench -M prepared, 1, 16 and 64 clients): the aggregation over
#      stock_quant joined to stock_location, scoped by parent_path as Odoo's location context does;
#   4. a full NDJSON pull of warehouse WH (latency, items/s, MB/s), vs psql COPY of the same aggregation;
#   5. reads under write load: single-SKU GET at 16 connections while pgbench writes stock moves at full speed
#      (stockd ingesting them), with the write rate reached and stockd's lag afterwards;
#   6. restart: time from `stockd serve` on the filled LMDB store to /readyz 200, and the RSS then.
# Every wrk run also reads stockd's own request histogram (`stockd_http_request_duration_seconds` in /metrics)
# before and after, so the report can hold wrk's latencies against the server's and against Little's law (the
# mean latency of a closed loop of C connections at R req/s is C / R).
# --latency-check runs sections 1 and 2, then checks how the single-SKU latencies are measured (issue 12):
#   * wrk reading every SKU in its Lua `init` (what this script did before), against the 20,000-SKU sample the
#     runs now use: wrk runs the second thread's `init` while the first thread already sends;
#   * the floor as one static request (what it was before) against the floor built in Lua per request;
#   * hey (Debian's package), one URL per run, which keeps every request's own latency: as a closed loop like wrk
#     (Little's law must hold for it), and at a fixed rate of half what wrk reached (an open loop, which a slow
#     answer cannot hold back);
# and skips sections 3 to 6. wrk's own percentiles are not those of the requests it sent: before it reports, wrk
# "corrects" its histogram for coordinated omission (stats_correct in wrk.c), adding for every request slower
# than twice the mean interval per connection (C / R) a phantom sample per interval it waited, so one stall of
# 200 ms at 16 connections and 14,000 req/s adds about 2,800 phantom samples of up to 200 ms.
#
# Usage: scripts/bench-http.sh [--variants N] [--warehouses W] [--shelves S] [--duration SECONDS] [--quick]
#                              [--json PATH] [--kits N]
#   --variants N     catalogue size (default 50,000)
#   --warehouses W   warehouses (default 3); --shelves S shelves under each Stock (default 2). 3 and 2 give
#                    7 stock-holding locations per warehouse: 21 in all
#   --duration S     seconds per wrk/pgbench run (default 10; --quick: 3 and 5,000 variants)
#   --json PATH      also write every figure as JSON there
#   --kits N         passed to `odoo-fixtures catalogue --kits N` (default: its default, about 1% of the variants)
#   --latency-check  sections 1 and 2 plus the latency check above (no PostgreSQL runs, pulls, writes or restart)
# Prints a markdown report to stdout; progress to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
variants=50000; warehouses=3; shelves=2; duration=10; json=""; kits=""; quick=0; latency_check=0
while [ $# -gt 0 ]; do
  case "$1" in
    --variants) variants="$2"; shift 2 ;;
    --warehouses) warehouses="$2"; shift 2 ;;
    --shelves) shelves="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --json) json="$2"; shift 2 ;;
    --kits) kits="$2"; shift 2 ;;
    --quick) quick=1; variants=5000; duration=3; shift ;;
    --latency-check) latency_check=1; shift ;;
    *) echo "usage: scripts/bench-http.sh [--variants N] [--warehouses W] [--shelves S] [--duration S] [--quick] [--json PATH] [--kits N] [--latency-check]" >&2; exit 2 ;;
  esac
done
[ -n "$json" ] && json=$(realpath -m "$json")

scripts/install-deps.sh
log() { echo "bench-http: $*" >&2; }
log "building release binaries"
build_binaries release
lua="$PWD/scripts/wrk"

work=$(mktemp -d /tmp/stockd-bench-http.XXXXXX)
chmod 755 "$work"
export PGTEST_DIR="$work/pg"
serve_pid=""
stop_serve() {
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; serve_pid=""; fi
}
cleanup() { stop_serve; scripts/pg-test.sh destroy >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
status_json='{}'
results="$work/results.jsonl"
: >"$results"
record() { echo "$1" >>"$results"; }

scripts/pg-test.sh start >&2
eval "$(scripts/pg-test.sh env)"
db=bench_http
dsn="host=127.0.0.1 port=$PGPORT user=postgres dbname=$db"
psql -q -c "CREATE DATABASE $db"
"$fixtures" schema --odoo 17.0 | psql -q -v ON_ERROR_STOP=1 -d $db
kit_args=()
if [ -n "$kits" ]; then kit_args=(--kits "$kits"); fi
log "loading a catalogue of $variants variants in $warehouses warehouses"
load_started=$(date +%s%N)
"$fixtures" catalogue --odoo 17.0 --variants "$variants" --warehouses "$warehouses" --shelves "$shelves" "${kit_args[@]}" \
  | psql -q -v ON_ERROR_STOP=1 -d $db
psql -q -d $db -c "VACUUM ANALYZE"
load_seconds=$(( ($(date +%s%N) - load_started) / 1000000 ))
quants=$(psql -d $db -Atc "SELECT count(*) FROM stock_quant")
levels=$(psql -d $db -Atc "SELECT count(*) FROM (SELECT DISTINCT product_id, location_id FROM stock_quant) s")
locations=$(psql -d $db -Atc "SELECT count(*) FROM stock_location l WHERE l.usage = 'internal' AND EXISTS (SELECT 1 FROM stock_quant q WHERE q.location_id = l.id)")
"$stockd" setup --dsn "$dsn" --log-level warning >&2

# SKUs in a random order, for wrk (URL-encoded, and as JSON literals) and for pgbench (table bench_skus, not
# published, so stockd never sees it).
psql -q -d $db -c "CREATE TABLE bench_skus AS SELECT row_number() OVER (ORDER BY random()) AS i, sku
                   FROM (SELECT DISTINCT default_code AS sku FROM product_product WHERE default_code IS NOT NULL AND active) s" \
  -c "ALTER TABLE bench_skus ADD PRIMARY KEY (i)" -c "ANALYZE bench_skus"
sku_count=$(psql -d $db -Atc "SELECT count(*) FROM bench_skus")
psql -d $db -Atc "SELECT sku FROM bench_skus ORDER BY i" >"$work/skus.txt"
python3 - "$work/skus.txt" "$work/skus.url" "$work/skus.json" <<'PY'
import json, sys, urllib.parse
skus = [line.rstrip("\n") for line in open(sys.argv[1]) if line.strip()]
open(sys.argv[2], "w").write("".join(urllib.parse.quote(s, safe="") + "\n" for s in skus))
open(sys.argv[3], "w").write("".join(json.dumps(s) + "\n" for s in skus))
PY
# wrk runs the Lua `init` of its second thread (which reads the SKU file) while its first thread already sends,
# counting those requests against a clock that starts later: with a million SKUs that inflated req/s by a third
# and p99 twenty-fold (--latency-check shows it). The runs therefore read a sample of 20,000 SKUs; the list is in
# random order already, so its head is a random sample.
head -n 20000 "$work/skus.url" >"$work/sample.url"
head -n 20000 "$work/skus.json" >"$work/sample.json"
wh_path=$(psql -d $db -Atc "SELECT v.parent_path FROM stock_warehouse w JOIN stock_location v ON v.id = w.view_location_id WHERE w.code = 'WH'")

port=$(free_port)
api="http://127.0.0.1:$port"

# Starts stockd serve on $work/store (setting serve_pid; not in a subshell) and sets ready_ms to the milliseconds
# until /readyz answered 200.
start_serve() {
  local started
  started=$(date +%s%N)
  "$stockd" serve --dsn "$dsn" --store "$work/store" --port "$port" --log-level warning --status-every 0 \
    >>"$work/stockd.log" 2>&1 &
  serve_pid=$!
  if ! ready_ms=$(wait_ready "$api" "$serve_pid" 1800 "$started" 0.005); then
    cat "$work/stockd.log" >&2
    exit 1
  fi
}
rss_mib() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$serve_pid/status"; }
hwm_mib() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$serve_pid/status"; }
# RssAnon: stockd's own memory, without the file-backed pages (the LMDB map, the binary) that VmRSS also counts.
anon_mib() { awk '/RssAnon/ {printf "%.1f", $2 / 1024}' "/proc/$serve_pid/status"; }

# 1. Start from an empty store: the initial snapshot.
log "stockd serve on an empty store (initial snapshot of $quants quants)"
start_serve
sleep 1
record "{\"section\":\"start\",\"name\":\"fresh snapshot\",\"ready_ms\":$ready_ms,\"rss_mib\":$(rss_mib),\"anon_mib\":$(anon_mib),\"peak_rss_mib\":$(hwm_mib)}"

# 2. HTTP, side by side per connection count.
# The request histogram of stockd's /metrics summed over statuses and methods for one route: JSON
# {"count":..,"sum_s":..,"buckets":{"0.005":n,...}} (cumulative counts per upper bound, Prometheus style).
server_histogram() {  # route
  curl -s "$api/metrics" | python3 -c '
import json, re, sys
route = sys.argv[1]
count, total, buckets = 0, 0.0, {}
for line in sys.stdin:
    if not line.startswith("stockd_http_request_duration_seconds") or "route=\"" + route + "\"" not in line:
        continue
    name, value = line.rsplit(" ", 1)
    if name.startswith("stockd_http_request_duration_seconds_bucket"):
        le = re.search(r"le=\"([^\"]+)\"", name).group(1)
        buckets[le] = buckets.get(le, 0) + int(float(value))
    elif name.startswith("stockd_http_request_duration_seconds_count"):
        count += int(float(value))
    elif name.startswith("stockd_http_request_duration_seconds_sum"):
        total += float(value)
print(json.dumps({"count": count, "sum_s": total, "buckets": buckets}))' "$1"
}
# The difference of two server_histogram answers: requests, mean and the share slower than each bound.
server_delta() {  # before after
  python3 -c '
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
n = b["count"] - a["count"]
over = {le: round((n - (b["buckets"].get(le, 0) - a["buckets"].get(le, 0))) / n, 5) if n else 0
        for le in b["buckets"] if le != "+Inf"}
print(json.dumps({"requests": n, "mean_us": round((b["sum_s"] - a["sum_s"]) / n * 1e6, 1) if n else 0, "share_over": over}))' "$1" "$2"
}
route_of() {  # script name -> the route label stockd's metrics use
  case "$1" in
    floor.lua) echo "/healthz" ;;
    query.lua) echo "/v1/availability/query" ;;
    *) echo "/v1/availability" ;;
  esac
}
wrk_run() {  # name connections script url [args...]
  local name=$1 connections=$2 script=$3 url=$4
  shift 4
  local threads=2
  [ "$connections" = 1 ] && threads=1
  local line route before after
  route=$(route_of "$(basename "$script")")
  before=$(server_histogram "$route")
  line=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 10s -s "$script" "$url" -- "$@" | grep '^WRK_JSON ' | sed 's/^WRK_JSON //') \
    || { log "wrk failed for $name at $connections connections"; exit 1; }
  after=$(server_histogram "$route")
  record "{\"section\":\"http\",\"name\":\"$name\",\"connections\":$connections,\"wrk\":$line,\"server\":$(server_delta "$before" "$after")}"
  log "$name, $connections connections: $line"
}
for connections in 1 16 64; do
  wrk_run "floor" "$connections" "$lua/floor.lua" "$api/healthz" "$work/sample.url"
  wrk_run "sku" "$connections" "$lua/availability.lua" "$api" "$work/sample.url"
  wrk_run "query100" "$connections" "$lua/query.lua" "$api" "$work/sample.json" 100 WH
done

# 2b. (--latency-check) The same single-SKU question measured three ways, per connection count.
hey_run() {  # name connections rate_per_s url   (rate 0: a closed loop, each worker sends as soon as answered)
  local name=$1 connections=$2 rate=$3 url=$4 before after pace=()
  [ "$rate" -gt 0 ] && pace=(-q "$(( (rate + connections - 1) / connections ))")
  before=$(server_histogram "/v1/availability")
  hey -z "${duration}s" -c "$connections" "${pace[@]}" -t 10 -o csv "$url" >"$work/hey.csv"
  after=$(server_histogram "/v1/availability")
  local line
  line=$(python3 - "$work/hey.csv" "$duration" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
lat = sorted(float(r["response-time"]) * 1e6 for r in rows)
ok = sum(1 for r in rows if r["status-code"] == "200")
# hey's clock runs from its start to the last answer: the rate over the span the requests really covered.
span = max((float(r["offset"]) + float(r["response-time"]) for r in rows), default=float(sys.argv[2]))
pick = lambda p: int(lat[min(len(lat) - 1, int(len(lat) * p / 100))]) if lat else 0
print(json.dumps({"requests": len(lat), "rps": round(len(lat) / span, 1), "p50_us": pick(50),
                  "p90_us": pick(90), "p99_us": pick(99), "max_us": int(lat[-1]) if lat else 0,
                  "mean_us": round(sum(lat) / len(lat), 1) if lat else 0, "over_25ms": sum(1 for v in lat if v > 25000),
                  "non_2xx": len(lat) - ok}))
PY
)
  record "{\"section\":\"latency\",\"name\":\"$name\",\"connections\":$connections,\"target_rps\":$rate,\"hey\":$line,\"server\":$(server_delta "$before" "$after")}"
  log "$name, $connections connections at $rate req/s: $line"
}
if [ "$latency_check" = 1 ]; then
  command -v hey >/dev/null || { echo "bench-http: hey is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
  one_sku=$(head -1 "$work/sample.url")
  for connections in 16 64; do
    wrk_run "floor, one static request" "$connections" "$lua/floor.lua" "$api/healthz"
    wrk_run "sku, every SKU read in init" "$connections" "$lua/availability.lua" "$api" "$work/skus.url"
    wrk_run "sku, 20,000-SKU sample" "$connections" "$lua/availability.lua" "$api" "$work/sample.url"
    reached=$(python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(int([r for r in rows if r["name"] == "sku, 20,000-SKU sample" and r["connections"] == int(sys.argv[2])][-1]["wrk"]["rps"]))' \
      "$results" "$connections")
    hey_run "sku, closed loop" "$connections" 0 "$api/v1/availability?sku=$one_sku"
    hey_run "sku, fixed rate" "$connections" $(( reached / 2 )) "$api/v1/availability?sku=$one_sku"
  done
fi

if [ "$latency_check" = 0 ]; then
# 3. PostgreSQL answering the same questions. on_hand, reserved and quarantined (QC and Damaged locations) per
# variant; the scope is every warehouse (one SKU) or WH (100 SKUs), by parent_path under the view location.
cat >"$work/pg-sku.sql" <<SQL
\set i random(1, $sku_count)
SELECT p.id, sum(q.quantity) AS on_hand, sum(q.reserved_quantity) AS reserved,
       coalesce(sum(q.quantity) FILTER (WHERE l.complete_name LIKE '%/Quality Control' OR l.complete_name LIKE '%/Damaged'), 0) AS quarantined
FROM product_product p
JOIN stock_quant q ON q.product_id = p.id
JOIN stock_location l ON l.id = q.location_id
WHERE p.default_code = (SELECT sku FROM bench_skus WHERE i = :i)
  AND l.usage = 'internal'
  AND l.parent_path LIKE ANY (ARRAY(SELECT v.parent_path || '%' FROM stock_warehouse w JOIN stock_location v ON v.id = w.view_location_id))
GROUP BY p.id;
SQL
cat >"$work/pg-query100.sql" <<SQL
\set i random(1, $(( sku_count > 100 ? sku_count - 99 : 1 )))
SELECT p.id, sum(q.quantity) AS on_hand, sum(q.reserved_quantity) AS reserved,
       coalesce(sum(q.quantity) FILTER (WHERE l.complete_name LIKE '%/Quality Control' OR l.complete_name LIKE '%/Damaged'), 0) AS quarantined
FROM product_product p
JOIN stock_quant q ON q.product_id = p.id
JOIN stock_location l ON l.id = q.location_id
WHERE p.default_code IN (SELECT sku FROM bench_skus WHERE i BETWEEN :i AND :i + 99)
  AND l.usage = 'internal'
  AND l.parent_path LIKE '$wh_path%'
GROUP BY p.id;
SQL
pgbench_run() {  # name clients file
  local name=$1 clients=$2 file=$3 threads=2
  [ "$clients" = 1 ] && threads=1
  rm -rf "$work/pglog" && mkdir -p "$work/pglog"
  (cd "$work/pglog" && pgbench -n -M prepared -c "$clients" -j "$threads" -T "$duration" -l -f "$file" $db >"$work/pgbench.txt" 2>&1) \
    || { cat "$work/pgbench.txt" >&2; return 1; }
  local line
  line=$(python3 - "$work/pglog" "$work/pgbench.txt" <<'PY'
import glob, json, re, sys
lat = []
for path in glob.glob(sys.argv[1] + "/pgbench_log.*"):
    for row in open(path):
        parts = row.split()
        if len(parts) >= 3 and parts[2].isdigit():
            lat.append(int(parts[2]))
lat.sort()
text = open(sys.argv[2]).read()
tps = float(re.search(r"tps = ([0-9.]+)", text).group(1))
failed = re.search(r"number of failed transactions: (\d+)", text)
pick = lambda p: lat[min(len(lat) - 1, int(len(lat) * p / 100))] if lat else 0
print(json.dumps({"transactions": len(lat), "rps": round(tps, 1), "p50_us": pick(50), "p90_us": pick(90),
                  "p99_us": pick(99), "max_us": lat[-1] if lat else 0,
                  "failed": int(failed.group(1)) if failed else 0}))
PY
)
  record "{\"section\":\"postgres\",\"name\":\"$name\",\"connections\":$clients,\"pgbench\":$line}"
  log "PostgreSQL $name, $clients clients: $line"
}
for clients in 1 16 64; do
  pgbench_run "sku" "$clients" "$work/pg-sku.sql"
  pgbench_run "query100" "$clients" "$work/pg-query100.sql"
done

# 4. Full NDJSON pull of WH, against COPY of the same aggregation out of PostgreSQL.
log "full NDJSON pulls of WH"
python3 - "$api/v1/locations/WH/stock" "$duration" >"$work/pull.json" <<'PY'
import json, statistics, sys, time, urllib.request
url, budget = sys.argv[1], float(sys.argv[2])
times, size, lines = [], 0, 0
started = time.time()
while len(times) < 3 or (time.time() - started < budget and len(times) < 50):
    t0 = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/x-ndjson"}), timeout=600) as r:
        body = r.read()
    times.append(time.perf_counter() - t0)
    size, lines = len(body), body.count(b"\n")
med = statistics.median(times)
print(json.dumps({"runs": len(times), "items": lines, "bytes": size, "median_ms": round(med * 1000, 2),
                  "min_ms": round(min(times) * 1000, 2), "max_ms": round(max(times) * 1000, 2),
                  "items_per_s": round(lines / med), "mib_per_s": round(size / med / 2**20, 1)}))
PY
copy_sql="SELECT p.id, sum(q.quantity), sum(q.reserved_quantity), coalesce(sum(q.quantity) FILTER (WHERE l.complete_name LIKE '%/Quality Control' OR l.complete_name LIKE '%/Damaged'), 0) FROM product_product p JOIN stock_quant q ON q.product_id = p.id JOIN stock_location l ON l.id = q.location_id WHERE l.usage = 'internal' AND l.parent_path LIKE '$wh_path%' GROUP BY p.id HAVING sum(q.quantity) <> 0 OR sum(q.reserved_quantity) <> 0 ORDER BY p.id"
python3 - "$db" "$copy_sql" "$duration" >"$work/copy.json" <<'PY'
import json, statistics, subprocess, sys, time
db, sql, budget = sys.argv[1], sys.argv[2], float(sys.argv[3])
times, rows = [], 0
started = time.time()
while len(times) < 3 or (time.time() - started < budget and len(times) < 50):
    t0 = time.perf_counter()
    out = subprocess.run(["psql", "-d", db, "-Atc", f"COPY ({sql}) TO STDOUT"], check=True, capture_output=True).stdout
    times.append(time.perf_counter() - t0)
    rows = out.count(b"\n")
med = statistics.median(times)
print(json.dumps({"runs": len(times), "rows": rows, "median_ms": round(med * 1000, 2), "min_ms": round(min(times) * 1000, 2),
                  "max_ms": round(max(times) * 1000, 2), "rows_per_s": round(rows / med)}))
PY
record "{\"section\":\"pull\",\"name\":\"ndjson WH\",\"stockd\":$(cat "$work/pull.json"),\"postgres_copy\":$(cat "$work/copy.json")}"
log "pull: $(cat "$work/pull.json"); COPY: $(cat "$work/copy.json")"

# 5. Reads under write load: stock moves written at full speed (4 pgbench clients) while wrk reads.
cat >"$work/move.sql" <<SQL
\set a random(1, $quants)
\set b random(1, $quants)
\set d random(1, 5)
BEGIN;
UPDATE stock_quant SET quantity = quantity - :d, write_date = now() at time zone 'utc' WHERE id = :a;
UPDATE stock_quant SET quantity = quantity + :d, write_date = now() at time zone 'utc' WHERE id = :b;
COMMIT;
SQL
log "reads under write load"
pgbench -n -c 4 -j 2 -T "$duration" -f "$work/move.sql" $db >"$work/writes.txt" 2>&1 &
writer=$!
sleep 0.5
load_line=$(wrk -t2 -c16 -d"$(( duration > 2 ? duration - 1 : duration ))s" --timeout 10s -s "$lua/availability.lua" "$api" -- "$work/sample.url" \
  | grep '^WRK_JSON ' | sed 's/^WRK_JSON //')
wait "$writer" || true
write_tps=$(grep -Eo 'tps = [0-9.]+' "$work/writes.txt" | head -1 | awk '{print $3}')
status_json=$(curl -s "$api/v1/status" || echo '{}')
catchup_ms=$(python3 - "$api/v1/status" <<'PY'
import json, sys, time, urllib.request
started = time.time()
while time.time() - started < 30:
    s = json.load(urllib.request.urlopen(sys.argv[1], timeout=5))
    lag = s.get("feed", s).get("lag_bytes", s.get("lag_bytes"))
    if lag in (0, None):
        break
    time.sleep(0.01)
print(round((time.time() - started) * 1000))
PY
)
record "{\"section\":\"under_load\",\"name\":\"sku under writes\",\"connections\":16,\"wrk\":$load_line,\"write_tps\":${write_tps:-0},\"catch_up_ms\":$catchup_ms}"
log "under load: $load_line; writes $write_tps tx/s; caught up $catchup_ms ms after"

# 6. Restart from the filled LMDB store.
store_mib=$(du -sm "$work/store" | awk '{print $1}')
stop_serve
log "restart from LMDB"
start_serve
sleep 1
record "{\"section\":\"start\",\"name\":\"restart from LMDB\",\"ready_ms\":$ready_ms,\"rss_mib\":$(rss_mib),\"anon_mib\":$(anon_mib),\"peak_rss_mib\":$(hwm_mib),\"store_mib\":$store_mib}"
stop_serve

fi
stop_serve

# The report: JSON (--json) and markdown.
python3 - "$results" "$json" "$variants" "$quants" "$levels" "$locations" "$warehouses" "$duration" "$load_seconds" "$(nproc)" \
  "$(psql -Atc 'SHOW server_version')" "$(swift --version 2>/dev/null | head -1)" "$status_json" <<'PY'
import json, sys
(results, out, variants, quants, levels, locations, warehouses, duration, load_ms, cores, pg, swift, status) = sys.argv[1:14]
rows = [json.loads(line) for line in open(results) if line.strip()]
doc = {"benchmark": "http", "variants": int(variants), "quants": int(quants), "levels": int(levels),
       "locations": int(locations), "warehouses": int(warehouses), "duration_s": float(duration),
       "catalogue_load_ms": int(load_ms), "machine": {"cores": int(cores), "postgresql": pg, "swift": swift},
       "results": rows}
def find(section, name, connections=None):
    for r in rows:
        if r["section"] == section and r["name"] == name and (connections is None or r.get("connections") == connections):
            return r
    return None
ratios = {}
for c in (1, 16, 64):
    floor, sku, q = find("http", "floor", c), find("http", "sku", c), find("http", "query100", c)
    pg_sku, pg_q = find("postgres", "sku", c), find("postgres", "query100", c)
    if floor and sku:
        ratios[f"sku_vs_floor_rps_c{c}"] = round(sku["wrk"]["rps"] / floor["wrk"]["rps"], 3)
        ratios[f"sku_vs_floor_p99_c{c}"] = round(sku["wrk"]["p99_us"] / max(1, floor["wrk"]["p99_us"]), 3)
    if sku and pg_sku:
        ratios[f"sku_vs_postgres_rps_c{c}"] = round(sku["wrk"]["rps"] / pg_sku["pgbench"]["rps"], 3)
    if q and pg_q:
        ratios[f"query100_vs_postgres_rps_c{c}"] = round(q["wrk"]["rps"] / pg_q["pgbench"]["rps"], 3)
pull = find("pull", "ndjson WH")
if pull:
    ratios["pull_vs_copy_time"] = round(pull["postgres_copy"]["median_ms"] / max(0.001, pull["stockd"]["median_ms"]), 3)
doc["ratios"] = ratios
if out:
    json.dump(doc, open(out, "w"), indent=1)
ms = lambda us: f"{us / 1000:.2f}"
print(f"## HTTP, end to end (scripts/bench-http.sh, {variants} variants)\n")
print(f"Catalogue: {int(variants):,} variants, {int(quants):,} quants, {int(levels):,} levels in {locations} stock-holding "
      f"locations of {warehouses} warehouses. {cores} cores shared by wrk, pgbench, stockd and PostgreSQL {pg}; "
      f"{duration} s per run.\n")
print("| question | connections | stockd req/s | p50 ms | p99 ms | PostgreSQL req/s | p50 ms | p99 ms | stockd / PostgreSQL | stockd / floor |")
print("|---|---|---|---|---|---|---|---|---|---|")
for c in (1, 16, 64):
    floor = find("http", "floor", c)
    if floor:
        w = floor["wrk"]
        print(f"| HTTP floor (GET /healthz) | {c} | {w['rps']:,.0f} | {ms(w['p50_us'])} | {ms(w['p99_us'])} | | | | | 1.00 |")
    for name, label in (("sku", "1 SKU, GET /v1/availability"), ("query100", "100 SKUs in WH, POST /v1/availability/query")):
        h, p = find("http", name, c), find("postgres", name, c)
        if not h:
            continue
        w = h["wrk"]
        line = f"| {label} | {c} | {w['rps']:,.0f} | {ms(w['p50_us'])} | {ms(w['p99_us'])} |"
        if p:
            g = p["pgbench"]
            line += f" {g['rps']:,.0f} | {ms(g['p50_us'])} | {ms(g['p99_us'])} | {w['rps'] / g['rps']:.1f} |"
        else:
            line += " | | | |"
        line += f" {w['rps'] / floor['wrk']['rps']:.2f} |" if floor else " |"
        print(line)
if pull:
    s, p = pull["stockd"], pull["postgres_copy"]
    print(f"\nFull pull of WH: stockd NDJSON {s['items']:,} items, {s['bytes'] / 2**20:.1f} MiB in {s['median_ms']} ms median "
          f"({s['min_ms']}–{s['max_ms']}, {s['runs']} runs) = {s['items_per_s']:,} items/s, {s['mib_per_s']} MiB/s; "
          f"PostgreSQL COPY of the aggregation {p['rows']:,} rows in {p['median_ms']} ms median.")
u = find("under_load", "sku under writes")
idle = find("http", "sku", 16)
if u:
    w = u["wrk"]
    print(f"\nReads under write load (16 connections, single SKU): {w['rps']:,.0f} req/s, p50 {ms(w['p50_us'])} ms, "
          f"p99 {ms(w['p99_us'])} ms" + (f" (idle: p99 {ms(idle['wrk']['p99_us'])} ms)" if idle else "")
          + f", while PostgreSQL committed {u['write_tps']:,.0f} moves/s; stockd caught up {u['catch_up_ms']} ms after the writes stopped.")
for r in rows:
    if r["section"] == "start":
        extra = f", store {r['store_mib']} MiB" if "store_mib" in r else ""
        extra += f", RssAnon {r['anon_mib']} MiB (VmRSS without file-backed pages: the LMDB map, the binary)" if "anon_mib" in r else ""
        print(f"\n{r['name'][0].upper() + r['name'][1:]}: ready in {r['ready_ms']:,} ms, RSS {r['rss_mib']} MiB (peak {r['peak_rss_mib']} MiB, "
              f"{r['rss_mib'] * 2**20 / max(1, int(levels)):.0f} bytes per level){extra}.", end="")
print()
checked = [r for r in rows if r["section"] in ("http", "latency") and "server" in r]
if checked:
    print("\n### Latency as measured by wrk, by Little's law and by stockd\n")
    print("Closed loop (wrk): C connections always busy at R req/s have a mean latency of C / R; a client mean well "
          "above it means the client counted requests outside its clock or waited itself. Open loop (hey at a fixed "
          "rate): the client's latencies cannot be held back by slow answers. The server columns are stockd's own "
          "`stockd_http_request_duration_seconds` for the route over the same run (handler time, not queueing in "
          "the kernel or the client).\n")
    print("| run | conn. | client req/s | C / R ms | client mean ms | client p50 ms | client p99 ms | server requests | "
          "server mean ms | server > 5 ms | server > 25 ms | server > 100 ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in checked:
        c, srv = r["connections"], r["server"]
        client = r.get("wrk") or r.get("hey")
        closed = "wrk" in r or r["target_rps"] == 0
        little = f"{c / client['rps'] * 1000:.2f}" if closed and client["rps"] else "(open loop)"
        label = r["name"] + (" (wrk)" if "wrk" in r else " (hey)" if closed else f" (hey, {r['target_rps']:,} req/s asked)")
        share = lambda le: f"{srv['share_over'].get(le, 0) * 100:.2f}%"
        print(f"| {label} | {c} | {client['rps']:,.0f} | {little} | {client.get('mean_us', 0) / 1000:.2f} | "
              f"{ms(client['p50_us'])} | {ms(client['p99_us'])} | {srv['requests']:,} | {srv['mean_us'] / 1000:.3f} | "
              f"{share('0.005')} | {share('0.025')} | {share('0.1')} |")
errors = [r for r in rows if r.get("wrk", {}).get("non_2xx", 0) or r.get("wrk", {}).get("errors", 0)]
if errors:
    print("\n**Warning: some runs had errors or non-2xx answers:** " + ", ".join(f"{r['name']}@{r.get('connections')}" for r in errors))
PY
