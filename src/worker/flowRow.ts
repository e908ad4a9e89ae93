/**
 * A Flow as one table row. Separate from the index that pages rows, so any flow store can build
 * the same rows (the numbers the table sorts by are core/store/flowFields.ts's).
 */
import type { Finding, FindingCode, Flow, Severity } from '../core/engine/result';
import { formatEndpoint, type FlowRow } from '../protocol/flowTable';
import { secondsBetween } from '../render/format';

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** `previous`: the flow before `f` in capture order, for the table's delta times. */
export function flowRow(f: Flow, findings: readonly Finding[], previous?: Flow): FlowRow {
  const codes: FindingCode[] = [];
  let worst: Severity | null = null;
  for (const fd of findings) {
    if (!codes.includes(fd.code)) codes.push(fd.code);
    if (worst === null || SEVERITY_RANK[fd.severity] > SEVERITY_RANK[worst]) worst = fd.severity;
  }
  const c = f.options.client;
  const s = f.options.server;
  return {
    id: f.id,
    client: formatEndpoint(f.client.ip, f.client.port),
    server: formatEndpoint(f.server.ip, f.server.port),
    state: f.state,
    history: f.history,
    syn: f.syn,
    synAck: f.synAck,
    rtt: f.handshake.rtt,
    serverRtt: f.handshake.serverRtt,
    clientRtt: f.handshake.clientRtt,
    findings: codes,
    severity: worst,
    start: f.start,
    previousStart: previous ? previous.start : null,
    // Flow ids count flows in order of first packet from 1, splitting a re-opened 4-tuple as
    // Wireshark does; tcp.stream counts the same from 0 (checked against tshark on the samples).
    stream: f.id - 1,
    handshakeComplete: f.handshake.complete,
    duration: Math.max(0, secondsBetween(f.start, f.end) ?? 0),
    packets: { client: f.packets.client, server: f.packets.server },
    bytes: { client: f.payloadBytes.client, server: f.payloadBytes.server },
    mss: { client: c.mss, server: s.mss },
    windowScale: { client: c.windowScale, server: s.windowScale },
    sack: { client: c.sackPermitted, server: s.sackPermitted },
    vlan: f.vlan,
    interfaces: f.interfaces,
  };
}
