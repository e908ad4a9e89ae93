import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tellStories } from '../../../src/core/stories';
import { engineFinding, flow, MS, result, S } from './flows';
import type { Flow } from '../../../src/core/engine/result';

const CLIENT = '10.0.0.5';
const SERVER: [string, number] = ['10.0.0.9', 443];

/** `n` connects every `gapUs` from `from`: SYN, SYN-ACK at +4 ms, ACK at +10 ms, closed at +40 ms. */
function churn(n: number, gapUs: number, opts: { firstId?: number; from?: number; exchanges?: number } = {}): Flow[] {
  return Array.from({ length: n }, (_, i) => flow({
    id: (opts.firstId ?? 1) + i, client: [CLIENT, 40000 + i], server: SERVER,
    start: (opts.from ?? 0) + i * gapUs, synAck: 4 * MS, ack: 10 * MS, end: 40 * MS,
    exchanges: opts.exchanges ?? 1, fin: true,
  }));
}

test('50 new connections per second for 10 s to one server is a connection storm', () => {
  const flows = churn(500, 20 * MS);
  const r = result(flows, { end: 11 * S, findings: [engineFinding(1), engineFinding(7)] });
  const { stories, findings } = tellStories(r);
  assert.equal(stories.length, 1);
  const s = stories[0];
  assert.equal(s.kind, 'connection-storm');
  assert.equal(s.title, 'Connection storm: 10.0.0.5 → 10.0.0.9:443');
  // 500 connects 20 ms apart: 50 in any 1 s window; they touch seconds 0…9, so 500 / 10 = 50 on average.
  assert.equal(s.numbers['peak connections/s (1 s window)'], 50);
  assert.equal(s.numbers['mean connections/s'], 50);
  // Every handshake: ACK 10 ms after SYN; each connection lives 40 ms, a quarter of it in the handshake.
  assert.equal(s.numbers['median handshake RTT (ms)'], 10);
  assert.equal(s.numbers['median share of lifetime in handshake (%)'], 25);
  assert.equal(s.numbers['requests per connection'], 1);
  // 500 handshakes × 10 ms.
  assert.equal(s.numbers['handshake time saved by reuse (s)'], 5);
  assert.equal(s.flowCount, 500);
  assert.equal(s.numbers['told from'], undefined, 'every flow is listed: nothing to qualify');
  assert.match(s.sentence, /500 new TCP connections to 10\.0\.0\.9:443/);
  assert.match(s.advice, /keep-alive/);
  assert.deepEqual(s.series[0].values, new Array(10).fill(50));
  assert.equal(s.series[0].binSeconds, 1);

  assert.equal(findings.length, 1);
  const f = findings[0];
  // Ids continue after the engine's highest (7), whatever order the engine's are in.
  assert.equal(f.id, 8);
  assert.equal(f.code, 'connection-churn');
  assert.equal(f.severity, 'warning');
  assert.deepEqual(s.findings, [8]);
  assert.equal(f.flows.length, 500);
  assert.equal(f.packet, flows[0].handshake.syn!.packet);
});

test('a keep-alive client with many requests over few connections is not a storm', () => {
  // 4 connections, 250 requests each, over 10 s.
  const flows = Array.from({ length: 4 }, (_, i) => flow({
    id: i + 1, client: [CLIENT, 40000 + i], server: SERVER, start: i * 10 * MS,
    synAck: 4 * MS, ack: 10 * MS, end: 10 * S, exchanges: 250, fin: true,
  }));
  assert.deepEqual(tellStories(result(flows, { end: 11 * S })), { stories: [], findings: [] });
});

test('many connections that each carry many requests are not a storm either', () => {
  // Churny in count (50/s) but each connection serves 20 requests: reuse is happening.
  const { stories } = tellStories(result(churn(500, 20 * MS, { exchanges: 20 }), { end: 11 * S }));
  assert.deepEqual(stories, []);
});

test('a pool opened in one burst and kept open is not a storm', () => {
  // 30 connections in 300 ms (peak 30/s), one request so far each, none closed before the capture ends.
  const flows = Array.from({ length: 30 }, (_, i) => flow({
    id: i + 1, client: [CLIENT, 40000 + i], server: SERVER, start: i * 10 * MS,
    synAck: 4 * MS, ack: 10 * MS, end: 5 * S, exchanges: 1,
  }));
  assert.deepEqual(tellStories(result(flows, { end: 6 * S })).stories, []);
});

test('thresholds come from the config: a slower churn is a storm when the bar is lowered', () => {
  // 30 connects 500 ms apart: 2 per second at most.
  const flows = churn(30, 500 * MS);
  const r = result(flows, { end: 16 * S });
  assert.equal(tellStories(r).stories.length, 0);
  const lowered = tellStories(r, { stormMinPerSecond: 2, severities: { 'connection-churn': 'error' } });
  assert.equal(lowered.stories.length, 1);
  assert.equal(lowered.stories[0].numbers['peak connections/s (1 s window)'], 2);
  assert.equal(lowered.findings[0].severity, 'error');
  // No engine findings: story findings start at id 1.
  assert.equal(lowered.findings[0].id, 1);
});

test('storms toward two servers are two pairs on one card, two findings', () => {
  // 40 connects at 50/s, alternating between two servers: 20 per pair, 25 in a second for each.
  const flows = churn(40, 20 * MS).map((f, i) => ({ ...f, server: { ip: '10.0.0.9', port: i % 2 ? 443 : 8443 } }));
  const { stories, findings } = tellStories(result(flows, { end: 2 * S }));
  // The Problems panel keeps one connection-churn finding per client → server pair…
  assert.equal(findings.length, 2);
  assert.deepEqual(findings.map((f) => f.details.connections), [20, 20]);
  // …the "What happened" panel one card, headed by one pair and naming the other.
  assert.equal(stories.length, 1);
  const s = stories[0];
  assert.equal(s.flowCount, 40);
  assert.equal(s.numbers['peak connections/s (1 s window)'], 20);
  assert.match(s.title, /, and 1 more client → server pair$/);
  assert.equal(s.numbers['more client → server pairs'], 1);
  const other = s.title.includes(':8443') ? '10.0.0.5 → 10.0.0.9:443' : '10.0.0.5 → 10.0.0.9:8443';
  assert.match(String(s.numbers[other]), /^20 new connections, peak 20\/s/);
  assert.deepEqual(s.findings.sort(), findings.map((f) => f.id).sort());
});

test('a storm told from a capped flow list says how much of the capture it saw', () => {
  // The CLI lists 10,000 flows by default: on a larger capture the story sees only those.
  const r = result(churn(500, 20 * MS), { end: 11 * S });
  r.summary.flows = 25_216;
  const [s] = tellStories(r).stories;
  assert.equal(s.kind, 'connection-storm');
  assert.equal(s.numbers['told from'], 'the first 500 of 25,216 flows (raise --max-flows / synscope.maxFlows to include all)');
});
