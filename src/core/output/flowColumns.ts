/**
 * The flow table's columns (`synscope-flows/1`), declared once: the Parquet writer derives its
 * schema and values from this list, docs/parquet-output.md lists the same columns (a test keeps
 * them in step). Every field of the JSON contract's flow is here, flattened: a column is named
 * after its JSON path in snake_case (`handshake.serverRtt` → `handshake_server_rtt`), so a
 * column can always be traced back to docs/json-output.md.
 */
import type { Flow, PacketRef, TcpOptionsSeen } from '../engine/result';

/**
 * `epoch` is an epoch string of the contract, written as a string, exactly; `timestamp` holds
 * the same string written as TIMESTAMP(MICROS, UTC) for SQL (`date_trunc('hour', start_ts)`).
 */
export type ColumnKind = 'string' | 'epoch' | 'int32' | 'int64' | 'double' | 'bool' | 'timestamp' | 'int32[]' | 'int64[]' | 'double[]' | 'string[]';

/** What a row needs besides its flow: the capture it came from and the findings' codes. */
export interface RowContext {
  capturePath: string;
  captureStart: string | null;
  captureEnd: string | null;
  codeOf(findingId: number): string;
}

export interface FlowColumn {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
  /** Where the value comes from, in the JSON contract's words (for the docs). */
  source: string;
  get(f: Flow, c: RowContext): unknown;
}

const col = (name: string, kind: ColumnKind, source: string, get: FlowColumn['get'], nullable = false): FlowColumn =>
  ({ name, kind, nullable, source, get });

/** `handshake.<key>` as two columns: its frame number and its exact time (both null when absent). */
function packetRef(key: string, snake: string, pick: (f: Flow) => PacketRef | null): FlowColumn[] {
  return [
    col(`handshake_${snake}_packet`, 'int64', `handshake.${key}.packet`, (f) => pick(f)?.packet ?? null, true),
    col(`handshake_${snake}_time`, 'epoch', `handshake.${key}.time`, (f) => pick(f)?.time ?? null, true),
  ];
}

function options(side: 'client' | 'server'): FlowColumn[] {
  const o = (f: Flow): TcpOptionsSeen => f.options[side];
  return [
    col(`options_${side}_mss`, 'int32', `options.${side}.mss`, (f) => o(f).mss, true),
    col(`options_${side}_window_scale`, 'int32', `options.${side}.windowScale`, (f) => o(f).windowScale, true),
    col(`options_${side}_sack_permitted`, 'bool', `options.${side}.sackPermitted`, (f) => o(f).sackPermitted),
    col(`options_${side}_timestamps`, 'bool', `options.${side}.timestamps`, (f) => o(f).timestamps),
    col(`options_${side}_fast_open`, 'string', `options.${side}.fastOpen`, (f) => o(f).fastOpen, true),
  ];
}

export const FLOW_COLUMNS: readonly FlowColumn[] = [
  col('capture_path', 'string', 'capture.path', (_f, c) => c.capturePath),
  col('capture_start', 'epoch', 'capture.start', (_f, c) => c.captureStart, true),
  col('capture_end', 'epoch', 'capture.end', (_f, c) => c.captureEnd, true),
  col('capture_start_ts', 'timestamp', 'capture.start', (_f, c) => c.captureStart, true),
  col('capture_end_ts', 'timestamp', 'capture.end', (_f, c) => c.captureEnd, true),
  col('id', 'int64', 'id', (f) => f.id),
  col('client_ip', 'string', 'client.ip', (f) => f.client.ip),
  col('client_port', 'int32', 'client.port', (f) => f.client.port),
  col('server_ip', 'string', 'server.ip', (f) => f.server.ip),
  col('server_port', 'int32', 'server.port', (f) => f.server.port),
  col('role_basis', 'string', 'roleBasis', (f) => f.roleBasis),
  col('vlan', 'int32[]', 'vlan', (f) => f.vlan),
  col('interfaces', 'int32[]', 'interfaces', (f) => f.interfaces),
  col('first_packet', 'int64', 'firstPacket', (f) => f.firstPacket),
  col('last_packet', 'int64', 'lastPacket', (f) => f.lastPacket),
  col('start', 'epoch', 'start', (f) => f.start),
  col('end', 'epoch', 'end', (f) => f.end),
  col('start_ts', 'timestamp', 'start', (f) => f.start),
  col('end_ts', 'timestamp', 'end', (f) => f.end),
  col('packets_client', 'int64', 'packets.client', (f) => f.packets.client),
  col('packets_server', 'int64', 'packets.server', (f) => f.packets.server),
  col('payload_bytes_client', 'int64', 'payloadBytes.client', (f) => f.payloadBytes.client),
  col('payload_bytes_server', 'int64', 'payloadBytes.server', (f) => f.payloadBytes.server),
  col('exchanges', 'int64', 'exchanges', (f) => f.exchanges),
  col('syn', 'int32', 'syn', (f) => f.syn),
  col('syn_retransmissions', 'int32', 'synRetransmissions', (f) => f.synRetransmissions),
  col('syn_ack', 'int32', 'synAck', (f) => f.synAck),
  col('syn_ack_retransmissions', 'int32', 'synAckRetransmissions', (f) => f.synAckRetransmissions),
  col('syn_intervals', 'double[]', 'synIntervals', (f) => f.synIntervals),
  col('syn_ack_intervals', 'double[]', 'synAckIntervals', (f) => f.synAckIntervals),
  col('handshake_complete', 'bool', 'handshake.complete', (f) => f.handshake.complete),
  ...packetRef('syn', 'syn', (f) => f.handshake.syn),
  ...packetRef('synAck', 'syn_ack', (f) => f.handshake.synAck),
  ...packetRef('ack', 'ack', (f) => f.handshake.ack),
  col('handshake_rtt', 'double', 'handshake.rtt', (f) => f.handshake.rtt, true),
  col('handshake_server_rtt', 'double', 'handshake.serverRtt', (f) => f.handshake.serverRtt, true),
  col('handshake_client_rtt', 'double', 'handshake.clientRtt', (f) => f.handshake.clientRtt, true),
  col('handshake_connect_time', 'double', 'handshake.connectTime', (f) => f.handshake.connectTime, true),
  ...packetRef('measuredSyn', 'measured_syn', (f) => f.handshake.measuredSyn),
  ...packetRef('measuredSynAck', 'measured_syn_ack', (f) => f.handshake.measuredSynAck),
  ...packetRef('ackedSynAck', 'acked_syn_ack', (f) => f.handshake.ackedSynAck),
  ...options('client'),
  ...options('server'),
  col('syn_data', 'int64', 'synData', (f) => f.synData),
  col('simultaneous_open', 'bool', 'simultaneousOpen', (f) => f.simultaneousOpen),
  col('port_reuse', 'bool', 'portReuse', (f) => f.portReuse),
  col('reset', 'string', 'reset', (f) => f.reset, true),
  col('fin_client', 'bool', 'fin.client', (f) => f.fin.client),
  col('fin_server', 'bool', 'fin.server', (f) => f.fin.server),
  col('state', 'string', 'state', (f) => f.state),
  col('history', 'string', 'history', (f) => f.history),
  col('completeness', 'int32', 'completeness', (f) => f.completeness),
  col('findings', 'int64[]', 'findings', (f) => f.findings),
  col('finding_codes', 'string[]', 'findings → code', (f, c) => f.findings.map((id) => c.codeOf(id))),
];
