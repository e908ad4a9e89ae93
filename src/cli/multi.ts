/**
 * `synscope analyze a.pcap b.pcap folder/ …`: every capture in its own worker thread, as many
 * at once as there are cores (--jobs), each with its own heap cap; then one report: each
 * capture's own, in the order given, and what they add up to (combined.ts). A capture that is
 * damaged or cannot be read is named with its byte offset and the others are still reported;
 * exit code 3 says so. Formats and the combined JSON shape: docs/fleet.md.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Severity } from '../core/engine/result';
import { printable } from '../core/output/printable';
import type { Format, Options } from './args';
import { combine, formatCombinedTable, problemLine, type FileEntry } from './combined';
import { expandInputs, isMultiInput, type Input } from './inputs';
import type { FileJob, FileJobReply } from './multiWorker';
import { copyCsvRows, copyIndented, readJsonFile } from './multiOutput';
import { heapMbFor } from './relaunch';
import { writeToFile, type Job, type Outcome } from './report';

/** Some captures were unreadable or damaged; the others were analysed and reported. */
export const EXIT_INCOMPLETE_INPUT = 3;

export function isMultiRun(o: Options): boolean {
  return isMultiInput(o.captures ?? [o.capture]);
}

const NO_FINDINGS: Record<Severity, number> = { error: 0, warning: 0, info: 0 };

/** Runs one capture's job in a worker thread; a worker that dies (out of memory) is a capture that could not be read. */
function runInWorker(job: Job, heapMb: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (o: Outcome): void => {
      if (!settled) resolve(o);
      settled = true;
    };
    const w = new Worker(__filename, {
      workerData: { synscopeFileJob: true, job } satisfies FileJob,
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
    w.on('message', (m: FileJobReply) => {
      if (m.type === 'done') settle(m.outcome);
      else settle({ status: 'unreadable', error: { message: `internal error: ${m.message}` }, severities: NO_FINDINGS });
    });
    w.on('error', (e: Error & { code?: string }) => {
      const message = e.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `the analysis ran out of memory (heap cap ${heapMb} MB; try a smaller --max-flows or fewer --jobs)`
        : `internal error: ${e.message}`;
      process.stderr.write(`synscope: ${printable(job.path)}: ${message}\n`);
      settle({ status: 'unreadable', error: { message }, severities: NO_FINDINGS });
    });
    w.on('exit', () => settle({ status: 'unreadable', error: { message: 'the analysis stopped without a result' }, severities: NO_FINDINGS }));
  });
}

/** At most `limit` at once, results in input order. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>, onDone: () => void): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
      onDone();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** Where each capture's Parquet goes: `<output>/<its path inside the folder given>.parquet`. */
function parquetTargets(o: Options, inputs: Input[]): string[] | string {
  const dir = o.output!;
  try {
    if (statSync(dir).isFile()) return `--output ${printable(dir)} is a file; with several captures, Parquet goes to a folder (one file per capture)`;
  } catch {
    // created below
  }
  const targets = inputs.map((inp) => join(dir, `${inp.name}.parquet`));
  const seen = new Map<string, string>();
  for (let i = 0; i < targets.length; i++) {
    const before = seen.get(targets[i]);
    if (before !== undefined) return `${printable(before)} and ${printable(inputs[i].path)} would both be written to ${printable(targets[i])}; give them in separate runs`;
    seen.set(targets[i], inputs[i].path);
  }
  try {
    for (const t of targets) mkdirSync(dirname(t), { recursive: true });
  } catch (e) {
    return `cannot create ${printable(dir)}: ${(e as Error).message}`;
  }
  return targets;
}

function progress(total: number): () => void {
  let done = 0;
  if (!process.stderr.isTTY) return () => undefined;
  return () => {
    done++;
    process.stderr.write(`\r${done} of ${total} captures analysed${done === total ? '\r\x1b[K' : ''}`);
  };
}

