#!/usr/bin/env bash
# Prints where everything in the local stack is.
source "$(dirname "$0")/common.sh"
pg_log="$LOG_DIR/postgres.log"
if [ ! -f "$STATE_DIR/postgres/data/PG_VERSION" ] && [ -f "$PG_FALLBACK_DIR/data/PG_VERSION" ]; then
  pg_log="$PG_FALLBACK_DIR/postgres.log"  # the server user could not reach the checkout
fi
cat <<TXT

Inventory platform is up.
  Kafka        $KAFKA_BOOTSTRAP_SERVERS   (logs: $LOG_DIR/kafka/server.log)
  PostgreSQL   postgresql://$PG_USER:***@$PG_HOST:$PG_PORT/<service database>   (log: $pg_log)
TXT
for entry in "${SERVICES[@]}"; do
  read -r name db port <<<"$entry"
  for ((k = 1; k <= ${REPLICAS:-1}; k++)); do  # instance k >= 2: NAME-k on port + (k-1) x step
    instance="$name" && ((k > 1)) && instance="$name-$k"
    printf '  %-22s http://127.0.0.1:%s   docs /docs   metrics /metrics   db %s   log %s\n' \
      "$instance" "$((port + (k - 1) * ${REPLICA_PORT_STEP:-50}))" "$db" "$LOG_DIR/$instance.log"
  done
done
cat <<TXT

  make status   readiness of every component
  make down     stop everything
TXT
