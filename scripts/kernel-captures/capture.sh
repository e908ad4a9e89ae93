#!/usr/bin/env bash
# Real Linux TCP captures for synscope's tests: each scenario builds two fresh network
# namespaces joined by a veth pair (10.99.0.0/24, fd99::/64 — addresses that exist only inside
# them), lets the kernel's own TCP do the thing, captures it with tcpdump on the server's veth,
# and tears everything down. Needs root, iproute2, tcpdump, iptables, ethtool, python3.
#
#   sudo scripts/kernel-captures/capture.sh [OUTDIR] [SCENARIO...]
#
# OUTDIR defaults to test/fixtures/kernel. Scenarios (default: all): healthy refused silent-host
# silent-host-exponential lost-final-ack half-open syn-flood syn-flood-always syn-flood-ts-nooffset storm
# keepalive ipv6. Each writes NAME.pcap and
# NAME.scenario.json (what was set up, and what the client saw through the socket API).
# Afterwards: node scripts/kernel-captures/truth.mjs OUTDIR (tshark truth for the tests).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-test/fixtures/kernel}
shift || true
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(healthy refused silent-host silent-host-exponential lost-final-ack half-open syn-flood syn-flood-always syn-flood-ts-nooffset storm keepalive ipv6)
mkdir -p "$OUT"

C=ssk-client
S=ssk-server
CA=10.99.0.1
SA=10.99.0.2
CA6=fd99::1
SA6=fd99::2
PORT=8080
KIT="/usr/bin/python3 $HERE/tcpkit.py"
PIDS=()
WORK=$(mktemp -d)

teardown() {
  local p
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  PIDS=()
  ip netns del "$C" 2>/dev/null || true
  ip netns del "$S" 2>/dev/null || true
}
trap 'teardown; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

inc() { ip netns exec "$C" "$@"; }
ins() { ip netns exec "$S" "$@"; }

setup() {
  teardown
  ip netns add "$C"
  ip netns add "$S"
  ip link add c0 netns "$C" type veth peer name s0 netns "$S"
  local ns dev addr addr6
  for ns in "$C" "$S"; do
    if [ "$ns" = "$C" ]; then dev=c0 addr=$CA addr6=$CA6; else dev=s0 addr=$SA addr6=$SA6; fi
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$addr/24" dev "$dev"
    ip -n "$ns" addr add "$addr6/64" dev "$dev" nodad
    # Without offloads the captured segments are what goes on a wire: real checksums, <= MTU.
    ip netns exec "$ns" ethtool -K "$dev" tx off tso off gso off gro off >/dev/null 2>&1 || true
    ip -n "$ns" link set "$dev" up
  done
}

# capture_start NAME: tcpdump on the server's veth, TCP only; returns when it is listening.
capture_start() {
  CAP="$OUT/$1.pcap"
  rm -f "$CAP"
  # ip netns exec (not a shell function) so $! is tcpdump itself, which a kill then reaches.
  ip netns exec "$S" timeout 120 tcpdump -i s0 --immediate-mode -U -n -w "$CAP" tcp 2>"$WORK/tcpdump.err" &
  TCPDUMP=$!
  PIDS+=("$TCPDUMP")
  local i
  for i in $(seq 1 50); do grep -q 'listening on' "$WORK/tcpdump.err" 2>/dev/null && return 0; sleep 0.1; done
  echo "tcpdump did not start: $(cat "$WORK/tcpdump.err")" >&2
  return 1
}

capture_stop() {
  sleep 0.5
  kill -TERM "$TCPDUMP" 2>/dev/null || true
  wait "$TCPDUMP" 2>/dev/null || true
}

# server_start CMD...: a server in the server namespace, given a moment to listen.
server_start() {
  ip netns exec "$S" timeout 60 "$@" &
  PIDS+=("$!")
  sleep 0.5
}

# facts NAME KEY=JSON...: the scenario's own record (set-up and the client's results).
facts() {
  local name=$1
  shift
  python3 - "$OUT/$name.scenario.json" "$(uname -r)" "$@" <<'EOF'
import json, sys
path, kernel, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
doc = {'scenario': path.rsplit('/', 1)[-1].split('.')[0], 'kernel': kernel}
for p in pairs:
    k, v = p.split('=', 1)
    doc[k] = json.loads(v)
open(path, 'w').write(json.dumps(doc, indent=2) + '\n')
EOF
}

