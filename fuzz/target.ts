/**
 * jazzer.js fuzz target (run by scripts/fuzz.mjs after bundling to out/fuzz/target.js): the
 * fuzzer's bytes take the whole path a user's file takes — reader over chunks, engine, findings
 * and stories, a sequence diagram — with the invariants of test/unit/robustness/pipeline.ts.
 * Anything thrown other than the reader's CaptureFormatError for a non-capture is a crash.
 */
import { runPipeline } from '../test/unit/robustness/pipeline';
import { fixtures, multiSectionPcapng } from '../test/unit/robustness/fixtures';

export async function fuzz(data: Buffer): Promise<void> {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // The last byte picks the read chunking, so chunk boundaries are fuzzed too (deterministically).
  const last = bytes.length > 0 ? bytes[bytes.length - 1] : 0;
  const chunkSizes = last < 128 ? [bytes.length || 1] : [1 + (last & 0x7f) * 13, 7];
  // Diagrams cost milliseconds each: render for half of the inputs (picked by the last byte).
  await runPipeline(bytes, { chunkSizes, render: last & 1 });
}

/** Seed inputs built in code (written to the seed corpus by scripts/fuzz.mjs). */
export function seeds(): { name: string; bytes: Uint8Array }[] {
  const out = fixtures().map((f) => ({ name: f.name.replace(/[^a-z0-9]+/gi, '-'), bytes: f.bytes }));
  out.push({ name: 'pcapng-multi-section', bytes: multiSectionPcapng() });
  return out;
}
