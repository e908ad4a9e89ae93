/**
 * The virtualized flow table: only the rows on screen exist in the DOM (a pool of row
 * elements is reused), rows come from the host a page at a time, and the host sorts and
 * filters over all flows. Keyboard: ↑/↓, PageUp/PageDown, Home/End move the selection,
 * Enter shows the selected flow's diagram.
 */
import type { FlowPage, FlowQuery, FlowRow } from '../src/protocol/flowTable';
import { COLUMNS, fitColumns, type Column } from './columns';
import type { TimeContext } from './timeFormat';
import { isFiltered } from './filterState';
import { clear, h, setAttrs } from './dom';
import { scrollTopToReveal, visibleWindow, type ScrollGeometry } from './virtualScroll';

const ROW_HEIGHT = 22;
const PAGE_SIZE = 100;
const MAX_PX = 8_000_000;

export interface FlowTableSource {
  getPage(query: FlowQuery, offset: number, limit: number): Promise<FlowPage>;
}

export interface FlowTableEvents {
  /** Selection moved (keyboard or click); `activate` = Enter / double-click. */
  onSelect(flowId: number | null, activate: boolean): void;
  onSortChange(query: FlowQuery): void;
  onScroll(scrollTop: number): void;
}

export class FlowTable {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private query: FlowQuery;
  private total = 0;
  private pages = new Map<number, FlowRow[]>();
  private inflight = new Set<number>();
  private generation = 0;
  /** A followed capture: an empty table means nothing arrived yet, not an empty capture. */
  waiting = false;
  /** While reading: rows held locally, no paging or sorting. */
  private staticRows: FlowRow[] | null = null;
  private selectedIndex = -1;
  private selectedFlowId: number | null = null;
  private pendingScrollTop: number | null = null;
  private rafQueued = false;
  /** A selection made on a row whose page is still loading. */
  private pendingSelect: { index: number; activate: boolean } | null = null;
  /** Columns this capture can fill, and those of them the table's width shows. */
  private available: Column[] = COLUMNS.filter((c) => !c.optional);
  private columns: Column[] = this.available.filter((c) => c.tier === 0);
  private width = 0;
  private time: TimeContext = { mode: 'sinceStart', captureStart: null, spansDays: false };

  constructor(query: FlowQuery, private readonly source: FlowTableSource, private readonly events: FlowTableEvents) {
    this.query = query;
    this.header = h('div', { class: 'ft-header', role: 'row' });
    this.spacer = h('div', { class: 'ft-spacer' });
    this.empty = h('div', { class: 'ft-empty' });
    this.viewport = h('div', { class: 'ft-viewport', tabindex: 0, role: 'grid', 'aria-label': 'Flows', 'data-testid': 'flow-table' }, this.spacer, this.empty);
    this.element = h('div', { class: 'flow-table' }, this.header, this.viewport);
    this.buildHeader();
    this.viewport.addEventListener('scroll', () => {
      this.schedule();
      this.events.onScroll(this.viewport.scrollTop);
    });
    this.viewport.addEventListener('keydown', (e) => this.onKey(e));
    this.viewport.addEventListener('click', (e) => this.onClick(e, false));
    this.viewport.addEventListener('dblclick', (e) => this.onClick(e, true));
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
    // Which columns fit is the table's own width (a grid pane, not the window).
    new ResizeObserver(() => this.fitColumns()).observe(this.element);
  }

  get currentQuery(): FlowQuery {
    return this.query;
  }

  get rowCount(): number {
    return this.total;
  }

  /** Shows rows known locally (during reading). */
  setStaticRows(rows: FlowRow[], total: number): void {
    this.staticRows = rows;
    this.total = rows.length;
    this.empty.textContent = total === 0 ? 'No TCP flows yet…' : '';
    this.render();
  }

  /** Switches to paged mode with a (new) query; keeps the selection if the flow is still listed. */
  setQuery(query: FlowQuery, scrollTop?: number): void {
    this.query = query;
    this.staticRows = null;
    this.generation++;
    this.pages = new Map();
    this.inflight = new Set();
    this.selectedIndex = -1;
    this.pendingSelect = null;
    this.pendingScrollTop = scrollTop ?? 0;
    this.buildHeader();
    this.fetchPage(0);
  }

  /**
   * The same query over flows that changed (a followed capture): the pages on screen are
   * fetched again and replace the old rows when they come; scroll and selection stay.
   */
  refresh(): void {
    if (this.staticRows) return;
    this.generation++;
    this.inflight = new Set();
    const win = visibleWindow(this.viewport.scrollTop, this.geometry());
    const keep = new Set<number>();
    for (let i = win.first; i < win.first + win.count; i += PAGE_SIZE) keep.add(Math.floor(i / PAGE_SIZE));
    keep.add(Math.floor(Math.max(0, win.first + win.count - 1) / PAGE_SIZE));
    for (const k of [...this.pages.keys()]) if (!keep.has(k)) this.pages.delete(k);
    for (const k of keep) this.fetchPage(k, true);
  }

