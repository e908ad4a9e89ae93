// The analysis worker as the extension host drives it (dist/worker.js, built by `npm test`):
// a capture read by the worker itself and the same bytes posted in chunks (the path used for
// remote and virtual file systems) must give the same analysis; pages, details and exports
// answer by request id; a file that is not a capture fails with its byte offset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SAMPLES, buildSample } from '../../../src/gen/samples';
import type { HostToWorker, WorkerRequests, WorkerToHost } from '../../../src/protocol/messages';
import { RequestChannel } from '../../../src/protocol/messageChannel';
import { Duck, sqlString } from '../output/duckdb';

const WORKER = join(__dirname, '..', '..', '..', '..', 'dist', 'worker.js');

interface Run {
  done: Promise<Extract<WorkerToHost, { type: 'done' | 'failed' }>>;
  channel: RequestChannel<WorkerRequests>;
  post(m: HostToWorker): void;
  stop(): Promise<number>;
}

function start(): Run {
  const worker = new Worker(WORKER);
  const post = (m: HostToWorker): void => worker.postMessage(m);
  const channel = new RequestChannel<WorkerRequests>((m) => post(m));
  const done = new Promise<Extract<WorkerToHost, { type: 'done' | 'failed' }>>((resolve, reject) => {
    worker.on('message', (m: WorkerToHost) => {
      if (m.type === 'response') channel.handleResponse(m);
      else if (m.type === 'done' || m.type === 'failed') resolve(m);
    });
    worker.on('error', reject);
  });
  return { done, channel, post, stop: () => worker.terminate() };
}

const spec = SAMPLES.find((s) => s.file === 'refused.pcap')!;
const bytes = buildSample(spec).bytes;

