/**
 * The engine's live set is bounded (active flows, listed flows, aggregates), but V8 lets the
 * heap grow with garbage long before it collects. Running the analysis in a child with a heap
 * cap sized from the listed flows keeps peak RSS near the live set (a 10^7-source flood stays
 * under 200 MiB). Skipped when the user chose heap flags, or with SYNSCOPE_NO_REEXEC=1.
 *
 * The launcher stays in charge of the child: signals it receives go to the child, and it ends
 * the way the child ended, so `kill <synscope>` never leaves an analysis running under PID 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { DEFAULT_CONFIG } from '../core/engine/config';
import { FOLLOW_WINDOW_FLOWS } from '../core/live/follow';
import type { Options } from './args';

/**
 * Heap for the child: ~6 KB per listed flow (flow, events, output) on top of 96 MB for the rest,
 * and room for the live flows the engine may hold (~0.45 KB of heap each, up to maxLiveFlows): a
 * cap below that would end a long flood in an out-of-memory crash instead of an answer.
 */
export function heapMbFor(o: Options): number {
  const listed = o.maxFlows ?? o.config.maxFlows ?? DEFAULT_CONFIG.maxFlows;
  const maxFlows = typeof listed === 'number' && Number.isFinite(listed) && listed >= 0 ? listed : DEFAULT_CONFIG.maxFlows;
  const live = o.config.maxLiveFlows ?? DEFAULT_CONFIG.maxLiveFlows;
  const maxLive = typeof live === 'number' && Number.isFinite(live) && live >= 0 ? live : DEFAULT_CONFIG.maxLiveFlows;
  return Math.ceil(96 + (maxFlows * 6) / 1024 + (maxLive * 0.45) / 1024 + (o.command === 'follow' ? followStoriesMb(o) : 0));
}

/**
 * A follower's final report tells the stories from the window of flows it keeps
 * (FOLLOW_WINDOW_FLOWS): ~0.25 KB of heap a flow while they are told. Without a cap V8 let a
 * 30-minute follow's RSS swing between 0.2 and 1.3 GB with garbage; with it and the 200,000-flow
 * window, 136-316 MiB (docs/performance.md, "Following for 30 minutes in real time").
 */
function followStoriesMb(o: Options): number {
  const window = o.config.storeWindowFlows;
  const flows = typeof window === 'number' && Number.isFinite(window) && window > 0 ? window : FOLLOW_WINDOW_FLOWS;
  return (flows * 0.25) / 1024;
}

/**
 * Young generation per semi-space, MB. 4 keeps RSS near the live set while the capture is read;
 * a Parquet export builds and drops its row groups' cells by the million, and with 4 MB most of
 * them were promoted and collected again: 32 MB took a quarter off its CPU time (8.2-8.5 → 6.4 s
 * on a 2·10^5-flow flood, two alternating pairs at load ~18) for 25-90 MB more RSS.
 */
export function semiSpaceMbFor(o: Options): number {
  return o.format === 'parquet' ? 32 : 4;
}

/**
 * The parsed options travel to the child in this variable: the child must not read the
 * command line again, since `--config /dev/stdin` or `--config <(…)` can be read only once.
 */
export const OPTIONS_ENV = 'SYNSCOPE_CHILD_OPTIONS';
/** Well under Linux's 128 KiB limit on one environment string. */
const MAX_OPTIONS_ENV = 100_000;

/** Whether this process should hand the analysis to a child with a sized heap. */
export function wantsRelaunch(o: Options): boolean {
  if (process.env.SYNSCOPE_NO_REEXEC || process.env.SYNSCOPE_CHILD) return false;
  if (JSON.stringify(o).length > MAX_OPTIONS_ENV) return false;
  const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  return !/max-old-space-size|max-semi-space-size/.test(flags);
}

