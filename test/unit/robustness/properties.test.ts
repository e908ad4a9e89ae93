// Property tests over random and mutated captures, through the whole path a user's file takes
// (readCaptureChunks / readCaptureFile → Analyzer → finish → diagrams). Seeded and bounded:
// FC_SEED=<n> reproduces a run, FC_RUNS=<n> runs more; the seed is printed on failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { readCaptureFile } from '../../../src/core/capture/readCapture';
import { CaptureFormatError } from '../../../src/core/capture/types';
import { CLIENT, CLIENT6, fixtures, SERVER, SERVER6, tcpFrame } from './fixtures';
import { digest, runPipeline, type PacketDigest, type PipelineRun } from './pipeline';
import { writePcap } from '../../helpers/pcapWriter';

const SEED = Number(process.env.FC_SEED ?? 20261127);
const RUNS = Number(process.env.FC_RUNS ?? 150);
/** The repository root: the bundled test runs from somewhere under out/. */
const ROOT = ((): string => {
  let d = __dirname;
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
})();

/** fc.assert with the seed in the failure message, so CI logs say how to reproduce. */
async function check<T>(p: fc.IAsyncPropertyWithHooks<T>, runs = RUNS, t?: { diagnostic(m: string): void }): Promise<void> {
  try {
    await fc.assert(p, { seed: SEED, numRuns: runs, endOnFailure: true });
    t?.diagnostic(`${runs} generated inputs (seed ${SEED}), 0 failures`);
  } catch (e) {
    (e as Error).message = `reproduce with FC_SEED=${SEED} FC_RUNS=${runs}\n${(e as Error).message}`;
    throw e;
  }
}

/** Small captures that are always there: our built fixtures and the reader's copied ones. */
function corpus(): Uint8Array[] {
  const out = fixtures().map((f) => f.bytes);
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(name) && statSync(p).size <= 64 * 1024) out.push(new Uint8Array(readFileSync(p)));
    }
  };
  walk(join(ROOT, 'test', 'fixtures'));
  return out;
}

const INTERESTING_U32 = [0, 1, 4, 11, 12, 16, 20, 28, 32, 0xffff, 262145, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff];

