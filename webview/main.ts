/**
 * synscope capture editor webview. Talks to the host only through src/protocol messages; all
 * capture strings reach the DOM through textContent, and SVG through an XML parser.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import './styles.css';
import type { FlowFilter, FlowQuery } from '../src/protocol/flowTable';
import type { HostToWebview, LiveInfo, Overview, PROTOCOL_VERSION, ProgressInfo, TimeDisplay, ViewState } from '../src/protocol/messages';
import { DiagramPane } from './diagram';
import { LiveBar } from './liveBar';
import { fmtBytes, fmtInt, h } from './dom';
import { FilterBar } from './filterBar';
import { countOf, describeDamage, fmtDuration } from './format';
import { FlowTable } from './flowTable';
import { COLUMNS } from './columns';
import { TIME_MENU, menuChoice, spansDays, tableMode } from './timeFormat';
import { adoptRenderStyles } from './renderStyles';
import { renderStories, renderSummary, type SummaryActions } from './summary';
import { ServersTab } from './serversTab';
import { handleResponse, loadState, request, saveState, send } from './vscodeApi';

adoptRenderStyles();

const FIRST_ROWS_MARK = 'synscope:first-rows';
const DEFAULT_QUERY: FlowQuery = { sort: { key: 'id', dir: 'asc' }, filter: {} };
const restored = loadState();
const view: ViewState = restored ?? { selectedFlowId: null, query: DEFAULT_QUERY, scrollTop: 0 };

let fileName = '';
let done = false;
/** A followed capture has sent its first update: the table pages over the flows so far. */
let live = false;
let overview: Overview | null = null;
let detailSeq = 0;
let detailTimer: ReturnType<typeof setTimeout> | undefined;
/** The diagram draws every packet of the flow (the omitted-packets marker was clicked). */
let everyPacket = false;
/** The flow the diagram shows; another flow goes back to the handshake's packets. */
let detailFlowId: number | null = null;

// ------------------------------------------------------------------ layout
const title = h('h1', { class: 'file-name' });
const status = h('span', { class: 'status', 'data-testid': 'status', role: 'status' }, 'Starting…');
const progressBar = h('vscode-progress-bar', { class: 'progress', 'aria-label': 'Analysis progress' });
const errorBox = h('div', { class: 'error', 'data-testid': 'error', role: 'alert' });
errorBox.hidden = true;
const reanalyze = h('vscode-button', { secondary: true, title: 'Run the analysis again (after changing settings)' }, 'Re-analyze');
reanalyze.addEventListener('click', () => send({ type: 'command', command: 'reanalyze' }));
const exportFindings = h('vscode-button', { secondary: true, title: 'Save findings as JSON, CSV or SARIF' }, 'Export findings…');
exportFindings.addEventListener('click', () => send({ type: 'command', command: 'exportFindings' }));
const liveBar = new LiveBar((action) => send({ type: 'live', action }));
const verdictLine = h('p', { class: 'verdict', 'data-testid': 'verdict', role: 'status' });
verdictLine.hidden = true;
const stories = h('section', { class: 'stories', 'aria-label': 'What happened' });
stories.hidden = true;
const summary = h('section', { class: 'summary', 'data-testid': 'summary', 'aria-label': 'Summary' });

const actions: SummaryActions = {
  filterFlows: (flowIds, label) => applyFilter({ flowIds, flowIdsLabel: label }),
  filterFinding: (code) => applyFilter({ finding: code }),
  filterState: (state) => applyFilter({ state: state as FlowFilter['state'] }),
  filterTime: (startFrom, startTo, startLabel) => applyFilter({ ...table.currentQuery.filter, startFrom, startTo, startLabel }),
};

