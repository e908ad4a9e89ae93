/**
 * Every message that crosses a boundary, one discriminated union per direction:
 * webview ↔ extension host ↔ analysis worker. `type` strings are readable in logs.
 * Requests/responses use RequestChannel (messageChannel.ts) with the maps below.
 *
 * The webview imports only types from here; it never receives capture bytes, only rows,
 * summaries and SVG rendered on the worker side.
 */
import type { AnalysisResult, CaptureSummary, Finding, FindingCode, Flow, FlowEvent, Severity, Story, Summary } from '../core/engine/result';
import type { Verdict } from '../core/stories/verdict';
import type { DiffReport } from '../core/diff/types';
import type { ServersReport } from '../core/listeners/types';
import type { FlowPage, FlowQuery, FlowRow } from './flowTable';
import type { RequestMessage, ResponseMessage } from './messageChannel';

export const PROTOCOL_VERSION = 1;

/**
 * absolute = epoch seconds; timeOfDay = UTC clock time (date where it changes); sinceCapture =
 * since the capture's first packet (Wireshark's default); relative = since the flow's first
 * packet; delta = since the previous packet.
 */
export type TimeDisplay = 'absolute' | 'timeOfDay' | 'sinceCapture' | 'relative' | 'delta';

/** Live counters while a capture is read. */
export interface ProgressInfo {
  bytesRead: number;
  /** 0 when unknown. */
  totalBytes: number;
  packets: number;
  flows: number;
  handshakesComplete: number;
}

/**
 * A capture that is still being written, followed as it grows (tcpdump -U -w, dumpcap, a folder
 * of rotated files): how fast packets arrive and how far the analysis is behind the writer.
 */
export interface LiveInfo {
  /** Packets read per second over the last second or so (wall clock). */
  packetsPerSecond: number;
  /** Bytes in the file(s) not read yet, and how long the oldest of them has waited (s). */
  lagBytes: number;
  lagSeconds: number;
  paused: boolean;
  /** Everything written so far is read; waiting for the writer. */
  caughtUp: boolean;
  /** The file read now (a folder: the newest rotated file) and how many files so far. */
  file: string;
  files: number;
  /** Last thing that happened to the source, in words ("rotated to x.pcap1", "truncated: …"). */
  notice?: string;
  /** A capture started from synscope (synscope: Capture…) is writing it: Stop ends that capture. */
  capturing?: boolean;
}

/** A story card, with its series already rendered as SVG charts. */
export interface StoryView {
  story: Story;
  charts: string[];
}

/** Everything the summary header shows once the analysis is done. */
export interface Overview {
  capture: CaptureSummary;
  summary: Summary;
  /** One line for every capture, and the flow to select first (src/core/stories/verdict.ts). */
  verdict: Verdict;
  stories: StoryView[];
  /** Distinct VLAN ids and pcapng interface ids over the listed flows (table columns and filters). */
  vlans: number[];
  interfaces: number[];
  /** Plain words per conn_state code present ("half-open" for S1 when no S1 flow completed its handshake). */
  stateLabels: Record<string, string>;
  /** Flows per Zeek conn_state. */
  states: Partial<Record<string, number>>;
  /** Findings per code with the code's severity, most severe first. */
  findingCodes: { code: FindingCode; count: number; severity: Severity }[];
  findingsTotal: number;
  synFlood: boolean;
  /** SVG: SYNs per time bin, and the handshake RTT histogram; '' when there is nothing to draw. */
  charts: { synRate: string; rttHistogram: string };
  /** The SYN chart's bins (after rebinning), so a drag across it becomes a time range. */
  synRateBins: { start: string; binSeconds: number; count: number } | null;
  elapsedMs: number;
}

/** A selected flow with what the diagram pane needs. */
export interface FlowDetail {
  flow: Flow;
  events: FlowEvent[];
  findings: Finding[];
  /** Sequence diagram SVG (escaped by the renderer). */
  svg: string;
}

