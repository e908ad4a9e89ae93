#!/usr/bin/env node
// Memory ceiling of the CLI on the two inputs that stress flow state most (docs/reliability.md):
//   flood-1e7       10^7 spoofed sources, one SYN each, answered by SYN-cookie SYN-ACKs
//                   (the bench's flood input, src/gen generateFlood; shared cache with npm run bench)
//   open-flows-1e6  10^6 connections that all complete their handshake before any of them closes
//                   (10^6 flows open at once), then each closes with a RST
//   spread-flood-1e7  10^7 spoofed sources, one unanswered SYN each, spread over 64 servers:
//                   ~156,000 distinct sources per server (the per-server source sets share a budget)
//   port-scan-1e6   one scanner sends a SYN to 10^6 ports on 16 hosts, 20 µs apart: most are
//                   refused (RST), every 8th is filtered (no answer), every 64th is open (SYN-ACK,
//                   then the scanner's RST, as nmap -sS does): 10^6 server endpoints
// Runs `node dist/cli.js analyze <file> --format json` under /usr/bin/time -v (apt-get install
// time) and reports peak RSS against the documented ceiling (200 MiB).
//
//   node scripts/bench/memory.mjs            (after npm run build)
//   MEMORY_SCALE=0.1 node scripts/bench/memory.mjs   smaller inputs for a quick look
//   MEMORY_ONLY=flood|open|spread|scan       one of the inputs
//   MEMORY_CACHE=dir (default ~/.cache/synscope-memory), BENCH_SEED=n
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadTs } from './bundle.mjs';

const CEILING_MIB = 200;
const SEED = Number(process.env.BENCH_SEED ?? 1);
const SCALE = Number(process.env.MEMORY_SCALE ?? 1);
// Its own cache: npm run bench prunes its cache when the generator version changes.
const CACHE = process.env.MEMORY_CACHE ?? join(homedir(), '.cache', 'synscope-memory');

if (!existsSync('dist/cli.js')) {
  console.error('dist/cli.js missing: run npm run build first');
  process.exit(2);
}
if (!existsSync('/usr/bin/time')) {
  console.error('/usr/bin/time missing: apt-get install -y time');
  process.exit(2);
}
const gen = await loadTs('src/gen/index.ts', 'gen');
const dir = join(CACHE, `gen${gen.GENERATOR_VERSION}-seed${SEED}`);
mkdirSync(dir, { recursive: true });

