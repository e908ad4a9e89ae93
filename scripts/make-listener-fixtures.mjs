#!/usr/bin/env node
// Writes test/fixtures/listeners/*.pcap.gz from the seeded generator (LISTENER_FIXTURES in
// src/gen/scenarios/listeners.ts) and facts.json: what each fixture's script did per listener
// (connections started, SYNs dropped, the injection). Deterministic: re-running gives the same bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { loadTs } from './bench/bundle.mjs';

const gen = await loadTs('src/gen/index.ts', 'gen');
const out = 'test/fixtures/listeners';
mkdirSync(out, { recursive: true });
const facts = { generator: 'src/gen/scenarios/listeners.ts (FIXTURE_MIX)', baseSec: gen.DEFAULT_BASE_SEC, services: gen.FIXTURE_MIX.services, fixtures: [] };
for (const f of gen.LISTENER_FIXTURES) {
  const sc = gen.listenerMix(f.seed, { ...gen.FIXTURE_MIX, inject: f.inject }, f.file.split('.')[0]);
  // What the script did, from its own packets: SYNs per listener and connections (distinct client ports).
  const per = {};
  for (const p of sc.packets) {
    if (p.kind !== 'tcp' || (p.flags & 0x12) !== 0x02) continue;
    const ip = [...p.path.dst.ip].join('.');
    const k = `${ip}:${p.dstPort}`;
    const e = (per[k] ??= { syns: 0, ports: new Set() });
    e.syns++;
    e.ports.add(p.srcPort);
  }
  const listeners = Object.fromEntries(Object.entries(per).sort().map(([k, e]) => [k, { connections: e.ports.size, syns: e.syns, retriedSyns: e.syns - e.ports.size }]));
  const bytes = gzipSync(sc.toBuffer({ container: 'pcap', resolution: 'us' }), { level: 9, mtime: 0 });
  writeFileSync(join(out, f.file), bytes);
  facts.fixtures.push({ file: f.file, seed: f.seed, change: f.change, inject: f.inject, listeners });
  console.log(`${f.file.padEnd(26)} ${String(bytes.length).padStart(8)} bytes`);
}
writeFileSync(join(out, 'facts.json'), `${JSON.stringify(facts, null, 2)}\n`);