test('chunks posted by the host give the same analysis as the worker reading the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'synscope-worker-'));
  try {
    const path = join(dir, spec.file);
    writeFileSync(path, bytes);
    const a = start();
    a.post({ type: 'analyze', source: { kind: 'file', path }, displayPath: path, config: {}, timeDisplay: 'relative' });
    const b = start();
    b.post({ type: 'analyze', source: { kind: 'chunks', totalBytes: bytes.length }, displayPath: path, config: {}, timeDisplay: 'relative' });
    // Odd chunk sizes: record boundaries fall inside chunks.
    for (let off = 0; off < bytes.length; off += 97) b.post({ type: 'chunk', data: new Uint8Array(bytes.subarray(off, off + 97)) });
    b.post({ type: 'end' });
    const [ra, rb] = await Promise.all([a.done, b.done]);
    assert.equal(ra.type, 'done');
    assert.equal(rb.type, 'done');
    if (ra.type !== 'done' || rb.type !== 'done') return;
    assert.ok(ra.overview.summary.flows > 0);
    assert.deepEqual(rb.overview.summary, ra.overview.summary);
    assert.deepEqual(rb.findings, ra.findings);
    assert.ok(ra.findings.some((f) => f.code === 'refused'), 'the sample is about refused connections');

    const query = { sort: { key: 'id' as const, dir: 'asc' as const }, filter: { state: 'REJ' as const } };
    const [pa, pb] = await Promise.all([a.channel.request('queryFlows', { query, offset: 0, limit: 50 }), b.channel.request('queryFlows', { query, offset: 0, limit: 50 })]);
    assert.deepEqual(pb, pa);
    assert.ok(pa.rows.length > 0 && pa.rows.every((r) => r.state === 'REJ'));

    const detail = await a.channel.request('flowDetail', { flowId: pa.rows[0]!.id, timeDisplay: 'relative' });
    assert.ok(detail);
    assert.equal(detail.flow.id, pa.rows[0]!.id);
    assert.match(detail.svg, /^<svg/);
    assert.equal(await a.channel.request('flowDetail', { flowId: 99999, timeDisplay: 'relative' }), null);
    const csv = await a.channel.request('exportFindings', { format: 'csv' });
    assert.equal(csv.trimEnd().split('\n').length, ra.findings.length + 1, 'a header and one row per finding');
    const sarif = JSON.parse(await a.channel.request('exportFindings', { format: 'sarif' })) as { version: string };
    assert.equal(sarif.version, '2.1.0');
    await Promise.all([a.stop(), b.stop()]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Export Flows: Parquet holds every flow whatever synscope.maxFlows lists, CSV the listed ones', async () => {
  const flood = SAMPLES.find((s) => s.file === 'syn-flood-cookies.pcap')!;
  const dir = mkdtempSync(join(tmpdir(), 'synscope-worker-'));
  try {
    const path = join(dir, flood.file);
    writeFileSync(path, buildSample(flood).bytes);
    const w = start();
    w.post({ type: 'analyze', source: { kind: 'file', path }, displayPath: 'shown/as/this.pcap', config: { maxFlows: 5 }, timeDisplay: 'relative' });
    const done = await w.done;
    assert.equal(done.type, 'done');
    if (done.type !== 'done') return;
    const flows = done.overview.summary.flows;
    assert.ok(flows > 5);
    const parquet = await w.channel.request('exportFlows', { format: 'parquet' });
    const file = join(dir, 'flows.parquet');
    writeFileSync(file, parquet);
    const duck = await Duck.open();
    try {
      const rows = await duck.rows(`SELECT capture_path, count(*) AS n, count(DISTINCT id) AS ids FROM read_parquet(${sqlString(file)}) GROUP BY 1`);
      assert.deepEqual(rows, [{ capture_path: 'shown/as/this.pcap', n: flows, ids: flows }]);
    } finally {
      duck.close();
    }
    const csv = new TextDecoder().decode(await w.channel.request('exportFlows', { format: 'csv' }));
    assert.equal(csv.trimEnd().split('\r\n').length, 1 + 5, 'a header and the 5 listed flows');
    await w.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that is not a capture fails with a message and its byte offset', async () => {
  const r = start();
  r.post({ type: 'analyze', source: { kind: 'chunks', totalBytes: 20 }, displayPath: 'x.pcap', config: {}, timeDisplay: 'relative' });
  r.post({ type: 'chunk', data: new TextEncoder().encode('this is not a pcap!!') });
  r.post({ type: 'end' });
  const m = await r.done;
  assert.equal(m.type, 'failed');
  if (m.type === 'failed') assert.equal(m.offset, 0);
  await assert.rejects(r.channel.request('queryFlows', { query: { sort: { key: 'id', dir: 'asc' }, filter: {} }, offset: 0, limit: 1 }), /not finished/);
  await r.stop();
});

test('a read error on the host side ends the analysis instead of hanging it', async () => {
  const r = start();
  r.post({ type: 'analyze', source: { kind: 'chunks', totalBytes: bytes.length }, displayPath: 'x.pcap', config: {}, timeDisplay: 'relative' });
  r.post({ type: 'chunk', data: new Uint8Array(bytes.subarray(0, 100)) });
  r.post({ type: 'sourceError', message: 'connection to the remote lost' });
  const m = await r.done;
  assert.equal(m.type, 'failed');
  if (m.type === 'failed') assert.match(m.message, /connection to the remote lost/);
  await r.stop();
});

test('Servers tab and Compare with Baseline: listener rows from the worker, the diff names the slowed listener; the JSON export stays the CLI default', async () => {
  const fixtures = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'listeners');
  const path = join(fixtures, 'delay.pcap.gz');
  const run = start();
  run.post({ type: 'analyze', source: { kind: 'file', path }, displayPath: path, config: {}, timeDisplay: 'relative' });
  const done = await run.done;
  assert.equal(done.type, 'done');
  const servers = await run.channel.request('servers', {});
  assert.ok(servers);
  assert.deepEqual(servers.listeners.map((l) => `${l.server.ip}:${l.server.port}`).sort(), ['198.51.100.10:443', '198.51.100.10:80', '198.51.100.11:443', '198.51.100.12:5432']);
  const { report, table } = await run.channel.request('compareWithBaseline', { path: join(fixtures, 'baseline.pcap.gz') });
  assert.deepEqual(report.listeners.map((l) => `${l.server.ip}:${l.server.port}`), ['198.51.100.11:443']);
  assert.match(table, /198\.51\.100\.11:443/);
  const json = JSON.parse(await run.channel.request('exportFindings', { format: 'json' })) as Record<string, unknown>;
  assert.equal('servers' in json, false, 'the findings export is the CLI JSON without --servers');
  await run.stop();
});
