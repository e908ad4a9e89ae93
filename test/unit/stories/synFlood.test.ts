import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tellStories } from '../../../src/core/stories';
import { at, flow, MS, result, S } from './flows';
import type { Finding, Flow } from '../../../src/core/engine/result';
import { readFileSync } from 'node:fs';

const VICTIM: [string, number] = ['198.51.100.80', 443];

/**
 * Legitimate clients: 10 before the flood (0–1.8 s) and 5 after (8–8.8 s) with 20 ms handshakes,
 * 8 during it (3.2–6 s) with 100 ms handshakes, 2 of those after a retransmitted SYN.
 * Flood: 400 forged SYNs from 400 sources, 10 ms apart from 3 s (3.00 … 6.99 s), each answered
 * with a SYN-ACK and never ACKed; every 50th source is a live host that answers with a RST.
 */
function capture(duringRtt = 100 * MS, duringCount = 8): Flow[] {
  const flows: Flow[] = [];
  let id = 1;
  const legit = (start: number, rtt: number, retry = false) => flows.push(flow({
    id: id++, client: [`192.0.2.${id % 200}`, 40000 + id], server: VICTIM, start,
    synIntervals: retry ? [1] : [], synAck: (retry ? S : 0) + rtt - MS, ack: (retry ? S : 0) + rtt, end: rtt + 50 * MS,
    exchanges: 1, fin: true,
  }));
  for (let i = 0; i < 10; i++) legit(i * 200 * MS, 20 * MS);
  for (let i = 0; i < 400; i++) {
    flows.push(flow({
      id: id++, client: [`203.0.${i >> 8}.${i & 255}`, 1024 + i * 7], server: VICTIM, start: 3 * S + i * 10 * MS,
      synAck: 25, end: i % 50 === 0 ? 100 * MS : 25, reset: i % 50 === 0 ? 'client' : null,
    }));
  }
  for (let i = 0; i < duringCount; i++) legit(3200 * MS + i * 400 * MS, duringRtt, i % 4 === 1);
  for (let i = 0; i < 5; i++) legit(8 * S + i * 200 * MS, 20 * MS);
  return flows.sort((a, b) => a.id - b.id);
}

function floodFinding(flows: Flow[], details: Record<string, unknown>): Finding {
  const forged = flows.filter((f) => !f.handshake.complete).map((f) => f.id);
  return { id: 3, code: 'syn-flood', severity: 'error', message: 'SYN flood', flows: forged, packet: 0, time: at(3 * S), details };
}

test('the flood story tells span, rate, spoofed sources and how legitimate clients fared', () => {
  const flows = capture();
  const r = result(flows, { end: 10 * S });
  // One-second timeline: 100 forged SYNs in each of seconds 3…6, plus the legitimate ones.
  r.timeline = { start: at(0), binSeconds: 1, syn: [5, 5, 0, 102, 102, 100, 104, 0, 5, 0], synAck: [], completed: [], rst: [] };
  r.findings = [floodFinding(flows, { synCookies: 'likely', synCookieEvidence: ['no-synack-retransmissions'] })];
  const { stories, findings } = tellStories(r);
  assert.deepEqual(findings, [], 'the flood story makes no finding of its own');
  assert.equal(stories.length, 1);
  const s = stories[0];
  assert.equal(s.kind, 'syn-flood');
  assert.equal(s.title, 'SYN flood on 198.51.100.80:443');
  assert.deepEqual(s.findings, [3]);
  // Span of the forged SYNs: 3.00 s to 6.99 s.
  assert.equal(s.numbers['start'], at(3 * S));
  assert.equal(s.numbers['end'], at(6990 * MS));
  assert.equal(s.numbers['flood SYNs'], 400);
  assert.equal(s.numbers['distinct sources'], 400);
  assert.equal(s.numbers['spoofed sources'], 'likely');
  // Source ports 1024 + 7·i: all 400 differ.
  assert.equal(s.numbers['distinct source ports (% of listed flood connections)'], 100);
  // 400 SYNs over 3.99 s.
  assert.equal(s.numbers['mean SYN rate (/s)'], round1(400 / 3.99));
  // Busiest timeline second inside the flood: 104 (1 s bins: the sliding window is the bins).
  assert.equal(s.numbers['peak SYN rate (/s, busiest 1 s window)'], 104);
  assert.equal(s.numbers['SYN cookies'], 'yes');
  assert.equal(s.numbers['SYN cookies recognised by'], 'SYN-ACKs never retransmitted');
  assert.match(s.sentence, /The server answered with SYN cookies/);
  // 8 legitimate handshakes during: 6 of 100 ms, 2 of 1.1 s (SYN retried after 1 s): median 100 ms.
  assert.equal(s.numbers['legitimate handshakes during flood'], 8);
  assert.equal(s.numbers['median legitimate RTT during flood (ms)'], 100);
  assert.equal(s.numbers['legitimate handshakes outside flood'], 15);
  assert.equal(s.numbers['median legitimate RTT outside flood (ms)'], 20);
  // 100 ms against 20 ms.
  assert.equal(s.numbers['legitimate handshake time during the flood'], '5× slower than outside it');
  assert.match(s.sentence, /8 legitimate handshakes still completed during the flood, 5× slower than outside it\./);
  assert.equal(s.numbers['legitimate clients that retransmitted their SYN'], 2);
  assert.equal(s.flowCount, 400);
  assert.match(s.sentence, /likely spoofed/);
  // BASE is 1700000000 = 2023-11-14 22:13:20 UTC; the flood starts 3 s later.
  assert.match(s.sentence, /from 3.0 s into the capture \(2023-11-14 22:13:23 UTC\)/);
  // Every 50th of the 400 sources is live: 8 RSTs.
  assert.match(String(s.numbers['spoofing evidence']), /8 SYN-ACKs drew a RST/);
  assert.match(s.advice, /SYN cookies/);
  assert.match(s.advice, /backlog/);
  assert.deepEqual(s.series.map((x) => x.label), ['SYNs per 1 s bin', 'legitimate handshake RTT (median per 1 s bin)']);
  assert.equal(s.series[0].unit, 'SYNs');
  assert.deepEqual(s.series[0].values, [5, 5, 0, 102, 102, 100, 104, 0, 5, 0]);
  // Seconds 3–6 hold the slow legitimate handshakes; 2 and 7 have none (0).
  assert.deepEqual(s.series[1].values.slice(0, 2), [20, 20]);
  assert.equal(s.series[1].values[2], 0);
  assert.equal(s.series[1].values[8], 20);
});

