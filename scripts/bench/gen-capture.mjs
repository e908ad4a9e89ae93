#!/usr/bin/env node
// Ad-hoc captures from the seeded generator (src/gen), for experiments and other tests.
//
//   node scripts/bench/gen-capture.mjs scenario <name> <out> [--seed n]
//   node scripts/bench/gen-capture.mjs bulk <out> --size 100MB [--seed n]
//   node scripts/bench/gen-capture.mjs flood <out> --sources 1000000 [--rate 500000] [--synack-retries 1,3] [--seed n]
//   node scripts/bench/gen-capture.mjs list
//
// The format follows the extension: .pcapng → pcapng; .pcap → pcap (µs; --ns for nanoseconds,
// --be for big-endian).
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { loadTs } from './bundle.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seed: { type: 'string', default: '1' }, size: { type: 'string', default: '100MB' }, sources: { type: 'string', default: '1000000' }, rate: { type: 'string' }, 'synack-retries': { type: 'string' }, ns: { type: 'boolean' }, be: { type: 'boolean' } },
});
const gen = await loadTs('src/gen/index.ts', 'gen');
const [cmd, a, b] = positionals;
const seed = Number(values.seed);

function formatFor(path) {
  return { container: path.endsWith('.pcapng') ? 'pcapng' : 'pcap', resolution: values.ns ? 'ns' : 'us', bigEndian: !!values.be };
}

function parseSize(s) {
  const m = /^([\d.]+)\s*(B|KB|MB|GB|KiB|MiB|GiB)?$/i.exec(s);
  if (!m) throw new Error(`bad size ${s}`);
  const units = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 2 ** 20, gib: 2 ** 30 };
  return Math.round(Number(m[1]) * units[(m[2] ?? 'B').toLowerCase()]);
}

if (cmd === 'list') {
  for (const [name, e] of Object.entries(gen.SCENARIOS)) console.log(`${name.padEnd(26)} ${e.description}`);
} else if (cmd === 'scenario' && a && b) {
  if (!gen.SCENARIOS[a]) throw new Error(`unknown scenario ${a}; try: list`);
  writeFileSync(b, gen.SCENARIOS[a].build(seed).toBuffer(formatFor(b)));
} else if ((cmd === 'bulk' || cmd === 'flood') && a) {
  const w = new gen.CaptureWriter(new gen.FileSink(a), formatFor(a));
  const stats = cmd === 'bulk' ? gen.generateBulk(w, { seed, targetBytes: parseSize(values.size) }) : gen.generateFlood(w, {
    seed, sources: Number(values.sources), rate: values.rate ? Number(values.rate) : undefined,
    synAckRetries: values['synack-retries'] ? values['synack-retries'].split(',').map(Number) : undefined,
  });
  w.close();
  console.log(JSON.stringify(stats));
} else {
  console.error('usage: gen-capture.mjs list | scenario <name> <out> | bulk <out> --size 100MB | flood <out> --sources N  [--seed n] [--ns] [--be]');
  process.exit(2);
}
