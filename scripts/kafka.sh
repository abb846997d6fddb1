#!/usr/bin/env bash
# Local Apache Kafka (KRaft, single combined node) from Maven Central jars, run with Java 17.
#   scripts/kafka.sh install|start|stop|restart|status|logs
source "$(dirname "$0")/common.sh"

KAFKA_HOME="$STATE_DIR/kafka"
KAFKA_LIBS="$KAFKA_HOME/libs-$KAFKA_VERSION"
KAFKA_DATA="$KAFKA_HOME/data"
KAFKA_CONFIG="$KAFKA_HOME/server.properties"
KAFKA_PID="$RUN_DIR/kafka.pid"
KAFKA_LOG_DIR="$LOG_DIR/kafka"

install() {
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  if [ -f "$KAFKA_LIBS/.complete" ]; then return; fi
  command -v mvn >/dev/null || apt_install maven
  log "resolving Kafka $KAFKA_VERSION jars from Maven Central (cached in ~/.m2 and $KAFKA_LIBS)"
  rm -rf "$KAFKA_LIBS"
  mvn -q -B -Dstyle.color=never -f "$ROOT/scripts/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS"
  touch "$KAFKA_LIBS/.complete"
}

java_cmd() { # prints nothing; fills JAVA_CMD for the broker and the tools
  JAVA_CMD=(java "-Xmx${1}" -XX:+UseG1GC -Djava.awt.headless=true
    "-Dkafka.logs.dir=$KAFKA_LOG_DIR" "-Dlog4j2.configurationFile=$ROOT/scripts/kafka/log4j2.properties"
    -cp "$KAFKA_LIBS/*")
}
java_run() { java_cmd 256m; "${JAVA_CMD[@]}" "$@"; }

running() { [ -f "$KAFKA_PID" ] && kill -0 "$(cat "$KAFKA_PID")" 2>/dev/null; }

# The broker is ready when it answers metadata requests, not merely when the port is open.
ready() {
  port_open "$KAFKA_HOST" "$KAFKA_PORT" || return 1
  java_run org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" >/dev/null 2>&1
}

configure() {
  mkdir -p "$KAFKA_DATA" "$KAFKA_LOG_DIR"
  sed -e "s|@HOST@|$KAFKA_HOST|g" -e "s|@PORT@|$KAFKA_PORT|g" \
      -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" -e "s|@DATA_DIR@|$KAFKA_DATA|g" \
      "$ROOT/scripts/kafka/server.properties.in" > "$KAFKA_CONFIG"
  if [ ! -f "$KAFKA_DATA/meta.properties" ]; then
    local cluster_id
    cluster_id="$(java_run kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
    log "formatting KRaft storage (cluster $cluster_id)"
    java_run kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$KAFKA_CONFIG" \
      >>"$KAFKA_LOG_DIR/format.log" 2>&1 || die "storage format failed, see $KAFKA_LOG_DIR/format.log"
  fi
}

start() {
  install
  if running; then log "Kafka already running (pid $(cat "$KAFKA_PID"))"; return; fi
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    die "port $KAFKA_PORT is taken by another process; set KAFKA_PORT"
  fi
  configure
  log "starting Kafka $KAFKA_VERSION on $KAFKA_BOOTSTRAP_SERVERS (logs: $KAFKA_LOG_DIR)"
  java_cmd "${KAFKA_HEAP:-1g}"
  setsid nohup "${JAVA_CMD[@]}" kafka.Kafka "$KAFKA_CONFIG" >>"$KAFKA_LOG_DIR/stdout.log" 2>&1 &
  echo $! >"$KAFKA_PID"
  WAIT_SECONDS=${KAFKA_WAIT_SECONDS:-90} wait_for "Kafka" ready \
    || { tail -n 30 "$KAFKA_LOG_DIR/stdout.log" >&2; die "Kafka did not become ready"; }
}

stop() {
  if ! running; then rm -f "$KAFKA_PID"; log "Kafka is not running"; return; fi
  local pid; pid="$(cat "$KAFKA_PID")"
  log "stopping Kafka (pid $pid)"
  kill -TERM "$pid"
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then log "Kafka did not stop in 60 s, killing"; kill -KILL "$pid"; fi
    sleep 0.3
  done
  rm -f "$KAFKA_PID"
}

status() {
  if ready; then echo "kafka ready $KAFKA_BOOTSTRAP_SERVERS"; else echo "kafka DOWN $KAFKA_BOOTSTRAP_SERVERS"; return 1; fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  run-tool) shift; install; java_run "$@" ;;  # e.g. run-tool org.apache.kafka.tools.ConsoleProducer ...
  *) echo "usage: $0 install|start|stop|restart|status|run-tool CLASS ARGS" >&2; exit 2 ;;
esac
