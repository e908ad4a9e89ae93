// The follower's bounded flow list: with a window smaller than the capture, the counts and the
// per-flow findings are those of analyze (decided as flows finish), while only the most recent
// flows stay listed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';

const ROOT = join(__dirname, '..', '..', '..', '..');

test('a window of 40 flows on a capture of hundreds: same summary and per-flow findings, only recent flows listed', async () => {
  const path = join(ROOT, 'samples', 'syn-flood-legit-clients.pcap');
  const all = (await analyzeFile(path)).result;
  const { result, analyzer } = await analyzeFile(path, { storeWindowFlows: 40 });
  assert.ok(all.summary.flows > 400);
  assert.deepEqual(result.summary.flows, all.summary.flows);
  assert.deepEqual({ ...result.summary, findings: undefined }, { ...all.summary, findings: undefined });
  // The flood finding is decided from per-target aggregates, which every flow fed.
  assert.deepEqual(result.findings.filter((f) => f.code === 'syn-flood'), all.findings.filter((f) => f.code === 'syn-flood'));
  const listed = analyzer.flowList();
  let kept = 0;
  for (let i = 0; i < listed.length; i++) if (listed.at(i)) kept++;
  assert.ok(kept >= 20 && kept <= 40, `kept ${kept}`);
  // The ones kept are the last to finish: the flow with the highest id among them is the last flow.
  assert.ok(listed.at(listed.length - 1));
});
