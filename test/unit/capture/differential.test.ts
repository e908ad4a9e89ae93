/**
 * Differential test: our reader against pcap-parser (an independent classic-pcap reader, devDependency)
 * on classic µs pcap files — fixtures, the shared corpus when present, and random files.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { writePcap } from '../../helpers/pcapWriter';
import { readFile } from './collect';
import { repoRoot } from './tsharkCheck';

interface PpPacket { header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number }; data: Buffer }
interface PpParser { on(ev: 'packet', f: (p: PpPacket) => void): PpParser; on(ev: 'end', f: () => void): PpParser; on(ev: 'error', f: (e: Error) => void): PpParser }
// pcap-parser ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pcapParser = require('pcap-parser') as { parse(path: string): PpParser };

function reference(path: string): Promise<Array<[number, number, number, number, number[]]>> {
  return new Promise((res, rej) => {
    const out: Array<[number, number, number, number, number[]]> = [];
    pcapParser.parse(path)
      .on('packet', (p) => out.push([p.header.timestampSeconds, p.header.timestampMicroseconds, p.header.capturedLength, p.header.originalLength, Array.from(p.data)]))
      .on('error', rej)
      .on('end', () => res(out));
  });
}

async function ours(path: string): Promise<Array<[number, number, number, number, number[]]>> {
  const { summary, packets } = await readFile(path, { chunkSize: 1000 });
  assert.deepEqual(summary.problems, []);
  return packets.map((p) => [p.sec, p.frac, p.capLen, p.origLen, p.data]);
}

/** Classic pcap with a µs magic (the only kind pcap-parser reads), by the first 4 bytes. */
function isMicrosecondPcap(path: string): boolean {
  const b = readFileSync(path).subarray(0, 4).toString('hex');
  return b === 'd4c3b2a1' || b === 'a1b2c3d4';
}

function walk(d: string): string[] {
  return readdirSync(d).sort().flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
}

const dir = mkdtempSync(join(tmpdir(), 'synscope-diff-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('differential: reader vs pcap-parser on classic pcap', () => {
  const corpus = resolve(repoRoot(), '../shared/captures');
  const files = [
    ...walk(join(repoRoot(), 'test/fixtures/reader')),
    ...(existsSync(corpus) ? walk(corpus).filter((f) => !f.includes('/expected/')) : []),
  ].filter((f) => f.endsWith('.pcap') && isMicrosecondPcap(f))
    // pcap-parser rejects what tshark also rejects (bad versions, reserved link-type bits) differently.
    .filter((f) => !/libpcap\/(pcap-invalid-version-1|linktype-reserved)/.test(f))
    // pcap-parser does not normalise out-of-range µs fields; we do (see tsharkCheck PINNED).
    .filter((f) => !/timestamp_invalid/.test(f));

  it('has files to compare', () => assert.ok(files.length >= 6, `${files.length} files`));
  for (const f of files) {
    const name = f.startsWith(corpus) ? `corpus: ${f.slice(corpus.length + 1)}` : `fixture: ${f.slice(f.indexOf('test/fixtures/'))}`;
    it(name, async () => {
      assert.deepEqual(await ours(f), await reference(f));
    });
  }

  it('agrees on random little- and big-endian µs files', async () => {
    await fc.assert(fc.asyncProperty(fc.boolean(), fc.array(fc.record({
      sec: fc.integer({ min: 0, max: 0xffffffff }), frac: fc.integer({ min: 0, max: 999999 }),
      data: fc.uint8Array({ maxLength: 300 }), extra: fc.nat({ max: 100 }),
    }), { maxLength: 30 }), async (bigEndian, pkts) => {
      const path = join(dir, 'r.pcap');
      writeFileSync(path, writePcap(pkts.map((p) => ({ ...p, origLen: p.data.length + p.extra })), { bigEndian }));
      assert.deepEqual(await ours(path), await reference(path));
    }), { seed: 20261127, numRuns: 40 });
  });
});
