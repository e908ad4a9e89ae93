/**
 * A followed capture in the worker: the engine's follower (src/core/live) reads the file or
 * folder as it grows; this keeps what the editor shows of it — the findings by their live
 * identity (one id per key, so an updated finding replaces itself instead of adding a line),
 * the stories, the source's last change — and about once a second turns it into a `live`
 * message and a fresh flow index the table pages through.
 */
import { statSync } from 'node:fs';
import { followCapture, type FollowEvent, type Follower, type LiveFinding, type LiveStatus } from '../core/live';
import type { Analyzer } from '../core/engine/analyzer';
import { buildFlow } from '../core/engine/buildFlow';
import type { FlowState } from '../core/engine/flowState';
import type { CaptureProblem } from '../core/capture/types';
import type { AnalysisResult, Finding, Flow, Story } from '../core/engine/result';
import { formatPoint } from '../core/engine/time';
import type { LiveInfo } from '../protocol/messages';
import { FlowIndex } from './flowIndex';

/**
 * Flows the table holds while following (the newest ones; the counts, findings and stories
 * cover all). Building them costs ~1 µs each per update, so this bounds an update's work.
 */
export const LIVE_TABLE_FLOWS = 50_000;
/** Least time between two updates; longer when an update itself takes long (4× its cost). */
const UPDATE_MS = 500;
const SUMMARY_MS = 500;

export interface LiveUpdate {
  index: FlowIndex;
  findings: Finding[];
  provisional: number[];
  flowEndpoints: Record<number, string>;
  live: LiveInfo;
  /** What the summary header shows, built by the caller from `result`. */
  result: AnalysisResult;
  flows: Flow[];
}

export class LiveSession {
  private readonly follower: Follower;
  private readonly findings = new Map<string, { id: number; finding: LiveFinding }>();
  private readonly stories = new Map<string, Story>();
  private readonly problems: CaptureProblem[] = [];
  private nextFindingId = 1;
  private notice: string | undefined;
  private lastUpdate = 0;
  private updateCost = 0;
  private ended = false;
  private behindSince: number | null = null;
  /** Flows already finished, built once (see tableFlows). */
  private readonly finishedFlows = new Map<number, Flow>();

  constructor(
    path: string,
    config: Record<string, unknown>,
    private readonly capturing: boolean,
    private readonly onUpdate: (u: LiveUpdate) => void,
  ) {
    // Updates go out with the follower's summary (its counts are fresh then): twice a second.
    this.follower = followCapture(path, { config, onEvent: (e) => this.onEvent(e), summaryMs: SUMMARY_MS });
  }

  get analyzer(): Analyzer {
    return this.follower.analyzer;
  }

  /** Resolves with the finished analysis once following stops (the same result analyze gives). */
  get done(): Promise<{ result: AnalysisResult; analyzer: Analyzer }> {
    return this.follower.done.finally(() => {
      this.ended = true;
    });
  }

  pause(): void {
    this.follower.pause();
  }

  resume(): void {
    this.follower.resume();
  }

  /** Reads what is written, then finishes (`done`). */
  stop(): void {
    this.follower.stop();
  }

  private onEvent(e: FollowEvent): void {
    switch (e.type) {
      case 'finding': {
        const f = e.finding;
        if (e.change === 'withdrawn') this.findings.delete(f.key);
        else this.findings.set(f.key, { id: this.findings.get(f.key)?.id ?? this.nextFindingId++, finding: f });
        break;
      }
      case 'story':
        this.stories.set(e.key, e.story);
        break;
      case 'source':
        // Worth a word only when the source changed under the reader (rotated, truncated, replaced, gone).
        if (e.change !== 'caught-up' && e.change !== 'open') this.notice = e.message;
        break;
      case 'problem':
        this.problems.push(e.problem);
        break;
      case 'summary':
        this.update(e.status, UPDATE_MS - 50);
        break;
      default:
        break;
    }
  }

  /**
   * An update, made right when the follower reports its counts (so the table, the findings and
   * the counts describe the same packets), unless the last one was less than `minGap` ms ago or
   * than 4× its own cost (a big capture's update must not eat the reading's time).
   */
  private update(status: LiveStatus, minGap: number): void {
    if (this.ended || Date.now() - this.lastUpdate < Math.max(minGap, 4 * this.updateCost)) return;
    const t0 = Date.now();
    this.onUpdate(this.snapshot(status));
    this.lastUpdate = Date.now();
    this.updateCost = this.lastUpdate - t0;
  }

