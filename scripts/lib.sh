# Shared shell functions of the scripts in this directory: source it (`. scripts/lib.sh`) after `cd` to the
# repository root. Nothing here runs on its own.

# build_binaries CONFIGURATION [--if-missing]
#   Builds stockd and odoo-fixtures (CONFIGURATION: debug or release) and sets $stockd and $fixtures to their paths.
#   Prints one line on success and the whole build log on failure (then returns 1), all on standard error.
#   --if-missing: use the binaries already built if both exist, as scripts/test.sh leaves them just before it runs
#   scripts/api-conformance.sh (saves SwiftPM's planning, several seconds per product).
build_binaries() {
  local configuration=$1 if_missing=${2:-} bin product log started
  bin=$(swift build -c "$configuration" --show-bin-path)
  stockd="$bin/stockd"
  fixtures="$bin/odoo-fixtures"
  if [ "$if_missing" = --if-missing ] && [ -x "$stockd" ] && [ -x "$fixtures" ]; then
    return 0
  fi
  started=$(date +%s)
  log=$(mktemp /tmp/stockd-build.XXXXXX)
  for product in stockd odoo-fixtures; do
    if ! swift build -c "$configuration" --product "$product" >"$log" 2>&1; then
      cat "$log" >&2
      rm -f "$log"
      echo "building $product ($configuration) failed" >&2
      return 1
    fi
  done
  rm -f "$log"
  echo "built stockd and odoo-fixtures ($configuration) in $(( $(date +%s) - started )) s" >&2
}

# wait_ready BASE_URL PID TIMEOUT_SECONDS [STARTED_NS] [INTERVAL_SECONDS]
#   Polls BASE_URL/readyz until it answers 200, every INTERVAL_SECONDS (default 0.05). Prints the milliseconds
#   from STARTED_NS (`date +%s%N`; default: the call) to the first 200. Returns 1, with the reason on standard
#   error, if process PID exits first or TIMEOUT_SECONDS pass.
wait_ready() {
  python3 - "$1/readyz" "$2" "$3" "${4:-$(date +%s%N)}" "${5:-0.05}" <<'PY'
import sys, time, urllib.request
url, pid, timeout, started, interval = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
deadline = time.time() + timeout
def exited():
    try:
        # A child that exited but was not waited for is a zombie ("Z"): it counts as exited.
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
while time.time() < deadline:
    try:
        if urllib.request.urlopen(url, timeout=2).status == 200:
            print(round((time.time_ns() - started) / 1e6))
            sys.exit(0)
    except Exception:
        pass
    if exited():
        sys.exit("stockd exited before it was ready")
    time.sleep(interval)
sys.exit(f"stockd was not ready after {timeout:g} s")
PY
}

# free_port: prints a TCP port free on 127.0.0.1 now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ensure_nginx
#   Installs Debian's nginx (light build when available) if it is missing, the benchmarks' local webhook receiver,
#   and sets $nginx_bin to its path. Progress goes to standard error.
ensure_nginx() {
  if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    echo "installing nginx (the local webhook receiver)" >&2
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends nginx-light >/dev/null ||
      DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends nginx >/dev/null
  fi
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
}

# write_nginx_conf DIR HTTP_BLOCK
#   Writes DIR/nginx.conf for a one-worker nginx whose pid, logs and temporary files stay under DIR (run it with
#   `"$nginx_bin" -c DIR/nginx.conf -p DIR/nginx`), accepting bodies of up to 4 MB held in memory (batches of up to
#   1,000 events), with kept-alive connections; HTTP_BLOCK goes inside `http { }` (servers, logs, upstreams).
write_nginx_conf() {
  local dir=$1 block=$2
  mkdir -p "$dir/nginx"
  cat >"$dir/nginx.conf" <<NGINX
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 4096; }
http {
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  client_body_buffer_size 2m;
  client_max_body_size 4m;
  keepalive_requests 1000000;
$block
}
NGINX
}
