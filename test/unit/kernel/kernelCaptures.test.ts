// The engine on captures of real Linux TCP (kernel 6.18, made in network namespaces by
// scripts/kernel-captures/capture.sh; how each was made: test/fixtures/kernel/README.md).
// Expected values come from tshark 4.0 (the truth files next to each capture), from the
// scenario we set up (the sysctls and firewall rules, what the client's socket API reported),
// or from the kernel's documented behaviour — never from our own output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { AnalysisResult, Finding, Flow } from '../../../src/core/engine/result';
import { compareStreams } from '../engine/tsharkCompare';
import { analyse, CAPTURES, pcapPath, scenario, secondsBetween, synFrames, truth, type Capture, type SynFrame } from './fixtures';

const SERVER = '10.99.0.2';
const CLIENT = '10.99.0.1';

function findings(r: AnalysisResult, code: string): Finding[] {
  return r.findings.filter((f) => f.code === code);
}

/** Client SYN times per tshark stream, from tshark's SYN rows. */
function synTimesByStream(rows: SynFrame[], syn: boolean): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const r of rows) {
    const isSynAck = (r.flags & 0x10) !== 0;
    if (isSynAck === syn) continue;
    if (!out.has(r.stream)) out.set(r.stream, []);
    out.get(r.stream)!.push(r.epoch);
  }
  return out;
}

function intervals(times: string[]): number[] {
  return times.slice(1).map((t, i) => secondsBetween(times[i], t));
}

function near(a: number, b: number, tol: number): boolean {
  return Math.abs(a - b) <= tol;
}

test('the truth files describe exactly the committed captures, and the captures stay small', () => {
  let total = 0;
  for (const name of CAPTURES) {
    const bytes = readFileSync(pcapPath(name));
    assert.equal(truth(name).capture.sha256, createHash('sha256').update(bytes).digest('hex'), `${name}: re-run scripts/kernel-captures/truth.mjs`);
    assert.equal(scenario(name).scenario, name);
    total += statSync(pcapPath(name)).size;
  }
  assert.ok(total < 1024 * 1024, `${total} bytes`);
});

test('on every stream of every kernel capture the engine agrees with tshark', async () => {
  for (const name of CAPTURES) {
    const r = await analyse(name);
    const t = truth(name);
    assert.equal(r.capture.packets, t.file.packets, name);
    assert.equal(r.flows.length, t.streams.length, name);
    const { counts, diffs } = compareStreams(name, t, r.flows);
    assert.deepEqual(diffs, [], name);
    for (const [aspect, [compared, agreed]] of counts) assert.equal(agreed, compared, `${name} ${aspect}`);
  }
});

test('healthy: every connection completes its handshake, is closed with FINs, and nothing is flagged', async () => {
  const r = await analyse('healthy');
  const t = truth('healthy');
  assert.equal(r.summary.handshakesComplete, t.summary.handshakes_complete);
  assert.equal(r.flows.length, scenario('healthy').connections);
  for (const f of r.flows) {
    assert.equal(f.state, 'SF', `flow ${f.id}`);
    assert.deepEqual(f.fin, { client: true, server: true });
    assert.deepEqual([f.client.ip, f.server.ip, f.server.port], [CLIENT, SERVER, 8080]);
  }
  // curl sent one request on each of the first three connections and two on the last.
  assert.deepEqual(r.flows.map((f) => f.exchanges), [1, 1, 1, 2]);
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.stories, []);
});

