import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { writePcapng, type NgSection } from '../../helpers/pcapWriter';
import { readBytes } from './collect';

const data = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const pkt = (iface: number, ticks: bigint, fill: number, extra: object = {}) =>
  ({ kind: 'packet' as const, packet: { iface, ticks, data: data(20 + fill, fill), ...extra } });

describe('pcapng', () => {
  it('reads a hand-built little-endian section field by field', async () => {
    const bytes = Uint8Array.from([
      // Section Header Block
      0x0a, 0x0d, 0x0d, 0x0a, // block type
      28, 0, 0, 0, // block total length 28
      0x4d, 0x3c, 0x2b, 0x1a, // byte-order magic 0x1A2B3C4D, little-endian
      1, 0, 0, 0, // version 1.0
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // section length -1 (unknown)
      28, 0, 0, 0, // block total length again
      // Interface Description Block
      1, 0, 0, 0, // block type 1
      32, 0, 0, 0, // total length 32
      1, 0, 0, 0, // link type 1 (Ethernet), reserved
      0, 0, 4, 0, // snaplen 262144
      9, 0, 1, 0, 9, 0, 0, 0, // option if_tsresol (9), length 1, value 9 → nanoseconds, padding
      0, 0, 0, 0, // opt_endofopt
      32, 0, 0, 0, // total length again
      // Enhanced Packet Block
      6, 0, 0, 0, // block type 6
      36, 0, 0, 0, // total length 36
      0, 0, 0, 0, // interface 0
      0xb3, 0x43, 0xae, 0x13, // timestamp high 0x13AE43B3
      0x90, 0x0f, 0x37, 0x46, // timestamp low 0x46370F90 → 0x13AE43B346370F90 ns
      3, 0, 0, 0, // captured length 3
      60, 0, 0, 0, // original length 60
      0xaa, 0xbb, 0xcc, 0, // packet bytes + 1 padding byte
      36, 0, 0, 0, // total length again
    ]);
    const { summary, packets } = await readBytes(bytes);
    assert.deepEqual(summary.problems, []);
    assert.equal(summary.info.format, 'pcapng');
    assert.deepEqual(summary.info.interfaces, [{ id: 0, linkType: 1, snapLen: 262144, name: undefined, description: undefined, unitsPerSecond: 1e9 }]);
    // 0x13AE43B346370F90 ns = 1418145369.924505488 s: the first frame of tcpdump's
    // tcp-handshake-nano.pcap as tshark prints it.
    assert.equal(0x13ae43b346370f90n, 1418145369924505488n);
    assert.deepEqual(packets.map((p) => [p.offset, p.sec, p.frac, p.unitsPerSecond, p.capLen, p.origLen, p.data]), [
      [60, 1418145369, 924505488, 1e9, 3, 60, [0xaa, 0xbb, 0xcc]],
    ]);
  });

  it('reads several sections of either byte order, each with its own interfaces and resolutions', async () => {
    const sections: NgSection[] = [
      {
        bigEndian: false, comment: 'first',
        interfaces: [{ linkType: 1, name: 'eth0', description: 'uplink' }, { linkType: 0, tsresol: 9 }],
        blocks: [pkt(0, 1700000000123456n, 1), pkt(1, 1700000000123456789n, 2, { comments: ['hello', 'wörld'] })],
      },
      {
        bigEndian: true,
        // 2^-8 s ticks; and 10^-3 s ticks with an offset of 100 s.
        interfaces: [{ linkType: 101, tsresol: 0x88 }, { linkType: 113, tsresol: 3, tsOffset: 100n }],
        blocks: [pkt(0, 256n * 1519128000n + 50n, 3), pkt(1, 1500n, 4, { obsolete: true })],
      },
      { bigEndian: false, interfaces: [{ linkType: 1, snapLen: 8 }], blocks: [pkt(0, 0n, 5, { simple: true })] },
    ];
    const { summary, packets } = await readBytes(writePcapng(sections));
    assert.deepEqual(summary.problems, []);
    assert.deepEqual(summary.info.linkTypes, [1, 0, 101, 113]);
    assert.deepEqual(summary.info.comments, ['first']);
    assert.deepEqual(summary.info.interfaces.map((i) => [i.id, i.linkType, i.unitsPerSecond, i.name, i.description]), [
      [0, 1, 1e6, 'eth0', 'uplink'], [1, 0, 1e9, undefined, undefined], [2, 101, 256, undefined, undefined],
      [3, 113, 1000, undefined, undefined], [4, 1, 1e6, undefined, undefined],
    ]);
    assert.deepEqual(packets.map((p) => [p.interfaceId, p.linkType, p.sec, p.frac, p.unitsPerSecond, p.comment, p.capLen]), [
      [0, 1, 1700000000, 123456, 1e6, undefined, 21],
      [1, 0, 1700000000, 123456789, 1e9, 'hello\nwörld', 22],
      [2, 101, 1519128000, 50, 256, undefined, 23],
      // 1500 ms + if_tsoffset 100 s
      [3, 113, 101, 500, 1000, undefined, 24],
      // Simple Packet Block: cut to the interface's snap length (8), no timestamp.
      [4, 1, 0, 0, 1e6, undefined, 8],
    ]);
    assert.equal(packets[4].noTimestamp, true);
    assert.equal(packets[4].origLen, 25);
  });

  it('reports an if_tsresol finer than a number can hold and falls back to microseconds', async () => {
    const { summary, packets } = await readBytes(writePcapng([{ interfaces: [{ linkType: 1, tsresol: 30 }], blocks: [pkt(0, 5000001n, 1)] }]));
    assert.equal(summary.problems.length, 1);
    assert.match(summary.problems[0].message, /if_tsresol 30/);
    assert.deepEqual(packets.map((p) => [p.sec, p.frac, p.unitsPerSecond]), [[5, 1, 1e6]]);
  });

  it('skips name resolution, statistics, secrets and unknown blocks, and numbers custom blocks as frames like Wireshark', async () => {
    const raw = (type: number, n: number) => ({ kind: 'raw' as const, type, body: data(n, 7) });
    const { summary, packets } = await readBytes(writePcapng([{
      interfaces: [{ linkType: 1 }],
      blocks: [raw(4, 8), pkt(0, 1n, 1), raw(5, 20), raw(0xa, 12), raw(0xbad, 16), pkt(0, 2n, 2), raw(0x40000bad, 8), raw(0x7777, 4), pkt(0, 3n, 3)],
    }]));
    assert.deepEqual(summary.problems, []);
    // tshark 4.0 gives custom blocks frame numbers (pcapng-suite test018.pcapng: frames 1, 4, 6, 8).
    assert.deepEqual(packets.map((p) => [p.index, p.data[0]]), [[1, 1], [3, 2], [5, 3]]);
    assert.equal(summary.packets, 3);
    assert.equal(summary.frames, 5);
  });

  it('skips a section with an unknown version and reads the next one (gopacket does; tshark stops)', async () => {
    const bytes = writePcapng([
      { interfaces: [{ linkType: 1 }], blocks: [pkt(0, 1n, 1)] },
      { version: [2, 0], interfaces: [{ linkType: 1 }], blocks: [pkt(0, 2n, 2)] },
      { interfaces: [{ linkType: 1 }], blocks: [pkt(0, 3n, 3)] },
    ]);
    const { summary, packets } = await readBytes(bytes);
    // tshark reads packet 1 and stops with "pcapng: unknown SHB version 2.0" (gopacket/le/test901.pcapng
    // in the corpus); gopacket's reader skips the section. Skipping keeps more of the user's data.
    assert.deepEqual(packets.map((p) => p.data[0]), [1, 3]);
    assert.equal(summary.problems.length, 1);
    assert.match(summary.problems[0].message, /unsupported version 2\.0/);
    // Second SHB after SHB (28), IDB (20) and an EPB of 32 + 21 data bytes padded to 24.
    assert.equal(summary.problems[0].offset, 28 + 20 + (32 + 24));
  });

  it('reports a block whose trailing length disagrees, then resynchronises on the next block', async () => {
    const bytes = writePcapng([{ interfaces: [{ linkType: 1 }], blocks: [pkt(0, 1n, 1), pkt(0, 2n, 2), pkt(0, 3n, 3)] }]);
    // EPB 2 starts after SHB (28) + IDB (20) + EPB 1 (32 + 24 = 56) = 104; its trailer is at 104 + 56 - 4.
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    assert.equal(v.getUint32(104, true), 6);
    v.setUint32(104 + 56 - 4, 999, true);
    const { summary, packets } = await readBytes(bytes);
    assert.deepEqual(packets.map((p) => p.data[0]), [1, 3]);
    assert.equal(summary.problems[0].offset, 104);
    assert.match(summary.problems[0].message, /trailing length 999/);
    assert.equal(summary.problems[1].offset, 160);
  });

  it('reports zero-length and too-short blocks without looping', async () => {
    const bytes = writePcapng([{ interfaces: [{ linkType: 1 }], blocks: [pkt(0, 1n, 1), pkt(0, 2n, 2)] }]);
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(48 + 4, 0, true); // EPB 1 total length = 0
    const { summary, packets } = await readBytes(bytes);
    assert.equal(summary.problems[0].offset, 48);
    assert.match(summary.problems[0].message, /declares length 0/);
    assert.deepEqual(packets.map((p) => p.data[0]), [2]);
    const short = writePcapng([{ interfaces: [{ linkType: 1 }], blocks: [pkt(0, 1n, 1)] }]);
    new DataView(short.buffer, short.byteOffset).setUint32(48 + 4, 8, true);
    const r2 = await readBytes(short);
    assert.equal(r2.packets.length, 0);
    assert.equal(r2.summary.problems[0].offset, 48);
  });

  it('rejects an EPB whose captured length exceeds its block, and one naming a missing interface', async () => {
    const bytes = writePcapng([{ interfaces: [{ linkType: 1 }], blocks: [pkt(0, 1n, 1), pkt(0, 2n, 2), pkt(0, 3n, 3)] }]);
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    v.setUint32(48 + 20, 100000, true); // EPB 1 captured length
    v.setUint32(104 + 8, 5, true); // EPB 2 interface id 5
    const { summary, packets } = await readBytes(bytes);
    assert.deepEqual(packets.map((p) => p.data[0]), [3]);
    assert.deepEqual(summary.problems.map((p) => p.offset), [48, 104]);
  });

  it('reports a block cut short by the end of the file', async () => {
    const bytes = writePcapng([{ interfaces: [{ linkType: 1 }], blocks: [pkt(0, 1n, 1), pkt(0, 2n, 2)] }]);
    const { summary, packets } = await readBytes(bytes.subarray(0, bytes.length - 5));
    assert.equal(packets.length, 1);
    assert.equal(summary.problems[0].offset, 104);
    assert.match(summary.problems[0].message, /truncated block/);
  });

  it('reads a block longer than the read buffer', async () => {
    const big = { kind: 'raw' as const, type: 4, body: data(3 * 1024 * 1024, 0) };
    const bytes = writePcapng([{ interfaces: [{ linkType: 1 }], blocks: [pkt(0, 1n, 1), big, pkt(0, 2n, 2)] }]);
    const { readCaptureFile } = await import('../../../src/core/capture/readCapture');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'synscope-ng-'));
    try {
      writeFileSync(join(dir, 'big.pcapng'), bytes);
      const seen: number[] = [];
      const s = await readCaptureFile(join(dir, 'big.pcapng'), (p) => seen.push(p.data[0]), { chunkSize: 65536 });
      assert.deepEqual(seen, [1, 2]);
      assert.deepEqual(s.problems, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
