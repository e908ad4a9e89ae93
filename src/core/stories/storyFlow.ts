/**
 * What the stories read of a flow: the few Flow fields they decide on, with its times as
 * nanoseconds on the story clock. The engine's store reads these from its columns (one reused
 * view, store/glance.ts), so telling the stories of a million flows builds no Flow and formats
 * no timestamp; a list of Flows (tests, the editor) is read through the same interface here.
 * Only the flows a story names as evidence are built, through FlowSource.get.
 */
import type { Flow } from '../engine/result';
import type { Clock } from './clock';

export interface StoryFlow {
  readonly id: number;
  /** client.ip, client.port, server.ip, server.port: scalars, so that reading a flow makes no Endpoint. */
  readonly clientIp: string;
  readonly clientPort: number;
  readonly serverIp: string;
  readonly serverPort: number;
  /**
   * The server's address as its source's key (FlowSource.keyOf): equal keys, equal serverIp. A
   * stored IPv4 address is its number, compared without making its string.
   */
  readonly serverKey: number | string;
  readonly exchanges: number;
  readonly syn: number;
  readonly synRetransmissions: number;
  readonly synAck: number;
  /** payloadBytes.client. */
  readonly clientPayload: number;
  readonly synIntervals: readonly number[];
  /** handshake.complete. */
  readonly complete: boolean;
  /** handshake.rtt. */
  readonly rtt: number | null;
  /** handshake.syn !== null: the client's SYN is in the capture. */
  readonly hasSyn: boolean;
  readonly simultaneousOpen: boolean;
  readonly reset: Flow['reset'];
  readonly fin: Flow['fin'];
  /** clock.ns(start), clock.ns(end). */
  startNs(clock: Clock): number;
  endNs(clock: Clock): number;
  /** When the connect started as collectConnects times it (its first packet or its SYN, the earlier). */
  connectNs(clock: Clock): number;
  /** clock.ns of handshake.synAck / handshake.ack's time; NaN when there is none. */
  synAckNs(clock: Clock): number;
  ackNs(clock: Clock): number;
}

/**
 * The flows stories are told from: every flow of the capture when the engine has them (its
 * store reads each from its columns), else the result's listed flows.
 */
export interface FlowSource {
  readonly size: number;
  /**
   * Each flow in id order; with `keep`, only those it keeps. The StoryFlow may be one object
   * reused for every flow: valid during the call only (copy what is kept).
   */
  forEach(fn: (f: StoryFlow) => void, keep?: FlowFilter): void;
  /** `ip` as this source's flows have it in serverKey (matching none when no flow can have it). */
  keyOf(ip: string): number | string;
  /** The whole Flow, for the few a story names (built on request by the store). */
  get(id: number): Flow | undefined;
  /** Which part of the capture these flows are, when not all of it (a story's `told from`). */
  readonly toldFrom?: string;
}

export type FlowFilter = (f: StoryFlow) => boolean;

export function connectStartNs(clock: Clock, start: string, synTime: string | null): number {
  return synTime === null || synTime === start ? clock.ns(start) : Math.min(clock.ns(start), clock.ns(synTime));
}

/** A Flow read as a StoryFlow, its times parsed from its strings. */
class FlowAsStory implements StoryFlow {
  f!: Flow;
  get id(): number { return this.f.id; }
  get clientIp(): string { return this.f.client.ip; }
  get clientPort(): number { return this.f.client.port; }
  get serverIp(): string { return this.f.server.ip; }
  get serverPort(): number { return this.f.server.port; }
  get serverKey(): string { return this.f.server.ip; }
  get exchanges(): number { return this.f.exchanges; }
  get syn(): number { return this.f.syn; }
  get synRetransmissions(): number { return this.f.synRetransmissions; }
  get synAck(): number { return this.f.synAck; }
  get clientPayload(): number { return this.f.payloadBytes.client; }
  get synIntervals(): readonly number[] { return this.f.synIntervals; }
  get complete(): boolean { return this.f.handshake.complete; }
  get rtt(): number | null { return this.f.handshake.rtt; }
  get hasSyn(): boolean { return this.f.handshake.syn !== null; }
  get simultaneousOpen(): boolean { return this.f.simultaneousOpen; }
  get reset(): Flow['reset'] { return this.f.reset; }
  get fin(): Flow['fin'] { return this.f.fin; }
  startNs(clock: Clock): number { return clock.ns(this.f.start); }
  endNs(clock: Clock): number { return clock.ns(this.f.end); }
  connectNs(clock: Clock): number { return connectStartNs(clock, this.f.start, this.f.handshake.syn?.time ?? null); }
  synAckNs(clock: Clock): number { return clock.ns(this.f.handshake.synAck?.time); }
  ackNs(clock: Clock): number { return clock.ns(this.f.handshake.ack?.time); }
}

export function listedFlows(flows: readonly Flow[]): FlowSource {
  let byId: Map<number, Flow> | null = null;
  return {
    size: flows.length,
    forEach: (fn, keep) => {
      const view = new FlowAsStory();
      for (const f of flows) {
        view.f = f;
        if (!keep || keep(view)) fn(view);
      }
    },
    keyOf: (ip) => ip,
    get: (id) => (byId ??= new Map(flows.map((f) => [f.id, f]))).get(id),
  };
}