function cached(name, make) {
  const path = join(dir, `${name}.pcap`);
  const marker = join(dir, `${name}.json`);
  if (existsSync(path) && existsSync(marker)) return { path, stats: JSON.parse(readFileSync(marker, 'utf8')) };
  const t = performance.now();
  const w = new gen.CaptureWriter(new gen.FileSink(`${path}.tmp`), { container: 'pcap', resolution: 'us' });
  const stats = make(w);
  w.close();
  renameSync(`${path}.tmp`, path);
  writeFileSync(marker, JSON.stringify(stats));
  console.log(`generated ${name} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  return { path, stats };
}

/** Writes TCP frames at `tNs` nanoseconds after the generator's base second, counting them. */
function frames(w) {
  const base = gen.DEFAULT_BASE_SEC;
  const out = {
    packets: 0,
    write(path, seg, tNs) {
      const at = w.beginFrame(120);
      const len = gen.writeTcpFrame(w.buf, at, path, seg);
      const whole = Math.floor(tNs / 1e9);
      w.endFrame(base + whole, tNs - whole * 1e9, len);
      out.packets++;
    },
  };
  return out;
}

/**
 * `n` clients (distinct addresses) each complete a handshake with one server; only after the
 * last handshake does the first client close (RST), so all n flows are open at the same time.
 * 100 µs between connections: 10^6 handshakes span 100 s, well inside the engine's idle timeout.
 */
function openFlows(w, n) {
  const server = gen.hostFromBytes(Uint8Array.of(198, 51, 100, 10));
  const client = { ip: new Uint8Array(4), mac: Uint8Array.of(2, 0, 0, 0, 0, 9), v6: false };
  const c2s = { src: client, dst: server, ttl: 64 };
  const s2c = { src: server, dst: client, ttl: 64 };
  const seg = { srcPort: 0, dstPort: 443, seq: 0, ack: 0, flags: 0, window: 64240, payloadLen: 0, ipId: 0 };
  const out = frames(w);
  let t = 0;
  const write = (path) => out.write(path, seg, t);
  const setClient = (i) => {
    const a = 0x0a000000 + i; // 10.0.0.0/8, one address per client
    client.ip[0] = a >>> 24; client.ip[1] = (a >>> 16) & 0xff; client.ip[2] = (a >>> 8) & 0xff; client.ip[3] = a & 0xff;
  };
  const isn = (i) => (Math.imul(i + 1, 2654435761) >>> 0);
  for (let i = 0; i < n; i++, t += 100_000) {
    setClient(i);
    const port = 32768 + (i % 28000);
    Object.assign(seg, { srcPort: port, dstPort: 443, seq: isn(i), ack: 0, flags: 0x02 });
    write(c2s);
    Object.assign(seg, { srcPort: 443, dstPort: port, seq: isn(i) ^ 0x5a5a5a5a, ack: (isn(i) + 1) >>> 0, flags: 0x12 });
    t += 1000;
    write(s2c);
    Object.assign(seg, { srcPort: port, dstPort: 443, seq: (isn(i) + 1) >>> 0, ack: ((isn(i) ^ 0x5a5a5a5a) + 1) >>> 0, flags: 0x10 });
    t += 1000;
    write(c2s);
    t -= 2000;
  }
  for (let i = 0; i < n; i++, t += 10_000) {
    setClient(i);
    const port = 32768 + (i % 28000);
    Object.assign(seg, { srcPort: port, dstPort: 443, seq: (isn(i) + 1) >>> 0, ack: ((isn(i) ^ 0x5a5a5a5a) + 1) >>> 0, flags: 0x14 });
    write(c2s);
  }
  return { packets: out.packets, connections: n };
}

/** `n` unanswered SYNs from distinct spoofed sources, round-robin over 64 servers (see the header). */
function spreadFlood(w, n) {
  const src = { ip: new Uint8Array(4), mac: Uint8Array.of(2, 0, 0, 0, 0, 11), v6: false };
  const dst = { ip: Uint8Array.of(198, 51, 100, 0), mac: Uint8Array.of(2, 0, 0, 0, 0, 12), v6: false };
  const path = { src, dst, ttl: 64 };
  const seg = { srcPort: 0, dstPort: 80, seq: 0, ack: 0, flags: 0x02, window: 512, payloadLen: 0, ipId: 0 };
  const out = frames(w);
  let t = 0;
  for (let i = 0; i < n; i++, t += 2000) {
    const a = Math.imul(i + 1, 2654435761) >>> 0; // distinct for every i < 2^32
    src.ip[0] = a >>> 24; src.ip[1] = (a >>> 16) & 0xff; src.ip[2] = (a >>> 8) & 0xff; src.ip[3] = a & 0xff;
    dst.ip[3] = 1 + (i % 64);
    seg.srcPort = 1024 + (a % 64000);
    seg.seq = Math.imul(a, 747796405) >>> 0;
    out.write(path, seg, t);
  }
  return { packets: n, servers: 64 };
}

/** A SYN scan of `n` ports (see the header). */
function portScan(w, n) {
  const scanner = gen.hostFromBytes(Uint8Array.of(203, 0, 113, 7));
  const target = { ip: Uint8Array.of(10, 1, 0, 0), mac: Uint8Array.of(2, 0, 0, 0, 0, 10), v6: false };
  const probe = { src: scanner, dst: target, ttl: 64 };
  const answer = { src: target, dst: scanner, ttl: 64 };
  const seg = { srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 1024, payloadLen: 0, ipId: 0 };
  const out = frames(w);
  let t = 0;
  const write = (path, dt) => {
    t += dt;
    out.write(path, seg, t);
  };
  for (let i = 0; i < n; i++) {
    target.ip[3] = 1 + (i % 16);
    const port = 1 + (Math.floor(i / 16) % 65535);
    const isn = Math.imul(i + 1, 2654435761) >>> 0;
    Object.assign(seg, { srcPort: 61000, dstPort: port, seq: isn, ack: 0, flags: 0x02, window: 1024 });
    write(probe, 20_000);
    if (i % 8 === 7) continue; // filtered: no answer
    if (i % 64 === 0) {
      Object.assign(seg, { srcPort: port, dstPort: 61000, seq: isn ^ 0x5a5a5a5a, ack: (isn + 1) >>> 0, flags: 0x12, window: 65535 });
      write(answer, 200);
      Object.assign(seg, { srcPort: 61000, dstPort: port, seq: (isn + 1) >>> 0, ack: 0, flags: 0x04, window: 0 });
      write(probe, 10);
      t -= 210;
    } else {
      Object.assign(seg, { srcPort: port, dstPort: 61000, seq: 0, ack: (isn + 1) >>> 0, flags: 0x14, window: 0 });
      write(answer, 200);
      t -= 200;
    }
  }
  return { packets: out.packets, probes: n };
}

const ONLY = process.env.MEMORY_ONLY ?? ''; // 'flood', 'open', 'spread' or 'scan': run one input only
const floodSources = Math.round(1e7 * SCALE);
const openCount = Math.round(1e6 * SCALE);
const scanCount = Math.round(1e6 * SCALE);
const inputs = [];
if (!ONLY || ONLY === 'flood') inputs.push(
  { name: SCALE === 1 ? 'flood-1e7' : `flood-${floodSources}`, what: `${floodSources.toLocaleString('en-US')}-source SYN flood`, expectFlows: floodSources,
    ...cached(SCALE === 1 ? 'flood-1e7' : `flood-${floodSources}`, (w) => gen.generateFlood(w, { seed: SEED, sources: floodSources })) });
if (!ONLY || ONLY === 'open') inputs.push(
  { name: `open-flows-${openCount}`, what: `${openCount.toLocaleString('en-US')} flows open at once`, expectFlows: openCount,
    ...cached(`open-flows-${openCount}`, (w) => openFlows(w, openCount)) });
if (!ONLY || ONLY === 'spread') inputs.push(
  { name: SCALE === 1 ? 'spread-flood-1e7' : `spread-flood-${floodSources}`, what: `${floodSources.toLocaleString('en-US')}-source SYN flood over 64 servers`, expectFlows: floodSources,
    ...cached(SCALE === 1 ? 'spread-flood-1e7' : `spread-flood-${floodSources}`, (w) => spreadFlood(w, floodSources)) });
if (!ONLY || ONLY === 'scan') inputs.push(
  { name: `port-scan-${scanCount}`, what: `SYN scan of ${scanCount.toLocaleString('en-US')} ports`, expectFlows: scanCount,
    ...cached(`port-scan-${scanCount}`, (w) => portScan(w, scanCount)) });

function measure(file, outFile) {
  return new Promise((resolve) => {
    const out = openSync(outFile, 'w');
    const start = performance.now();
    const child = spawn('/usr/bin/time', ['-v', process.execPath, 'dist/cli.js', 'analyze', file, '--format', 'json'], { stdio: ['ignore', out, 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (status) => {
      closeSync(out);
      const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1] ?? NaN);
      resolve({ status, seconds: (performance.now() - start) / 1000, peakMiB: kb / 1024, stderr: err });
    });
  });
}

const rows = [];
for (const input of inputs) {
  const outFile = join(dir, `${input.name}.memory-out.json`);
  process.stdout.write(`${input.name} (${(statSync(input.path).size / 1e6).toFixed(0)} MB, ${input.stats.packets.toLocaleString('en-US')} packets): `);
  const r = await measure(input.path, outFile);
  let summary = null;
  try { summary = JSON.parse(readFileSync(outFile, 'utf8')).summary; } catch { /* reported below */ }
  rmSync(outFile, { force: true });
  const row = {
    input: input.name, what: input.what, bytes: statSync(input.path).size, packets: input.stats.packets,
    status: r.status, seconds: r.seconds, peakMiB: r.peakMiB, withinCeiling: r.status === 0 && r.peakMiB <= CEILING_MIB,
    flows: summary?.flows ?? null, expectedFlows: input.expectFlows, handshakesComplete: summary?.handshakesComplete ?? null,
  };
  rows.push(row);
  console.log(`exit ${r.status}, ${r.seconds.toFixed(1)} s, peak RSS ${r.peakMiB.toFixed(0)} MiB${r.status !== 0 ? ' — FAILED' : row.withinCeiling ? '' : ` — over the ${CEILING_MIB} MiB ceiling`}, ${row.flows} flows (expected ${row.expectedFlows})`);
  if (r.status !== 0) console.log(r.stderr.split('\n').slice(0, 6).join('\n'));
}
console.log(`\n| input | packets | wall (s) | peak RSS (MiB) | ≤ ${CEILING_MIB} MiB | flows (expected) |`);
console.log('|---|---:|---:|---:|---|---:|');
for (const r of rows) {
  console.log(`| ${r.what} | ${r.packets.toLocaleString('en-US')} | ${r.seconds.toFixed(1)} | ${r.peakMiB.toFixed(0)} | ${r.status !== 0 ? `failed (exit ${r.status})` : r.withinCeiling ? 'yes' : 'NO'} | ${r.flows?.toLocaleString('en-US') ?? '?'} (${r.expectedFlows.toLocaleString('en-US')}) |`);
}
mkdirSync('bench-results', { recursive: true });
const file = join('bench-results', `memory-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ when: new Date().toISOString(), ceilingMiB: CEILING_MIB, scale: SCALE, node: process.version, rows }, null, 1));
console.log(`results: ${file}`);
process.exit(rows.every((r) => r.status === 0 && r.withinCeiling) ? 0 : 1);
