// The editor's first rows while reading: the same rows flowsSnapshot gives, rebuilt only where
// flows changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FirstRows } from '../../../src/core/live/firstRows';
import { Conn, Trace } from '../engine/script';

test('first rows equal flowsSnapshot at every step, and a refresh rebuilds only the flows that changed', () => {
  const t = new Trace();
  const rows = new FirstRows(t.analyzer, 3);
  const a = new Conn(t, '10.0.0.1', 40000, '10.0.0.2', 80);
  const b = new Conn(t, '10.0.0.1', 40001, '10.0.0.2', 80);
  const c = new Conn(t, '10.0.0.1', 40002, '10.0.0.2', 80);
  a.syn(0);
  b.syn(1);
  assert.deepEqual(rows.refresh(), t.analyzer.flowsSnapshot(1, 3));
  assert.equal(rows.rebuilt, 2);
  // Nothing happened: nothing is built.
  rows.refresh();
  assert.equal(rows.rebuilt, 0);
  // One flow got an answer, a third one opened: those two are built.
  a.synAck(2);
  c.syn(3);
  assert.deepEqual(rows.refresh(), t.analyzer.flowsSnapshot(1, 3));
  assert.equal(rows.rebuilt, 2);
  // A fourth flow is past the first rows: it costs nothing.
  new Conn(t, '10.0.0.1', 40003, '10.0.0.2', 80).syn(4);
  rows.refresh();
  assert.equal(rows.rebuilt, 0);
  t.finish();
  // Finished: the stored rows, final.
  assert.deepEqual(rows.refresh().map((f) => [f.id, f.state]), t.analyzer.listedFlows(3).map((f) => [f.id, f.state]));
});
