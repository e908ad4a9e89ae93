#!/usr/bin/env bash
# Real Linux TCP captures with a known injected change, for listener health and `synscope diff`
# (test/fixtures/listeners/kernel, README there). Three network namespaces: client 10.99.1.1,
# a userspace L2 bridge (listenkit.py bridge: it can hold back SYN-ACKs, since sch_netem is not
# available everywhere), server 10.99.1.2 with two listeners, :8080 (never changed) and :8081
# (the one each scenario changes). The client opens 15 connections a second to each for 8 s;
# tcpdump captures on the client's veth. Needs root, iproute2, tcpdump, ethtool, python3.
#
#   sudo scripts/kernel-captures/listeners.sh [OUTDIR] [SCENARIO...]
#
# Scenarios (default all): baseline no-change delay delay-at closed mss backlog.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-test/fixtures/listeners/kernel}
shift || true
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(baseline no-change delay delay-at closed mss backlog)
mkdir -p "$OUT"

C=ssl-client
B=ssl-bridge
S=ssl-server
CA=10.99.1.1
SA=10.99.1.2
KIT="/usr/bin/python3 $HERE/listenkit.py"
RATE=15
SECONDS_OF_LOAD=8
PIDS=()
WORK=$(mktemp -d)

teardown() {
  local p
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  PIDS=()
  local ns
  for ns in "$C" "$B" "$S"; do ip netns del "$ns" 2>/dev/null || true; done
}
trap 'teardown; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

setup() {
  teardown
  local ns
  for ns in "$C" "$B" "$S"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
  ip link add c0 netns "$C" type veth peer name bc netns "$B"
  ip link add s0 netns "$S" type veth peer name bs netns "$B"
  ip netns exec "$B" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  ip -n "$C" addr add "$CA/24" dev c0
  ip -n "$S" addr add "$SA/24" dev s0
  local pair dev
  for pair in "$C:c0" "$B:bc" "$B:bs" "$S:s0"; do
    ns=${pair%%:*} dev=${pair#*:}
    # Without offloads every frame is what a wire carries (<= MTU, real checksums): the bridge forwards frames as they are.
    ip netns exec "$ns" ethtool -K "$dev" tx off tso off gso off gro off >/dev/null 2>&1 || true
    ip -n "$ns" link set "$dev" up
  done
}

# bridge DELAY_MS FROM_S: the bridge, holding back SYN-ACKs from :8081 from FROM_S seconds on.
bridge() {
  ip netns exec "$B" timeout 40 $KIT bridge bc bs 35 "$1" 8081 "$2" > "$WORK/bridge.json" &
  PIDS+=("$!")
  sleep 0.3
}

server() { # PORT BACKLOG GAP [MSS]
  ip netns exec "$S" timeout 40 $KIT accept-server "$SA" "$1" 25 "$2" "$3" ${4:-0} &
  PIDS+=("$!")
}

capture() { # NAME: runs the load against both listeners while tcpdump captures on c0
  local cap="$WORK/$1.pcap"
  ip netns exec "$C" timeout 60 tcpdump -i c0 --immediate-mode -U -n -w "$cap" tcp 2>"$WORK/tcpdump.err" &
  local tcpdump=$!
  PIDS+=("$tcpdump")
  local i
  for i in $(seq 1 50); do grep -q 'listening on' "$WORK/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
  sleep 0.5
  ip netns exec "$C" $KIT paced "$SA" 8080 $RATE $SECONDS_OF_LOAD > "$WORK/c8080.json" &
  local c1=$!
  ip netns exec "$C" $KIT paced "$SA" 8081 $RATE $SECONDS_OF_LOAD > "$WORK/c8081.json"
  wait "$c1"
  sleep 1
  kill -TERM "$tcpdump" 2>/dev/null || true
  wait "$tcpdump" 2>/dev/null || true
  gzip -9 -n -c "$cap" > "$OUT/$1.pcap.gz"
}

facts() { # NAME SETUP: what was set up and what the client saw
  python3 - "$OUT/$1.facts.json" "$(uname -r)" "$2" "$WORK" <<'PY'
import json, os, sys
path, kernel, setup, work = sys.argv[1:5]
doc = {'scenario': os.path.basename(path).split('.')[0], 'kernel': kernel, 'setup': setup,
       'client': [json.load(open(f'{work}/c{p}.json')) for p in (8080, 8081)]}
b = f'{work}/bridge.json'
if os.path.exists(b) and os.path.getsize(b) > 0:
    doc['bridge'] = json.loads(open(b).readline())
open(path, 'w').write(json.dumps(doc, indent=2) + '\n')
PY
}

run() { # NAME SETUP DELAY_MS FROM_S BACKLOG8081 GAP8081 CLOSED8081 MSS8081
  setup
  bridge "$3" "$4"
  server 8080 128 0
  [ "$7" = closed ] || server 8081 "$5" "$6" "$8"
  sleep 0.5
  capture "$1"
  facts "$1" "$2"
  teardown
}

for s in "${SCENARIOS[@]}"; do
  case $s in
    baseline)  run baseline "both listeners healthy" 0 0 128 0 open "" ;;
    no-change) run no-change "both listeners healthy (a second run of the baseline)" 0 0 128 0 open "" ;;
    delay)     run delay "the bridge holds every SYN-ACK from :8081 back 30 ms" 30 0 128 0 open "" ;;
    delay-at)  run delay-at "the bridge holds SYN-ACKs from :8081 back 30 ms from 4 s after it started (bridge.delayFromEpoch)" 30 4 128 0 open "" ;;
    closed)    run closed "nothing listens on :8081 (the kernel answers RST)" 0 0 128 0 closed "" ;;
    mss)       run mss ":8081 listens with TCP_MAXSEG 1200: its SYN-ACKs announce MSS 1200 instead of 1460" 0 0 128 0 open 1200 ;;
    backlog)   run backlog ":8081 listens with backlog 1 and accepts one connection per 100 ms (15 arrive per second)" 0 0 1 0.1 open "" ;;
    *) echo "unknown scenario $s" >&2; exit 2 ;;
  esac
  echo "$s: $(zcat "$OUT/$s.pcap.gz" | wc -c) bytes"
done
