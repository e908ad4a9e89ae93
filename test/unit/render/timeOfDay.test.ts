// synscope.timeDisplay "timeOfDay": the diagram's times as UTC time of day, the date on the
// first packet and wherever it changes, instead of epoch seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { renderSequenceDiagram } from '../../../src/render';
import { clockTime } from '../../../src/render/format';
import { ROOT } from '../gen/tsharkFields';

const texts = (svg: string, id: string): string[] =>
  [...svg.matchAll(new RegExp(`data-testid="${id}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]!);

test('lost-final-ack.pcap in time of day: 1767225600 is 2026-01-01 00:00:00 UTC', async () => {
  const { result, analyzer } = await analyzeFile(join(ROOT, 'samples', 'lost-final-ack.pcap'));
  const f = result.flows[0]!;
  const svg = renderSequenceDiagram(f, analyzer.flowEvents(f.id), result.findings, { timeDisplay: 'timeOfDay' });
  const times = texts(svg, 'time');
  // tshark: first SYN at 1767225600.003000000, SYN-ACK retransmissions 1 s and 2 s later.
  assert.equal(times[0], '00:00:00.003000000');
  assert.ok(times.includes('00:00:01.003040000'), times.join(' | '));
  assert.match(svg, /2026-01-01 UTC · start/);
  assert.equal(svg.split('2026-01-01 UTC').length - 1, 1, 'the date once: it never changes in this flow');
});

test('clockTime copies the fraction exactly and crosses midnight', () => {
  assert.deepEqual(clockTime('1767225599.999999999', 9), ['2025-12-31', '23:59:59.999999999']);
  assert.deepEqual(clockTime('1767225600.5', 6), ['2026-01-01', '00:00:00.500000']);
  assert.equal(clockTime('not a time', 6), null);
});