test('refused: each connect the client saw fail with ECONNREFUSED is a REJ flow with a refused finding', async () => {
  const r = await analyse('refused');
  const client = scenario('refused').client.connects as { result: string }[];
  assert.deepEqual(client.map((c) => c.result), ['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
  assert.equal(truth('refused').summary.streams_refused, 3);
  assert.equal(r.summary.refused, 3);
  for (const f of r.flows) {
    assert.equal(f.state, 'REJ');
    assert.equal(f.reset, 'server');
    assert.equal(f.handshake.complete, false);
  }
  assert.equal(findings(r, 'refused').length, 3);
  assert.deepEqual(findings(r, 'refused').map((x) => x.flows[0]).sort(), r.flows.map((f) => f.id).sort());
});

test('silent host, exponential backoff (tcp_syn_linear_timeouts=0): SYN retries ~1 s apart, then each wait doubles', async () => {
  const r = await analyse('silent-host-exponential');
  const sc = scenario('silent-host-exponential');
  assert.equal(sc.tcp_syn_linear_timeouts, 0);
  const byStream = synTimesByStream(synFrames('silent-host-exponential'), true);
  assert.equal(byStream.size, 12);
  for (const s of truth('silent-host-exponential').streams) {
    // tcp_syn_retries=3: the first SYN and three retransmissions, nothing answered.
    assert.deepEqual([s.syn, s.syn_retrans, s.synack], [4, 3, 0]);
    const tshark = intervals(byStream.get(s.stream)!);
    // RFC 6298 initial RTO of 1 s, doubled on each timeout (Linux adds timer slack: allow 25 %).
    assert.ok(near(tshark[0], 1, 0.25), `first retry after ${tshark[0]} s`);
    for (let i = 1; i < tshark.length; i++) assert.ok(near(tshark[i] / tshark[i - 1], 2, 0.25), `ratio ${tshark[i] / tshark[i - 1]}`);
    const f = r.flows.find((x) => x.firstPacket === s.first_frame)!;
    assert.equal(f.synIntervals.length, 3);
    f.synIntervals.forEach((x, i) => assert.ok(near(x, tshark[i], 1.01e-6), `engine ${x} vs tshark ${tshark[i]}`));
    assert.equal(f.state, 'S0');
  }
  assert.equal(findings(r, 'unanswered-syn').length, 12);
  assertHangingStory(r, 12);
});

test('silent host, the 6.18 default (tcp_syn_linear_timeouts=4): four more 1 s retries before the backoff starts doubling', async () => {
  // Linux 6.18's net.ipv4.tcp_syn_linear_timeouts (default 4) keeps the SYN RTO at 1 s for the
  // first retransmissions; tcp_syn_retries=3 still bounds the connect by time, (2^4 - 1) × 1 s =
  // 15 s, so 8 SYNs fit (t = 0, 1, 2, 3, 4, 5, 7, 11 s). The client's kernel gave up later with
  // ETIMEDOUT, after the last SYN in the capture.
  const r = await analyse('silent-host');
  const sc = scenario('silent-host');
  assert.equal(sc.tcp_syn_linear_timeouts, 4);
  for (const c of sc.client.connects as { result: string; seconds: number }[]) {
    assert.equal(c.result, 'ETIMEDOUT');
    assert.ok(c.seconds > 15, `${c.seconds}`);
  }
  const byStream = synTimesByStream(synFrames('silent-host'), true);
  for (const s of truth('silent-host').streams) {
    assert.deepEqual([s.syn, s.syn_retrans, s.synack], [8, 7, 0]);
    const tshark = intervals(byStream.get(s.stream)!);
    const pattern = [1, 1, 1, 1, 1, 2, 4];
    tshark.forEach((x, i) => assert.ok(near(x / pattern[i], 1, 0.25), `interval ${i}: ${x} s`));
    const f = r.flows.find((x) => x.firstPacket === s.first_frame)!;
    f.synIntervals.forEach((x, i) => assert.ok(near(x, tshark[i], 1.01e-6), `engine ${x} vs tshark ${tshark[i]}`));
  }
  assertHangingStory(r, 12);
});

/** The hanging-connects story and its pile-up: every connect waited past 3 s, all at once. */
function assertHangingStory(r: AnalysisResult, connects: number): void {
  const story = r.stories.find((s) => s.kind === 'hanging-connects');
  assert.ok(story, 'hanging-connects story');
  assert.equal(story.flowCount, connects);
  assert.equal(findings(r, 'connect-pileup').length, 1);
  assert.equal(findings(r, 'connect-pileup')[0].flows.length, connects);
  assert.equal(findings(r, 'syn-flood').length, 0);
}

test('lost final ACK: the server kernel retransmits its SYN-ACK after ~1 s, then ~2 s later, until an ACK gets through', async () => {
  const r = await analyse('lost-final-ack');
  const [s] = truth('lost-final-ack').streams;
  assert.deepEqual([s.syn, s.synack, s.synack_retrans, s.handshake_complete], [1, 3, 2, true]);
  const synAcks = synTimesByStream(synFrames('lost-final-ack'), false).get(0)!;
  const tshark = intervals(synAcks);
  assert.ok(near(tshark[0], 1, 0.25), `${tshark[0]}`);
  assert.ok(near(tshark[1] / tshark[0], 2, 0.25), `${tshark[1] / tshark[0]}`);
  const [f] = r.flows;
  assert.equal(f.synAckRetransmissions, 2);
  f.synAckIntervals.forEach((x, i) => assert.ok(near(x, tshark[i], 1.01e-6)));
  assert.equal(f.handshake.complete, true);
  // The ACK that completed the handshake is the one after the last SYN-ACK (tshark's frame).
  assert.equal(f.handshake.ack?.packet, s.handshake_ack_frame);
  const retx = findings(r, 'synack-retransmission');
  assert.equal(retx.length, 1);
  assert.deepEqual(retx[0].flows, [f.id]);
  // The client waited ~3 s for the greeting, but the server and the path were fast: the
  // SYN-ACK retransmissions are the cause, told by their own finding, not by slow-handshake.
  assert.ok(scenario('lost-final-ack').client.greetingAfter > 2.5);
  assert.equal(findings(r, 'slow-handshake').length, 0);
  assert.ok(f.handshake.rtt !== null && near(f.handshake.rtt, Number(s.initial_rtt), 1.01e-6), `${f.handshake.rtt} vs ${s.initial_rtt}`);
  assert.ok(f.handshake.clientRtt !== null && f.handshake.clientRtt < 0.1, `clientRtt ${f.handshake.clientRtt}`);
  assert.match(retx[0].message, /acknowledged the last one after|is in the capture: it was lost on the way to the server/);
});

test('half-open: every client ACK lost, the server kernel sends its SYN-ACK three times (tcp_synack_retries=2) and the handshake never completes', async () => {
  const r = await analyse('half-open');
  assert.equal(scenario('half-open').tcp_synack_retries, 2);
  const [s] = truth('half-open').streams;
  assert.deepEqual([s.syn, s.synack, s.synack_retrans, s.handshake_complete], [1, 3, 2, false]);
  const tshark = intervals(synTimesByStream(synFrames('half-open'), false).get(0)!);
  assert.ok(near(tshark[0], 1, 0.25) && near(tshark[1] / tshark[0], 2, 0.25), `${tshark}`);
  const [f] = r.flows;
  assert.equal(f.handshake.complete, false);
  f.synAckIntervals.forEach((x, i) => assert.ok(near(x, tshark[i], 1.01e-6)));
  assert.equal(r.summary.halfOpen, 1);
  assert.deepEqual(findings(r, 'half-open').map((x) => x.flows), [[f.id]]);
  // One cause, one finding: the half-open finding tells the SYN-ACK retransmissions.
  assert.match(findings(r, 'half-open')[0].message, /SYN-ACK sent 3 times/);
  assert.equal(findings(r, 'synack-retransmission').length, 0);
  assert.equal(findings(r, 'syn-flood').length, 0);
});

/** Flows the legitimate client (10.99.0.1) opened during a flood capture. */
function legit(r: AnalysisResult): Flow[] {
  return r.flows.filter((f) => f.client.ip === CLIENT);
}

function floodDetails(r: AnalysisResult): Record<string, unknown> {
  const fl = findings(r, 'syn-flood');
  assert.equal(fl.length, 1);
  return fl[0].details;
}

for (const name of ['syn-flood', 'syn-flood-always', 'syn-flood-ts-nooffset'] as Capture[]) {
  test(`${name}: one flood finding for the 1000 spoofed SYNs; the legitimate client's handshakes all completed`, async () => {
    const r = await analyse(name);
    const sc = scenario(name);
    const t = truth(name);
    const d = floodDetails(r);
    assert.deepEqual(d.target, { ip: SERVER, port: 8080 });
    assert.equal(d.halfOpen, sc.flood.flood);
    // Spoofed sources 10.99.0.128-254 (127 addresses; tshark's streams say which were used).
    const sources = new Set(t.streams.filter((s) => s.client.ip !== CLIENT).map((s) => s.client.ip));
    assert.equal(d.distinctSources, sources.size);
    const ours = legit(r);
    assert.equal(ours.length, sc.client.requests);
    assert.equal(sc.client.ok, sc.client.requests);
    assert.ok(ours.every((f) => f.handshake.complete));
    assert.equal(t.streams.filter((s) => s.client.ip === CLIENT && s.handshake_complete).length, ours.length);
    assert.equal(d.completedTotal, ours.length);
    // Per-flow half-open findings are absorbed by the flood.
    assert.equal(findings(r, 'half-open').length, 0);
    assert.ok(r.stories.some((s) => s.kind === 'syn-flood'));
  });
}

/** Low 6 bits of the SYN-ACK TSvals sent to spoofed sources whose SYN had timestamps. */
function cookieTsResidues(name: Capture): number[] {
  return synFrames(name).filter((f) => (f.flags & 0x12) === 0x12 && f.dst !== CLIENT && f.tsval !== null && !f.retransmission).map((f) => f.tsval! & 0x3f);
}

test('SYN cookies always (tcp_syncookies=2): no SYN-ACK retransmitted, options dropped without timestamps — cookies recognised', async () => {
  const r = await analyse('syn-flood-always');
  assert.equal(truth('syn-flood-always').summary.synack_retransmissions, 0);
  // tshark: the cookie SYN-ACKs to timestamp-less SYNs carry no window scale and no SACK.
  const noTs = synFrames('syn-flood-always').filter((f) => (f.flags & 0x12) === 0x12 && f.dst !== CLIENT && f.tsval === null);
  assert.ok(noTs.length >= 400);
  assert.ok(noTs.every((f) => f.wscale === null && !f.sack));
  const d = floodDetails(r);
  assert.equal(d.synCookies, 'likely');
  assert.ok((d.synCookieEvidence as string[]).includes('no-synack-retransmissions'));
  assert.ok((d.synCookieEvidence as string[]).includes('options-dropped'));
});

test('SYN cookies on demand (tcp_syncookies=1, the default): the first SYNs fill the queue and are retransmitted, cookies after — still recognised', async () => {
  const t = truth('syn-flood');
  const rows = synFrames('syn-flood');
  // tshark: a handful of spoofed flows got a retransmitted SYN-ACK (the queued ones, all at the
  // start of the flood), the hundreds after them none.
  const retxStreams = new Set(rows.filter((f) => (f.flags & 0x12) === 0x12 && f.retransmission).map((f) => f.stream));
  assert.ok(t.summary.synack_retransmissions > 0);
  assert.ok(retxStreams.size > 0 && retxStreams.size <= 16, `${retxStreams.size} streams`);
  const firstCookieFrame = Math.max(...t.streams.filter((s) => retxStreams.has(s.stream)).map((s) => s.first_frame));
  assert.ok(firstCookieFrame < 100, 'the retransmitted ones are the first few SYNs');
  // Timestamp-less SYNs after the queue filled got SYN-ACKs without window scale and SACK.
  const noTs = rows.filter((f) => (f.flags & 0x12) === 0x12 && f.dst !== CLIENT && f.tsval === null && !f.retransmission);
  const dropped = noTs.filter((f) => f.wscale === null && !f.sack).length;
  assert.ok(dropped >= noTs.length - 16 && dropped < noTs.length, `${dropped} of ${noTs.length}`);

  const d = floodDetails(await analyse('syn-flood'));
  assert.equal(d.synAckRetransmissions, t.summary.synack_retransmissions);
  // Before the fix the engine wanted zero retransmissions and every option dropped: 'unknown'.
  assert.equal(d.synCookies, 'likely');
  assert.deepEqual(d.synCookieEvidence, ['few-synack-retransmissions', 'options-dropped']);
});

test('SYN-cookie timestamps: the options show in the TSval only when the kernel adds no timestamp offset', async () => {
  // Linux encodes the client's window scale (bits 0-3), SACK (bit 4) and ECN (bit 5) in the low 6
  // bits of a cookie SYN-ACK's TSval, but with net.ipv4.tcp_timestamps=1 (the default) it adds
  // a keyed per-connection offset before sending, so on the wire those bits look random; with
  // tcp_timestamps=2 there is no offset and every one reads WS 7 + SACK = 0x17.
  const plain = cookieTsResidues('syn-flood-ts-nooffset');
  assert.ok(plain.length >= 400);
  assert.ok(plain.every((x) => x === 0x17), 'no offset: every TSval ends in 0x17');
  const offset = cookieTsResidues('syn-flood-always');
  assert.ok(offset.length >= 400);
  assert.ok(new Set(offset).size > 32, 'with offsets the low bits are spread');
  const withoutOffset = floodDetails(await analyse('syn-flood-ts-nooffset'));
  assert.ok((withoutOffset.synCookieEvidence as string[]).includes('timestamp-encoded-options'));
  const withOffset = floodDetails(await analyse('syn-flood-always'));
  assert.ok(!(withOffset.synCookieEvidence as string[]).includes('timestamp-encoded-options'));
});

test('connection storm: 100 one-request connections are churn; the same 100 requests over one keep-alive connection are not', async () => {
  const storm = await analyse('storm');
  const sc = scenario('storm');
  assert.deepEqual([sc.client.requests, sc.client.ok], [100, 100]);
  assert.equal(truth('storm').summary.handshakes_complete, 100);
  assert.ok(storm.flows.every((f) => f.exchanges === 1 && f.handshake.complete));
  const s = storm.stories.filter((x) => x.kind === 'connection-storm');
  assert.equal(s.length, 1);
  assert.equal(s[0].flowCount, 100);
  assert.equal(findings(storm, 'connection-churn').length, 1);

  const keep = await analyse('keepalive');
  assert.equal(scenario('keepalive').client.requests, 100);
  assert.equal(keep.flows.length, 1);
  assert.equal(keep.flows[0].exchanges, 100);
  assert.deepEqual(keep.stories, []);
  assert.deepEqual(keep.findings, []);
});

test('IPv6: the handshake over fd99::/64 completes, the closed port is refused, addresses as tshark prints them', async () => {
  const r = await analyse('ipv6');
  const t = truth('ipv6');
  assert.equal(t.summary.ipv6_streams, 2);
  assert.deepEqual(r.flows.map((f) => [f.client.ip, f.server.ip, f.server.port]), t.streams.map((s) => [s.client.ip, s.server.ip, s.server.port]));
  assert.deepEqual(r.flows.map((f) => f.server.ip), ['fd99::2', 'fd99::2']);
  assert.deepEqual(r.flows.map((f) => f.state), ['SF', 'REJ']);
  assert.equal(findings(r, 'refused').length, 1);
  assert.equal(r.flows[0].options.client.mss, 1440); // 1500 − 40 (IPv6) − 20 (TCP)
});
