// `synscope correlate` on two captures of real Linux TCP through a router namespace, made by
// scripts/fixtures/two-vantage.sh (test/fixtures/two-vantage/README.md). Every expected value
// comes from what the script did (facts.json: the rule it set per connection, the nft counters
// of what those rules dropped, the clock shift it applied with editcap), never from our output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CorrelateResult, Pair } from '../../../src/core/correlate/types';
import { ROOT, runCli } from '../cli/runCli';
import { validate } from '../cli/jsonSchema';

const DIR = join(ROOT, 'test', 'fixtures', 'two-vantage');
const A = join(DIR, 'a.pcap');
const B = join(DIR, 'b.pcap');
const SCHEMA = JSON.parse(readFileSync(join(ROOT, 'docs', 'synscope-correlate.schema.json'), 'utf8')) as Record<string, unknown>;

interface Connection {
  name: string;
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  verdict: string;
  changes: string[];
}
interface Facts {
  clockOffsetSeconds: number;
  variants: { 'b-behind.pcap': { clockOffsetSeconds: number } };
  hopsBetween: number;
  natTo: { ip: string; ports: [number, number] };
  mssClampTo: number;
  synProxyWscale: number;
  routerCounters: Record<string, number>;
  serverCounters: Record<string, number>;
  connections: Connection[];
}
const FACTS = JSON.parse(readFileSync(join(DIR, 'facts.json'), 'utf8')) as Facts;

function correlate(...args: string[]): CorrelateResult {
  const r = runCli(['correlate', ...args, '--format', 'json']);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as CorrelateResult;
}

const RESULT = correlate(A, B);

function pairOf(c: Connection, r: CorrelateResult = RESULT): Pair {
  const found = r.pairs.filter((p) => p.client === `${c.client.ip}:${c.client.port}` && p.server === `${c.server.ip}:${c.server.port}`);
  assert.equal(found.length, 1, `${c.name}: one pair for ${c.client.ip}:${c.client.port}`);
  return found[0];
}

function conn(name: string): Connection {
  return FACTS.connections.find((c) => c.name === name)!;
}

test('the JSON validates against docs/synscope-correlate.schema.json', () => {
  assert.deepEqual(validate(SCHEMA, RESULT), []);
  assert.equal(RESULT.schema, 'synscope-correlate/1');
  assert.equal(RESULT.swapped, false);
});

test('every connection the script made gets the verdict its rule implies', () => {
  for (const c of FACTS.connections) assert.equal(pairOf(c).verdict, c.verdict, c.name);
  assert.equal(RESULT.summary.pairs, FACTS.connections.length, 'one pair per connection, none invented');
});

test('every middlebox change the router made is found on its connection, and no other', () => {
  for (const c of FACTS.connections) assert.deepEqual([...pairOf(c).middleboxes].sort(), [...c.changes].sort(), c.name);
});

test('losses between the points equal what the router dropped (nft counters)', () => {
  const k = FACTS.routerCounters;
  assert.equal(pairOf(conn('syn-lost-once')).packets.syn.lost, k.syn_once);
  assert.equal(pairOf(conn('syn-lost-all')).packets.syn.lost, k.syn_all);
  assert.equal(pairOf(conn('synack-lost')).packets.synAck.lost, k.synack_once);
  assert.equal(pairOf(conn('ack-lost')).packets.ack.lost, k.ack_once);
  const silent = pairOf(conn('server-silent'));
  assert.equal(silent.packets.syn.b.count, FACTS.serverCounters.silent, 'every SYN the server dropped was seen at B');
  assert.equal(silent.packets.syn.lost, 0);
  for (const c of FACTS.connections.filter((x) => x.verdict === 'complete')) {
    const p = pairOf(c).packets;
    assert.deepEqual([p.syn.lost, p.synAck.lost, p.ack.lost], [0, 0, 0], c.name);
  }
});

test('the clock offset the script applied to B is found, within the stated uncertainty', () => {
  const k = RESULT.clock;
  assert.equal(k.method, 'round-trip');
  assert.ok(k.offset !== null && k.uncertainty !== null);
  assert.ok(Math.abs(k.offset - FACTS.clockOffsetSeconds) <= k.uncertainty, `${k.offset} ± ${k.uncertainty} vs ${FACTS.clockOffsetSeconds}`);
  // Both captures were taken by one host's clock a few µs apart: the bound is tight.
  assert.ok(k.uncertainty < 0.001);
});

test('TTL: one router between the points; the injected RST carries the router\'s TTL, not the server\'s', () => {
  for (const c of FACTS.connections) {
    const p = pairOf(c);
    if (p.a === null || p.b === null || c.changes.includes('syn-proxy')) continue;
    assert.equal(p.hops.toServer, FACTS.hopsBetween, c.name);
    if (p.hops.toClient !== null) assert.equal(p.hops.toClient, FACTS.hopsBetween, c.name);
  }
  const reset = pairOf(conn('reset-injected'));
  assert.equal(reset.b, null);
  assert.equal(reset.packets.rst.a?.from, 'server');
  assert.match(reset.evidence ?? '', new RegExp(`started ${FACTS.hopsBetween} hop\\(s\\) nearer A`));
});

