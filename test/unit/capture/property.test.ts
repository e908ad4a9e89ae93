import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CaptureFormatError } from '../../../src/core/capture/types';
import { chunked, gzip, writePcap, writePcapng, type NgSection } from '../../helpers/pcapWriter';
import { readBytes, readFile, type Got } from './collect';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SEED = 20261127;

interface Expected { sec: number; frac: number; units: number; linkType: number; iface: number; data: number[]; origLen: number; comment?: string }

const bytesArb = fc.uint8Array({ minLength: 0, maxLength: 80 });

/** A random classic pcap and the packets it must read back as. */
const pcapArb = fc.record({
  nano: fc.boolean(), bigEndian: fc.boolean(), modified: fc.boolean(), linkType: fc.constantFrom(0, 1, 101, 113, 276),
  packets: fc.array(fc.record({ sec: fc.integer({ min: 0, max: 0xffffffff }), fracSeed: fc.nat(), data: bytesArb, extra: fc.nat({ max: 1500 }) }), { maxLength: 12 }),
}).map((c) => {
  const units = c.nano && !c.modified ? 1e9 : 1e6;
  const packets = c.packets.map((p) => ({ sec: p.sec, frac: p.fracSeed % units, data: p.data, origLen: p.data.length + p.extra }));
  const bytes = writePcap(packets, { nano: c.nano && !c.modified, bigEndian: c.bigEndian, modified: c.modified, linkType: c.linkType });
  const expected: Expected[] = packets.map((p) => ({ sec: p.sec, frac: p.frac, units, linkType: c.linkType, iface: 0, data: Array.from(p.data), origLen: p.origLen }));
  return { bytes, expected };
});

const resolutions = [undefined, 0, 3, 6, 9, 0x80 | 8, 0x80 | 20];
const unitsOf = (r: number | undefined) => (r === undefined ? 1e6 : r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r);

/** A random pcapng with several sections (either byte order), interfaces and resolutions. */
const pcapngArb = fc.array(fc.record({
  bigEndian: fc.boolean(),
  interfaces: fc.array(fc.record({ linkType: fc.constantFrom(1, 101, 113), tsresol: fc.constantFrom(...resolutions), name: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }) }), { minLength: 1, maxLength: 3 }),
  packets: fc.array(fc.record({ ifSeed: fc.nat(), ticks: fc.bigInt({ min: 0n, max: (1n << 62n) - 1n }), data: bytesArb, comment: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }), obsolete: fc.boolean() }), { maxLength: 6 }),
}), { minLength: 1, maxLength: 3 }).map((secs) => {
  const expected: Expected[] = [];
  let base = 0;
  const sections: NgSection[] = secs.map((s) => {
    const blocks = s.packets.map((p) => {
      const iface = p.ifSeed % s.interfaces.length;
      const i = s.interfaces[iface];
      const units = BigInt(unitsOf(i.tsresol));
      expected.push({
        sec: Number(p.ticks / units), frac: Number(p.ticks % units), units: Number(units), linkType: i.linkType, iface: base + iface,
        data: Array.from(p.data), origLen: p.data.length, ...(p.comment !== undefined ? { comment: p.comment } : {}),
      });
      return { kind: 'packet' as const, packet: { iface, ticks: p.ticks, data: p.data, comments: p.comment === undefined ? [] : [p.comment], obsolete: p.obsolete } };
    });
    base += s.interfaces.length;
    return { bigEndian: s.bigEndian, interfaces: s.interfaces, blocks };
  });
  return { bytes: writePcapng(sections), expected };
});

/** Offsets where a record (pcap, after the 24-byte header) or block (pcapng) ends, by the spec's framing. */
function recordEnds(bytes: Uint8Array, ng: boolean): number[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ends: number[] = [];
  if (!ng) {
    const magic = v.getUint32(0, true);
    const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d || magic === 0xa1b2cd34;
    const hdr = magic === 0xa1b2cd34 || magic === 0x34cdb2a1 ? 24 : 16;
    ends.push(24);
    for (let o = 24; o < bytes.length;) { o += hdr + v.getUint32(o + 8, le); ends.push(o); }
    return ends;
  }
  let le = true;
  for (let o = 0; o < bytes.length;) {
    if (v.getUint32(o, true) === 0x0a0d0d0a) le = v.getUint32(o + 8, true) === 0x1a2b3c4d;
    o += v.getUint32(o + 4, le);
    ends.push(o);
  }
  return ends;
}