scenario_healthy() {
  setup
  server_start $KIT http-server $SA $PORT 20
  capture_start healthy
  local i
  for i in 1 2 3; do inc timeout 10 curl -s -o /dev/null "http://$SA:$PORT/page$i"; done
  inc timeout 10 curl -s -o /dev/null -o /dev/null "http://$SA:$PORT/a" "http://$SA:$PORT/b"
  capture_stop
  facts healthy setup='"python3 HTTP/1.1 server on 10.99.0.2:8080; curl from 10.99.0.1: three single-request connections, then one connection with two requests"' \
    connections=4 requests=5
}

scenario_refused() {
  setup
  capture_start refused
  local r
  r=$(inc timeout 10 $KIT connect $SA 9 3 5)
  capture_stop
  facts refused setup='"three concurrent connects from 10.99.0.1 to 10.99.0.2:9 where nothing listens"' client="$r"
}

# silent_run NAME LINEAR: SYNs dropped by the server; the client's kernel retries and gives up.
# LINEAR: net.ipv4.tcp_syn_linear_timeouts in the client namespace ("default" keeps the
# kernel's own: 4 on 6.18, i.e. four 1 s retries before exponential backoff).
silent_run() {
  local name=$1 linear=$2
  setup
  inc sysctl -qw net.ipv4.tcp_syn_retries=3
  [ "$linear" = default ] || inc sysctl -qw net.ipv4.tcp_syn_linear_timeouts=$linear
  local actual
  actual=$(inc sysctl -n net.ipv4.tcp_syn_linear_timeouts 2>/dev/null || echo null)
  ins iptables -A INPUT -p tcp --dport $PORT --syn -j DROP
  capture_start "$name"
  local r
  r=$(inc timeout 40 $KIT connect $SA $PORT 12 30)
  capture_stop
  facts "$name" setup="\"server namespace drops every SYN to 10.99.0.2:8080 (iptables INPUT DROP); client namespace net.ipv4.tcp_syn_retries=3, net.ipv4.tcp_syn_linear_timeouts=$actual; 12 concurrent connects with a 30 s socket timeout, so the kernel gives up first (tcp_syn_retries bounds the time: (2^(3+1) - 1) x 1 s = 15 s, checked when a retransmission timer fires)\"" \
    tcp_syn_retries=3 tcp_syn_linear_timeouts="$actual" client="$r"
}

scenario_silent_host() { silent_run silent-host default; }
scenario_silent_host_exponential() { silent_run silent-host-exponential 0; }

scenario_lost_final_ack() {
  setup
  server_start $KIT greet-server $SA $PORT 15
  # The client's pure ACKs (no payload; IPv4 40..60 bytes) to the server are dropped for 2 s:
  # the handshake ACK and the ACK answering the first retransmitted SYN-ACK are lost.
  inc iptables -A OUTPUT -p tcp -d $SA --dport $PORT --tcp-flags SYN,ACK,FIN,RST,PSH ACK -m length --length 40:60 -j DROP
  capture_start lost-final-ack
  local r
  ( sleep 2; inc iptables -F OUTPUT ) &
  PIDS+=("$!")
  r=$(inc timeout 20 $KIT greet-client $SA $PORT 15)
  capture_stop
  facts lost-final-ack setup='"greeting server (server speaks first) on 10.99.0.2:8080; the client namespace drops its own pure ACKs to the server for the first 2 s (iptables OUTPUT, rule flushed after 2 s)"' \
    drop_seconds=2 client="$r"
}

scenario_half_open() {
  setup
  ins sysctl -qw net.ipv4.tcp_synack_retries=2
  server_start $KIT greet-server $SA $PORT 30
  # Every pure ACK the client sends to the server is lost: the server never completes the
  # handshake and gives up after tcp_synack_retries=2 (SYN-ACKs at ~0, 1, 3 s; gone at ~7 s).
  inc iptables -A OUTPUT -p tcp -d $SA --dport $PORT --tcp-flags SYN,ACK,FIN,RST,PSH ACK -m length --length 40:60 -j DROP
  capture_start half-open
  ip netns exec "$C" timeout 20 $KIT greet-client $SA $PORT 12 >"$WORK/half-open.json" 2>/dev/null &
  PIDS+=("$!")
  # Stop before the client's own 12 s timeout closes its side.
  sleep 8.5
  capture_stop
  facts half-open setup='"greeting server on 10.99.0.2:8080 with net.ipv4.tcp_synack_retries=2; the client namespace drops all its pure ACKs to the server (iptables OUTPUT); the client waits for the greeting (12 s timeout); capture stopped after 8.5 s, before the client gave up"' \
    tcp_synack_retries=2
}

