// Following a capture while a writer appends to it: findings appear as the packets that
// complete their evidence are written, provisional ones are updated under one key rather than
// repeated, and the final result equals analyze of the finished file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, truncateSync, writeFileSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import type { AnalysisResult } from '../../../src/core/engine/result';
import { CaptureWriter, DEFAULT_BASE_SEC, generateBulk, generateFlood, MemorySink } from '../../../src/gen/index';
import { Collector, isFinding, pcapPieces, stopAll, Writer } from './pieces';

const ROOT = join(__dirname, '..', '..', '..', '..');
const sample = (name: string): string => join(ROOT, 'samples', name);
const dir = mkdtempSync(join(tmpdir(), 'synscope-follow-'));
after(stopAll);

/**
 * What `analyze` reports that a follower must reproduce: the summary, every flow, the stories
 * and the findings — a finding's flow list as a set, since following finishes quiet flows as
 * capture time passes (followSweepSeconds) and a flood lists its flows in the order they finished.
 */
function verdict(r: AnalysisResult): unknown {
  const findings = r.findings.map((f) => ({ ...f, flows: [...f.flows].sort((a, b) => a - b) }));
  return { summary: r.summary, findings, stories: r.stories, packets: r.capture.packets, problems: r.capture.problems, flows: r.flows };
}

test('an unanswered SYN: pending, then a provisional unanswered-syn updated by each retry (one key), final at the end', async () => {
  // samples/silent-host.pcap: one client SYN retried 6 times (1, 2, 4, 8, 16, 32 s), never answered.
  const { header, records } = pcapPieces(sample('silent-host.pcap'));
  const path = join(dir, 'silent.pcap');
  const w = new Writer(path, header);
  const c = new Collector(path);
  w.append(records[0]);
  // No retry was due yet when the SYN was read; once the wall clock passes its first
  // retransmission timeout (1 s) without an answer, the follower calls it unanswered.
  const first = await c.next(isFinding('unanswered-syn:1', 'new'));
  assert.ok(first.type === 'finding' && first.finding.provisional && first.finding.settlesAt !== null);
  assert.deepEqual(first.type === 'finding' && first.finding.details.syns, 1);
  const mark = c.events.length;
  w.append(records[1]);
  const upd = await c.next((e) => isFinding('unanswered-syn:1', 'updated')(e) && e.type === 'finding' && e.finding.details.syns === 2, mark);
  assert.ok(upd.type === 'finding' && upd.finding.provisional);
  for (const r of records.slice(2)) w.append(r);
  await c.next((e) => isFinding('unanswered-syn:1')(e) && e.type === 'finding' && e.finding.details.syns === 7);
  c.follower.stop();
  const { result } = await c.follower.done;
  // One finding, sent once as new and then only updated.
  assert.equal(c.findings('unanswered-syn:1').filter((e) => e.change === 'new').length, 1);
  assert.equal(c.events.filter((e) => e.type === 'finding' && e.change === 'new').length, 1);
  const analyzed = (await analyzeFile(path)).result;
  assert.deepEqual(verdict({ ...result, capture: { ...result.capture, path } }), verdict(analyzed));
  assert.equal(result.findings.filter((f) => f.code === 'unanswered-syn').length, 1);
});

