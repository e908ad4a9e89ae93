import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CaptureFormatError } from '../../../src/core/capture/types';
import { chunked, gzip, writePcap, writePcapng } from '../../helpers/pcapWriter';
import { readBytes } from './collect';

const SEED = 20261127;
const data = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const basePcap = writePcap(Array.from({ length: 8 }, (_, i) => ({ sec: 1700000000 + i, frac: i, data: data(30 + i * 5, i) })));
const basePcapng = writePcapng([
  { interfaces: [{ linkType: 1, name: 'eth0' }], blocks: [0, 1, 2].map((i) => ({ kind: 'packet' as const, packet: { iface: 0, ticks: BigInt(i), data: data(20 + i, i), comments: ['c'] } })) },
  { bigEndian: true, interfaces: [{ linkType: 101, tsresol: 9 }], blocks: [3, 4].map((i) => ({ kind: 'packet' as const, packet: { iface: 0, ticks: BigInt(i), data: data(20 + i, i) } })) },
]);

/** Overwrites random bytes; the reader must end normally with problems, or throw CaptureFormatError. */
const mutations = fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 });

describe('reader on corrupted input (seeded fuzz)', () => {
  for (const [name, base] of [['pcap', basePcap], ['pcapng', basePcapng]] as const) {
    it(`${name}: random byte damage never throws anything but CaptureFormatError, and ends`, async () => {
      await fc.assert(fc.asyncProperty(mutations, fc.integer({ min: 1, max: 64 }), fc.boolean(), async (muts, chunk, zipped) => {
        const bytes = base.slice();
        for (const m of muts) bytes[m.at % bytes.length] = m.value;
        try {
          const input = zipped ? gzip(bytes) : bytes;
          const { summary, packets } = await readBytes(chunked(input, [chunk]));
          assert.ok(packets.length <= 8);
          for (const p of summary.problems) assert.ok(p.offset >= 0 && p.offset <= bytes.length, `offset ${p.offset}`);
          assert.ok(summary.problems.length <= 201);
        } catch (e) {
          if (!(e instanceof CaptureFormatError)) throw e;
        }
      }), { seed: SEED, numRuns: 400 });
    });
  }

  it('a damaged gzip stream never throws anything but CaptureFormatError', async () => {
    const z = gzip(basePcapng);
    await fc.assert(fc.asyncProperty(mutations, async (muts) => {
      const bytes = z.slice();
      // Keep the gzip magic so the reader takes the gzip path.
      for (const m of muts) bytes[2 + (m.at % (bytes.length - 2))] = m.value;
      try {
        await readBytes(chunked(bytes, [17]));
      } catch (e) {
        if (!(e instanceof CaptureFormatError)) throw e;
      }
    }), { seed: SEED, numRuns: 300 });
  });

  it('random bytes after a valid header never throw', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.boolean(), async (tail, ng) => {
      const head = ng ? basePcapng.subarray(0, 48) : basePcap.subarray(0, 24);
      const bytes = new Uint8Array(head.length + tail.length);
      bytes.set(head);
      bytes.set(tail, head.length);
      await readBytes(bytes);
    }), { seed: SEED, numRuns: 400 });
  });
});