const filterBar = new FilterBar((filter) => setQuery({ ...table.currentQuery, filter }));
const table = new FlowTable(view.query, { getPage: (q, offset, limit) => request('getFlows', { query: q, offset, limit }) }, {
  onSelect: (flowId, activate) => {
    view.selectedFlowId = flowId;
    persist();
    send({ type: 'selected', flowId });
    // A selection the editor made itself (possibly answered later, once its page arrives).
    if (quietSelect) quietSelect = false;
    else revealWorkspace();
    loadDetail(flowId, activate ? 0 : 120);
  },
  onSortChange: (q) => setQuery(q),
  onScroll: (top) => {
    view.scrollTop = top;
    persist();
  },
});
const diagram = new DiagramPane({
  exportDiagram: (flowId) => send({ type: 'command', command: 'exportDiagram', flowId }),
  copySummary: (flowId) => send({ type: 'command', command: 'copyFlowSummary', flowId }),
  copyFilter: (flowId) => send({ type: 'command', command: 'copyWiresharkFilter', flowId }),
  openInWireshark: (flowId) => send({ type: 'command', command: 'openInWireshark', flowId }),
  showPackets: (flowId, every) => {
    everyPacket = every;
    loadDetail(flowId, 0);
  },
});

// How the table and the diagram write times: the synscope.timeDisplay setting's choices,
// starting from the setting; a choice made here stays with this editor.
const timeSelect = h('vscode-single-select', { class: 'f-time', 'aria-label': 'Times shown as', title: 'How the diagram and the table\'s Start column write times (setting: synscope.timeDisplay). "Since flow start" counts the diagram from the flow\'s first packet; the table\'s Start column then counts from the capture\'s start.' }) as HTMLElement & { value: string };
for (const t of TIME_MENU) timeSelect.append(h('vscode-option', { value: t.display }, `Time: ${t.label}`));
let timeMode: TimeDisplay | null = menuChoice(view.timeMode);
timeSelect.addEventListener('change', () => {
  const picked = menuChoice(timeSelect.value);
  if (!picked || picked === timeMode) return;
  timeMode = picked;
  view.timeMode = timeMode;
  persist();
  applyTime();
  if (view.selectedFlowId !== null) loadDetail(view.selectedFlowId, 0);
});

function applyTime(): void {
  const mode = timeMode ?? 'sinceCapture';
  timeSelect.value = mode;
  const c = overview?.capture;
  table.setTimeContext({ mode: tableMode(mode), captureStart: c?.start ?? null, spansDays: spansDays(c?.start ?? null, c?.end ?? null) });
}

// Hidden while a file that could not be read is shown: an empty table and "Select a flow"
// under an error would suggest there is something to look at.
const workspace = h('div', { class: 'workspace' },
  h('section', { class: 'flows', 'aria-label': 'Flows' },
    h('div', { class: 'flows-head' }, h('h2', { class: 'section-title' }, 'Flows'), timeSelect), filterBar.element, table.element),
  diagram.element,
);

// Flows | Servers: the flow table with its diagram, or listener health.
const serversTab = new ServersTab({
  workspace,
  load: () => request('getServers', {}),
  isDone: () => done,
  setFilter: (filter) => setFilterQuietly(filter),
  revealWorkspace: () => revealWorkspace(),
});
const compare = h('vscode-button', { secondary: true, title: 'Compare this capture with a healthy baseline capture, per listener (synscope diff)' }, 'Compare with Baseline…');
compare.addEventListener('click', () => send({ type: 'command', command: 'compareWithBaseline' }));

function setFilterQuietly(filter: FlowFilter): void {
  filterBar.set(filter, false);
  setQuery({ ...table.currentQuery, filter });
}

document.getElementById('app')!.append(
  h('header', { class: 'top' }, title, status, liveBar.element, h('span', { class: 'spacer' }), compare, exportFindings, reanalyze),
  progressBar,
  errorBox,
  verdictLine,
  stories,
  summary,
  serversTab.tabs,
  workspace,
  serversTab.element,
);

