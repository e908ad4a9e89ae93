#!/usr/bin/env python3
"""Small servers and clients for the kernel-capture scenarios (run inside network namespaces by
capture.sh). Every mode is bounded in time and count; results the client observed through the
socket API (connect errors, times) are printed as one JSON line so capture.sh can keep them
next to the capture as facts of the scenario.

  tcpkit.py http-server ADDR PORT SECONDS [BACKLOG]   HTTP/1.1 server (keep-alive capable)
  tcpkit.py greet-server ADDR PORT SECONDS            accept, send a greeting, close (server speaks first)
  tcpkit.py get ADDR PORT COUNT close|keepalive [GAP]  COUNT HTTP requests, a new connection each or one connection
  tcpkit.py connect ADDR PORT COUNT TIMEOUT            COUNT concurrent connects, report how each ended
  tcpkit.py greet-client ADDR PORT TIMEOUT            connect, read the greeting, close
  tcpkit.py flood SRC_PREFIX DST PORT COUNT SECONDS    spoofed SYNs (raw socket) from SRC_PREFIX.128-.254
"""
import errno
import http.client
import http.server
import json
import random
import socket
import socketserver
import struct
import sys
import threading
import time


def out(obj):
    print(json.dumps(obj), flush=True)


def family_of(addr):
    return socket.AF_INET6 if ':' in addr else socket.AF_INET


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'  # keep-alive unless the client says Connection: close

    def do_GET(self):
        body = b'ok ' + self.path.encode() + b'\n'
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def http_server(addr, port, seconds, backlog=16):
    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        address_family = family_of(addr)
        daemon_threads = True
        allow_reuse_address = True
        request_queue_size = backlog

    srv = Server((addr, port), Handler)
    threading.Timer(seconds, srv.shutdown).start()
    srv.serve_forever(poll_interval=0.05)
    srv.server_close()


def greet_server(addr, port, seconds):
    s = socket.socket(family_of(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(4)
    s.settimeout(0.2)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        c.sendall(b'hello\n')
        c.close()
    s.close()


def get(addr, port, count, mode, gap=0.0):
    t0 = time.monotonic()
    statuses = []
    conn = None
    for i in range(count):
        if conn is None or mode == 'close':
            conn = http.client.HTTPConnection(addr, port, timeout=5)
        headers = {'Connection': 'close'} if mode == 'close' else {}
        conn.request('GET', f'/r{i}', headers=headers)
        r = conn.getresponse()
        r.read()
        statuses.append(r.status)
        if mode == 'close':
            conn.close()
        if gap:
            time.sleep(gap)
    if conn is not None:
        conn.close()
    out({'mode': mode, 'requests': count, 'ok': statuses.count(200), 'seconds': round(time.monotonic() - t0, 3)})


def connect_many(addr, port, count, timeout):
    results = [None] * count

    def one(i):
        s = socket.socket(family_of(addr), socket.SOCK_STREAM)
        s.settimeout(timeout)
        t = time.monotonic()
        try:
            s.connect((addr, port))
            results[i] = {'result': 'connected', 'seconds': round(time.monotonic() - t, 3)}
            s.close()
        except OSError as e:
            # Python raises TimeoutError both for its own socket timeout (errno None) and for
            # the kernel giving up (ETIMEDOUT): only the errno tells them apart.
            name = errno.errorcode.get(e.errno, str(e.errno)) if e.errno else 'socket-timeout'
            results[i] = {'result': name, 'seconds': round(time.monotonic() - t, 3)}
            s.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout + 5)
    out({'connects': results})


def greet_client(addr, port, timeout):
    t = time.monotonic()
    s = socket.create_connection((addr, port), timeout=timeout)
    connected = time.monotonic() - t
    data = s.recv(100)
    s.close()
    out({'connectSeconds': round(connected, 3), 'greetingAfter': round(time.monotonic() - t, 3), 'greeting': data.decode()})


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def syn_packet(src, dst, sport, dport, isn, with_ts, ts):
    # Options like a Linux client: MSS 1460, SACK-permitted, timestamps, NOP, window scale 7.
    # Without timestamps: MSS, NOP, NOP, SACK-permitted, NOP, window scale 7 (Linux's layout then).
    if with_ts:
        opts = struct.pack('!BBH', 2, 4, 1460) + bytes([4, 2, 8, 10]) + struct.pack('!II', ts, 0) + bytes([1, 3, 3, 7])
    else:
        opts = struct.pack('!BBH', 2, 4, 1460) + bytes([1, 1, 4, 2, 1, 3, 3, 7])
    off = (20 + len(opts)) // 4
    tcp = struct.pack('!HHIIBBHHH', sport, dport, isn, 0, off << 4, 0x02, 64240, 0, 0) + opts
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack('!BBH', 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack('!H', checksum(pseudo + tcp)) + tcp[18:]
    total = 20 + len(tcp)
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, total, random.getrandbits(16), 0x4000, 64, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:]
    return ip + tcp


def flood(prefix, dst, port, count, seconds):
    """Spoofed SYNs from PREFIX.128-.254 (routed back to nowhere by capture.sh). Even-numbered
    SYNs carry timestamps, odd ones do not (but offer window scale and SACK): the two kinds of
    SYN-cookie evidence a Linux server can leave in its SYN-ACKs."""
    rnd = random.Random(7)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    gap = seconds / count
    start = time.monotonic()
    for i in range(count):
        src = f'{prefix}.{128 + rnd.randrange(127)}'
        pkt = syn_packet(src, dst, 1024 + rnd.randrange(60000), port, rnd.getrandbits(32), i % 2 == 0, rnd.getrandbits(32))
        s.sendto(pkt, (dst, 0))
        delay = start + (i + 1) * gap - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    s.close()
    out({'flood': count, 'seconds': round(time.monotonic() - start, 3)})


def main(argv):
    mode, args = argv[0], argv[1:]
    if mode == 'http-server':
        http_server(args[0], int(args[1]), float(args[2]), int(args[3]) if len(args) > 3 else 16)
    elif mode == 'greet-server':
        greet_server(args[0], int(args[1]), float(args[2]))
    elif mode == 'get':
        get(args[0], int(args[1]), int(args[2]), args[3], float(args[4]) if len(args) > 4 else 0.0)
    elif mode == 'connect':
        connect_many(args[0], int(args[1]), int(args[2]), float(args[3]))
    elif mode == 'greet-client':
        greet_client(args[0], int(args[1]), float(args[2]))
    elif mode == 'flood':
        flood(args[0], args[1], int(args[2]), int(args[3]), float(args[4]))
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
