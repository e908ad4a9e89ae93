// The comparison's report document and its Problems entries (src/extension/correlateReport.ts)
// on the two-vantage fixtures: one entry per pair the fixture script broke between the points,
// on a line that leads back to that pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CorrelateResult } from '../../../src/core/correlate/types';
import { buildCorrelateReport } from '../../../src/extension/correlateReport';
import { ROOT, runCli } from '../cli/runCli';

const DIR = join(ROOT, 'test', 'fixtures', 'two-vantage');
const FACTS = JSON.parse(readFileSync(join(DIR, 'facts.json'), 'utf8')) as { connections: { name: string; verdict: string; client: { port: number }; changes: string[] }[] };
const RESULT = JSON.parse(runCli(['correlate', join(DIR, 'a.pcap'), join(DIR, 'b.pcap'), '--format', 'json']).out) as CorrelateResult;

test('one Problems entry per connection lost or reset between the points, leading back to its pair', () => {
  const report = buildCorrelateReport(RESULT);
  const lines = report.text.split('\n');
  for (const c of FACTS.connections.filter((x) => /between|server-silent/.test(x.verdict))) {
    const pair = RESULT.pairs.find((p) => p.client.endsWith(`:${c.client.port}`))!;
    const d = report.diagnostics.filter((x) => x.code === c.verdict && x.message.includes(`:${c.client.port} →`));
    assert.equal(d.length, 1, c.name);
    assert.equal(d[0].severity, 'error');
    assert.equal(report.pairs.get(d[0].line), pair.id, `${c.name}: its line leads to pair ${pair.id}`);
    assert.equal(d[0].length, lines[d[0].line].length);
  }
  assert.equal(report.diagnostics.filter((x) => x.code === 'complete').length, 0, 'complete pairs are no problem');
});

test('one entry per middlebox change the router made, none for the hops', () => {
  const report = buildCorrelateReport(RESULT);
  const made = new Set(FACTS.connections.flatMap((c) => c.changes));
  const entries = new Set(report.diagnostics.map((d) => d.code).filter((c) => !RESULT.pairs.some((p) => p.verdict === c)));
  assert.deepEqual([...entries].sort(), [...made].sort());
});
