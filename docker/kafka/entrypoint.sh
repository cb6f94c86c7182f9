#!/bin/bash
# Writes server.properties from the KAFKA_* environment (KAFKA_FOO_BAR=x becomes
# foo.bar=x, as in the official image), formats the log directory once with a random
# cluster id (or $CLUSTER_ID), then runs the broker+controller in the foreground.
set -euo pipefail
CONFIG=/opt/kafka/server.properties
CLASSPATH="/opt/kafka/libs/*"
read -r -a HEAP_OPTS <<<"${KAFKA_HEAP_OPTS:--Xmx512m}"
read -r -a EXTRA_OPTS <<<"${KAFKA_OPTS:-}"
JAVA_OPTS=("${HEAP_OPTS[@]}" -XX:+UseSerialGC -XX:TieredStopAtLevel=1
    -Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=info
    -Dorg.slf4j.simpleLogger.showDateTime=true "${EXTRA_OPTS[@]}")

: >"$CONFIG"
while IFS='=' read -r name value; do
    case "$name" in
        KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JVM_PERFORMANCE_OPTS|KAFKA_LOG4J_OPTS|KAFKA_VERSION) continue ;;
        KAFKA_*) ;;
        *) continue ;;
    esac
    key=$(printf '%s' "${name#KAFKA_}" | tr '[:upper:]' '[:lower:]' | tr '_' '.')
    printf '%s=%s\n' "$key" "$value" >>"$CONFIG"
done < <(env)

log_dirs=$(sed -n 's/^log\.dirs=//p' "$CONFIG")
mkdir -p "$log_dirs"
if [ ! -f "$log_dirs/meta.properties" ]; then
    cluster_id="${CLUSTER_ID:-$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')}"
    echo "entrypoint: formatting $log_dirs with cluster id $cluster_id"
    java "${JAVA_OPTS[@]}" -cp "$CLASSPATH" kafka.tools.StorageTool \
        format --ignore-formatted -t "$cluster_id" -c "$CONFIG"
fi
exec java "${JAVA_OPTS[@]}" -cp "$CLASSPATH" kafka.Kafka "$CONFIG"
