/** The webview side of the protocol: typed postMessage, requests, and persisted view state. */
import type { RequestMap } from '../src/protocol/messageChannel';
import type { HostToWebview, ViewState, WebviewRequests, WebviewToHost } from '../src/protocol/messages';

interface VsCodeApi {
  postMessage(m: unknown): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function send(m: WebviewToHost): void {
  api.postMessage(m);
}

let nextId = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

/** Same wire format as RequestChannel (src/protocol/messageChannel.ts), which the webview imports only as types. */
export function request<K extends keyof WebviewRequests & string>(method: K, params: WebviewRequests[K]['params']): Promise<WebviewRequests[K]['result']> {
  const requestId = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject });
    send({ type: 'request', requestId, method, params } as WebviewToHost);
  });
}

/** Resolves a pending request; returns false for other messages. */
export function handleResponse(m: HostToWebview): boolean {
  if (m.type !== 'response') return false;
  const p = pending.get(m.inReplyTo);
  if (p) {
    pending.delete(m.inReplyTo);
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.result);
  }
  return true;
}

export function loadState(): ViewState | null {
  const s = api.getState() as ViewState | undefined;
  return s && typeof s === 'object' && s.query ? s : null;
}

export function saveState(s: ViewState): void {
  api.setState(s);
}

export type { RequestMap };
