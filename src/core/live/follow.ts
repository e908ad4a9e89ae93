/**
 * Following a capture another process is writing: the file (or a folder of rotated files) is
 * read as it grows, the engine's findings, stories and counts are sent as events while it is
 * read (tracker.ts), and stopping finishes the analysis exactly as `analyze` finishes a file,
 * so the final result of a followed file equals `analyze` of the same bytes.
 */
import { stat } from 'node:fs/promises';
import { readCaptureChunks } from '../capture/readCapture';
import type { CaptureProblem, PacketRecord, ReadSummary } from '../capture/types';
import { Analyzer } from '../engine/analyzer';
import type { AnalysisConfig } from '../engine/config';
import type { AnalysisResult } from '../engine/result';
import { formatPoint } from '../engine/time';
import type { FollowEvent, LiveFinding, LiveStatus, SourceChange } from './events';
import { RotatedFolder, type FolderFile } from './folder';
import { growingChunks, Waker, type FileProgress, type GrowingControl } from './growingFile';
import { liveFloods, sharedFindings, type FloodMemo, type SharedFindings } from './shared';
import { LiveTracker, type LiveClock } from './tracker';

/**
 * Finished flows a follower keeps in its flow list unless config.storeWindowFlows says otherwise
 * (between half of it and all of it, ~90 bytes each: store/windowedStore.ts). A capture with
 * fewer flows is analysed exactly as analyze does. Sized so the window fills early in a long
 * follow and the kept flows stop adding to RSS: at the bench's ~1,070 flows/s (20,000
 * packets/s) it is full after ~3 of 30 minutes, where 1,000,000 took 15 and RSS rose until then;
 * a quieter server keeps hours of flows. The live stories read LIVE_STORY_FLOWS of them, the final report all.
 */
export const FOLLOW_WINDOW_FLOWS = 200_000;

export interface FollowOptions {
  config?: Partial<AnalysisConfig>;
  onEvent: (e: FollowEvent) => void;
  /** Least wall-clock time between two snapshots while packets arrive (ms, default 250). */
  snapshotMs?: number;
  /** How often the end of the file is looked at when fs.watch says nothing (ms, default 200). */
  pollMs?: number;
  /** Period of the `summary` event (ms, default 1000). */
  summaryMs?: number;
  /** Least period of the flood and story pass, which reads every stored flow (ms, default 2000; it also waits 20× its own last duration). */
  storiesMs?: number;
  /** Stories while following are told from this many of the most recent flows (default LIVE_STORY_FLOWS). */
  storyFlows?: number;
  /** Send `flows` events with the flows that changed (the editor's table); default false. */
  flowDeltas?: boolean;
  /** Flows built per `flows` event; the ids of the rest are listed in `more` (default 500). */
  maxFlowDelta?: number;
  /** Read size (default 256 KiB: small reads keep the first findings of a big file early). */
  chunkSize?: number;
  signal?: AbortSignal;
}

export interface FollowDone {
  result: AnalysisResult;
  analyzer: Analyzer;
}

export interface Follower {
  readonly analyzer: Analyzer;
  readonly done: Promise<FollowDone>;
  /** Stops following: what is in the file now is read, then the analysis is finished. */
  stop(): void;
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** Findings that can still change, as they stand (a late subscriber's starting point). */
  current(): LiveFinding[];
}

export function followCapture(target: string, opts: FollowOptions): Follower {
  return new FollowRun(target, opts);
}

class FollowRun implements Follower, GrowingControl {
  readonly analyzer: Analyzer;
  readonly done: Promise<FollowDone>;
  private readonly tracker: LiveTracker;
  private readonly config: AnalysisConfig;
  readonly pollMs: number;
  readonly chunkSize: number;
  private stopRequested = false;
  private pausedNow = false;
  private resumeWaiters: (() => void)[] = [];
  private kick: (() => void) | null = null;
  private lastSnap = 0;
  private lastSummary = 0;
  private summaryPackets = 0;
  private nextShared = 0;
  private snapPackets = 0;
  private lastPacketWall = Date.now();
  private caughtUpNow = false;
  /** The caught-up event is sent once per file. */
  private saidCaughtUp = false;
  private behindSince = Date.now();
  private file = '';
  private files = 0;
  private progress: FileProgress = { bytes: 0, size: 0, end: null };
  private frameBase = 0;
  newerFile?: () => Promise<boolean>;

