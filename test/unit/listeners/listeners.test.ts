// Listener health (analyze --servers) on the generator's listener fixtures
// (test/fixtures/listeners, facts.json): counts per listener against what each script sent,
// handshake-time quantiles against the scripted packet times, the injected slowdown's change
// point against its known start, the backlog sign on the fixture that drops SYNs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import type { ServersReport } from '../../../src/core/listeners/types';
import { FIXTURE_MIX, listenerMix, LISTENER_FIXTURES } from '../../../src/gen/index';

const ROOT = join(__dirname, '..', '..', '..', '..');
const DIR = join(ROOT, 'test', 'fixtures', 'listeners');
interface Facts {
  baseSec: number;
  fixtures: { file: string; seed: number; listeners: Record<string, { connections: number; syns: number; retriedSyns: number }> }[];
}
const FACTS = JSON.parse(readFileSync(join(DIR, 'facts.json'), 'utf8')) as Facts;

async function servers(file: string): Promise<ServersReport> {
  const { result } = await analyzeFile(join(DIR, file), { maxFlows: 0 }, { listeners: true });
  assert.ok(result.servers);
  return result.servers;
}

const name = (l: { server: { ip: string; port: number } }): string => `${l.server.ip}:${l.server.port}`;

test('every fixture: one row per scripted listener, attempts and SYN retransmissions as the script sent them', async () => {
  for (const f of FACTS.fixtures) {
    const s = await servers(f.file);
    assert.deepEqual(s.listeners.map(name).sort(), Object.keys(f.listeners).sort(), f.file);
    for (const l of s.listeners) {
      const want = f.listeners[name(l)];
      assert.equal(l.attempts, want.connections, `${f.file} ${name(l)} attempts`);
      assert.equal(l.synRetransmissions, want.retriedSyns, `${f.file} ${name(l)} SYN retransmissions`);
    }
  }
});

test('closed port: every attempt refused, accept rate 0; the other listeners accept all', async () => {
  const s = await servers('closed.pcap.gz');
  for (const l of s.listeners) {
    if (name(l) === '198.51.100.10:80') {
      assert.equal(l.refused, l.attempts);
      assert.equal(l.acceptRate, 0);
    } else assert.equal(l.acceptRate, 1, name(l));
  }
});

test('server and client time quantiles match the scripted packet times within 1 % (nearest rank)', async () => {
  const spec = LISTENER_FIXTURES.find((f) => f.file === 'baseline.pcap.gz')!;
  const sc = listenerMix(spec.seed, { ...FIXTURE_MIX, inject: spec.inject });
  // Per connection (client port): SYN, SYN-ACK and ACK times as scripted, truncated to the
  // file's microseconds as the pcap writer stores them.
  const us = (t: number): number => Math.floor(Math.round(t) / 1000) * 1000;
  const times = new Map<string, { syn?: number; synAck?: number; ack?: number }>();
  for (const p of [...sc.packets].sort((a, b) => a.t - b.t)) {
    if (p.kind !== 'tcp') continue;
    const toServer = FIXTURE_MIX.services.some((v) => v.port === p.dstPort && v.ip === [...p.path.dst.ip].join('.'));
    const k = toServer ? `${[...p.path.dst.ip].join('.')}:${p.dstPort}|${p.srcPort}` : `${[...p.path.src.ip].join('.')}:${p.srcPort}|${p.dstPort}`;
    const e = times.get(k) ?? {};
    times.set(k, e);
    if ((p.flags & 0x12) === 0x02) e.syn = us(p.t);
    else if ((p.flags & 0x12) === 0x12) e.synAck = us(p.t);
    else if (e.synAck !== undefined && e.ack === undefined && toServer) e.ack = us(p.t);
  }
  const s = await servers('baseline.pcap.gz');
  for (const l of s.listeners) {
    const server: number[] = [];
    const client: number[] = [];
    for (const [k, e] of times) {
      if (!k.startsWith(`${name(l)}|`)) continue;
      server.push((e.synAck! - e.syn!) / 1e9);
      client.push((e.ack! - e.synAck!) / 1e9);
    }
    for (const [got, want] of [[l.serverTime, server], [l.clientTime, client]] as const) {
      want.sort((a, b) => a - b);
      assert.equal(got.samples, want.length);
      for (const q of [0.5, 0.9, 0.99] as const) {
        const exact = want[Math.ceil(q * want.length) - 1];
        const v = got[q === 0.5 ? 'p50' : q === 0.9 ? 'p90' : 'p99']!;
        assert.ok(Math.abs(v / exact - 1) < 0.01, `${name(l)} q${q}: ${v} vs ${exact}`);
      }
    }
  }
});

test('the slowdown injected at 15.5 s: a server-time change point within 1 s of it, on that listener only, listed first', async () => {
  const s = await servers('delay-at-15.5s.pcap.gz');
  const [top, ...rest] = s.listeners;
  assert.equal(name(top), '198.51.100.11:443');
  const cps = top.changePoints.filter((c) => c.metric === 'serverTime');
  assert.equal(cps.length, 1, JSON.stringify(top.changePoints));
  const at = Number(cps[0].time) - FACTS.baseSec;
  assert.ok(Math.abs(at - 15.5) <= 1, `change at ${at} s`);
  assert.ok(Math.abs((cps[0].after - cps[0].before) / 0.03 - 1) < 0.1, `30 ms slower within 10 %: ${cps[0].before} → ${cps[0].after}`);
  for (const l of rest) assert.deepEqual(l.changePoints, [], name(l));
});

test('no change, no change points: baseline and its seed twin', async () => {
  for (const file of ['baseline.pcap.gz', 'no-change.pcap.gz']) {
    const s = await servers(file);
    for (const l of s.listeners) assert.deepEqual(l.changePoints, [], `${file} ${name(l)}`);
    for (const l of s.listeners) assert.equal(l.backlog.likely, false, `${file} ${name(l)}`);
  }
});

test('dropped SYNs while others are answered in the same second: backlog sign on that listener only', async () => {
  const s = await servers('backlog.pcap.gz');
  for (const l of s.listeners) assert.equal(l.backlog.likely, name(l) === '198.51.100.12:5432', name(l));
  const db = s.listeners.find((l) => name(l) === '198.51.100.12:5432')!;
  assert.equal(db.synDropped, FACTS.fixtures.find((f) => f.file === 'backlog.pcap.gz')!.listeners['198.51.100.12:5432'].retriedSyns);
});

test('per-port rows add the listeners of a port: *:443 = both 443 listeners', async () => {
  const s = await servers('baseline.pcap.gz');
  const p443 = s.ports.find((p) => p.port === 443)!;
  const both = s.listeners.filter((l) => l.server.port === 443);
  assert.equal(p443.servers, 2);
  assert.equal(p443.attempts, both[0].attempts + both[1].attempts);
  assert.equal(p443.serverTime.samples, both[0].serverTime.samples + both[1].serverTime.samples);
});
