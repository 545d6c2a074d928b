#!/usr/bin/env bash
# pgbench directly against PostgreSQL and through Portcullis, in the same run, side by side.
#
#   load-tests/pgbench-compare.sh            # defaults: 8 clients, 20 s per run, scale 10
#   CLIENTS=16 DURATION=60 WARMUP=10 load-tests/pgbench-compare.sh
#
# It starts `portcullis dev` with its own throwaway PostgreSQL and dev issuer (ports 25432/25433/28080 on
# 127.0.0.1), initialises pgbench tables, mints a token for the `bench` group (load-tests/policies/pgbench.yaml),
# then runs select-only (-S) and the tpcb-like read/write mix with -M simple and -M extended. Direct runs connect
# as the gateway's own backend role, so both sides do the same work on the same server; the gateway side has TLS,
# token auth, policy evaluation of every statement and session events (journal) switched on.
#
# When pgbouncer is installed (apt-get install pgbouncer), the same runs also go through PgBouncer in session mode
# (plain TCP, no parsing, no events) as a reference: what a mature C relay reaches on the same cores tells how much
# of the gap is the extra hop itself. Set PGBOUNCER=0 to skip it.
#
# A no-op relay (load-tests/NoopRelay.java: a Vert.x TCP pipe, one event loop, no TLS, parsing, policy or events)
# runs as a second reference: the floor any JVM relay pays on these cores. RELAY=0 skips it.
#
# KAFKA=1 adds a second gateway (`serve` with the dev config, same issuer, policies and database) whose events go
# to a real Kafka broker (load-tests/kafka-broker.sh, started here) instead of the journal: its column shows what
# the Kafka sink costs against the journal and direct, and the events per second the sink delivered (counted on
# the broker, so only events Kafka acknowledged are counted).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CLIENTS=${CLIENTS:-8}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
SCALE=${SCALE:-10}
GW_PORT=${GW_PORT:-25432}
PG_PORT=${PG_PORT:-25433}
ISSUER_PORT=${ISSUER_PORT:-28080}
ADMIN_PORT=${ADMIN_PORT:-28081}
BOUNCER_PORT=${BOUNCER_PORT:-25434}
PGBOUNCER=${PGBOUNCER:-1}
RELAY=${RELAY:-1}
RELAY_PORT=${RELAY_PORT:-25436}
KAFKA=${KAFKA:-0}
KAFKA_PORT=${KAFKA_PORT:-29092}
GW_KAFKA_PORT=${GW_KAFKA_PORT:-25435}
work=$(mktemp -d /tmp/portcullis-bench.XXXXXX)
chmod 755 "$work"

./portcullis dev --data "$work" --port "$GW_PORT" --postgres-port "$PG_PORT" --issuer-port "$ISSUER_PORT" \
  --admin-port "$ADMIN_PORT" \
  --policies load-tests/policies >"$work/gateway.log" 2>&1 &
gw=$!
bouncer=
relay=
broker=
kgw=
# Stops a process and the children it started: the wrapper scripts (./portcullis, kafka-broker.sh) run java as a
# child, which killing the wrapper alone would leave running, holding the benchmark's ports.
kill_tree() {
  pkill -TERM -P "$1" 2>/dev/null || true
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  if [[ -n $bouncer ]]; then kill "$bouncer" 2>/dev/null || true; fi
  if [[ -n $relay ]]; then kill "$relay" 2>/dev/null || true; fi
  if [[ -n $kgw ]]; then kill_tree "$kgw"; fi
  if [[ -n $broker ]]; then kill_tree "$broker"; fi
  kill_tree "$gw"
}
trap cleanup EXIT

# Waits (up to 2 minutes) until LOG contains TEXT; stops the script if process PID exits or time runs out.
await_line() {
  local log=$1 text=$2 pid=$3
  for _ in $(seq 1 240); do
    grep -q "$text" "$log" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "'$text' never appeared in $log:" >&2
  cat "$log" >&2
  exit 1
}

await_line "$work/gateway.log" "Portcullis dev gateway is ready" $gw

admin_pw=$(cat "$work/admin.pw")
gw_pw=$(cat "$work/gw_orders.pw")
PGPASSWORD=$admin_pw pgbench -q -i -s "$SCALE" -h 127.0.0.1 -p "$PG_PORT" -U portcullis_admin orders >/dev/null 2>&1
PGPASSWORD=$admin_pw psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U portcullis_admin -d orders \
  -c "GRANT SELECT, INSERT, UPDATE ON pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history TO gw_orders"

