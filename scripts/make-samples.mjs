#!/usr/bin/env node
// Writes the bundled sample captures (samples/*) from the seeded generator (src/gen), and with
// --truth also tshark's view of each (samples/expected/*.tshark.json, via tshark-truth.mjs).
// Deterministic: re-running produces identical bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadTs } from './bench/bundle.mjs';

const gen = await loadTs('src/gen/index.ts', 'gen');
const outDir = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : 'samples';
mkdirSync(outDir, { recursive: true });
let total = 0;
for (const s of gen.SAMPLES) {
  const { bytes } = gen.buildSample(s);
  writeFileSync(join(outDir, s.file), bytes);
  total += bytes.length;
  console.log(`${s.file.padEnd(30)} ${String(bytes.length).padStart(8)} bytes`);
}
console.log(`${'total'.padEnd(30)} ${String(total).padStart(8)} bytes`);

if (process.argv.includes('--truth')) {
  const files = gen.SAMPLES.map((s) => join(outDir, s.file));
  const r = spawnSync(process.execPath, ['scripts/tshark-truth.mjs', '--source', 'synscope', '--base', outDir, '--out', join(outDir, 'expected'), ...files], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
