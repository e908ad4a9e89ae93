// SYN floods: aggregation per target, SYN-cookie evidence, and that flood members do not
// each get their own finding. Sizes and rates are chosen so the expected numbers are obvious.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalysisResult } from '../../../src/core/engine/result';
import { A, Conn, S, Trace } from './script';

const SERVER = '198.51.100.80';

/** The i-th spoofed source: 23.0.x.y, all distinct for i < 65536. */
function spoofed(i: number): string {
  return `23.0.${(i >> 8) & 0xff}.${i & 0xff}`;
}

/**
 * `n` spoofed SYNs 10 ms apart from t = 1 s (100 SYN/s), each answered after 25 µs by a SYN-ACK
 * that is never retransmitted (a stateless cookie server) unless `answer` is false.
 */
function flood(t: Trace, n: number, answer: boolean, synAckOptions = { mss: 1460 }): void {
  for (let i = 0; i < n; i++) {
    const ms = 1000 + i * 10;
    t.packet(ms, spoofed(i), 1024 + i, SERVER, 80, S, 100 + i, 0, 0, {});
    if (answer) t.packet(ms + 0.025, SERVER, 80, spoofed(i), 1024 + i, S | A, 7000 + i, 101 + i, 0, synAckOptions);
  }
}

function byCode(r: AnalysisResult, code: string) {
  return r.findings.filter((f) => f.code === code);
}

test('SYN flood answered with SYN cookies: one aggregated finding, legitimate handshakes counted', () => {
  const t = new Trace();
  flood(t, 300, true);
  // Three legitimate clients complete during the flood (t = 1.5, 2.0, 2.5 s)…
  for (let i = 0; i < 3; i++) new Conn(t, `192.0.2.${10 + i}`, 50000 + i, SERVER, 80, 1, 2).handshake(1500 + i * 500, 40);
  // …and the capture runs on to t = 6 s, long enough for a real backlog to retransmit.
  new Conn(t, '192.0.2.99', 50999, SERVER, 80, 1, 2).handshake(6000, 20);
  const r = t.finish();
  const fl = byCode(r, 'syn-flood');
  assert.equal(fl.length, 1);
  const d = fl[0].details as Record<string, unknown>;
  assert.equal(d.halfOpen, 300);
  assert.equal(d.answered, 300);
  assert.equal(d.distinctSources, 300);
  assert.equal(d.distinctSourcesExact, true);
  // 300 SYNs from t = 1.00 s to 3.99 s: 300 / 2.99 s.
  assert.equal(d.spanSeconds, 2.99);
  assert.ok(Math.abs((d.synRate as number) - 300 / 2.99) < 1e-9);
  assert.equal(d.synCookies, 'likely');
  assert.deepEqual(d.synCookieEvidence, ['no-synack-retransmissions']);
  assert.equal(d.completedDuringFlood, 3);
  assert.equal(d.completedTotal, 4);
  assert.equal(fl[0].packet, 1);
  assert.deepEqual(d.target, { ip: SERVER, port: 80 });
  assert.match(fl[0].message, /SYN flood on 198\.51\.100\.80:80: 300 half-open connections from 300 sources/);
  assert.match(fl[0].message, /SYN cookies/);
  assert.match(fl[0].message, /3 legitimate handshakes still completed/);
  // Members are counted in the flood, not listed one by one.
  assert.equal(byCode(r, 'half-open').length, 0);
  assert.equal(byCode(r, 'unanswered-syn').length, 0);
  assert.equal(r.summary.halfOpen, 300);
  assert.equal(r.summary.flows, 304);
});

