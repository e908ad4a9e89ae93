// The follow row of `npm run bench`: a capture written at 20,000 packets/s of capture time for
// 30 minutes (the generator's bulk mix, headers only like `tcpdump -s 96`), replayed into a file
// time-compressed (BENCH_FOLLOW_SPEEDUP × real time, the same packet count) while
// `synscope follow --format ndjson` reads it. Reported: the follower's RSS curve and peak, how
// far behind the writer the analysis was (age of the oldest unread byte, sampled at every
// summary line), and the latency from the flush of the packet that completes a finding's
// evidence (refused: the RST; reset-during-handshake: the RST; slow-handshake: the ACK) to the
// finding's line on the follower's stdout. Measurements only: no assertion.
//
//   BENCH_FOLLOW_MINUTES=n   capture minutes at 20 kpps (default 30; BENCH_QUICK: 1)
//   BENCH_FOLLOW_SPEEDUP=k   replay speed-up (default 10)
//   BENCH_FOLLOW=0           skip the row
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const PPS = 20_000;
const COMPLETING = new Set(['refused', 'reset-during-handshake', 'slow-handshake']);

/** The bulk mix at about PPS packets per capture second, headers only, `minutes` long. */
export function ensureFollowInput(gen, dir, seed, minutes) {
  const name = `follow-${minutes}min`;
  const path = join(dir, `${name}.pcap`);
  const marker = join(dir, `${name}.json`);
  if (existsSync(marker) && existsSync(path)) return { path, stats: JSON.parse(readFileSync(marker, 'utf8')), generatedS: 0 };
  const start = performance.now();
  const w = new gen.CaptureWriter(new gen.FileSink(`${path}.tmp`), { container: 'pcap', resolution: 'us', snaplen: 96 });
  // 720 connections/s of the mix make ~20 kpps; ~98 bytes a record at snap length 96.
  const stats = gen.generateBulk(w, { seed, targetBytes: Math.round(PPS * 60 * minutes * 98), connectionsPerSecond: 720 });
  w.close();
  renameSync(`${path}.tmp`, path);
  writeFileSync(marker, JSON.stringify(stats));
  return { path, stats, generatedS: (performance.now() - start) / 1000 };
}

function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** End offsets of the given frames (1-based) in a pcap file. */
function frameEnds(path, frames) {
  const want = new Set(frames);
  const ends = new Map();
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(8 << 20);
  let filePos = 24;
  let frame = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, filePos);
      if (n < 16) break;
      let p = 0;
      while (p + 16 <= n) {
        const len = buf.readUInt32LE(p + 8);
        if (p + 16 + len > n) break;
        frame++;
        if (want.has(frame)) ends.set(frame, filePos + p + 16 + len);
        p += 16 + len;
      }
      if (p === 0) break;
      filePos += p;
    }
  } finally {
    closeSync(fd);
  }
  return ends;
}

