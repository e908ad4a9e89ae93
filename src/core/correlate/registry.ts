/**
 * One entry per verdict and middlebox code: its one-line title (table legend, SARIF rule, the
 * editor), its SARIF level, and its link into docs/correlate.md.
 */
import type { MiddleboxCode, Verdict } from './types';

export interface CodeInfo {
  title: string;
  level: 'error' | 'warning' | 'note' | 'none';
}

export const VERDICT_INFO: Record<Verdict, CodeInfo> = {
  'outside-a': { title: 'seen at B while A was not capturing', level: 'none' },
  'outside-b': { title: 'seen at A while B was not capturing', level: 'none' },
  'only-a': { title: 'seen at A only; its path does not seem to pass B', level: 'none' },
  'only-b': { title: 'seen at B only; its path does not seem to pass A', level: 'none' },
  'reset-between': { title: 'a RST seen at one point only (sent or lost between A and B)', level: 'error' },
  'syn-lost-between': { title: 'SYN seen at A, never at B', level: 'error' },
  'server-silent': { title: 'SYN reached B, the server never answered', level: 'error' },
  'synack-lost-between': { title: 'SYN-ACK seen at B, never at A', level: 'error' },
  refused: { title: 'the server answered the SYN with a RST, seen at both points', level: 'warning' },
  'ack-lost-between': { title: 'handshake ACK seen at A, never at B', level: 'error' },
  'client-silent': { title: 'SYN-ACK reached A, the client never acknowledged it', level: 'warning' },
  complete: { title: 'handshake complete at both points, nothing lost between', level: 'none' },
  incomplete: { title: 'seen at both points, handshake not complete at one of them (no loss between)', level: 'note' },
};

export const MIDDLEBOX_INFO: Record<MiddleboxCode, CodeInfo> = {
  nat: { title: 'addresses or ports rewritten between A and B (NAT, load balancer)', level: 'note' },
  'mss-clamped': { title: 'MSS lowered between A and B (MSS clamping)', level: 'note' },
  'mss-changed': { title: 'MSS raised, added or removed between A and B', level: 'warning' },
  'wscale-removed': { title: 'window scale option removed between A and B', level: 'warning' },
  'wscale-changed': { title: 'window scale changed between A and B', level: 'warning' },
  'sack-removed': { title: 'SACK-permitted option removed between A and B', level: 'warning' },
  'timestamps-removed': { title: 'timestamps option removed between A and B', level: 'warning' },
  'tfo-removed': { title: 'TCP Fast Open option removed between A and B', level: 'warning' },
  'isn-rewritten': { title: 'initial sequence number differs at A and B', level: 'note' },
  'syn-proxy': { title: 'a SYN proxy between A and B completed the handshake before the server', level: 'note' },
  hops: { title: 'TTL / hop limit lost between A and B (routers between the points)', level: 'none' },
};

export function correlateDocUrl(code: Verdict | MiddleboxCode): string {
  return `https://github.com/synscope/synscope/blob/main/docs/correlate.md#${code}`;
}
