import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tellStories } from '../../../src/core/stories';
import { flow, MS, result, S } from './flows';
import type { Flow } from '../../../src/core/engine/result';

const CLIENT = '10.0.0.5';
const DEAD: [string, number] = ['10.0.0.9', 80];
/** Linux SYN backoff (tcp_syn_retries = 6): retries 1, 2, 4, 8, 16, 32 s after the previous SYN. */
const LINUX = [1, 2, 4, 8, 16, 32];

/** The SYN retries a connect started at `startS` shows in a capture that ends at `endS`. */
function seenRetries(startS: number, endS: number, schedule = LINUX): number[] {
  const out: number[] = [];
  let t = startS;
  for (const x of schedule) {
    if (t + x > endS) break;
    out.push(x);
    t += x;
  }
  return out;
}

test('a client without a connect timeout retrying into a dead server piles up connects', () => {
  // One connect per second for 30 s (t = 0 … 29) to a server that never answers; the capture ends
  // at 45 s, before any of them has run through its 127 s of retries.
  const flows: Flow[] = Array.from({ length: 30 }, (_, i) => flow({
    id: i + 1, client: [CLIENT, 40000 + i], server: DEAD, start: i * S, synIntervals: seenRetries(i, 45),
  }));
  const { stories, findings } = tellStories(result(flows, { end: 45 * S }));
  assert.equal(stories.length, 1);
  const s = stories[0];
  assert.equal(s.kind, 'hanging-connects');
  assert.equal(s.title, 'Hanging connects: 10.0.0.5 → 10.0.0.9:80');
  // Every connect is still waiting at 45 s, the last one (t = 29) for 16 s: all are over 3 s.
  assert.equal(s.numbers['connects slower than 3 s'], 30);
  assert.equal(s.numbers['still pending at capture end'], 30);
  // The t = 0 connect waited the whole 45 s; it and those up to t = 14 show 6 SYNs (0,1,3,7,15,31
  // after their start); of those the first waited longest.
  assert.equal(s.numbers['longest wait (s)'], 45);
  assert.equal(s.numbers['longest retry chain (SYNs)'], 6);
  assert.equal(s.numbers['its backoff intervals (s)'], '1, 2, 4, 8, 16');
  // All 30 overlap from t = 29 on; each is over 3 s old from t + 3, so all 30 are by t = 32.
  assert.equal(s.numbers['peak pending connects'], 30);
  assert.equal(s.numbers['peak pending longer than 3 s'], 30);
  assert.match(s.sentence, /still waiting when the capture ended/);
  assert.match(s.advice, /^Set a connect timeout/);

  const slow = findings.filter((f) => f.code === 'slow-connect');
  const pile = findings.filter((f) => f.code === 'connect-pileup');
  assert.equal(slow.length, 1);
  assert.equal(pile.length, 1);
  assert.equal(pile[0].details.peakPendingOverThreshold, 30);
  // The pile-up reaches 30 when the last connect (t = 29) turns 3 s old, at t = 32.
  assert.equal(pile[0].time, `${1_700_000_000 + 32}.000000`);
  assert.deepEqual(s.findings, findings.map((f) => f.id));
  // The pending-connects chart (45 one-second bins) climbs by one each second up to 30.
  const pending = s.series[0].values;
  assert.equal(pending.length, 46);
  assert.equal(pending[0], 1);
  assert.equal(pending[29], 30);
  assert.equal(Math.max(...pending), 30);
});

test('a full Linux retry chain ends 63 s after the first SYN when the capture runs on', () => {
  // Ten connects at 0 … 9 s with all 7 SYNs (at 0, 1, 3, 7, 15, 31, 63 s); the capture runs to 200 s,
  // past the 127 s at which Linux gives up, and shows no further SYN.
  const flows = Array.from({ length: 10 }, (_, i) => flow({
    id: i + 1, client: [CLIENT, 40000 + i], server: DEAD, start: i * S, synIntervals: LINUX,
  }));
  const { stories, findings } = tellStories(result(flows, { end: 200 * S }));
  const s = stories[0];
  assert.equal(s.numbers['longest retry chain (SYNs)'], 7);
  assert.equal(s.numbers['its backoff intervals (s)'], '1, 2, 4, 8, 16, 32');
  assert.equal(s.numbers['given up after the last SYN'], 10);
  // We only know they waited until the last SYN (63 s); that is what we claim.
  assert.equal(s.numbers['longest wait (s)'], 63);
  // Ten connects, each pending from its start to start + 63 s: all overlap from 9 s to 63 s.
  assert.equal(s.numbers['peak pending connects'], 10);
  const pile = findings.find((f) => f.code === 'connect-pileup');
  assert.ok(pile, 'ten connects older than 3 s at once reach the default pile-up threshold of 10');
});

