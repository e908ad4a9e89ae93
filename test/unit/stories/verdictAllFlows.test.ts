// The editor lists only synscope.maxFlows flows, but its verdict line must count every flow,
// as the summary, findings and stories do: a capture read with maxFlows 10 gets the verdict it
// gets with every flow listed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { formatDuration } from '../../../src/render/format';
import { verdict } from '../../../src/core/stories/verdict';
import { buildOverview } from '../../../src/worker/overview';
import { ROOT } from '../gen/tsharkFields';

const DIR = join(ROOT, 'samples');
const SAMPLES = readdirSync(DIR).filter((f) => /\.pcap(ng)?(\.gz)?$/.test(f)).sort();
const charts = { barChart: () => '', histogram: () => '' };

test('the verdict counts every flow, not only the listed ones (maxFlows 10 = every flow listed)', async () => {
  let differsFromListing = 0;
  for (const file of SAMPLES) {
    const path = join(DIR, file);
    const full = (await analyzeFile(path, { maxFlows: 1_000_000 })).result;
    const want = verdict(full, formatDuration);
    // The worker's way: a result carrying no Flow objects, and the store's every flow beside it.
    const { result, analyzer } = await analyzeFile(path, { maxFlows: 10 });
    const got = buildOverview({ ...result, flows: [] }, charts, 0, analyzer.flowList()).verdict;
    assert.deepEqual(got, want, file);
    // Reading only the 10 listed flows said something else here: this sample tests the point.
    if (verdict(result, formatDuration).text !== want.text) differsFromListing++;
  }
  assert.ok(differsFromListing > 0, 'some sample must read differently from its first 10 flows');
});
