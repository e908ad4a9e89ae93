// Byte-level checks of the generator against values derived by hand from the specs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureWriter, MemorySink, SCENARIOS, generateBulk, host, toUnits64, writeIpv4, writeTcpOptions } from '../../../src/gen/index';

test('IPv4 header checksum matches the classic worked example (RFC 1071 style): b861', () => {
  // 4500 0073 0000 4000 4011 ???? c0a8 0001 c0a8 00c7: the widely used example header whose
  // checksum, summed by hand, is 0xb861.
  const buf = new Uint8Array(20);
  writeIpv4(buf, 0, { src: host('192.168.0.1'), dst: host('192.168.0.199'), ttl: 64 }, 17, 0x73 - 20, 0);
  assert.equal(Buffer.from(buf).toString('hex'), '45000073000040004011b861c0a80001c0a800c7');
});

test('pcapng 64-bit timestamps are exact (no float epoch math)', () => {
  // 1767225600.123456789 s in ns = 1767225600123456789 = 0x18868D6E_5CD6FB15 (computed with BigInt)
  const ns = toUnits64(1767225600, 123456789, 1e9);
  const big = 1767225600n * 1000000000n + 123456789n;
  assert.equal(ns.hi, Number(big >> 32n));
  assert.equal(ns.lo, Number(big & 0xffffffffn));
  const usv = toUnits64(4102444799, 999999, 1e6); // 2099-12-31T23:59:59.999999
  const bigUs = 4102444799n * 1000000n + 999999n;
  assert.equal(usv.hi, Number(bigUs >> 32n));
  assert.equal(usv.lo, Number(bigUs & 0xffffffffn));
});

test('file headers: pcap magic per resolution and byte order, pcapng SHB/IDB with if_tsresol', () => {
  const head = (f: ConstructorParameters<typeof CaptureWriter>[1]): string => {
    const s = new MemorySink();
    new CaptureWriter(s, f).close();
    return s.result().toString('hex');
  };
  // magic, v2.4, zone, sigfigs, snaplen 262144, linktype 1
  assert.equal(head({ container: 'pcap', resolution: 'us' }), 'd4c3b2a1' + '02000400' + '00000000' + '00000000' + '00000400' + '01000000');
  assert.equal(head({ container: 'pcap', resolution: 'ns' }).slice(0, 8), '4d3cb2a1');
  assert.equal(head({ container: 'pcap', resolution: 'us', bigEndian: true }).slice(0, 16), 'a1b2c3d400020004');
  const ng = head({ container: 'pcapng', resolution: 'ns' });
  // SHB: type, len 28, BOM 1a2b3c4d LE, v1.0, section length -1, len 28
  assert.equal(ng.slice(0, 56), '0a0d0d0a' + '1c000000' + '4d3c2b1a' + '01000000' + 'ffffffffffffffff' + '1c000000');
  // IDB (32 bytes): type 1, len, linktype 1, reserved, snaplen, option 9 len 1 value 9 + pad, end, len
  assert.equal(ng.slice(56), '01000000' + '20000000' + '0100' + '0000' + '00000400' + '0900' + '0100' + '09000000' + '00000000' + '20000000');
});

test('SYN options are laid out as Linux sends them: MSS, SACK-permitted, timestamps, NOP, window scale', () => {
  const buf = new Uint8Array(40);
  const n = writeTcpOptions(buf, 0, { mss: 1460, sackPerm: true, tsVal: 0x01020304, tsEcr: 0, wscale: 7 });
  assert.equal(Buffer.from(buf.subarray(0, n)).toString('hex'), '020405b4' + '0402' + '080a0102030400000000' + '01030307');
});

test('scenarios are deterministic per seed and differ between seeds', () => {
  const f = { container: 'pcap', resolution: 'us' } as const;
  const a = SCENARIOS['connection-storm'].build(9).toBuffer(f);
  const b = SCENARIOS['connection-storm'].build(9).toBuffer(f);
  const c = SCENARIOS['connection-storm'].build(10).toBuffer(f);
  assert.ok(a.equals(b));
  assert.ok(!a.equals(c));
});

/** Frames and timestamps of a pcap (per the pcap spec: 24-byte header, 16-byte record headers). */
function pcapFrames(b: Buffer): string[] {
  const out: string[] = [];
  for (let off = 24; off < b.length;) {
    const len = b.readUInt32LE(off + 8);
    out.push(`${b.readUInt32LE(off)}.${b.readUInt32LE(off + 4)} ${b.subarray(off + 16, off + 16 + len).toString('hex')}`);
    off += 16 + len;
  }
  return out;
}

/** Frames and timestamps (µs resolution) of a pcapng's EPBs (type 6: iface, ts hi, ts lo, caplen, len, data). */
function pcapngFrames(b: Buffer): string[] {
  const out: string[] = [];
  for (let off = 0; off < b.length;) {
    const type = b.readUInt32LE(off);
    const total = b.readUInt32LE(off + 4);
    if (type === 6) {
      const ts = (BigInt(b.readUInt32LE(off + 12)) << 32n) | BigInt(b.readUInt32LE(off + 16));
      const cap = b.readUInt32LE(off + 20);
      out.push(`${ts / 1000000n}.${ts % 1000000n} ${b.subarray(off + 28, off + 28 + cap).toString('hex')}`);
    }
    off += total;
  }
  return out;
}

test('bulk generation feeds the same frames and times to every format written in one pass', () => {
  const sinks = [new MemorySink(), new MemorySink(), new MemorySink()];
  const [us, ns, ng] = [
    new CaptureWriter(sinks[0], { container: 'pcap', resolution: 'us' }),
    new CaptureWriter(sinks[1], { container: 'pcap', resolution: 'ns' }),
    new CaptureWriter(sinks[2], { container: 'pcapng', resolution: 'us' }),
  ];
  generateBulk(us, { seed: 11, targetBytes: 200_000, also: [ns, ng] });
  for (const w of [us, ns, ng]) w.close();
  const a = pcapFrames(sinks[0].result());
  const b = pcapFrames(sinks[1].result()).map((f) => {
    const [ts, data] = f.split(' ');
    const [s, n] = ts.split('.');
    return `${s}.${Math.floor(Number(n) / 1000)} ${data}`; // the µs file truncates ns
  });
  const c = pcapngFrames(sinks[2].result());
  assert.ok(a.length > 100);
  assert.deepEqual(b, a);
  assert.deepEqual(c, a);
});
