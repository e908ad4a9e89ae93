/**
 * Inputs of at most 1 MB built to be as expensive as the format allows, for the acceptance bound
 * of issue 17 ("no input of ≤ 1 MB takes more than 5 s or 300 MB"): gzip at its ~1000:1 limit
 * around the most work per uncompressed byte we know of. `node scripts/fuzz.mjs --budget` runs
 * each once through the fuzz target, which reports one over budget as a finding.
 */
import { gzipSync } from 'node:zlib';
import { writePcapng } from '../test/helpers/pcapWriter';
import { CLIENT, SERVER, tcpFrame } from '../test/unit/robustness/fixtures';

const LIMIT = 1_000_000;
const MiB = 1024 * 1024;

/** The largest repetition count whose gzip stays within 1 MB (gzip output grows linearly). */
function fill(build: (n: number) => Uint8Array, guess: number): Uint8Array {
  const probe = gzipSync(build(guess), { level: 9 });
  const n = Math.floor((guess * LIMIT * 0.97) / probe.length);
  return new Uint8Array(gzipSync(build(n), { level: 9 }));
}

function pcapOf(record: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(24 + n * record.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true); // magic, µs, little-endian
  v.setUint16(4, 2, true); v.setUint16(6, 4, true); // version 2.4
  v.setUint32(16, 65535, true); v.setUint32(20, 1, true); // snaplen, Ethernet
  for (let i = 0; i < n; i++) out.set(record, 24 + i * record.length);
  return out;
}

function record(data: Uint8Array): Uint8Array {
  const r = new Uint8Array(16 + data.length);
  const v = new DataView(r.buffer);
  v.setUint32(0, 1767225600, true);
  v.setUint32(8, data.length, true);
  v.setUint32(12, data.length, true);
  r.set(data, 16);
  return r;
}

/** Empty pcap records: the most packets per byte (16), ~1000:1 compressed. */
const emptyRecords = (): Uint8Array => fill((n) => pcapOf(record(new Uint8Array(0)), n), 1_000_000);

/** One SYN repeated: every packet decoded, all in one flow (a retransmitted SYN each). */
const sameSyn = (): Uint8Array => fill((n) => pcapOf(record(tcpFrame(CLIENT, SERVER, { flags: 0x02, seq: 1 })), n), 200_000);

/** pcapng blocks of the 16 MiB maximum, each holding 4 million empty comment options. */
function optionBlocks(): Uint8Array {
  const head = writePcapng([{ interfaces: [{ linkType: 1 }], blocks: [] }]);
  const len = 16 * MiB - 4;
  const block = new Uint8Array(len);
  const v = new DataView(block.buffer);
  v.setUint32(0, 6, true); v.setUint32(4, len, true);
  for (let o = 28; o + 4 <= len - 4; o += 4) v.setUint16(o, 1, true);
  v.setUint32(len - 4, len, true);
  return fill((n) => {
    const out = new Uint8Array(head.length + n * len);
    out.set(head, 0);
    for (let i = 0; i < n; i++) out.set(block, head.length + i * len);
    return out;
  }, 4);
}

/** Interface description blocks (20 bytes each) in one section, then a packet on the last. */
const interfaceFlood = (): Uint8Array => fill((n) => writePcapng([{
  interfaces: Array.from({ length: n }, () => ({ linkType: 1 })),
  blocks: [{ kind: 'packet', packet: { iface: Math.min(n, 65536) - 1, ticks: 1n, data: tcpFrame(CLIENT, SERVER, { flags: 0x02 }) } }],
}]), 200_000);

/** A damaged pcap record followed by bytes that never resynchronise: the 64 MiB scan limit. */
function resyncScan(): Uint8Array {
  return fill((n) => {
    const good = record(tcpFrame(CLIENT, SERVER, { flags: 0x02 }));
    const out = pcapOf(good, 1);
    const all = new Uint8Array(out.length + 16 + n);
    all.set(out, 0);
    new DataView(all.buffer).setUint32(out.length + 8, 0xffffffff, true); // captured length 4 GiB
    all.fill(0xff, out.length + 16); // no plausible record header anywhere after it
    return all;
  }, 16 * MiB);
}

export function budgetSeeds(): { name: string; bytes: Uint8Array }[] {
  return [
    { name: 'budget-empty-records', bytes: emptyRecords() },
    { name: 'budget-same-syn', bytes: sameSyn() },
    { name: 'budget-option-blocks', bytes: optionBlocks() },
    { name: 'budget-interface-flood', bytes: interfaceFlood() },
    { name: 'budget-resync-scan', bytes: resyncScan() },
  ];
}
