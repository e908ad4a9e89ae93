// Which flow-table rows are drawn for a scroll position (the table's virtualization).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scrollTopToReveal, visibleWindow, type ScrollGeometry } from '../../../webview/virtualScroll';

const g = (total: number, maxPx = 8_000_000): ScrollGeometry => ({ total, rowHeight: 20, viewportHeight: 200, maxPx });

test('small lists scroll 1:1: row = scrollTop / rowHeight', () => {
  const w = visibleWindow(410, g(1000));
  assert.equal(w.first, 20);
  assert.equal(w.count, 11, '10 rows fit, plus one partly visible');
  assert.equal(w.spacerHeight, 20_000);
  assert.equal(w.firstTop, 400, 'row 20 sits at 400 px');
});

test('only a screenful of rows is drawn, even for a million', () => {
  const w = visibleWindow(123_456, g(1_000_000));
  assert.ok(w.count <= 11);
});

test('beyond the browser height cap, the scrollbar maps proportionally onto all rows', () => {
  const geo = g(2_000_000, 1_000_000); // 40 M px of rows in a 1 M px spacer
  assert.equal(visibleWindow(0, geo).first, 0);
  const end = visibleWindow(1_000_000 - 200, geo);
  assert.equal(end.first + end.count, 2_000_000, 'the bottom shows the last row');
  const mid = visibleWindow((1_000_000 - 200) / 2, geo);
  assert.equal(mid.first, Math.floor((2_000_000 - 10) / 2));
  assert.equal(end.spacerHeight, 1_000_000);
});

test('revealing a row scrolls the least: not at all when visible', () => {
  const geo = g(1000);
  assert.equal(scrollTopToReveal(5, 0, geo), 0);
  assert.equal(scrollTopToReveal(10, 0, geo), 20, 'one row down to show row 10 at the bottom');
  assert.equal(scrollTopToReveal(3, 400, geo), 60, 'row 3 at the top');
  const big = g(2_000_000, 1_000_000);
  const top = scrollTopToReveal(1_999_999, 0, big);
  const w = visibleWindow(top, big);
  assert.ok(w.first <= 1_999_999 && 1_999_999 < w.first + w.count);
});

test('an empty list draws nothing', () => {
  assert.deepEqual(visibleWindow(0, g(0)), { first: 0, count: 0, spacerHeight: 0, firstTop: 0 });
});
