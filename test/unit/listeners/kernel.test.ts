// Listener health and diff on real Linux TCP (test/fixtures/listeners/kernel, made by
// scripts/kernel-captures/listeners.sh): 10.99.1.2:8080 never changes, :8081 is changed per
// capture. Expected values come from the scenario's set-up and what the client saw through the
// socket API (NAME.facts.json), never from synscope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { diffCaptures, type DiffSide } from '../../../src/core/diff/compare';
import { DEFAULT_THRESHOLDS, type DiffReport, type LatencyChange, type RateChange } from '../../../src/core/diff/types';

const DIR = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'listeners', 'kernel');

interface Facts {
  setup: string;
  client: { port: number; connects: number; results: Record<string, number>; retriedConnects: number }[];
  bridge?: { delayFromEpoch: number; delayMs: number };
}
const facts = (name: string): Facts => JSON.parse(readFileSync(join(DIR, `${name}.facts.json`), 'utf8')) as Facts;

async function side(name: string): Promise<DiffSide> {
  const { result, analyzer } = await analyzeFile(join(DIR, `${name}.pcap.gz`), { maxFlows: 0 }, { listeners: true });
  return { result, listeners: analyzer.listeners! };
}

async function diff(name: string): Promise<DiffReport> {
  return diffCaptures(await side('baseline'), await side(name), DEFAULT_THRESHOLDS);
}

const names = (d: DiffReport): string[] => d.listeners.map((l) => `${l.server.ip}:${l.server.port}`);

test('kernel: a second healthy run reports nothing', async () => {
  const d = await diff('no-change');
  assert.deepEqual([d.listeners, d.ports, d.newListeners, d.vanishedListeners, d.newStories], [[], [], [], [], []]);
});

test('kernel: SYN-ACKs held back 30 ms by the bridge: only :8081, slower by the delay within 10 %', async () => {
  const d = await diff('delay');
  assert.deepEqual(names(d), ['10.99.1.2:8081']);
  const p50 = d.listeners[0].changes.find((c): c is LatencyChange => c.kind === 'latency' && c.metric === 'serverTime' && c.quantile === 'p50')!;
  const injected = facts('delay').bridge!.delayMs / 1000;
  assert.equal(p50.direction, 'slower');
  assert.ok(Math.abs(p50.shift / injected - 1) < 0.1, `${p50.shift} vs ${injected}`);
});

test('kernel: :8081 closed: only it, accept rate down to what the client saw (every connect refused)', async () => {
  const d = await diff('closed');
  assert.deepEqual(names(d), ['10.99.1.2:8081']);
  const c = facts('closed').client.find((x) => x.port === 8081)!;
  const accept = d.listeners[0].changes.find((x): x is RateChange => x.kind === 'rate' && x.metric === 'acceptRate')!;
  assert.equal(accept.incident, (c.results.connected ?? 0) / c.connects);
  assert.equal(c.results.ECONNREFUSED, c.connects);
});

test('kernel: TCP_MAXSEG on the :8081 listener: only it, server MSS 1460 → the set value', async () => {
  const d = await diff('mss');
  assert.deepEqual(names(d), ['10.99.1.2:8081']);
  const mss = Number(/TCP_MAXSEG (\d+)/.exec(facts('mss').setup)![1]);
  assert.deepEqual(d.listeners[0].changes.map((c) => (c.kind === 'options' ? [c.side, c.fields, c.baseline.mss, c.incident.mss] : c.kind)), [['server', ['mss'], 1460, mss]]);
});

test('kernel: listen(…, 1) accepting 10/s under 15/s: only :8081, SYN drops as the client waited for retries; backlog sign', async () => {
  const d = await diff('backlog');
  assert.deepEqual(names(d), ['10.99.1.2:8081']);
  const c = facts('backlog').client.find((x) => x.port === 8081)!;
  // A connect that waited ≥ 0.9 s or never connected had its SYN dropped at least once.
  const waited = (c.retriedConnects + c.connects - (c.results.connected ?? 0)) / c.connects;
  const drop = d.listeners[0].changes.find((x): x is RateChange => x.kind === 'rate' && x.metric === 'synDroppedRate')!;
  assert.ok(Math.abs(drop.delta / waited - 1) < 0.1, `${drop.delta} vs ${waited}`);
  const { result } = await analyzeFile(join(DIR, 'backlog.pcap.gz'), { maxFlows: 0 }, { listeners: true });
  for (const l of result.servers!.listeners) assert.equal(l.backlog.likely, l.server.port === 8081, String(l.server.port));
});

test('kernel: the delay switched on mid-capture is a server-time change point within 1 s of the switch, the only one', async () => {
  const { result } = await analyzeFile(join(DIR, 'delay-at.pcap.gz'), { maxFlows: 0 }, { listeners: true });
  const all = result.servers!.listeners.flatMap((l) => l.changePoints.map((c) => ({ port: l.server.port, ...c })));
  assert.equal(all.length, 1, JSON.stringify(all));
  assert.equal(all[0].port, 8081);
  assert.equal(all[0].metric, 'serverTime');
  const at = facts('delay-at').bridge!.delayFromEpoch;
  assert.ok(Math.abs(Number(all[0].time) - at) <= 1, `${all[0].time} vs ${at}`);
  assert.equal(result.servers!.listeners[0].server.port, 8081, 'listed first');
  const injected = facts('delay-at').bridge!.delayMs / 1000;
  assert.ok(Math.abs((all[0].after - all[0].before) / injected - 1) < 0.1, `${all[0].before} → ${all[0].after} vs +${injected}`);
});