test('the engine\'s details win over what the listed flows show', () => {
  const flows = capture();
  const r = result(flows, { end: 10 * S });
  // The engine saw 2 million SYNs from 1.999 million sources (the result lists only some flows),
  // from the finding's time (3 s) for 4 s, 12 of its legitimate handshakes during that span.
  r.findings = [floodFinding(flows, {
    target: { ip: '198.51.100.80', port: 443 }, spanSeconds: 4, syns: 2_000_000, halfOpen: 2_000_000,
    distinctSources: 1_999_000, distinctSourcesExact: false, synRate: 500_000, synCookies: 'no', answered: 0,
    completedDuringFlood: 12,
  })];
  const s = tellStories(r).stories[0];
  assert.equal(s.numbers['end'], at(7 * S));
  assert.equal(s.numbers['flood SYNs'], 2_000_000);
  assert.equal(s.numbers['distinct sources'], 1_999_000);
  assert.equal(s.numbers['mean SYN rate (/s)'], 500_000);
  assert.equal(s.numbers['SYN cookies'], 'no');
  assert.equal(s.numbers['legitimate handshakes during flood'], 12);
  assert.equal(s.flowCount, 2_000_000);
  assert.match(s.sentence, /about 1,999,000 distinct sources/);
  assert.match(s.sentence, /answered none of the flood SYNs/);
  assert.match(s.advice, /Turn on SYN cookies/);
});

test('without a syn-flood finding there is no flood story, however many connections arrive', () => {
  // A deploy burst: 40 clients connect once each within a second, all complete.
  const flows = Array.from({ length: 40 }, (_, i) => flow({
    id: i + 1, client: [`10.4.1.${10 + i}`, 50000], server: ['10.4.0.10', 9092], start: i * 20 * MS,
    synAck: MS, ack: 2 * MS, end: 5 * S, exchanges: 3,
  }));
  assert.deepEqual(tellStories(result(flows, { end: 6 * S })), { stories: [], findings: [] });
});

test('slow connects to the flooded server during the flood belong to the flood story', () => {
  const flows = capture();
  // A legitimate client whose SYNs (3.5, 4.5, 6.5, 10.5 s) were dropped by the flooded server;
  // at the capture end (12 s) it has waited 8.5 s.
  flows.push(flow({ id: 999, client: ['192.0.2.250', 41000], server: VICTIM, start: 3500 * MS, synIntervals: [1, 2, 4] }));
  const r = result(flows, { end: 12 * S });
  // Without the flood finding it is a hanging connect…
  assert.deepEqual(tellStories(r).stories.map((s) => s.kind), ['hanging-connects']);
  // …with it, it is part of the flood's story and gets no advice about connect timeouts.
  r.findings = [floodFinding(flows.filter((f) => f.synRetransmissions === 0), {})];
  const { stories, findings } = tellStories(r);
  assert.deepEqual(stories.map((s) => s.kind), ['syn-flood']);
  assert.deepEqual(findings, []);
});