function check(got: Got[], expected: Expected[]): void {
  assert.deepEqual(got.map((g) => ({
    sec: g.sec, frac: g.frac, units: g.unitsPerSecond, linkType: g.linkType, iface: g.interfaceId, data: g.data, origLen: g.origLen,
    ...(g.comment !== undefined ? { comment: g.comment } : {}),
  })), expected);
  assert.deepEqual(got.map((g) => g.index), expected.map((_, i) => i + 1));
}

const chunkSizes = fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 5 });

describe('reader properties (independent writer, seeded)', () => {
  it('reads back random pcap files in any byte order and resolution, in random chunks', async () => {
    await fc.assert(fc.asyncProperty(pcapArb, chunkSizes, async ({ bytes, expected }, sizes) => {
      const { summary, packets } = await readBytes(chunked(bytes, sizes));
      assert.deepEqual(summary.problems, []);
      check(packets, expected);
    }), { seed: SEED, numRuns: 150 });
  });

  it('reads back random multi-section pcapng files, in random chunks', async () => {
    await fc.assert(fc.asyncProperty(pcapngArb, chunkSizes, async ({ bytes, expected }, sizes) => {
      const { summary, packets } = await readBytes(chunked(bytes, sizes));
      assert.deepEqual(summary.problems, []);
      check(packets, expected);
    }), { seed: SEED, numRuns: 150 });
  });

  it('reads back gzip-compressed captures', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(pcapArb, pcapngArb), chunkSizes, async ({ bytes, expected }, sizes) => {
      const { summary, packets } = await readBytes(chunked(gzip(bytes), sizes));
      assert.deepEqual(summary.problems, []);
      assert.equal(summary.info.compressed, true);
      check(packets, expected);
    }), { seed: SEED, numRuns: 60 });
  });

  it('reads the same from a file with any read-chunk size (double-buffered file path)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synscope-prop-'));
    try {
      await fc.assert(fc.asyncProperty(fc.oneof(pcapArb, pcapngArb), fc.integer({ min: 1, max: 400 }), async ({ bytes, expected }, chunkSize) => {
        const path = join(dir, 'c.cap');
        writeFileSync(path, bytes);
        if (bytes.length < 4) return;
        const { summary, packets } = await readFile(path, { chunkSize });
        assert.deepEqual(summary.problems, []);
        check(packets, expected);
      }), { seed: SEED, numRuns: 80 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const small = [
    { name: 'pcap', gen: pcapArb },
    { name: 'pcapng', gen: pcapngArb },
  ];
  for (const { name, gen } of small) {
    it(`gives the same packets whatever the chunk boundaries (${name}: every split offset, 1-byte chunks)`, async () => {
      const [{ bytes, expected }] = fc.sample(gen.filter((c) => c.expected.length >= 3), { seed: SEED, numRuns: 1 });
      for (let k = 1; k < bytes.length; k++) {
        const r = await readBytes(chunked(bytes, [k, bytes.length]));
        check(r.packets, expected);
      }
      check((await readBytes(chunked(bytes, [1]))).packets, expected);
      check((await readBytes(chunked(bytes, [3, 5, 7]))).packets, expected);
    });

    it(`never throws on a capture cut at any byte, and yields a prefix plus a problem (${name})`, async () => {
      const [{ bytes, expected }] = fc.sample(gen.filter((c) => c.expected.length >= 3), { seed: SEED + 1, numRuns: 1 });
      const full = await readBytes(bytes);
      const ends = recordEnds(bytes, name === 'pcapng');
      for (let cut = 0; cut < bytes.length; cut++) {
        const part = bytes.subarray(0, cut);
        if (cut < 4) {
          await assert.rejects(readBytes(part), CaptureFormatError);
          continue;
        }
        const { summary, packets } = await readBytes(chunked(part, [13]));
        // Exactly the packets whose record/block lies wholly before the cut.
        const whole = full.packets.filter((p) => ends[ends.findIndex((e) => e > p.offset)] <= cut).length;
        assert.equal(packets.length, whole, `cut ${cut}`);
        check(packets, expected.slice(0, whole));
        // Only a cut exactly between records/blocks leaves a valid file.
        if (!ends.includes(cut)) assert.ok(summary.problems.length > 0, `cut at ${cut} gave no problem`);
        for (const p of summary.problems) assert.ok(p.offset >= 0 && p.offset <= cut, `problem offset ${p.offset} within the ${cut} bytes read`);
      }
    });
  }
});
