// Damaged .pcap.gz files (issue 17): a bad CRC or length in a member's trailer, trailing garbage
// after the last member, a damaged second member or damaged deflate data used to throw away the
// output of zlib's last call (up to 16 KiB of packets: all of a small file, "empty capture inside
// the gzip file"). tshark 4.0.17 reads every packet of such files (15 of 15 with a bad CRC, a bad
// length or trailing garbage; the 7 of the first member when the second member's header is bad;
// the same packets as ours before "invalid distance too far back" / "invalid literal/lengths set"
// at 6 damage positions in samples/connection-storm.pcap gzipped) and then reports the damage.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { CaptureFormatError } from '../../../src/core/capture/types';
import { writePcap, type PcapPacket } from '../../helpers/pcapWriter';
import { readBytes } from './collect';
import { slices } from '../robustness/pipeline';

/** Frames with varied, poorly compressible bytes, so a damaged deflate stream fails to decode. */
function packets(n: number, first = 0): PcapPacket[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + first;
    const data = new Uint8Array(60 + ((i * 37) % 300));
    let x = (i + 1) * 2654435761;
    for (let j = 0; j < data.length; j++) { x = (Math.imul(x ^ (x >>> 13), 0x5bd1e995) + j) >>> 0; data[j] = x & 0xff; }
    return { sec: 1767225600 + i, frac: (i * 1000) % 1e6, data };
  });
}

const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.length);
const gz = (b: Uint8Array) => u8(gzipSync(b));

/** Complete pcap records in `bytes` (24-byte file header, 16-byte LE record headers). */
function completeRecords(bytes: Uint8Array): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let n = 0;
  for (let o = 24; o + 16 <= bytes.length && o + 16 + v.getUint32(o + 8, true) <= bytes.length; o += 16 + v.getUint32(o + 8, true)) n++;
  return n;
}

async function read(bytes: Uint8Array, sizes?: number[]) {
  return readBytes(sizes ? slices(bytes, sizes) : bytes);
}

test('a bad CRC in the trailer: every packet, then the CRC problem at the end of the data', async () => {
  const pcap = writePcap(packets(15));
  const bad = gz(pcap).slice();
  bad[bad.length - 8] ^= 0xff; // first byte of the CRC-32
  for (const sizes of [undefined, [1], [100, 7], [16384]]) {
    const { summary, packets: got } = await read(bad, sizes);
    assert.equal(got.length, 15, 'all 15 packets (tshark reads 15)');
    assert.equal(summary.problems.length, 1);
    assert.equal(summary.problems[0].offset, pcap.length, 'reported at the end of the uncompressed data');
    assert.match(summary.problems[0].message, new RegExp(`gzip member 1 at compressed offset 0: CRC-32 .* trailer at compressed offset ${bad.length - 8} `));
  }
});

test('a bad length in the trailer: every packet, then the length problem', async () => {
  const pcap = writePcap(packets(15));
  const bad = gz(pcap).slice();
  bad[bad.length - 1] ^= 0x01; // top byte of ISIZE
  const { summary, packets: got } = await read(bad);
  assert.equal(got.length, 15);
  assert.equal(summary.problems.length, 1);
  assert.match(summary.problems[0].message, new RegExp(`${pcap.length} uncompressed bytes, the trailer at compressed offset ${bad.length - 4} says ${pcap.length + 2 ** 24}`));
});

test('trailing garbage after the last member: every packet, then the garbage is named and ignored', async () => {
  const member = gz(writePcap(packets(15)));
  const bytes = new Uint8Array([...member, ...new TextEncoder().encode('trailing garbage, not gzip\n')]);
  for (const sizes of [undefined, [3], [member.length - 1, 5]]) {
    const { summary, packets: got } = await read(bytes, sizes);
    assert.equal(got.length, 15, 'all 15 packets (tshark reads 15)');
    assert.deepEqual(summary.problems.map((p) => p.message), [`data after gzip member 1 at compressed offset ${member.length} is not a gzip member (starts 74 72 61 69): trailing garbage ignored`]);
  }
});

