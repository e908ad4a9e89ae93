// The analysis worker as the extension runs it (dist/worker.js in a worker thread, built by
// npm test before the unit tests): a file that is no capture ends in `failed` with a byte
// offset — an error the user can read instead of a spinner — and a damaged capture ends in
// `done` with its problems and offsets; the thread keeps answering requests either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_QUERY } from '../../../src/protocol/flowTable';
import type { WorkerToHost } from '../../../src/protocol/messages';
import { fixtures } from './fixtures';

const ROOT = ((): string => {
  let d = __dirname;
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
})();
const WORKER = join(ROOT, 'dist', 'worker.js');
const dir = mkdtempSync(join(tmpdir(), 'synscope-worker-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the worker on `bytes`, returns its last message (done or failed) and a request helper. */
async function analyse(name: string, bytes: Uint8Array) {
  assert.ok(existsSync(WORKER), 'dist/worker.js is built (npm run build)');
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const w = new Worker(WORKER);
  const seen: WorkerToHost[] = [];
  const end = await new Promise<WorkerToHost>((resolve, reject) => {
    w.on('message', (m: WorkerToHost) => {
      seen.push(m);
      if (m.type === 'done' || m.type === 'failed') resolve(m);
    });
    w.on('error', reject);
    w.on('exit', (code) => reject(new Error(`worker exited with code ${code} before done/failed`)));
    w.postMessage({ type: 'analyze', source: { kind: 'file', path }, displayPath: path, config: {}, timeDisplay: 'relative' });
  });
  const request = (method: string, params: unknown) => new Promise<{ result?: unknown; error?: string }>((resolve) => {
    const id = 1000 + seen.length;
    w.on('message', (m: { type: string; inReplyTo?: number; result?: unknown; error?: string }) => {
      if (m.type === 'response' && m.inReplyTo === id) resolve(m);
    });
    w.postMessage({ type: 'request', requestId: id, method, params });
  });
  return { end, seen, request, stop: () => w.terminate() };
}

test('a file that is not a capture: the worker posts `failed` with the offset, and nothing else hangs', async () => {
  const r = await analyse('notes.pcap', new TextEncoder().encode('these are my meeting notes, not a capture\n'));
  try {
    assert.equal(r.end.type, 'failed');
    if (r.end.type !== 'failed') return;
    assert.match(r.end.message, /not a pcap or pcapng file/);
    assert.equal(r.end.offset, 0);
  } finally {
    await r.stop();
  }
});

test('a cut capture: `done` with the damage and its byte offset; the worker still answers requests', async () => {
  const f = fixtures()[0];
  const cut = f.boundaries[5] + 7; // 7 bytes into the 5th record
  const r = await analyse('cut.pcap', f.bytes.subarray(0, cut));
  try {
    assert.equal(r.end.type, 'done');
    if (r.end.type !== 'done') return;
    const problems = r.end.overview.capture.problems;
    assert.ok(problems.some((p) => p.offset === f.boundaries[5]), JSON.stringify(problems));
    assert.ok(r.end.findings.some((x) => x.code === 'capture-damaged'));
    const page = await r.request('queryFlows', { query: DEFAULT_QUERY, offset: 0, limit: 10 });
    assert.equal(page.error, undefined);
    // boundaries[5] is the 5th record: the 4 packets before it (SYN, SYN-ACK, ACK, data) are one flow.
    assert.equal((page.result as { total: number }).total, 1);
    const malformed = await r.request('queryFlows', { query: {}, offset: 0, limit: 10 });
    assert.ok(malformed.error, 'a malformed request is answered with an error');
    const detail = await r.request('flowDetail', { flowId: 999999, timeDisplay: 'relative' });
    assert.equal(detail.error, undefined, 'an unknown flow is an answer, not a crash');
  } finally {
    await r.stop();
  }
});

test('an unknown request gets an error answer and the worker stays up', async () => {
  const r = await analyse('ok.pcap', fixtures()[0].bytes);
  try {
    assert.equal(r.end.type, 'done');
    const bad = await r.request('noSuchMethod', {});
    assert.ok(bad.error, 'answered with an error');
    const good = await r.request('flowSummary', { flowId: 1 });
    assert.equal(good.error, undefined);
  } finally {
    await r.stop();
  }
});
