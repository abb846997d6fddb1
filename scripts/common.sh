# Shared settings of the local stack scripts. Every value can be overridden from the environment.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${INVENTORY_STATE_DIR:-$ROOT/.local}"
LOG_DIR="$STATE_DIR/logs"
# Where PostgreSQL's data and log go when its server user cannot reach the checkout (see
# choose_data_dir in postgres.sh).
PG_FALLBACK_DIR="/var/tmp/inventory-platform-$(echo "$ROOT" | md5sum | cut -c1-8)/postgres"
RUN_DIR="$STATE_DIR/run"
mkdir -p "$LOG_DIR" "$RUN_DIR"

KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
KAFKA_HOST="${KAFKA_HOST:-127.0.0.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-$KAFKA_HOST:$KAFKA_PORT}"

PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
PG_USER="${PG_USER:-inventory}"
PG_PASSWORD="${PG_PASSWORD:-inventory}"

# service name, import package (= database name), HTTP port
SERVICES=(
  "stock-ledger stock_ledger ${STOCK_LEDGER_PORT:-8001}"
  "reservation reservation ${RESERVATION_PORT:-8002}"
  "replenishment replenishment ${REPLENISHMENT_PORT:-8003}"
  "approval approval ${APPROVAL_PORT:-8004}"
  "alerting alerting ${ALERTING_PORT:-8005}"
  "integration-gateway integration_gateway ${INTEGRATION_GATEWAY_PORT:-8006}"
)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Wait until "$@" succeeds or the deadline (seconds in WAIT_SECONDS, default 60) passes.
wait_for() {
  local what="$1"; shift
  local deadline=$((SECONDS + ${WAIT_SECONDS:-60}))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.5
  done
  log "$what is ready"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  log "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
