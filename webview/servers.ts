/**
 * The Servers tab: one row per listener (server ip:port), worst first, with its counts, its
 * handshake-time quantiles and a small time-series chart; the selected row's chart drawn large
 * with its change points. Selecting a row filters the flow table to that listener; clicking a
 * change point filters it to the listener's flows that started around that moment.
 */
import type { ChangePointJson, HealthRow, ListenerRow, ServersReport } from '../src/core/listeners/types';
import { clear, endpoint, fmtInt, h } from './dom';
import { fmtDuration } from './format';
import { describeChange, seriesChart } from './seriesChart';

export interface ServersActions {
  /** Filter the flow table with this filter text (and label). */
  filterListener: (text: string, label: string) => void;
  /** Filter to the listener's flows that started in [from, to) epoch seconds. */
  filterAround: (text: string, from: number, to: number, label: string) => void;
  /** Switch to the flow table. */
  showFlows: () => void;
}

/** The flow-table filter for a listener (ip.dst is the server's address, tcp.dstport its port). */
export function listenerFilter(ip: string, port: number): string {
  return `${ip.includes(':') ? 'ipv6' : 'ip'}.dst==${ip} and tcp.dstport==${port}`;
}

/** Rows built per frame. */
const FIRST_ROWS = 40;

export class ServersPane {
  readonly element = h('section', { class: 'servers', 'aria-label': 'Servers', 'data-testid': 'servers' });
  private readonly note = h('p', { class: 'muted servers-note' });
  private readonly body = h('tbody');
  private readonly detail = h('div', { class: 'servers-detail', 'data-testid': 'servers-detail' });
  private report: ServersReport | null = null;

  constructor(private readonly actions: ServersActions) {
    const head = h('tr', null, ...['Listener', 'Server time', 'Attempts', 'Accepted', 'Refused', 'Half-open', 'Unanswered', 'SYN-ACK retx',
      'Server p50 / p90 / p99', 'Client p50 / p90 / p99', 'Signs'].map((t) => h('th', { scope: 'col' }, t)));
    this.element.append(this.note, h('div', { class: 'servers-scroll' }, h('table', { class: 'servers-table', 'data-testid': 'servers-table' }, h('thead', null, head), this.body)), this.detail);
  }

  get loaded(): boolean {
    return this.report !== null;
  }

  show(r: ServersReport | null): void {
    this.report = r;
    clear(this.body);
    clear(this.detail);
    if (!r || r.listeners.length === 0) {
      this.note.textContent = 'No connection attempts: no listener to describe.';
      return;
    }
    this.note.textContent = `${fmtInt(r.listeners.length)} listener${r.listeners.length === 1 ? '' : 's'}, worst first (change points and full backlogs first). ` +
      `Bins of ${r.binSeconds} s. Select a row to filter the flows to it.`;
    // A screenful at once, the rest a batch per frame: the tab is usable before a port scan's
    // hundreds of rows and charts are built.
    const batch = (from: number): void => {
      if (this.report !== r) return;
      const to = Math.min(r.listeners.length, from + FIRST_ROWS);
      for (let i = from; i < to; i++) this.body.append(this.row(r.listeners[i], i));
      if (to < r.listeners.length) requestAnimationFrame(() => batch(to));
    };
    batch(0);
  }

  private row(l: ListenerRow, i: number): HTMLTableRowElement {
    const name = endpoint(l.server.ip, l.server.port);
    const tr = h('tr', { tabindex: 0, 'data-testid': 'servers-row', 'aria-selected': 'false' },
      h('th', { scope: 'row', class: 'servers-name' }, name),
      h('td', null, seriesChart(l, { width: 120, height: 24 })),
      ...cells(l).map((c) => h('td', { class: 'num' }, c)),
      h('td', { class: 'servers-signs' }, signs(l)),
    );
    const pick = (): void => this.select(i);
    tr.addEventListener('click', pick);
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') pick();
      if (e.key === 'ArrowDown') (tr.nextElementSibling as HTMLElement | null)?.focus();
      if (e.key === 'ArrowUp') (tr.previousElementSibling as HTMLElement | null)?.focus();
    });
    return tr;
  }

  select(i: number): void {
    const r = this.report;
    if (!r || !r.listeners[i]) return;
    Array.from(this.body.children).forEach((tr, k) => tr.setAttribute('aria-selected', String(k === i)));
    const l = r.listeners[i];
    const name = endpoint(l.server.ip, l.server.port);
    const filter = listenerFilter(l.server.ip, l.server.port);
    clear(this.detail);
    const around = (c: ChangePointJson): void => {
      const t = Number(c.time);
      this.actions.filterAround(filter, t - r.binSeconds, t + r.binSeconds, `${name}: started within ${r.binSeconds} s of the change (${describeChange(c)})`);
    };
    this.detail.append(
      h('h3', { class: 'section-title' }, `${name} — server time (solid) and client time (dashed) per ${r.binSeconds} s`),
      seriesChart(l, { width: 640, height: 160, detailed: true, onChangePoint: around }),
    );
    if (l.changePoints.length > 0) {
      const list = h('ul', { class: 'servers-changes' });
      for (const c of l.changePoints) {
        const b = h('button', { class: 'link', 'data-testid': 'change-point-item' }, describeChange(c));
        b.addEventListener('click', () => around(c));
        list.append(h('li', null, b));
      }
      this.detail.append(h('p', null, 'Change points (click for the flows around one):'), list);
    }
    const flows = h('button', { class: 'link', 'data-testid': 'servers-show-flows' }, `Show the flows to ${name} ▸`);
    flows.addEventListener('click', () => this.actions.showFlows());
    this.detail.append(h('p', null, flows));
    this.actions.filterListener(filter, name);
  }
}

function quantiles(t: HealthRow['serverTime']): string {
  return t.samples === 0 ? '—' : `${fmtDuration(t.p50)} / ${fmtDuration(t.p90)} / ${fmtDuration(t.p99)}`;
}

function cells(l: HealthRow): string[] {
  return [
    fmtInt(l.attempts), `${fmtInt(l.completed)} (${(l.acceptRate * 100).toFixed(0)}%)`, fmtInt(l.refused), fmtInt(l.halfOpen),
    fmtInt(l.unanswered), fmtInt(l.synAckRetransmissions), quantiles(l.serverTime), quantiles(l.clientTime),
  ];
}

function signs(l: ListenerRow): string {
  const out: string[] = [];
  for (const c of l.changePoints) out.push(describeChange(c));
  if (l.backlog.likely) out.push(`backlog full? ${fmtInt(l.backlog.flows)} SYNs dropped while others were answered`);
  if (l.synCookies === 'likely') out.push('SYN cookies');
  return out.length ? out.join('; ') : '—';
}
