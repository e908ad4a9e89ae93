/**
 * The bench's realistic mix (src/gen/bulk.ts, seeded): thousands of ordinary connections, some
 * with one or two lost SYNs answered after the retry, a few to five silent database hosts, one
 * spoofed SYN burst. Only the silent hosts leave clients hanging; the lost SYNs are ordinary
 * loss recovery and must not make a story of their own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCaptureChunks } from '../../../src/core/capture/readCapture';
import { Analyzer } from '../../../src/core/engine/analyzer';
import type { AnalysisResult } from '../../../src/core/engine/result';
import { CaptureWriter, generateBulk, MemorySink } from '../../../src/gen';

async function mix(seed: number): Promise<AnalysisResult> {
  const sink = new MemorySink();
  const w = new CaptureWriter(sink, { container: 'pcap', resolution: 'us' });
  // 200 connections per second for 30 MB: about 8 s of capture, long enough for the silent
  // hosts' clients to retry past 3 s.
  generateBulk(w, { seed, targetBytes: 30e6, connectionsPerSecond: 200 });
  w.close();
  const analyzer = new Analyzer();
  async function* once() { yield new Uint8Array(sink.result()); }
  const summary = await readCaptureChunks(once(), (p) => analyzer.addPacket(p));
  return analyzer.finish(summary, 'mix.pcap');
}

/** The generator's silent hosts: 203.0.113.200–204, port 5432 (BulkWorld.silent). */
const SILENT = /^203\.0\.113\.20[0-4]:5432$/;

test('the bench mix: one hanging-connects card, about the silent hosts only; one flood card, spoofed', async () => {
  const r = await mix(1);
  const kinds = r.stories.map((s) => s.kind).sort();
  // At most one card per kind.
  assert.deepEqual(kinds, [...new Set(kinds)]);
  const slow = r.findings.filter((f) => f.code === 'slow-connect' && !f.details.summary);
  assert.ok(slow.length > 0, 'the silent hosts leave clients waiting');
  // Every slow connect is to a silent host: the lossy connects (one or two SYNs lost, answered
  // after ≤ 3 s, 5 % of connections at most) are ordinary loss recovery.
  for (const f of slow) assert.match(String(f.details.server), SILENT, f.message);
  const hanging = r.stories.find((s) => s.kind === 'hanging-connects');
  assert.ok(hanging);
  assert.match(hanging.title, /203\.0\.113\.20[0-4]:5432/);
  // The card covers every slow-connect finding.
  for (const f of slow) assert.ok(hanging.findings.includes(f.id));
  // The spoofed burst: one SYN from each generated source, a cookie SYN-ACK that nobody ACKs.
  const flood = r.stories.find((s) => s.kind === 'syn-flood');
  assert.ok(flood);
  assert.equal(flood.numbers['spoofed sources'], 'likely');
  assert.deepEqual(r.findings.filter((f) => f.code === 'connection-churn'), []);
});
