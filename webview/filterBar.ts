/** Filter controls above the flow table: text, state, finding code, RTT range, story filter. */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { FlowFilter } from '../src/protocol/flowTable';
import { clear, h } from './dom';
import { countOf } from './format';
import { findingWords, stateCodeWords } from '../src/protocol/stateWords';
import { parseFilter } from '../src/protocol/filterQuery';

const FILTER_HELP = [
  'Filter flows like Wireshark:',
  '  ip.addr == 10.0.0.1   ip.src / ip.dst (client / server)   10.0.0.0/8   2001:db8::/32',
  '  tcp.port == 443   port:443   tcp.srcport / tcp.dstport   10.0.0.1:443',
  '  tcp.stream eq 3   vlan.id == 100   frame.interface_id == 1   state == refused',
  '  and / && (or just a space), or / ||, not / !, ( )   operators == != > < >= <= (eq ne gt lt ge le)',
  'Anything else must occur in "client server" (e.g. 10.0.0).',
].join('\n');

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
  /** Says when the text box holds a filter the grammar cannot read (and which part). */
  private readonly problem = h('div', { class: 'filter-problem', id: 'filter-problem', role: 'alert', 'data-testid': 'filter-problem' });
  private filter: FlowFilter = {};
  private debounce: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly onChange: (f: FlowFilter) => void) {
    this.text = h('vscode-textfield', {
      placeholder: 'ip.addr==10.0.0.1, port:443, 10.0.0.0/8, tcp.stream eq 3',
      'aria-label': 'Filter flows',
      'aria-describedby': 'filter-problem',
      title: FILTER_HELP,
      class: 'f-text',
      'data-testid': 'filter-text',
    }) as ValueElement;
    this.state = h('vscode-single-select', { 'aria-label': 'State', class: 'f-state' }) as ValueElement;
    this.finding = h('vscode-single-select', { 'aria-label': 'Finding', class: 'f-finding' }) as ValueElement;
    this.rttMin = h('vscode-textfield', { type: 'number', min: 0, placeholder: 'RTT ≥ ms', 'aria-label': 'Minimum RTT in ms', class: 'f-rtt' }) as ValueElement;
    this.rttMax = h('vscode-textfield', { type: 'number', min: 0, placeholder: 'RTT ≤ ms', 'aria-label': 'Maximum RTT in ms', class: 'f-rtt' }) as ValueElement;
    const reset = h('vscode-button', { secondary: true, title: 'Clear all filters' }, 'Clear');
    reset.addEventListener('click', () => this.set({}, true));
    for (const el of [this.text, this.rttMin, this.rttMax]) el.addEventListener('input', () => this.changedSoon());
    for (const el of [this.state, this.finding]) el.addEventListener('change', () => this.changed());
    this.problem.hidden = true;
    this.element = h('div', { class: 'filter-area' },
      h('div', { class: 'filter-bar', role: 'search' }, this.text, this.state, this.finding, this.rttMin, this.rttMax, reset, this.storyChip, this.count),
      this.problem);
    this.setOptions([], []);
  }

  /** States and finding codes present in this capture. */
  setOptions(states: string[], codes: string[], labels: Record<string, string> = {}): void {
    fill(this.state, 'All states', states.map((v) => ({ value: v, label: `${labels[v] ?? stateCodeWords(v)} (${v})` })));
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
    this.problem.hidden = true;
    this.text.removeAttribute('invalid');
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
    if (f.startFrom != null || f.startTo != null) {
      const x = h('button', { class: 'chip', title: 'Show flows of the whole capture again', 'data-testid': 'time-range-chip' }, `${f.startLabel ?? 'Time range'} ✕`);
      x.addEventListener('click', () => this.set({ ...this.filter, startFrom: null, startTo: null, startLabel: undefined }, true));
      this.storyChip.append(x);
    }
  }

  private changedSoon(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.changed(), 200);
  }

  private changed(): void {
    // A filter that does not parse is not applied: the table keeps the last one that did.
    const parsed = parseFilter(this.text.value);
    this.problem.hidden = parsed.ok;
    this.text.toggleAttribute('invalid', !parsed.ok);
    if (!parsed.ok) {
      this.problem.textContent = `Not understood at character ${parsed.at + 1}: ${parsed.message}. The filter is not applied.`;
      return;
    }
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
