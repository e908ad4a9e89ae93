// Whatever a capture throws at the renderers (odd flags, equal or unparsable times, any text in
// comments and options), the output is well-formed and has one arrow per event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { renderMermaid, renderSequenceDiagram, renderBarChart, renderHistogram } from '../../../src/render';
import type { FlowEvent } from '../../../src/core/engine/result';
import { byTestId, parseXml } from './miniXml';
import { flowOf } from './scenarios';

const event = fc.record({
  packet: fc.integer({ min: 1, max: 1e6 }),
  time: fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 2e9 }), fc.integer({ min: 0, max: 999999 })).map(([s, us]) => `${s}.${String(us).padStart(6, '0')}`),
    fc.constant('1700000000.000000'),
    fc.string(),
  ),
  rel: fc.double(),
  dir: fc.constantFrom('c2s' as const, 's2c' as const),
  flags: fc.integer({ min: 0, max: 0x1ff }),
  seq: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  ack: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  len: fc.integer({ min: 0, max: 65535 }),
  window: fc.integer({ min: 0, max: 65535 }),
  options: fc.string({ unit: 'binary' }),
  notes: fc.array(fc.string(), { maxLength: 3 }),
  comment: fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
});

test('any events render to well-formed SVG with one arrow each, and Mermaid with one message each', () => {
  fc.assert(fc.property(fc.array(event, { maxLength: 25 }), fc.string({ unit: 'binary' }), (events: FlowEvent[], ip) => {
    const flow = flowOf(7, events, { client: { ip, port: 1 } });
    const svg = parseXml(renderSequenceDiagram(flow, events, [], { timeDisplay: 'absolute' }));
    assert.equal(byTestId(svg, 'arrow').length, events.length);
    const mermaid = renderMermaid(flow, events, []);
    assert.equal(mermaid.split('\n').filter((l) => /^ {4}[CS]-{1,2}(>>|x)[CS]: /.test(l)).length, events.length);
  }), { numRuns: 150 });
});

test('any numbers render to well-formed charts', () => {
  fc.assert(fc.property(fc.array(fc.double(), { maxLength: 200 }), fc.string({ unit: 'binary' }), (values, label) => {
    const bars = parseXml(renderBarChart({ label, values, binSeconds: 1 }));
    assert.equal(byTestId(bars, 'bar').length, values.length);
    parseXml(renderHistogram(values));
  }), { numRuns: 150 });
});