  /** Selects a row by index in the current view and scrolls it into view. */
  selectIndex(index: number, activate: boolean): void {
    if (this.total === 0) return;
    const i = Math.max(0, Math.min(this.total - 1, index));
    this.selectedIndex = i;
    const row = this.rowAt(i);
    this.selectedFlowId = row ? row.id : null;
    this.viewport.scrollTop = scrollTopToReveal(i, this.viewport.scrollTop, this.geometry());
    this.render();
    if (row) {
      this.pendingSelect = null;
      this.events.onSelect(row.id, activate);
    } else {
      this.pendingSelect = { index: i, activate };
      this.fetchPage(Math.floor(i / PAGE_SIZE));
    }
  }

  /** The columns to show (VLAN and interface only where the capture has them). */
  setColumns(columns: Column[]): void {
    this.available = columns;
    this.applyColumns();
  }

  private fitColumns(): void {
    const width = this.element.clientWidth;
    if (width === this.width) return;
    this.width = width;
    const next = fitColumns(this.available, width);
    if (next.length !== this.columns.length || next.some((c, i) => c !== this.columns[i])) this.applyColumns();
  }

  private applyColumns(): void {
    this.columns = fitColumns(this.available, this.width);
    // Below the sum of the shown columns the table scrolls sideways, header and rows together.
    const min = `${this.columns.reduce((a, c) => a + c.w, 0) + 2}px`;
    this.header.style.minWidth = min;
    this.viewport.style.minWidth = min;
    for (const row of this.pool) row.remove();
    this.pool.length = 0;
    this.buildHeader();
    this.render();
  }

  /** How the Start column writes times. */
  setTimeContext(time: TimeContext): void {
    this.time = time;
    this.render();
  }

  /** Marks a flow selected without moving (e.g. after a restore). */
  setSelectedFlow(flowId: number | null): void {
    this.selectedFlowId = flowId;
    this.render();
  }

  focus(): void {
    this.viewport.focus({ preventScroll: true });
  }

  private geometry(): ScrollGeometry {
    return { total: this.total, rowHeight: ROW_HEIGHT, viewportHeight: this.viewport.clientHeight || 300, maxPx: MAX_PX };
  }

