import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logBuckets, renderBarChart, renderHistogram } from '../../../src/render';
import { byTestId, parseXml, tooltip, visibleText } from './miniXml';

test('bar chart: one bar per value, max label, bar heights proportional', () => {
  const svg = parseXml(renderBarChart({ label: 'SYN/s', values: [0, 5, 10, 2], start: '1700000000.000000', binSeconds: 1 }));
  assert.equal(svg.attrs['data-testid'], 'bar-chart');
  const bars = byTestId(svg, 'bar');
  assert.equal(bars.length, 4);
  assert.equal(visibleText(byTestId(svg, 'max-label')[0]).trim(), 'max 10');
  const h = bars.map((b) => Number(b.attrs.height));
  assert.equal(h[0], 0);
  assert.ok(Math.abs(h[1] * 2 - h[2]) < 0.02, `5 is half of 10: ${h}`);
  assert.match(tooltip(bars[2]), /^2 s–3 s: 10/);
  assert.match(tooltip(svg), /SYN\/s/);
  assert.match(tooltip(svg), /2023-11-14 22:13:20/); // 1700000000 s after the epoch, UTC
  const labels = visibleText(svg);
  assert.ok(labels.includes('0 s') && labels.includes('4 s'), labels);
});

test('bar chart: a single count is still visible among large ones', () => {
  const bars = byTestId(parseXml(renderBarChart({ label: 'x', values: [1, 10000] })), 'bar');
  assert.ok(Number(bars[0].attrs.height) >= 1);
});

test('bar chart: empty and non-finite input render a valid "no data" chart', () => {
  const empty = parseXml(renderBarChart({ label: 'SYN/s', values: [] }));
  assert.equal(byTestId(empty, 'bar').length, 0);
  assert.equal(byTestId(empty, 'no-data').length, 1);
  assert.equal(visibleText(byTestId(empty, 'max-label')[0]).trim(), 'max 0');
  const odd = parseXml(renderBarChart({ label: 'x', values: [NaN, Infinity, 3] }));
  assert.equal(byTestId(odd, 'bar').length, 3);
  assert.equal(visibleText(byTestId(odd, 'max-label')[0]).trim(), 'max 3');
});

test('bar chart: size options are honoured', () => {
  const svg = parseXml(renderBarChart({ label: 'x', values: [1] }, { width: 500, height: 120 }));
  assert.equal(svg.attrs.width, '500');
  assert.equal(svg.attrs.height, '120');
});

test('histogram buckets are 1-2-5 log-spaced and count every value once', () => {
  // 50 µs, 60 µs, 150 µs, 3 ms, 1.2 s → decades 1e-5 .. 1e1
  const b = logBuckets([50e-6, 60e-6, 150e-6, 3e-3, 1.2]);
  assert.equal(b[0].lo, 1e-5);
  assert.equal(b[b.length - 1].hi, 10);
  assert.deepEqual(b.slice(0, 3).map((k) => k.hi), [2e-5, 5e-5, 1e-4]);
  assert.equal(b.reduce((a, k) => a + k.count, 0), 5);
  const at = (v: number) => b.find((k) => v >= k.lo && v < k.hi)!.count;
  assert.equal(at(55e-6), 2); // 50 and 60 µs share [50 µs, 100 µs)
  assert.equal(at(150e-6), 1);
  assert.equal(at(3e-3), 1);
  assert.equal(at(1.2), 1);
});

test('histogram: at least three decades even for one value', () => {
  const b = logBuckets([0.0005]);
  assert.equal(b.length, 9);
  assert.equal(b.reduce((a, k) => a + k.count, 0), 1);
});

test('histogram renders bars with counts, max label and median', () => {
  const svg = parseXml(renderHistogram([50e-6, 60e-6, 150e-6, 3e-3, 1.2]));
  assert.equal(svg.attrs['data-testid'], 'histogram');
  const bars = byTestId(svg, 'bar');
  assert.equal(bars.length, logBuckets([50e-6, 60e-6, 150e-6, 3e-3, 1.2]).length);
  assert.equal(visibleText(byTestId(svg, 'max-label')[0]).trim(), 'max 2');
  assert.match(visibleText(svg), /median 150 µs/);
  assert.ok(visibleText(svg).includes('1 ms'));
});

test('histogram accepts milliseconds when told', () => {
  const svg = parseXml(renderHistogram([1, 3], { unit: 'ms' }));
  assert.match(visibleText(svg), /median 2 ms/); // (1 + 3) / 2 ms
});

test('histogram: empty input is a valid "no data" chart', () => {
  const svg = parseXml(renderHistogram([]));
  assert.equal(byTestId(svg, 'bar').length, 0);
  assert.equal(byTestId(svg, 'no-data').length, 1);
  const neg = parseXml(renderHistogram([-1, NaN]));
  assert.equal(byTestId(neg, 'no-data').length, 1);
});
