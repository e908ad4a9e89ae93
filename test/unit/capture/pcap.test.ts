import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CaptureFormatError } from '../../../src/core/capture/types';
import { chunked, gzip, writePcap } from '../../helpers/pcapWriter';
import { readBytes, readFile } from './collect';

const dir = mkdtempSync(join(tmpdir(), 'synscope-pcap-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const frame = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('classic pcap', () => {
  it('reads a hand-built big-endian nanosecond file field by field', async () => {
    const bytes = Uint8Array.from([
      0xa1, 0xb2, 0x3c, 0x4d, // magic: nanosecond resolution, written big-endian
      0x00, 0x02, 0x00, 0x04, // version 2.4
      0, 0, 0, 0, 0, 0, 0, 0, // thiszone, sigfigs
      0x00, 0x00, 0xff, 0xff, // snaplen 65535
      0x00, 0x00, 0x00, 0x71, // link type 113 (Linux SLL)
      0x54, 0x87, 0x2e, 0x59, // ts_sec 1418145369
      0x3b, 0x9a, 0xc9, 0xff, // ts_nsec 999999999
      0x00, 0x00, 0x00, 0x03, // captured length 3
      0x00, 0x00, 0x00, 0x40, // original length 64
      0xaa, 0xbb, 0xcc, // packet bytes
    ]);
    const { summary, packets } = await readBytes(bytes);
    assert.equal(summary.info.format, 'pcap');
    assert.deepEqual(summary.info.linkTypes, [113]);
    assert.deepEqual(summary.problems, []);
    assert.deepEqual(packets, [{
      index: 1, offset: 24, sec: 1418145369, frac: 999999999, unitsPerSecond: 1e9, capLen: 3, origLen: 64,
      linkType: 113, interfaceId: 0, data: [0xaa, 0xbb, 0xcc],
    }]);
  });

  for (const variant of [
    { name: 'µs little-endian', opts: {}, magic: [0xd4, 0xc3, 0xb2, 0xa1], units: 1e6 },
    { name: 'µs big-endian', opts: { bigEndian: true }, magic: [0xa1, 0xb2, 0xc3, 0xd4], units: 1e6 },
    { name: 'ns little-endian', opts: { nano: true }, magic: [0x4d, 0x3c, 0xb2, 0xa1], units: 1e9 },
    { name: 'ns big-endian', opts: { nano: true, bigEndian: true }, magic: [0xa1, 0xb2, 0x3c, 0x4d], units: 1e9 },
    { name: 'modified (Kuznetsov) little-endian', opts: { modified: true }, magic: [0x34, 0xcd, 0xb2, 0xa1], units: 1e6 },
    { name: 'modified (Kuznetsov) big-endian', opts: { modified: true, bigEndian: true }, magic: [0xa1, 0xb2, 0xcd, 0x34], units: 1e6 },
  ]) {
    it(`reads ${variant.name}`, async () => {
      const frac = variant.units - 1;
      const bytes = writePcap([
        { sec: 1700000000, frac, data: frame(60, 1) },
        { sec: 1700000001, frac: 0, data: frame(1514, 2), origLen: 9000 },
      ], { ...variant.opts, linkType: 101 });
      assert.deepEqual(Array.from(bytes.subarray(0, 4)), variant.magic, 'magic bytes as the spec lists them');
      const { summary, packets } = await readBytes(bytes);
      assert.deepEqual(summary.problems, []);
      assert.equal(summary.packets, 2);
      assert.deepEqual(packets.map((p) => [p.sec, p.frac, p.unitsPerSecond, p.capLen, p.origLen, p.linkType, p.data.length]), [
        [1700000000, frac, variant.units, 60, 60, 101, 60],
        [1700000001, 0, variant.units, 1514, 9000, 101, 1514],
      ]);
      const recHdr = variant.opts.modified ? 24 : 16;
      assert.deepEqual(packets.map((p) => p.offset), [24, 24 + recHdr + 60]);
    });
  }

  it('delivers every packet before a truncated record and names its offset', async () => {
    const full = writePcap([
      { sec: 1700000000, frac: 1, data: frame(100, 1) },
      { sec: 1700000000, frac: 2, data: frame(100, 2) },
    ]);
    const cut = full.subarray(0, full.length - 10);
    const { summary, packets } = await readBytes(cut);
    assert.equal(packets.length, 1);
    assert.equal(summary.problems.length, 1);
    // Second record header starts at 24 + 16 + 100 = 140.
    assert.equal(summary.problems[0].offset, 140);
    assert.equal(summary.problems[0].packet, 1);
    assert.match(summary.problems[0].message, /truncated record/);
  });

  it('reports a truncated record header', async () => {
    const full = writePcap([{ sec: 1700000000, frac: 1, data: frame(10, 1) }, { sec: 1700000000, frac: 2, data: frame(10, 2) }]);
    const { summary, packets } = await readBytes(full.subarray(0, 24 + 26 + 5));
    assert.equal(packets.length, 1);
    assert.equal(summary.problems[0].offset, 50);
    assert.match(summary.problems[0].message, /truncated record header/);
  });

  it('skips a record with an absurd captured length and resynchronises on the next plausible one', async () => {
    const bytes = writePcap([1, 2, 3, 4].map((i) => ({ sec: 1700000000 + i, frac: i, data: frame(40, i) })));
    // Damage record 2's captured length (offset 24 + 56 = 80, field at +8) to 0x7fffffff.
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(80 + 8, 0x7fffffff, true);
    const { summary, packets } = await readBytes(bytes);
    assert.deepEqual(packets.map((p) => p.data[0]), [1, 3, 4]);
    assert.equal(summary.problems[0].offset, 80);
    assert.match(summary.problems[0].message, /captured length 2147483647/);
    assert.equal(summary.problems[1].offset, 136, 'resynchronised at record 3');
    // Frame numbers stay consecutive over what was delivered.
    assert.deepEqual(packets.map((p) => p.index), [1, 2, 3]);
  });

  it('accepts records a little over a small snap length (as Wireshark does) but not absurdly over it', async () => {
    const ok = writePcap([{ sec: 1700000000, frac: 0, data: frame(2000, 1) }], { snapLen: 1500 });
    assert.deepEqual((await readBytes(ok)).summary.problems, []);
    // 65535 + 4096 slack is the limit for a file whose snap length is below 65535.
    const bad = writePcap([{ sec: 1700000000, frac: 0, data: frame(70000, 1) }], { snapLen: 1500 });
    const { summary, packets } = await readBytes(bad);
    assert.equal(packets.length, 0);
    assert.equal(summary.problems[0].offset, 24);
    assert.match(summary.problems[0].message, /captured length 70000 \(limit 69631\)/);
  });

  it('carries an out-of-range sub-second field into the seconds and reports it once', async () => {
    const bytes = writePcap([
      { sec: 1418145370, frac: 1000000, data: frame(4, 1) },
      { sec: 1418145370, frac: 2500000, data: frame(4, 2) },
    ]);
    const { summary, packets } = await readBytes(bytes);
    assert.deepEqual(packets.map((p) => [p.sec, p.frac]), [[1418145371, 0], [1418145372, 500000]]);
    assert.equal(summary.problems.length, 1);
    assert.equal(summary.problems[0].offset, 24);
  });

  it('reports an unsupported major version as a problem at the version field, with no packets', async () => {
    const bytes = writePcap([{ sec: 1, frac: 0, data: frame(4, 1) }]);
    bytes[4] = 1; // version major 1 (little-endian)
    const { summary, packets } = await readBytes(bytes);
    assert.equal(packets.length, 0);
    assert.equal(summary.problems[0].offset, 4);
  });

  it('throws CaptureFormatError only for files that cannot be captures', async () => {
    await assert.rejects(readBytes(new Uint8Array(0)), (e: unknown) => e instanceof CaptureFormatError && /empty/.test(e.message));
    await assert.rejects(readBytes(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])), (e: unknown) => e instanceof CaptureFormatError && /unknown magic 01 02 03 04/.test(e.message));
    await assert.rejects(readBytes(Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0])),
      (e: unknown) => e instanceof CaptureFormatError && e.message === 'zstd-compressed capture: decompress with `zstd -d` first');
  });

  it('reads the same packets from a file, in tiny read chunks, and through gzip', async () => {
    const bytes = writePcap(Array.from({ length: 50 }, (_, i) => ({ sec: 1700000000 + i, frac: i * 1000, data: frame(10 + i * 7, i) })), { nano: true });
    const plain = join(dir, 'a.pcap');
    const gz = join(dir, 'a.pcap.gz');
    writeFileSync(plain, bytes);
    writeFileSync(gz, gzip(bytes));
    const ref = await readBytes(bytes);
    assert.equal(ref.packets.length, 50);
    for (const chunkSize of [7, 64, 4096]) {
      const r = await readFile(plain, { chunkSize });
      assert.deepEqual(r.packets, ref.packets, `chunkSize ${chunkSize}`);
      assert.equal(r.summary.bytesRead, bytes.length);
    }
    const z = await readFile(gz, { chunkSize: 100 });
    assert.deepEqual(z.packets, ref.packets);
    assert.equal(z.summary.info.compressed, true);
    assert.equal(z.summary.bytesRead, gzip(bytes).length);
  });

  it('does not hold on to a chunk after the next one is asked for (caller reuses its buffer)', async () => {
    const bytes = writePcap(Array.from({ length: 40 }, (_, i) => ({ sec: 1700000000 + i, frac: i, data: frame(17 + i, i + 1) })), { bigEndian: true });
    async function* reusing(size: number, bytes: Uint8Array): AsyncGenerator<Uint8Array> {
      const buf = new Uint8Array(size);
      for (let o = 0; o < bytes.length; o += size) {
        const n = Math.min(size, bytes.length - o);
        buf.set(bytes.subarray(o, o + n));
        yield buf.subarray(0, n);
        buf.fill(0xee); // scribble: any view kept past this point would now read 0xee
      }
    }
    const ref = await readBytes(bytes);
    for (const size of [1, 5, 33, 100, 4096]) {
      const { summary, packets } = await readBytes(reusing(size, bytes));
      assert.deepEqual(summary.problems, [], `chunk ${size}`);
      assert.deepEqual(packets, ref.packets, `chunk ${size}`);
      const z = await readBytes(reusing(size, gzip(bytes)));
      assert.deepEqual(z.summary.problems, [], `gzip chunk ${size}`);
      assert.deepEqual(z.packets, ref.packets, `gzip chunk ${size}`);
    }
  });

  it('reports a cut gzip stream as a problem after delivering what it could', async () => {
    const bytes = writePcap(Array.from({ length: 200 }, (_, i) => ({ sec: 1700000000, frac: i, data: frame(200, i) })));
    const z = gzip(bytes);
    const { summary, packets } = await readBytes(z.subarray(0, Math.floor(z.length / 2)));
    assert.ok(packets.length > 0 && packets.length < 200);
    assert.ok(summary.problems.length >= 1);
    assert.ok(summary.problems.every((p) => p.offset >= 24));
  });

  it('stops when aborted and says so', async () => {
    const bytes = writePcap(Array.from({ length: 100 }, (_, i) => ({ sec: 1700000000, frac: i, data: frame(20, i) })));
    const ac = new AbortController();
    let seen = 0;
    const { readCaptureChunks } = await import('../../../src/core/capture/readCapture');
    const summary = await readCaptureChunks(chunked(bytes, [50]), () => { if (++seen === 3) ac.abort(); }, { signal: ac.signal });
    assert.equal(summary.aborted, true);
    assert.ok(seen < 100);
  });

  it('passes an exception from onPacket through, with no read left dangling', async () => {
    const bytes = writePcap(Array.from({ length: 100 }, (_, i) => ({ sec: 1700000000, frac: i, data: frame(20, i) })));
    const path = join(dir, 'throw.pcap');
    writeFileSync(path, bytes);
    const { readCaptureFile } = await import('../../../src/core/capture/readCapture');
    await assert.rejects(readCaptureFile(path, (p) => { if (p.index === 5) throw new Error('consumer failed'); }, { chunkSize: 64 }), /consumer failed/);
    await assert.rejects(readCaptureFile(join(dir, 'missing.pcap'), () => undefined), /ENOENT/);
  });

  it('reports progress up to the file size', async () => {
    const bytes = writePcap(Array.from({ length: 100 }, (_, i) => ({ sec: 1700000000, frac: i, data: frame(20, i) })));
    const path = join(dir, 'p.pcap');
    writeFileSync(path, bytes);
    const calls: Array<[number, number]> = [];
    await readFile(path, { onProgress: (a, b) => calls.push([a, b]) });
    assert.deepEqual(calls[calls.length - 1], [bytes.length, bytes.length]);
  });
});
