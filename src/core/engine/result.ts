/**
 * The analysis result: the JSON contract (`schema: "synscope/1"`) that the CLI prints, the
 * extension shows, and tests and users rely on. Documented in docs/json-output.md with a JSON
 * Schema in docs/synscope.schema.json. Keep names stable; add fields, never rename.
 *
 * Times (`start`, `end`, `time`) are epoch seconds as decimal strings with the file's full
 * precision; RTTs are seconds as numbers; `packet` is the 1-based frame number as in
 * Wireshark; flow ids are 1-based, in order of each flow's first packet.
 */
import type { ServersReport } from '../listeners/types';
import type { CaptureProblem } from '../capture/types';

export type Severity = 'error' | 'warning' | 'info';

export type FindingCode =
  | 'syn-flood'
  | 'half-open'
  | 'incomplete-at-end'
  | 'unanswered-syn'
  | 'syn-retransmission'
  | 'synack-retransmission'
  | 'slow-handshake'
  | 'refused'
  | 'reset-during-handshake'
  | 'simultaneous-open'
  | 'port-reuse'
  | 'options-mismatch'
  | 'capture-damaged'
  | 'server-limit'
  | 'capture-limits'
  | 'connection-churn'
  | 'slow-connect'
  | 'connect-pileup';

export type RoleBasis = 'first-syn' | 'first-syn-ack' | 'well-known-port' | 'first-packet';

/** Zeek conn_state values. */
export type ConnState =
  | 'S0' | 'S1' | 'SF' | 'REJ' | 'S2' | 'S3' | 'RSTO' | 'RSTR' | 'RSTOS0' | 'RSTRH' | 'SH' | 'SHR' | 'OTH';

export interface Endpoint { ip: string; port: number }

export interface PacketRef { packet: number; time: string }

export interface TcpOptionsSeen {
  mss: number | null;
  windowScale: number | null;
  sackPermitted: boolean;
  timestamps: boolean;
  /** 'request' = empty cookie option (asks for a cookie), 'cookie' = carries a cookie. */
  fastOpen: null | 'request' | 'cookie';
}

export interface Handshake {
  complete: boolean;
  syn: PacketRef | null;
  synAck: PacketRef | null;
  ack: PacketRef | null;
  /**
   * Seconds from the most recent SYN before the handshake ACK (`measuredSyn`) to that ACK:
   * Wireshark's tcp.analysis.initial_rtt. A retried SYN's lost attempts are not in it.
   */
  rtt: number | null;
  /** `measuredSyn` → `measuredSynAck`: the path to the server and back plus its accept time. */
  serverRtt: number | null;
  /** `ackedSynAck` → `ack`: the path to the client and back. */
  clientRtt: number | null;
  /** First SYN → handshake ACK: what the application waited, retries included. */
  connectTime: number | null;
  /** The SYN the times are measured from: the last one sent before the handshake ACK (or at all). */
  measuredSyn: PacketRef | null;
  /** The first SYN-ACK after `measuredSyn` (null when none answered it). */
  measuredSynAck: PacketRef | null;
  /** The SYN-ACK the handshake ACK acknowledged: the last one before it. */
  ackedSynAck: PacketRef | null;
}

export interface Flow {
  id: number;
  client: Endpoint;
  server: Endpoint;
  roleBasis: RoleBasis;
  vlan: number[];
  interfaces: number[];
  firstPacket: number;
  lastPacket: number;
  start: string;
  end: string;
  packets: { client: number; server: number };
  payloadBytes: { client: number; server: number };
  /** Request/response exchanges: client payload that follows server payload (or is the first). */
  exchanges: number;
  syn: number;
  synRetransmissions: number;
  synAck: number;
  synAckRetransmissions: number;
  /** Seconds between successive SYNs / SYN-ACKs (the backoff pattern: ~1, 2, 4 …). */
  synIntervals: number[];
  synAckIntervals: number[];
  handshake: Handshake;
  options: { client: TcpOptionsSeen; server: TcpOptionsSeen };
  /** Payload bytes carried by the client's SYN (TFO data), 0 when none. */
  synData: number;
  simultaneousOpen: boolean;
  /** True on the flow that re-opens a 4-tuple already used earlier in the capture. */
  portReuse: boolean;
  reset: null | 'client' | 'server' | 'both';
  fin: { client: boolean; server: boolean };
  state: ConnState;
  history: string;
  /** Wireshark tcp.completeness bitmask: 1 SYN, 2 SYN-ACK, 4 ACK, 8 DATA, 16 FIN, 32 RST. */
  completeness: number;
  findings: number[];
}

