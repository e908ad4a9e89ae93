/**
 * A small typed request/response channel over any postMessage-like transport (webview ↔ host,
 * host ↔ worker). Notifications are plain messages of the direction's union; requests carry a
 * numeric id and the answer comes back as a `response` with `inReplyTo`, so both ends can keep
 * many requests in flight (the flow table asks for several pages while the user scrolls).
 */

/** A request/result pair per method name, e.g. `{ getFlows: { params: …; result: … } }`. */
export type RequestMap = Record<string, { params: unknown; result: unknown }>;

/** The wire form of a request for one of a map's methods. */
export type RequestMessage<M extends RequestMap> = {
  [K in keyof M & string]: { type: 'request'; requestId: number; method: K; params: M[K]['params'] };
}[keyof M & string];

/** The wire form of an answer: exactly one of `result` / `error`. */
export interface ResponseMessage {
  type: 'response';
  inReplyTo: number;
  result?: unknown;
  error?: string;
}

/** Sends requests of map `Out` and resolves them from `response` messages. */
export class RequestChannel<Out extends RequestMap> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly post: (m: RequestMessage<Out>) => void) {}

  request<K extends keyof Out & string>(method: K, params: Out[K]['params']): Promise<Out[K]['result']> {
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject });
      this.post({ type: 'request', requestId, method, params } as RequestMessage<Out>);
    });
  }

  /** Feeds an incoming message; returns true when it was a response to one of our requests. */
  handleResponse(m: { type: string }): boolean {
    if (m.type !== 'response') return false;
    const r = m as ResponseMessage;
    const p = this.pending.get(r.inReplyTo);
    if (!p) return true;
    this.pending.delete(r.inReplyTo);
    if (r.error !== undefined) p.reject(new Error(r.error));
    else p.resolve(r.result);
    return true;
  }

  /** Rejects everything still waiting (the other end went away). */
  rejectAll(reason: string): void {
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }

  get inFlight(): number {
    return this.pending.size;
  }
}

/** Handlers for every method of a request map. */
export type RequestHandlers<M extends RequestMap> = {
  [K in keyof M & string]: (params: M[K]['params']) => M[K]['result'] | Promise<M[K]['result']>;
};

/**
 * Answers a request with the matching handler. A handler that throws becomes an `error`
 * response, so the requester never waits forever.
 */
export async function answerRequest<M extends RequestMap>(
  m: RequestMessage<M>,
  handlers: RequestHandlers<M>,
  post: (r: ResponseMessage) => void,
): Promise<void> {
  const handler = (handlers as Record<string, ((p: unknown) => unknown) | undefined>)[m.method];
  try {
    if (!handler) throw new Error(`unknown request ${m.method}`);
    post({ type: 'response', inReplyTo: m.requestId, result: await handler(m.params) });
  } catch (e) {
    post({ type: 'response', inReplyTo: m.requestId, error: e instanceof Error ? e.message : String(e) });
  }
}