test('a capped result that lists none of the flood flows still tells the flood, without guessing', () => {
  // Only the 15 legitimate flows are listed; the engine's counts cover the rest.
  const flows = capture().filter((f) => f.handshake.complete);
  const r = result(flows, { end: 10 * S });
  r.findings = [{
    id: 1, code: 'syn-flood', severity: 'error', message: 'SYN flood', flows: [], packet: 0, time: at(3 * S),
    details: { target: { ip: '198.51.100.80', port: 443 }, spanSeconds: 4, syns: 400, halfOpen: 400, distinctSources: 400, synRate: 100 },
  }];
  const s = tellStories(r).stories[0];
  assert.equal(s.numbers['spoofed sources'], 'unknown');
  assert.equal(s.flowCount, 400);
  assert.deepEqual(s.flows, []);
  assert.equal(s.numbers['legitimate handshakes during flood'], 8);
});

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** 300 unanswered SYNs to the victim from 100 sources, 10 ms apart from `fromUs`; `retry`: each retransmitted after 1 s. */
function unansweredFlood(fromUs: number, retry: boolean): Flow[] {
  return Array.from({ length: 300 }, (_, i) => flow({
    id: i + 1, client: [`203.0.113.${i % 100}`, 30000 + i], server: VICTIM, start: fromUs + i * 10 * MS,
    synIntervals: retry ? [1] : [],
  }));
}

test('sources that retransmit their SYNs are real TCP stacks: not spoofed', () => {
  // A botnet (or real clients) behind the SYNs: every one retransmitted after 1 s, as a kernel does.
  const flows = unansweredFlood(S, true);
  const r = result(flows, { end: 10 * S });
  r.findings = [floodFinding(flows, {})];
  const s = tellStories(r).stories[0];
  assert.equal(s.numbers['spoofed sources'], 'unlikely');
  assert.match(s.sentence, /that behave like real TCP stacks \(not forged addresses\)\./);
  // All 300 SYNs are older than 1.5 s at the capture end (10 s) and each was retransmitted.
  assert.match(String(s.numbers['spoofing evidence']),
    /^all 300 unanswered SYNs were retransmitted; 100% ACKed a SYN-ACK or retransmitted their SYN/);
});

test('a capture that ends before any retry was due cannot tell spoofed from real', () => {
  // 300 unanswered SYNs at 1.00 … 3.99 s, the capture ends at 4.49 s. A SYN shows whether a retry
  // came only if sent 1.5 s before the end (start ≤ 2.99 s: i ≤ 199, 200 of them); none was
  // retransmitted, so no TCP stack stood behind them.
  const flows = unansweredFlood(S, false);
  const r = result(flows, { end: 4490 * MS });
  r.findings = [floodFinding(flows, {})];
  assert.equal(tellStories(r).stories[0].numbers['spoofed sources'], 'likely');
  assert.match(String(tellStories(r).stories[0].numbers['spoofing evidence']), /none of the 200 unanswered SYNs was retransmitted/);
  // A 1 s flood (1.00 … 1.99 s) and the capture ends at 2 s: no SYN is 1.5 s old, nothing was due yet.
  const short = unansweredFlood(S, false).slice(0, 100);
  const r2 = result(short, { end: 2 * S });
  r2.findings = [floodFinding(short, {})];
  const s2 = tellStories(r2).stories[0];
  assert.equal(s2.numbers['spoofed sources'], 'unknown');
  assert.match(s2.sentence, /cannot be told/);
});

test('SYN cookie evidence reads as plain words, for every code the engine gives', () => {
  // The codes straight from the engine's source, so a new code without words fails here.
  const engine = readFileSync('src/core/engine/findings/synFlood.ts', 'utf8');
  const codes = [...engine.matchAll(/evidence\.push\('([a-z-]+)'\)/g)].map((m) => m[1]);
  assert.deepEqual(codes, ['no-synack-retransmissions', 'few-synack-retransmissions', 'options-dropped', 'timestamp-encoded-options']);
  const flows = capture();
  const r = result(flows, { end: 10 * S });
  r.findings = [floodFinding(flows, { synCookies: 'likely', synCookieEvidence: codes })];
  const s = tellStories(r).stories[0];
  const v = String(s.numbers['SYN cookies recognised by']);
  assert.equal(v.split('; ').length, 4);
  for (const c of codes) assert.ok(!v.includes(c), `${c} shown as a code: ${v}`);
  assert.doesNotMatch(v, /\b[a-z]+(-[a-z]+)+\b/, 'no code-like words');
  assert.match(v, /^SYN-ACKs never retransmitted; /);
  assert.match(v, /; client options encoded in the SYN-ACK timestamps$/);
  // The sentence says cookies were used; how they were recognised is the number's job.
  assert.ok(!s.sentence.includes('timestamps'));
});