type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'u32'; at: number; value: number; le: boolean }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'copy'; from: number; to: number; len: number }
  | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('u32' as const), at: fc.nat(), value: fc.constantFrom(...INTERESTING_U32), le: fc.boolean() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('copy' as const), from: fc.nat(), to: fc.nat(), len: fc.integer({ min: 1, max: 256 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(src: Uint8Array, ms: Mutation[]): Uint8Array {
  let b: Uint8Array = src.slice();
  for (const m of ms) {
    if (b.length === 0) break;
    const n = b.length;
    switch (m.kind) {
      case 'flip': b[m.at % n] ^= m.mask; break;
      case 'u32': {
        if (n < 4) break;
        const at = m.at % (n - 3);
        new DataView(b.buffer, b.byteOffset, n).setUint32(at, m.value >>> 0, m.le);
        break;
      }
      case 'insert': { const at = m.at % (n + 1); b = concat(b.subarray(0, at), m.bytes, b.subarray(at)); break; }
      case 'delete': { const at = m.at % n; b = concat(b.subarray(0, at), b.subarray(Math.min(n, at + m.len))); break; }
      case 'copy': {
        const from = m.from % n, to = m.to % n;
        const part = b.slice(from, Math.min(n, from + m.len));
        b.set(part.subarray(0, Math.min(part.length, n - to)), to);
        break;
      }
      case 'truncate': b = b.slice(0, m.at % n); break;
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** What the reader reported, independent of how the bytes were chunked. */
function observed(r: PipelineRun): unknown {
  if (r.formatError) return { formatError: r.formatError.message };
  return { packets: r.packets, problems: r.summary!.problems, flows: r.result!.summary.flows, findings: r.result!.findings.length };
}

let tmp: string | null = null;
async function readFileDigests(bytes: Uint8Array, chunkSize: number): Promise<{ packets: PacketDigest[]; problems: unknown } | { formatError: string }> {
  tmp ??= mkdtempSync(join(tmpdir(), 'synscope-prop-'));
  const path = join(tmp, 'input');
  writeFileSync(path, bytes);
  const packets: PacketDigest[] = [];
  try {
    const s = await readCaptureFile(path, (p) => packets.push(digest(p)), { chunkSize });
    return { packets, problems: s.problems };
  } catch (e) {
    if (e instanceof CaptureFormatError) return { formatError: e.message };
    throw e;
  }
}

test('mutated captures: no exception escapes, invariants hold, chunking and file reads change nothing', { timeout: 300_000 }, async (t) => {
  const bases = corpus();
  assert.ok(bases.length >= 4);
  const chunkSizes = fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 4 });
  await check(fc.asyncProperty(fc.nat(bases.length - 1), fc.array(mutation, { minLength: 1, maxLength: 6 }), chunkSizes,
    fc.integer({ min: 16, max: 4096 }), async (which, ms, sizes, fileChunk) => {
      const bytes = mutate(bases[which], ms);
      const whole = await runPipeline(bytes, { render: 1 });
      const chunked = await runPipeline(bytes, { chunkSizes: sizes });
      assert.deepEqual(observed(chunked), observed(whole), 'chunk boundaries changed what was read');
      const isGz = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
      const fromFile = await readFileDigests(bytes, fileChunk);
      if (whole.formatError) assert.ok('formatError' in fromFile, 'file reader accepted what the chunk reader refused');
      else if (!isGz) assert.deepEqual(fromFile, { packets: whole.packets, problems: whole.summary!.problems }, 'file reader and chunk reader disagree');
    }), RUNS, t);
});

const PCAP_HEADERS: Uint8Array[] = [
  // magic (µs LE), version 2.4, thiszone, sigfigs, snaplen 65535, LINKTYPE_ETHERNET
  Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0),
  // magic (ns BE), version 2.4, thiszone, sigfigs, snaplen 0, LINKTYPE_RAW (101)
  Uint8Array.of(0xa1, 0xb2, 0x3c, 0x4d, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 101),
  // magic (modified, LE), version 2.4, thiszone, sigfigs, snaplen 262144, LINKTYPE_LINUX_SLL (113)
  Uint8Array.of(0x34, 0xcd, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 113, 0, 0, 0),
];

test('random bytes behind a valid pcap header: no exception escapes, invariants hold', { timeout: 120_000 }, async (t) => {
  await check(fc.asyncProperty(fc.nat(PCAP_HEADERS.length - 1), fc.uint8Array({ maxLength: 3000 }), async (h, body) => {
    await runPipeline(concat(PCAP_HEADERS[h], body), { render: 1 });
  }), RUNS, t);
});

/** A pcapng block with consistent framing: type, total length, body (padded), total length. */
function ngBlock(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const out = new Uint8Array(12 + padded);
  const v = new DataView(out.buffer);
  v.setUint32(0, type >>> 0, le);
  v.setUint32(4, out.length, le);
  out.set(body, 8);
  v.setUint32(8 + padded, out.length, le);
  return out;
}

const shbBody = (le: boolean): Uint8Array => {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x1a2b3c4d, le); // byte-order magic
  v.setUint16(4, 1, le); // major
  v.setUint16(6, 0, le); // minor
  v.setBigInt64(8, -1n, le); // section length unknown
  return b;
};

test('random pcapng block sequences with valid framing: no exception escapes, invariants hold', { timeout: 120_000 }, async (t) => {
  const block = fc.record({
    // SHB, IDB, PB, SPB, NRB, ISB, EPB, journal, DSB, custom, or anything
    type: fc.oneof(fc.constantFrom(0x0a0d0d0a, 1, 2, 3, 4, 5, 6, 9, 10, 0xbad, 0x40000bad), fc.nat()),
    body: fc.uint8Array({ maxLength: 160 }),
  });
  await check(fc.asyncProperty(fc.boolean(), fc.array(block, { maxLength: 24 }), async (le, blocks) => {
    const parts = [ngBlock(0x0a0d0d0a, shbBody(le), le)];
    for (const b of blocks) parts.push(ngBlock(b.type, b.type === 0x0a0d0d0a ? concat(shbBody(le), b.body) : b.body, le));
    await runPipeline(concat(...parts), { render: 1 });
  }), RUNS, t);
});

test('random TCP conversations: the engine keeps its counts consistent', { timeout: 120_000 }, async (t) => {
  const seg = fc.record({
    pair: fc.nat(3), reverse: fc.boolean(), port: fc.nat(2),
    flags: fc.nat(0x1ff), seq: fc.constantFrom(0, 1, 1000, 1001, 0xffffffff, 0x7fffffff), ack: fc.constantFrom(0, 1, 1001, 5001),
    payloadLen: fc.constantFrom(0, 0, 1, 100), dtUs: fc.integer({ min: -2000, max: 400000 }),
    mss: fc.option(fc.nat(0xffff), { nil: undefined }),
  });
  await check(fc.asyncProperty(fc.array(seg, { maxLength: 60 }), async (segs) => {
    const hosts = [[CLIENT, SERVER], [SERVER, CLIENT], [CLIENT6, SERVER6], [SERVER6, CLIENT6]] as const;
    let t = 1_767_225_600_000_000;
    const packets = segs.map((s) => {
      const [a, b] = hosts[s.pair];
      const [src, dst] = s.reverse ? [b, a] : [a, b];
      const ports = [40000 + s.port, 443];
      const [sp, dp] = src === CLIENT || src === CLIENT6 ? ports : [ports[1], ports[0]];
      t = Math.max(0, t + s.dtUs);
      const data = tcpFrame(src, dst, {
        srcPort: sp, dstPort: dp, flags: s.flags, seq: s.seq, ack: s.ack, payloadLen: s.payloadLen,
        options: s.mss === undefined ? undefined : { mss: s.mss },
      });
      return { sec: Math.floor(t / 1e6), frac: t % 1e6, data };
    });
    const run = await runPipeline(writePcap(packets), { render: 2 });
    const r = run.result!;
    const synFlagged = segs.filter((s) => s.flags & 0x02).length;
    assert.equal(r.capture.decoded!.tcp, segs.length);
    assert.ok(r.summary.syn + r.summary.synAck <= synFlagged, `${r.summary.syn} SYN + ${r.summary.synAck} SYN-ACK from ${synFlagged} SYN-flagged segments`);
    assert.ok(r.summary.handshakesComplete <= r.summary.flows);
  }), Math.max(50, RUNS >> 1), t);
});

test.after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});
