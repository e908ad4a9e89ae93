/** A flow's server side as one map key: IPv4 address and port as a number, IPv6 as a string. */
import { addressWord, formatAddress } from '../decode/address';
import type { FlowState } from './flowState';

export function serverKey(f: FlowState, serverSide: number): number | string {
  const a = f.s.addrs;
  const at = f.addrOf(serverSide);
  const port = serverSide === 0 ? f.port0 : f.port1;
  return f.ipVersion === 4
    ? (addressWord(a, at) >>> 0) * 65536 + port
    : `${formatAddress(a, 6, at)}|${port}`;
}
