/** The selected flow's sequence diagram (SVG from src/render, drawn in the worker) and its findings. */
import type { FlowDetail } from '../src/protocol/messages';
import { clear, endpoint, h, parseSvg } from './dom';
import { fmtDuration } from './format';
import { findingWords, stateWords } from '../src/protocol/stateWords';

export interface DiagramActions {
  exportDiagram(flowId: number): void;
  copySummary(flowId: number): void;
}

export class DiagramPane {
  readonly element: HTMLElement;
  private readonly title = h('h2', { class: 'section-title' }, 'Sequence diagram');
  private readonly body = h('div', { class: 'diagram-body' });
  private readonly findings = h('ul', { class: 'flow-findings' });
  private readonly buttons = h('div', { class: 'diagram-actions' });
  private flowId: number | null = null;

  constructor(actions: DiagramActions) {
    const exp = h('vscode-button', { secondary: true, title: 'Save as SVG or Mermaid' }, 'Export diagram…');
    exp.addEventListener('click', () => this.flowId !== null && actions.exportDiagram(this.flowId));
    const copy = h('vscode-button', { secondary: true, title: 'Copy a plain-text summary of this flow' }, 'Copy summary');
    copy.addEventListener('click', () => this.flowId !== null && actions.copySummary(this.flowId));
    this.buttons.append(exp, copy);
    this.buttons.hidden = true;
    this.element = h('section', { class: 'diagram-pane', 'aria-label': 'Sequence diagram' },
      h('div', { class: 'diagram-head' }, this.title, this.buttons), this.body, this.findings);
    this.showMessage('Select a flow to see its handshake.');
  }

  showMessage(text: string): void {
    this.flowId = null;
    this.buttons.hidden = true;
    clear(this.body);
    clear(this.findings);
    this.body.append(h('p', { class: 'muted' }, text));
  }

  /** `focusFindingId`: the finding the user came from (Problems panel), highlighted in the list. */
  show(detail: FlowDetail, focusFindingId?: number): void {
    const f = detail.flow;
    this.flowId = f.id;
    this.buttons.hidden = false;
    this.title.textContent = `Flow ${f.id}: ${endpoint(f.client.ip, f.client.port)} → ${endpoint(f.server.ip, f.server.port)} · ${stateWords(f.state, f.handshake.complete)} (${f.state}) · RTT ${fmtDuration(f.handshake.rtt)}`;
    this.title.title = `tcp.stream eq ${f.id - 1}${f.vlan.length > 0 ? ` · VLAN ${f.vlan.join(' / ')}` : ''} · the numbers beside the arrows are frame numbers`;
    clear(this.body);
    const svg = parseSvg(detail.svg);
    if (svg) {
      // The contract's test ids, whatever the renderer already set.
      svg.setAttribute('data-testid', 'sequence-diagram');
      svg.setAttribute('data-flow-id', String(f.id));
      this.body.append(svg);
    } else {
      this.body.append(h('p', { class: 'muted' }, 'No diagram for this flow.'));
    }
    clear(this.findings);
    for (const fd of detail.findings) {
      const focused = fd.id === focusFindingId;
      this.findings.append(h('li', { class: `sev-${fd.severity}${focused ? ' focused' : ''}`, 'data-finding-id': fd.id, 'aria-current': focused ? 'true' : null },
        h('span', { class: 'code', title: fd.code }, findingWords(fd.code)), ' ', fd.message));
    }
  }
}
