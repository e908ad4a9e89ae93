/**
 * Who is client and who is server. Same order of evidence as the tshark truth in
 * ../shared/captures (first pure SYN, else the receiver of the first SYN-ACK), then, where
 * tshark would only guess from the first packet, the port numbers.
 */
import type { RoleBasis } from './result';
import type { FlowState } from './flowState';

/** Registered ports (≥ 1024) that are almost always the server side. */
const REGISTERED_SERVER_PORTS = new Set<number>([
  1080, 1194, 1433, 1521, 1723, 1883, 2049, 2181, 2375, 2376, 3000, 3128, 3268, 3306, 3389, 4222, 5000,
  5060, 5061, 5222, 5269, 5432, 5601, 5672, 5900, 5984, 6379, 6443, 6633, 6653, 6666, 6667, 6668, 6669,
  7000, 7001, 8000, 8008, 8080, 8081, 8086, 8443, 8888, 9000, 9042, 9090, 9092, 9200, 9300, 9418,
  11211, 15672, 25565, 27017,
]);

/** Side (0/1) whose port marks it as the server, or −1 when the ports do not tell. */
export function serverSideByPort(port0: number, port1: number): number {
  if (port0 === port1) return -1;
  const low0 = port0 < 1024;
  const low1 = port1 < 1024;
  if (low0 !== low1) return low0 ? 0 : 1;
  if (low0 && low1) return port0 < port1 ? 0 : 1;
  const reg0 = REGISTERED_SERVER_PORTS.has(port0);
  const reg1 = REGISTERED_SERVER_PORTS.has(port1);
  if (reg0 !== reg1) return reg0 ? 0 : 1;
  // One ephemeral (IANA 49152+) and one not: the lower one listens.
  const eph0 = port0 >= 49152;
  const eph1 = port1 >= 49152;
  if (eph0 !== eph1) return eph0 ? 1 : 0;
  return -1;
}

/** The bases in order of evidence; a basis is stored by its index here (../store/rowLayout.ts). */
export const BASES: readonly RoleBasis[] = ['first-syn', 'first-syn-ack', 'well-known-port', 'first-packet'];

/**
 * The one place the evidence is weighed: basis index × 2 + the client's side, a small integer,
 * so the per-flow path (clientSideOf) allocates nothing.
 */
function roleOf(f: FlowState): number {
  if (f.firstSynSide >= 0) return f.firstSynSide;
  if (f.firstSynAckSide >= 0) return 2 + 1 - f.firstSynAckSide;
  const server = serverSideByPort(f.port0, f.port1);
  if (server >= 0) return 4 + 1 - server;
  return 6;
}

/** The client's side (0/1). */
export function clientSideOf(f: FlowState): number {
  return roleOf(f) & 1;
}

/** The index in BASES of the basis decideRoles gives, without making its object (every stored flow). */
export function roleBasisIndex(f: FlowState): number {
  return roleOf(f) >> 1;
}

export function decideRoles(f: FlowState): { client: number; basis: RoleBasis } {
  const r = roleOf(f);
  return { client: r & 1, basis: BASES[r >> 1] };
}
