// Small files that carry a lot of text (issue 17): a 354 KB .pcapng.gz with 1 MiB of comments on
// every packet, and a 283 KB one with 2 000 interfaces named and described in 64 KiB each, ran
// V8 out of heap: the reader decoded every byte of that text and the engine keeps the comments
// of listed flows. What is kept is bounded now: comments to 4 KiB each (16 MiB of packet comments
// per file), interface names and descriptions to 1 KiB, cut at a character and marked "…".
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readCaptureChunks } from '../../../src/core/capture/readCapture';
import { Analyzer } from '../../../src/core/engine/analyzer';
import { writePcapng } from '../../helpers/pcapWriter';
import { CLIENT, SERVER, tcpFrame } from './fixtures';

const MiB = 1024 * 1024;
const SYN = 0x02;
const rss = (): number => process.memoryUsage.rss();

/** Feeds `bytes` in 1 MiB chunks, sampling RSS between them. */
async function* sampled(bytes: Uint8Array, peak: { rss: number }): AsyncGenerator<Uint8Array> {
  for (let p = 0; p < bytes.length; p += MiB) {
    peak.rss = Math.max(peak.rss, rss());
    yield bytes.subarray(p, p + MiB);
  }
}

test('1 MiB of comments on every packet: 4 KiB kept per packet, memory stays small', { timeout: 120_000 }, async () => {
  const N = 100;
  // An option value is at most 65 535 bytes (16-bit length): 16 of them make 1 MiB per packet.
  const comments = Array.from({ length: 16 }, (_, k) => `${k}`.padEnd(65532, 'x'));
  const gz = gzipSync(writePcapng([{
    interfaces: [{ linkType: 1 }],
    blocks: Array.from({ length: N }, (_, i) => ({
      kind: 'packet' as const,
      packet: { iface: 0, ticks: 1767225600_000000n + BigInt(i), data: tcpFrame(CLIENT, SERVER, { srcPort: 10000 + i, flags: SYN, seq: i }), comments },
    })),
  }]));
  assert.ok(gz.length < 400_000, `a small file (${gz.length} bytes)`);
  const analyzer = new Analyzer();
  const peak = { rss: 0 };
  const before = rss();
  let longest = 0;
  const s = await readCaptureChunks(sampled(gz, peak), (p) => {
    longest = Math.max(longest, p.comment?.length ?? 0);
    assert.ok(p.comment?.startsWith(`0xxx`), 'the comment starts as written');
    analyzer.addPacket(p);
  });
  const r = analyzer.finish(s, 'comments.pcapng.gz');
  peak.rss = Math.max(peak.rss, rss());
  assert.equal(r.summary.flows, N, 'every packet is a listed flow');
  assert.ok(longest <= 4097, `comments kept to 4 KiB (+ "…"): longest ${longest}`);
  const kept = analyzer.flowEvents(r.flows[0].id)[0].comment!;
  assert.ok(kept.endsWith('…'), 'a cut comment says so');
  // 100 MiB of comments were decoded and kept before (RSS +29 MiB here, the heap was already large).
  assert.ok(peak.rss - before < 16 * MiB, `RSS grew by ${((peak.rss - before) / MiB).toFixed(0)} MiB`);
});

test('interfaces with 64 KiB names and descriptions: 1 KiB of each kept, memory stays small', { timeout: 120_000 }, async () => {
  const N = 400;
  const long = (c: string) => ''.padEnd(65532, c);
  const gz = gzipSync(writePcapng([{
    interfaces: Array.from({ length: N }, () => ({ linkType: 1, name: `eth${long('n')}`, description: `a${''.padEnd(32765, 'é')}` })),
    blocks: [{ kind: 'packet', packet: { iface: N - 1, ticks: 1n, data: tcpFrame(CLIENT, SERVER, { flags: SYN }) } }],
  }]));
  const peak = { rss: 0 };
  const before = rss();
  let packets = 0;
  const s = await readCaptureChunks(sampled(gz, peak), () => { packets++; });
  peak.rss = Math.max(peak.rss, rss());
  assert.equal(packets, 1);
  assert.equal(s.info.interfaces.length, N);
  for (const i of s.info.interfaces) {
    assert.ok(i.name!.startsWith('ethnnn') && i.name!.length <= 1025 && i.name!.endsWith('…'), `name kept to 1 KiB: ${i.name!.length}`);
    // "é" is two bytes and the 1 024-byte cut falls inside one: it backs off to the character before.
    assert.ok(i.description!.startsWith('aééé') && i.description!.length === 1 + 511 + 1 && !i.description!.includes('\ufffd') && i.description!.length <= 1025);
  }
  // 400 × 128 KiB = 50 MiB of names and descriptions were kept before (RSS +54 MiB).
  assert.ok(peak.rss - before < 16 * MiB, `RSS grew by ${((peak.rss - before) / MiB).toFixed(0)} MiB`);
});

test('past 16 MiB of packet comments in a file, later comments are replaced by a short note', async () => {
  const one = (comment: string) => writePcapng([{
    interfaces: [{ linkType: 1 }],
    blocks: [{ kind: 'packet', packet: { iface: 0, ticks: 1n, data: tcpFrame(CLIENT, SERVER, { flags: SYN }), comments: [comment] } }],
  }]);
  const head = one('').subarray(0, 28 + 20); // SHB + IDB
  const block = one(''.padEnd(4096, 'c')).subarray(48); // one EPB with a 4 KiB comment
  const n = 4200; // 4 200 × 4 KiB = 16.4 MiB
  const bytes = new Uint8Array(head.length + n * block.length);
  bytes.set(head, 0);
  for (let i = 0; i < n; i++) bytes.set(block, head.length + i * block.length);
  const seen: string[] = [];
  await readCaptureChunks(sampled(bytes, { rss: 0 }), (p) => { seen.push(p.comment!); });
  assert.equal(seen.length, n);
  const full = seen.filter((c) => c.length === 4096).length;
  assert.equal(full, Math.floor((16 * MiB) / 4096), 'comments are delivered whole up to 16 MiB in all');
  assert.ok(seen.slice(full).every((c) => c === '[comment not kept: the file has more than 16 MiB of packet comments]'));
});

test('a 16 MiB packet block of 4 million empty comments: 1 024 options read, a bounded comment', async () => {
  // Such blocks cost 70 ns an option (a comment string rebuilt each time): 60 of them, in a 1 MB
  // gzip file, took over 3 minutes; now options past the 1 024th of a block are not read.
  const head = writePcapng([{ interfaces: [{ linkType: 1 }], blocks: [] }]);
  const len = 16 * MiB - 4;
  const block = new Uint8Array(len);
  const v = new DataView(block.buffer);
  v.setUint32(0, 6, true); // EPB
  v.setUint32(4, len, true); // block total length
  // interface 0, timestamp 0, captured and original length 0: the options start at byte 28
  for (let o = 28; o + 4 <= len - 4; o += 4) v.setUint16(o, 1, true); // opt_comment, length 0
  v.setUint32(len - 4, len, true);
  const seen: string[] = [];
  async function* chunks() { yield head; yield block; }
  const s = await readCaptureChunks(chunks(), (p) => { seen.push(p.comment!); });
  assert.deepEqual(s.problems, []);
  assert.deepEqual(seen, [`${'\n'.repeat(1023)}…`], '1 024 empty comments joined, and the mark that more were not read');
});
