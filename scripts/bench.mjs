#!/usr/bin/env node
// `npm run bench`: synscope against the physical limit and against other tools, on inputs made
// by our own generator (src/gen) and cached outside the repo. See docs/performance.md.
//
//   BENCH_QUICK=1     only the 100 MB inputs
//   BENCH_SEED=n      generator seed (default 1)
//   BENCH_CACHE=dir   input cache (default ~/.cache/synscope-bench)
//   BENCH_CLI_TIMEOUT=s     cap per synscope CLI run (default 150 s)
//   BENCH_TSHARK_TIMEOUT=s  cap per tshark run (default 120 s; on inputs over 500 MB tshark runs
//                     on the µs pcap only, `-2 tcp.analysis` capped at 30 s so the bench stays
//                     under 10 minutes; -z conv,tcp keeps 120 s on the mix: it is the speed
//                     reference; 30 s on the flood)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, closeSync } from 'node:fs';
import { cpus, homedir, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundleTs, loadTs } from './bench/bundle.mjs';
import { ensureFollowInput, followBench, followLines } from './bench/follow.mjs';

const t0 = performance.now();
const loadAtStart = loadavg();
const QUICK = !!process.env.BENCH_QUICK;
const SEED = Number(process.env.BENCH_SEED ?? 1);
const CACHE = process.env.BENCH_CACHE ?? join(homedir(), '.cache', 'synscope-bench');
const TSHARK_TIMEOUT = process.env.BENCH_TSHARK_TIMEOUT ? Number(process.env.BENCH_TSHARK_TIMEOUT) : null;
const CLI_TIMEOUT = Number(process.env.BENCH_CLI_TIMEOUT ?? 150);
const MB = 1e6;

const gen = await loadTs('src/gen/index.ts', 'gen');
const dir = join(CACHE, `gen${gen.GENERATOR_VERSION}-seed${SEED}`);
mkdirSync(dir, { recursive: true });

// ---------- inputs ----------

const FORMATS = [
  { suffix: '.pcap', label: 'pcap µs', format: { container: 'pcap', resolution: 'us' } },
  { suffix: '-ns.pcap', label: 'pcap ns', format: { container: 'pcap', resolution: 'ns' } },
  { suffix: '.pcapng', label: 'pcapng', format: { container: 'pcapng', resolution: 'us' } },
];

function writerFor(path, format) {
  return new gen.CaptureWriter(new gen.FileSink(path), format);
}

/** One bulk capture in three formats, generated once (one pass feeds three writers). */
function ensureMix(name, targetBytes) {
  const marker = join(dir, `${name}.json`);
  const files = FORMATS.map((f) => ({ ...f, path: join(dir, name + f.suffix) }));
  if (existsSync(marker) && files.every((f) => existsSync(f.path))) return { files, stats: JSON.parse(readFileSync(marker, 'utf8')), generatedS: 0 };
  const start = performance.now();
  const writers = files.map((f) => writerFor(`${f.path}.tmp`, f.format));
  const stats = gen.generateBulk(writers[0], { seed: SEED, targetBytes, also: writers.slice(1) });
  for (const w of writers) w.close();
  files.forEach((f) => renameSync(`${f.path}.tmp`, f.path));
  writeFileSync(marker, JSON.stringify(stats));
  return { files, stats, generatedS: (performance.now() - start) / 1000 };
}

function ensureFlood(name, sources) {
  const path = join(dir, `${name}.pcap`);
  const marker = join(dir, `${name}.json`);
  if (existsSync(marker) && existsSync(path)) return { files: [{ path, label: 'pcap µs', suffix: '.pcap' }], stats: JSON.parse(readFileSync(marker, 'utf8')), generatedS: 0 };
  const start = performance.now();
  const w = writerFor(`${path}.tmp`, { container: 'pcap', resolution: 'us' });
  const stats = gen.generateFlood(w, { seed: SEED, sources });
  w.close();
  renameSync(`${path}.tmp`, path);
  writeFileSync(marker, JSON.stringify(stats));
  return { files: [{ path, label: 'pcap µs', suffix: '.pcap' }], stats, generatedS: (performance.now() - start) / 1000 };
}