test('NAT: the mapping to the router\'s address and port range; the transparent proxy matched by time; MSS clamp and SYN proxy values', () => {
  const nat = pairOf(conn('nat'));
  assert.equal(nat.match, 'isn', 'the 4-tuple changed: matched by the client ISN');
  const [ip, port] = nat.clientAtB!.split(':');
  assert.equal(ip, FACTS.natTo.ip);
  assert.ok(Number(port) >= FACTS.natTo.ports[0] && Number(port) <= FACTS.natTo.ports[1]);
  const entry = RESULT.middleboxes.find((m) => m.code === 'nat')!;
  const natted = FACTS.connections.filter((c) => c.changes.includes('nat')).map((c) => pairOf(c));
  assert.deepEqual(entry.pairs, natted.map((p) => p.id));
  assert.deepEqual(entry.details.mappings, natted.map((p) => `${p.client} → ${p.clientAtB}, ${p.server} → ${p.serverAtB}`));
  const relay = pairOf(conn('relay'));
  assert.equal(relay.match, 'timing', 'the proxy\'s own connection has its own ISN: matched by time and port');
  assert.equal(relay.clientAtB?.split(':')[0], FACTS.natTo.ip, 'the proxy connects from the router\'s B-side address');
  const mss = RESULT.middleboxes.find((m) => m.code === 'mss-clamped')!;
  assert.equal(mss.details.to, FACTS.mssClampTo);
  const ws = RESULT.middleboxes.find((m) => m.code === 'wscale-changed')!;
  assert.equal(ws.details.to, FACTS.synProxyWscale);
});

test('given the other way round: noticed, and the same verdicts', () => {
  const r = correlate(B, A);
  assert.equal(r.swapped, true);
  assert.equal(r.a.path, A);
  for (const c of FACTS.connections) assert.equal(pairOf(c, r).verdict, c.verdict, c.name);
});

test('every packet of A captured twice (a SPAN port): copies are not losses, the same verdicts', () => {
  const r = correlate(join(DIR, 'a-twice.pcap'), B);
  assert.equal(r.summary.pairs, FACTS.connections.length);
  for (const c of FACTS.connections) {
    const p = pairOf(c, r);
    const once = pairOf(c);
    assert.equal(p.verdict, c.verdict, c.name);
    assert.deepEqual([p.packets.syn.lost, p.packets.synAck.lost, p.packets.ack.lost], [once.packets.syn.lost, once.packets.synAck.lost, once.packets.ack.lost], c.name);
  }
});

test('B\'s clock behind A\'s by 1.5 h: found within the uncertainty, the same verdicts', () => {
  const r = correlate(A, join(DIR, 'b-behind.pcap'));
  const want = FACTS.variants['b-behind.pcap'].clockOffsetSeconds;
  assert.ok(r.clock.offset !== null && r.clock.uncertainty !== null);
  assert.ok(Math.abs(r.clock.offset - want) <= r.clock.uncertainty, `${r.clock.offset} ± ${r.clock.uncertainty} vs ${want}`);
  for (const c of FACTS.connections) assert.equal(pairOf(c, r).verdict, c.verdict, c.name);
});

test('unrelated captures: nothing matched, no pair invented', () => {
  const r = correlate(A, join(ROOT, 'test', 'fixtures', 'kernel', 'healthy.pcap'));
  assert.equal(r.summary.matched, 0);
  assert.match(r.summary.message, /^nothing matched/);
  assert.ok(r.pairs.every((p) => p.a === null || p.b === null));
  assert.ok(r.pairs.every((p) => p.verdict === 'only-a' || p.verdict === 'only-b'));
  assert.equal(r.clock.method, 'none');
});

test('table and SARIF say the same', () => {
  const t = runCli(['correlate', A, B]);
  assert.equal(t.code, 0);
  assert.match(t.out, /syn-lost-between +2 /);
  const s = runCli(['correlate', A, B, '--format', 'sarif']);
  const sarif = JSON.parse(s.out) as { runs: { results: { ruleId: string }[] }[] };
  const ids = sarif.runs[0].results.map((x) => x.ruleId);
  assert.equal(ids.filter((x) => x === 'syn-lost-between').length, 2);
  assert.ok(ids.includes('syn-proxy'));
});

test('usage errors exit 2 with one line', () => {
  const r = runCli(['correlate', A]);
  assert.equal(r.code, 2);
  assert.match(r.err, /give two captures/);
  assert.equal(runCli(['correlate', A, join(DIR, 'missing.pcap')]).code, 2);
});
