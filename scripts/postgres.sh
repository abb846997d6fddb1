#!/usr/bin/env bash
# Local PostgreSQL from Debian's server packages, one database per service.
#   scripts/postgres.sh install|start|stop|status|databases|psql
source "$(dirname "$0")/common.sh"

PG_RUN_USER="postgres"          # the server refuses to run as root
PG_BASE_DIR="$STATE_DIR/postgres"
PG_DATA="$PG_BASE_DIR/data"
PG_LOG="$LOG_DIR/postgres.log"

pg_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  [ -n "$dir" ] && [ -x "$dir/postgres" ] && echo "$dir"
}

install() {
  if [ -z "$(pg_bin_dir)" ]; then
    apt_install postgresql postgresql-client
    # Debian's package creates and starts a "main" cluster; ours runs from its own data directory.
    if command -v pg_lsclusters >/dev/null; then
      pg_lsclusters --no-header 2>/dev/null | while read -r ver name _; do
        as_root pg_ctlcluster "$ver" "$name" stop 2>/dev/null || true
      done
    fi
  fi
  command -v psql >/dev/null || apt_install postgresql-client
}

# Run a command as the server's owner: the postgres user when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$PG_RUN_USER" -- "$@"; else "$@"; fi
}

choose_data_dir() {
  # The postgres user must be able to reach the data directory and the log; a checkout under a
  # private directory (a home, mktemp -d) is not reachable, so fall back to a per-checkout
  # directory under /var/tmp for both.
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PG_BASE_DIR"
    chown "$PG_RUN_USER" "$PG_BASE_DIR"
    if ! runuser -u "$PG_RUN_USER" -- test -w "$PG_BASE_DIR"; then
      PG_BASE_DIR="$PG_FALLBACK_DIR"
      PG_DATA="$PG_BASE_DIR/data"
      PG_LOG="$PG_BASE_DIR/postgres.log"
      mkdir -p "$PG_BASE_DIR"; chown "$PG_RUN_USER" "$PG_BASE_DIR"
    fi
  else
    mkdir -p "$PG_BASE_DIR"
  fi
  touch "$PG_LOG" && { [ "$(id -u)" != 0 ] || chown "$PG_RUN_USER" "$PG_LOG"; }
}

# Administration goes through the Unix socket (trust for the cluster owner only).
psql_admin() { as_owner "$(pg_bin_dir)/psql" -h "$PG_BASE_DIR" -p "$PG_PORT" -U "$(admin_user)" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
admin_user() { if [ "$(id -u)" = 0 ]; then echo "$PG_RUN_USER"; else id -un; fi; }

ready() { "$(pg_bin_dir)/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT"; }

start() {
  install
  choose_data_dir
  local bin; bin="$(pg_bin_dir)"
  if ready; then log "PostgreSQL already accepting connections on $PG_HOST:$PG_PORT"; else
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
      log "initialising a PostgreSQL cluster in $PG_DATA"
      as_owner "$bin/initdb" -D "$PG_DATA" -U "$(admin_user)" --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 >>"$PG_LOG" 2>&1 || die "initdb failed, see $PG_LOG"
      cat >>"$PG_DATA/postgresql.conf" <<CONF
# local development and CI settings
listen_addresses = '$PG_HOST'
max_connections = 300
shared_buffers = 512MB
synchronous_commit = on
# The outboxes are queue tables (thousands of rows in and out a second): vacuum them every few
# seconds, not every minute, or the relay's scans wade through dead rows (bench/README.md).
autovacuum_naptime = 5s
# Under load the stack writes ~50 WAL records an order; with the default 1 GB a checkpoint is
# forced every couple of minutes, and each one makes the next write of every page a full-page
# image. Spread them out (time-based checkpoints).
max_wal_size = 4GB
checkpoint_timeout = 15min
unix_socket_directories = '$PG_BASE_DIR'
CONF
    fi
    log "starting PostgreSQL on $PG_HOST:$PG_PORT (log: $PG_LOG)"
    # From a directory the server's owner can enter (it may not be able to enter the checkout).
    (cd "$PG_BASE_DIR" && as_owner setsid "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" \
      -o "-p $PG_PORT -k $PG_BASE_DIR" -w -t 60 start >/dev/null) \
      || die "PostgreSQL did not start, see $PG_LOG"
  fi
  wait_for "PostgreSQL" ready || die "PostgreSQL is not accepting connections"
  databases
}

databases() {
  psql_admin <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE "$PG_USER" LOGIN SUPERUSER PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
SQL
  local db
  for entry in "${SERVICES[@]}" "x inventory_test 0"; do
    read -r _ db _ <<<"$entry"
    if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
      psql_admin -c "CREATE DATABASE \"$db\" OWNER \"$PG_USER\"" && log "created database $db"
    fi
  done
}

stop() {
  choose_data_dir
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    log "stopping PostgreSQL"
    as_owner "$(pg_bin_dir)/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null || true
  else
    log "PostgreSQL (ours) is not running"
  fi
}

status() {
  if ready; then echo "postgres ready postgresql://$PG_HOST:$PG_PORT"; else echo "postgres DOWN postgresql://$PG_HOST:$PG_PORT"; return 1; fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  databases) databases ;;
  psql) shift; PGPASSWORD="$PG_PASSWORD" psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$@" ;;
  *) echo "usage: $0 install|start|stop|status|databases|psql [ARGS]" >&2; exit 2 ;;
esac
