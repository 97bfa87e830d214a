#!/usr/bin/env bash
# The status page in a real headless browser (Debian's chromium) against a running stockd: a throwaway
# PostgreSQL with an Odoo 17 catalogue, `stockd setup` + `stockd serve`, and the simulator writing stock
# operations. Chromium loads http://127.0.0.1:PORT/#sku=SKU twice, a few seconds apart; the rendered DOMs must
# show the figures (phase, counts equal to /v1/status, the SKU's per-location table, sparklines) and show them
# change (transactions applied, applied LSN). Then it takes a screenshot.
#
# usage: scripts/status-page-check.sh [--screenshot FILE] [--variants N] [--settle S] [--release]
#   --screenshot FILE  where to save the PNG (default: a temporary file, removed); docs/status-page.png is the
#                      README's picture
#   --variants N       catalogue size (default 2000)
#   --settle S         wait S more seconds before the screenshot, so its sparklines cover S seconds (default 0)
#   --release          use release binaries (default: debug, as the test command builds them)
# Prints "status page: N checks passed, 0 failed" at the end; exits non-zero when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
screenshot=""
variants=2000
config=debug
settle=0
while [ $# -gt 0 ]; do
  case "$1" in
    --screenshot) screenshot="$2"; shift 2 ;;
    --variants) variants="$2"; shift 2 ;;
    --settle) settle="$2"; shift 2 ;;
    --release) config=release; shift ;;
    *) echo "usage: scripts/status-page-check.sh [--screenshot FILE] [--variants N] [--settle S] [--release]" >&2; exit 2 ;;
  esac
done
began=$(date +%s)
scripts/install-deps.sh
scripts/install-chromium.sh
build_binaries "$config"

work=$(mktemp -d /tmp/stockd-page.XXXXXX)
chmod 755 "$work"
export PGTEST_DIR="$work/pg"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  scripts/pg-test.sh destroy >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

scripts/pg-test.sh start >/dev/null
eval "$(scripts/pg-test.sh env)"
dsn="host=127.0.0.1 port=$PGPORT user=postgres dbname=odoo_page"
psql -q -c "CREATE DATABASE odoo_page"
"$fixtures" schema --odoo 17.0 | psql -q -v ON_ERROR_STOP=1 -d odoo_page
"$fixtures" catalogue --odoo 17.0 --variants "$variants" | psql -q -v ON_ERROR_STOP=1 -d odoo_page
"$stockd" setup --dsn "$dsn" >"$work/setup.log" 2>&1

port=$(free_port)
api="http://127.0.0.1:$port"
"$stockd" serve --dsn "$dsn" --store "$work/store" --port "$port" >"$work/stockd.log" 2>&1 &
pids+=($!)
wait_ready "$api" "$!" 60 >/dev/null || { echo "stockd did not become ready:" >&2; tail -20 "$work/stockd.log" >&2; exit 1; }
"$fixtures" simulate --odoo 17.0 --variants "$variants" --dsn "$dsn" --rate 20 2>"$work/simulator.log" &
pids+=($!)
sku=$(psql -d odoo_page -Atc "SELECT p.default_code FROM stock_quant q JOIN product_product p ON p.id = q.product_id \
  JOIN stock_location l ON l.id = q.location_id WHERE p.default_code IS NOT NULL AND l.usage = 'internal' \
  GROUP BY p.default_code ORDER BY count(DISTINCT q.location_id) DESC, p.default_code LIMIT 1")
sleep 3  # let the simulator's first transactions arrive, so rates and history have something to show

browser=(chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars --no-first-run
  --user-data-dir="$work/chromium" --virtual-time-budget=6000)
url="$api/#sku=$sku"
browse_began=$(date +%s.%N)
# The simulator's BoM edits archive and restore BoMs, so the number of kits moves (it can move while a page loads):
# each load's count must equal the status read just before or just after that load.
curl -s "$api/v1/status" >"$work/status-before.json"
"${browser[@]}" --dump-dom "$url" >"$work/first.html" 2>"$work/chromium.log"
curl -s "$api/v1/status" >"$work/status.json"
sleep 4
"${browser[@]}" --dump-dom "$url" >"$work/second.html" 2>>"$work/chromium.log"
curl -s "$api/v1/status" >"$work/status-second.json"
shot="${screenshot:-$work/status-page.png}"
mkdir -p "$(dirname "$shot")"
sleep "$settle"
"${browser[@]}" --window-size=1280,820 --screenshot="$shot" "$url" 2>>"$work/chromium.log" >/dev/null
browse_seconds=$(python3 -c "import time; print(round(time.time() - $browse_began, 1))")

python3 - "$work/first.html" "$work/second.html" "$work/status.json" "$shot" "$sku" "$work/status-before.json" "$work/status-second.json" <<'PY'
import html.parser, json, sys

