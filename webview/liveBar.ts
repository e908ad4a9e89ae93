/**
 * The "Live" indicator of a followed capture: packets per second, how far the analysis is behind
 * the writer, what happened to the file (rotated, truncated), and Pause/Resume and Stop. The
 * words are built by `liveText` (format.ts: no DOM, unit-tested).
 */
import type { LiveInfo } from '../src/protocol/messages';
import { h } from './dom';
import { liveText } from './format';

export class LiveBar {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly pause: HTMLElement;
  private readonly stop: HTMLElement;
  private paused = false;

  constructor(act: (action: 'pause' | 'resume' | 'stop') => void) {
    this.text = h('span', { class: 'live-text', 'data-testid': 'live-text' });
    this.notice = h('span', { class: 'live-notice', 'data-testid': 'live-notice' });
    this.pause = h('vscode-button', { secondary: true, 'data-testid': 'live-pause', title: 'Stop reading for now (the file keeps growing); Resume catches up' }, 'Pause');
    this.pause.addEventListener('click', () => act(this.paused ? 'resume' : 'pause'));
    this.stop = h('vscode-button', { secondary: true, 'data-testid': 'live-stop' }, 'Stop');
    this.stop.addEventListener('click', () => act('stop'));
    this.element = h('span', { class: 'live', 'data-testid': 'live', role: 'status' },
      h('span', { class: 'live-dot', 'aria-hidden': 'true' }), this.text, this.notice, this.pause, this.stop);
    this.element.hidden = true;
  }

  show(info: LiveInfo): void {
    this.paused = info.paused;
    this.element.hidden = false;
    this.element.classList.toggle('paused', info.paused);
    this.text.textContent = liveText(info);
    this.notice.textContent = info.notice ?? '';
    this.notice.hidden = !info.notice;
    this.pause.textContent = info.paused ? 'Resume' : 'Pause';
    this.stop.textContent = info.capturing ? 'Stop capture' : 'Stop following';
    this.stop.title = info.capturing
      ? 'End the capture (tcpdump): the file stays a normal pcap and the analysis finishes'
      : 'Stop following the file: read what is written and finish the analysis';
  }

  hide(): void {
    this.element.hidden = true;
  }
}
