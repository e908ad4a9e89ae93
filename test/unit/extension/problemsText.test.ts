// The Problems panel tells each finding in the engine's words: the text of its entry (or of its
// related entry under a group) is the very message the CLI's JSON gives, on every sample.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisResult } from '../../../src/core/engine/result';
import { buildFindingsReport } from '../../../src/extension/findingsReport';
import { ROOT, runCli } from '../cli/runCli';

const samples = readdirSync(join(ROOT, 'samples')).filter((f) => /\.pcap(ng)?(\.gz)?$/.test(f)).sort();

test('the samples are there to compare', () => {
  assert.ok(samples.length >= 15, `only ${samples.length} samples`);
});

for (const name of samples) {
  test(`${name}: each finding's Problems text is its JSON message`, () => {
    const run = runCli(['analyze', join(ROOT, 'samples', name), '--format', 'json', '--max-flows', '100000000']);
    assert.ok(run.out.length > 0, run.err);
    const r = JSON.parse(run.out) as AnalysisResult;
    const endpoints: Record<number, string> = {};
    for (const f of r.flows) endpoints[f.id] = `${f.client.ip}:${f.client.port} → ${f.server.ip}:${f.server.port}`;
    const report = buildFindingsReport(name, r.findings, endpoints, { maxDiagnostics: 1e9 });
    const problemsText = new Map<number, string>();
    for (const d of report.diagnostics) {
      if (d.related && d.related.length > 0) {
        for (const rel of d.related) problemsText.set(report.findingAtLine.get(rel.line)!, rel.message);
      } else if (d.findingId !== null) problemsText.set(d.findingId, d.message);
    }
    for (const f of r.findings) {
      // A group lists at most MAX_RELATED members as related entries; none of the samples has more.
      assert.equal(problemsText.get(f.id), f.message, `finding #${f.id} (${f.code})`);
    }
  });
}