test('several members are one stream; a damaged second member keeps all of the first', async () => {
  const all = writePcap(packets(15));
  const cut = 24 + packets(7).reduce((n, p) => n + 16 + p.data.length, 0);
  const first = gz(all.subarray(0, cut));
  const second = gz(all.subarray(cut));
  const clean = await read(new Uint8Array([...first, ...second]), [1000]);
  assert.equal(clean.packets.length, 15);
  assert.deepEqual(clean.summary.problems, []);
  const badHeader = second.slice();
  badHeader[3] = 0xe0; // reserved FLG bits
  const { summary, packets: got } = await read(new Uint8Array([...first, ...badHeader]));
  assert.equal(got.length, 7, 'the first member\'s 7 packets (tshark reads 7)');
  assert.equal(summary.problems[0].offset, cut);
  assert.match(summary.problems[0].message, new RegExp(`^gzip member 2 at compressed offset ${first.length}: reserved header flags set`));
});

/**
 * Where zlib itself finds damage in a gzip stream: the longest prefix it decompresses without a
 * data error, and what that prefix gives (zlib told to keep what a cut stream holds).
 */
function zlibBeforeDamage(bytes: Uint8Array): { at: number; output: Uint8Array } {
  const ok = (n: number) => {
    try { gunzipSync(bytes.subarray(0, n), { finishFlush: constants.Z_SYNC_FLUSH }); return true; } catch { return false; }
  };
  let lo = 10, hi = bytes.length; // ok(lo), !ok(hi)
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ok(mid)) lo = mid; else hi = mid;
  }
  return { at: lo, output: u8(gunzipSync(bytes.subarray(0, lo), { finishFlush: constants.Z_SYNC_FLUSH })) };
}

/** Flips bytes from `from` on until zlib reports a data error (not a check error) in the result. */
function breakDeflate(bytes: Uint8Array, from: number): Uint8Array {
  for (let k = from; k < bytes.length - 8; k += 7) {
    const b = bytes.slice();
    b[k] ^= 0xff;
    b[k + 1] ^= 0x5a;
    try { gunzipSync(b); } catch (e) { if (!/check/.test((e as Error).message)) return b; }
  }
  throw new Error('no damage position found');
}

test('damaged deflate data: every packet zlib decompressed before the damage, for any chunking', async () => {
  const pcap = writePcap(packets(400));
  const whole = gz(pcap);
  // Damage about a third in, well after the first 16 KiB zlib output chunk.
  const bad = breakDeflate(whole, Math.floor(whole.length / 3));
  const truth = zlibBeforeDamage(bad);
  const expected = completeRecords(truth.output);
  assert.ok(expected > 50, `the damage comes after many packets (${expected})`);
  for (const sizes of [undefined, [1000], [4096, 17], [16384]]) {
    const { summary, packets: got } = await read(bad, sizes);
    assert.equal(got.length, expected, `chunks ${sizes}: the ${expected} packets before the damage`);
    const gzipProblem = summary.problems.find((p) => /gzip stream damaged/.test(p.message));
    assert.ok(gzipProblem, 'the damage is reported');
    assert.equal(gzipProblem.offset, truth.output.length, 'at the uncompressed offset where zlib stopped');
    // truth.at is the longest prefix zlib accepts: the damage is found in the byte after it.
    assert.match(gzipProblem.message, new RegExp(`member 1, at compressed offset ${truth.at}\\)`));
  }
});

test('damaged deflate data in the second member: all of the first, then what the second gave before the damage', async () => {
  const first = gz(writePcap(packets(5)));
  // The second member continues the capture: records only, no file header.
  const rest = writePcap(packets(300, 5)).subarray(24);
  const second = breakDeflate(gz(rest), 4000);
  const bytes = new Uint8Array([...first, ...second]);
  const truth = zlibBeforeDamage(bytes);
  const expected = completeRecords(truth.output);
  assert.ok(expected > 5);
  const { summary, packets: got } = await read(bytes, [777]);
  assert.equal(got.length, expected);
  assert.match(summary.problems.find((p) => /gzip stream damaged/.test(p.message))!.message, /member 2, at compressed offset/);
});

test('a gzip inside a gzip says so instead of "unknown magic 1f 8b"', async () => {
  const twice = gz(gz(writePcap(packets(3))));
  await assert.rejects(read(twice), (e: unknown) => e instanceof CaptureFormatError && e.offset === 0 &&
    /^gzip inside gzip: the capture is compressed twice; decompress the outer layer with `gunzip` first$/.test(e.message));
});
