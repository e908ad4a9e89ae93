// The summary header's numbers, built from a finished result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalysisResult } from '../../../src/core/engine/result';
import { buildOverview, type ChartRenderer } from '../../../src/worker/overview';
import { flowSummaryText } from '../../../src/worker/flowText';
import { finding, flow } from './fixtures';

function result(over: Partial<AnalysisResult>): AnalysisResult {
  return {
    schema: 'synscope/1',
    capture: { path: 'x.pcap', format: 'pcap', compressed: false, linkTypes: [1], packets: 10, start: null, end: null, problems: [] },
    summary: { flows: 0, handshakesComplete: 0, syn: 0, synRetransmissions: 0, synAck: 0, synAckRetransmissions: 0, refused: 0, halfOpen: 0, reset: 0, findings: {} },
    flows: [], findings: [],
    timeline: { start: '0', binSeconds: 1, syn: [1, 2], synAck: [], completed: [], rst: [] },
    stories: [],
    ...over,
  };
}

const charts: ChartRenderer = { barChart: (s) => `<svg>${s.values.length}</svg>`, histogram: (v) => `<svg>${v.join(',')}</svg>` };

test('counts flows per state and findings per code, most severe code first', () => {
  const r = result({
    flows: [flow(1, { rtt: 0.01 }), flow(2, { state: 'S0' }), flow(3, { state: 'S0' }), flow(4, { rtt: 0.5 })],
    findings: [
      finding(1, 'unanswered-syn', 'warning', [2]), finding(2, 'unanswered-syn', 'warning', [3]),
      finding(3, 'port-reuse', 'info', [4]), finding(4, 'syn-flood', 'error', [2, 3]),
    ],
  });
  const o = buildOverview(r, charts, 5);
  assert.deepEqual(o.states, { SF: 2, S0: 2 });
  assert.deepEqual(o.findingCodes, [
    { code: 'syn-flood', count: 1, severity: 'error' },
    { code: 'unanswered-syn', count: 2, severity: 'warning' },
    { code: 'port-reuse', count: 1, severity: 'info' },
  ]);
  assert.equal(o.findingsTotal, 4);
  assert.equal(o.synFlood, true);
  assert.equal(o.charts.rttHistogram, '<svg>10,500</svg>', 'RTTs go to the histogram in milliseconds');
});

test('no flood, no RTTs: the header says so and draws no empty histogram', () => {
  const o = buildOverview(result({ flows: [flow(1, { state: 'S0' })] }), charts, 1);
  assert.equal(o.synFlood, false);
  assert.equal(o.charts.rttHistogram, '');
  assert.equal(o.charts.synRate, '<svg>2</svg>');
});

test('a renderer that throws costs a chart, not the analysis', () => {
  const broken: ChartRenderer = { barChart: () => { throw new Error('bug'); }, histogram: () => { throw new Error('bug'); } };
  const o = buildOverview(result({ flows: [flow(1, { rtt: 0.01 })] }), broken, 1);
  assert.deepEqual(o.charts, { synRate: '', rttHistogram: '' });
});

test('the clipboard summary names both ends, the handshake and the findings', () => {
  const f = flow(7, { client: ['2001:db8::5', 5555], server: ['2001:db8::1', 443], rtt: 0.0123, serverRtt: 0.012 });
  const text = flowSummaryText(f, [finding(9, 'slow-handshake', 'warning', [7], 'Handshake took 12 ms')]);
  assert.match(text, /^Flow 7: \[2001:db8::5\]:5555 → \[2001:db8::1\]:443$/m);
  assert.match(text, /^RTT 12\.3 ms \(server 12\.0 ms, client —\)$/m);
  assert.match(text, /^\[warning\] slow-handshake: Handshake took 12 ms$/m);
});
