/**
 * jazzer.js fuzz target (run by scripts/fuzz.mjs after bundling to out/fuzz/target.js): the
 * fuzzer's bytes take the whole path a user's file takes — reader over chunks, engine, findings
 * and stories, a sequence diagram — with the invariants of test/unit/robustness/pipeline.ts.
 * Anything thrown other than the reader's CaptureFormatError for a non-capture is a crash.
 */
import { runPipeline } from '../test/unit/robustness/pipeline';
import { fixtures, multiSectionPcapng } from '../test/unit/robustness/fixtures';
export { budgetSeeds } from './budgetSeeds';

/**
 * Issue 17's acceptance bound: no input of at most 1 MB takes more than 5 s or 300 MB. An input
 * over it throws (a finding of the run, its input kept like a crash's). Wall time on a shared
 * machine is noisy: FUZZ_TIME_BUDGET_MS raises the bound there.
 */
const TIME_BUDGET_MS = Number(process.env.FUZZ_TIME_BUDGET_MS ?? 5000);
const MEMORY_BUDGET = 300 * 1024 * 1024;

export class BudgetExceeded extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BudgetExceeded';
  }
}

export async function fuzz(data: Buffer): Promise<void> {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // The last byte picks the read chunking, so chunk boundaries are fuzzed too (deterministically).
  const last = bytes.length > 0 ? bytes[bytes.length - 1] : 0;
  const chunkSizes = last < 128 ? [bytes.length || 1] : [1 + (last & 0x7f) * 13, 7];
  const start = performance.now();
  const rss0 = process.memoryUsage.rss();
  let peak = rss0;
  // Diagrams cost milliseconds each: render for half of the inputs (picked by the last byte).
  await runPipeline(bytes, { chunkSizes, render: last & 1, keepPackets: false, sample: () => { peak = Math.max(peak, process.memoryUsage.rss()); } });
  const ms = performance.now() - start;
  peak = Math.max(peak, process.memoryUsage.rss());
  if (bytes.length <= 1_000_000 && ms > TIME_BUDGET_MS) throw new BudgetExceeded(`input of ${bytes.length} bytes took ${ms.toFixed(0)} ms (budget ${TIME_BUDGET_MS} ms)`);
  if (bytes.length <= 1_000_000 && peak - rss0 > MEMORY_BUDGET) throw new BudgetExceeded(`input of ${bytes.length} bytes grew RSS by ${((peak - rss0) / 2 ** 20).toFixed(0)} MiB (budget 300 MB)`);
}

/** Seed inputs built in code (written to the seed corpus by scripts/fuzz.mjs). */
export function seeds(): { name: string; bytes: Uint8Array }[] {
  const out = fixtures().map((f) => ({ name: f.name.replace(/[^a-z0-9]+/gi, '-'), bytes: f.bytes }));
  out.push({ name: 'pcapng-multi-section', bytes: multiSectionPcapng() });
  return out;
}
