#!/usr/bin/env bash
# The main job: a throwaway PostgreSQL with an Odoo-shaped database (Odoo 17 schema, a few thousand variants in
# three warehouses), stockd following it by logical replication, and a simulator writing realistic stock
# operations into it as real SQL transactions. stockd's figures are printed as they change.
# After start it prints what to try (curl commands and the status page's address).
# Ctrl-C stops everything and removes the throwaway database; running it again works.
# Usage: scripts/demo.sh [--variants N] [--seconds S]
#   S = 0: run until Ctrl-C (the default in a terminal); otherwise stop after S seconds (default 30 without a terminal)
# Environment: STOCKD_DEMO_PORT (default 8080)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
variants=5000
if [ -t 0 ]; then seconds=0; else seconds=30; fi
port="${STOCKD_DEMO_PORT:-8080}"
while [ $# -gt 0 ]; do
  case "$1" in
    --variants) variants="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "usage: scripts/demo.sh [--variants N] [--seconds S]" >&2; exit 2 ;;
  esac
done
if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" 2>/dev/null; then
  echo "port $port is in use (an earlier demo still running?); stop it or set STOCKD_DEMO_PORT" >&2
  exit 1
fi
scripts/install-deps.sh
echo "building stockd (release; the first build takes a few minutes)..."
build_binaries release

work=$(mktemp -d /tmp/stockd-demo.XXXXXX)
chmod 755 "$work"
export PGTEST_DIR="$work/pg"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/pg-test.sh destroy >/dev/null 2>&1 || true
  rm -rf "$work"
  echo "demo stopped; the throwaway database and store are removed"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

echo "== starting a throwaway PostgreSQL (wal_level=logical)"
scripts/pg-test.sh start
eval "$(scripts/pg-test.sh env)"
dsn="host=127.0.0.1 port=$PGPORT user=postgres dbname=odoo_demo"
psql -q -c "CREATE DATABASE odoo_demo"
echo "== loading an Odoo 17 database: $variants variants, 3 warehouses with Stock, shelves, Input, Quality Control, Output, Damaged"
"$fixtures" schema --odoo 17.0 | psql -q -v ON_ERROR_STOP=1 -d odoo_demo
"$fixtures" catalogue --odoo 17.0 --variants "$variants" | psql -q -v ON_ERROR_STOP=1 -d odoo_demo

echo
echo "== stockd setup"
"$stockd" setup --dsn "$dsn"
echo
echo "== a webhook receiver (tools/demo_webhook_receiver.py) subscribed to two stock event rules (docs/events.md)"
secret=$(python3 -c 'import base64, os; print("whsec_" + base64.b64encode(os.urandom(24)).decode())')
python3 tools/demo_webhook_receiver.py "$secret" >"$work/webhooks.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q '^port ' "$work/webhooks.log" 2>/dev/null && break; sleep 0.1; done
hook_port=$(sed -n 's/^port //p' "$work/webhooks.log")
cat >"$work/events.json" <<EVENTS
{
  "rules": [
    {"id": "sold-out", "products": "all", "scope": "each_warehouse", "condition": "out_of_stock"},
    {"id": "back-in-stock", "products": "all", "scope": "each_warehouse", "condition": "back_in_stock"}
  ],
  "subscriptions": [
    {"id": "demo-shop", "url": "http://127.0.0.1:$hook_port/stock", "secret": "$secret", "rules": ["sold-out", "back-in-stock"], "mode": "live"}
  ]
}
EVENTS
echo "   rules and subscription: $work/events.json; deliveries print below as they arrive"
echo
echo "== stockd serve (snapshot, then the stream); logs in $work/stockd.log"
STOCKD_EVENTS_RULES_FILE="$work/events.json" \
  "$stockd" serve --dsn "$dsn" --store "$work/store" --port "$port" --status-every 5 >"$work/stockd.log" 2>&1 &
serve_pid=$!
pids+=("$serve_pid")
echo "== the simulator writes 20 Odoo stock transactions per second (receipts, reservations, deliveries, transfers, scrap, merges),"
echo "   plus 5 a second on open moves (planned receipts and deliveries: the forecast)"
"$fixtures" simulate --odoo 17.0 --variants "$variants" --dsn "$dsn" --rate 20 --move-rate 5 2>"$work/simulator.log" &
pids+=($!)

