// The analysis worker following a capture that is still being written, as the editor drives it:
// the first half of a capture (cut inside a record, as a writer leaves it between two flushes)
// gives `live` updates the table can page through; the rest appended shows up in a later
// update; pause holds the reading back; stopFollowing ends with the same `done` as reading the
// finished file (the acceptance: the final result equals `synscope analyze`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SAMPLES, buildSample } from '../../../src/gen/samples';
import type { HostToWorker, WorkerRequests, WorkerToHost } from '../../../src/protocol/messages';
import { RequestChannel } from '../../../src/protocol/messageChannel';

const WORKER = join(__dirname, '..', '..', '..', '..', 'dist', 'worker.js');
type Live = Extract<WorkerToHost, { type: 'live' }>;
type Done = Extract<WorkerToHost, { type: 'done' }>;

function start() {
  const worker = new Worker(WORKER);
  const post = (m: HostToWorker): void => worker.postMessage(m);
  const channel = new RequestChannel<WorkerRequests>((m) => post(m));
  const waiters: { test: (m: WorkerToHost) => boolean; resolve: (m: WorkerToHost) => void }[] = [];
  worker.on('message', (m: WorkerToHost) => {
    if (m.type === 'response') {
      channel.handleResponse(m);
      return;
    }
    if (m.type === 'failed') throw new Error(m.message);
    for (const w of [...waiters]) if (w.test(m)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(m);
    }
  });
  // A bound on each wait, so a message that never comes fails the test instead of hanging it.
  const next = <T extends WorkerToHost>(pred: (m: WorkerToHost) => boolean, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${what} within 20 s`)), 20_000);
      waiters.push({ test: pred, resolve: (m) => { clearTimeout(t); resolve(m as T); } });
    });
  return { post, channel, next, stop: () => worker.terminate() };
}

/** The followed capture's final result is the finished file's (finding ids aside). */
function assertSameAnalysis(done: Done, full: Done): void {
  assert.deepEqual(done.overview.summary, full.overview.summary);
  assert.deepEqual(done.findings.map(({ id: _id, ...f }) => f), full.findings.map(({ id: _id, ...f }) => f));
}

const spec = SAMPLES.find((s) => s.file === 'refused.pcap')!;
const bytes = buildSample(spec).bytes;

test('a growing capture is followed: live updates while it grows, then the same result as the finished file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'synscope-live-'));
  try {
    const growing = join(dir, 'growing.pcap');
    const whole = join(dir, 'whole.pcap');
    writeFileSync(whole, bytes);
    const cut = Math.floor(bytes.length / 2) + 7;
    writeFileSync(growing, bytes.subarray(0, cut));

    const ref = start();
    ref.post({ type: 'analyze', source: { kind: 'file', path: whole }, displayPath: whole, config: {}, timeDisplay: 'relative' });
    const full = await ref.next<Done>((m) => m.type === 'done', 'done of the finished file');

    const w = start();
    w.post({ type: 'analyze', source: { kind: 'file', path: growing }, displayPath: growing, config: {}, timeDisplay: 'relative', follow: true });
    const first = await w.next<Live>((m) => m.type === 'live' && m.overview.summary.flows > 0, 'live update with flows');
    assert.ok(first.overview.capture.packets < full.overview.capture.packets, `half the file: ${first.overview.capture.packets} of ${full.overview.capture.packets} packets`);
    assert.equal(first.live.paused, false);
    // The table pages over the flows so far.
    const page = await w.channel.request('queryFlows', { query: { sort: { key: 'id', dir: 'asc' }, filter: {} }, offset: 0, limit: 1000 });
    assert.equal(page.total, first.overview.summary.flows);
    const detail = await w.channel.request('flowDetail', { flowId: page.rows[0]!.id, timeDisplay: 'relative' });
    assert.match(detail?.svg ?? '', /^<svg/);

    appendFileSync(growing, bytes.subarray(cut));
    const later = await w.next<Live>((m) => m.type === 'live' && m.overview.capture.packets === full.overview.capture.packets, 'live update with every packet');
    assert.equal(later.overview.summary.flows, full.overview.summary.flows);
    // Each finding once, whatever the number of updates (same key, same id).
    assert.equal(new Set(later.findings.map((f) => `${f.code}:${f.flows.join(',')}`)).size, later.findings.length);

    w.post({ type: 'pause' });
    const paused = await w.next<Live>((m) => m.type === 'live' && m.live.paused, 'live update saying paused');
    assert.equal(paused.live.paused, true);
    w.post({ type: 'resume' });
    w.post({ type: 'stopFollowing' });
    assertSameAnalysis(await w.next<Done>((m) => m.type === 'done', 'done after stopFollowing'), full);
    await Promise.all([w.stop(), ref.stop()]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A pcap's records split in two files, each with the global header (as tcpdump -C writes them). */
function splitPcap(b: Uint8Array, records: number): [Uint8Array, Uint8Array] {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let off = 24;
  for (let i = 0; i < records; i++) off += 16 + view.getUint32(off + 8, true);
  const head = b.subarray(0, 24);
  return [b.slice(0, off), new Uint8Array([...head, ...b.subarray(off)])];
}

test('Open Capture Folder: rotated files (tcpdump -C names) are one capture, a file that appears later is read too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'synscope-rotated-'));
  try {
    const whole = join(dir, 'whole.pcap');
    writeFileSync(whole, bytes);
    const ref = start();
    ref.post({ type: 'analyze', source: { kind: 'file', path: whole }, displayPath: whole, config: {}, timeDisplay: 'relative' });
    const full = await ref.next<Done>((m) => m.type === 'done', 'done of the finished file');
    rmSync(whole);

    const [a, b] = splitPcap(bytes, 6);
    writeFileSync(join(dir, 'trace.pcap'), a);
    const w = start();
    w.post({ type: 'analyze', source: { kind: 'folder', path: dir }, displayPath: dir, config: {}, timeDisplay: 'relative', follow: true });
    const first = await w.next<Live>((m) => m.type === 'live' && m.overview.capture.packets === 6, 'live update with the first file');
    assert.equal(first.live.files, 1);
    writeFileSync(join(dir, 'trace.pcap1'), b);
    const both = await w.next<Live>((m) => m.type === 'live' && m.overview.capture.packets === full.overview.capture.packets, 'live update with both files');
    assert.equal(both.live.files, 2);
    w.post({ type: 'stopFollowing' });
    assertSameAnalysis(await w.next<Done>((m) => m.type === 'done', 'done after stopFollowing'), full);
    await Promise.all([w.stop(), ref.stop()]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a followed file truncated and written again (tcpdump restarted on the same name) is said in the Live indicator and read on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'synscope-truncated-'));
  try {
    const path = join(dir, 'restarted.pcap');
    writeFileSync(path, bytes);
    const w = start();
    w.post({ type: 'analyze', source: { kind: 'file', path }, displayPath: path, config: {}, timeDisplay: 'relative', follow: true });
    const before = await w.next<Live>((m) => m.type === 'live' && m.live.caughtUp && m.overview.capture.packets > 0, 'live update with the file read');
    // What `tcpdump -w` does when started again on the same name: the file starts over, smaller.
    writeFileSync(path, bytes.subarray(0, 24));
    appendFileSync(path, bytes.subarray(24, 200));
    const after = await w.next<Live>((m) => m.type === 'live' && /shrank/.test(m.live.notice ?? ''), 'live update saying the file shrank');
    assert.match(after.live.notice ?? '', /reading it again from the start/);
    assert.ok(after.overview.capture.packets >= before.overview.capture.packets, 'the packets read before stay counted');
    await w.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
