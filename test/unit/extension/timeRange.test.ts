// Dragging across a chart lists the flows that started in that stretch of time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { buildOverview } from '../../../src/worker/overview';
import { FlowIndex } from '../../../src/worker/flowIndex';
import { binAt, offsetText } from '../../../webview/chartBins';
import { ROOT } from '../gen/tsharkFields';

test('a pointer position maps to the bar under it (plot from x = 4 to width - 4 of the viewBox)', () => {
  // A 320-unit chart drawn 640 px wide at left 100: 10 bins of 31.2 units (62.4 px) each.
  const box = { left: 100, width: 640 };
  assert.equal(binAt(100 + 8 + 1, box, 320, 10), 0);
  assert.equal(binAt(100 + 8 + 62.4 + 1, box, 320, 10), 1);
  assert.equal(binAt(100 + 639, box, 320, 10), 9);
  assert.equal(binAt(0, box, 320, 10), 0, 'clamped left');
  assert.equal(binAt(5000, box, 320, 10), 9, 'clamped right');
  assert.equal(offsetText(0.128), '128 ms');
  assert.equal(offsetText(2.56), '2.56 s');
});

test('the flood sample: the bins dragged over hold exactly the flows tshark says started then', async () => {
  const file = join(ROOT, 'samples', 'syn-flood-legit-clients.pcap');
  const { result } = await analyzeFile(file);
  const o = buildOverview(result, { barChart: () => '<svg/>', histogram: () => '<svg/>' }, 1);
  const bins = o.synRateBins!;
  assert.ok(bins && bins.count > 10);
  // Bins 20..35 (the flood is about 3-4 s in).
  const from = Number(bins.start) + 20 * bins.binSeconds;
  const to = Number(bins.start) + 36 * bins.binSeconds;
  const ix = new FlowIndex(result.flows, result.findings);
  const shown = ix.page({ sort: { key: 'id', dir: 'asc' }, filter: { startFrom: from, startTo: to } }, 0, 10_000);
  const { readFileSync } = await import('node:fs');
  const truth = JSON.parse(readFileSync(join(ROOT, 'samples', 'expected', 'syn-flood-legit-clients.pcap.tshark.json'), 'utf8')) as { streams: { stream: number; first_epoch: string }[] };
  const expected = truth.streams.filter((s) => Number(s.first_epoch) >= from && Number(s.first_epoch) < to).map((s) => s.stream + 1);
  assert.ok(expected.length > 100, `${expected.length} streams in the range`);
  assert.deepEqual(shown.rows.map((r) => r.id), expected);
});