test('a client that gives up after 3 s is not a pile-up', () => {
  // Busy client: 10 connects per second for 5 s to the dead server, each abandoned after 3 s
  // (SYNs at 0, 1 and 3 s, then nothing). Up to 30 are pending at once, but none longer than 3 s.
  const flows = Array.from({ length: 50 }, (_, i) => flow({
    id: i + 1, client: [CLIENT, 40000 + i], server: DEAD, start: i * 100 * MS, synIntervals: [1, 2],
  }));
  const r = tellStories(result(flows, { end: 20 * S }));
  assert.deepEqual(r.findings.filter((f) => f.code === 'connect-pileup'), []);
  assert.deepEqual(r.stories, []);
});

test('a client that aborts with a RST after 2 s is not slow', () => {
  const flows = Array.from({ length: 20 }, (_, i) => flow({
    id: i + 1, client: [CLIENT, 40000 + i], server: DEAD, start: i * S, synIntervals: [1], end: 2 * S, reset: 'client',
  }));
  assert.deepEqual(tellStories(result(flows, { end: 30 * S })).stories, []);
});

test('one connect answered only after its SYN retries, among healthy ones, is packet loss, not a story', () => {
  const flows = [
    // SYNs at 0, 1, 3, 7 s; SYN-ACK 7.05 s after the first SYN.
    flow({ id: 1, client: [CLIENT, 40000], server: ['10.0.0.9', 443], start: 0, synIntervals: [1, 2, 4],
      synAck: 7050 * MS, ack: 7051 * MS, end: 8 * S, exchanges: 1, fin: true }),
    // A healthy connect to the same server.
    flow({ id: 2, client: [CLIENT, 40001], server: ['10.0.0.9', 443], start: 10 * S,
      synAck: 1 * MS, ack: 2 * MS, end: 11 * S, exchanges: 1, fin: true }),
  ];
  // One late answer is below lateAnswerMinConnects (3): the client was not left hanging, a SYN was lost.
  assert.deepEqual(tellStories(result(flows, { end: 12 * S })), { stories: [], findings: [] });
});

/** `n` connects to one server 1 s apart; those with `late(i)` lose two SYNs and are answered 3.05 s after the first. */
function lossy(n: number, late: (i: number) => boolean, server: [string, number] = ['10.0.0.9', 443]): Flow[] {
  return Array.from({ length: n }, (_, i) => flow({
    id: i + 1, client: [`10.0.1.${1 + (i % 7)}`, 40000 + i], server, start: i * S,
    ...(late(i)
      ? { synIntervals: [1, 2], synAck: 3050 * MS, ack: 3051 * MS, end: 3100 * MS }
      : { synAck: MS, ack: 2 * MS, end: 50 * MS }),
    exchanges: 1, fin: true,
  }));
}

test('ordinary SYN loss (2 of 20 connects answered after ~3 s) tells no story and makes no finding', () => {
  // The bench mix: 1–3 of 16–25 connects to a server lost a SYN twice and were answered after the
  // second retry. 2 of 20 is 10 %, under lateAnswerMinShare (25 %).
  const r = tellStories(result(lossy(20, (i) => i === 4 || i === 13), { end: 25 * S }));
  assert.deepEqual(r, { stories: [], findings: [] });
});

