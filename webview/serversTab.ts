/**
 * The Flows | Servers tab bar: the flow workspace or the Servers pane (servers.ts). The servers
 * data is asked for as soon as the analysis is done (`prefetch`), so opening the tab only draws.
 */
import type { FlowFilter } from '../src/protocol/flowTable';
import type { ServersReport } from '../src/core/listeners/types';
import { h } from './dom';
import { ServersPane } from './servers';

/** A Performance mark when the rows are first on screen (scripts/e2e/scenarios/servers.mjs reads it). */
const SERVERS_SHOWN_MARK = 'synscope:servers-shown';
/** When the servers data arrived (asked for at the end of the analysis). */
const SERVERS_DATA_MARK = 'synscope:servers-data';

export interface ServersTabDeps {
  workspace: HTMLElement;
  load: () => Promise<ServersReport | null>;
  isDone: () => boolean;
  /** Filter the flow table without leaving the tab. */
  setFilter: (filter: FlowFilter) => void;
  revealWorkspace: () => void;
}

export class ServersTab {
  private readonly flowsTab = h('button', { role: 'tab', 'aria-selected': 'true', 'data-testid': 'tab-flows' }, 'Flows');
  private readonly serversTab = h('button', { role: 'tab', 'aria-selected': 'false', 'data-testid': 'tab-servers' }, 'Servers');
  readonly tabs = h('div', { class: 'tabs', role: 'tablist' }, this.flowsTab, this.serversTab);
  private readonly pane: ServersPane;
  private data: Promise<ServersReport | null> | null = null;

  constructor(private readonly deps: ServersTabDeps) {
    this.pane = new ServersPane({
      filterListener: (text) => deps.setFilter({ text }),
      filterAround: (text, startFrom, startTo, startLabel) => {
        deps.setFilter({ text, startFrom, startTo, startLabel });
        this.show('flows');
      },
      showFlows: () => this.show('flows'),
    });
    this.pane.element.hidden = true;
    this.flowsTab.addEventListener('click', () => this.show('flows'));
    this.serversTab.addEventListener('click', () => this.show('servers'));
  }

  get element(): HTMLElement {
    return this.pane.element;
  }

  prefetch(): void {
    this.data ??= this.deps.load().then((r) => {
      performance.mark(SERVERS_DATA_MARK);
      return r;
    });
  }

  /** A new analysis started: back to the flows, nothing loaded. */
  reset(): void {
    this.pane.show(null);
    this.data = null;
    this.show('flows');
  }

  show(which: 'flows' | 'servers'): void {
    const s = which === 'servers';
    this.flowsTab.setAttribute('aria-selected', String(!s));
    this.serversTab.setAttribute('aria-selected', String(s));
    this.pane.element.hidden = !s;
    this.deps.workspace.hidden = s;
    if (s && this.deps.isDone() && !this.pane.loaded) {
      this.prefetch();
      void this.data!.then((r) => {
        if (!this.pane.loaded) this.pane.show(r);
        if (performance.getEntriesByName(SERVERS_SHOWN_MARK).length === 0) performance.mark(SERVERS_SHOWN_MARK);
      });
    }
    if (!s) this.deps.revealWorkspace();
  }
}