// ---------------------------------------------------------------- webview ↔ host

/** Requests the webview makes of the host. */
export type WebviewRequests = {
  /** A page of the flow table for a query (sorted and filtered over all flows). */
  getFlows: { params: { query: FlowQuery; offset: number; limit: number }; result: FlowPage };
  /** Row index of a flow under a query, -1 when the filter hides it. */
  locateFlow: { params: { query: FlowQuery; flowId: number }; result: number };
  /**
   * The selected flow's events, findings and diagram; null for an unknown id. `everyPacket`
   * re-reads the flow's frames so the diagram draws all of them, not only the handshake's
   * (file captures; the diagram's "⋯ N packets not drawn" marker is what it replaces).
   * `timeDisplay`: the editor's time menu; absent = the synscope.timeDisplay setting.
   */
  getFlowDetail: { params: { flowId: number; everyPacket?: boolean; timeDisplay?: TimeDisplay }; result: FlowDetail | null };
  /**
   * Listener health for the Servers tab (docs/servers.md), worst first, at most SERVERS_VIEW_ROWS
   * rows each; of the series only serverTime and clientTime (the count arrays come empty).
   */
  getServers: { params: Record<string, never>; result: ServersReport | null };
};

/** Listener and port rows the Servers tab receives at most (the rest are counted in the report). */
export const SERVERS_VIEW_ROWS = 300;

/** Persisted with the webview's setState so a hidden/restored editor comes back as it was. */
export interface ViewState {
  selectedFlowId: number | null;
  query: FlowQuery;
  scrollTop: number;
  /** The time menu's choice (a TimeDisplay), for the table and the diagram; absent = the setting. */
  timeMode?: string;
}

export type WebviewToHost =
  /** The page has loaded and listens; the host answers with `init` and the current state. */
  | { type: 'ready'; protocolVersion: number }
  /** A command from a button: export the diagram, copy the summary, re-analyze. */
  | { type: 'command'; command: 'exportDiagram' | 'copyFlowSummary' | 'copyWiresharkFilter' | 'openInWireshark' | 'exportFindings' | 'reanalyze' | 'compareWithBaseline'; flowId?: number }
  /** Live indicator buttons: pause or resume reading, stop following (finishes the analysis; ends a synscope capture). */
  | { type: 'live'; action: 'pause' | 'resume' | 'stop' }
  /** A `revealFlow` was applied (the host stops replaying it to reloaded pages). */
  | { type: 'revealed'; seq: number }
  /** The user selected a flow (so host commands act on it). */
  | { type: 'selected'; flowId: number | null }
  | RequestMessage<WebviewRequests>;

export type HostToWebview =
  /** First message after `ready`. */
  /** `wireshark`: the Wireshark GUI is installed and the capture is a local file (Open in Wireshark works). */
  | { type: 'init'; fileName: string; timeDisplay: TimeDisplay; wireshark?: boolean }
  /** Analysis (re)started: drop rows and summary. */
  | { type: 'started' }
  /** Counters while reading. */
  | { type: 'progress'; progress: ProgressInfo }
  /** The first flows as they stand while reading (not sortable yet). */
  | { type: 'partialFlows'; rows: FlowRow[]; total: number }
  /** Analysis finished; the table switches to paged queries. */
  | { type: 'done'; overview: Overview }
  /**
   * A followed capture as it stands now (about once a second): the table pages over the flows
   * so far; `provisional` are the ids of findings that may still change as packets arrive.
   */
  | { type: 'live'; overview: Overview; live: LiveInfo; provisional: number[] }
  /** Analysis failed or was cancelled; `offset` is the byte offset when known. */
  | { type: 'failed'; message: string; offset?: number; cancelled?: boolean }
  /** Select and show a flow (Problems panel, "show flow" command). */
  | { type: 'revealFlow'; flowId: number; findingId?: number; seq: number }
  /** Settings changed that only affect display. */
  | { type: 'settings'; timeDisplay: TimeDisplay }
  | ResponseMessage;

