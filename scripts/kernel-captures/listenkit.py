#!/usr/bin/env python3
"""Servers, a paced client and a delaying bridge for the listener scenarios (listeners.sh), run
inside network namespaces. Every mode is bounded in time. Results the client observed through the
socket API are printed as one JSON line (kept next to the capture as facts).

  listenkit.py accept-server ADDR PORT SECONDS BACKLOG GAP [MSS]  listen(BACKLOG), accept and close, GAP s between
                                                             accepts; MSS: TCP_MAXSEG on the listening socket
  listenkit.py paced ADDR PORT RATE SECONDS                  RATE connects per second, each closed at once
  listenkit.py bridge IF_A IF_B SECONDS DELAY_MS PORT FROM_S  L2 bridge; SYN-ACKs from PORT wait DELAY_MS from FROM_S s on
"""
import errno
import heapq
import json
import select
import socket
import sys
import threading
import time


def out(obj):
    print(json.dumps(obj), flush=True)


def accept_server(addr, port, seconds, backlog, gap, mss=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if mss:
        # Set on the listening socket, the MSS its SYN-ACKs announce (Linux: tcp(7) TCP_MAXSEG).
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
    s.bind((addr, port))
    s.listen(backlog)
    s.settimeout(0.1)
    end = time.monotonic() + seconds
    accepted = 0
    while time.monotonic() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        accepted += 1
        c.close()
        if gap:
            time.sleep(gap)
    s.close()


def paced(addr, port, rate, seconds):
    results = []
    lock = threading.Lock()

    def one():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(10)
        t = time.monotonic()
        try:
            s.connect((addr, port))
            r = 'connected'
        except OSError as e:
            r = errno.errorcode.get(e.errno, str(e.errno)) if e.errno else 'socket-timeout'
        with lock:
            results.append({'result': r, 'seconds': round(time.monotonic() - t, 4)})
        s.close()

    threads = []
    start = time.monotonic()
    n = int(rate * seconds)
    for i in range(n):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        th = threading.Thread(target=one)
        th.start()
        threads.append(th)
    for th in threads:
        th.join(15)
    summary = {}
    for r in results:
        summary[r['result']] = summary.get(r['result'], 0) + 1
    # A connect that took 0.9 s or more waited for a retransmitted SYN (Linux retries after 1 s).
    out({'port': port, 'connects': n, 'results': summary,
         'retriedConnects': sum(1 for r in results if r['result'] == 'connected' and r['seconds'] >= 0.9)})


def is_synack_from(frame, port):
    if len(frame) < 34 or frame[12:14] != b'\x08\x00' or frame[23] != 6:
        return False
    tcp = 14 + (frame[14] & 0x0F) * 4
    if len(frame) < tcp + 14:
        return False
    return int.from_bytes(frame[tcp:tcp + 2], 'big') == port and frame[tcp + 13] & 0x12 == 0x12


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    total = sum(int.from_bytes(data[i:i + 2], 'big') for i in range(0, len(data), 2))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def with_tcp_checksum(frame):
    """A veth hands a packet socket TCP segments whose checksum the sender left to offload
    (CHECKSUM_PARTIAL); re-sent as they are, the receiver drops them. Fill it in (IPv4 only)."""
    if len(frame) < 34 or frame[12:14] != b'\x08\x00' or frame[23] != 6:
        return frame
    ihl = (frame[14] & 0x0F) * 4
    total = int.from_bytes(frame[16:18], 'big')
    tcp = bytearray(frame[14 + ihl:14 + total])
    if len(tcp) < 20:
        return frame
    tcp[16:18] = b'\0\0'
    pseudo = frame[26:34] + bytes([0, 6]) + len(tcp).to_bytes(2, 'big')
    tcp[16:18] = checksum(pseudo + bytes(tcp)).to_bytes(2, 'big')
    return frame[:14 + ihl] + bytes(tcp) + frame[14 + total:]


def bridge(if_a, if_b, seconds, delay_ms, port, from_s):
    socks = {}
    for name in (if_a, if_b):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        s.bind((name, 0))
        socks[name] = s
    a, b = socks[if_a], socks[if_b]
    start = time.monotonic()
    delay_from = time.time() + from_s
    out({'delayFromEpoch': round(delay_from, 6), 'delayMs': delay_ms, 'port': port})
    queue = []
    seq = 0
    delayed = 0
    end = start + seconds
    while time.monotonic() < end:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, dst, frame = heapq.heappop(queue)
            dst.send(frame)
        timeout = min(0.05, max(0.0, queue[0][0] - now)) if queue else 0.05
        ready, _, _ = select.select([a, b], [], [], timeout)
        for s in ready:
            frame, addr = s.recvfrom(65535)
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            frame = with_tcp_checksum(frame)
            dst = b if s is a else a
            if delay_ms > 0 and time.time() >= delay_from and is_synack_from(frame, port):
                seq += 1
                delayed += 1
                heapq.heappush(queue, (time.monotonic() + delay_ms / 1000.0, seq, dst, frame))
            else:
                dst.send(frame)


def main(argv):
    mode, args = argv[0], argv[1:]
    if mode == 'accept-server':
        accept_server(args[0], int(args[1]), float(args[2]), int(args[3]), float(args[4]), int(args[5]) if len(args) > 5 else 0)
    elif mode == 'paced':
        paced(args[0], int(args[1]), float(args[2]), float(args[3]))
    elif mode == 'bridge':
        bridge(args[0], args[1], float(args[2]), float(args[3]), int(args[4]), float(args[5]))
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