  constructor(private readonly target: string, private readonly opts: FollowOptions) {
    this.analyzer = new Analyzer({ storeWindowFlows: FOLLOW_WINDOW_FLOWS, ...opts.config });
    this.config = this.analyzer.config;
    this.pollMs = opts.pollMs ?? 200;
    this.chunkSize = opts.chunkSize ?? 256 * 1024;
    this.tracker = new LiveTracker(this.analyzer, this.config, opts.onEvent, opts.flowDeltas === true);
    opts.signal?.addEventListener('abort', () => this.stop(), { once: true });
    this.done = this.run();
  }

  get paused(): boolean {
    return this.pausedNow;
  }

  stop(): void {
    this.stopRequested = true;
    this.resume();
    this.kick?.();
  }

  pause(): void {
    this.pausedNow = true;
  }

  resume(): void {
    this.pausedNow = false;
    const w = this.resumeWaiters;
    this.resumeWaiters = [];
    for (const r of w) r();
  }

  current(): LiveFinding[] {
    return this.tracker.findings.current();
  }

  stopping(): boolean {
    return this.stopRequested;
  }

  aborted(): boolean {
    return false;
  }

  async unpaused(): Promise<void> {
    while (this.pausedNow && !this.stopRequested) {
      this.tick(true);
      await new Promise<void>((r) => {
        this.resumeWaiters.push(r);
        setTimeout(r, this.opts.summaryMs ?? 1000);
      });
    }
  }

  setKick(kick: (() => void) | null): void {
    this.kick = kick;
  }

  private emit(e: FollowEvent): void {
    this.opts.onEvent(e);
  }

  private source(path: string, change: SourceChange, message: string): void {
    this.emit({ type: 'source', path, change, offset: this.progress.bytes, message });
  }

  /** Capture time now: the last packet's, running on with the wall clock while the reader waits for the writer. */
  private clock(): LiveClock {
    const last = this.analyzer.liveView().last;
    if (!last) return { sec: 0, ns: 0 };
    if (!this.caughtUpNow) return { sec: last.sec, ns: last.ns };
    const ns = last.ns + (Date.now() - this.lastPacketWall) * 1e6;
    return { sec: last.sec + Math.floor(ns / 1e9), ns: ns % 1e9 };
  }

  tick(caughtUp: boolean): void {
    const now = Date.now();
    const packets = this.analyzer.progress().packets;
    if (packets !== this.snapPackets) this.lastPacketWall = now;
    if (caughtUp && !this.saidCaughtUp) this.source(this.file, 'caught-up', 'read everything written so far; waiting for more');
    if (caughtUp) this.saidCaughtUp = true;
    this.caughtUpNow = caughtUp;
    if (caughtUp) this.behindSince = now;
    const gap = now - this.lastSnap;
    // While waiting for the writer a snapshot follows new packets at once (a finding ≤ 1 s
    // after its packet); while catching up, every snapshotMs.
    if ((caughtUp && packets !== this.snapPackets && gap >= 20) || gap >= (this.opts.snapshotMs ?? 250)) this.snapshot(now, packets);
    if (now - this.lastSummary >= (this.opts.summaryMs ?? 1000)) this.summary(now, packets);
  }

  private snapshot(now: number, packets: number): void {
    this.lastSnap = now;
    this.snapPackets = packets;
    const shared = now >= this.nextShared;
    if (shared) this.shared(now);
    else this.floods(liveFloods(this.analyzer, this.config, this.floodMemo));
    const ids = this.tracker.snapshot(this.clock());
    if (this.opts.flowDeltas && ids.length > 0) {
      const max = this.opts.maxFlowDelta ?? 500;
      this.emit({ type: 'flows', flows: this.tracker.flowsById(ids, max), more: ids.slice(max), total: this.analyzer.progress().flows });
    }
  }

