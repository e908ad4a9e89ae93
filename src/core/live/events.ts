/**
 * What following a growing capture reports (followCapture's `onEvent`). Plain data: the CLI
 * prints it as NDJSON (docs/follow-ndjson.md), the editor's worker forwards it.
 */
import type { CaptureProblem } from '../capture/types';
import type { AnalysisResult, Finding, Flow, Story, Summary } from '../engine/result';

/**
 * A finding while the capture is still being written. `key` names it across updates: the same
 * key is the same finding, updated or withdrawn, never duplicated.
 */
export interface LiveFinding extends Omit<Finding, 'id'> {
  /** `<code>:<flow id>` for a flow's finding, `<code>:<ip>:<port>` for a target's, `story:<kind>:<title>` for a story's. */
  key: string;
  /** True while the evidence can still change (a handshake attempt inside its retry horizon). */
  provisional: boolean;
  /** Capture time (epoch seconds, decimal) at which a provisional finding settles if nothing more arrives. */
  settlesAt: string | null;
}

export type SourceChange = 'open' | 'rotated' | 'truncated' | 'replaced' | 'caught-up' | 'waiting-for-file';

export interface LiveStatus {
  /** Counts so far: finished flows plus the active ones as they stand; findings per code as emitted so far. */
  summary: Summary;
  packets: number;
  flows: number;
  activeFlows: number;
  /** The file being read (in a folder: the current one) and how many files were opened. */
  file: string;
  files: number;
  /** Bytes of the current file read, and its size when last looked at. */
  bytesRead: number;
  fileSize: number;
  /** Packets read per wall-clock second over the last summary period. */
  packetsPerSecond: number;
  lagBytes: number;
  /** Wall-clock seconds the reader has been behind the writer (0 when caught up). */
  lagSeconds: number;
  /** Time of the last packet read (epoch seconds, decimal). */
  captureTime: string | null;
  paused: boolean;
  caughtUp: boolean;
  rssBytes: number;
  /** Findings not sent as events because one code had sent maxFindingsPerCode × 5 already (still counted). */
  suppressed: number;
}

export type FollowEvent =
  | { type: 'source'; path: string; change: SourceChange; offset: number; message: string }
  | { type: 'finding'; change: 'new' | 'updated' | 'withdrawn'; finding: LiveFinding }
  | { type: 'story'; change: 'new' | 'updated'; key: string; story: Story }
  | { type: 'flows'; flows: Flow[]; more: number[]; total: number }
  | { type: 'summary'; status: LiveStatus }
  | { type: 'problem'; problem: CaptureProblem }
  | { type: 'end'; reason: 'stopped' | 'aborted'; result: AnalysisResult };
