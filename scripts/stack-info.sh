#!/usr/bin/env bash
# Prints where everything in the local stack is.
source "$(dirname "$0")/common.sh"
cat <<TXT

Inventory platform is up.
  Kafka        $KAFKA_BOOTSTRAP_SERVERS   (logs: $LOG_DIR/kafka/server.log)
  PostgreSQL   postgresql://$PG_USER:***@$PG_HOST:$PG_PORT/<service database>   (log: $LOG_DIR/postgres.log)
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
