/** The selected flow's sequence diagram (SVG from src/render, drawn in the worker) and its findings. */
import type { FlowDetail } from '../src/protocol/messages';
import { clear, endpoint, h, parseSvg } from './dom';
import { fmtDuration } from './format';
import { findingWords, stateWords } from '../src/protocol/stateWords';

export interface DiagramActions {
  exportDiagram(flowId: number): void;
  copySummary(flowId: number): void;
  copyFilter(flowId: number): void;
  openInWireshark(flowId: number): void;
  /** Draw every packet of the flow (true) or only the handshake's story (false). */
  showPackets(flowId: number, every: boolean): void;
}

export class DiagramPane {
  readonly element: HTMLElement;
  private readonly title = h('h2', { class: 'section-title' }, 'Sequence diagram');
  private readonly body = h('div', { class: 'diagram-body' });
  private readonly findings = h('ul', { class: 'flow-findings' });
  private readonly buttons = h('div', { class: 'diagram-actions' });
  private readonly fewer = h('vscode-button', { secondary: true, title: 'Draw only the packets that tell the handshake', 'data-testid': 'handshake-only' }, 'Handshake only');
  private readonly wireshark: HTMLElement;
  private flowId: number | null = null;

  constructor(actions: DiagramActions) {
    const button = (label: string, title: string, testId: string, run: (flowId: number) => void): HTMLElement => {
      const b = h('vscode-button', { secondary: true, title, 'data-testid': testId }, label);
      b.addEventListener('click', () => this.flowId !== null && run(this.flowId));
      return b;
    };
    this.wireshark = button('Open in Wireshark', 'Open the capture in Wireshark filtered to this flow, at its first frame', 'open-in-wireshark', actions.openInWireshark);
    this.wireshark.hidden = true;
    this.fewer.addEventListener('click', () => this.flowId !== null && actions.showPackets(this.flowId, false));
    this.buttons.append(
      this.fewer,
      button('Export…', 'Save the diagram as SVG or Mermaid', 'export-diagram', actions.exportDiagram),
      button('Copy summary', 'Copy a plain-text summary of this flow', 'copy-summary', actions.copySummary),
      button('Copy Wireshark filter', 'Copy this flow\'s display filter (tcp.stream eq N and its endpoints) to paste into Wireshark', 'copy-wireshark-filter', actions.copyFilter),
      this.wireshark,
    );
    this.buttons.hidden = true;
    // The "⋯ N packets not drawn" marker: a click (or Enter) draws every packet of the flow.
    this.body.addEventListener('click', (e) => {
      if (this.flowId !== null && (e.target as Element).closest?.('[data-action="every-packet"]')) actions.showPackets(this.flowId, true);
    });
    this.body.addEventListener('keydown', (e) => {
      if ((e.key === 'Enter' || e.key === ' ') && this.flowId !== null && (e.target as Element).closest?.('[data-action="every-packet"]')) {
        e.preventDefault();
        actions.showPackets(this.flowId, true);
      }
    });
    this.element = h('section', { class: 'diagram-pane', 'aria-label': 'Sequence diagram' },
      h('div', { class: 'diagram-head' }, this.title, this.buttons), this.body, this.findings);
    this.showMessage('Select a flow to see its handshake.');
  }

  /** Offers "Open in Wireshark" only where it can work (the host says). */
  set wiresharkInstalled(on: boolean) {
    this.wireshark.hidden = !on;
  }

  showMessage(text: string): void {
    this.flowId = null;
    this.buttons.hidden = true;
    clear(this.body);
    clear(this.findings);
    this.body.append(h('p', { class: 'muted' }, text));
  }

  /** `focusFindingId`: the finding the user came from (Problems panel), highlighted in the list. */
  show(detail: FlowDetail, focusFindingId?: number, everyPacket = false): void {
    const f = detail.flow;
    this.flowId = f.id;
    this.buttons.hidden = false;
    this.fewer.hidden = !everyPacket;
    this.title.textContent = `Flow ${f.id}: ${endpoint(f.client.ip, f.client.port)} → ${endpoint(f.server.ip, f.server.port)} · ${stateWords(f.state, f.handshake.complete)} (${f.state}) · RTT ${fmtDuration(f.handshake.rtt)}`;
    this.title.title = `tcp.stream eq ${f.id - 1}${f.vlan.length > 0 ? ` · VLAN ${f.vlan.join(' / ')}` : ''} · the numbers beside the arrows are frame numbers, as in Wireshark's No. column`;
    clear(this.body);
    const svg = parseSvg(detail.svg);
    if (svg) {
      // The contract's test ids, whatever the renderer already set.
      svg.setAttribute('data-testid', 'sequence-diagram');
      svg.setAttribute('data-flow-id', String(f.id));
      for (const m of svg.querySelectorAll('[data-action="every-packet"]')) {
        m.setAttribute('tabindex', '0');
        m.setAttribute('role', 'button');
        m.setAttribute('aria-label', `${m.querySelector('text')?.textContent ?? 'Packets not drawn'}: show every packet`);
        m.classList.add('every-packet');
      }
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
