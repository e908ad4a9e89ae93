// A .pcap.gz cut short (capture killed while writing, download interrupted) must still give every
// packet the surviving compressed bytes hold, whatever the read chunking: found by the property
// test, where the packets near the cut depended on the chunk sizes (zlib's "unexpected end of
// file" error discarded output that was decompressed but not yet read).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, gunzipSync } from 'node:zlib';
import { readCaptureChunks } from '../../../src/core/capture/readCapture';
import { gzip } from '../../helpers/pcapWriter';
import { bigPcap } from './hostileCaptures';
import { slices } from './pipeline';

/** Complete pcap records in `bytes` (24-byte file header, 16-byte LE record headers). */
function completeRecords(bytes: Uint8Array): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let n = 0;
  for (let o = 24; o + 16 <= bytes.length && o + 16 + v.getUint32(o + 8, true) <= bytes.length; o += 16 + v.getUint32(o + 8, true)) n++;
  return n;
}

test('a cut .pcap.gz gives every packet zlib can recover from the surviving bytes, for any chunking', async () => {
  const gz = gzip(bigPcap(3000));
  for (const cut of [Math.floor(gz.length * 0.5), gz.length - 9, gz.length - 1]) {
    const part = gz.subarray(0, cut);
    // Outside truth: zlib itself, told to keep what a cut stream holds instead of failing.
    const recoverable = completeRecords(gunzipSync(part, { finishFlush: constants.Z_SYNC_FLUSH }));
    for (const sizes of [[part.length], [1000], [4096, 17], [65536]]) {
      let packets = 0;
      const s = await readCaptureChunks(slices(part, sizes), () => { packets++; });
      assert.equal(packets, recoverable, `cut at ${cut} of ${gz.length}, chunks ${sizes}: every recoverable packet`);
      assert.ok(s.problems.some((p) => /gzip stream damaged|truncated/.test(p.message)), `cut at ${cut}: the cut is reported`);
    }
  }
});

test('a damaged .pcap.gz reads the same however the file is chunked', async () => {
  const gz = gzip(bigPcap(3000)).slice();
  gz[gz.length - 6] ^= 0x55; // inside the CRC-32 trailer: zlib fails with "incorrect data check" at the very end
  const mid = gzip(bigPcap(3000)).slice();
  mid[Math.floor(mid.length / 2)] ^= 0x55; // inside the deflate data
  for (const bad of [gz, mid]) {
    const seen: string[] = [];
    for (const sizes of [[bad.length], [1000], [4096, 17], [16384]]) {
      let packets = 0;
      const s = await readCaptureChunks(slices(bad, sizes), () => { packets++; });
      assert.ok(s.problems.length > 0, 'the damage is reported');
      seen.push(JSON.stringify({ packets, problems: s.problems }));
    }
    assert.equal(new Set(seen).size, 1, `same packets and problems for every chunking: ${seen.join('\n')}`);
  }
});