/** In the child: the options the launcher parsed, if it sent them. */
export function optionsFromLauncher(): Options | undefined {
  const text = process.env.SYNSCOPE_CHILD ? process.env[OPTIONS_ENV] : undefined;
  return text ? (JSON.parse(text) as Options) : undefined;
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `script argv` in a child with the heap cap and resolves when this process should end.
 * Resolves `undefined` when the child could not be started (the caller analyses in-process).
 */
export function relaunch(script: string, argv: string[], o: Options): Promise<{ code?: number; signal?: NodeJS.Signals } | undefined> {
  return new Promise((resolve) => {
    // Handlers go in before the child exists: a signal in between is kept and passed on.
    let forwarded: NodeJS.Signals | undefined;
    let child: ChildProcess | undefined;
    const handlers = FORWARDED.map((sig) => {
      const h = (): void => {
        forwarded = sig;
        child?.kill(sig);
      };
      process.on(sig, h);
      return [sig, h] as const;
    });
    child = spawn(process.execPath, [`--max-old-space-size=${heapMbFor(o)}`, `--max-semi-space-size=${semiSpaceMbFor(o)}`, ...process.execArgv, script, ...argv], {
      stdio: 'inherit',
      env: { ...process.env, SYNSCOPE_CHILD: '1', [OPTIONS_ENV]: JSON.stringify(o), ...mallocEnv(o) },
    });
    if (forwarded) child.kill(forwarded);
    const done = (r: { code?: number; signal?: NodeJS.Signals } | undefined): void => {
      for (const [sig, h] of handlers) process.off(sig, h);
      resolve(r);
    };
    child.on('error', () => done(undefined));
    child.on('exit', (code, signal) => {
      if (signal === null) return done({ code: code ?? 0 });
      if (signal === forwarded) return done({ signal });
      // Killed from outside (the OOM killer, `kill -9` on the child): say so, it is a failure.
      const hint = signal === 'SIGKILL' || signal === 'SIGABRT' ? ' (out of memory? try a smaller --max-flows)' : '';
      process.stderr.write(`synscope: the analysis process was stopped by ${signal}${hint}\n`);
      done({ code: 2 });
    });
  });
}

/**
 * glibc's malloc (mallopt(3)) raises its mmap threshold each time a large block is freed, up to
 * 32 MB; after that, blocks of the engine's size (slab and store chunks, tables: 0.25-1 MB) come
 * from its heap and stay there when freed. Then what `Analyzer.finish` frees before the stories
 * (the reading's ~55 MB on the 1 GiB bench mix) was never given back, and the stories' heap came
 * on top of it. A fixed threshold maps each such block on its own, so freeing it unmaps it.
 * Other C libraries ignore the variable; a value the user set is kept.
 *
 * A follower runs for hours and a flood's live attempts come and go in smaller blocks (parked
 * records and live-count rows in 74-172 KB chunks, tables of a few hundred KB): at 256 KB those
 * stayed in malloc's heap when freed, and the native memory outside V8 sat ~12 MB higher after
 * the bench's flood for the rest of the follow. At 32 KB it stays level (median 48 → 47 MB at 6×
 * real time, docs/performance.md), for the same CPU.
 */
function mallocEnv(o: Options): Record<string, string> {
  const threshold = o.command === 'follow' ? 32 * 1024 : 256 * 1024;
  return process.env.MALLOC_MMAP_THRESHOLD_ === undefined ? { MALLOC_MMAP_THRESHOLD_: String(threshold) } : {};
}

/** Ends this process as the child ended: a signal we forwarded is re-raised (shells then see 128+n). */
export function endLike(r: { code?: number; signal?: NodeJS.Signals }): void {
  if (r.signal) {
    process.removeAllListeners(r.signal);
    process.kill(process.pid, r.signal);
    // Still here (the signal is ignored in this process): the conventional status instead.
    process.exit(128 + (constants.signals[r.signal] ?? 0));
  }
  process.exitCode = r.code ?? 0;
}
