/** Filter controls above the flow table: text, state, finding code, RTT range, story filter. */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { FlowFilter } from '../src/protocol/flowTable';
import { clear, h } from './dom';
import { countOf } from './format';
import { findingWords, stateCodeWords } from '../src/protocol/stateWords';

interface ValueElement extends HTMLElement {
  value: string;
}

export class FilterBar {
  readonly element: HTMLElement;
  private readonly text: ValueElement;
  private readonly state: ValueElement;
  private readonly finding: ValueElement;
  private readonly rttMin: ValueElement;
  private readonly rttMax: ValueElement;
  private readonly storyChip = h('span', { class: 'story-filter' });
  private readonly count = h('span', { class: 'flow-count', 'aria-live': 'polite' });
  private filter: FlowFilter = {};
  private debounce: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly onChange: (f: FlowFilter) => void) {
    this.text = h('vscode-textfield', { placeholder: 'Filter by address or port', 'aria-label': 'Filter by address or port', class: 'f-text' }) as ValueElement;
    this.state = h('vscode-single-select', { 'aria-label': 'State', class: 'f-state' }) as ValueElement;
    this.finding = h('vscode-single-select', { 'aria-label': 'Finding', class: 'f-finding' }) as ValueElement;
    this.rttMin = h('vscode-textfield', { type: 'number', min: 0, placeholder: 'RTT ≥ ms', 'aria-label': 'Minimum RTT in ms', class: 'f-rtt' }) as ValueElement;
    this.rttMax = h('vscode-textfield', { type: 'number', min: 0, placeholder: 'RTT ≤ ms', 'aria-label': 'Maximum RTT in ms', class: 'f-rtt' }) as ValueElement;
    const reset = h('vscode-button', { secondary: true, title: 'Clear all filters' }, 'Clear');
    reset.addEventListener('click', () => this.set({}, true));
    for (const el of [this.text, this.rttMin, this.rttMax]) el.addEventListener('input', () => this.changedSoon());
    for (const el of [this.state, this.finding]) el.addEventListener('change', () => this.changed());
    this.element = h('div', { class: 'filter-bar', role: 'search' }, this.text, this.state, this.finding, this.rttMin, this.rttMax, reset, this.storyChip, this.count);
    this.setOptions([], []);
  }

  /** States and finding codes present in this capture. */
  setOptions(states: string[], codes: string[]): void {
    fill(this.state, 'All states', states.map((v) => ({ value: v, label: `${stateCodeWords(v)} (${v})` })));
    fill(this.finding, 'All findings', codes.map((v) => ({ value: v, label: `${findingWords(v)} (${v})` })));
    this.show();
  }

  setCount(shown: number, total: number): void {
    this.count.textContent = shown === total ? countOf(total, 'flow') : `${shown.toLocaleString('en-US')} of ${countOf(total, 'flow')}`;
  }

  get value(): FlowFilter {
    return this.filter;
  }

  /** Replaces the filter (from a story card, a chip, restored state). */
  set(filter: FlowFilter, notify: boolean): void {
    this.filter = { ...filter };
    this.show();
    if (notify) this.onChange(this.filter);
  }

  private show(): void {
    const f = this.filter;
    this.text.value = f.text ?? '';
    this.state.value = f.state ?? '';
    this.finding.value = f.finding ?? '';
    this.rttMin.value = f.rttMinMs == null ? '' : String(f.rttMinMs);
    this.rttMax.value = f.rttMaxMs == null ? '' : String(f.rttMaxMs);
    clear(this.storyChip);
    if (f.flowIds && f.flowIds.length > 0) {
      const x = h('button', { class: 'chip', title: 'Show all flows again' }, `${f.flowIdsLabel ?? 'Selected flows'} ✕`);
      x.addEventListener('click', () => this.set({ ...this.filter, flowIds: undefined, flowIdsLabel: undefined }, true));
      this.storyChip.append(x);
    }
  }

  private changedSoon(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.changed(), 200);
  }

  private changed(): void {
    const num = (v: string): number | null => (v.trim() === '' || !Number.isFinite(Number(v)) ? null : Number(v));
    this.filter = {
      ...this.filter,
      text: this.text.value,
      state: this.state.value as FlowFilter['state'],
      finding: this.finding.value as FlowFilter['finding'],
      rttMinMs: num(this.rttMin.value),
      rttMaxMs: num(this.rttMax.value),
    };
    this.onChange(this.filter);
  }
}

function fill(select: ValueElement, allLabel: string, values: { value: string; label: string }[]): void {
  clear(select);
  select.append(h('vscode-option', { value: '' }, allLabel));
  for (const v of values) select.append(h('vscode-option', { value: v.value }, v.label));
}
