/**
 * The read-only custom editor for captures. One CaptureDocument per file (analysis starts when
 * the document opens), any number of panels on it. Panels talk the HostToWebview /
 * WebviewToHost protocol; flow-table and diagram requests are forwarded to the worker.
 */
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import { answerRequest, type RequestHandlers, type RequestMessage } from '../protocol/messageChannel';
import { PROTOCOL_VERSION, type HostToWebview, type WebviewRequests, type WebviewToHost } from '../protocol/messages';
import { CaptureDocument, type CaptureHost } from './captureDocument';
import type { RunMode } from './workerClient';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { findWireshark } from './wireshark';

export const VIEW_TYPE = 'synscope.captureEditor';

export class CaptureRegistry {
  private readonly docs = new Map<string, CaptureDocument>();
  private active: CaptureDocument | null = null;
  private readonly opening = new Map<string, { mode: RunMode; capture: { stop(): Promise<void> } | null }>();

  /** How the next document opened on `uri` reads it (synscope's capture: followed, with its Stop). */
  openAs(uri: vscode.Uri, mode: RunMode, capture: { stop(): Promise<void> } | null): void {
    this.opening.set(uri.toString(), { mode, capture });
  }
  takeOpenMode(uri: vscode.Uri): { mode: RunMode; capture: { stop(): Promise<void> } | null } | undefined {
    const m = this.opening.get(uri.toString());
    this.opening.delete(uri.toString());
    return m;
  }

  add(doc: CaptureDocument): void {
    this.docs.set(doc.uri.toString(), doc);
  }
  remove(doc: CaptureDocument): void {
    this.docs.delete(doc.uri.toString());
    if (this.active === doc) this.active = null;
  }
  get(uri: vscode.Uri): CaptureDocument | undefined {
    return this.docs.get(uri.toString());
  }
  all(): CaptureDocument[] {
    return [...this.docs.values()];
  }
  setActive(doc: CaptureDocument): void {
    this.active = doc;
  }
  /** The capture the user is looking at, or the only open one. */
  current(): CaptureDocument | undefined {
    if (this.active && this.docs.has(this.active.uri.toString())) return this.active;
    const all = this.all();
    return all.length === 1 ? all[0] : undefined;
  }
}

export class CaptureEditorProvider implements vscode.CustomReadonlyEditorProvider<CaptureDocument> {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly registry: CaptureRegistry,
    private readonly host: CaptureHost & { onDocumentClosed(doc: CaptureDocument): void },
  ) {}

  openCustomDocument(uri: vscode.Uri): CaptureDocument {
    const doc = new CaptureDocument(uri, this.host);
    this.registry.add(doc);
    const open = this.registry.takeOpenMode(uri);
    doc.capture = open?.capture ?? null;
    // A folder (Open Capture Folder…, or restored after a reload) is a set of rotated files, followed.
    const folder = uri.scheme === 'file' && statSync(uri.fsPath, { throwIfNoEntry: false })?.isDirectory() === true;
    doc.analyze(folder ? { follow: true, folder: true } : open?.mode ?? {});
    const dispose = doc.dispose.bind(doc);
    doc.dispose = () => {
      this.registry.remove(doc);
      dispose();
      this.host.onDocumentClosed(doc);
    };
    return doc;
  }

  resolveCustomEditor(doc: CaptureDocument, panel: vscode.WebviewPanel): void {
    const webview = panel.webview;
    webview.options = webviewOptions(this.extensionUri);
    webview.html = webviewHtml(webview, this.extensionUri, doc.fileName);
    doc.panels.add(panel);
    this.registry.setActive(doc);
    // The page keeps its context while hidden (extension.ts), so messages posted meanwhile
    // arrive when it is shown; `ready` comes again only if the page itself reloads.
    // A reveal is replayed until the page acknowledges it: the panel's visibility reaches us
    // asynchronously, so a reveal may be posted into a page that is already being torn down.
    let ready = false;
    let revealAcked = 0;
    const post = (m: HostToWebview): void => {
      if (ready) void webview.postMessage(m);
    };
    const subs: vscode.Disposable[] = [
      doc.onMessage(post),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) this.registry.setActive(doc);
      }),
      webview.onDidReceiveMessage((m: WebviewToHost) => {
        switch (m.type) {
          case 'ready':
            ready = true;
            void webview.postMessage({
              type: 'init', fileName: doc.fileName, timeDisplay: this.host.settings().timeDisplay,
              // The button appears where the command can work: the GUI installed, a local file.
              wireshark: doc.uri.scheme === 'file' && findWireshark() !== null,
            } satisfies HostToWebview);
            for (const s of doc.snapshotMessages()) post(s);
            if (doc.canQuery && doc.lastReveal && doc.lastReveal.seq > revealAcked) {
              const r = doc.lastReveal;
              post({ type: 'revealFlow', flowId: r.flowId, findingId: r.findingId, seq: r.seq });
            }
            if (m.protocolVersion !== PROTOCOL_VERSION) console.warn(`synscope: webview protocol ${m.protocolVersion} ≠ ${PROTOCOL_VERSION}`);
            break;
          case 'revealed':
            revealAcked = Math.max(revealAcked, m.seq);
            break;
          case 'selected':
            doc.selectedFlowId = m.flowId;
            this.registry.setActive(doc);
            break;
          case 'command':
            // Commands act on the current capture: make it this one, then run the palette command.
            this.registry.setActive(doc);
            void vscode.commands.executeCommand(`synscope.${m.command}`, ...(m.flowId !== undefined ? [m.flowId] : []));
            break;
          case 'live':
            void doc.controlLive(m.action);
            break;
          case 'request':
            void answerRequest(m as RequestMessage<WebviewRequests>, this.handlers(doc), (r) => void webview.postMessage(r));
            break;
        }
      }),
    ];
    panel.onDidDispose(() => {
      doc.panels.delete(panel);
      for (const s of subs) s.dispose();
    });
  }

  private handlers(doc: CaptureDocument): RequestHandlers<WebviewRequests> {
    return {
      getFlows: (p) => doc.request('queryFlows', p),
      getServers: (p) => doc.request('servers', p),
      locateFlow: (p) => doc.request('locateFlow', p),
      getFlowDetail: ({ flowId, everyPacket, timeDisplay }) => {
        if (timeDisplay) doc.timeDisplay = timeDisplay;
        return doc.request('flowDetail', { flowId, timeDisplay: timeDisplay ?? this.host.settings().timeDisplay, everyPacket });
      },
    };
  }
}
