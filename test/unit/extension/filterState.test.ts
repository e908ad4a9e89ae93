// An empty flow table explains itself: "no flows match" only when a filter is set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFiltered } from '../../../webview/filterState';

test('no filter, or only empty controls, is not filtering', () => {
  assert.equal(isFiltered(undefined), false);
  assert.equal(isFiltered({}), false);
  assert.equal(isFiltered({ text: '   ', state: '', finding: '', rttMinMs: null, rttMaxMs: null, flowIds: [] }), false);
});

test('each control that narrows the table counts, a 0 ms RTT bound included', () => {
  assert.equal(isFiltered({ text: '10.0.0.1' }), true);
  assert.equal(isFiltered({ state: 'S0' }), true);
  assert.equal(isFiltered({ finding: 'syn-flood' }), true);
  assert.equal(isFiltered({ rttMinMs: 0 }), true);
  assert.equal(isFiltered({ rttMaxMs: 250 }), true);
  assert.equal(isFiltered({ flowIds: [3], flowIdsLabel: 'SYN flood' }), true);
});