  private readonly floodMemo: FloodMemo = new WeakMap();

  private floods(floods: SharedFindings['floods']): void {
    for (const f of floods) this.tracker.findings.setShared(f.key, f.candidate);
    this.tracker.floodTargets = new Set(floods.map((f) => f.key.slice('syn-flood:'.length)));
  }

  private shared(now: number): void {
    const t0 = Date.now();
    const s = sharedFindings(this.analyzer, this.config, this.target, this.floodMemo, this.opts.storyFlows);
    this.floods(s.floods);
    for (const f of s.storyFindings) this.tracker.findings.setShared(f.key, f.candidate);
    for (const st of s.stories) this.storyEvent(st.key, st.story);
    const cost = Date.now() - t0;
    this.nextShared = now + Math.max(this.opts.storiesMs ?? 2000, 20 * cost);
  }

  private readonly storySigs = new Map<string, string>();
  private storyEvent(key: string, story: import('../engine/result').Story): void {
    const sig = JSON.stringify(story);
    const prev = this.storySigs.get(key);
    if (prev === sig) return;
    this.storySigs.set(key, sig);
    this.emit({ type: 'story', change: prev === undefined ? 'new' : 'updated', key, story });
  }

  private summary(now: number, packets: number): void {
    const dt = (now - this.lastSummary) / 1000;
    const p = this.analyzer.progress();
    const last = this.analyzer.liveView().last;
    const status: LiveStatus = {
      summary: this.tracker.summary(),
      packets, flows: p.flows, activeFlows: p.activeFlows,
      file: this.file, files: this.files,
      bytesRead: this.progress.bytes, fileSize: this.progress.size,
      packetsPerSecond: this.lastSummary > 0 && dt > 0 ? Math.round((packets - this.summaryPackets) / dt) : 0,
      lagBytes: Math.max(0, this.progress.size - this.progress.bytes),
      lagSeconds: this.caughtUpNow ? 0 : (now - this.behindSince) / 1000,
      captureTime: last ? formatPoint(last) : null,
      paused: this.pausedNow, caughtUp: this.caughtUpNow,
      rssBytes: process.memoryUsage.rss(),
      suppressed: this.tracker.findings.suppressed,
    };
    this.lastSummary = now;
    this.summaryPackets = packets;
    this.emit({ type: 'summary', status });
  }

  private async run(): Promise<FollowDone> {
    const st = await this.waitForTarget();
    let nextSweep = -Infinity;
    const sweepEvery = this.config.followSweepSeconds;
    const onPacket = (rec: PacketRecord): void => {
      rec.index += this.frameBase;
      // By capture time, at a packet, so where it happens depends on the packets alone.
      if (rec.sec >= nextSweep) {
        if (nextSweep !== -Infinity) this.analyzer.sweepNow();
        nextSweep = rec.sec + sweepEvery;
      }
      this.analyzer.addPacket(rec);
    };
    const reads: ReadSummary[] = [];
    if (st === 'dir') await this.followFolder(onPacket, reads);
    else await this.followFile(onPacket, reads);
    this.tick(true);
    this.tracker.detach();
    const read = merge(reads, this.frameBase);
    const result = this.analyzer.finish(read, this.target);
    this.emit({ type: 'end', reason: this.opts.signal?.aborted ? 'aborted' : 'stopped', result });
    return { result, analyzer: this.analyzer };
  }

  /** Waits for the path to exist (a capture that is about to start). */
  private async waitForTarget(): Promise<'dir' | 'file'> {
    let said = false;
    for (;;) {
      try {
        const st = await stat(this.target);
        return st.isDirectory() ? 'dir' : 'file';
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || this.stopRequested) throw e;
      }
      if (!said) this.source(this.target, 'waiting-for-file', 'no such file yet: waiting for it to appear');
      said = true;
      await sleep(this.pollMs);
    }
  }