test('records written in odd pieces (half a record at a time) are waited for, never called damage; the result equals analyze', async () => {
  const src = readFileSync(sample('syn-flood-legit-clients.pcap'));
  const path = join(dir, 'pieces.pcap');
  writeFileSync(path, src.subarray(0, 10));
  const c = new Collector(path, { storiesMs: 0 });
  for (let p = 10; p < src.length; p += 1001) {
    writeFileSync(path, src.subarray(p, Math.min(src.length, p + 1001)), { flag: 'a' });
    if (p % 20 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  await c.next((e) => e.type === 'summary' && e.status.caughtUp && e.status.bytesRead === src.length);
  // The story is told while reading too (storiesMs 0: at every snapshot).
  await c.next((e) => e.type === 'story' && e.story.kind === 'syn-flood');
  c.follower.stop();
  const { result } = await c.follower.done;
  assert.deepEqual(result.capture.problems, []);
  assert.equal(c.events.filter((e) => e.type === 'problem').length, 0);
  const analyzed = (await analyzeFile(path)).result;
  assert.deepEqual(verdict(result), verdict(analyzed));
  // The flood was reported while reading, once, updated as it grew; its half-open flows were not each sent.
  assert.equal(c.findings('syn-flood:198.51.100.80:443').filter((e) => e.change === 'new').length, 1);
});

test('a truncated file and a replaced file (rotation under one name) are reported and read on as new parts', async () => {
  const a = readFileSync(sample('refused.pcap'));
  const b = readFileSync(sample('lost-final-ack.pcap'));
  const path = join(dir, 'rotating.pcap');
  writeFileSync(path, a);
  const c = new Collector(path);
  await c.next((e) => e.type === 'source' && e.change === 'caught-up');
  // logrotate copytruncate: the same file shrinks to nothing and the writer starts again.
  // (Seen only if the follower looks before the file has grown past where it was: the race
  // every `tail -F` has; docs/follow.md.)
  truncateSync(path, 0);
  await c.next((e) => e.type === 'source' && e.change === 'truncated');
  writeFileSync(path, b, { flag: 'a' });
  const na = pcapPieces(sample('refused.pcap')).records.length;
  const nb = pcapPieces(sample('lost-final-ack.pcap')).records.length;
  await c.next((e) => e.type === 'summary' && e.status.packets === na + nb);
  // tcpdump -C / mv + new file: the name now points at another inode.
  const next = join(dir, 'rotating.next');
  writeFileSync(next, a);
  renameSync(next, path);
  await c.next((e) => e.type === 'source' && e.change === 'replaced');
  await c.next((e) => e.type === 'summary' && e.status.packets === 2 * na + nb);
  c.follower.stop();
  const { result } = await c.follower.done;
  const ra = (await analyzeFile(sample('refused.pcap'))).result;
  const rb = (await analyzeFile(sample('lost-final-ack.pcap'))).result;
  assert.equal(result.capture.packets, 2 * ra.capture.packets + rb.capture.packets);
  assert.equal(result.summary.refused, 2 * ra.summary.refused + rb.summary.refused);
  assert.equal(result.summary.flows, 2 * ra.summary.flows + rb.summary.flows);
});

test('a gzip stream written as it goes (tcpdump -w - | gzip) is followed; the result equals analyze of the .gz', async () => {
  const gz = gzipSync(readFileSync(sample('refused.pcap')));
  const path = join(dir, 'stream.pcap.gz');
  writeFileSync(path, gz.subarray(0, 7));
  const c = new Collector(path);
  for (let p = 7; p < gz.length; p += 97) writeFileSync(path, gz.subarray(p, Math.min(gz.length, p + 97)), { flag: 'a' });
  await c.next((e) => e.type === 'summary' && e.status.caughtUp && e.status.bytesRead === gz.length);
  c.follower.stop();
  const { result } = await c.follower.done;
  const analyzed = (await analyzeFile(path)).result;
  assert.equal(result.capture.compressed, true);
  assert.deepEqual(verdict(result), verdict(analyzed));
});

test('flow deltas (the editor\'s table): a flow is sent when it opens and again when its state changes', async () => {
  // samples/refused.pcap: flow 1 is a SYN answered by a RST.
  const { header, records } = pcapPieces(sample('refused.pcap'));
  const path = join(dir, 'deltas.pcap');
  const w = new Writer(path, header);
  const c = new Collector(path, { flowDeltas: true });
  w.append(records[0]);
  const opened = await c.next((e) => e.type === 'flows' && e.flows.some((f) => f.id === 1));
  assert.ok(opened.type === 'flows' && opened.flows.find((f) => f.id === 1)!.state === 'S0');
  const mark = c.events.length;
  w.append(records[1]);
  const refused = await c.next((e) => e.type === 'flows' && e.flows.some((f) => f.id === 1), mark);
  assert.ok(refused.type === 'flows' && refused.flows.find((f) => f.id === 1)!.state === 'REJ');
  c.follower.stop();
  await c.follower.done;
});

test('pause stops reading while the file grows; resume catches up', async () => {
  const { header, records } = pcapPieces(sample('refused.pcap'));
  const path = join(dir, 'pause.pcap');
  const w = new Writer(path, header);
  const c = new Collector(path);
  w.append(records[0]);
  await c.next((e) => e.type === 'summary' && e.status.packets === 1);
  c.follower.pause();
  for (const r of records.slice(1)) w.append(r);
  const mark = c.events.length;
  const paused = await c.next((e) => e.type === 'summary' && e.status.paused, mark);
  assert.ok(paused.type === 'summary' && paused.status.packets === 1);
  c.follower.resume();
  await c.next((e) => e.type === 'summary' && !e.status.paused && e.status.packets === records.length, mark);
  c.follower.stop();
  await c.follower.done;
});

test('the live summary while a SYN flood\'s quiet attempts are parked equals analyze\'s counts of the same bytes', async () => {
  // 10,000 spoofed SYNs answered by SYN cookies (quiet attempts: the engine parks them once
  // 4,096 newer flows opened, giving their slab records to later flows), then a second of
  // ordinary connections that complete, reset and retry, all while the attempts are still live.
  const flood = new MemorySink();
  const fw = new CaptureWriter(flood, { container: 'pcap', resolution: 'us' });
  generateFlood(fw, { seed: 5, sources: 10_000 });
  fw.close();
  const mixed = new MemorySink();
  const mw = new CaptureWriter(mixed, { container: 'pcap', resolution: 'us' });
  generateBulk(mw, { seed: 5, targetBytes: 4e6, connectionsPerSecond: 3000, baseSec: DEFAULT_BASE_SEC + 1 });
  mw.close();
  const bytes = Buffer.concat([flood.result(), mixed.result().subarray(24)]);
  const path = join(dir, 'flood-then-mix.pcap');
  writeFileSync(path, bytes);
  const c = new Collector(path);
  const caughtUp = await c.next((e) => e.type === 'summary' && e.status.caughtUp && e.status.bytesRead === bytes.length);
  assert.ok(caughtUp.type === 'summary');
  c.follower.stop();
  await c.follower.done;
  const analyzed = (await analyzeFile(path)).result;
  const { findings: _live, ...live } = caughtUp.status.summary;
  const { findings: _final, ...final } = analyzed.summary;
  assert.ok(final.halfOpen >= 10_000 && final.handshakesComplete > 100, JSON.stringify(final));
  assert.deepEqual(live, final);
});

test('while following, connect stories are told from the most recent flows and say so; the final report reads every flow', async () => {
  // samples/connection-storm.pcap: 200 connections, one per request (samples/README.md).
  const path = join(dir, 'storm.pcap');
  writeFileSync(path, readFileSync(sample('connection-storm.pcap')));
  const c = new Collector(path, { storiesMs: 0, storyFlows: 50 });
  const told = await c.next((e) => e.type === 'story' && e.story.kind === 'connection-storm' && String(e.story.numbers['told from']).startsWith('about the most recent 50 finished of 200 flows'));
  assert.ok(told.type === 'story');
  const live = Number(told.story.numbers.connections);
  assert.ok(live > 0 && live <= 50, String(live));
  c.follower.stop();
  const { result } = await c.follower.done;
  const storm = result.stories.find((s) => s.kind === 'connection-storm');
  assert.equal(storm?.numbers.connections, 200);
  assert.equal(storm?.numbers['told from'], undefined);
});

test('a follow longer than its window of kept flows: the final report\'s stories say they are told from the most recent flows only', async () => {
  // samples/connection-storm.pcap: 200 connections, one per request (samples/README.md).
  const path = join(dir, 'storm-window.pcap');
  writeFileSync(path, readFileSync(sample('connection-storm.pcap')));
  const c = new Collector(path, { config: { storeWindowFlows: 60 } });
  await c.next((e) => e.type === 'summary' && e.status.caughtUp);
  c.follower.stop();
  const { result } = await c.follower.done;
  assert.equal(result.summary.flows, 200, 'the counts cover every flow');
  const storm = result.stories.find((s) => s.kind === 'connection-storm');
  const connections = Number(storm?.numbers.connections);
  assert.ok(connections >= 30 && connections <= 60, `told from the window, not all 200: ${connections}`);
  assert.match(String(storm?.numbers['told from']), new RegExp(`^the most recent ${connections} of 200 flows \\(following keeps a window of the most recent 60`));
});
