#!/usr/bin/env bash
# OpenSSH's ssh directly against an OpenSSH sshd and through Portcullis, in the same run, side by side.
#
#   load-tests/ssh-compare.sh                 # defaults: 40 logins, 40 commands, 256 MiB each way
#   LOGINS=100 COMMANDS=200 MIB=1024 load-tests/ssh-compare.sh
#
# It starts `portcullis dev` only for its dev issuer (tokens), a throwaway OpenSSH sshd on 127.0.0.1 running as the
# current user with a key of the gateway's, and a second gateway (`serve`) whose only target is that sshd
# (load-tests/policies/ssh-bench.yaml allows exactly the commands below). Direct runs log in with the same key the
# gateway uses; gateway runs give the token through sshpass. Measured, each direct then through the gateway:
#   login      LOGINS sequential `ssh HOST true`: a new connection, key exchange, auth and one exec each
#   command    COMMANDS sequential `true` over one multiplexed connection (ControlMaster): the per-command cost
#              (the gateway: one policy decision, one channel on its upstream session, events)
#   download   `head -c MIB MiB /dev/zero` read by the client (the gateway decrypts, records and re-encrypts)
#   upload     MIB MiB piped into `cat > /dev/null` on the target
# Needs: openssh-server, openssh-client, sshpass (.ci/run installs them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

LOGINS=${LOGINS:-40}
COMMANDS=${COMMANDS:-40}
MIB=${MIB:-256}
ISSUER_PORT=${ISSUER_PORT:-28180}
SSHD_PORT=${SSHD_PORT:-22422}
GW_SSH_PORT=${GW_SSH_PORT:-22423}
for tool in /usr/sbin/sshd ssh sshpass ssh-keygen; do
  command -v "$tool" >/dev/null || { echo "ssh-compare: $tool is not installed" >&2; exit 2; }
done
work=$(mktemp -d /tmp/portcullis-ssh-bench.XXXXXX)
chmod 755 "$work"

