// Quiet half-open attempts are kept in a compact form while live (src/core/engine/parking.ts).
// Whatever happens to such an attempt afterwards (a retried SYN, the client's ACK, a RST, the
// capture's end) must be counted exactly as for any other flow. The scenario: 6,000 spoofed
// SYNs 100 µs apart, each answered 25 µs later, all live at once (within the 1.5 s a SYN-ACK'd
// attempt is kept), so thousands are parked before any of them hears again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Flow } from '../../../src/core/engine/result';
import { A, R, S, Trace } from './script';

const SERVER = '198.51.100.80';
const N = 6000;

function source(i: number): string {
  return `23.1.${(i >> 8) & 0xff}.${i & 0xff}`;
}

test('attempts parked while quiet: a later retry, ACK or RST is counted on the same flow', () => {
  const t = new Trace({ maxFlows: N });
  for (let i = 0; i < N; i++) {
    const ms = 1000 + i * 0.1;
    t.packet(ms, source(i), 20000 + i, SERVER, 80, S, 1000 + i, 0, 0, { mss: 1460 });
    t.packet(ms + 0.025, SERVER, 80, source(i), 20000 + i, S | A, 50000 + i, 1001 + i, 0, { mss: 1460 });
  }
  // 1.2 s later (after ~5,900 newer flows opened): source 10 retries its SYN (same ISN), source
  // 20 completes its handshake, source 30 resets.
  t.packet(2001, source(10), 20010, SERVER, 80, S, 1010, 0, 0, { mss: 1460 });
  t.packet(2002, source(20), 20020, SERVER, 80, A, 1021, 50021, 0);
  t.packet(2003, source(30), 20030, SERVER, 80, R, 1031, 0, 0);
  // The editor's first rows while reading: the first flows, long since parked, as they stand.
  const early = t.analyzer.flowsSnapshot(1, 3);
  assert.deepEqual(early.map((f) => [f.client.port, f.packets.client, f.packets.server, f.history]), [[20000, 1, 1, 'Sh'], [20001, 1, 1, 'Sh'], [20002, 1, 1, 'Sh']]);
  const r = t.finish();
  assert.equal(r.summary.flows, N, 'no late packet opened a new flow');
  assert.equal(r.summary.syn, N + 1);
  assert.equal(r.summary.synRetransmissions, 1);
  assert.equal(r.summary.handshakesComplete, 1);
  const byPort = new Map<number, Flow>(r.flows.map((f) => [f.client.port, f]));
  const retried = byPort.get(20010)!;
  assert.equal(retried.syn, 2);
  assert.equal(retried.synRetransmissions, 1);
  // SYNs at 1001.0 ms and 2001 ms.
  assert.deepEqual(retried.synIntervals, [1]);
  assert.equal(retried.packets.client, 2);
  const completed = byPort.get(20020)!;
  assert.equal(completed.handshake.complete, true);
  assert.equal(completed.history, 'ShA');
  // Wireshark's tcp.analysis.initial_rtt: the handshake ACK (2002 ms) minus the SYN (1002.0 ms).
  assert.equal(completed.handshake.rtt, 1);
  assert.equal(byPort.get(20030)!.reset, 'client');
  // An attempt nothing happened to after its answer keeps both packets and its first/last times.
  const quiet = byPort.get(20000 + N - 1)!;
  assert.deepEqual(quiet.packets, { client: 1, server: 1 });
  assert.equal(quiet.handshake.synAck?.packet, 2 * N);
  assert.equal(quiet.history, 'Sh');
  assert.equal(quiet.state, 'S1');
});
