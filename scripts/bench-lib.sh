# Set-up shared by the hand-run benchmark scripts (source after scripts/lib.sh, from the repository root; never
# used by the test command): a work directory with a throwaway PostgreSQL in it, and Odoo 17 catalogues.

# bench_workspace PREFIX: makes $work (/tmp/PREFIX.XXXXXX), starts a throwaway PostgreSQL cluster in $work/pg
# (PGTEST_DIR, PGHOST, PGPORT... exported), creates database `bench` and sets $dsn to it. On exit the cluster and
# $work are removed, after `bench_on_exit` when the script defines it (e.g. to stop a stockd it started).
bench_workspace() {
  work=$(mktemp -d "/tmp/$1.XXXXXX")
  chmod 755 "$work"  # the test cluster runs as the postgres user
  export PGTEST_DIR="$work/pg"
  trap bench_cleanup EXIT
  scripts/pg-test.sh start >&2
  eval "$(scripts/pg-test.sh env)"
  psql -q -c "CREATE DATABASE bench"
  dsn="host=127.0.0.1 port=$PGPORT user=postgres dbname=bench"
}

bench_cleanup() {
  if declare -F bench_on_exit >/dev/null; then bench_on_exit || true; fi
  scripts/pg-test.sh destroy >/dev/null 2>&1 || true
  rm -rf "$work"
}

# bench_load_catalogue DATABASE VARIANTS [odoo-fixtures catalogue options...]: Odoo 17's schema and a generated
# catalogue of VARIANTS variants into DATABASE (which must exist). Needs $fixtures (build_binaries).
bench_load_catalogue() {
  local database=$1 variants=$2
  shift 2
  "$fixtures" schema --odoo 17.0 | psql -q -v ON_ERROR_STOP=1 -d "$database"
  "$fixtures" catalogue --odoo 17.0 --variants "$variants" "$@" | psql -q -v ON_ERROR_STOP=1 -d "$database"
}
