// Every cut and every flipped byte of small captures (pcap LE/BE/ns, two-section pcapng, gzip)
// through reader + engine + renderers. A cut file must give exactly the packets before the cut
// plus a problem at the start of the cut record; a damaged one must never throw, and cannot
// change the packets whose records lie wholly before the damage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtures, type Fixture } from './fixtures';
import { runPipeline, type PipelineRun } from './pipeline';

/** Start of the record holding byte `i` (the largest boundary <= i). */
function recordStart(f: Fixture, i: number): number {
  let s = 0;
  for (const b of f.boundaries) if (b <= i) s = b;
  return s;
}

/** Clean packets whose record ends at or before `k`. */
function packetsBefore(f: Fixture, k: number): number {
  let n = 0;
  for (const start of f.packetRecords) {
    const end = f.boundaries[f.boundaries.indexOf(start) + 1];
    if (end <= k) n++;
  }
  return n;
}

async function clean(f: Fixture): Promise<PipelineRun> {
  const run = await runPipeline(f.bytes);
  assert.equal(run.packets.length, f.packets, `${f.name}: clean file gives every packet written`);
  assert.deepEqual(run.summary?.problems, [], `${f.name}: clean file has no problems`);
  return run;
}

for (const f of fixtures()) {
  test(`${f.name}: cut at every byte offset gives the packets before the cut and a problem naming the cut record`, { timeout: 120_000 }, async (t) => {
    const full = await clean(f);
    t.diagnostic(`${f.bytes.length} cut files through reader, engine and renderers`);
    // The clean file reports 2 flows: both IPv4 connections and the IPv6 handshake are 3 flows.
    assert.equal(full.result?.summary.flows, 3);
    for (let k = 0; k < f.bytes.length; k++) {
      const run = await runPipeline(f.bytes.subarray(0, k), { render: k % 16 === 0 ? 1 : 0 });
      const where = `${f.name} cut at ${k}`;
      if (k < (f.gzip ? 2 : 4)) {
        assert.ok(run.formatError, `${where}: too short to be a capture`);
        assert.equal(run.formatError.offset, 0);
        continue;
      }
      if (f.gzip) {
        // A cut gzip stream may stop before any capture byte comes out ("empty capture inside the
        // gzip file"); otherwise it is always reported damaged.
        if (run.formatError) {
          assert.equal(run.formatError.offset, 0, where);
          continue;
        }
        assert.deepEqual(run.packets, full.packets.slice(0, run.packets.length), `${where}: packets are a prefix of the clean ones`);
        assert.ok(run.summary!.problems.length > 0, `${where}: the cut is reported`);
        assert.match(run.summary!.problems[0].message, /gzip|truncated/);
        continue;
      }
      const n = packetsBefore(f, k);
      assert.deepEqual(run.packets, full.packets.slice(0, n), `${where}: the ${n} packets before the cut, unchanged`);
      const problems = run.summary!.problems;
      if (f.boundaries.includes(k)) {
        assert.deepEqual(problems, [], `${where}: a cut between records is a shorter valid file`);
      } else {
        const start = recordStart(f, k);
        assert.ok(problems.some((p) => p.offset === start), `${where}: a problem at offset ${start}; got ${JSON.stringify(problems)}`);
        assert.ok(run.result!.findings.some((x) => x.code === 'capture-damaged'), `${where}: the damage is a finding`);
      }
    }
  });

  test(`${f.name}: a corrupted byte at every offset never throws and keeps the packets before it`, { timeout: 120_000 }, async (t) => {
    const full = await clean(f);
    t.diagnostic(`${f.bytes.length * 2} corrupted files through reader, engine and renderers`);
    for (let i = 0; i < f.bytes.length; i++) {
      for (const flip of [0xff, 0x01]) {
        const bad = f.bytes.slice();
        bad[i] ^= flip;
        const where = `${f.name}: byte ${i} ^ 0x${flip.toString(16)}`;
        const run = await runPipeline(bad, { chunkSizes: [97, 13, 512], render: i % 16 === 0 ? 1 : 0 });
        if (run.formatError) {
          // Only the magic (or, compressed, anything: the inner magic may be hit) can make the
          // whole file unreadable.
          assert.ok(f.gzip || i < 4, `${where}: refused the whole file: ${run.formatError.message}`);
          assert.equal(run.formatError.offset, 0);
          continue;
        }
        if (f.gzip) continue; // compressed offsets do not map to records; the invariants held
        const n = packetsBefore(f, i);
        assert.deepEqual(run.packets.slice(0, n), full.packets.slice(0, n), `${where}: packets before the damaged record unchanged`);
        const start = recordStart(f, i);
        for (const p of run.summary!.problems) {
          assert.ok(p.offset >= start, `${where}: problem at ${p.offset} before the damaged record at ${start}: ${p.message}`);
        }
      }
    }
  });
}