// ------------------------------------------------------------------ behaviour
let persistQueued = false;
function persist(): void {
  if (persistQueued) return;
  persistQueued = true;
  requestAnimationFrame(() => {
    persistQueued = false;
    saveState({ ...view, query: table.currentQuery });
  });
}

function applyFilter(filter: FlowFilter): void {
  filterBar.set(filter, false);
  setQuery({ ...table.currentQuery, filter });
  revealWorkspace();
}

function setQuery(q: FlowQuery): void {
  view.query = q;
  view.scrollTop = 0;
  persist();
  if (!done) return;
  table.setQuery(q);
  table.setSelectedFlow(view.selectedFlowId);
  void refreshCount();
}

async function refreshCount(): Promise<void> {
  if (!overview) return;
  const page = await request('getFlows', { query: table.currentQuery, offset: 0, limit: 0 });
  filterBar.setCount(page.total, overview.summary.flows);
}

/** Set while the editor selects a flow by itself (the verdict's flow), which must not scroll the page. */
let quietSelect = false;

/** Finding to highlight in the next diagram (set by a reveal from the Problems panel). */
let focusFinding: number | undefined;

/**
 * Brings the table and the diagram fully on screen (the workspace is one screen tall), so the
 * result of a click or an arrow key is never drawn below the fold.
 */
function revealWorkspace(): void {
  const r = workspace.getBoundingClientRect();
  if (r.top < -1 || r.bottom > window.innerHeight + 1) window.scrollBy({ top: r.top });
}

let shownSvg: string | null = null;

function loadDetail(flowId: number | null, delayMs: number, refresh = false): void {
  clearTimeout(detailTimer);
  if (flowId === null) return;
  const seq = ++detailSeq;
  if (flowId !== detailFlowId) everyPacket = false;
  detailFlowId = flowId;
  const every = everyPacket;
  detailTimer = setTimeout(() => {
    request('getFlowDetail', { flowId, everyPacket: every, timeDisplay: timeMode ?? undefined }).then(
      (d) => {
        if (seq !== detailSeq) return;
        // A followed capture redraws the selected flow on each update: only when it changed,
        // so a diagram being read keeps its place.
        if (d && refresh && d.svg === shownSvg) return;
        shownSvg = d?.svg ?? null;
        if (d) diagram.show(d, focusFinding, every);
        else diagram.showMessage(`There is no flow ${flowId}.`);
        focusFinding = undefined;
      },
      (e: Error) => seq === detailSeq && diagram.showMessage(e.message),
    );
  }, delayMs);
}

/** Selects a flow, clearing filters that hide it. */
async function reveal(flowId: number, findingId?: number, quiet = false): Promise<void> {
  if (!done) return;
  focusFinding = findingId;
  let q = table.currentQuery;
  let index = await request('locateFlow', { query: q, flowId });
  // The editor's own pick never clears filters the user set.
  if (index < 0 && quiet) return;
  if (index < 0) {
    q = { ...q, filter: {} };
    filterBar.set({}, false);
    index = await request('locateFlow', { query: q, flowId });
    if (index < 0) {
      diagram.showMessage(`There is no flow ${flowId} in this capture.`);
      return;
    }
    setQuery(q);
  }
  view.selectedFlowId = flowId;
  quietSelect = quiet;
  table.selectIndex(index, true);
}