export async function followBench({ cli, input, speedup, workDir }) {
  const size = statSync(input.path).size;
  // Per process: two benches sharing the cache must not replace each other's file mid-run.
  const target = join(workDir, `follow-target-${process.pid}.pcap`);
  rmSync(target, { force: true });
  const bytesPerS = (size / (input.stats.durationNs / 1e9)) * speedup;
  const out = openSync(target, 'w');
  const src = openSync(input.path, 'r');
  // The header first, so the follower starts on a capture.
  const head = Buffer.alloc(24);
  readSync(src, head, 0, 24, 0);
  writeSync(out, head);
  const log = { t: [performance.now()], bytes: [24] };
  const child = spawn('/usr/bin/time', ['-f', '__BENCH__ %M %U %S', process.execPath, cli, 'follow', target, '--format', 'ndjson'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const summaries = [];
  const findings = [];
  let end = null;
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    const now = performance.now();
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop();
    for (const l of lines) {
      if (l.startsWith('{"schema":"synscope-follow/1","wall":') && l.includes('"type":"summary"')) {
        const s = JSON.parse(l).status;
        summaries.push({ t: now, bytesRead: s.bytesRead, rss: s.rssBytes, packets: s.packets, flows: s.flows, active: s.activeFlows });
      } else if (l.includes('"type":"finding","change":"new"')) {
        const f = JSON.parse(l).finding;
        if (COMPLETING.has(f.code)) findings.push({ t: now, code: f.code, packet: f.packet });
      } else if (l.includes('"type":"end"')) end = JSON.parse(l);
    }
  });
  const exited = new Promise((r) => child.on('close', r));
  // The writer: every 10 ms, what the paced rate owes, from the generated file.
  const started = performance.now();
  let written = 24;
  const chunk = Buffer.alloc(16 << 20);
  while (written < size) {
    await new Promise((r) => setTimeout(r, 10));
    const due = Math.min(size, 24 + Math.round(((performance.now() - started) / 1000) * bytesPerS));
    while (written < due) {
      const n = readSync(src, chunk, 0, Math.min(chunk.length, due - written), written);
      writeSync(out, chunk, 0, n);
      written += n;
    }
    log.t.push(performance.now());
    log.bytes.push(written);
  }
  closeSync(src);
  closeSync(out);
  const writeS = (performance.now() - started) / 1000;
  // Until the follower has read it all, then the stop.
  while (!summaries.length || summaries[summaries.length - 1].bytesRead < size) await new Promise((r) => setTimeout(r, 100));
  const caughtUpS = (performance.now() - started) / 1000;
  // To the process group: GNU time ignores SIGINT itself and would not pass it on.
  process.kill(-child.pid, 'SIGINT');
  await exited;
  const m = /__BENCH__ (\d+) ([\d.]+) ([\d.]+)/.exec(err);
  // Age of the oldest unread byte at each summary line.
  const firstAbove = (bytes) => {
    let lo = 0;
    let hi = log.bytes.length - 1;
    if (log.bytes[hi] <= bytes) return null;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (log.bytes[mid] > bytes) hi = mid;
      else lo = mid + 1;
    }
    return log.t[lo];
  };
  const lags = summaries.map((s) => {
    const w = firstAbove(s.bytesRead);
    return w === null ? 0 : Math.max(0, (s.t - w) / 1000);
  }).sort((a, b) => a - b);
  const ends = frameEnds(input.path, findings.map((f) => f.packet));
  const latencies = findings.map((f) => {
    const endByte = ends.get(f.packet);
    if (endByte === undefined) return null;
    // Flushed at the first writer tick that had written past the record.
    let i = 0;
    while (i < log.bytes.length && log.bytes[i] < endByte) i++;
    return (f.t - log.t[Math.min(i, log.t.length - 1)]) / 1000;
  }).filter((x) => x !== null).sort((a, b) => a - b);
  const rssCurve = [];
  // About 30 points: one a minute of a real-time 30-minute run.
  const step = Math.max(1, Math.floor(summaries.length / 30));
  for (let i = 0; i < summaries.length; i += step) rssCurve.push({ atS: Number(((summaries[i].t - started) / 1000).toFixed(1)), rssMiB: Math.round(summaries[i].rss / 2 ** 20), packets: summaries[i].packets, flows: summaries[i].flows });
  rmSync(target, { force: true });
  const rss = summaries.map((s) => s.rss / 2 ** 20);
  const tenth = rss.slice(Math.floor(rss.length * 0.1));
  // Flat or not, as one number: the least-squares slope of RSS over the run after its first tenth.
  const late = summaries.slice(Math.floor(summaries.length * 0.1)).map((s) => [(s.t - started) / 60000, s.rss / 2 ** 20]);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const mx = late.length ? mean(late.map((p) => p[0])) : 0;
  const my = late.length ? mean(late.map((p) => p[1])) : 0;
  const sxx = late.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  const trend = sxx > 0 ? late.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / sxx : null;
  return {
    tool: `synscope follow --format ndjson (${input.stats.packets.toLocaleString('en-US')} packets, ${(input.stats.durationNs / 6e10).toFixed(1)} min of capture at ${Math.round(input.stats.packets / (input.stats.durationNs / 1e9)).toLocaleString('en-US')} packets/s, replayed ${speedup}× faster)`,
    writeSeconds: writeS,
    caughtUpSeconds: caughtUpS,
    cpuSeconds: m ? Number(m[2]) + Number(m[3]) : null,
    maxRssMB: m ? Number(m[1]) / 1024 : null,
    rssAfterFirstTenthMiB: tenth.length ? { min: Math.round(Math.min(...tenth)), max: Math.round(Math.max(...tenth)) } : null,
    rssTrendMiBPerMinute: trend,
    rssCurve,
    lagSeconds: { p50: quantile(lags, 0.5), p99: quantile(lags, 0.99), max: lags[lags.length - 1] ?? null, samples: lags.length },
    findingLatencySeconds: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies[latencies.length - 1] ?? null, samples: latencies.length },
    end: end ? { packets: end.capture.packets, flows: end.summary.flows, handshakesComplete: end.summary.handshakesComplete, findings: end.summary.findings } : null,
  };
}

