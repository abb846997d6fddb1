#!/usr/bin/env bash
# The six services as separate local processes.
#   [REPLICAS=N] scripts/services.sh migrate|start|stop|restart|status [SERVICE|INSTANCE...]
# A SERVICE names all its instances, an INSTANCE one of them (reservation-2: see REPLICAS below).
source "$(dirname "$0")/common.sh"

VENV_BIN="$ROOT/.venv/bin"

# On one machine the order path (order intake at the gateway, reservation, the ledger) gets the
# CPU first: planning, alerting and approvals are throughput work that may lag by seconds, and
# at 1,000 orders/s their bursts were what pushed the reservation p99 past 100 ms
# (bench/README.md). In Kubernetes the same split is the PriorityClasses in deploy/k8s.
BACKGROUND_SERVICES="${BACKGROUND_SERVICES:-replenishment alerting approval}"
BACKGROUND_NICE="${BACKGROUND_NICE:-10}"
niceness() { if [[ " $BACKGROUND_SERVICES " == *" $(service_of "$1") "* ]]; then echo "$BACKGROUND_NICE"; else echo 0; fi; }

# REPLICAS (default 1) instances of every service. Instance 1 keeps the service's name, port, pid
# file and log; instance k >= 2 is NAME-k on the service's port + (k-1) x REPLICA_PORT_STEP
# (default 50, so stack ports 8001-8006 give replicas on 8051-8056), with its own pid file and
# log. All instances of a service share its database and Kafka consumer groups, so they split
# the partitions. Migrations run once per service (instance 1).
REPLICAS="${REPLICAS:-1}"
REPLICA_PORT_STEP="${REPLICA_PORT_STEP:-50}"
# How long start waits for each instance to answer /ready (a loaded machine may need more).
SERVICE_READY_SECONDS="${SERVICE_READY_SECONDS:-$((60 * REPLICAS))}"
MAX_REPLICAS=9  # stop and status look for instances up to this many, whatever REPLICAS says
[[ "$REPLICAS" =~ ^[1-9]$ ]] || die "REPLICAS must be 1-$MAX_REPLICAS (got '$REPLICAS')"

instance_name() { if [ "$2" -eq 1 ]; then echo "$1"; else echo "$1-$2"; fi; }