  private buildHeader(): void {
    clear(this.header);
    for (const col of this.columns) {
      const active = !col.noSort && this.query.sort.key === col.key;
      // A small arrow in its own span: the title keeps its width in narrow numeric columns.
      const arrow = active ? h('span', { class: 'sort-arrow', 'aria-hidden': 'true' }, this.query.sort.dir === 'asc' ? '▲' : '▼') : null;
      const cell = h('div', {
        class: `ft-cell ft-head ${col.cls}${active ? ' sorted' : ''}${col.noSort ? ' nosort' : ''}`,
        role: 'columnheader',
        title: col.noSort ? col.tooltip : `${col.tooltip}. Click to sort.`,
        tabindex: col.noSort ? null : 0,
        'aria-sort': active ? (this.query.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none',
        'data-sort': col.key,
      }, col.title, arrow);
      sizeCell(cell, col);
      const sort = (): void => {
        if (this.staticRows || col.noSort) return; // sorting needs the finished analysis
        const dir = active && this.query.sort.dir === 'asc' ? 'desc' : 'asc';
        this.events.onSortChange({ ...this.query, sort: { key: col.key, dir } });
      };
      cell.addEventListener('click', sort);
      cell.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          sort();
        }
      });
      this.header.append(cell);
    }
  }

  private rowAt(i: number): FlowRow | undefined {
    if (this.staticRows) return this.staticRows[i];
    return this.pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE];
  }

  private fetchPage(page: number, again = false): void {
    if (this.staticRows || (this.pages.has(page) && !again) || this.inflight.has(page)) return;
    this.inflight.add(page);
    const gen = this.generation;
    this.source.getPage(this.query, page * PAGE_SIZE, PAGE_SIZE).then(
      (res) => {
        if (gen !== this.generation) return;
        this.inflight.delete(page);
        this.pages.set(page, res.rows);
        // Keep memory flat while scrolling through a million rows.
        if (this.pages.size > 60) {
          for (const k of this.pages.keys()) {
            if (this.pages.size <= 40) break;
            if (k !== page) this.pages.delete(k);
          }
        }
        const totalChanged = res.total !== this.total;
        this.total = res.total;
        this.empty.textContent = res.total > 0 ? '' : isFiltered(this.query.filter)
          ? 'No flows match these filters. Clear them to see every flow.'
          : this.waiting ? 'No TCP flows yet: waiting for the writer…'
          : 'This capture holds no TCP flows (synscope looks at TCP handshakes only).';
        if (totalChanged || this.pendingScrollTop !== null) {
          this.spacer.style.height = `${visibleWindow(0, this.geometry()).spacerHeight}px`;
          if (this.pendingScrollTop !== null) {
            this.viewport.scrollTop = this.pendingScrollTop;
            this.pendingScrollTop = null;
          }
        }
        this.render();
        const ps = this.pendingSelect;
        if (ps && this.rowAt(ps.index)) this.selectIndex(ps.index, ps.activate);
      },
      () => {
        if (gen === this.generation) this.inflight.delete(page);
      },
    );
  }

  private schedule(): void {
    if (this.rafQueued) return;
    this.rafQueued = true;
    requestAnimationFrame(() => {
      this.rafQueued = false;
      this.render();
    });
  }

  private render(): void {
    const g = this.geometry();
    const win = visibleWindow(this.viewport.scrollTop, g);
    this.spacer.style.height = `${win.spacerHeight}px`;
    // Only a screenful of rows exists; tell assistive technology how many there are.
    this.viewport.setAttribute('aria-rowcount', String(this.total + 1));
    while (this.pool.length < win.count) {
      const row = h('div', { class: 'ft-row', role: 'row', 'data-testid': 'flow-row' });
      for (const col of this.columns) row.append(sizeCell(h('div', { class: `ft-cell ${col.cls}`, role: 'gridcell' }), col));
      this.pool.push(row);
      this.spacer.append(row);
    }
    for (let k = 0; k < this.pool.length; k++) {
      const el = this.pool[k]!;
      const i = win.first + k;
      const row = k < win.count ? this.rowAt(i) : undefined;
      if (k >= win.count) {
        // A spare pooled row: hidden, and no longer a flow row for selectors or screen readers.
        el.hidden = true;
        setAttrs(el, { 'data-flow-id': null, 'data-index': null, 'data-testid': 'flow-row-spare' });
        continue;
      }
      el.hidden = false;
      el.style.transform = `translateY(${win.firstTop + k * ROW_HEIGHT}px)`;
      if (!row) {
        this.fetchPage(Math.floor(i / PAGE_SIZE));
        setAttrs(el, { 'data-flow-id': null, 'data-index': i, 'aria-selected': false, 'data-testid': 'flow-row-loading' });
        el.className = 'ft-row loading';
        for (const c of Array.from(el.children)) c.textContent = '';
        continue;
      }
      const selected = row.id === this.selectedFlowId;
      if (selected) this.selectedIndex = i;
      el.className = `ft-row${selected ? ' selected' : ''}${row.severity ? ` sev-${row.severity}` : ''}`;
      // "true"/"false": setAttrs writes a bare attribute for true, which ARIA reads as not selected.
      setAttrs(el, { 'data-flow-id': row.id, 'data-index': i, 'aria-selected': String(selected), 'aria-rowindex': i + 2, 'data-testid': 'flow-row' });
      const cells = el.children;
      for (let c = 0; c < this.columns.length; c++) {
        const col = this.columns[c]!;
        const text = col.text(row, this.time);
        const cell = cells[c] as HTMLElement;
        if (cell.textContent !== text) cell.textContent = text;
        cell.title = col.hint ? col.hint(row, this.time) : text;
      }
    }
  }

  private onClick(e: MouseEvent, activate: boolean): void {
    const rowEl = (e.target as HTMLElement).closest('.ft-row') as HTMLElement | null;
    if (!rowEl || rowEl.dataset.index === undefined) return;
    this.viewport.focus({ preventScroll: true });
    this.selectIndex(Number(rowEl.dataset.index), activate);
  }

  private onKey(e: KeyboardEvent): void {
    const visible = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const cur = this.selectedIndex;
    let next: number | null = null;
    switch (e.key) {
      case 'ArrowDown': next = cur < 0 ? 0 : cur + 1; break;
      case 'ArrowUp': next = cur < 0 ? 0 : cur - 1; break;
      case 'PageDown': next = cur + visible; break;
      case 'PageUp': next = cur - visible; break;
      case 'Home': next = 0; break;
      case 'End': next = this.total - 1; break;
      case 'Enter':
        if (cur >= 0) this.selectIndex(cur, true);
        e.preventDefault();
        return;
      default: return;
    }
    e.preventDefault();
    this.selectIndex(next, false);
  }
}

/** Widths through the CSSOM (the CSP forbids style attributes, not style properties). */
function sizeCell(cell: HTMLElement, col: Column): HTMLElement {
  if (col.grow) {
    cell.style.flex = `${col.grow} 0 ${col.w}px`;
  } else {
    cell.style.width = `${col.w}px`;
  }
  return cell;
}
