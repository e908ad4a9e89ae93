#!/usr/bin/env node
// Prints a bench-results/*.json run as the Markdown used in docs/performance.md.
//   node scripts/bench/toMarkdown.mjs bench-results/<run>.json
import { readFileSync } from 'node:fs';

const r = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const m = r.machine;
console.log(`Run ${r.when} (${r.quick ? 'BENCH_QUICK' : 'full'}, seed ${r.seed}, generator v${r.generatorVersion}): ` +
  `${m.nproc} × ${m.cpu}, ${m.ramGB} GB RAM, Node ${m.node}, ${(m.tshark ?? 'no tshark').replace(/\.$/, '')}.` +
  `${m.loadAverage ? ` Load average ${m.loadAverage.start} at start, ${m.loadAverage.end} at end (2 cores shared with other jobs).` : ''} Whole bench ${r.totalSeconds.toFixed(0)} s.`);
console.log('');
console.log('Input generation (three formats per set written in one pass):');
console.log('');
for (const g of r.generation) {
  const s = g.stats;
  const what = s.connections !== undefined ? `${s.packets.toLocaleString('en-US')} packets, ${s.connections.toLocaleString('en-US')} connections + ${s.floodSyns.toLocaleString('en-US')} flood SYNs, ${(s.durationNs / 1e9).toFixed(1)} s of traffic` : `${s.packets.toLocaleString('en-US')} packets`;
  console.log(`- ${g.set}: ${g.cached ? 'cached' : `${g.seconds.toFixed(1)} s`} (${what})`);
}
console.log(r.table.split('\n').map((l) => (l && !l.startsWith('|') && !l.startsWith('- ') ? `#### ${l}` : l)).join('\n'));