if [[ $PGBOUNCER == 1 ]] && command -v pgbouncer >/dev/null; then
  printf '"gw_orders" "%s"\n' "$gw_pw" >"$work/bouncer-users.txt"
  cat >"$work/pgbouncer.ini" <<EOF
[databases]
orders = host=127.0.0.1 port=$PG_PORT dbname=orders
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = plain
auth_file = $work/bouncer-users.txt
pool_mode = session
default_pool_size = $((CLIENTS + 4))
max_client_conn = $((CLIENTS * 4))
logfile = $work/pgbouncer.log
EOF
  chmod 600 "$work/bouncer-users.txt"
  if [[ $(id -u) == 0 ]]; then
    # PgBouncer refuses to run as root: run it as the user that owns the dev PostgreSQL cluster.
    owner=$(stat -c %U "$work/pgdata")
    chown "$owner" "$work/pgbouncer.ini" "$work/bouncer-users.txt"
    su -s /bin/sh "$owner" -c "exec pgbouncer $work/pgbouncer.ini" >/dev/null 2>&1 &
  else
    pgbouncer "$work/pgbouncer.ini" >/dev/null 2>&1 &
  fi
  bouncer=$!
  for _ in $(seq 1 40); do
    PGPASSWORD=$gw_pw psql -X -q -h 127.0.0.1 -p "$BOUNCER_PORT" -U gw_orders -d orders -c 'select 1' >/dev/null 2>&1 && break
    sleep 0.25
  done
else
  PGBOUNCER=0
fi

if [[ $RELAY == 1 ]]; then
  java -cp target/portcullis.jar load-tests/NoopRelay.java "$RELAY_PORT" 127.0.0.1 "$PG_PORT" >"$work/relay.log" 2>&1 &
  relay=$!
  await_line "$work/relay.log" "noop relay ready" $relay
fi

if [[ $KAFKA == 1 ]]; then
  load-tests/kafka-broker.sh "$work/kafka" "$KAFKA_PORT" >"$work/kafka.out" 2>&1 &
  broker=$!
  await_line "$work/kafka.out" "kafka broker ready" $broker
  # The dev gateway's own config, on another port and with the Kafka sink instead of the journal.
  # the second gateway listens on its own port and has no admin listener (the dev gateway's is bound)
  sed -e "s/port: $GW_PORT }/port: $GW_KAFKA_PORT }/" -e '/^  admin: /d' -e '/^events:/,$d' "$work/portcullis.yaml" \
    >"$work/kafka-gateway.yaml"
  cat >>"$work/kafka-gateway.yaml" <<EOF
events:
  sink: kafka
  kafka: { bootstrapServers: "127.0.0.1:$KAFKA_PORT", spool: { dir: kafka-spool } }
EOF
  ./portcullis serve --config "$work/kafka-gateway.yaml" >"$work/kafka-gateway.log" 2>&1 &
  kgw=$!
  await_line "$work/kafka-gateway.log" "Portcullis listening on" $kgw
  kafka_cp=$(cat "$work/kafka/classpath.txt")
fi

# Events Kafka holds on the sessions topic (the sum of its partitions' end offsets).
kafka_events() {
  java -cp "$kafka_cp" -Dlogback.configurationFile="$work/kafka/logback.xml" load-tests/TopicEndOffsets.java \
    "127.0.0.1:$KAFKA_PORT" portcullis.sessions
}

token=$(./portcullis token --issuer "http://127.0.0.1:$ISSUER_PORT" --subject bench-agent --groups bench --ttl 7200)

run() { # label, connection string, password, pgbench args…
  local label=$1 conn=$2 pw=$3; shift 3
  local out
  out=$(PGPASSWORD=$pw pgbench -n -c "$CLIENTS" -j "$THREADS" -T "$DURATION" "$@" "$conn" 2>&1) || { echo "$out" >&2; return 1; }
  local tps lat
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")
  lat=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$out")
  echo "$tps $lat"
}

direct="host=127.0.0.1 port=$PG_PORT dbname=orders user=gw_orders sslmode=disable"
bouncer_conn="host=127.0.0.1 port=$BOUNCER_PORT dbname=orders user=gw_orders sslmode=disable"
relay_conn="host=127.0.0.1 port=$RELAY_PORT dbname=orders user=gw_orders sslmode=disable"
gateway="host=127.0.0.1 port=$GW_PORT dbname=orders user=bench-agent sslmode=require"
kafka_gateway="host=127.0.0.1 port=$GW_KAFKA_PORT dbname=orders user=bench-agent sslmode=require"

