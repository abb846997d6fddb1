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
  printf '  %-20s http://127.0.0.1:%s   docs /docs   metrics /metrics   db %s   log %s\n' \
    "$name" "$port" "$db" "$LOG_DIR/$name.log"
done
cat <<TXT

  make status   readiness of every component
  make down     stop everything
TXT