export function followLines(r) {
  const f = (x, d = 2) => (x === null || x === undefined ? '' : x.toFixed(d));
  return [
    `follow: ${r.tool}`,
    `- writer ${f(r.writeSeconds, 1)} s; follower caught up ${f(r.caughtUpSeconds, 1)} s after the writer started; follower CPU ${f(r.cpuSeconds, 1)} s, peak RSS ${f(r.maxRssMB, 0)} MiB`,
    `- RSS after the first tenth of the run: ${r.rssAfterFirstTenthMiB?.min}–${r.rssAfterFirstTenthMiB?.max} MiB, trend ${f(r.rssTrendMiBPerMinute)} MiB a minute (least squares); curve (s: MiB): ${r.rssCurve.map((c) => `${c.atS}: ${c.rssMiB}`).join(', ')}`,
    `- behind the writer (age of the oldest unread byte, ${r.lagSeconds.samples} samples): p50 ${f(r.lagSeconds.p50)} s, p99 ${f(r.lagSeconds.p99)} s, max ${f(r.lagSeconds.max)} s (goal ≤ 1 s)`,
    `- packet flushed → finding printed (refused, reset-during-handshake, slow-handshake; ${r.findingLatencySeconds.samples} findings): p50 ${f(r.findingLatencySeconds.p50, 3)} s, p99 ${f(r.findingLatencySeconds.p99, 3)} s, max ${f(r.findingLatencySeconds.max, 3)} s (goal ≤ 1 s)`,
  ];
}

// Alone: node scripts/bench/follow.mjs (uses the bench's cache and settings).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { loadTs } = await import('./bundle.mjs');
  const { homedir, loadavg } = await import('node:os');
  const gen = await loadTs('src/gen/index.ts', 'gen');
  const seed = Number(process.env.BENCH_SEED ?? 1);
  const dir = join(process.env.BENCH_CACHE ?? join(homedir(), '.cache', 'synscope-bench'), `gen${gen.GENERATOR_VERSION}-seed${seed}`);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  const minutes = Number(process.env.BENCH_FOLLOW_MINUTES ?? (process.env.BENCH_QUICK ? 1 : 30));
  const load0 = loadavg()[0];
  const input = ensureFollowInput(gen, dir, seed, minutes);
  console.log(input.generatedS ? `generated ${input.path} in ${input.generatedS.toFixed(0)} s` : `cached ${input.path}`);
  const r = await followBench({ cli: 'dist/cli.js', input, speedup: Number(process.env.BENCH_FOLLOW_SPEEDUP ?? 10), workDir: dir });
  console.log(followLines(r).join('\n'));
  console.log(`load average ${load0.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end`);
  console.log(JSON.stringify(r));
}
