// synscope diff on the generator's listener fixtures (test/fixtures/listeners, facts.json):
// each injected change is named on exactly its listener, in the right direction and within
// 10 % of the injected size; 20 seeded no-change pairs report nothing; the JSON validates
// against docs/synscope-diff.schema.json; --fail-on regression sets the exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { diffCaptures, type DiffSide } from '../../../src/core/diff/compare';
import { DEFAULT_THRESHOLDS, type DiffReport, type LatencyChange, type RateChange } from '../../../src/core/diff/types';
import { mannWhitney, twoProportions } from '../../../src/core/diff/tests';
import { LogHistogram } from '../../../src/core/listeners/logHistogram';
import { normalQuantileUpper } from '../../../src/core/listeners/stats';
import { FIXTURE_MIX, listenerMix } from '../../../src/gen/index';
import { validate } from '../cli/jsonSchema';

const ROOT = join(__dirname, '..', '..', '..', '..');
const DIR = join(ROOT, 'test', 'fixtures', 'listeners');
const CLI = join(ROOT, 'dist', 'cli.js');
const TMP = mkdtempSync(join(tmpdir(), 'synscope-diff-'));
const FACTS = JSON.parse(readFileSync(join(DIR, 'facts.json'), 'utf8')) as { fixtures: { file: string; listeners: Record<string, { connections: number; retriedSyns: number }> }[] };
const SCHEMA = JSON.parse(readFileSync(join(ROOT, 'docs', 'synscope-diff.schema.json'), 'utf8')) as Record<string, unknown>;
if (!existsSync(CLI)) spawnSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'inherit' });

async function side(path: string): Promise<DiffSide> {
  const { result, analyzer } = await analyzeFile(path, { maxFlows: 0 }, { listeners: true });
  return { result, listeners: analyzer.listeners! };
}

async function diff(incident: string): Promise<DiffReport> {
  return diffCaptures(await side(join(DIR, 'baseline.pcap.gz')), await side(join(DIR, incident)), DEFAULT_THRESHOLDS);
}

const names = (d: DiffReport): string[] => d.listeners.map((l) => `${l.server.ip}:${l.server.port}`);

test('statistics against textbook values: z(0.025) = 1.960, Mann-Whitney and two-proportion examples', () => {
  assert.equal(normalQuantileUpper(0.025).toFixed(3), '1.960');
  // Two samples without ties, every incident value above every baseline value: U = n1·n2.
  const a = new LogHistogram();
  const b = new LogHistogram();
  for (const x of [0.001, 0.002, 0.003, 0.004, 0.005]) a.add(x);
  for (const x of [0.01, 0.02, 0.03, 0.04, 0.05]) b.add(x);
  const mw = mannWhitney(a, b)!;
  assert.equal(mw.u, 25);
  // Exact two-sided p for U = 25, n1 = n2 = 5 is 2/252 = 0.0079; the normal approximation gives 0.0090.
  assert.ok(Math.abs(mw.p - 0.009) < 0.0005, String(mw.p));
  // 45/100 vs 60/100: pooled z = −2.1249 (p = 0.0336), Wald 95 % CI of the difference 0.0129…0.2871.
  const r = twoProportions(45, 100, 60, 100, 0.95);
  assert.ok(Math.abs(r.z - 2.1249) < 1e-3 && Math.abs(r.p - 0.0336) < 1e-3, JSON.stringify(r));
  assert.ok(Math.abs(r.ci[0] - 0.0129) < 1e-3 && Math.abs(r.ci[1] - 0.2871) < 1e-3);
});

test('30 ms slower SYN-ACKs on one listener: only it, slower, p50 shift within 10 % of 30 ms', async () => {
  const d = await diff('delay.pcap.gz');
  assert.deepEqual(names(d), ['198.51.100.11:443']);
  const c = d.listeners[0].changes.filter((x): x is LatencyChange => x.kind === 'latency' && x.metric === 'serverTime' && x.quantile === 'p50');
  assert.equal(c.length, 1);
  assert.equal(c[0].direction, 'slower');
  assert.ok(Math.abs(c[0].shift / 0.03 - 1) < 0.1, String(c[0].shift));
  assert.ok(c[0].shiftCi[0] <= c[0].shift && c[0].shift <= c[0].shiftCi[1]);
  assert.deepEqual(d.listeners[0].changes.filter((x) => x.kind !== 'latency' || x.metric !== 'serverTime'), []);
  assert.deepEqual([d.newListeners, d.vanishedListeners], [[], []]);
});

