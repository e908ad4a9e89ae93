import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RENDER_CSS, renderBarChart, renderHistogram, renderSequenceDiagram } from '../../../src/render';
import { findAll, parseXml } from './miniXml';
import { cleanHandshake, lostFinalAck, refused, silentHost, simultaneousOpen } from './scenarios';

/** Classes that mark structure for tests and stylesheets, not colour. */
const STRUCTURAL = new Set(['ss-root', 'ss-diagram', 'ss-chart', 'ss-arrow', 'ss-retransmission', 'ss-unanswered', 'ss-lost']);

test('every colour class the renderers emit is themed by RENDER_CSS, and every coloured element has a fallback', () => {
  const outputs = [cleanHandshake(), lostFinalAck(), silentHost(), refused(), simultaneousOpen()]
    .map((s) => renderSequenceDiagram(s.flow, s.events, s.findings));
  outputs.push(renderBarChart({ label: 'x', values: [1, 2, 3], binSeconds: 1 }), renderHistogram([1e-4, 2e-3]));
  const used = new Set<string>();
  for (const markup of outputs) {
    for (const n of findAll(parseXml(markup), (x) => 'class' in x.attrs)) {
      for (const c of n.attrs.class.split(/\s+/)) {
        used.add(c);
        if (STRUCTURAL.has(c) || n.name === 'g' || n.name === 'svg') continue;
        assert.ok(n.attrs.fill || n.attrs.stroke, `<${n.name} class="${n.attrs.class}"> has a presentation fallback`);
      }
    }
  }
  const missing = [...used].filter((c) => !STRUCTURAL.has(c) && !new RegExp(`\\.${c}\\b`).test(RENDER_CSS));
  assert.deepEqual(missing, []);
  assert.ok(used.has('ss-retrans') && used.has('ss-rst') && used.has('ss-bar'));
});
