// The four-lifeline diagram of correlated pairs from the two-vantage fixtures: where the
// script's router dropped a packet, the diagram must draw it crossed out between A and B.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CorrelateResult, Pair } from '../../../src/core/correlate/types';
import { renderCorrelateDiagram } from '../../../src/render/correlateDiagram';
import { ROOT, runCli } from '../cli/runCli';

const DIR = join(ROOT, 'test', 'fixtures', 'two-vantage');
const FACTS = JSON.parse(readFileSync(join(DIR, 'facts.json'), 'utf8')) as { connections: { name: string; client: { port: number } }[] };
const r = runCli(['correlate', join(DIR, 'a.pcap'), join(DIR, 'b.pcap'), '--format', 'json']);
const RESULT = JSON.parse(r.out) as CorrelateResult;

function pair(name: string): Pair {
  const port = FACTS.connections.find((c) => c.name === name)!.client.port;
  return RESULT.pairs.find((p) => p.client.endsWith(`:${port}`))!;
}

/** Rows of the SVG: the class list of each <g class="ss-row …">, with what it holds. */
function rows(svg: string): { cls: string; body: string }[] {
  return [...svg.matchAll(/<g class="(ss-row[^"]*)">(.*?)<\/g>/g)].map((m) => ({ cls: m[1], body: m[2] }));
}

test('complete: SYN, SYN-ACK and ACK each seen at A and at B, nothing crossed out', () => {
  const svg = renderCorrelateDiagram(pair('complete'));
  const rs = rows(svg);
  assert.deepEqual(rs.map((x) => x.cls), ['ss-row ss-row-syn', 'ss-row ss-row-syn-ack', 'ss-row ss-row-ack']);
  for (const x of rs) assert.ok(x.body.includes('ss-seen-a') && x.body.includes('ss-seen-b'), x.cls);
  assert.ok(!svg.includes('ss-lost'));
  for (const lane of ['client', 'A (client side)', 'B (server side)', 'server']) assert.ok(svg.includes(`>${lane}</text>`), lane);
});

test('every SYN dropped by the router: one SYN arrow, crossed out between A and B, never at B', () => {
  const rs = rows(renderCorrelateDiagram(pair('syn-lost-all')));
  assert.equal(rs.length, 1);
  assert.match(rs[0].cls, /ss-row-syn ss-row-lost/);
  assert.ok(rs[0].body.includes('ss-lost') && !rs[0].body.includes('ss-seen-b'));
  assert.match(rs[0].body, /SYN ×4 lost between A and B/);
});

test('first SYN-ACK dropped: a crossed SYN-ACK beside the one that got through', () => {
  const rs = rows(renderCorrelateDiagram(pair('synack-lost')));
  assert.ok(rs.some((x) => x.cls === 'ss-row ss-row-syn-ack ss-row-lost'));
  assert.ok(rs.some((x) => x.cls === 'ss-row ss-row-syn-ack' && x.body.includes('ss-seen-a')));
});

test('injected RST: starts between the points, seen at A only', () => {
  const rs = rows(renderCorrelateDiagram(pair('reset-injected')));
  const rst = rs.find((x) => x.cls.includes('ss-row-rst'))!;
  assert.ok(rst.body.includes('ss-origin') && rst.body.includes('ss-seen-a') && !rst.body.includes('ss-seen-b'));
});

test('outside-a: nothing drawn at A', () => {
  assert.ok(!renderCorrelateDiagram(pair('outside-a')).includes('ss-seen-a'));
});

test('capture strings are escaped', () => {
  const p = { ...pair('complete'), client: '<script>alert(1)</script>', middleboxes: [] };
  const svg = renderCorrelateDiagram(p);
  assert.ok(!svg.includes('<script>'));
  assert.ok(svg.includes('&lt;script&gt;'));
});
