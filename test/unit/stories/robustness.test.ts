import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tellStories } from '../../../src/core/stories';
import { engineFinding, flow, MS, result, S } from './flows';

test('a result without flows or times tells no story', () => {
  const r = result([], { end: 0 });
  r.capture.start = null;
  r.capture.end = null;
  assert.deepEqual(tellStories(r), { stories: [], findings: [] });
});

test('flows with unreadable times are skipped, not fatal', () => {
  const flows = Array.from({ length: 30 }, (_, i) => flow({
    id: i + 1, client: ['10.0.0.5', 40000 + i], server: ['10.0.0.9', 80], start: i * S, synIntervals: [1, 2, 4, 8],
  }));
  flows[3] = { ...flows[3], start: 'garbage', end: '' };
  const { stories } = tellStories(result(flows, { end: 60 * S }));
  assert.equal(stories.length, 1);
  // 29 readable connects remain.
  assert.equal(stories[0].numbers['connects'], 29);
});

test('any mix of connects: no throw, story findings numbered after the engine\'s, every story finding exists', () => {
  const spec = fc.record({
    client: fc.integer({ min: 1, max: 3 }),
    server: fc.integer({ min: 1, max: 2 }),
    start: fc.integer({ min: 0, max: 60 * S }),
    retries: fc.integer({ min: 0, max: 6 }),
    answer: fc.option(fc.integer({ min: 0, max: 130 * S }), { nil: undefined }),
    exchanges: fc.integer({ min: 0, max: 5 }),
    ending: fc.constantFrom('fin', 'client', 'server', 'none'),
  });
  fc.assert(fc.property(fc.array(spec, { maxLength: 120 }), fc.integer({ min: 0, max: 50 }), (specs, engineMax) => {
    const flows = specs.map((p, i) => flow({
      id: i + 1, client: [`10.0.0.${p.client}`, 40000 + i], server: [`10.0.1.${p.server}`, 443], start: p.start,
      synIntervals: [1, 2, 4, 8, 16, 32].slice(0, p.retries),
      synAck: p.answer, ack: p.answer === undefined ? undefined : p.answer + MS,
      exchanges: p.exchanges, fin: p.ending === 'fin',
      reset: p.ending === 'client' || p.ending === 'server' ? p.ending : null,
    }));
    const engine = engineMax ? [engineFinding(engineMax)] : [];
    const { stories, findings } = tellStories(result(flows, { end: 200 * S, findings: engine }));
    findings.forEach((f, i) => assert.equal(f.id, engineMax + 1 + i));
    const ids = new Set(findings.map((f) => f.id));
    for (const s of stories) {
      for (const id of s.findings) assert.ok(ids.has(id));
      assert.ok(s.flows.length <= s.flowCount);
      for (const series of s.series) assert.ok(series.values.every(Number.isFinite));
    }
  }), { numRuns: 200, seed: 42 });
});
