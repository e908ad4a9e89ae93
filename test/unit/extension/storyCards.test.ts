// Story cards lead with 3-5 numbers and one chart; the summary's SYN chart has bars a pointer
// can reach. Built from the bundled story samples, as the editor gets them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { buildOverview, type ChartRenderer } from '../../../src/worker/overview';
import { rebin } from '../../../src/worker/rebin';
import { CARD_CHART, keyNumbers } from '../../../webview/storyKeys';
import { ROOT } from '../gen/tsharkFields';

const SAMPLES = join(ROOT, 'samples');

test('each story sample\'s card shows 3-5 of the story\'s own numbers and a chart it has', async () => {
  for (const file of ['connection-storm.pcap', 'hanging-connects.pcap', 'silent-host.pcap', 'syn-flood-cookies.pcap', 'syn-flood-legit-clients.pcap']) {
    const { result } = await analyzeFile(join(SAMPLES, file));
    assert.ok(result.stories.length > 0, file);
    for (const s of result.stories) {
      const key = keyNumbers(s.kind, s.numbers);
      assert.ok(key.length >= 3 && key.length <= 5, `${file}: ${key.length} key numbers`);
      for (const [label, value] of key) assert.equal(s.numbers[label], value, `${file}: ${label}`);
      assert.ok(CARD_CHART[s.kind] < s.series.length, `${file}: the card's chart is one of the story's series`);
    }
  }
});

test('a flood\'s card does not repeat "half-open connections" next to the summary\'s half-open count', async () => {
  // The story counts every flood SYN left unACKed (600); the summary's half-open excludes the
  // 14 the spoofed hosts reset (586). Two different numbers for "half-open" on one screen.
  const { result } = await analyzeFile(join(SAMPLES, 'syn-flood-legit-clients.pcap'));
  const flood = result.stories.find((s) => s.kind === 'syn-flood')!;
  assert.notEqual(flood.numbers['half-open connections'], result.summary.halfOpen);
  assert.ok(!keyNumbers('syn-flood', flood.numbers).some(([label]) => /half-open/.test(label)));
});

test('rebinning sums neighbours: the total stays, the bins get fewer and wider', () => {
  const values = Array.from({ length: 567 }, (_, i) => (i % 7 === 0 ? 20 : i % 3));
  const r = rebin(values, 0.016, 80);
  assert.ok(r.values.length <= 80);
  assert.equal(r.values.reduce((a, b) => a + b, 0), values.reduce((a, b) => a + b, 0));
  assert.equal(r.binSeconds, 0.016 * Math.ceil(567 / 80));
  assert.deepEqual(rebin([1, 2, 3], 1, 80), { values: [1, 2, 3], binSeconds: 1 });
});

test('the summary SYN chart of a flood has at most 80 bars and says its bin width', async () => {
  const { result } = await analyzeFile(join(SAMPLES, 'syn-flood-legit-clients.pcap'));
  let drawn: { label: string; values: number[] } | null = null;
  const charts: ChartRenderer = { barChart: (s) => { if (s.label.startsWith('SYNs per')) drawn = s; return '<svg/>'; }, histogram: () => '<svg/>' };
  buildOverview(result, charts, 1);
  assert.ok(drawn, 'no SYN chart');
  const d = drawn as { label: string; values: number[] };
  assert.ok(d.values.length <= 80 && d.values.length > 10, `${d.values.length} bars`);
  assert.match(d.label, /^SYNs per \d+(\.\d+)? (ms|s) bin$/);
  assert.equal(d.values.reduce((a, b) => a + b, 0), result.timeline.syn.reduce((a, b) => a + b, 0));
});

test('a capture without SYNs draws no empty SYN chart', async () => {
  const { result } = await analyzeFile(join(SAMPLES, 'midstream.pcap'));
  const o = buildOverview(result, { barChart: () => '<svg/>', histogram: () => '<svg/>' }, 1);
  assert.equal(o.charts.synRate, '');
});
