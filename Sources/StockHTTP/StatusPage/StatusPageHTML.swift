/// The status page served at `GET /`: one self-contained HTML document (inline CSS and JavaScript, no external
/// asset, no CDN) that polls `/v1/status` every two seconds and `/v1/availability` for the SKU searched.
///
/// The document itself holds no data, so it is served without a token. The figures come from the JSON endpoints,
/// which need a bearer token when the server is configured with tokens: on a 401 or 403 the page asks for one
/// and keeps it in `sessionStorage` (this tab only, gone when it closes), sending it as `Authorization: Bearer`.
/// Everything from the server is written with `textContent`, never parsed as HTML.
enum StatusPageHTML {
    /// The document.
    static let document = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>stockd status</title>
        <style>
        :root { --bg:#f6f7f9; --card:#fff; --ink:#1d232b; --muted:#67707c; --line:#e2e5ea; --ok:#1a7f37; --warn:#b26a00; --bad:#c62828; --accent:#3b6fd8; }
        @media (prefers-color-scheme: dark) { :root { --bg:#14171b; --card:#1d2127; --ink:#e6e9ee; --muted:#9aa3ae; --line:#2d333b; --accent:#6d9bff; } }
        * { box-sizing: border-box; }
        body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background:var(--bg); color:var(--ink); }
        header { display:flex; align-items:center; gap:12px; padding:14px 24px; border-bottom:1px solid var(--line); background:var(--card); }
        header h1 { font-size:18px; margin:0; }
        header .spacer { flex:1; }
        .badge { display:inline-block; padding:2px 10px; border-radius:999px; font-weight:600; font-size:12px; text-transform:uppercase; letter-spacing:.04em; background:var(--line); }
        .badge.ok { background:var(--ok); color:#fff; } .badge.warn { background:var(--warn); color:#fff; } .badge.bad { background:var(--bad); color:#fff; }
        main { padding:20px 24px; display:grid; gap:16px; grid-template-columns:repeat(auto-fit, minmax(260px, 1fr)); max-width:1400px; }
        section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:14px 16px; }
        section.wide { grid-column:1 / -1; }
        h2 { font-size:12px; text-transform:uppercase; letter-spacing:.06em; color:var(--muted); margin:0 0 8px; }
        .big { font-size:28px; font-weight:650; font-variant-numeric:tabular-nums; }
        .unit { font-size:14px; color:var(--muted); font-weight:400; margin-left:4px; }
        .sub { color:var(--muted); font-size:12px; }
        dl { display:grid; grid-template-columns:auto 1fr; gap:2px 12px; margin:0; }
        dt { color:var(--muted); } dd { margin:0; text-align:right; font-variant-numeric:tabular-nums; overflow-wrap:anywhere; }
        svg.spark { width:100%; height:48px; display:block; margin-top:6px; }
        svg.spark polyline { fill:none; stroke:var(--accent); stroke-width:1.5; vector-effect:non-scaling-stroke; }
        svg.spark polygon { fill:var(--accent); opacity:.12; }
        table { width:100%; border-collapse:collapse; font-variant-numeric:tabular-nums; }
        th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
        th { color:var(--muted); font-weight:600; font-size:12px; }
        td.n, th.n { text-align:right; }
        tr.total td { font-weight:650; }
        form { display:flex; gap:8px; margin-bottom:10px; flex-wrap:wrap; }
        input { font:inherit; padding:6px 10px; border:1px solid var(--line); border-radius:6px; background:var(--bg); color:var(--ink); min-width:220px; }
        button { font:inherit; padding:6px 14px; border:0; border-radius:6px; background:var(--accent); color:#fff; cursor:pointer; }
        button.plain { background:transparent; color:var(--muted); border:1px solid var(--line); }
        .banner { grid-column:1 / -1; padding:10px 14px; border-radius:8px; background:#fdecea; color:#8a1c1c; border:1px solid #f5c2c0; }
        .hidden { display:none !important; }
        .muted { color:var(--muted); }
        </style>
        </head>
        <body>
        <header>
          <h1>stockd</h1>
          <span id="phase" class="badge">…</span>
          <span class="sub" id="updated">connecting…</span>
          <span class="spacer"></span>
          <button class="plain hidden" id="forget" type="button">Forget token</button>
        </header>
        <main>
          <div class="banner hidden" id="problem"></div>
          <section class="wide hidden" id="auth">
            <h2>Token required</h2>
            <p class="sub" id="auth-why">This server needs a bearer token with the <code>read</code> scope to show figures. It is kept in this tab's session storage only.</p>
            <form id="auth-form" autocomplete="off"><input id="auth-token" type="password" placeholder="token" aria-label="token"><button type="submit">Use token</button></form>
          </section>
          <section>
            <h2>Replication lag</h2>
            <div class="big"><span id="lag-ms">—</span><span class="unit">ms</span></div>
            <div class="sub"><span id="lag-bytes">—</span> WAL behind · slot <span id="slot">—</span></div>
            <svg class="spark" id="spark-lag" viewBox="0 0 100 40" preserveAspectRatio="none" aria-label="lag history"></svg>
            <div class="sub" id="spark-lag-note">last 2 minutes</div>
          </section>
          <section>
            <h2>Transactions</h2>
            <div class="big"><span id="tx-rate">—</span><span class="unit">/ s</span></div>
            <div class="sub"><span id="tx-total">—</span> applied since start</div>
            <svg class="spark" id="spark-tx" viewBox="0 0 100 40" preserveAspectRatio="none" aria-label="transactions per second"></svg>
          </section>
          <section>
            <h2>Row changes</h2>
            <div class="big"><span id="rows-rate">—</span><span class="unit">/ s</span></div>
            <div class="sub"><span id="rows-total">—</span> applied since start · <span id="unexpected">—</span> unexpected</div>
            <svg class="spark" id="spark-rows" viewBox="0 0 100 40" preserveAspectRatio="none" aria-label="row changes per second"></svg>
          </section>
          <section>
            <h2>Store</h2>
            <div class="big"><span id="store-size">—</span></div>
            <dl>
              <dt>Applied LSN</dt><dd id="lsn">—</dd>
              <dt>Last commit</dt><dd id="commit">—</dd>
              <dt>Change cursor</dt><dd id="cursor">—</dd>
            </dl>
          </section>
          <section>
            <h2>Catalogue</h2>
            <dl>
              <dt>Variants</dt><dd id="count-variants">—</dd>
              <dt>Locations</dt><dd id="count-locations">—</dd>
              <dt>Kits</dt><dd id="count-kits">—</dd>
              <dt>Warehouses</dt><dd id="count-warehouses">—</dd>
              <dt>Quants</dt><dd id="count-quants">—</dd>
            </dl>
          </section>
          <section class="wide">
            <h2>Stock of one SKU per location</h2>
            <form id="sku-form" autocomplete="off"><input id="sku" placeholder="SKU (Odoo internal reference)" aria-label="SKU"><button type="submit">Show</button></form>
            <div id="sku-result" class="sub">Type a SKU to see its figures per location; they refresh with the page.</div>
          </section>
          <section class="wide" id="webhooks">
            <h2>Webhook subscriptions</h2>
            <div id="webhooks-result" class="sub">Needs a token with the <code>admin</code> scope (the subscriptions, their queues and dead letters come from <code>/v1/admin/subscriptions</code>).</div>
          </section>
          <section class="wide">
            <h2>Recent errors</h2>
            <div id="errors" class="sub">—</div>
          </section>
        </main>
        <script>
        "use strict";
        const TOKEN_KEY = "stockd.token";
        const POLL_MS = 2000;
        const $ = (id) => document.getElementById(id);
        let token = sessionStorage.getItem(TOKEN_KEY);
        let sku = new URLSearchParams(location.hash.slice(1)).get("sku") || "";

        class AuthNeeded extends Error {}

        async function api(path) {
          const headers = { Accept: "application/json" };
          if (token) headers.Authorization = "Bearer " + token;
          const response = await fetch(path, { headers, cache: "no-store" });
          if (response.status === 401 || response.status === 403) {
            askForToken(response.status === 403 ? "This token lacks the read scope." : (token ? "The token was refused." : ""));
            throw new AuthNeeded();
          }
          const body = await response.json().catch(() => null);
          if (!response.ok) throw new Error((body && body.detail) || ("HTTP " + response.status));
          return body;
        }

        function askForToken(why) {
          $("auth").classList.remove("hidden");
          if (why) $("auth-why").textContent = why + " Enter a bearer token with the read scope; it is kept in this tab's session storage only.";
        }

        function text(id, value) { $(id).textContent = (value === null || value === undefined || value === "") ? "—" : String(value); }
        function count(value) { return (typeof value === "number") ? value.toLocaleString("en-US") : "—"; }
        function rate(value) { return (typeof value === "number") ? value.toLocaleString("en-US", { maximumFractionDigits: 1 }) : "—"; }
        function bytes(value) {
          if (typeof value !== "number") return "—";
          const units = ["B", "KiB", "MiB", "GiB", "TiB"];
          let n = value, i = 0;
          while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
          return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
        }
        function when(iso) {
          if (!iso) return "—";
          const d = new Date(iso);
          if (isNaN(d)) return iso;
          return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
        }

        function spark(id, values) {
          const svg = $(id);
          while (svg.firstChild) svg.removeChild(svg.firstChild);
          const points = values.map((v, i) => [i, (typeof v === "number" && isFinite(v)) ? v : 0]);
          if (points.length < 2) return;
          const max = Math.max(1, ...points.map((p) => p[1]));
          const xs = (i) => (i / (points.length - 1)) * 100;
          const ys = (v) => 38 - (v / max) * 36;
          const line = points.map((p) => xs(p[0]).toFixed(2) + "," + ys(p[1]).toFixed(2)).join(" ");
          const ns = "http://www.w3.org/2000/svg";
          const area = document.createElementNS(ns, "polygon");
          area.setAttribute("points", "0,40 " + line + " 100,40");
          const poly = document.createElementNS(ns, "polyline");
          poly.setAttribute("points", line);
          const title = document.createElementNS(ns, "title");
          title.textContent = "max " + rate(max);
          svg.append(area, poly, title);
        }

        function phaseClass(phase) {
          if (phase === "streaming" || phase === "static") return "ok";
          // The figures no longer follow the source: say so in red.
          if (["slot_lost", "stopped", "store_behind_slot", "schema_mismatch"].includes(phase)) return "bad";
          return "warn";
        }

        function renderStatus(s) {
          const feed = s.feed || {}, counts = s.counts || {}, snapshot = s.snapshot || {};
          const badge = $("phase");
          badge.textContent = (feed.phase || "unknown").split("_").join(" ");
          badge.className = "badge " + phaseClass(feed.phase);
          text("lag-ms", count(feed.lag_ms));
          text("lag-bytes", bytes(feed.lag_bytes));
          text("slot", feed.slot_state);
          text("tx-rate", rate(feed.transactions_per_second));
          text("tx-total", count(feed.transactions));
          text("rows-rate", rate(feed.row_changes_per_second));
          text("rows-total", count(feed.row_changes));
          text("unexpected", count(feed.unexpected_rows));
          text("store-size", bytes(feed.store_bytes));
          text("lsn", feed.applied_lsn || snapshot.lsn);
          text("commit", when(feed.last_commit_time || snapshot.commit_time));
          text("cursor", snapshot.change_cursor);
          text("count-variants", count(counts.variants));
          text("count-locations", count(counts.locations));
          text("count-kits", count(counts.kits));
          text("count-warehouses", count(counts.warehouses));
          text("count-quants", count(counts.quants));
          const history = Array.isArray(feed.history) ? feed.history : [];
          spark("spark-lag", history.map((p) => p.lag_ms));
          spark("spark-tx", history.map((p) => p.transactions_per_second));
          spark("spark-rows", history.map((p) => p.row_changes_per_second));
          const seconds = history.length > 1 ? Math.round((Date.parse(history[history.length - 1].time) - Date.parse(history[0].time)) / 1000) : 0;
          text("spark-lag-note", seconds > 0 ? "last " + seconds + " s, max " + count(Math.max(...history.map((p) => p.lag_ms || 0))) + " ms" : "history builds up while the feed runs");
          renderErrors(Array.isArray(feed.recent_errors) ? feed.recent_errors : [], feed.last_error);
        }

        function cell(row, value, numeric) {
          const td = document.createElement("td");
          td.textContent = value;
          if (numeric) td.className = "n";
          row.appendChild(td);
          return td;
        }
        function table(headings) {
          const t = document.createElement("table");
          const head = t.createTHead().insertRow();
          for (const [label, numeric] of headings) {
            const th = document.createElement("th");
            th.textContent = label;
            if (numeric) th.className = "n";
            head.appendChild(th);
          }
          return t;
        }

        function renderErrors(errors, lastError) {
          const box = $("errors");
          box.replaceChildren();
          if (errors.length === 0) {
            box.textContent = lastError ? "Current error: " + lastError : "No replication or mapping errors since start.";
            return;
          }
          const t = table([["Time", false], ["Kind", false], ["Error", false], ["Times", true]]);
          const body = t.createTBody();
          for (const e of errors) {
            const row = body.insertRow();
            cell(row, when(e.time));
            cell(row, e.kind);
            cell(row, e.message);
            cell(row, count(e.count), true);
          }
          box.appendChild(t);
        }

        const FIGURES = [["On hand", "on_hand"], ["Reserved", "reserved"], ["Free", "free"], ["Quarantined", "quarantined"], ["Available", "available"]];
        // Odoo's forecast over the whole scope (open moves), shown on the total row only.
        const FORECAST = [["Incoming", "incoming"], ["Outgoing", "outgoing"], ["Forecast", "forecast"]];

        function renderAvailability(answer) {
          const box = $("sku-result");
          box.replaceChildren();
          const items = (answer && answer.items) || [];
          if (items.length === 0) {
            box.textContent = "No variant has the SKU " + JSON.stringify(sku) + ".";
            return;
          }
          for (const item of items) {
            const title = document.createElement("div");
            title.className = "sub";
            title.textContent = item.sku + " · variant " + item.variant_id + (item.kit ? " · kit" : "") + (item.active === false ? " · archived" : "") + " · as of " + when(answer.as_of && answer.as_of.commit_time);
            const t = table([["Location", false], ["Warehouse", false], ...FIGURES.map(([label]) => [label, true]), ...FORECAST.map(([label]) => [label, true])]);
            t.id = "sku-table";
            const body = t.createTBody();
            for (const loc of item.locations || []) {
              const row = body.insertRow();
              cell(row, loc.location);
              cell(row, loc.warehouse || "—");
              for (const [, key] of FIGURES) cell(row, String(loc[key]), true);
              for (const _ of FORECAST) cell(row, "—", true);
            }
            const total = body.insertRow();
            total.className = "total";
            cell(total, "Total");
            cell(total, "");
            for (const [, key] of FIGURES) cell(total, String(item[key]), true);
            for (const [, key] of FORECAST) cell(total, item[key] === undefined ? "—" : String(item[key]), true);
            box.append(title, t);
          }
        }

        async function refreshSku() {
          if (!sku) return;
          try {
            renderAvailability(await api("/v1/availability?sku=" + encodeURIComponent(sku) + "&group_by=location&fields=incoming,outgoing,forecast"));
          } catch (error) {
            if (!(error instanceof AuthNeeded)) $("sku-result").textContent = "Could not read " + sku + ": " + error.message;
          }
        }

        // Webhook subscriptions: shown with an admin token only; a 401, 403 or 404 leaves the note in place.
        async function refreshWebhooks() {
          const headers = { Accept: "application/json" };
          if (token) headers.Authorization = "Bearer " + token;
          const response = await fetch("/v1/admin/subscriptions", { headers, cache: "no-store" });
          if (!response.ok) return;
          const list = (await response.json()).subscriptions || [];
          const box = $("webhooks-result");
          box.replaceChildren();
          if (list.length === 0) { box.textContent = "No subscriptions."; return; }
          const t = document.createElement("table");
          const head = t.createTHead().insertRow();
          for (const name of ["Subscription", "Mode", "Queue", "Oldest waiting", "Dead letters", "Last success", "Last error", ""]) {
            const th = document.createElement("th");
            th.textContent = name;
            head.append(th);
          }
          const body = t.createTBody();
          const when = (entry) => entry ? new Date(entry.time * 1000).toLocaleTimeString() : "—";
          for (const sub of list) {
            const row = body.insertRow();
            cell(row, sub.id);
            cell(row, sub.disabled ? "disabled (410)" : sub.mode);
            cell(row, String(sub.queue_depth) + (sub.queue_depth_capped ? "+" : ""), true);
            cell(row, sub.oldest_undelivered_age_seconds === undefined ? "—" : Math.round(sub.oldest_undelivered_age_seconds) + " s", true);
            cell(row, String(sub.dead_letters), true);
            cell(row, when(sub.last_success));
            cell(row, sub.last_error ? when(sub.last_error) + " " + sub.last_error.outcome + (sub.last_error.status ? " " + sub.last_error.status : "") : "—");
            const actions = row.insertCell();
            const button = (label, path) => {
              const b = document.createElement("button");
              b.className = "plain";
              b.type = "button";
              b.textContent = label;
              b.addEventListener("click", async () => {
                const answer = await fetch("/v1/admin/subscriptions/" + encodeURIComponent(sub.id) + path, { method: "POST", headers });
                if (!answer.ok) $("problem").textContent = label + " " + sub.id + ": " + answer.status;
                $("problem").classList.toggle("hidden", answer.ok);
                refresh();
              });
              actions.append(b);
            };
            button(sub.mode === "paused" || sub.disabled ? "Resume" : "Pause", sub.mode === "paused" || sub.disabled ? "/resume" : "/pause");
            if (sub.dead_letters > 0) button("Redeliver dead letters", "/dead-letters/redeliver");
          }
          box.append(t);
        }

        let timer = null;
        async function refresh() {
          clearTimeout(timer);
          try {
            renderStatus(await api("/v1/status"));
            $("problem").classList.add("hidden");
            $("auth").classList.add("hidden");
            $("updated").textContent = "updated " + new Date().toLocaleTimeString();
            await refreshSku();
            await refreshWebhooks().catch(() => {});
          } catch (error) {
            if (!(error instanceof AuthNeeded)) {
              $("problem").textContent = "stockd did not answer /v1/status: " + error.message;
              $("problem").classList.remove("hidden");
            }
          }
          $("forget").classList.toggle("hidden", !token);
          timer = setTimeout(refresh, POLL_MS);
        }

        $("sku-form").addEventListener("submit", (event) => {
          event.preventDefault();
          sku = $("sku").value.trim();
          history.replaceState(null, "", sku ? "#sku=" + encodeURIComponent(sku) : "#");
          refresh();
        });
        $("auth-form").addEventListener("submit", (event) => {
          event.preventDefault();
          token = $("auth-token").value.trim();
          if (token) sessionStorage.setItem(TOKEN_KEY, token);
          $("auth-token").value = "";
          refresh();
        });
        $("forget").addEventListener("click", () => {
          sessionStorage.removeItem(TOKEN_KEY);
          token = null;
          refresh();
        });
        $("sku").value = sku;
        refresh();
        </script>
        </body>
        </html>
        """#
}