export async function runMany(o: Options, rank: Record<Severity, number>): Promise<number> {
  const inputs = expandInputs(o.captures);
  if (inputs.length === 0) {
    process.stderr.write(`synscope: no captures in ${o.captures.map(printable).join(', ')} (looked for .pcap, .pcapng, .cap, tcpdump -C's .pcap1 …, .gz of those, and files that start like a capture)\n`);
    return 2;
  }
  const parquet = o.format === 'parquet';
  let targets: string[];
  let tmp: string | undefined;
  // Signals are handled before the folder exists: a Ctrl+C between making it and handling them
  // ended the process by the signal's default action and left the folder behind (seen under load).
  const cleanUp = removeOnSignal(() => tmp);
  try {
    if (parquet) {
      const t = parquetTargets(o, inputs);
      if (typeof t === 'string') {
        process.stderr.write(`synscope: ${t}\n`);
        return 2;
      }
      targets = t;
    } else {
      tmp = mkdtempSync(join(tmpdir(), 'synscope-multi-'));
      targets = inputs.map((_, i) => join(tmp!, `${i}.out`));
    }
    const heapMb = heapMbFor(o);
    const width = !o.output && process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : 100;
    const jobs = o.jobs ?? availableParallelism();
    const outcomes = await pool(inputs, jobs, (inp, i) => runInWorker({
      path: inp.path, format: o.format as Format, config: o.config, maxFlows: o.maxFlows, output: targets[i], width, servers: o.servers,
      captureColumn: o.format === 'csv' || o.format === 'findings-csv',
    }, heapMb), progress(inputs.length));
    const files: FileEntry[] = inputs.map((inp, i) => ({ path: inp.path, outcome: outcomes[i] }));
    const combined = combine(files);
    let failed = outcomes.some((x) => x.writeFailed);
    if (!parquet) {
      const emit = (write: (s: string) => void): void => emitReport(o, files, targets, combined, write);
      if (o.output) failed = !writeToFile(o.output, emit, false) || failed;
      else emit((s) => process.stdout.write(s));
    }
    if (failed) return 2;
    if (combined.ok + combined.damaged === 0) return 2;
    if (combined.problems.length > 0 || combined.unreadable > 0) {
      process.stderr.write(`synscope: ${combined.damaged + combined.unreadable} of ${combined.captures} captures were not read whole; the others are reported:\n` +
        combined.problems.map((p) => `  ${problemLine(p)}\n`).join(''));
      return EXIT_INCOMPLETE_INPUT;
    }
    if (o.failOn) {
      const threshold = rank[o.failOn];
      if ((Object.keys(rank) as Severity[]).some((s) => rank[s] >= threshold && combined.severities[s] > 0)) return 1;
    }
    return 0;
  } finally {
    cleanUp();
  }
}

/**
 * The captures' reports wait in a temporary folder until all are done: removed at the end, and
 * on Ctrl+C or kill too (then the process ends by that signal, as it would have).
 */
function removeOnSignal(folder: () => string | undefined): () => void {
  const remove = (): void => {
    const tmp = folder();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  };
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig) => {
    const h = (): void => {
      remove();
      process.removeListener(sig, h);
      process.kill(process.pid, sig);
    };
    process.once(sig, h);
    return [sig, h] as const;
  });
  return () => {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
    remove();
  };
}

/** Each capture's report in order, then the combined part, in the format asked for. */
function emitReport(o: Options, files: FileEntry[], reports: string[], combined: ReturnType<typeof combine>, write: (s: string) => void): void {
  const readable = files.map((f, i) => ({ ...f, report: reports[i] })).filter((f) => f.outcome.status !== 'unreadable');
  switch (o.format) {
    case 'json': {
      write('{\n  "schema": "synscope-multi/1",\n  "files": [');
      files.forEach((f, i) => {
        const error = f.outcome.error ? JSON.stringify(f.outcome.error, null, 2).replace(/\n/g, '\n      ') : 'null';
        write(`${i > 0 ? ',' : ''}\n    {\n      "path": ${JSON.stringify(f.path)},\n      "status": "${f.outcome.status}",\n      "error": ${error},\n      "result": `);
        if (f.outcome.status === 'unreadable') write('null');
        else copyIndented(reports[i], '      ', write);
        write('\n    }');
      });
      write(`${files.length ? '\n  ' : ''}],\n  "combined": ${JSON.stringify(combined, null, 2).replace(/\n/g, '\n  ')}\n}\n`);
      return;
    }
    case 'table':
      for (const f of readable) {
        copyIndented(f.report, '', write);
        write('\n\n');
      }
      write(formatCombinedTable(files, combined));
      return;
    case 'csv':
    case 'findings-csv':
      readable.forEach((f, i) => copyCsvRows(f.report, i > 0, write));
      return;
    case 'sarif': {
      // One SARIF log, one run per capture (SARIF 2.1.0 §3.13.4).
      const logs = readable.map((f) => readJsonFile(f.report) as { runs: unknown[] });
      const merged = logs.length ? { ...logs[0], runs: logs.flatMap((l) => l.runs) } : { version: '2.1.0', runs: [] };
      write(`${JSON.stringify(merged, null, 2)}\n`);
      return;
    }
    default:
      throw new Error(`no multi-capture report for ${o.format}`);
  }
}
