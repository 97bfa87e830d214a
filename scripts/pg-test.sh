#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and demos: idempotent, no systemd, loopback only,
# wal_level=logical (replication slots and pgoutput work), trust authentication for every user and for
# replication connections.
#
# usage: scripts/pg-test.sh start|stop|destroy|status|env
#   start    create the cluster if needed (initdb) and start it; prints "started on 127.0.0.1:PORT"
#            or "already running on 127.0.0.1:PORT"
#   stop     stop it (the data stays); `stop immediate` stops it as a crash would (recovery at the next start)
#   destroy  stop it and delete $PGTEST_DIR
#   status   "running on 127.0.0.1:PORT" (exit 0) or "not running" (exit 3)
#   env      print `export PGHOST=127.0.0.1 PGPORT=... PGUSER=postgres PGDATABASE=postgres`
#            use: eval "$(scripts/pg-test.sh env)"
#
# Environment:
#   PGTEST_DIR   data, socket and logs (default /tmp/stockd-pgtest). Every parent directory must be
#                traversable by the `postgres` OS user when this runs as root.
#   PGTEST_PORT  the port (default: a free port, picked on the first start and remembered in $PGTEST_DIR/port)
#   PGBIN        the server binaries (default: `pg_config --bindir`)
#
# PostgreSQL refuses to run as root, so as root the server binaries run as the `postgres` OS user via runuser.
# fsync and full_page_writes are off (a throwaway cluster), but synchronous_commit stays on: logical decoding
# only sees flushed WAL, so with it off a slot can miss a transaction that has just committed.
set -euo pipefail

PGBIN="${PGBIN:-$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}"
DIR="${PGTEST_DIR:-/tmp/stockd-pgtest}"
DATA="$DIR/data"
if [ "$(id -u)" = 0 ]; then AS=(runuser -u postgres --); else AS=(); fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local candidate tries=0
  while [ "$tries" -lt 200 ]; do
    candidate=$((20000 + RANDOM % 40000))
    if ! port_in_use "$candidate"; then echo "$candidate"; return 0; fi
    tries=$((tries + 1))
  done
  echo "no free port found" >&2
  return 1
}

port() {
  if [ -n "${PGTEST_PORT:-}" ]; then echo "$PGTEST_PORT"
  elif [ -s "$DIR/port" ]; then cat "$DIR/port"
  else free_port; fi
}

running() { [ -s "$DATA/PG_VERSION" ] && "${AS[@]}" "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

start() {
  mkdir -p "$DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$DIR"; fi
  if [ ! -s "$DATA/PG_VERSION" ]; then
    rm -rf "$DATA"
    if ! "${AS[@]}" "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale --no-sync \
      >"$DIR/initdb.log" 2>&1; then
      echo "initdb failed; see $DIR/initdb.log" >&2
      exit 1
    fi
    cat >"$DATA/pg_hba.conf" <<'HBA'
local   all          all                 trust
host    all          all   127.0.0.1/32  trust
local   replication  all                 trust
host    replication  all   127.0.0.1/32  trust
HBA
  fi
  if running; then
    echo "already running on 127.0.0.1:$(cat "$DIR/port")"
    return 0
  fi
  local P
  P=$(port)
  echo "$P" >"$DIR/port"
  if ! "${AS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 30 start -o \
    "-c listen_addresses=127.0.0.1 -c port=$P -c unix_socket_directories=$DIR \
     -c wal_level=logical -c max_replication_slots=10 -c max_wal_senders=10 \
     -c fsync=off -c full_page_writes=off" >/dev/null; then
    echo "PostgreSQL did not start; see $DIR/server.log" >&2
    exit 1
  fi
  echo "started on 127.0.0.1:$P"
}

stop() {
  local mode="${1:-fast}"
  case "$mode" in fast|immediate|smart) ;; *) echo "stop mode: fast, immediate or smart" >&2; exit 2 ;; esac
  if running; then
    "${AS[@]}" "$PGBIN/pg_ctl" -D "$DATA" -m "$mode" -w stop >/dev/null
    echo stopped
  else
    echo "not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-fast}" ;;
  destroy)
    stop
    rm -rf "$DIR"
    echo "destroyed $DIR"
    ;;
  status)
    if running; then echo "running on 127.0.0.1:$(cat "$DIR/port")"; else echo "not running"; exit 3; fi
    ;;
  env)
    if [ ! -s "$DIR/port" ]; then echo "no cluster in $DIR; run: $0 start" >&2; exit 3; fi
    echo "export PGHOST=127.0.0.1 PGPORT=$(cat "$DIR/port") PGUSER=postgres PGDATABASE=postgres"
    ;;
  *)
    echo "usage: $0 start|stop|destroy|status|env" >&2
    exit 2
    ;;
esac