test('SYN cookies recognised from the options encoded in the SYN-ACK timestamp', () => {
  const t = new Trace();
  flood(t, 150, true);
  // Linux cookies with timestamps: TSval low 4 bits = the client's window scale (7), bit 4 = SACK.
  for (let i = 0; i < 4; i++) {
    const c = new Conn(t, `192.0.2.${20 + i}`, 51000 + i, SERVER, 80, 10 + i, 20 + i);
    c.syn(1200 + i * 100, { mss: 1460, ws: 7, sack: true, ts: 5000 });
    c.synAck(1200 + i * 100 + 1, { mss: 1460, ws: 7, sack: true, ts: (0x12345600 | 0x10 | 7) >>> 0 });
    c.c2s(1200 + i * 100 + 30);
  }
  const r = t.finish();
  const d = byCode(r, 'syn-flood')[0].details as Record<string, unknown>;
  assert.ok((d.synCookieEvidence as string[]).includes('timestamp-encoded-options'));
  assert.equal(d.synCookies, 'likely');
});

test('a flood nobody answers: synCookies "no", unanswered flows counted', () => {
  const t = new Trace();
  flood(t, 200, false);
  const r = t.finish();
  const fl = byCode(r, 'syn-flood');
  assert.equal(fl.length, 1);
  const d = fl[0].details as Record<string, unknown>;
  assert.deepEqual([d.halfOpen, d.unanswered, d.answered, d.synCookies], [200, 200, 0, 'no']);
  assert.match(fl[0].message, /answered none of them/);
  assert.equal(byCode(r, 'unanswered-syn').length, 0);
});

test('below the flood thresholds: no flood, each flow gets its own finding', () => {
  const t = new Trace();
  flood(t, 50, true); // 50 < floodMinHalfOpen (100)
  // The capture runs on for 5 s, past any retransmission: no handshake was cut off by its end.
  t.packet(6500, '192.0.2.99', 1, '192.0.2.98', 2, A, 1, 1);
  const r = t.finish();
  assert.equal(byCode(r, 'syn-flood').length, 0);
  assert.equal(byCode(r, 'half-open').length, 50);
});

test('per-flow findings are capped with one summary finding for the rest', () => {
  const t = new Trace({ maxFindingsPerCode: 20 });
  // 60 unanswered SYNs from one host: not a flood (one source), 60 unanswered-syn findings.
  for (let i = 0; i < 60; i++) t.packet(i, '192.0.2.1', 30000 + i, SERVER, 22, S, i, 0);
  t.packet(5000, '192.0.2.99', 1, '192.0.2.98', 2, A, 1, 1);
  const r = t.finish();
  const u = byCode(r, 'unanswered-syn');
  assert.equal(u.length, 21);
  assert.equal(u.filter((f) => f.details.summary === true).length, 1);
  const summary = u.find((f) => f.details.summary === true)!;
  assert.equal(summary.details.more, 40);
  assert.equal(r.summary.findings['unanswered-syn'], 21);
});

test('memory stays bounded on a spoofed flood: early-finished flows keep every count exact', () => {
  const t = new Trace({ maxActiveFlows: 500, maxFlows: 100 });
  let peakActive = 0;
  // 200 SYN/s for 100 s: an attempt is finished once quiet past any retransmission still due
  // (4 s without one), so about 800 are live at a time, never the whole flood.
  for (let i = 0; i < 20000; i++) {
    t.packet(1000 + i * 5, `23.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`, 1024 + (i % 60000), SERVER, 443, S, i, 0);
    peakActive = Math.max(peakActive, t.analyzer.progress().activeFlows);
  }
  const r = t.finish();
  assert.ok(peakActive <= 2000, `active flows peaked at ${peakActive}`);
  assert.equal(r.findings.filter((f) => f.code === 'capture-limits').length, 0);
  assert.equal(r.summary.flows, 20000);
  assert.equal(r.summary.syn, 20000);
  assert.equal(r.flows.length, 100);
  assert.deepEqual(r.flows.map((f) => f.id), Array.from({ length: 100 }, (_, i) => i + 1));
  const d = byCode(r, 'syn-flood')[0].details as Record<string, unknown>;
  assert.equal(d.halfOpen, 20000);
  assert.equal(d.distinctSources, 20000);
  assert.ok((d.topSources as unknown[]).length <= 10);
});
