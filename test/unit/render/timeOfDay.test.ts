// synscope.timeDisplay "timeOfDay": the diagram's times as UTC time of day, the date on the
// first packet and wherever it changes, instead of epoch seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { renderSequenceDiagram } from '../../../src/render';
import { ROOT } from '../gen/tsharkFields';

const texts = (svg: string, id: string): string[] =>
  [...svg.matchAll(new RegExp(`data-testid="${id}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]!);

test('lost-final-ack.pcap in time of day: 1767225600 is 2026-01-01 00:00:00 UTC', async () => {
  const { result, analyzer } = await analyzeFile(join(ROOT, 'samples', 'lost-final-ack.pcap'));
  const f = result.flows[0]!;
  const svg = renderSequenceDiagram(f, analyzer.flowEvents(f.id), result.findings, { timeDisplay: 'timeOfDay' });
  const times = texts(svg, 'time');
  // tshark -t ud: first SYN at 2026-01-01 00:00:00.003000, a SYN-ACK retransmission at
  // 00:00:01.003040; the date only on the first row, since it never changes in this flow.
  assert.equal(times[0], '2026-01-01 00:00:00.003000');
  assert.ok(times.includes('00:00:01.003040'), times.join(' | '));
  assert.equal(svg.split('2026-01-01').length - 1, 1, 'the date once: it never changes in this flow');
});