test('a server that answers only retransmitted SYNs for a third of its connects is the story', () => {
  // Every third of 12 connects (4 of 12 = 33 % ≥ 25 %, and 4 ≥ 3) answered only after two lost SYNs.
  const { stories, findings } = tellStories(result(lossy(12, (i) => i % 3 === 0), { end: 15 * S }));
  assert.equal(stories.length, 1);
  const s = stories[0];
  assert.equal(s.numbers['connects'], 12);
  assert.equal(s.numbers['connects slower than 3 s'], 4);
  assert.equal(s.numbers['answered late'], 4);
  assert.equal(s.numbers['longest wait (s)'], 3.05);
  assert.equal(s.numbers['its backoff intervals (s)'], '1, 2');
  // Connects are 3 s apart and each late one waits 3.05 s: never ten pending at once.
  assert.deepEqual(findings.filter((f) => f.code === 'connect-pileup'), []);
  assert.match(s.advice, /listen queue was full/);
  // One finding per client → target pair: late connects 0, 3, 6, 9 come from 10.0.1.1, .4, .7, .3.
  const slow = findings.filter((f) => f.code === 'slow-connect');
  assert.deepEqual(slow.map((f) => f.details.client).sort(), ['10.0.1.1', '10.0.1.3', '10.0.1.4', '10.0.1.7']);
  assert.ok(slow.every((f) => /answered only retransmitted SYNs/.test(f.message)));
});

test('gave up or still pending: the next retry is due at most twice the last interval later, linear or doubling', () => {
  // Linux 6.18 (tcp_syn_linear_timeouts=4): SYNs at 0, 1, 2, 3, 4, 5, 7, 11 s; the next timer
  // fires 8 s after the last SYN, at 19 s, where the kernel retransmits or gives up
  // (test/fixtures/kernel/silent-host.scenario.json: ETIMEDOUT after 19.4 s). Classic doubling
  // (tcp_syn_linear_timeouts=0): 0, 1, 3, 7 s, next timer at 15 s (ETIMEDOUT after 15.3 s).
  const cases: [number[], number, string, number][] = [
    [[1, 1, 1, 1, 1, 2, 4], 18, 'still pending at capture end', 18],
    [[1, 1, 1, 1, 1, 2, 4], 20, 'given up after the last SYN', 11],
    [[1, 2, 4], 14, 'still pending at capture end', 14],
    [[1, 2, 4], 16, 'given up after the last SYN', 7],
  ];
  for (const [intervals, endS, ending, waitS] of cases) {
    const { stories } = tellStories(result([flow({ id: 1, client: [CLIENT, 40000], server: DEAD, start: 0, synIntervals: intervals })], { end: endS * S }));
    assert.equal(stories.length, 1, `${intervals} to ${endS} s`);
    assert.equal(stories[0].numbers['how it ended'], ending, `${intervals} to ${endS} s`);
    assert.equal(stories[0].numbers['longest wait (s)'], waitS, `${intervals} to ${endS} s`);
  }
});

