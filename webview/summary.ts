/** The "What happened" story cards and the summary header (counts, states, findings, charts). */
import type { FindingCode } from '../src/core/engine/result';
import type { Overview, StoryView } from '../src/protocol/messages';
import { clear, fmtInt, h, parseSvg } from './dom';
import { epochToUtc } from './format';
import { CARD_CHART, keyNumbers } from './storyKeys';
import { attachRangeSelect } from './chartRange';
import { findingWords, stateCodeWords } from '../src/protocol/stateWords';

export interface SummaryActions {
  filterFlows(flowIds: number[], label: string): void;
  filterFinding(code: FindingCode): void;
  filterState(state: string): void;
  /** Flows that started in [from, to) (epoch seconds), from a drag on the SYN chart. */
  filterTime(from: number, to: number, label: string): void;
}

export function renderStories(host: HTMLElement, overview: Overview, actions: SummaryActions): void {
  clear(host);
  if (overview.stories.length === 0) {
    host.hidden = true;
    return;
  }
  host.hidden = false;
  host.append(h('h2', { class: 'section-title' }, 'What happened'));
  const list = h('div', { class: 'story-list' });
  for (const sv of overview.stories) list.append(storyCard(sv, actions));
  host.append(list);
}

function storyCard(sv: StoryView, actions: SummaryActions): HTMLElement {
  const s = sv.story;
  const key = keyNumbers(s.kind, s.numbers);
  const numbers = h('dl', { class: 'story-numbers' });
  for (const [label, value] of key) numbers.append(storyNumber(label, value, true));
  const all = h('dl', { class: 'story-all' });
  for (const [label, value] of Object.entries(s.numbers)) all.append(storyNumber(label, value, false));
  const details = h('details', { class: 'story-details' }, h('summary', null, 'All numbers'), all);
  const pick = CARD_CHART[s.kind] ?? 0;
  const svg = sv.charts[pick] ?? sv.charts[0] ?? '';
  const chartEl = parseSvg(svg);
  // The chart draws its own title; no caption repeats it.
  const chart = chartEl ? h('figure', { class: 'chart story-chart' }, chartEl) : null;
  const series = s.series[sv.charts[pick] ? pick : 0];
  if (chart && chartEl && series && series.binSeconds > 0) {
    attachRangeSelect(chart, chartEl, { start: series.start, binSeconds: series.binSeconds, count: series.values.length }, actions.filterTime);
  }
  // Stories list at most a capped number of flow ids; say so rather than promise them all.
  const label = s.flows.length === 0 ? 'No flows'
    : s.flows.length < s.flowCount ? `Show ${fmtInt(s.flows.length)} of ${fmtInt(s.flowCount)} flows` : `Show ${fmtInt(s.flowCount)} flows`;
  const button = h('vscode-button', {}, label);
  if (s.flows.length > 0) button.addEventListener('click', () => actions.filterFlows(s.flows, s.title));
  else button.setAttribute('disabled', '');
  return h('article', { class: `story-card story-${s.kind}`, 'data-testid': 'story-card', 'data-story': s.kind },
    h('h3', { class: 'story-title' }, s.title),
    h('p', { class: 'story-sentence' }, s.sentence),
    h('div', { class: 'story-body' }, numbers, chart),
    s.advice ? h('p', { class: 'story-advice' }, h('strong', null, 'Fix: '), s.advice) : null,
    h('div', { class: 'story-actions' }, button),
    details,
  );
}

/**
 * One labelled number of a story. Times (epoch seconds) read as a UTC date, the raw value in
 * the tooltip; long explanations (spoofing evidence…) get a line of their own.
 */
function storyNumber(label: string, value: number | string, isKey: boolean): HTMLElement {
  const text = typeof value === 'number' ? fmtInt(value) : value;
  const utc = epochToUtc(value);
  const attrs = isKey ? { 'data-testid': 'story-number', 'data-label': label, 'data-value': String(value) } : {};
  if (utc) {
    return h('div', { class: 'kv', ...attrs }, h('dt', null, label), h('dd', { title: `${text} (epoch seconds, as in the capture)` }, utc));
  }
  const long = typeof value === 'string' && value.length > 32;
  return h('div', { class: long ? 'kv kv-long' : 'kv', ...attrs }, h('dt', null, label), h('dd', null, text));
}

export function renderSummary(host: HTMLElement, o: Overview, actions: SummaryActions): void {
  clear(host);
  const s = o.summary;
  const tile = (label: string, value: string, testid?: string, cls = ''): HTMLElement =>
    h('div', { class: `tile ${cls}` }, h('div', { class: 'tile-value', 'data-testid': testid }, value), h('div', { class: 'tile-label' }, label));
  const tiles = h('div', { class: 'tiles' },
    tile('flows', fmtInt(s.flows), 'summary-flows'),
    tile('handshakes complete', fmtInt(s.handshakesComplete)),
    tile('findings', fmtInt(o.findingsTotal), 'summary-findings', o.findingsTotal > 0 ? 'warn' : ''),
    tile('SYNs (retransmitted)', `${fmtInt(s.syn)} (${fmtInt(s.synRetransmissions)})`),
    tile('refused', fmtInt(s.refused)),
    tile('half-open', fmtInt(s.halfOpen)),
    tile('SYN flood', o.synFlood ? 'yes' : 'no', 'summary-synflood', o.synFlood ? 'bad' : 'good'),
    tile('packets', fmtInt(o.capture.packets)),
  );
  const states = h('div', { class: 'chips', 'aria-label': 'Flows per state' }, h('span', { class: 'chips-label' }, 'States:'));
  if (Object.keys(o.states).length === 0) states.append(h('span', { class: 'muted' }, 'none'));
  for (const [state, n] of Object.entries(o.states).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))) {
    const words = o.stateLabels[state] ?? stateCodeWords(state);
    const chip = h('button', { class: 'chip', title: `Show the ${words} flows (Zeek conn_state ${state})`, 'data-state': state },
      `${words} ${fmtInt(n ?? 0)} `, h('span', { class: 'chip-code' }, state));
    chip.addEventListener('click', () => actions.filterState(state));
    states.append(chip);
  }
  const codes = h('div', { class: 'chips', 'aria-label': 'Findings per code' }, h('span', { class: 'chips-label' }, 'Findings:'));
  if (o.findingCodes.length === 0) codes.append(h('span', { class: 'muted' }, 'none'));
  for (const fc of o.findingCodes) {
    const chip = h('button', { class: `chip sev-${fc.severity}`, title: `Show flows with ${fc.code}`, 'data-code': fc.code }, `${findingWords(fc.code)} ${fmtInt(fc.count)}`);
    chip.addEventListener('click', () => actions.filterFinding(fc.code));
    codes.append(chip);
  }
  const charts = h('div', { class: 'summary-charts' });
  const addChart = (svg: string, caption: string): { figure: HTMLElement; svg: SVGSVGElement } | null => {
    const el = parseSvg(svg);
    if (!el) return null;
    // The chart draws its own title; the caption is its accessible name only.
    const figure = h('figure', { class: 'chart', 'aria-label': caption }, el);
    charts.append(figure);
    return { figure, svg: el };
  };
  const syn = addChart(o.charts.synRate, 'SYNs over time');
  if (syn && o.synRateBins) attachRangeSelect(syn.figure, syn.svg, o.synRateBins, actions.filterTime);
  addChart(o.charts.rttHistogram, 'Handshake RTT (ms)');
  host.append(tiles, states, codes, charts);
}
