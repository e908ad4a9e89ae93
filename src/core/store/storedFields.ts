/**
 * FlowFields read from the store's columns: the flow table sorts and filters a million stored
 * flows without building a Flow for any of them. Each value is the one flow(id) would give
 * (flowFields.ts flowNumber says which; a test compares both on every sample).
 */
import type { ConnState, Endpoint } from '../engine/result';
import type { FilterView, FlowFields, NumericField } from './flowFields';
import { timeValue } from './flowFields';
import type { FlowStore } from './flowStore';
import { C, newReadPoint, type ReadPoint } from './rowLayout';
import { formatPoint } from '../engine/time';

/**
 * timeValue(formatPoint(p)) — the Flow's Number(start) — without the string for microsecond
 * points: sec·10^6 + frac is an exact integer there, so dividing it rounds once, to the double
 * Number() reads from the printed decimal.
 */
export function pointSeconds(p: ReadPoint): number {
  if (p.ups === 1e6 && p.sec >= 0 && p.sec < 2 ** 32 && Number.isInteger(p.frac) && p.frac >= 0 && p.frac < 1e6) return (p.sec * 1e6 + p.frac) / 1e6;
  return timeValue(formatPoint(p));
}

const NO_FINDINGS: readonly number[] = Object.freeze([]);

/** Flows by position i (flow id i + 1), as storedFlowList lists them. */
export class StoredFields implements FlowFields {
  private readonly view: ReusedView;

  constructor(readonly store: FlowStore, readonly findingsOf: Map<number, number[]>) {
    this.view = new ReusedView(store);
  }

  private readonly first = newReadPoint();
  private readonly last = newReadPoint();

  private row(i: number): number {
    return this.store.rowOfId(i + 1);
  }

  number(i: number, field: NumericField): number {
    const s = this.store;
    const row = this.row(i);
    const v = ((): number | null => {
      switch (field) {
        case 'syn': return s.value(C.syn, row);
        case 'synAck': return s.value(C.synAck, row);
        case 'rtt': case 'serverRtt': case 'clientRtt': return s.handshakeSpan(row, field);
        case 'start': return pointSeconds(s.firstPoint(row, this.first));
        case 'duration': {
          const first = s.firstPoint(row, this.first);
          const last = s.lastPoint(row, this.last);
          return last.packet === first.packet ? 0 : pointSeconds(last) - pointSeconds(first);
        }
        case 'packetsClient': return s.value(C.packets.client, row);
        case 'packetsServer': return s.value(C.packets.server, row);
        case 'bytesClient': return s.value(C.payload.client, row);
        case 'bytesServer': return s.value(C.payload.server, row);
        case 'mss': return s.shapeOf(row).options.client.mss;
        case 'windowScale': return s.shapeOf(row).options.client.windowScale;
        case 'vlan': return s.shapeOf(row).vlan[0] ?? null;
        case 'interface': return s.shapeOf(row).interfaces[0] ?? null;
        case 'synAckRetransmissions': return s.value(C.synAckRetx, row);
        case 'synData': return s.value(C.synData, row);
      }
    })();
    return v === null ? NaN : v;
  }

  state(i: number): ConnState {
    return this.store.shapeOf(this.row(i)).state;
  }

  history(i: number): string {
    return this.store.shapeOf(this.row(i)).history;
  }

  endpointNumber(i: number, side: 'client' | 'server'): number {
    const row = this.row(i);
    return this.store.isV6(row) ? NaN : this.store.value(C.addr[side], row) * 65536 + this.store.value(C.port[side], row);
  }

  endpoint(i: number, side: 'client' | 'server'): Endpoint {
    const row = this.row(i);
    return { ip: this.store.addressOf(row, side), port: this.store.value(C.port[side], row) };
  }

  findings(i: number): readonly number[] {
    return this.findingsOf.get(i + 1) ?? NO_FINDINGS;
  }

  hasSyn(i: number): boolean {
    return this.store.hasSyn(this.row(i));
  }

  clientFastOpen(i: number): boolean {
    return this.store.shapeOf(this.row(i)).options.client.fastOpen !== null;
  }

  filterable(i: number): FilterView {
    this.view.at(i, this.row(i));
    return this.view;
  }
}

/** One reused FilterView: each field read from the columns when a predicate asks for it. */
class ReusedView implements FilterView {
  private i = 0;
  private r = 0;
  private readonly hs = { complete: false };
  constructor(private readonly store: FlowStore) {
    this.clientView = new EndpointView(store, 'client');
    this.serverView = new EndpointView(store, 'server');
  }

  at(i: number, row: number): void {
    this.i = i;
    this.r = row;
  }
  get id(): number { return this.i + 1; }
  get client(): Endpoint { return this.clientView.at(this.r); }
  get server(): Endpoint { return this.serverView.at(this.r); }
  private readonly clientView: EndpointView;
  private readonly serverView: EndpointView;
  get vlan(): readonly number[] { return this.store.shapeOf(this.r).vlan; }
  get interfaces(): readonly number[] { return this.store.shapeOf(this.r).interfaces; }
  get state(): ConnState { return this.store.shapeOf(this.r).state; }
  get handshake(): { complete: boolean } {
    this.hs.complete = this.store.completeOf(this.r);
    return this.hs;
  }
}

/** One side's endpoint of the current row: the address is formatted only if a predicate reads it. */
class EndpointView implements Endpoint {
  private r = 0;
  constructor(private readonly store: FlowStore, private readonly side: 'client' | 'server') {}
  at(row: number): this {
    this.r = row;
    return this;
  }
  get ip(): string { return this.store.addressOf(this.r, this.side); }
  get port(): number { return this.store.value(C.port[this.side], this.r); }
}