  /** One file read until it ends; its read summary is kept and its frames counted for the next. */
  private async readOne(path: string, onPacket: (rec: PacketRecord) => void, reads: ReadSummary[]): Promise<FileProgress> {
    this.file = path;
    this.files++;
    this.progress = { bytes: 0, size: 0, end: null };
    this.saidCaughtUp = false;
    const progress = this.progress;
    const read = await readCaptureChunks(growingChunks(path, this, progress), onPacket, {});
    reads.push(read);
    this.frameBase += read.frames ?? read.packets;
    for (const problem of read.problems) this.emit({ type: 'problem', problem: this.files > 1 ? { ...problem, message: `${path}: ${problem.message}` } : problem });
    return progress;
  }

  private async followFile(onPacket: (rec: PacketRecord) => void, reads: ReadSummary[]): Promise<void> {
    this.source(this.target, 'open', 'following');
    for (;;) {
      const p = await this.readOne(this.target, onPacket, reads);
      if (p.end === 'stopped' || p.end === 'aborted' || this.stopRequested) return;
      if (p.end === null) {
        // Damage stopped the reader: nothing more can be read from this file; wait for a new one or the stop.
        await this.untilReplacedOrStopped(p);
        if (this.stopRequested) return;
      }
      const change = p.end === 'truncated' ? 'truncated' : 'replaced';
      this.source(this.target, change, change === 'truncated'
        ? `the file shrank below the ${p.bytes} bytes read: reading it again from the start as a new part of the capture`
        : 'the path now names another file (rotation): reading the new file as a new part of the capture');
    }
  }

  private async untilReplacedOrStopped(p: FileProgress): Promise<void> {
    const first = await stat(this.target).catch(() => null);
    const waker = new Waker(this.target);
    this.kick = () => waker.kick();
    try {
      while (!this.stopRequested) {
        this.tick(true);
        await waker.wait(this.pollMs);
        const now = await stat(this.target).catch(() => null);
        if (now && first && (now.ino !== first.ino || now.size < p.bytes)) {
          p.end = now.ino !== first.ino ? 'replaced' : 'truncated';
          return;
        }
      }
    } finally {
      this.kick = null;
      waker.close();
    }
  }

  private async followFolder(onPacket: (rec: PacketRecord) => void, reads: ReadSummary[]): Promise<void> {
    const folder = new RotatedFolder(this.target);
    this.source(this.target, 'open', 'following a folder of rotated captures');
    let current: FolderFile | null = null;
    this.newerFile = () => (current ? folder.hasNewer(current) : Promise.resolve(false));
    for (;;) {
      const next = (await folder.unread()).find((f) => f.first !== Infinity || this.stopRequested);
      if (!next) {
        if (this.stopRequested) return;
        this.tick(true);
        await sleep(this.pollMs);
        continue;
      }
      if (current) this.source(next.path, 'rotated', `next file of the rotation: ${next.path}`);
      current = next;
      folder.markRead(next);
      const p = await this.readOne(next.path, onPacket, reads);
      if (p.end === 'stopped' || p.end === 'aborted' || this.stopRequested) return;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** One read summary for the files read (the first file's format and interfaces, every problem). */
function merge(reads: ReadSummary[], frames: number): ReadSummary {
  if (reads.length === 1) return reads[0];
  const first = reads[0];
  const problems: CaptureProblem[] = reads.flatMap((r) => r.problems);
  const linkTypes = [...new Set(reads.flatMap((r) => r.info.linkTypes))];
  return {
    info: first ? { ...first.info, linkTypes } : { format: 'pcap', compressed: false, linkTypes: [], interfaces: [], comments: [] },
    packets: reads.reduce((n, r) => n + r.packets, 0),
    frames,
    bytesRead: reads.reduce((n, r) => n + r.bytesRead, 0),
    problems,
    aborted: false,
  };
}