export interface Finding {
  id: number;
  code: FindingCode;
  severity: Severity;
  message: string;
  flows: number[];
  /** Frame the finding points at (0 when it concerns the file as a whole). */
  packet: number;
  time: string | null;
  details: Record<string, unknown>;
}

export interface CaptureSummary {
  path: string;
  format: 'pcap' | 'pcapng';
  compressed: boolean;
  linkTypes: number[];
  packets: number;
  start: string | null;
  end: string | null;
  problems: CaptureProblem[];
  /** What the decoder made of the packets (added by the engine; absent in older results). */
  decoded?: { tcp: number; notTcp: number; fragments: number; unknownLinkType: number; malformed: number };
}

export interface Summary {
  flows: number;
  handshakesComplete: number;
  syn: number;
  synRetransmissions: number;
  synAck: number;
  synAckRetransmissions: number;
  refused: number;
  halfOpen: number;
  reset: number;
  findings: Partial<Record<FindingCode, number>>;
}

/** Counts per time bin over the whole capture (bins widen as the capture gets longer). */
export interface Timeline {
  /** Epoch seconds (decimal string) of the first bin's start. */
  start: string;
  binSeconds: number;
  /** Client SYNs (retransmissions included) per bin. */
  syn: number[];
  synAck: number[];
  /** Handshakes completed per bin. */
  completed: number[];
  rst: number[];
}

export type StoryKind = 'connection-storm' | 'hanging-connects' | 'syn-flood';

/** A series for a story's small chart: values per bin from `start`. */
export interface StorySeries {
  label: string;
  unit: string;
  start: string;
  binSeconds: number;
  values: number[];
}

/** One of the three classic handshake stories, told in plain words with its evidence. */
export interface Story {
  kind: StoryKind;
  /** Short headline, e.g. "Connection storm: 10.0.0.5 → 10.0.0.9:443". */
  title: string;
  /** One or two plain sentences saying what happened. */
  sentence: string;
  /** Key numbers, label → value (already rounded for display; numbers keep units in the label). */
  numbers: Record<string, number | string>;
  /** What to do about it. */
  advice: string;
  /** Findings that carry this story (their details hold the full numbers). */
  findings: number[];
  /** Flows behind the story (may be capped; `flowCount` is exact). */
  flows: number[];
  flowCount: number;
  series: StorySeries[];
}

export interface AnalysisResult {
  schema: 'synscope/1';
  capture: CaptureSummary;
  summary: Summary;
  flows: Flow[];
  findings: Finding[];
  timeline: Timeline;
  stories: Story[];
  /** Listener health, only when asked for (CLI --servers, the editor's Servers tab): docs/servers.md. */
  servers?: ServersReport;
}

/**
 * One handshake-relevant packet of a flow, for the sequence diagram (SYN, SYN-ACK, ACK,
 * first data each way, FIN, RST, retransmissions). Bounded per flow by the engine.
 */
export interface FlowEvent {
  packet: number;
  time: string;
  /** Seconds since the flow's first packet. */
  rel: number;
  dir: 'c2s' | 's2c';
  /** TCP flag bits (TCP_* from decode/types). */
  flags: number;
  /** Sequence / acknowledgment numbers relative to each side's ISN (raw when no ISN is known). */
  seq: number;
  ack: number;
  len: number;
  window: number;
  /** Short option summary, e.g. "MSS=1460 WS=7 SACK_PERM TS TFO-req". */
  options: string;
  /** What the engine recognised: 'retransmission', 'handshake-ack', 'first-data', … */
  notes: string[];
  comment?: string;
}
