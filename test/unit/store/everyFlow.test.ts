// Issue 16: every flow is kept (compactly), so what the analysis says about a capture does not
// depend on how many flows are listed. A capture with more flows than the CLI lists (12,000
// healthy connections, then a connection storm) used to lose its storm: the storm's flows came
// after the first 10,000 and stories were told from listed flows only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { readCaptureChunks } from '../../../src/core/capture/readCapture';
import { Analyzer } from '../../../src/core/engine/analyzer';
import type { AnalysisConfig } from '../../../src/core/engine/config';
import type { AnalysisResult } from '../../../src/core/engine/result';
import { closeFin, exchange, handshake, LINUX_SYN, ms, Scenario, sec, us } from '../../../src/gen';
import type { HostToWorker, WorkerRequests, WorkerToHost } from '../../../src/protocol/messages';
import { RequestChannel } from '../../../src/protocol/messageChannel';

const HEALTHY = 12_000;
const STORM = 500;

/** 12,000 clients with one keep-alive connection each over 60 s, then one client's storm. */
function stormAfterCrowd(): Uint8Array {
  const sc = new Scenario('storm-after-crowd', 16);
  const server = sc.host('10.9.0.1');
  for (let i = 0; i < HEALTHY; i++) {
    const client = sc.host(`10.5.${i >> 8}.${i & 255}`);
    const c = sc.conn({ client, clientPort: 40000 + (i % 20000), server, serverPort: 443, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
    c.at(i * ms(5));
    handshake(c, { rtt: us(400) });
    exchange(c, us(400), 200, 1500);
    closeFin(c, us(400));
  }
  // The storm: one client, a new short connection per request, 50 a second for 10 s.
  const client = sc.host('10.1.1.5');
  const target = sc.host('10.1.2.20');
  for (let i = 0; i < STORM; i++) {
    const c = sc.conn({ client, clientPort: 35000 + i, server: target, serverPort: 8080, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
    c.at(sec(61) + i * ms(20));
    handshake(c, { rtt: us(500) });
    exchange(c, us(500), 160, 420, ms(2));
    closeFin(c, us(500));
  }
  return new Uint8Array(sc.toBuffer({ container: 'pcapng', resolution: 'ns' }));
}

const bytes = stormAfterCrowd();

async function analyze(config: Partial<AnalysisConfig>): Promise<AnalysisResult> {
  const analyzer = new Analyzer(config);
  async function* once() { yield bytes; }
  const summary = await readCaptureChunks(once(), (p) => analyzer.addPacket(p));
  return analyzer.finish(summary, 'storm-after-crowd.pcapng');
}

/** What must not depend on the listing: everything but the listed flows themselves. */
function told(r: AnalysisResult) {
  return { summary: r.summary, findings: r.findings, stories: r.stories, timeline: r.timeline };
}

test('the storm after 12,000 flows is told, and the same with 0, 10, 10,000 or every flow listed', async () => {
  const none = await analyze({ maxFlows: 0 });
  const few = await analyze({ maxFlows: 10 });
  const usual = await analyze({});
  const all = await analyze({ maxFlows: Number.MAX_SAFE_INTEGER });
  assert.equal(all.summary.flows, HEALTHY + STORM);
  assert.equal(few.flows.length, 10);
  assert.equal(usual.flows.length, 10_000);
  assert.equal(all.flows.length, HEALTHY + STORM);

  const storms = all.stories.filter((s) => s.kind === 'connection-storm');
  assert.equal(storms.length, 1, `one storm, got: ${all.stories.map((s) => s.title).join('; ') || 'none'}`);
  assert.equal(storms[0].flowCount, STORM);
  assert.match(storms[0].title, /10\.1\.1\.5/);
  // Every storm flow comes after the first 10,000: ids 12,001 to 12,500.
  assert.ok(storms[0].flows.every((id) => id > HEALTHY));
  assert.equal(storms[0].numbers['told from'], undefined, 'told from every flow, so no partial-count note');

  // `--max-flows 0` lists nothing and still tells everything (issue 17: the storm vanished).
  assert.equal(none.flows.length, 0);
  assert.deepEqual(told(none), told(all));
  assert.deepEqual(told(few), told(all));
  assert.deepEqual(told(usual), told(all));
  // The listed flows are the first of all flows, the same objects as JSON.
  assert.deepEqual(few.flows, all.flows.slice(0, 10));
  assert.deepEqual(usual.flows, all.flows.slice(0, 10_000));
});

const WORKER = join(__dirname, '..', '..', '..', '..', 'dist', 'worker.js');

test('the editor (its analysis worker, listing 10 flows) tells the same stories, findings and summary', async () => {
  const all = await analyze({ maxFlows: Number.MAX_SAFE_INTEGER });
  const worker = new Worker(WORKER);
  try {
    const done = new Promise<Extract<WorkerToHost, { type: 'done' | 'failed' }>>((resolve, reject) => {
      worker.on('message', (m: WorkerToHost) => { if (m.type === 'done' || m.type === 'failed') resolve(m); });
      worker.on('error', reject);
    });
    const post = (m: HostToWorker): void => worker.postMessage(m);
    post({ type: 'analyze', source: { kind: 'chunks', totalBytes: bytes.length }, displayPath: 'storm-after-crowd.pcapng', config: { maxFlows: 10 }, timeDisplay: 'relative' });
    for (let off = 0; off < bytes.length; off += 1 << 20) post({ type: 'chunk', data: bytes.slice(off, off + (1 << 20)) });
    post({ type: 'end' });
    const m = await done;
    assert.equal(m.type, 'done');
    if (m.type !== 'done') return;
    assert.deepEqual(m.overview.summary, all.summary);
    assert.deepEqual(m.findings, all.findings);
    assert.deepEqual(m.overview.stories.map((v) => v.story), all.stories);
    // The state counts cover every flow, not the 10 listed.
    assert.equal(Object.values(m.overview.states).reduce((a, b) => (a ?? 0) + (b ?? 0), 0), HEALTHY + STORM);

    // The table pages through every flow, and any flow opens, listed or not.
    const channel = new RequestChannel<WorkerRequests>((msg) => post(msg));
    worker.on('message', (msg: WorkerToHost) => { if (msg.type === 'response') channel.handleResponse(msg); });
    const query = { sort: { key: 'id' as const, dir: 'desc' as const }, filter: {} };
    const page = await channel.request('queryFlows', { query, offset: 0, limit: 3 });
    assert.equal(page.total, HEALTHY + STORM);
    assert.deepEqual(page.rows.map((r) => r.id), [12_500, 12_499, 12_498]);
    assert.equal(page.rows[0].client, '10.1.1.5:35499');
    const detail = await channel.request('flowDetail', { flowId: 12_345, timeDisplay: 'relative' });
    assert.ok(detail);
    assert.deepEqual(detail.flow, all.flows[12_344]);
  } finally {
    await worker.terminate();
  }
});
