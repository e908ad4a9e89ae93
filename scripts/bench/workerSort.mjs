#!/usr/bin/env node
// The flow table's sort and filter on a whole capture, as the editor runs them: starts
// dist/worker.js (as workerPath.mjs does), analyses the file with the extension's defaults, then
// asks for the first page of the table under each sort key and a few filters, one at a time.
// Prints per query its wall time (noisy on a shared machine), and the process's RSS (main thread and
// worker share it; the main thread holds nothing) sampled every 20 ms: after `done`, and the
// peak while the queries ran.
//
//   node scripts/bench/workerSort.mjs <capture>     (after npm run build)
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const file = process.argv[2];
const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const maxFlows = pkg.contributes.configuration.properties['synscope.maxFlows'].default;
const MiB = 1024 * 1024;

let peak = 0;
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
const worker = new Worker(join(root, 'dist', 'worker.js'));
let nextId = 1;
const waiting = new Map();
let done;
const finished = new Promise((resolve, reject) => { done = { resolve, reject }; });
worker.on('message', (m) => {
  if (m.type === 'done') done.resolve(m);
  if (m.type === 'failed') done.reject(new Error(m.message));
  if (m.type === 'response') {
    const w = waiting.get(m.inReplyTo);
    waiting.delete(m.inReplyTo);
    if (m.error) w.reject(new Error(m.error)); else w.resolve(m.result);
  }
});
const request = (method, params) => new Promise((resolve, reject) => {
  const id = nextId++;
  waiting.set(id, { resolve, reject });
  worker.postMessage({ type: 'request', requestId: id, method, params });
});
const t0 = performance.now();
worker.postMessage({ type: 'analyze', source: { kind: 'file', path: file }, displayPath: file, config: { maxFlows }, timeDisplay: 'relative' });
const d = await finished;
const analysed = { ms: Math.round(performance.now() - t0), flows: d.overview?.summary?.flows ?? null };
// Let the analysis's garbage go before the baseline.
await new Promise((r) => setTimeout(r, 500));
const afterDone = process.memoryUsage().rss;
peak = afterDone;
const none = {};
const queries = [
  ['rtt', 'asc', none], ['client', 'asc', none], ['server', 'desc', none], ['start', 'desc', none], ['state', 'asc', none],
  ['findings', 'desc', none], ['duration', 'desc', none], ['id', 'asc', { state: 'S0' }], ['id', 'asc', { text: 'port 80' }],
  ['rtt', 'asc', { rttMinMs: 0 }],
];
const rows = [];
for (const [key, dir, filter] of queries) {
  const q0 = performance.now();
  const page = await request('queryFlows', { query: { sort: { key, dir }, filter }, offset: 0, limit: 50 });
  rows.push({ sort: `${key} ${dir}`, filter: JSON.stringify(filter), total: page.total, ms: Math.round(performance.now() - q0) });
}
clearInterval(sampler);
// What stays once the queries' garbage may have gone.
await new Promise((r) => setTimeout(r, 2000));
const end = process.memoryUsage().rss;
await worker.terminate();
process.stdout.write(`${JSON.stringify({ file, analysed, rssAfterDoneMiB: Math.round(afterDone / MiB), rssPeakDuringQueriesMiB: Math.round(peak / MiB), rssEndMiB: Math.round(end / MiB), queries: rows })}\n`);