function showProgress(p: ProgressInfo): void {
  // The reader reports bytes every few MiB; packets and flows move on every update.
  const bytes = p.bytesRead > 0 ? `${fmtBytes(p.bytesRead)}${p.totalBytes > 0 ? ` of ${fmtBytes(p.totalBytes)}` : ''} · ` : '';
  status.textContent = `Reading… ${bytes}${fmtInt(p.packets)} packets · ${fmtInt(p.flows)} flows · ${fmtInt(p.handshakesComplete)} handshakes`;
  if (p.totalBytes > 0) {
    progressBar.removeAttribute('indeterminate');
    (progressBar as HTMLElement & { value: number; max: number }).max = p.totalBytes;
    (progressBar as HTMLElement & { value: number }).value = p.bytesRead;
  }
  if (!overview) {
    summary.textContent = '';
    summary.append(h('div', { class: 'tiles' },
      h('div', { class: 'tile' }, h('div', { class: 'tile-value', 'data-testid': 'summary-flows' }, fmtInt(p.flows)), h('div', { class: 'tile-label' }, 'flows so far')),
      h('div', { class: 'tile' }, h('div', { class: 'tile-value' }, fmtInt(p.handshakesComplete)), h('div', { class: 'tile-label' }, 'handshakes complete')),
      h('div', { class: 'tile' }, h('div', { class: 'tile-value' }, fmtInt(p.packets)), h('div', { class: 'tile-label' }, 'packets')),
    ));
  }
}

/**
 * A followed capture as it stands: the first update sets the editor up as a finished analysis
 * does; later ones refresh the header, the table's pages (scroll and selection kept) and the
 * selected flow's diagram.
 */
function onLive(o: Overview, info: LiveInfo, provisional: number[]): void {
  liveBar.show(info);
  table.waiting = true;
  if (!live) {
    live = true;
    onDone(o, true);
  } else {
    overview = o;
    showHeader(o);
    table.refresh();
    void refreshCount();
    if (view.selectedFlowId !== null) loadDetail(view.selectedFlowId, 0, true);
  }
  const p = provisional.length > 0 ? ` (${fmtInt(provisional.length)} provisional)` : '';
  status.textContent = `${info.paused ? 'Paused' : 'Live'}: ${countOf(o.capture.packets, 'packet')}, ${countOf(o.summary.flows, 'flow')}, ${countOf(o.findingsTotal, 'finding')}${p}`;
}

/** Verdict, stories, summary and filter choices of an overview (a finished or a followed capture). */
function showHeader(o: Overview): void {
  // A followed capture with no flow yet is waiting, not empty.
  verdictLine.textContent = live && o.summary.flows === 0 ? 'no TCP flows yet: waiting for packets…' : o.verdict.text;
  verdictLine.className = `verdict tone-${o.verdict.tone}`;
  verdictLine.hidden = false;
  applyTime();
  renderStories(stories, o, actions);
  renderSummary(summary, o, actions);
  filterBar.setOptions(Object.keys(o.states).sort(), o.findingCodes.map((c) => c.code), o.stateLabels);
}

function onDone(o: Overview, following = false): void {
  done = true;
  if (!following) {
    live = false;
    table.waiting = false;
    liveBar.hide();
  }
  performance.mark('synscope:done');
  // Asked for first: the flow table's page and the verdict's diagram would otherwise go ahead of
  // it in the worker, and the Servers tab should open at once after the analysis.
  serversTab.prefetch();
  overview = o;
  progressBar.hidden = true;
  const problems = o.capture.problems;
  errorBox.classList.remove('notice');
  errorBox.hidden = problems.length === 0;
  errorBox.textContent = problems.length === 0 ? '' : describeDamage(problems);
  const damage = o.capture.problems.find((p) => p.kind !== 'undecoded');
  const damaged = damage ? ` · capture damaged at byte offset ${damage.offset}` : '';
  status.textContent = `Done: ${countOf(o.capture.packets, 'packet')}, ${countOf(o.summary.flows, 'flow')}, ${countOf(o.findingsTotal, 'finding')} in ${fmtDuration(o.elapsedMs / 1000)}${damaged}`;
  workspace.hidden = false;
  // Exporting needs the finished analysis.
  exportFindings.hidden = following;
  table.setColumns(COLUMNS.filter((c) => c.optional === undefined
    || (c.optional === 'vlan' && o.vlans.length > 0) || (c.optional === 'interface' && o.interfaces.length > 1)));
  showHeader(o);
  filterBar.set(view.query.filter, false);
  table.setQuery(view.query, view.scrollTop);
  table.setSelectedFlow(view.selectedFlowId);
  void refreshCount();
  if (view.selectedFlowId !== null) loadDetail(view.selectedFlowId, 0);
  // Every capture opens on something to look at: the worst flow, or the only one.
  else if (o.verdict.flowId !== null) void reveal(o.verdict.flowId, undefined, true);
}

