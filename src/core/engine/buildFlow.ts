/** Turns a flow's mutable state into the JSON contract's Flow and FlowEvents. */
import { formatAddress } from '../decode/address';
import { completenessOf, type FlowState } from './flowState';
import type { Flow, FlowEvent, TcpOptionsSeen } from './result';
import { decideRoles } from './roles';
import { diffSeconds, formatPoint, pointDiff, type TimePoint } from './time';

const NO_OPTIONS: TcpOptionsSeen = { mss: null, windowScale: null, sackPermitted: false, timestamps: false, fastOpen: null };

function ref(t: TimePoint | null): { packet: number; time: string } | null {
  return t ? { packet: t.packet, time: formatPoint(t) } : null;
}

export function buildFlow(f: FlowState): Flow {
  const { client: c, basis } = decideRoles(f);
  const s = 1 - c;
  const addr = (side: number): string => formatAddress(side === 0 ? f.addr0 : f.addr1, f.ipVersion);
  const port = (side: number): number => (side === 0 ? f.port0 : f.port1);
  const syn = f.firstSynSide === c ? f.firstSyn : null;
  const synAck = f.firstSynAckSide === s ? f.firstSynAck : null;
  const ack = f.hsAck;
  const simultaneousOpen = f.syn[0] > 0 && f.syn[1] > 0;
  const complete = ack !== null || (simultaneousOpen && f.synAckEachWay[0] && f.synAckEachWay[1]);
  const reset = f.rst[c] && f.rst[s] ? 'both' : f.rst[c] ? 'client' : f.rst[s] ? 'server' : null;
  return {
    id: f.id,
    client: { ip: addr(c), port: port(c) },
    server: { ip: addr(s), port: port(s) },
    roleBasis: basis,
    vlan: f.vlan.slice(),
    interfaces: f.interfaces.slice().sort((a, b) => a - b),
    firstPacket: f.firstPacket,
    lastPacket: f.lastPacket,
    start: formatPoint(f.first),
    end: formatPoint({ sec: f.lastSec, frac: f.lastFrac, ups: f.lastUps }),
    packets: { client: f.packets[c], server: f.packets[s] },
    payloadBytes: { client: f.payload[c], server: f.payload[s] },
    exchanges: f.turns[c],
    syn: f.syn[c],
    synRetransmissions: f.synRetx[c],
    synAck: f.synAck[s],
    synAckRetransmissions: f.synAckRetx[s],
    synIntervals: f.synIntervals[c].slice(),
    synAckIntervals: f.synAckIntervals[s].slice(),
    handshake: {
      complete,
      syn: ref(syn),
      synAck: ref(synAck),
      ack: ref(ack),
      rtt: syn && ack ? pointDiff(ack, syn) : null,
      serverRtt: syn && synAck ? pointDiff(synAck, syn) : null,
      clientRtt: synAck && ack ? pointDiff(ack, synAck) : null,
    },
    options: { client: f.options[c] ?? NO_OPTIONS, server: f.options[s] ?? NO_OPTIONS },
    synData: f.synData[c],
    simultaneousOpen,
    portReuse: f.portReuse,
    reset,
    fin: { client: f.fin[c], server: f.fin[s] },
    state: f.zeek.connState(),
    history: f.zeek.history,
    completeness: completenessOf(f),
    findings: [],
  };
}

export function buildEvents(f: FlowState): FlowEvent[] {
  const { client: c } = decideRoles(f);
  return f.events.map((e) => {
    const ev: FlowEvent = {
      packet: e.packet,
      time: formatPoint(e),
      rel: diffSeconds(e.sec, e.ns, f.first.sec, f.first.ns),
      dir: e.side === c ? 'c2s' : 's2c',
      flags: e.flags,
      seq: e.seq,
      ack: e.ack,
      len: e.len,
      window: e.window,
      options: e.options,
      notes: e.notes.slice(),
    };
    if (e.comment !== undefined) ev.comment = e.comment;
    return ev;
  });
}
