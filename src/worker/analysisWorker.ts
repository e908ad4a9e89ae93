/**
 * The analysis thread (dist/worker.js). Reads the capture (itself for files, from posted
 * chunks otherwise), feeds the engine, streams progress and the first flows, then keeps the
 * finished result so the host can page, sort and render flows without ever copying the whole
 * flow list across threads. The host ends the work by terminating this thread.
 */
import { parentPort } from 'node:worker_threads';
import { readCaptureChunks, readCaptureFile } from '../core/capture/readCapture';
import type { PacketRecord, ReadSummary } from '../core/capture/types';
import { Analyzer } from '../core/engine/analyzer';
import type { AnalysisResult, Flow, FlowEvent } from '../core/engine/result';
import { rereadFlowEvents } from '../core/store/rereadFlow';
import { FirstRows } from '../core/live/firstRows';
import { answerRequest, type RequestHandlers, type RequestMessage, type ResponseMessage } from '../protocol/messageChannel';
import type { HostToWorker, TimeDisplay, WorkerRequests, WorkerToHost } from '../protocol/messages';
import { everyPacketEvents } from './everyPacket';
import { exportFindings, exportFlows } from './exporters';
import { FlowIndex } from './flowIndex';
import { flowSummaryText } from './flowText';
import { LiveSession } from './liveSession';
import { buildOverview } from './overview';
import { compareWithBaseline, serversView } from './servers';
import { chartRenderer, diagramMermaid, diagramSvg } from './rendering';

const port = parentPort;
if (!port) throw new Error('analysisWorker must run in a worker thread');

const PROGRESS_EVERY_MS = 250;
const PARTIAL_ROWS = 200;

function post(m: WorkerToHost, transfer?: ArrayBuffer[]): void {
  port!.postMessage(m, transfer);
}

let analyzer: Analyzer | null = null;
let result: AnalysisResult | null = null;
let index: FlowIndex | null = null;
let bytesRead = 0;
/**
 * The capture's file when the worker reads it itself: to read an unlisted flow's packets again
 * and to show every packet; null for a capture posted in chunks.
 */
let sourcePath: string | null = null;

/** Chunks posted by the host, consumed as an async iterable by the reader. */
class ChunkQueue implements AsyncIterable<Uint8Array> {
  private readonly queue: Uint8Array[] = [];
  private ended = false;
  private error: Error | null = null;
  private wake: (() => void) | null = null;

  push(c: Uint8Array): void {
    this.queue.push(c);
    this.notify();
  }
  end(): void {
    this.ended = true;
    this.notify();
  }
  fail(message: string): void {
    this.error = new Error(message);
    this.notify();
  }
  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      if (this.error) throw this.error;
      const c = this.queue.shift();
      if (c) {
        yield c;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((r) => (this.wake = r));
    }
  }
}
let chunks: ChunkQueue | null = null;
let live: LiveSession | null = null;

async function analyze(m: Extract<HostToWorker, { type: 'analyze' }>): Promise<void> {
  if (m.follow && m.source.kind !== 'chunks') return follow(m, m.source.path);
  const t0 = Date.now();
  // Listener health is gathered in the same pass (the Servers tab); it costs ~2 % CPU.
  const a = new Analyzer(m.config, { listeners: true });
  analyzer = a;
  sourcePath = m.source.kind === 'file' ? m.source.path : null;
  let lastPost = 0;
  let sentPartial = 0;
  // Rebuilt only where flows changed since the last post (src/core/live/firstRows.ts).
  const firstRows = new FirstRows(a, Math.min(PARTIAL_ROWS, a.config.maxFlows));
  let totalBytes = m.source.kind === 'chunks' ? m.source.totalBytes : 0;
  const report = (force: boolean): void => {
    const now = Date.now();
    const p = a.progress();
    // The first flows go out as soon as there are any, not on the next tick: that tick is what
    // the user would otherwise wait for before the table shows anything.
    const firstFlows = sentPartial === 0 && p.flows > 0;
    if (!force && !firstFlows && now - lastPost < PROGRESS_EVERY_MS) return;
    lastPost = now;
    post({ type: 'progress', progress: { bytesRead, totalBytes, packets: p.packets, flows: p.flows, handshakesComplete: p.handshakesComplete } });
    // The first screenful of flows, refreshed while it fills and while its flows change state.
    if (p.flows > 0 && (sentPartial < PARTIAL_ROWS || now - t0 < 10_000)) {
      const flows = firstRows.refresh();
      sentPartial = flows.length;
      const tmp = new FlowIndex(flows, []);
      post({ type: 'partialFlows', rows: flows.map((_, i) => tmp.row(i)), total: p.flows });
    }
  };
  let n = 0;
  const onPacket = (p: PacketRecord): void => {
    a.addPacket(p);
    if ((++n & 0xfff) === 0) report(false);
  };
  const onProgress = (read: number, total: number): void => {
    bytesRead = read;
    if (total > 0) totalBytes = total;
    report(false);
  };
  report(true);
  let summary: ReadSummary;
  if (m.source.kind === 'file' || m.source.kind === 'folder') {
    summary = await readCaptureFile(m.source.path, onPacket, { onProgress });
  } else {
    chunks = new ChunkQueue();
    summary = await readCaptureChunks(chunks, onPacket, { onProgress, totalBytes: m.source.totalBytes });
  }
  bytesRead = summary.bytesRead;
  report(true);
  // No Flow objects in the result: the table pages through the store (every flow), and the
  // JSON export builds the listed ones when asked (exportJson).
  finished(a, a.finish(summary, m.displayPath, 0), t0);
}

/**
 * A capture still being written: `live` updates about once a second (the table pages through
 * the flows so far), then, once following stops, the same `done` as for a finished file.
 */