class Page(html.parser.HTMLParser):
    """Collects the text of every element with an id, and which svg sparklines hold a polyline."""
    def __init__(self):
        super().__init__()
        self.stack, self.text, self.polylines, self.sku_rows = [], {}, set(), []
        self.in_sku_table = False
        self.row = None
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "polyline" and self.stack:
            for _, ident in self.stack:
                if ident and ident.startswith("spark-"): self.polylines.add(ident)
        if tag == "table" and attrs.get("id") == "sku-table": self.in_sku_table = True
        if tag == "tr" and self.in_sku_table: self.row = []
        if tag not in ("input", "meta", "br", "polyline", "polygon", "img"):
            self.stack.append((tag, attrs.get("id")))
            if attrs.get("id"): self.text.setdefault(attrs["id"], "")
    def handle_endtag(self, tag):
        if tag == "tr" and self.row is not None:
            self.sku_rows.append(self.row); self.row = None
        if tag == "table": self.in_sku_table = False
        if tag not in [open_tag for open_tag, _ in self.stack]: return  # a void element's end tag, or stray
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag: break
    def handle_data(self, data):
        for _, ident in self.stack:
            if ident: self.text[ident] = self.text.get(ident, "") + data
        if self.row is not None and self.stack and self.stack[-1][0] in ("td", "th"):
            self.row.append(data.strip())

def parse(path):
    page = Page()
    page.feed(open(path, encoding="utf-8").read())
    return page

first, second = parse(sys.argv[1]), parse(sys.argv[2])
status = json.load(open(sys.argv[3]))
status_before, status_after_second = json.load(open(sys.argv[6])), json.load(open(sys.argv[7]))
kits_around = {  # the kit counts read just before and just after each load
    "first": {status_before["counts"].get("kits"), status["counts"].get("kits")},
    "second": {status["counts"].get("kits"), status_after_second["counts"].get("kits")},
}
shot, sku = sys.argv[4], sys.argv[5]
number = lambda text: int(text.replace(",", "")) if text.replace(",", "").isdigit() else None
passed, failed = 0, 0
def check(name, ok, detail=""):
    global passed, failed
    if ok: passed += 1
    else: failed += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))

for label, page in (("first", first), ("second", second)):
    t = page.text
    check(f"{label}: phase is streaming", t.get("phase", "").strip() == "streaming", repr(t.get("phase")))
    check(f"{label}: variants match /v1/status", number(t.get("count-variants", "")) == status["counts"]["variants"], repr(t.get("count-variants")))
    check(f"{label}: locations match /v1/status", number(t.get("count-locations", "")) == status["counts"]["locations"], repr(t.get("count-locations")))
    shown = t.get("count-kits", "").strip()
    check(f"{label}: kits shown as the count or —", any(shown == ("—" if kits is None else f"{kits:,}") for kits in kits_around[label]),
          f"{shown!r}, /v1/status said {sorted(kits_around[label], key=str)}")
    check(f"{label}: transactions shown", number(t.get("tx-total", "")) is not None, repr(t.get("tx-total")))
    check(f"{label}: store size shown", t.get("store-size", "—").strip().endswith(("B", "KiB", "MiB", "GiB")), repr(t.get("store-size")))
    check(f"{label}: lag shown", number(t.get("lag-ms", "")) is not None, repr(t.get("lag-ms")))
    check(f"{label}: no error banner", "did not answer" not in t.get("problem", ""), t.get("problem", ""))
    body_rows = [row for row in page.sku_rows if row and row[0] not in ("Location",)]
    check(f"{label}: {sku} has per-location rows and a total", len(body_rows) >= 2 and body_rows[-1][0] == "Total", repr(page.sku_rows[:4]))
    check(f"{label}: transaction sparkline drawn", "spark-tx" in page.polylines, repr(sorted(page.polylines)))

tx1, tx2 = number(first.text.get("tx-total", "")), number(second.text.get("tx-total", ""))
check("transactions grow between the two loads", tx1 is not None and tx2 is not None and tx2 > tx1, f"{tx1} then {tx2}")
check("applied LSN moves between the two loads", first.text.get("lsn") != second.text.get("lsn"), f"{first.text.get('lsn')} then {second.text.get('lsn')}")
check("rate shown while the simulator writes", (second.text.get("tx-rate", "—").strip() not in ("—", "0")), repr(second.text.get("tx-rate")))
with open(shot, "rb") as image:
    head = image.read(24)
width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
check("screenshot is a 1280-pixel-wide PNG", head[:8] == b"\x89PNG\r\n\x1a\n" and width == 1280 and height > 500, f"{head[:8]!r} {width}x{height}")
print(f"status page: {passed} checks passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
echo "browser time: ${browse_seconds} s (3 chromium runs); whole check: $(( $(date +%s) - began )) s"
