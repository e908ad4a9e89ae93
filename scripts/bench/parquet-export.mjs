#!/usr/bin/env node
// node scripts/bench/parquet-export.mjs <capture>… — the Parquet export of every flow, timed
// apart from the analysis, with its size against the JSON listing every flow (issue 21).
// Make a 10^6-flow capture with: node scripts/bench/gen-capture.mjs flood flood-1e6.pcap --sources 1000000
import { loadTs } from './bundle.mjs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';

const { measure } = await loadTs('scripts/bench/parquetExport.ts', 'parquetExport');
for (const capture of process.argv.slice(2)) {
  const out = join(tmpdir(), `synscope-bench-${process.pid}.parquet`);
  const load = loadavg()[0].toFixed(1);
  const m = await measure(capture, out);
  rmSync(out, { force: true });
  const mb = (b) => (b / 1e6).toFixed(1);
  console.log(`${capture}: ${m.flows.toLocaleString('en-US')} flows (load ${load} → ${loadavg()[0].toFixed(1)})
  analysis        ${m.analysisWall.toFixed(2)} s wall, ${m.analysisCpu.toFixed(2)} s CPU
  parquet export  ${m.parquetWall.toFixed(2)} s wall, ${m.parquetCpu.toFixed(2)} s CPU, ${mb(m.parquetBytes)} MB (RSS after: ${m.rssAfterParquetMiB.toFixed(0)} MiB)
  JSON, every flow listed: ${mb(m.jsonBytes)} MB (${m.jsonBytes} bytes) → Parquet is ${(m.parquetBytes / m.jsonBytes * 100).toFixed(1)} % of it`);
}