// ---------------------------------------------------------------- host ↔ worker

/** Where the worker gets the capture bytes. */
export type CaptureSource =
  /** The worker opens the file itself (file: URIs): no bytes cross threads. */
  | { kind: 'file'; path: string }
  /** A folder of rotated files (tcpdump -C/-G/-W, dumpcap -b), read as one capture in time order (followed). */
  | { kind: 'folder'; path: string }
  /** The host reads through vscode.workspace.fs and posts `chunk` messages. */
  | { kind: 'chunks'; totalBytes: number };

/** Requests the host makes of the worker after `done` (and of a followed capture, after its first `live`). */
export type WorkerRequests = {
  queryFlows: WebviewRequests['getFlows'];
  locateFlow: WebviewRequests['locateFlow'];
  flowDetail: { params: { flowId: number; timeDisplay: TimeDisplay; everyPacket?: boolean }; result: FlowDetail | null };
  /** Findings in a file format (JSON = the full synscope/1 result). */
  exportFindings: { params: { format: 'json' | 'csv' | 'sarif' }; result: string };
  /**
   * Every flow as a file: Parquet (`synscope-flows/1`, every flow in the store) or CSV (the
   * CLI's `--format csv`: the first synscope.maxFlows flows).
   */
  exportFlows: { params: { format: 'parquet' | 'csv' }; result: Uint8Array };
  /** A flow's diagram as SVG or Mermaid; null for an unknown id. */
  exportDiagram: { params: { flowId: number; format: 'svg' | 'mermaid'; timeDisplay: TimeDisplay; everyPacket?: boolean }; result: string | null };
  /** Plain-text summary of a flow for the clipboard; null for an unknown id. */
  flowSummary: { params: { flowId: number }; result: string | null };
  servers: WebviewRequests['getServers'];
  /** `synscope diff` of a baseline capture file (read by the worker) against this capture. */
  compareWithBaseline: { params: { path: string }; result: { report: DiffReport; table: string } };
};

export type HostToWorker =
  /**
   * Start reading and analysing. `config` is a Partial<AnalysisConfig>. `follow` (file sources:
   * a file or a folder of rotated files): keep reading as it grows, with `live` updates, until
   * `stopFollowing`; `capturing`: synscope's own capture writes it (LiveInfo.capturing).
   */
  | { type: 'analyze'; source: CaptureSource; displayPath: string; config: Record<string, unknown>; timeDisplay: TimeDisplay; follow?: boolean; capturing?: boolean }
  /** Followed capture: stop reading (the file keeps growing) / catch up again. */
  | { type: 'pause' }
  | { type: 'resume' }
  /** Followed capture: read what is written, then finish (`done`, as analyze of the file). */
  | { type: 'stopFollowing' }
  /** Next bytes of a `chunks` source (transferred, not copied). */
  | { type: 'chunk'; data: Uint8Array }
  /** No more chunks. */
  | { type: 'end' }
  /** Reading the source failed on the host side. */
  | { type: 'sourceError'; message: string }
  | RequestMessage<WorkerRequests>;

export type WorkerToHost =
  | { type: 'progress'; progress: ProgressInfo }
  | { type: 'partialFlows'; rows: FlowRow[]; total: number }
  /** All findings go to the host (diagnostics, report); flows stay in the worker. */
  | { type: 'done'; overview: Overview; findings: Finding[]; flowEndpoints: Record<number, string> }
  /** A followed capture as it stands (findings numbered by their live identity, stable across updates). */
  | { type: 'live'; overview: Overview; findings: Finding[]; flowEndpoints: Record<number, string>; live: LiveInfo; provisional: number[] }
  | { type: 'failed'; message: string; offset?: number }
  | ResponseMessage;

/** Only for typing exports of the whole result. */
export type { AnalysisResult };
