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
BOUNCER_PORT=${BOUNCER_PORT:-25434}
PGBOUNCER=${PGBOUNCER:-1}
work=$(mktemp -d /tmp/portcullis-bench.XXXXXX)
chmod 755 "$work"

./portcullis dev --data "$work" --port "$GW_PORT" --postgres-port "$PG_PORT" --issuer-port "$ISSUER_PORT" \
  --policies load-tests/policies >"$work/gateway.log" 2>&1 &
gw=$!
bouncer=
cleanup() {
  if [[ -n $bouncer ]]; then kill "$bouncer" 2>/dev/null || true; fi
  kill $gw 2>/dev/null; wait $gw 2>/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 240); do
  grep -q "Portcullis dev gateway is ready" "$work/gateway.log" && break
  kill -0 $gw 2>/dev/null || { cat "$work/gateway.log"; exit 1; }
  sleep 0.5
done
grep -q "Portcullis dev gateway is ready" "$work/gateway.log" || { echo "gateway did not start"; cat "$work/gateway.log"; exit 1; }

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
gateway="host=127.0.0.1 port=$GW_PORT dbname=orders user=bench-agent sslmode=require"

# The gateway is a JVM: let the JIT compile the statement path before measuring, or whichever mode runs first
# pays for it. Warm-up results are discarded.
for mode in simple extended; do
  for workload in select-only tpcb-like; do
    run warmup "$gateway" "$token" -M "$mode" -b "$workload" -T "$WARMUP" >/dev/null
  done
done

printf '\npgbench: %s clients, %s threads, %ss per run, scale %s, %s cores\n\n' "$CLIENTS" "$THREADS" "$DURATION" "$SCALE" "$(nproc)"
printf '%-26s %12s %12s %14s %14s %8s' workload "direct tps" "gateway tps" "direct lat ms" "gateway lat ms" ratio
if [[ $PGBOUNCER == 1 ]]; then printf ' %14s %8s' "pgbouncer tps" ratio; fi
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
    echo
  done
done
echo
echo "gateway log: $work/gateway.log   journal: $work/journal"