# flood_run NAME COOKIES TIMESTAMPS: spoofed SYN flood plus a legitimate client.
flood_run() {
  local name=$1 cookies=$2 tstamps=$3
  setup
  ins sysctl -qw net.ipv4.tcp_syncookies=$cookies
  ins sysctl -qw net.ipv4.tcp_timestamps=$tstamps
  ins sysctl -qw net.ipv4.tcp_max_syn_backlog=16
  # SYN-ACKs to the spoofed sources go back over the veth to the client namespace, which has
  # no such address and does not forward: they go nowhere, as a spoofed flood's do.
  ip -n "$S" route add 10.99.0.128/25 via $CA dev s0
  server_start $KIT http-server $SA $PORT 20 4
  capture_start "$name"
  ip netns exec "$C" timeout 20 $KIT flood 10.99.0 $SA $PORT 1000 2 >"$WORK/flood.json" &
  local fpid=$!
  PIDS+=("$fpid")
  sleep 0.5
  local r
  # 8 requests 0.4 s apart: during the flood and for ~1.5 s after it.
  r=$(inc timeout 15 $KIT get $SA $PORT 8 close 0.4)
  wait "$fpid" || true
  capture_stop
  facts "$name" setup="\"server namespace: net.ipv4.tcp_syncookies=$cookies, net.ipv4.tcp_timestamps=$tstamps, tcp_max_syn_backlog=16, listen backlog 4; 1000 spoofed SYNs over 2 s from 10.99.0.128-254 (even ones with timestamps, odd ones with window scale + SACK but no timestamps), routed back to nowhere; from 0.5 s on, 10.99.0.1 makes 8 HTTP requests 0.4 s apart, one connection each\"" \
    tcp_syncookies=$cookies tcp_timestamps=$tstamps flood="$(cat "$WORK/flood.json")" client="$r"
}

# Default Linux settings (cookies only when the SYN queue overflows; timestamps with offsets).
scenario_syn_flood() { flood_run syn-flood 1 1; }
# Cookies for every SYN.
scenario_syn_flood_always() { flood_run syn-flood-always 2 1; }
# Cookies for every SYN, timestamps without the per-connection random offset.
scenario_syn_flood_ts_nooffset() { flood_run syn-flood-ts-nooffset 2 2; }

scenario_storm() {
  setup
  server_start $KIT http-server $SA $PORT 20
  capture_start storm
  local r
  r=$(inc timeout 20 $KIT get $SA $PORT 100 close 0.015)
  capture_stop
  facts storm setup='"100 HTTP requests from 10.99.0.1 to 10.99.0.2:8080, a new connection for each (Connection: close), ~15 ms apart"' client="$r"
}

scenario_keepalive() {
  setup
  server_start $KIT http-server $SA $PORT 20
  capture_start keepalive
  local r
  r=$(inc timeout 20 $KIT get $SA $PORT 100 keepalive 0.015)
  capture_stop
  facts keepalive setup='"100 HTTP requests from 10.99.0.1 to 10.99.0.2:8080 over one keep-alive connection, ~15 ms apart"' client="$r"
}

scenario_ipv6() {
  setup
  server_start $KIT http-server $SA6 $PORT 20
  capture_start ipv6
  local r
  inc timeout 10 curl -s -o /dev/null "http://[$SA6]:$PORT/v6"
  r=$(inc timeout 10 $KIT connect $SA6 9 1 5)
  capture_stop
  facts ipv6 setup='"curl from [fd99::1] to the HTTP server on [fd99::2]:8080 (one request), then one connect to [fd99::2]:9 where nothing listens"' client="$r"
}

for s in "${SCENARIOS[@]}"; do
  echo "== $s" >&2
  "scenario_${s//-/_}"
  teardown
done