function onMessage(m: HostToWebview): void {
  if (handleResponse(m)) return;
  switch (m.type) {
    case 'init':
      fileName = m.fileName;
      diagram.wiresharkInstalled = m.wireshark === true;
      if (timeMode === null) timeMode = menuChoice(m.timeDisplay) ?? 'sinceCapture';
      applyTime();
      title.textContent = fileName;
      document.title = fileName;
      break;
    case 'started':
      done = false;
      live = false;
      liveBar.hide();
      overview = null;
      serversTab.reset();
      errorBox.hidden = true;
      progressBar.hidden = false;
      progressBar.setAttribute('indeterminate', '');
      status.textContent = 'Reading…';
      stories.hidden = true;
      verdictLine.hidden = true;
      workspace.hidden = false;
      exportFindings.hidden = false;
      table.setStaticRows([], 0);
      break;
    case 'progress':
      if (!done) showProgress(m.progress);
      break;
    case 'partialFlows':
      if (!done) {
        table.setStaticRows(m.rows, m.total);
        filterBar.setCount(m.rows.length, m.total);
        // A standard Performance mark, so time-to-first-rows can be measured from outside
        // without polling latency (scripts/e2e/scenarios/firstRows.mjs reads it).
        if (m.rows.length > 0 && performance.getEntriesByName(FIRST_ROWS_MARK).length === 0) performance.mark(FIRST_ROWS_MARK);
      }
      break;
    case 'live':
      onLive(m.overview, m.live, m.provisional);
      break;
    case 'done':
      onDone(m.overview);
      break;
    case 'failed': {
      progressBar.hidden = true;
      live = false;
      liveBar.hide();
      const where = m.offset !== undefined && !/offset/i.test(m.message) ? ` (at byte offset ${m.offset})` : '';
      // The banner below gives the reason; the status line only says that it failed, and where.
      status.textContent = m.cancelled ? 'Cancelled.' : `Failed${m.offset !== undefined ? ` at byte offset ${m.offset}` : ''}.`;
      errorBox.textContent = m.cancelled
        ? 'The analysis was cancelled. Click Re-analyze (or run "synscope: Re-analyze Capture") to start again.'
        : `synscope could not read ${fileName}: ${m.message}${where}.${/not a pcap/i.test(m.message) ? ' It reads pcap and pcapng captures, gzip-compressed too.' : ''}`;
      errorBox.classList.toggle('notice', m.cancelled === true);
      errorBox.hidden = false;
      // Nothing was analysed: no table, no diagram, nothing to export.
      stories.hidden = true;
      verdictLine.hidden = true;
      summary.textContent = '';
      workspace.hidden = true;
      exportFindings.hidden = true;
      break;
    }
    case 'revealFlow':
      void reveal(m.flowId, m.findingId).then(() => send({ type: 'revealed', seq: m.seq }));
      break;
    case 'settings':
      // Changing the setting is a choice too: the menu follows it.
      timeMode = menuChoice(m.timeDisplay) ?? timeMode;
      view.timeMode = timeMode ?? undefined;
      persist();
      applyTime();
      if (view.selectedFlowId !== null) loadDetail(view.selectedFlowId, 0);
      break;
  }
}

window.addEventListener('message', (e: MessageEvent<HostToWebview>) => onMessage(e.data));
// Type-only import: the compiler checks this literal against the protocol's version.
const protocolVersion: typeof PROTOCOL_VERSION = 1;
send({ type: 'ready', protocolVersion });
