#!/usr/bin/env bash
# Starts a single-node Apache Kafka broker (KRaft, broker and controller in one process) on 127.0.0.1 for load
# tests and manual runs, from the project's own Maven dependencies (no separate Kafka download).
#
#   load-tests/kafka-broker.sh DIR [PORT]     # foreground; Ctrl-C stops it. Data and logs live in DIR.
#
# Prints "kafka broker ready on 127.0.0.1:PORT" once it accepts connections.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=${1:?usage: kafka-broker.sh DIR [PORT]}
port=${2:-9092}
controller=$((port + 1))
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

cp_file="$dir/classpath.txt"
if [[ ! -s $cp_file ]]; then
  # kafka_2.13 is a test-scope dependency of the gateway (the in-process test broker); reuse it here.
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
fi
cp=$(cat "$cp_file")

cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=6
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS

if [[ ! -f $dir/data/meta.properties ]]; then
  java -cp "$cp" kafka.tools.StorageTool format -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid)" \
    -c "$dir/server.properties" >"$dir/format.log" 2>&1 || { cat "$dir/format.log" >&2; exit 1; }
fi

cat >"$dir/logback.xml" <<'XML'
<configuration>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="OUT"/></root>
</configuration>
XML

java ${KAFKA_HEAP_OPTS:--Xmx512m} -Dlogback.configurationFile="$dir/logback.xml" -cp "$cp" kafka.Kafka "$dir/server.properties" >"$dir/kafka.log" 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null; wait $broker 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 120); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "kafka broker ready on 127.0.0.1:$port"
    wait $broker
    exit $?
  fi
  kill -0 $broker 2>/dev/null || { tail -50 "$dir/kafka.log" >&2; exit 1; }
  sleep 0.5
done
echo "kafka broker did not start; see $dir/kafka.log" >&2
exit 1
