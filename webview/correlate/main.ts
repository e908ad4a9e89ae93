/**
 * The comparison page: the verdict counts, the middleboxes, the correlated table (one row per
 * pair, with its verdict) and the four-lifeline diagram of the selected pair. Every capture
 * string goes in through textContent; the diagram is built by the escaping SVG renderer.
 */
import type { CorrelateResult, Pair } from '../../src/core/correlate/types';
import type { CorrelateViewToHost, HostToCorrelateView } from '../../src/protocol/correlateMessages';
import { renderCorrelateDiagram } from '../../src/render/correlateDiagram';
import { adoptRenderStyles } from '../renderStyles';
import './correlate.css';

interface VsCodeApi {
  postMessage(m: CorrelateViewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const api = acquireVsCodeApi();

const LOSSES = new Set(['syn-lost-between', 'synack-lost-between', 'ack-lost-between', 'reset-between', 'server-silent']);

function h<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

let result: CorrelateResult | null = null;
let selected: number | null = null;
const rows = new Map<number, HTMLTableRowElement>();
const diagram = h('div', 'diagram');
diagram.dataset.testid = 'correlate-diagram';

function counts(p: Pair): string {
  const k = p.packets;
  return [k.syn, k.synAck, k.ack].map((x) => `${x.a.count}/${x.b.count}${x.lost ? ` (${x.lost} lost)` : ''}`).join('  ');
}

function select(id: number, scroll: boolean): void {
  if (!result) return;
  const p = result.pairs.find((x) => x.id === id);
  if (!p) return;
  rows.get(selected ?? -1)?.classList.remove('selected');
  selected = id;
  const tr = rows.get(id);
  tr?.classList.add('selected');
  if (scroll) tr?.scrollIntoView({ block: 'nearest' });
  // The renderer escapes every string it writes (src/render/svg.ts).
  diagram.innerHTML = renderCorrelateDiagram(p);
  const ev = h('p', 'evidence', p.evidence ?? '');
  if (p.evidence) diagram.append(ev);
  api.postMessage({ type: 'select', pair: id });
}

function render(r: CorrelateResult, initial: number | null): void {
  result = r;
  rows.clear();
  const app = document.getElementById('app')!;
  app.replaceChildren();
  app.append(h('h1', 'title', `A ${r.a.path}  ⇄  B ${r.b.path}`));
  const k = r.clock;
  app.append(h('p', 'muted', k.offset === null ? 'clock: unknown' : `clock: B = A ${k.offset >= 0 ? '+' : '−'} ${Math.abs(k.offset).toFixed(6)} s ± ${k.uncertainty ?? '?'} s (${k.method}, ${k.samples} handshakes)${r.swapped ? ' — given the other way round' : ''}`));
  app.append(h('p', 'message', r.summary.message));
  const verdicts = h('ul', 'verdicts');
  for (const [v, n] of Object.entries(r.summary.verdicts)) verdicts.append(h('li', `v-${v}`, `${v}: ${n}`));
  app.append(verdicts);
  const changes = r.middleboxes.filter((m) => m.code !== 'hops');
  if (r.middleboxes.length) {
    // Collapsed: the table and the diagram are what the page is for.
    const box = h('details', 'middleboxes');
    box.append(h('summary', '', `Between A and B: ${changes.length ? [...new Set(changes.map((m) => m.code))].join(', ') : 'no changes'} (hops and details)`));
    const ul = h('ul', '');
    for (const m of r.middleboxes) ul.append(h('li', '', `${m.code}: ${m.message} (${m.count} pair${m.count === 1 ? '' : 's'})`));
    box.append(ul);
    app.append(box);
  }
  const split = h('div', 'split');
  const wrap = h('div', 'table-wrap');
  const table = h('table', 'pairs');
  table.dataset.testid = 'pairs';
  const head = h('tr', '');
  for (const c of ['pair', 'A', 'B', 'client → server', 'verdict', 'SYN / SYN-ACK / ACK at A/B', 'middleboxes']) head.append(h('th', '', c));
  table.append(h('thead', ''), h('tbody', ''));
  table.tHead!.append(head);
  for (const p of r.pairs) {
    const tr = h('tr', LOSSES.has(p.verdict) ? 'loss' : '');
    tr.dataset.pair = String(p.id);
    tr.tabIndex = 0;
    for (const c of [String(p.id), p.a === null ? '–' : String(p.a), p.b === null ? '–' : String(p.b), `${p.client} → ${p.server}`, p.verdict, counts(p), p.middleboxes.join(', ')]) tr.append(h('td', '', c));
    tr.children[4].className = 'verdict';
    (tr.children[4] as HTMLElement).dataset.testid = 'pair-verdict';
    tr.addEventListener('click', () => select(p.id, false));
    tr.addEventListener('keydown', (e) => {
      const next = e.key === 'ArrowDown' ? tr.nextElementSibling : e.key === 'ArrowUp' ? tr.previousElementSibling : null;
      if (next instanceof HTMLTableRowElement) {
        e.preventDefault();
        next.focus();
        select(Number(next.dataset.pair), true);
      }
    });
    rows.set(p.id, tr);
    table.tBodies[0].append(tr);
  }
  wrap.append(table);
  split.append(wrap, diagram);
  app.append(split);
  const first = initial ?? r.pairs.find((p) => LOSSES.has(p.verdict))?.id ?? r.pairs[0]?.id;
  if (first !== undefined) select(first, true);
}

window.addEventListener('message', (e: MessageEvent<HostToCorrelateView>) => {
  const m = e.data;
  if (m.type === 'result') render(m.result, m.selected);
  else if (m.type === 'reveal') select(m.pair, true);
});
adoptRenderStyles();
api.postMessage({ type: 'ready' });