# The gateway is a JVM: let the JIT compile the statement path before measuring, or whichever mode runs first
# pays for it. Warm-up results are discarded.
for mode in simple extended; do
  for workload in select-only tpcb-like; do
    run warmup "$gateway" "$token" -M "$mode" -b "$workload" -T "$WARMUP" >/dev/null
    if [[ $RELAY == 1 ]]; then run warmup "$relay_conn" "$gw_pw" -M "$mode" -b "$workload" -T "$WARMUP" >/dev/null; fi
    if [[ $KAFKA == 1 ]]; then run warmup "$kafka_gateway" "$token" -M "$mode" -b "$workload" -T "$WARMUP" >/dev/null; fi
  done
done

printf '\npgbench: %s clients, %s threads, %ss per run, scale %s, %s cores\n\n' "$CLIENTS" "$THREADS" "$DURATION" "$SCALE" "$(nproc)"
printf '%-26s %12s %12s %14s %14s %8s' workload "direct tps" "gateway tps" "direct lat ms" "gateway lat ms" ratio
if [[ $PGBOUNCER == 1 ]]; then printf ' %14s %8s' "pgbouncer tps" ratio; fi
if [[ $RELAY == 1 ]]; then printf ' %14s %8s' "noop relay tps" ratio; fi
if [[ $KAFKA == 1 ]]; then printf ' %14s %8s %12s' "gw+kafka tps" ratio "events/s"; fi
echo
for mode in simple extended; do
  for workload in select-only tpcb-like; do
    args=(-M "$mode" -b "$workload")
    read -r dt dl < <(run direct "$direct" "$gw_pw" "${args[@]}")
    read -r gt gl < <(run gateway "$gateway" "$token" "${args[@]}")
    ratio=$(awk -v g="$gt" -v d="$dt" 'BEGIN { printf "%.2f", g / d }')
    printf '%-26s %12s %12s %14s %14s %8s' "$workload -M $mode" "$dt" "$gt" "$dl" "$gl" "$ratio"
    if [[ $PGBOUNCER == 1 ]]; then
      read -r bt _ < <(run pgbouncer "$bouncer_conn" "$gw_pw" "${args[@]}")
      printf ' %14s %8s' "$bt" "$(awk -v b="$bt" -v d="$dt" 'BEGIN { printf "%.2f", b / d }')"
    fi
    if [[ $RELAY == 1 ]]; then
      read -r rt _ < <(run relay "$relay_conn" "$gw_pw" "${args[@]}")
      printf ' %14s %8s' "$rt" "$(awk -v b="$rt" -v d="$dt" 'BEGIN { printf "%.2f", b / d }')"
    fi
    if [[ $KAFKA == 1 ]]; then
      before=$(kafka_events)
      read -r kt _ < <(run gateway+kafka "$kafka_gateway" "$token" "${args[@]}")
      # The sink lingers and batches: count once the broker's total stops growing (the tail has arrived).
      after=$(kafka_events)
      while :; do next=$(kafka_events); [[ $next == "$after" ]] && break; after=$next; done
      printf ' %14s %8s %12s' "$kt" "$(awk -v k="$kt" -v d="$dt" 'BEGIN { printf "%.2f", k / d }')" \
        "$(awk -v a="$after" -v b="$before" -v t="$DURATION" 'BEGIN { printf "%.0f", (a - b) / t }')"
    fi
    echo
  done
done
echo
echo "gateway log: $work/gateway.log   journal: $work/journal"
if [[ $KAFKA == 1 ]]; then
  echo "kafka gateway log: $work/kafka-gateway.log   broker: $work/kafka"
  # Who paid for the Kafka column: CPU seconds over the whole run (the broker works only in the Kafka runs).
  broker_java=$(pgrep -f "kafka.Kafka $work/kafka/server.properties" | head -1)
  printf 'cpu seconds: journal gateway %s, kafka gateway %s, kafka broker %s\n' "$(ps -o times= -p $gw | tr -d ' ')" \
    "$(ps -o times= -p $kgw | tr -d ' ')" "$(ps -o times= -p "$broker_java" | tr -d ' ')"
fi
