#!/usr/bin/env node
// The extension's analysis path, without VS Code: starts dist/worker.js with worker_threads as
// src/extension/workerClient.ts does, posts the same `analyze` message for a file, and measures
//   - firstFlowsMs: time from starting the worker until the first `partialFlows` message with
//     at least one row (what the editor can show first),
//   - doneMs: time until `done` (the whole analysis, summary and findings sent to the host),
//     with the extension's default settings (every flow listed, up to synscope.maxFlows),
//   - the host (main) thread's event-loop delay during all of it, with
//     perf_hooks.monitorEventLoopDelay: what the extension host would feel.
//
//   node scripts/bench/workerPath.mjs <capture>     (after npm run build)
//   node scripts/bench/workerPath.mjs <capture> --scroll
//     then also pages through every row of the flow table in the default order, as scrolling
//     the editor's table from top to bottom asks for them (`queryFlows`, 500 rows a page), and
//     reports how long that took (scrollMs, rows). Run it under `/usr/bin/time -v` for the peak.
// Prints one JSON line.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const file = process.argv[2];
const scroll = process.argv.includes('--scroll');
if (!file) {
  console.error('usage: workerPath.mjs <capture>');
  process.exit(2);
}
const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const workerPath = join(root, 'dist', 'worker.js');
// The analysis settings the extension sends by default: it lists every flow up to
// synscope.maxFlows (10^6), where the CLI lists 10,000.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const maxFlows = pkg.contributes.configuration.properties['synscope.maxFlows'].default;

// The same monitor on an idle main thread first: on a shared machine the scheduler alone
// delays timers, and that floor belongs next to the figure measured during the analysis.
const idle = monitorEventLoopDelay({ resolution: 10 });
idle.enable();
await new Promise((r) => setTimeout(r, 1000));
idle.disable();

const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
const t0 = performance.now();
const worker = new Worker(workerPath);
let firstFlowsMs = null;
let firstProgressMs = null;
let messages = 0;
const out = await new Promise((resolve, reject) => {
  worker.on('error', reject);
  worker.on('exit', (code) => reject(new Error(`worker exited (code ${code}) before done`)));
  worker.on('message', (m) => {
    messages++;
    const now = performance.now() - t0;
    if (m.type === 'progress' && firstProgressMs === null) firstProgressMs = now;
    if (m.type === 'partialFlows' && firstFlowsMs === null && m.rows.length > 0) firstFlowsMs = now;
    if (m.type === 'failed') reject(new Error(m.message));
    if (m.type === 'done') resolve({ doneMs: now, findings: m.findings.length });
  });
  worker.postMessage({ type: 'analyze', source: { kind: 'file', path: file }, displayPath: file, config: { maxFlows }, timeDisplay: 'relative' });
});
h.disable();
let scrolled = null;
if (scroll) {
  // The table's default query (DEFAULT_QUERY in src/protocol/flowTable.ts), page after page.
  const query = { sort: { key: 'id', dir: 'asc' }, filter: {} };
  const LIMIT = 500;
  let requestId = 0;
  const ask = (offset) => new Promise((resolve, reject) => {
    const id = ++requestId;
    const on = (m) => {
      if (m.type !== 'response' || m.inReplyTo !== id) return;
      worker.off('message', on);
      if (m.error) reject(new Error(m.error));
      else resolve(m.result);
    };
    worker.on('message', on);
    worker.postMessage({ type: 'request', requestId: id, method: 'queryFlows', params: { query, offset, limit: LIMIT } });
  });
  const s0 = performance.now();
  let rows = 0;
  for (let offset = 0; ; offset += LIMIT) {
    const page = await ask(offset);
    rows += page.rows.length;
    if (page.rows.length < LIMIT || offset + LIMIT >= page.total) break;
  }
  scrolled = { scrollMs: Math.round(performance.now() - s0), rows };
}
worker.removeAllListeners('exit');
await worker.terminate();
const ms = (ns) => Math.round(ns / 1e4) / 100;
process.stdout.write(`${JSON.stringify({
  firstFlowsMs: firstFlowsMs === null ? null : Math.round(firstFlowsMs),
  firstProgressMs: firstProgressMs === null ? null : Math.round(firstProgressMs),
  doneMs: Math.round(out.doneMs),
  messages,
  findings: out.findings,
  // The histogram's floor is its resolution (10 ms timer): delays are what exceeds it.
  loopDelayMaxMs: ms(h.max),
  loopDelayP99Ms: ms(h.percentile(99)),
  loopDelayMeanMs: ms(h.mean),
  idleLoopDelayMaxMs: ms(idle.max),
  idleLoopDelayP99Ms: ms(idle.percentile(99)),
  ...scrolled,
})}\n`);