sku=$(psql -d odoo_demo -Atc "SELECT p.default_code FROM stock_quant q JOIN product_product p ON p.id = q.product_id WHERE p.default_code IS NOT NULL GROUP BY p.default_code ORDER BY count(*) DESC, p.default_code LIMIT 1")
api="http://127.0.0.1:$port"
wait_ready "$api" "$serve_pid" 20 >/dev/null || echo "stockd is not ready yet; its log is $work/stockd.log" >&2
cursor=$(curl -s "$api/v1/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["snapshot"]["change_cursor"])' 2>/dev/null || echo 0)
# A kit: a variant with an active phantom BoM (for the variant itself, or for its template). None without mrp.
kit=""
if [ "$(psql -d odoo_demo -Atc "SELECT to_regclass('public.mrp_bom') IS NOT NULL")" = t ]; then
  kit=$(psql -d odoo_demo -Atc "SELECT p.default_code FROM mrp_bom b JOIN product_product p
      ON p.id = b.product_id OR (b.product_id IS NULL AND p.product_tmpl_id = b.product_tmpl_id)
    WHERE b.type = 'phantom' AND coalesce(b.active, true) AND p.active AND p.default_code IS NOT NULL
    ORDER BY p.id LIMIT 1")
  # One of its components, for a cart where the kit and a spare part compete for the same stock.
  part=$(psql -d odoo_demo -Atc "SELECT c.default_code FROM product_product k JOIN mrp_bom b
      ON b.product_id = k.id OR (b.product_id IS NULL AND b.product_tmpl_id = k.product_tmpl_id)
    JOIN mrp_bom_line l ON l.bom_id = b.id JOIN product_product c ON c.id = l.product_id
    WHERE k.default_code = '$kit' AND b.type = 'phantom' AND c.default_code IS NOT NULL ORDER BY l.id LIMIT 1")
fi
cat <<TRY

stockd is serving on $api (the simulator keeps writing). Try, in another terminal:

  status page (open in a browser):  $api/
  one SKU:             curl "$api/v1/availability?sku=$sku&group_by=warehouse"
  ... per location:    curl "$api/v1/availability?sku=$sku&warehouse=WH&group_by=location"
  ... with forecast:   curl "$api/v1/availability?sku=$sku&group_by=warehouse&fields=incoming,outgoing,forecast,next_receipt"
  stock events:        the webhook deliveries print below; all of them: $work/webhooks.log
TRY
if [ -n "$kit" ]; then
  echo "  a kit expanded:      curl \"$api/v1/kits/$kit?warehouse=WH\""
  if [ -n "$part" ]; then
    echo "  a cart (kit + part): curl -X POST $api/v1/availability/check -d '{\"warehouse\": \"WH\", \"lines\": [{\"sku\": \"$kit\", \"qty\": 2}, {\"sku\": \"$part\", \"qty\": 3}]}'"
  fi
fi
cat <<TRY
  a warehouse pull:    curl "$api/v1/locations/WH/stock?limit=5"
  ... streamed:        curl -H 'Accept: application/x-ndjson' "$api/v1/locations/WH2/stock" | head
  the change feed:     curl "$api/v1/changes?since=$cursor&limit=10"
  operations:          curl "$api/v1/status"; curl "$api/readyz"; curl "$api/metrics"

$( [ "$seconds" = 0 ] && echo "Ctrl-C stops everything and removes the throwaway database." || echo "The demo stops after $seconds s (--seconds 0: until Ctrl-C).")
TRY
started=$(date +%s)
round=0
while [ "$seconds" = 0 ] || [ $(( $(date +%s) - started )) -lt "$seconds" ]; do
  sleep 5
  round=$((round + 1))
  echo
  echo "== after $((round * 5)) s: GET /v1/availability?sku=$sku&group_by=warehouse   (QC and Damaged count as quarantined)"
  curl -s "$api/v1/availability?sku=$sku&group_by=warehouse" || true
  echo
  echo "== changes since the start: GET /v1/changes?since=$cursor&limit=3"
  curl -s "$api/v1/changes?since=$cursor&limit=3" | head -c 600 || true
  echo
  grep -E "feed" "$work/stockd.log" | tail -1 | sed -E 's/^.*info stockd: //' || true
  delivered=$(grep -c '^webhook' "$work/webhooks.log" || true)
  echo "== stock events delivered so far: $delivered (the last three)"
  grep '^webhook' "$work/webhooks.log" | tail -3 || true
done
echo
echo "== the same SKU per location"
"$stockd" query --store "$work/store" --sku "$sku" --group-by location --log-level error || true
echo
echo "== stockd inspect"
"$stockd" inspect --store "$work/store" --log-level error