test('the spoofing evidence is a short list of its own, not a repeat of the sentence', () => {
  const flows = capture();
  const r = result(flows, { end: 10 * S });
  r.findings = [floodFinding(flows, {})];
  const s = tellStories(r).stories[0];
  // 400 forged SYNs, all answered and never ACKed; every 50th source (0, 50, … 350) is a live
  // host answering with a RST: 8; 400 sources for 400 SYNs.
  assert.equal(s.numbers['spoofing evidence'],
    'none of the 400 SYN-ACKs was ACKed; 8 SYN-ACKs drew a RST from a host that never sent the SYN; almost every source sent a single SYN');
  for (const item of String(s.numbers['spoofing evidence']).split('; ')) assert.ok(!s.sentence.includes(item), item);
  // Random source ports have their own number; they are not repeated in the evidence.
  assert.doesNotMatch(String(s.numbers['spoofing evidence']), /source ports/);
  assert.match(s.sentence, /400 SYNs from 400 distinct sources, likely spoofed\./);
});

test('the flood sentence is two sentences; the rates are numbers', () => {
  const flows = capture();
  const r = result(flows, { end: 10 * S });
  r.findings = [floodFinding(flows, { synCookies: 'likely', synCookieEvidence: ['no-synack-retransmissions'] })];
  const s = tellStories(r).stories[0];
  assert.equal(s.sentence.split(/(?<=\.) (?=[A-Z0-9])/).length, 2, s.sentence);
  assert.doesNotMatch(s.sentence, /\/s/);
});

test('the peak rate is over a sliding 1 s window and says so; a chart bar is the SYNs of one fixed 1 s bin', () => {
  const flows = capture();
  const r = result(flows, { end: 10 * S });
  // Half-second timeline: the flood's seconds 3…6 hold 100 SYNs each, but 90 + 90 of them fall
  // in 3.5–4.5 s, straddling the 1 s bins 3–4 and 4–5.
  const half = new Array<number>(20).fill(0);
  [10, 90, 90, 10, 50, 50, 50, 50].forEach((n, i) => { half[6 + i] = n; });
  r.timeline = { start: at(0), binSeconds: 0.5, syn: half, synAck: [], completed: [], rst: [] };
  r.findings = [floodFinding(flows, {})];
  const s = tellStories(r).stories[0];
  assert.equal(s.numbers['peak SYN rate (/s, busiest 1 s window)'], 180);
  assert.equal(s.series[0].label, 'SYNs per 1 s bin');
  assert.equal(s.series[0].unit, 'SYNs');
  assert.equal(s.series[0].binSeconds, 1);
  assert.deepEqual(s.series[0].values, [0, 0, 0, 100, 100, 100, 100, 0, 0, 0]);
  // No bar can beat the busiest window: each bar is one of the windows.
  assert.ok(Math.max(...s.series[0].values) <= (s.numbers['peak SYN rate (/s, busiest 1 s window)'] as number));
});

test('a flood shorter than the peak window gives no peak beside its mean', () => {
  // 100 unanswered SYNs at 1.00 … 1.99 s: 0.99 s, shorter than the 1 s window.
  const short = unansweredFlood(S, false).slice(0, 100);
  const r = result(short, { end: 2 * S });
  r.findings = [floodFinding(short, {})];
  const s = tellStories(r).stories[0];
  assert.equal(s.numbers['mean SYN rate (/s)'], round1(100 / 0.99));
  assert.deepEqual(Object.keys(s.numbers).filter((k) => k.startsWith('peak')), []);
});

test('legitimate handshakes: slower only when meaningfully so, and not compared on too few', () => {
  // During the flood 6 handshakes of 22 ms and 2 of 1.022 s (SYN retried): median 22 ms, against
  // 20 ms outside it: 1.1, within RTT noise.
  const same = capture(22 * MS);
  const r1 = result(same, { end: 10 * S });
  r1.findings = [floodFinding(same, {})];
  const s1 = tellStories(r1).stories[0];
  assert.equal(s1.numbers['legitimate handshake time during the flood'], 'not slower than outside it');
  assert.match(s1.sentence, /8 legitimate handshakes still completed during the flood, not slower than outside it\./);
  assert.ok(!Object.keys(s1.numbers).some((k) => k.includes('slowdown')));
  // Only 2 during the flood (one of 100 ms, one retried): too few for a median to mean anything.
  const few = capture(100 * MS, 2);
  const r2 = result(few, { end: 10 * S });
  r2.findings = [floodFinding(few, {})];
  const s2 = tellStories(r2).stories[0];
  assert.equal(s2.numbers['legitimate handshake time during the flood'], 'too few legitimate handshakes to compare (2 during, 15 outside)');
  assert.match(s2.sentence, /2 legitimate handshakes still completed during the flood\./);
});
