// Per-server state is bounded. A port scan makes one server endpoint (ip:port) per probed port
// (MAX_TRACKED_SERVERS): the servers that can still lead to a per-server finding keep their
// aggregates, so a flood and a slow server in the same capture are still reported. A long
// capture of many busy servers fills their sample lists (one budget for all of them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../src/core/engine/config';
import { MAX_RTT_SAMPLES_TOTAL, MAX_TRACKED_SERVERS } from '../../../src/core/engine/targets';
import { A, Conn, F, R, S, Trace } from './script';

const SCANNER = '10.66.0.1';
const FLOOD_TARGET = '198.51.100.80';
const SLOW_SERVER = '10.0.0.9';
const PROBES = 40000;

test('a port scan past the server limit: every flow counted, flood and slow server still found', () => {
  assert.equal(MAX_TRACKED_SERVERS, 16384, 'the expected numbers below are derived for this limit');
  // Small active-flow limit: closed flows finish at each sweep, so servers are met in time order.
  const t = new Trace({ maxActiveFlows: 1000 });
  type P = [ms: number, send: () => void];
  const ps: P[] = [];
  // t = 0–100 ms: ten handshakes to one server, nine of 10 ms and one of 150 ms, each closed.
  for (let i = 0; i < 10; i++) {
    const ms = i * 10;
    const rtt = i === 7 ? 150 : 10;
    const port = 40000 + i;
    ps.push([ms, () => t.packet(ms, '10.0.0.1', port, SLOW_SERVER, 443, S, 1000, 0)]);
    ps.push([ms + rtt / 2, () => t.packet(ms + rtt / 2, SLOW_SERVER, 443, '10.0.0.1', port, S | A, 5000, 1001)]);
    ps.push([ms + rtt, () => t.packet(ms + rtt, '10.0.0.1', port, SLOW_SERVER, 443, A, 1001, 5001)]);
    ps.push([ms + 200, () => t.packet(ms + 200, '10.0.0.1', port, SLOW_SERVER, 443, F | A, 1001, 5001)]);
    ps.push([ms + 201, () => t.packet(ms + 201, SLOW_SERVER, 443, '10.0.0.1', port, F | A, 5001, 1002)]);
  }
  // t = 1–11 s: 1000 unanswered SYNs from spoofed sources (100 SYN/s) to one server.
  for (let i = 0; i < 1000; i++) {
    const ms = 1000 + i * 10;
    ps.push([ms, () => t.packet(ms, `23.0.${i >> 8}.${i & 0xff}`, 1024 + i, FLOOD_TARGET, 80, S, 100 + i, 0)]);
  }
  // t = 0.5–20.5 s: a scanner probes 40,000 ports on two hosts; every port refuses.
  for (let i = 0; i < PROBES; i++) {
    const ms = 500 + i * 0.5;
    const host = `10.1.0.${1 + (i >> 15)}`;
    const port = 1 + (i & 0x7fff);
    ps.push([ms, () => t.packet(ms, SCANNER, 40000, host, port, S, i, 0)]);
    ps.push([ms + 0.2, () => t.packet(ms + 0.2, host, port, SCANNER, 40000, R | A, 0, i + 1)]);
  }
  ps.sort((a, b) => a[0] - b[0]);
  for (const [, send] of ps) send();
  const r = t.finish();

  assert.equal(r.summary.flows, 10 + 1000 + PROBES);
  assert.equal(r.summary.refused, PROBES);
  const flood = r.findings.filter((f) => f.code === 'syn-flood');
  assert.equal(flood.length, 1);
  assert.equal((flood[0].details as Record<string, unknown>).halfOpen, 1000, 'every flood SYN counted');
  assert.equal((flood[0].details as Record<string, unknown>).distinctSources, 1000);
  const slow = r.findings.filter((f) => f.code === 'slow-handshake');
  assert.deepEqual(slow.map((f) => f.flows), [[8]], 'the 150 ms handshake among 10 ms ones');
  assert.equal(slow[0].details.basis, 'outlier');
  // The 16,385th server (a scanned port) finds the table full: the two servers with findings
  // to come stay, the 16,382 scanned ports seen so far are dropped (one refused flow each).
  // The table fills again after 16,382 more ports, which are dropped the same way; the
  // remaining 40,000 − 2 × 16,382 = 7,236 ports fit.
  const limit = r.findings.filter((f) => f.code === 'server-limit');
  assert.equal(limit.length, 1);
  assert.equal(limit[0].severity, 'info');
  assert.equal(limit[0].details.flowsNotAggregated, 2 * (MAX_TRACKED_SERVERS - 2));
  assert.match(limit[0].message, /left out 32,764 flows: the capture has more than 16,384 server endpoints/);
  // Per-flow findings are not affected: the first refused probes are still reported one by one.
  const refused = r.findings.filter((f) => f.code === 'refused' && f.flows.length === 1);
  assert.equal(refused.length, DEFAULT_CONFIG.maxFindingsPerCode);
});

test('below the server limit nothing is left out and no server-limit finding appears', () => {
  const t = new Trace();
  for (let i = 0; i < 1000; i++) {
    t.packet(i, SCANNER, 40000, '10.1.0.1', 1 + i, S, i, 0);
    t.packet(i + 0.2, '10.1.0.1', 1 + i, SCANNER, 40000, R | A, 0, i + 1);
  }
  const r = t.finish();
  assert.equal(r.summary.refused, 1000);
  assert.equal(r.findings.filter((f) => f.code === 'server-limit').length, 0);
});

test('per-server samples share one budget: a long capture of many busy servers stops sampling, it does not grow', () => {
  assert.equal(MAX_RTT_SAMPLES_TOTAL, 131072, 'the counts below are derived for this budget');
  // Closed flows finish at each sweep, so samples are taken in time order.
  const t = new Trace({ maxActiveFlows: 1000 });
  // 33 servers × 4,096 connections with handshakes of 10 ms, each closed before the next opens:
  // each server's own cap (4,096); the first 32 spend the whole budget (131,072 samples), the
  // 33rd server's flows are more than the 1,000 that may still be open when the next one comes.
  let ms = 0;
  for (let s = 0; s < 33; s++) {
    for (let i = 0; i < 4096; i++, ms += 20) {
      const c = new Conn(t, `10.9.${i >> 8}.${i & 0xff}`, 40000 + s, `10.0.1.${s}`, 443);
      c.handshake(ms, 10);
      c.c2s(ms + 11, F | A);
      c.s2c(ms + 12, F | A);
    }
  }
  // Then a server with the pattern the outlier test flags (nine of 10 ms, one of 150 ms), as in
  // analyzer.test.ts: no samples are left for it, so only the absolute threshold applies.
  for (let i = 0; i < 10; i++) new Conn(t, '10.0.0.1', 50000 + i, '10.0.0.9', 443).handshake(ms + i * 1000, i === 7 ? 150 : 10);
  const r = t.finish();
  assert.equal(r.summary.handshakesComplete, 33 * 4096 + 10);
  assert.deepEqual(r.findings.filter((f) => f.code === 'slow-handshake'), []);
});