const sets = [{ name: 'mix-100MB', make: () => ensureMix('mix-100MB', 100 * MB) }];
if (!QUICK) {
  sets.push({ name: 'mix-1GiB', make: () => ensureMix('mix-1GiB', 2 ** 30) });
  sets.push({ name: 'flood-1e7', make: () => ensureFlood('flood-1e7', 1e7) });
}
const generation = [];
const inputs = [];
for (const s of sets) {
  const r = s.make();
  generation.push({ set: s.name, seconds: r.generatedS, cached: r.generatedS === 0, stats: r.stats });
  console.log(r.generatedS ? `generated ${s.name} in ${r.generatedS.toFixed(1)} s` : `cached ${s.name} (${dir})`);
  for (const f of r.files) inputs.push({ set: s.name, file: f.path, label: f.label, pcapMicro: f.label === 'pcap µs', bytes: statSync(f.path).size });
}

// ---------- measuring ----------

const haveTime = existsSync('/usr/bin/time');
const haveTshark = !spawnSync('tshark', ['-v'], { stdio: 'ignore' }).error;
const haveCli = existsSync('dist/cli.js');
const haveWorker = existsSync('dist/worker.js');
const haveEngine = existsSync('src/core/engine/analyzer.ts');
const readerBundle = await bundleTs('scripts/bench/readerOnly.ts', 'reader');
const firstFlowBundle = haveEngine ? await bundleTs('scripts/bench/firstFlow.ts', 'firstflow') : null;

/**
 * Runs a command under /usr/bin/time (peak RSS) with a wall-clock cap; the whole process
 * group is killed on timeout. Wall time is measured here, so node start-up is included.
 */
