/**
 * The `synscope correlate` result (JSON schema `synscope-correlate/1`, docs/correlate.md,
 * docs/synscope-correlate.schema.json): two captures of one path — A nearer the clients, B nearer
 * the servers — matched handshake by handshake.
 */

/** One code per pair; docs/correlate.md says when each applies. Order = precedence. */
export const VERDICTS = [
  'outside-a', 'outside-b', 'only-a', 'only-b', 'reset-between', 'syn-lost-between', 'server-silent',
  'synack-lost-between', 'refused', 'ack-lost-between', 'client-silent', 'complete', 'incomplete',
] as const;
export type Verdict = (typeof VERDICTS)[number];

export const MIDDLEBOX_CODES = [
  'nat', 'mss-clamped', 'mss-changed', 'wscale-removed', 'wscale-changed', 'sack-removed', 'timestamps-removed',
  'tfo-removed', 'isn-rewritten', 'syn-proxy', 'hops',
] as const;
export type MiddleboxCode = (typeof MIDDLEBOX_CODES)[number];

export type MatchMethod = 'tuple+isn' | 'isn' | 'timing+ipid' | 'timing';

export interface CaptureSide {
  path: string;
  /** Flows the analysis found, and those with a SYN or SYN-ACK (handshake attempts). */
  flows: number;
  attempts: number;
  /** First and last packet, in this capture's own clock (epoch seconds, 6 decimals). */
  start: string | null;
  end: string | null;
}

export interface ClockEstimate {
  /** B's clock minus A's, seconds; null when no handshake was matched. */
  offset: number | null;
  /** Half the smallest round trip between the points: the offset is exact to within this. */
  uncertainty: number | null;
  /** Change of the offset per second of capture, in parts per million; null unless measurable. */
  driftPpm: number | null;
  /** 'round-trip' (SYN A→B and SYN-ACK B→A, symmetric-path assumption), 'one-way' (SYNs only: includes the delay), 'none'. */
  method: 'round-trip' | 'one-way' | 'none';
  /** Handshakes the estimate used. */
  samples: number;
}

export interface SeenAt {
  /** Packets of this kind seen at this point (retransmissions and copies included). */
  count: number;
  /** The first one, in this capture's own clock (epoch seconds, 6 decimals). */
  time: string | null;
}

export interface PacketKind {
  a: SeenAt;
  b: SeenAt;
  /** Sent past one point and never seen at the other (SYN, ACK: A→B; SYN-ACK: B→A). */
  lost: number;
  /** One-way delay of the first packet between the points, seconds (clock-corrected); null when not measurable. */
  delay: number | null;
}

export interface ResetSeen {
  /** Which end the RST claims to come from, and its TTL / hop limit. */
  from: 'client' | 'server';
  ttl: number;
  time: string;
}

export interface Pair {
  /** 1-based, in time order. */
  id: number;
  /** Flow ids in the analyses of A and B (`synscope analyze`), null when not seen there. */
  a: number | null;
  b: number | null;
  match: MatchMethod | null;
  verdict: Verdict;
  /** The handshake completed at each point (null: not seen there). */
  completeAt: { a: boolean | null; b: boolean | null };
  /** Endpoints as A saw them (as B saw them when A did not), and as B saw them. */
  client: string;
  server: string;
  clientAtB: string | null;
  serverAtB: string | null;
  packets: { syn: PacketKind; synAck: PacketKind; ack: PacketKind; rst: { a: ResetSeen | null; b: ResetSeen | null } };
  /** Hops between A and B: TTL at the sending side's point minus TTL at the other. */
  hops: { toServer: number | null; toClient: number | null };
  /** Middlebox codes that apply to this pair. */
  middleboxes: MiddleboxCode[];
  /** Why the verdict holds, when the numbers alone do not say it (reset-between's TTL evidence). */
  evidence: string | null;
}

export interface Middlebox {
  code: MiddleboxCode;
  message: string;
  /** Pairs it concerns, and the first 1000 of their ids (even those `pairs` does not list). */
  count: number;
  pairs: number[];
  /** The mapping or values this entry is about (NAT: "a → b" per pair, capped at 100). */
  details: Record<string, string | number | string[]>;
}

export interface CorrelateResult {
  schema: 'synscope-correlate/1';
  a: CaptureSide;
  b: CaptureSide;
  /** The captures were given the other way round (B looks nearer the clients); they are correlated as A = the second, B = the first. */
  swapped: boolean;
  clock: ClockEstimate;
  summary: {
    pairs: number;
    matched: number;
    /** Pairs listed in `pairs` (all unless --max-pairs is lower; pairs whose verdict is not complete come first). */
    listed: number;
    verdicts: Partial<Record<Verdict, number>>;
    message: string;
  };
  pairs: Pair[];
  middleboxes: Middlebox[];
}