test('a closed port: only it, accept rate down by 100 points, refused up by 100', async () => {
  const d = await diff('closed.pcap.gz');
  assert.deepEqual(names(d), ['198.51.100.10:80']);
  const rates = d.listeners[0].changes.filter((x): x is RateChange => x.kind === 'rate');
  const by = Object.fromEntries(rates.map((r) => [r.metric, r]));
  assert.ok(Math.abs(by.acceptRate.delta + 1) < 0.1 && by.acceptRate.regression);
  assert.ok(Math.abs(by.refusedRate.delta - 1) < 0.1 && by.refusedRate.direction === 'up');
});

test('MSS 1460 → 1360 on one listener: only it, the server options change names mss alone', async () => {
  const d = await diff('mss.pcap.gz');
  assert.deepEqual(names(d), ['198.51.100.10:443']);
  assert.deepEqual(d.listeners[0].changes.map((c) => (c.kind === 'options' ? [c.side, c.fields, c.baseline.mss, c.incident.mss] : c.kind)), [['server', ['mss'], 1460, 1360]]);
});

test('30 % of SYNs dropped on one listener: only it, SYN-drop rate up by the scripted share within 10 %', async () => {
  const d = await diff('backlog.pcap.gz');
  assert.deepEqual(names(d), ['198.51.100.12:5432']);
  const facts = FACTS.fixtures.find((f) => f.file === 'backlog.pcap.gz')!.listeners['198.51.100.12:5432'];
  const c = d.listeners[0].changes.find((x): x is RateChange => x.kind === 'rate' && x.metric === 'synDroppedRate')!;
  const scripted = facts.retriedSyns / facts.connections;
  assert.ok(Math.abs(c.delta / scripted - 1) < 0.1, `${c.delta} vs ${scripted}`);
});

test('20 seeded no-change pairs: no listener, port, presence or story reported (false alarms: 0 of 20)', async () => {
  let alarms = 0;
  for (let i = 0; i < 20; i++) {
    const paths = [0, 1].map((k) => {
      const p = join(TMP, `pair-${i}-${k}.pcap`);
      writeFileSync(p, listenerMix(9000 + 2 * i + k, FIXTURE_MIX).toBuffer({ container: 'pcap', resolution: 'us' }));
      return p;
    });
    const d = diffCaptures(await side(paths[0]), await side(paths[1]), DEFAULT_THRESHOLDS);
    if (d.listeners.length + d.ports.length + d.newListeners.length + d.vanishedListeners.length + d.newStories.length > 0) alarms++;
  }
  assert.equal(alarms, 0);
});

test('CLI: JSON validates against the schema; --fail-on regression exits 1 on a regression, 0 on none; SARIF names the listener', () => {
  const run = (...args: string[]): { code: number; out: string; err: string } => {
    const r = spawnSync(process.execPath, [CLI, 'diff', ...args], { encoding: 'utf8', cwd: TMP });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  };
  const base = join(DIR, 'baseline.pcap.gz');
  const j = run(base, join(DIR, 'delay.pcap.gz'), '--format', 'json', '--fail-on', 'regression');
  assert.equal(j.code, 1, j.err);
  const doc = JSON.parse(j.out) as DiffReport;
  assert.deepEqual(validate(SCHEMA, doc), []);
  assert.equal(doc.schema, 'synscope-diff/1');
  const same = run(base, join(DIR, 'no-change.pcap.gz'), '--fail-on', 'regression');
  assert.equal(same.code, 0, same.err);
  assert.match(same.out, /Changed listeners \(0\)/);
  const sarif = JSON.parse(run(base, join(DIR, 'closed.pcap.gz'), '--format', 'sarif').out) as { runs: { results: { ruleId: string; message: { text: string } }[] }[] };
  assert.ok(sarif.runs[0].results.some((r) => r.ruleId === 'listener-regression' && r.message.text.startsWith('198.51.100.10:80')));
  const bad = run(base, '--latency-ratio', '0.5');
  assert.equal(bad.code, 2);
});