async function follow(m: Extract<HostToWorker, { type: 'analyze' }>, path: string): Promise<void> {
  const t0 = Date.now();
  sourcePath = m.source.kind === 'file' ? path : null;
  const session = new LiveSession(path, m.config, m.capturing === true, (u) => {
    analyzer = session.analyzer;
    result = u.result;
    index = u.index;
    const overview = buildOverview(u.result, chartRenderer, Date.now() - t0, u.flows);
    post({ type: 'live', overview, findings: u.findings, flowEndpoints: u.flowEndpoints, live: u.live, provisional: u.provisional });
  });
  live = session;
  analyzer = session.analyzer;
  const { result: r, analyzer: a } = await session.done;
  live = null;
  // The follower finished the analysis as analyze does: the result lists no flows the editor
  // needs (the table pages through the store), so it is used as is.
  finished(a, r, t0);
}

function finished(a: Analyzer, r: AnalysisResult, t0: number): void {
  analyzer = a;
  result = r;
  const all = a.flowList();
  index = new FlowIndex(all, r.findings);
  const flowEndpoints = index.endpointsOf(r.findings);
  // The verdict, like the summary and findings, reads every flow (the store), not the listed ones.
  const overview = buildOverview(r, chartRenderer, Date.now() - t0, all);
  post({ type: 'done', overview, findings: r.findings, flowEndpoints });
}

function ready(): { index: FlowIndex; result: AnalysisResult; analyzer: Analyzer } {
  if (!index || !result || !analyzer) throw new Error('analysis not finished');
  return { index, result, analyzer };
}

/**
 * A flow's diagram packets: kept while reading for the first synscope.maxFlows flows, read again
 * from the file for any other (a capture posted in chunks has no file to read: no packets then);
 * on request (file captures only) every packet of the flow.
 */
async function eventsOf(flow: Flow, everyPacket: boolean | undefined): Promise<FlowEvent[]> {
  const { analyzer: a } = ready();
  const kept = a.flowEvents(flow.id);
  const recorded = kept.length > 0 || flow.id <= a.config.maxFlows || sourcePath === null
    ? kept
    : await rereadFlowEvents(sourcePath, flow, a.config, a.checkpoints);
  if (!everyPacket) return recorded;
  if (!sourcePath) throw new Error('Every packet can be shown only for captures read from a local file.');
  return everyPacketEvents(sourcePath, flow, recorded);
}

async function detailOf(flowId: number, timeDisplay: TimeDisplay, everyPacket?: boolean) {
  const { index: ix } = ready();
  const flow = ix.flow(flowId);
  if (!flow) return null;
  const events = await eventsOf(flow, everyPacket);
  const findings = ix.findingsOf(flow);
  return { flow, events, findings, svg: diagramSvg(flow, events, findings, timeDisplay, false, ready().result.capture.start) };
}

const handlers: RequestHandlers<WorkerRequests> = {
  queryFlows: ({ query, offset, limit }) => ready().index.page(query, offset, limit),
  locateFlow: ({ query, flowId }) => ready().index.locate(query, flowId),
  flowDetail: ({ flowId, timeDisplay, everyPacket }) => detailOf(flowId, timeDisplay, everyPacket),
  exportFindings: ({ format }) => {
    if (live) throw new Error('Export needs the finished analysis: stop following the capture first (Stop in the editor).');
    const { result: r, analyzer: a } = ready();
    // The JSON file is the CLI's: with the listed flows (synscope.maxFlows), built for this export only.
    // Without `servers`: the export is the CLI's default JSON, which has it only with --servers.
    const { servers: _servers, ...plain } = r;
    return exportFindings(format === 'json' ? { ...plain, flows: a.listedFlows(a.config.maxFlows) } : plain, format);
  },
  servers: () => serversView(ready().result),
  compareWithBaseline: async ({ path }) => {
    const { result: r, analyzer: a } = ready();
    return compareWithBaseline(path, { result: r, listeners: a.listeners! });
  },
  exportFlows: ({ format }) => {
    const { result: r, analyzer: a } = ready();
    return exportFlows(r, a, format);
  },
  exportDiagram: async ({ flowId, format, timeDisplay, everyPacket }) => {
    const { index: ix } = ready();
    const flow = ix.flow(flowId);
    if (!flow) return null;
    const events = await eventsOf(flow, everyPacket);
    const findings = ix.findingsOf(flow);
    return format === 'svg' ? diagramSvg(flow, events, findings, timeDisplay, true, ready().result.capture.start) : diagramMermaid(flow, events, findings);
  },
  flowSummary: async ({ flowId }) => {
    const { index: ix, result: r } = ready();
    const flow = ix.flow(flowId);
    return flow ? flowSummaryText(flow, ix.findingsOf(flow), await eventsOf(flow, false), r.capture.start) : null;
  },
};

function failure(e: unknown): WorkerToHost {
  const err = e as { message?: unknown; offset?: unknown };
  const message = typeof err?.message === 'string' ? err.message : String(e);
  const offset = typeof err?.offset === 'number' ? err.offset : bytesRead > 0 ? bytesRead : undefined;
  return { type: 'failed', message, offset };
}

port.on('message', (m: HostToWorker) => {
  switch (m.type) {
    case 'analyze':
      analyze(m).catch((e) => post(failure(e)));
      break;
    case 'chunk':
      chunks?.push(m.data);
      break;
    case 'end':
      chunks?.end();
      break;
    case 'sourceError':
      chunks?.fail(m.message);
      break;
    case 'pause':
      live?.pause();
      break;
    case 'resume':
      live?.resume();
      break;
    case 'stopFollowing':
      live?.stop();
      break;
    case 'request':
      void answerRequest(m as RequestMessage<WorkerRequests>, handlers, (r: ResponseMessage) => post(r));
      break;
  }
});
