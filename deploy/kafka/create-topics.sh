#!/usr/bin/env bash
# Creates the platform's topics and their dead-letter topics; safe to run again at any time
# (existing topics are left as they are). Used by the compose `kafka-init` service and, embedded
# (Kubernetes: Strimzi KafkaTopics in deploy/k8s/base/kafka-topics.yaml, kept equal by a test).
# Runs in the apache/kafka image.
#
# Environment:
#   KAFKA_BOOTSTRAP_SERVERS  broker to talk to (required)
#   REPLICATION_FACTOR       default 1; use 3 on a production cluster
#   MIN_INSYNC_REPLICAS      default 1; use 2 with a replication factor of 3 (services produce with acks=all)
#   DLQ_RETENTION_MS         default 30 days: dead letters must outlive the investigation of why they failed
#   KAFKA_TOPICS             path of kafka-topics.sh
set -euo pipefail

BOOTSTRAP="${KAFKA_BOOTSTRAP_SERVERS:?KAFKA_BOOTSTRAP_SERVERS is required}"
REPLICATION_FACTOR="${REPLICATION_FACTOR:-1}"
MIN_INSYNC_REPLICAS="${MIN_INSYNC_REPLICAS:-1}"
DLQ_RETENTION_MS="${DLQ_RETENTION_MS:-2592000000}"
KAFKA_TOPICS="${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}"

# topic  partitions   (each also gets <topic>.dlq with the same partition count)
TOPICS="
inventory.orders            6
inventory.master-data       3
inventory.stock-movements   6
inventory.reservations      6
inventory.availability      6
inventory.replenishment     3
inventory.approvals         3
inventory.purchase-orders   3
inventory.alerts            3
inventory.people            3
"

attempt=1
until "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --list >/dev/null 2>&1; do
    if [ "$attempt" -ge 30 ]; then
        echo "Kafka at $BOOTSTRAP is not reachable, giving up" >&2
        exit 1
    fi
    echo "waiting for Kafka at $BOOTSTRAP (attempt $attempt)"
    attempt=$((attempt + 1))
    sleep 5
done

create() {
    local topic="$1" partitions="$2"
    shift 2
    "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
        --topic "$topic" --partitions "$partitions" --replication-factor "$REPLICATION_FACTOR" \
        --config "min.insync.replicas=$MIN_INSYNC_REPLICAS" "$@"
}

while read -r topic partitions; do
    [ -n "$topic" ] || continue
    create "$topic" "$partitions"
    create "$topic.dlq" "$partitions" --config "retention.ms=$DLQ_RETENTION_MS"
done <<< "$TOPICS"

echo "topics:"
"$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --list