function measure(cmd, args, { timeoutS = 600, discardStdout = false } = {}) {
  return new Promise((resolve) => {
    const devnull = discardStdout ? openSync('/dev/null', 'w') : null;
    const argv = haveTime ? ['/usr/bin/time', ['-f', '__BENCH__ %M %U %S', cmd, ...args]] : [cmd, args];
    const start = performance.now();
    const child = spawn(argv[0], argv[1], { detached: true, stdio: ['ignore', devnull ?? 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }, timeoutS * 1000);
    child.on('close', (status) => {
      clearTimeout(timer);
      if (devnull !== null) closeSync(devnull);
      const seconds = (performance.now() - start) / 1000;
      const m = /__BENCH__ (\d+) ([\d.]+) ([\d.]+)/.exec(err);
      let json = null;
      try { json = out ? JSON.parse(out) : null; } catch { /* not JSON */ }
      // %M is in KiB, so maxRssMB is in MiB (the field keeps its old name for earlier result files).
      resolve({ seconds, status, timedOut, timeoutS, maxRssMB: m ? Number(m[1]) / 1024 : null, cpuSeconds: m ? Number(m[2]) + Number(m[3]) : null, json, stderr: err.replace(/__BENCH__.*\n?/, '').trim().slice(0, 400) });
    });
  });
}

function row(tool, r, input, packets, bare, extra = {}) {
  if (!r) return { tool, na: extra.na ?? 'n/a' };
  if (r.timedOut) return { tool, timedOut: true, seconds: r.timeoutS, maxRssMB: null, note: `> ${r.timeoutS} s` };
  if (r.status !== 0) return { tool, failed: true, status: r.status, note: `failed (exit ${r.status}): ${r.stderr.split('\n')[0]}` };
  return {
    tool,
    seconds: r.seconds,
    cpuSeconds: r.cpuSeconds,
    mbPerS: input.bytes / MB / r.seconds,
    packetsPerS: packets ? packets / r.seconds : null,
    // Throughput as a fraction of the bare read's (same file, same run): 1 = as fast as reading.
    xBare: bare ? bare.seconds / r.seconds : null,
    maxRssMB: r.maxRssMB,
    ...extra,
  };
}

const MINIMAL = 'minimal pass (records → TCP → 4-tuple table → SYN/SYN-ACK/ACK counts)';
const results = [];
for (const input of inputs) {
  const big = input.bytes > 500 * MB;
  const tsharkCap = TSHARK_TIMEOUT ?? (big ? 30 : 120);
  // The conversation table is the speed reference (issue 7: ≥ 20× faster), so it gets time to
  // finish on the large µs pcap too.
  const convCap = TSHARK_TIMEOUT ?? (input.set.startsWith('flood') ? 30 : 120);
  const runTshark = haveTshark && (!big || input.pcapMicro);
  const f = input.file;
  const name = f.slice(dir.length + 1);
  process.stdout.write(`\n${name} (${input.label}, ${(input.bytes / MB).toFixed(0)} MB): `);
  // Every tool reads from the page cache; so must the reference. An untimed read first: without
  // it the bare read alone paid for the disk whenever the file had been evicted since it was
  // written, and every other tool looked faster than the physical limit.
  await measure('node', ['scripts/bench/bareRead.mjs', f]);
  const bare = await measure('node', ['scripts/bench/bareRead.mjs', f]);
  process.stdout.write('bare ');
  const reader = await measure('node', [readerBundle, f]);
  process.stdout.write('reader ');
  const packets = reader.json?.packets ?? null;
  const rows = [row('bare read (1 MiB chunks)', bare, input, packets, null)];
  rows.push(row('synscope reader only', reader, input, packets, bare));
  if (haveCli) {
    const cli = await measure('node', ['dist/cli.js', 'analyze', f, '--format', 'json'], { discardStdout: true, timeoutS: CLI_TIMEOUT });
    // exit 1 = findings at --fail-on (not used here); 0 is the normal case
    rows.push(row('synscope analyze --format json', cli, input, packets, bare));
    process.stdout.write('cli ');
  } else rows.push(row('synscope analyze --format json', null, input, packets, bare, { na: 'n/a (dist/cli.js not built)' }));
  // The least work any per-flow handshake analyser does in Node (scripts/bench/minimalPass.mjs):
  // the full analysis's CPU is judged against it, in the same run (issue 16: ≤ 2×).
  rows.push(row(MINIMAL, await measure('node', ['scripts/bench/minimalPass.mjs', f]), input, packets, bare));
  process.stdout.write('minimal ');
  if (firstFlowBundle) {
    const ff = await measure('node', [firstFlowBundle, f], { timeoutS: 60 });
    const ms = ff.status === 0 ? ff.json?.firstFlowMs : null;
    rows.push(typeof ms === 'number'
      ? { tool: 'synscope first flow (Analyzer in-process)', firstFlowMs: ms, maxRssMB: ff.maxRssMB }
      : row('synscope first flow (Analyzer in-process)', ff.status === 0 ? null : ff, input, packets, bare, { na: 'no flow' }));
    process.stdout.write('first-flow ');
  }
  if (haveWorker && input.set.startsWith('mix')) {
    const wp = await measure('node', ['scripts/bench/workerPath.mjs', f], { timeoutS: CLI_TIMEOUT });
    const j = wp.status === 0 ? wp.json : null;
    rows.push(j
      ? { ...row('synscope worker path (extension)', { ...wp, seconds: j.doneMs / 1000 }, input, packets, bare), firstFlowMs: j.firstFlowsMs, loop: j }
      : row('synscope worker path (extension)', wp, input, packets, bare));
    process.stdout.write('worker ');
  }
  // The package is a reader reference: the mix inputs show it; on the flood it only costs time.
  if (input.pcapMicro && !input.set.startsWith('flood')) {
    rows.push(row('pcap-parser (npm) count', await measure('node', ['scripts/bench/pcapParserCount.cjs', f]), input, packets, bare));
    process.stdout.write('pcap-parser ');
  } else rows.push(row('pcap-parser (npm) count', null, input, packets, bare, { na: input.pcapMicro ? 'not run (reader reference: see the mix)' : 'n/a (µs pcap only)' }));
  if (runTshark) {
    rows.push(row('tshark -z conv,tcp', await measure('tshark', ['-n', '-q', '-z', 'conv,tcp', '-r', f], { timeoutS: convCap, discardStdout: true }), input, packets, bare));
    process.stdout.write('tshark ');
    rows.push(row('tshark -2 tcp.analysis', await measure('tshark', ['-2', '-n', '-q', '-r', f, '-R', 'tcp.analysis.flags'], { timeoutS: tsharkCap, discardStdout: true }), input, packets, bare));
    process.stdout.write('tshark-2 ');
  } else {
    const why = haveTshark ? 'not run (tshark runs on the µs pcap of large sets)' : 'n/a (tshark not installed)';
    rows.push(row('tshark -z conv,tcp', null, input, packets, bare, { na: why }));
    rows.push(row('tshark -2 tcp.analysis', null, input, packets, bare, { na: why }));
  }
  results.push({ input: name, set: input.set, format: input.label, bytes: input.bytes, packets, rows });
}

// ---------- follow (a capture written while synscope follow reads it: scripts/bench/follow.mjs) ----------

let follow = null;
if (haveCli && process.env.BENCH_FOLLOW !== '0') {
  const minutes = Number(process.env.BENCH_FOLLOW_MINUTES ?? (QUICK ? 1 : 30));
  const input = ensureFollowInput(gen, dir, SEED, minutes);
  console.log(`\n${input.generatedS ? `generated follow-${minutes}min in ${input.generatedS.toFixed(0)} s` : `cached follow-${minutes}min`}; following it`);
  generation.push({ set: `follow-${minutes}min`, seconds: input.generatedS, cached: input.generatedS === 0, stats: input.stats });
  // 10× real time: 200 kpps, well inside one core's analysis rate, so the lag measures following, not a CPU deficit.
  follow = await followBench({ cli: 'dist/cli.js', input, speedup: Number(process.env.BENCH_FOLLOW_SPEEDUP ?? 10), workDir: dir });
}

// ---------- report ----------

/** The issue's goals as same-run ratios, for one input. */
function goals(r) {
  const by = (t) => r.rows.find((x) => x.tool === t && x.seconds !== undefined && !x.timedOut && !x.failed);
  const cli = by('synscope analyze --format json');
  const reader = by('synscope reader only');
  const conv = by('tshark -z conv,tcp');
  const convCapped = r.rows.find((x) => x.tool === 'tshark -z conv,tcp' && x.timedOut);
  const worker = r.rows.find((x) => x.tool === 'synscope worker path (extension)' && x.loop);
  const minimal = by(MINIMAL);
  const out = [];
  if (reader) out.push(`reader throughput ${fmt(reader.xBare, 2)} × bare read (goal ≥ 0.7)`);
  if (cli) out.push(`analyze throughput ${fmt(cli.xBare, 2)} × bare read (goal ≥ 0.5); peak RSS ${fmt(cli.maxRssMB, 0)} MiB (goal ≤ 200 MiB)`);
  else out.push('analyze: no time (capped or failed)');
  if (cli && minimal) out.push(`analyze CPU ${fmt(cli.cpuSeconds / minimal.cpuSeconds, 2)} × the minimal pass's (${fmt(cli.cpuSeconds, 2)} s against ${fmt(minimal.cpuSeconds, 2)} s; goal ≤ 2)`);
  if (cli && conv) out.push(`vs tshark -z conv,tcp: ${fmt(conv.seconds / cli.seconds, 1)} × faster by wall time, ${fmt(conv.cpuSeconds / cli.cpuSeconds, 1)} × by CPU time (goal ≥ 20)`);
  else if (cli && convCapped) out.push(`vs tshark -z conv,tcp: > ${fmt(convCapped.seconds / cli.seconds, 1)} × faster (tshark capped at ${convCapped.seconds} s)`);
  if (worker) out.push(`worker path: first flows after ${worker.loop.firstFlowsMs} ms (goal < 1000), host event-loop delay max ${worker.loop.loopDelayMaxMs} ms, p99 ${worker.loop.loopDelayP99Ms} ms (goal < 50; idle floor in the same process: max ${worker.loop.idleLoopDelayMaxMs} ms)`);
  return out;
}

/** The goal that compares inputs: the CLI's peak RSS on the 1 GiB mix against the 100 MB one, per format. */
function rssGrowth() {
  const rss = (r) => r?.rows.find((x) => x.tool === 'synscope analyze --format json' && x.maxRssMB)?.maxRssMB;
  const out = [];
  for (const big of results.filter((r) => r.set === 'mix-1GiB')) {
    const a = rss(results.find((r) => r.set === 'mix-100MB' && r.format === big.format));
    const b = rss(big);
    if (a && b) out.push(`CLI peak RSS, ${big.format}: ${fmt(b, 0)} MiB on 1 GiB against ${fmt(a, 0)} MiB on 100 MB = ${fmt(b / a, 2)} × (goal ≤ 1.1)`);
  }
  return out;
}

function fmt(n, digits = 1) {
  return n === null || n === undefined ? '' : n.toFixed(digits);
}

const lines = [];
for (const r of results) {
  lines.push('');
  lines.push(`${r.input}: ${r.format}, ${(r.bytes / MB).toFixed(1)} MB, ${r.packets?.toLocaleString('en-US') ?? '?'} packets`);
  lines.push('| tool | wall (s) | CPU (s) | MB/s | packets/s | throughput ÷ bare read | peak RSS (MiB) | first flow (ms) |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const x of r.rows) {
    if (x.na || x.note) {
      lines.push(`| ${x.tool} | ${x.na ?? x.note} | | | | | | |`);
      continue;
    }
    const pps = x.packetsPerS === null || x.packetsPerS === undefined ? '' : `${(x.packetsPerS / 1e6).toFixed(2)} M`;
    lines.push(`| ${x.tool} | ${fmt(x.seconds, 2)} | ${fmt(x.cpuSeconds, 2)} | ${fmt(x.mbPerS, 0)} | ${pps} | ${fmt(x.xBare, 2)} | ${fmt(x.maxRssMB, 0)} | ${x.firstFlowMs === undefined || x.firstFlowMs === null ? '' : fmt(x.firstFlowMs, 0)} |`);
  }
  lines.push('');
  for (const g of goals(r)) lines.push(`- ${g}`);
}
if (follow) {
  lines.push('');
  lines.push(...followLines(follow));
}
const growth = rssGrowth();
if (growth.length > 0) {
  lines.push('');
  lines.push('RSS growth from 100 MB to 1 GiB');
  for (const g of growth) lines.push(`- ${g}`);
}
const machine = {
  nproc: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  ramGB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  tshark: haveTshark ? spawnSync('tshark', ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0] : null,
  // Other jobs on the machine inflate wall times: the 1-minute load average at start and end.
  loadAverage: { start: Number(loadAtStart[0].toFixed(1)), end: Number(loadavg()[0].toFixed(1)) },
};
const totalS = (performance.now() - t0) / 1000;
console.log(`\n${lines.join('\n')}\n`);
console.log(`machine: ${machine.nproc} × ${machine.cpu}, ${machine.ramGB} GB RAM, node ${machine.node}; load average ${machine.loadAverage.start} at start, ${machine.loadAverage.end} at end; whole bench ${totalS.toFixed(0)} s`);
mkdirSync('bench-results', { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const out = join('bench-results', `${stamp}.json`);
writeFileSync(out, JSON.stringify({ when: new Date().toISOString(), quick: QUICK, seed: SEED, generatorVersion: gen.GENERATOR_VERSION, cache: dir, machine, generation, totalSeconds: totalS, results, follow, table: lines.join('\n') }, null, 1));
console.log(`results: ${out}`);