test('many hanging targets make one card: the worst target heads it, the other pairs are rows', () => {
  // Target A (10.0.0.9:80): 12 connects from 10.0.0.5, one per second, never answered.
  // Targets B (10.0.0.10:5432) and C (10.0.0.11:5432): 2 connects each, from 10.0.0.6 and 10.0.0.7.
  const flows: Flow[] = [];
  let id = 1;
  const add = (client: string, server: [string, number], n: number) => {
    for (let i = 0; i < n; i++) flows.push(flow({ id: id++, client: [client, 40000 + id], server, start: i * S, synIntervals: [1, 2, 4] }));
  };
  add(CLIENT, DEAD, 12);
  add('10.0.0.6', ['10.0.0.10', 5432], 2);
  add('10.0.0.7', ['10.0.0.11', 5432], 2);
  const { stories, findings } = tellStories(result(flows, { end: 60 * S }));
  assert.equal(stories.length, 1);
  const s = stories[0];
  assert.equal(s.title, 'Hanging connects: 10.0.0.5 → 10.0.0.9:80, and 2 more client → target pairs');
  assert.equal(s.flowCount, 16);
  assert.equal(s.numbers['more client → target pairs'], 2);
  // SYNs at 0, 1, 3, 7 s and nothing until 60 s: given up after the last SYN, 7 s after the first.
  assert.equal(s.numbers['10.0.0.6 → 10.0.0.10:5432'], '2 of 2 connects over 3 s, longest 7.0 s; 2 given up after the last SYN');
  assert.match(s.sentence, /The same on 2 more client → target pairs: 10\.0\.0\.6 → 10\.0\.0\.10:5432 \(2 of 2 connects/);
  // The Problems panel keeps one slow-connect finding per pair (no pile-up: each waits 3 … 7 s, 1 s apart).
  assert.deepEqual(findings.filter((f) => f.code === 'slow-connect').map((f) => f.details.server),
    ['10.0.0.9:80', '10.0.0.10:5432', '10.0.0.11:5432']);
  assert.deepEqual([...s.findings].sort((a, b) => a - b), findings.map((f) => f.id));
});

test('a SYN-ACK stamped after the ACK does not make a connect slow', () => {
  // pcapplusplus' pcapng-example.pcapng has such a frame (tshark shows the same epoch): the
  // client ACKed 53 µs after its SYN, so it cannot have waited for a SYN-ACK 47 years later.
  const f = flow({ id: 1, client: [CLIENT, 40000], server: ['127.0.0.1', 3306], start: 0, synAck: 10, ack: 53, end: S, fin: true });
  f.handshake.synAck = { packet: 2, time: '2894531997.938836488' };
  assert.deepEqual(tellStories(result([f], { end: 2 * S })).stories, []);
});

test('refused connects are fast failures, not hanging ones', () => {
  const flows = Array.from({ length: 20 }, (_, i) => flow({
    id: i + 1, client: [CLIENT, 40000 + i], server: DEAD, start: i * S, end: 1 * MS, reset: 'server',
  }));
  assert.deepEqual(tellStories(result(flows, { end: 30 * S })).stories, []);
});

test('slow connects from several clients make one story per target, one finding per client', () => {
  const flows = ['10.0.0.5', '10.0.0.6', '10.0.0.7'].map((ip, i) => flow({
    id: i + 1, client: [ip, 40000], server: DEAD, start: i * S, synIntervals: [1, 2, 4],
  }));
  const { stories, findings } = tellStories(result(flows, { end: 60 * S }));
  assert.equal(stories.length, 1);
  assert.equal(stories[0].title, 'Hanging connects to 10.0.0.9:80 from 3 clients');
  assert.deepEqual(findings.map((f) => f.details.client), ['10.0.0.5', '10.0.0.6', '10.0.0.7']);
});

test('a long capture widens the chart bins instead of growing without bound', () => {
  // Two connects to a dead server, at 0 s and at 2 h, each still retrying: the pending chart spans
  // 2 h (7200 s) + the last connect's wait; 600 bins at most means bins of ceil(7200.x / 600) = 13 s.
  const flows = [0, 7200].map((t, i) => flow({
    id: i + 1, client: [CLIENT, 40000 + i], server: DEAD, start: t * S, synIntervals: [1, 2, 4],
  }));
  const { stories } = tellStories(result(flows, { end: 7210 * S }));
  const series = stories[0].series[0];
  assert.equal(series.binSeconds, 13);
  assert.ok(series.values.length <= 600);
  assert.equal(Math.max(...series.values), 1);
});

test('past maxFindingsPerCode, slow connects fold into one summary finding', () => {
  // Five clients, one slow connect each (SYNs at 0, 1, 3, 7 s, then nothing until 60 s).
  const flows = [1, 2, 3, 4, 5].map((n) => flow({
    id: n, client: [`10.0.0.${n}`, 40000], server: DEAD, start: n * S, synIntervals: [1, 2, 4],
  }));
  const { stories, findings } = tellStories(result(flows, { end: 60 * S }), { maxFindingsPerCode: 2 });
  assert.deepEqual(findings.map((f) => f.code), ['slow-connect', 'slow-connect', 'slow-connect']);
  assert.deepEqual(findings.map((f) => f.details.summary ?? false), [false, false, true]);
  // The three clients past the limit: 10.0.0.3 … 10.0.0.5, flows 3 … 5.
  assert.equal(findings[2].details.more, 3);
  assert.deepEqual(findings[2].flows, [3, 4, 5]);
  assert.deepEqual(stories[0].findings, [1, 2, 3]);
});