kill_tree() {
  pkill -TERM -P "$1" 2>/dev/null || true
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
dev= sshd= gw=
cleanup() {
  ssh -o ControlPath="$work/cm-%r" -O exit x 2>/dev/null || true
  for p in $gw $sshd $dev; do kill_tree "$p"; done
}
trap cleanup EXIT

await_line() { # log, text, pid: up to 2 minutes
  for _ in $(seq 1 240); do
    grep -q "$2" "$1" && return 0
    kill -0 "$3" 2>/dev/null || break
    sleep 0.5
  done
  echo "'$2' never appeared in $1:" >&2
  cat "$1" >&2
  exit 1
}

# The dev gateway only for its issuer; its own listeners go to ports nobody else uses here.
dev_ssh=()
if ./portcullis dev --help 2>/dev/null | grep -q -- --ssh-port; then dev_ssh=(--ssh-port 22424); fi
./portcullis dev --data "$work/dev" --port 22432 --postgres-port 22433 --issuer-port "$ISSUER_PORT" \
  --admin-port 22481 "${dev_ssh[@]}" >"$work/dev.log" 2>&1 &
dev=$!

ssh-keygen -q -t ed25519 -N '' -f "$work/sshd_host_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/gateway.key"
cp "$work/gateway.key.pub" "$work/authorized_keys"
cat >"$work/sshd_config" <<CFG
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $work/sshd_host_key
AuthorizedKeysFile $work/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
PidFile none
CFG
if [[ $(id -u) == 0 ]]; then mkdir -p /run/sshd; fi
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
sshd=$!

await_line "$work/dev.log" "Portcullis dev gateway is ready" $dev
cat >"$work/gateway.yaml" <<CFG
gatewayId: ssh-bench
listen:
  postgres: { host: 127.0.0.1, port: 22434 }
  ssh: { host: 127.0.0.1, port: $GW_SSH_PORT, hostKey: ssh_host_key }
oidc: { issuer: "http://127.0.0.1:$ISSUER_PORT", audience: portcullis, groupsClaim: groups }
targets:
  bench-box:
    type: ssh
    host: 127.0.0.1
    port: $SSHD_PORT
    username: $(id -un)
    privateKeyFile: gateway.key
    hostKey: "$(cut -d' ' -f1,2 "$work/sshd_host_key.pub")"
policies: $PWD/load-tests/policies
events: { sink: journal, journal: { dir: journal } }
CFG
./portcullis serve --config "$work/gateway.yaml" >"$work/gateway.log" 2>&1 &
gw=$!
await_line "$work/gateway.log" "listening for SSH" $gw
token=$(./portcullis token --issuer "http://127.0.0.1:$ISSUER_PORT" --subject bench-agent --groups bench --ttl 7200)
if (( ${#token} > 1023 )); then echo "ssh-compare: the dev token is ${#token} bytes, over OpenSSH's limit" >&2; exit 1; fi

common=(-F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR)
direct=(ssh "${common[@]}" -p "$SSHD_PORT" -i "$work/gateway.key" -o BatchMode=yes -o IdentitiesOnly=yes "$(id -un)@127.0.0.1")
gateway=(env SSHPASS="$token" sshpass -e ssh "${common[@]}" -p "$GW_SSH_PORT" -o PubkeyAuthentication=no
  -o PreferredAuthentications=password bench-box@127.0.0.1)

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

logins() { # client command…: seconds for LOGINS sequential logins
  local t; t=$(now)
  for _ in $(seq 1 "$LOGINS"); do "$@" true; done
  elapsed "$t"
}
commands() { # client command…: seconds for COMMANDS commands over one multiplexed connection
  local cm=(-o ControlMaster=auto -o "ControlPath=$work/cm-%r" -o ControlPersist=60)
  "${@:1:$#-1}" "${cm[@]}" "${@: -1}" true # opens the master
  local t; t=$(now)
  for _ in $(seq 1 "$COMMANDS"); do "${@:1:$#-1}" "${cm[@]}" "${@: -1}" true; done
  local s; s=$(elapsed "$t")
  ssh -o "ControlPath=$work/cm-%r" -O exit "${@: -1}" 2>/dev/null || true
  echo "$s"
}
download() {
  local t; t=$(now)
  local n; n=$("$@" "head -c $((MIB * 1048576)) /dev/zero" | wc -c)
  [[ $n == $((MIB * 1048576)) ]] || { echo "download: $n bytes" >&2; exit 1; }
  elapsed "$t"
}
upload() {
  local t; t=$(now)
  head -c $((MIB * 1048576)) /dev/zero | "$@" cat >/dev/null
  elapsed "$t"
}

# Warm the gateway's JIT (and both sides' caches) before measuring; results discarded.
logins "${gateway[@]}" >/dev/null; download "${gateway[@]}" >/dev/null; upload "${gateway[@]}" >/dev/null
logins "${direct[@]}" >/dev/null

printf '\nssh: %s logins, %s multiplexed commands, %s MiB each way, %s cores\n\n' "$LOGINS" "$COMMANDS" "$MIB" "$(nproc)"
printf '%-10s %16s %16s %8s\n' measure direct gateway ratio
row() { # label, unit, direct seconds, gateway seconds, count → per-unit rates (higher is better)
  awk -v l="$1" -v u="$2" -v d="$3" -v g="$4" -v n="$5" \
    'BEGIN { printf "%-10s %12.1f %-3s %12.1f %-3s %8.2f\n", l, n / d, u, n / g, u, d / g }'
}
row login "/s" "$(logins "${direct[@]}")" "$(logins "${gateway[@]}")" "$LOGINS"
row command "/s" "$(commands "${direct[@]}")" "$(commands "${gateway[@]}")" "$COMMANDS"
row download "MiB/s" "$(download "${direct[@]}")" "$(download "${gateway[@]}")" "$MIB"
row upload "MiB/s" "$(upload "${direct[@]}")" "$(upload "${gateway[@]}")" "$MIB"
echo
echo "ratio = gateway rate / direct rate (same run, same machine). Logs: $work"