  /**
   * The newest LIVE_TABLE_FLOWS flows as they stand. A finished flow never changes again, so its
   * Flow is built once and kept (building every listed flow on each update cost 0.2–0.7 s for
   * 10,000 flows here); only the active ones are built anew.
   */
  private tableFlows(a: Analyzer): Flow[] {
    const view = a.liveView();
    const active = new Map<number, FlowState>();
    for (const f of view.table.flows) if (f) active.set(f.id, f);
    const last = view.nextId - 1;
    const fromId = Math.max(1, last - LIVE_TABLE_FLOWS + 1);
    for (const id of this.finishedFlows.keys()) if (id < fromId) this.finishedFlows.delete(id);
    const out: Flow[] = [];
    for (let id = fromId; id <= last; id++) {
      if (id > a.config.maxFlows) break;
      const live = active.get(id);
      if (live) {
        out.push(buildFlow(live, view.options));
        continue;
      }
      let done = this.finishedFlows.get(id);
      if (!done) {
        done = view.store.flow(id);
        if (done) this.finishedFlows.set(id, done);
      }
      if (done) out.push(done);
    }
    return out;
  }

  /**
   * While paused the follower does not look at the file; the indicator still says how much
   * the writer added meanwhile (the current file's size now minus what was read), and since when.
   */
  private behindWhilePaused(status: LiveStatus): { bytes: number; seconds: number } {
    let size = status.fileSize;
    try {
      size = statSync(status.file).size;
    } catch {
      // gone (rotated away): what the follower last saw
    }
    const bytes = Math.max(0, size - status.bytesRead);
    if (bytes === 0) this.behindSince = null;
    else this.behindSince ??= Date.now();
    return { bytes, seconds: this.behindSince === null ? 0 : (Date.now() - this.behindSince) / 1000 };
  }

  private snapshot(status: LiveStatus): LiveUpdate {
    const a = this.follower.analyzer;
    const flows = this.tableFlows(a);
    const byFlow = new Map<number, number[]>();
    const findings: Finding[] = [];
    const provisional: number[] = [];
    for (const { id, finding } of this.findings.values()) {
      const { key: _key, provisional: p, settlesAt: _settles, ...rest } = finding;
      // Said where the user reads it (Problems, the report, the diagram): it may still change.
      findings.push({ ...rest, id, message: p ? `(provisional) ${rest.message}` : rest.message });
      if (p) provisional.push(id);
      for (const fl of finding.flows) {
        let list = byFlow.get(fl);
        if (!list) byFlow.set(fl, (list = []));
        list.push(id);
      }
    }
    findings.sort((x, y) => x.id - y.id);
    // A flow's findings are the live ones (its own list is what the engine would say at the end).
    for (const f of flows) f.findings = byFlow.get(f.id) ?? [];
    const index = new FlowIndex(flows, findings);
    const flowEndpoints = index.endpointsOf(findings);
    if (!status.paused) this.behindSince = null;
    const behind = status.paused ? this.behindWhilePaused(status) : null;
    const live: LiveInfo = {
      packetsPerSecond: status.packetsPerSecond, lagBytes: behind?.bytes ?? status.lagBytes, lagSeconds: behind?.seconds ?? status.lagSeconds,
      paused: status.paused, caughtUp: behind ? behind.bytes === 0 : status.caughtUp, file: status.file, files: status.files,
      notice: this.notice, capturing: this.capturing,
    };
    const view = a.liveView();
    const result: AnalysisResult = {
      schema: 'synscope/1',
      capture: {
        path: status.file, format: 'pcap', compressed: false, linkTypes: [], packets: status.packets,
        start: view.first ? formatPoint(view.first) : null, end: status.captureTime, problems: [...this.problems],
      },
      summary: status.summary,
      flows: [],
      findings,
      timeline: view.timeline.result(),
      stories: [...this.stories.values()],
    };
    return { index, findings, provisional, flowEndpoints, live, result, flows };
  }
}