named() { # instance, service, args: true if the args select the instance (no args: all)
  local instance="$1" service="$2"; shift 2
  [ $# -eq 0 ] || [[ " $* " == *" $service "* ]] || [[ " $* " == *" $instance "* ]]
}

selected() { # upto, args: "instance database port" of instances 1..upto the args name, and of
  # any instance named explicitly (e.g. reservation-2) whatever upto is
  local upto="$1" entry name db port k instance; shift
  for entry in "${SERVICES[@]}"; do
    read -r name db port <<<"$entry"
    for ((k = 1; k <= MAX_REPLICAS; k++)); do
      instance="$(instance_name "$name" "$k")"
      if ((k > upto)) && [[ " $* " != *" $instance "* ]]; then continue; fi
      named "$instance" "$name" "$@" && echo "$instance $db $((port + (k - 1) * REPLICA_PORT_STEP))"
    done
  done
}

service_of() { # instance name -> service name
  local entry name
  for entry in "${SERVICES[@]}"; do
    read -r name _ _ <<<"$entry"
    if [ "$1" = "$name" ] || [[ "$1" =~ ^$name-[0-9]+$ ]]; then echo "$name"; return; fi
  done
}

# Webhooks and alert channels may not call loopback or private addresses unless allow-listed
# (OUTBOUND_ALLOWLIST, runtime `outbound`). On a laptop the demo's stand-in ERP, the e2e webhook
# receivers and the local SMTP server listen on 127.0.0.1, so development opens loopback, and
# only loopback; any other environment gets only what OUTBOUND_ALLOWLIST says (empty: nothing).
DEV_OUTBOUND_ALLOWLIST="127.0.0.0/8,::1,localhost"

outbound_allowlist() {
  if [ "${ENVIRONMENT:-development}" = development ]; then
    echo "${OUTBOUND_ALLOWLIST-$DEV_OUTBOUND_ALLOWLIST}"
  else
    echo "${OUTBOUND_ALLOWLIST:-}"
  fi
}

# In development approval notifies through stand-ins on 127.0.0.1 (inventory_testkit.standins,
# which the e2e suite starts): e-mail to an SMTP server on APPROVAL_SMTP_PORT, every IM kind as
# JSON posts to APPROVAL_IM_PORT (/im/<kind>, the person's IM id as "to"); retries come fast.
# Any other environment configures its channels itself (NOTIFY_*, services/approval/README.md).
APPROVAL_SMTP_PORT="${APPROVAL_SMTP_PORT:-8025}"
APPROVAL_IM_PORT="${APPROVAL_IM_PORT:-8026}"

dev_notify_env() { # service
  [ "$1" = approval ] && [ "${ENVIRONMENT:-development}" = development ] || return 0
  local im="json://127.0.0.1:$APPROVAL_IM_PORT/im" kind
  echo "APPROVAL_PUBLIC_URL=${APPROVAL_PUBLIC_URL:-http://127.0.0.1:${APPROVAL_PORT:-8004}}" "NOTIFY_SMTP_HOST=127.0.0.1" \
    "NOTIFY_SMTP_PORT=$APPROVAL_SMTP_PORT" "NOTIFY_SMTP_SECURITY=insecure" \
    "NOTIFY_SMTP_FROM=approvals@inventory.example.com" \
    "NOTIFICATION_BACKOFF_BASE_SECONDS=1" "NOTIFICATION_BACKOFF_CAP_SECONDS=10"
  for kind in dingtalk wecom feishu slack; do
    echo "NOTIFY_${kind^^}_URL=$im/$kind?:to={id}"
  done
}

service_env() { # service, database, port
  echo "SERVICE_NAME=$1" "ENVIRONMENT=${ENVIRONMENT:-development}" "HTTP_HOST=${HTTP_HOST:-127.0.0.1}" \
    "HTTP_PORT=$3" "KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS" "LOG_LEVEL=${LOG_LEVEL:-INFO}" \
    "DATABASE_URL=postgresql+asyncpg://$PG_USER:$PG_PASSWORD@$PG_HOST:$PG_PORT/$2" \
    "OUTBOUND_ALLOWLIST=$(outbound_allowlist)" $(dev_notify_env "$1")
}

running() { [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }
ready() { curl -fsS -m 2 "http://127.0.0.1:$1/ready" >/dev/null 2>&1; }

migrate() {
  local name db port
  while read -r name db port; do
    log "migrating $name (database $db)"
    # shellcheck disable=SC2046
    env $(service_env "$name" "$db" "$port") "$VENV_BIN/$name" migrate >>"$LOG_DIR/$name.log" 2>&1 \
      || { tail -n 20 "$LOG_DIR/$name.log" >&2; die "migration of $name failed"; }
  done < <(selected 1 "$@")
}

start() {
  local name db port service pending=()
  while read -r name db port; do
    if running "$name"; then log "$name already running (pid $(cat "$RUN_DIR/$name.pid"))"; continue; fi
    port_open 127.0.0.1 "$port" && die "port $port for $name is taken by another process"
    service="$(service_of "$name")"
    # shellcheck disable=SC2046
    setsid nohup nice -n "$(niceness "$name")" env $(service_env "$service" "$db" "$port") \
      "$VENV_BIN/$service" serve >>"$LOG_DIR/$name.log" 2>&1 &
    echo $! >"$RUN_DIR/$name.pid"
    pending+=("$name:$port")
  done < <(selected "$REPLICAS" "$@")
  local item
  for item in "${pending[@]}"; do
    WAIT_SECONDS="$SERVICE_READY_SECONDS" wait_for "${item%%:*} on :${item##*:}" ready "${item##*:}" \
      || { tail -n 30 "$LOG_DIR/${item%%:*}.log" >&2; die "${item%%:*} did not become ready"; }
  done
}

stop() { # every instance that has a pid file, whatever REPLICAS is: SIGTERM to all, then wait
  local name pid stopping=()
  while read -r name _ _; do
    running "$name" || { rm -f "$RUN_DIR/$name.pid"; continue; }
    pid="$(cat "$RUN_DIR/$name.pid")"
    log "stopping $name (pid $pid)"
    kill -TERM "$pid"
    stopping+=("$name:$pid")
  done < <(selected "$MAX_REPLICAS" "$@")
  local item deadline=$((SECONDS + 30))
  for item in "${stopping[@]}"; do
    pid="${item##*:}"
    while kill -0 "$pid" 2>/dev/null; do
      ((SECONDS < deadline)) || { kill -KILL "$pid"; break; }
      sleep 0.2
    done
    rm -f "$RUN_DIR/${item%:*}.pid"
  done
}

status() { # instances 1..REPLICAS, and any other instance still running
  local name port k rc=0
  while read -r name _ port; do
    k="${name##*-}"; [[ "$k" =~ ^[0-9]+$ ]] || k=1
    if ((k > REPLICAS)) && ! running "$name"; then continue; fi
    if ready "$port"; then state=ready; else state=DOWN; rc=1; fi
    printf '%-22s %-6s http://127.0.0.1:%s  (docs /docs, metrics /metrics)\n' "$name" "$state" "$port"
  done < <(selected "$MAX_REPLICAS" "$@")
  return $rc
}

cmd="${1:-}"; shift || true
case "$cmd" in
  migrate) migrate "$@" ;;
  start) start "$@" ;;
  stop) stop "$@" ;;
  restart) stop "$@"; start "$@" ;;
  status) status "$@" ;;
  *) echo "usage: [REPLICAS=N] $0 migrate|start|stop|restart|status [SERVICE|INSTANCE...]" >&2; exit 2 ;;
esac
