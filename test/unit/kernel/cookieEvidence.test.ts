// The other side of the SYN-cookie evidence the kernel captures pinned (kernelCaptures.test.ts):
// a flooded server WITHOUT cookies keeps every answered SYN in its queue and retransmits the
// SYN-ACK after ~1 s (Linux: tcp_synack_retries, 1 s initial RTO), so tolerating the few
// retransmissions of a tcp_syncookies=1 server must not make a stateful server look like a
// cookie server. Scripted packets; the numbers are chosen so the shares are obvious.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { A, S, Trace } from '../engine/script';

const SERVER = '198.51.100.80';
const spoofed = (i: number): string => `23.0.${(i >> 8) & 0xff}.${i & 0xff}`;

/** 300 spoofed SYNs, 10 ms apart from t = 1 s, all answered; `retx(i)`: SYN-ACK i is retransmitted 1 s later. */
function flood(retx: (i: number) => boolean): Record<string, unknown> {
  const t = new Trace();
  const events: [number, () => void][] = [];
  for (let i = 0; i < 300; i++) {
    const ms = 1000 + i * 10;
    events.push([ms, () => t.packet(ms, spoofed(i), 1024 + i, SERVER, 80, S, 100 + i, 0)]);
    events.push([ms + 0.025, () => t.packet(ms + 0.025, SERVER, 80, spoofed(i), 1024 + i, S | A, 7000 + i, 101 + i, 0, { mss: 1460 })]);
    if (retx(i)) events.push([ms + 1000, () => t.packet(ms + 1000, SERVER, 80, spoofed(i), 1024 + i, S | A, 7000 + i, 101 + i, 0, { mss: 1460 })]);
  }
  // The capture runs to t = 6 s: 5 s past the first SYN, long past every retransmission timer.
  events.push([6000, () => t.packet(6000, '192.0.2.9', 40000, SERVER, 80, S, 1, 0)]);
  events.sort((a, b) => a[0] - b[0]);
  for (const [, send] of events) send();
  const r = t.finish();
  const fl = r.findings.filter((f) => f.code === 'syn-flood');
  assert.equal(fl.length, 1);
  return fl[0].details;
}

test('a server without cookies retransmits to all answered flows: no cookie evidence', () => {
  const d = flood(() => true);
  assert.equal(d.synAckRetransmissions, 300);
  assert.deepEqual(d.synCookieEvidence, []);
  assert.equal(d.synCookies, 'unknown');
});

test('a stateful server that retransmitted to half of them (the rest answered late) is not taken for a cookie server', () => {
  const d = flood((i) => i % 2 === 0);
  assert.deepEqual(d.synCookieEvidence, []);
});

test('queue first, cookies after (tcp_syncookies=1): 16 of 300 retransmitted is "few"', () => {
  const d = flood((i) => i < 16);
  assert.deepEqual(d.synCookieEvidence, ['few-synack-retransmissions']);
  assert.equal(d.synCookies, 'likely');
});

test('just over a tenth retransmitted is not "few"', () => {
  const d = flood((i) => i < 31); // 31 > 300 × 10 %
  assert.deepEqual(d.synCookieEvidence, []);
});
