// Reader throughput vs a bare read of the same file. Usage:
//   node scripts/bench-reader.mjs [capture] [--size-mb 300]
// Without a capture, writes a synthetic Ethernet/IPv4/TCP pcap to the OS temp dir (never the repo).
// The reader is bundled on the fly with esbuild (core is only bundled into dist/cli.js otherwise).
import * as esbuild from 'esbuild';
import { open, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'size-mb': { type: 'string', default: '300' }, runs: { type: 'string', default: '5' } } });
const out = join(tmpdir(), 'synscope-bench-reader.cjs');
await esbuild.build({
  stdin: {
    contents: `export { readCaptureFile } from './src/core/capture/readCapture';
      export { decodePacket, decodeRecord } from './src/core/decode/decodePacket';
      export { newTcpSegment } from './src/core/decode/types';`,
    resolveDir: process.cwd(), loader: 'ts',
  },
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: out, logLevel: 'warning',
});
const { createRequire } = await import('node:module');
const core = createRequire(import.meta.url)(out);

async function synthetic(sizeMb) {
  const path = join(tmpdir(), `synscope-bench-${sizeMb}mb.pcap`);
  try { if ((await stat(path)).size > sizeMb * 1e6) return path; } catch { /* write it */ }
  const fh = await open(path, 'w');
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0); hdr.writeUInt16LE(2, 4); hdr.writeUInt16LE(4, 6);
  hdr.writeUInt32LE(262144, 16); hdr.writeUInt32LE(1, 20);
  await fh.write(hdr);
  let written = 24, i = 0;
  const batch = Buffer.alloc(8 * 1024 * 1024);
  while (written < sizeMb * 1e6) {
    let b = 0;
    while (b < batch.length - 1600) {
      // Mix of handshake-sized and full-size frames, as in a real trace.
      const len = i % 3 === 0 ? 66 : i % 3 === 1 ? 1514 : 590;
      batch.writeUInt32LE(1700000000 + (i >> 10), b); batch.writeUInt32LE(i % 1000000, b + 4);
      batch.writeUInt32LE(len, b + 8); batch.writeUInt32LE(len, b + 12);
      const f = b + 16;
      batch.fill(0, f, f + len);
      batch.writeUInt16BE(0x0800, f + 12);
      batch[f + 14] = 0x45; batch.writeUInt16BE(len - 14, f + 16); batch[f + 23] = 6;
      batch.writeUInt32BE(0x0a000000 + (i & 0xffff), f + 26); batch.writeUInt32BE(0x0a010001, f + 30);
      batch.writeUInt16BE(1024 + (i & 0x7fff), f + 34); batch.writeUInt16BE(443, f + 36);
      batch.writeUInt32BE(i >>> 0, f + 38); batch[f + 46] = 0x80; batch[f + 47] = i % 7 === 0 ? 0x02 : 0x10;
      b += 16 + len; i++;
    }
    await fh.write(batch.subarray(0, b));
    written += b;
  }
  await fh.close();
  return path;
}

async function bareRead(path) {
  const fh = await open(path, 'r');
  const buf = new Uint8Array(1024 * 1024);
  let pos = 0, n;
  while ((n = (await fh.read(buf, 0, buf.length, pos)).bytesRead) > 0) pos += n;
  await fh.close();
  return pos;
}

const path = positionals[0] ?? await synthetic(Number(values['size-mb']));
const size = (await stat(path)).size;
const runs = Number(values.runs);
// Plain locals: esbuild's CommonJS exports are getters, too slow to call per packet.
const { readCaptureFile, decodePacket, decodeRecord, newTcpSegment } = core;
const seg = newTcpSegment();
const cases = {
  'bare read (1 MiB chunks)': () => bareRead(path),
  'reader only': () => readCaptureFile(path, () => {}),
  'reader + decodeRecord': () => readCaptureFile(path, (p) => { decodeRecord(p, seg); }),
  'reader + decodePacket(data)': () => readCaptureFile(path, (p) => { decodePacket(p.linkType, p.data, seg); }),
};
const results = {};
// Rounds interleave the cases so a busy machine slows them alike; best wall time per case, and
// the CPU time (user + system) of that run, which other processes disturb less.
const best = {};
for (let r = 0; r < runs; r++) {
  for (const [name, fn] of Object.entries(cases)) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await fn();
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    if (!best[name] || wall < best[name].wall) best[name] = { wall, cpu: (c.user + c.system) / 1e6 };
  }
}
for (const [name, b] of Object.entries(best)) {
  results[name] = size / 1e6 / b.wall;
  console.log(`${name.padEnd(28)} ${(size / 1e6 / b.wall).toFixed(0).padStart(6)} MB/s  wall ${(b.wall * 1000).toFixed(0)} ms, cpu ${(b.cpu * 1000).toFixed(0)} ms  (best of ${runs}, ${(size / 1e6).toFixed(0)} MB)`);
}
const gz = join(tmpdir(), 'synscope-bench-reader.pcap.gz');
{
  const { createGzip } = await import('node:zlib');
  const { createReadStream, createWriteStream } = await import('node:fs');
  const { pipeline } = await import('node:stream/promises');
  try { await stat(gz); } catch { await pipeline(createReadStream(path), createGzip({ level: 1 }), createWriteStream(gz)); }
  const t0 = process.hrtime.bigint();
  await readCaptureFile(gz, () => {});
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${'gzip reader'.padEnd(28)} ${(size / 1e6 / s).toFixed(0).padStart(6)} MB/s of uncompressed data (one run)`);
}
const mem = process.memoryUsage();
console.log(`memory after all runs: rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, array buffers ${(mem.arrayBuffers / 2 ** 20).toFixed(0)} MiB (file ${(size / 2 ** 20).toFixed(0)} MiB)`);
const bare = results['bare read (1 MiB chunks)'];
console.log(`reader / bare = ${(results['reader only'] / bare).toFixed(2)}, reader+decodeRecord / bare = ${(results['reader + decodeRecord'] / bare).toFixed(2)}`);
