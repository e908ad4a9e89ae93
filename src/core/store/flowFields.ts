/**
 * The few values of a flow that the flow table sorts and filters by, read by position without
 * building the Flow: the store reads them from its columns (storedFields.ts), so sorting a
 * million flows builds no Flow object; a plain list of Flows reads them from each Flow.
 */
import type { ConnState, Endpoint, Flow } from '../engine/result';
import type { FlowList } from './flowList';

/** The numbers the table sorts by; NaN where a flow has none (not measured: sorts last). */
export type NumericField =
  | 'syn' | 'synAck' | 'rtt' | 'serverRtt' | 'clientRtt' | 'start' | 'duration'
  | 'packetsClient' | 'packetsServer' | 'bytesClient' | 'bytesServer' | 'mss' | 'windowScale' | 'vlan' | 'interface'
  | 'synAckRetransmissions' | 'synData';

/** What a filter predicate reads of a flow (src/protocol/filterQuery.ts FilterableFlow). */
export interface FilterView {
  readonly id: number;
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly vlan: readonly number[];
  readonly interfaces: readonly number[];
  readonly state: ConnState;
  readonly handshake: { readonly complete: boolean };
}

export interface FlowFields {
  number(i: number, field: NumericField): number;
  state(i: number): ConnState;
  history(i: number): string;
  /** IPv4 address × 65536 + port (numeric address order); NaN for IPv6 (see `endpoint`). */
  endpointNumber(i: number, side: 'client' | 'server'): number;
  endpoint(i: number, side: 'client' | 'server'): Endpoint;
  /** Ids of the findings naming the flow. */
  findings(i: number): readonly number[];
  /** The flow as a filter reads it: one reused view, valid until the next call. */
  filterable(i: number): FilterView;
  /** Whether the client's SYN is in the capture (Flow.handshake.syn). */
  hasSyn(i: number): boolean;
  /** Whether the client's SYN asked for or carried a Fast Open cookie. */
  clientFastOpen(i: number): boolean;
}

/** Epoch seconds of a printed time (ordering needs no nanoseconds). */
export function timeValue(t: string): number {
  return Number(t);
}

/** A Flow's value for a numeric field: the definition the store's columns reproduce. */
export function flowNumber(f: Flow, field: NumericField): number {
  const v = ((): number | null => {
    switch (field) {
      case 'syn': return f.syn;
      case 'synAck': return f.synAck;
      case 'rtt': return f.handshake.rtt;
      case 'serverRtt': return f.handshake.serverRtt;
      case 'clientRtt': return f.handshake.clientRtt;
      case 'start': return timeValue(f.start);
      // A float difference is exact enough for ordering, and a million times cheaper than BigInt.
      case 'duration': return timeValue(f.end) - timeValue(f.start);
      case 'packetsClient': return f.packets.client;
      case 'packetsServer': return f.packets.server;
      case 'bytesClient': return f.payloadBytes.client;
      case 'bytesServer': return f.payloadBytes.server;
      case 'mss': return f.options.client.mss;
      case 'windowScale': return f.options.client.windowScale;
      case 'vlan': return f.vlan.length > 0 ? f.vlan[0]! : null;
      case 'interface': return f.interfaces.length > 0 ? f.interfaces[0]! : null;
      case 'synAckRetransmissions': return f.synAckRetransmissions;
      case 'synData': return f.synData;
    }
  })();
  return v === null ? NaN : v;
}

const IPV4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/;

/** IPv4 "a.b.c.d" and a port as one number in address order; NaN for anything else. */
export function ipv4EndpointNumber(ip: string, port: number): number {
  const m = IPV4.exec(ip);
  return m ? ((+m[1]! * 256 + +m[2]!) * 256 + +m[3]!) * 256 * 65536 + +m[4]! * 65536 + port : NaN;
}

/** The fields of a list of Flows (each built by the list when asked). */
export function listFields(list: FlowList): FlowFields {
  return {
    number: (i, field) => flowNumber(list.at(i)!, field),
    state: (i) => list.at(i)!.state,
    history: (i) => list.at(i)!.history,
    endpointNumber: (i, side) => {
      const ep = list.at(i)![side];
      return ipv4EndpointNumber(ep.ip, ep.port);
    },
    endpoint: (i, side) => list.at(i)![side],
    findings: (i) => list.at(i)!.findings,
    filterable: (i) => list.at(i)!,
    hasSyn: (i) => list.at(i)!.handshake.syn !== null,
    clientFastOpen: (i) => list.at(i)!.options.client.fastOpen !== null,
  };
}

/** The list's own fields when it has them (the store's list does), else read from its Flows. */
export function fieldsOf(list: FlowList): FlowFields {
  return (list as { fields?: FlowFields }).fields ?? listFields(list);
}
