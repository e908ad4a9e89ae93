/**
 * What several captures add up to (`synscope-multi/1`'s `combined`, docs/fleet.md): counts
 * summed, the earliest start and latest end, findings per severity, and every capture that
 * could not be read whole, with its path and byte offset.
 */
import type { Severity, Summary } from '../core/engine/result';
import { printable } from '../core/output/printable';
import type { Outcome } from './report';

export interface FileEntry {
  path: string;
  outcome: Outcome;
}

export interface InputProblem {
  path: string;
  status: 'damaged' | 'unreadable';
  /** Byte offset in the (uncompressed) capture, null when the file could not be opened at all. */
  offset: number | null;
  /** Last good frame before the damage (damaged captures). */
  packet: number | null;
  message: string;
}

export interface Combined {
  captures: number;
  ok: number;
  damaged: number;
  unreadable: number;
  packets: number;
  start: string | null;
  end: string | null;
  summary: Summary;
  severities: Record<Severity, number>;
  problems: InputProblem[];
}

/** Epoch strings compared as numbers, exactly (both non-negative decimals). */
function compareEpoch(a: string, b: string): number {
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  if (ai.length !== bi.length) return ai.length - bi.length;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const w = Math.max(af.length, bf.length);
  const x = af.padEnd(w, '0');
  const y = bf.padEnd(w, '0');
  return x === y ? 0 : x < y ? -1 : 1;
}

const SUMMED = ['flows', 'handshakesComplete', 'syn', 'synRetransmissions', 'synAck', 'synAckRetransmissions', 'refused', 'halfOpen', 'reset'] as const;

export function combine(files: FileEntry[]): Combined {
  const summary: Summary = { flows: 0, handshakesComplete: 0, syn: 0, synRetransmissions: 0, synAck: 0, synAckRetransmissions: 0, refused: 0, halfOpen: 0, reset: 0, findings: {} };
  const c: Combined = {
    captures: files.length, ok: 0, damaged: 0, unreadable: 0, packets: 0, start: null, end: null,
    summary, severities: { error: 0, warning: 0, info: 0 }, problems: [],
  };
  for (const { path, outcome: o } of files) {
    c[o.status]++;
    if (o.status === 'unreadable') {
      c.problems.push({ path, status: 'unreadable', offset: o.error?.offset ?? null, packet: null, message: o.error?.message ?? 'cannot be read' });
      continue;
    }
    for (const p of o.capture?.problems ?? []) {
      if (p.kind !== 'undecoded') c.problems.push({ path, status: 'damaged', offset: p.offset, packet: p.packet || null, message: p.message });
    }
    if (o.capture) {
      c.packets += o.capture.packets;
      if (o.capture.start !== null && (c.start === null || compareEpoch(o.capture.start, c.start) < 0)) c.start = o.capture.start;
      if (o.capture.end !== null && (c.end === null || compareEpoch(o.capture.end, c.end) > 0)) c.end = o.capture.end;
    }
    if (o.summary) {
      for (const k of SUMMED) summary[k] += o.summary[k];
      for (const [code, n] of Object.entries(o.summary.findings) as [keyof Summary['findings'], number][]) {
        summary.findings[code] = (summary.findings[code] ?? 0) + n;
      }
    }
    for (const s of ['error', 'warning', 'info'] as const) c.severities[s] += o.severities[s];
  }
  return c;
}

const num = (n: number): string => n.toLocaleString('en-US');

/** One line per problem capture: where it broke and why. */
export function problemLine(p: InputProblem): string {
  const where = p.offset === null ? '' : ` at byte ${p.offset}${p.packet ? ` (after packet ${p.packet})` : ''}`;
  return `${printable(p.path)}: ${p.status}${where}: ${printable(p.message)}`;
}

/** The table format's closing section: one row per capture, then the totals and the problems. */
export function formatCombinedTable(files: FileEntry[], c: Combined): string {
  const rows = files.map(({ path, outcome: o }) => [
    printable(path), o.status,
    o.capture ? num(o.capture.packets) : '-', o.summary ? num(o.summary.flows) : '-',
    o.summary ? num(o.summary.handshakesComplete) : '-',
    o.summary ? `${o.severities.error}/${o.severities.warning}/${o.severities.info}` : '-',
  ]);
  const header = ['capture', 'status', 'packets', 'flows', 'handshakes', 'findings e/w/i'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => `  ${r.map((v, i) => (i >= 2 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ')}`.trimEnd();
  const codes = Object.entries(c.summary.findings).map(([code, n]) => `${code} ${num(n)}`).join(', ');
  const out = [
    `synscope — ${num(c.captures)} captures (${c.ok} ok, ${c.damaged} damaged, ${c.unreadable} unreadable)`,
    c.start !== null ? `${c.start} … ${c.end}` : 'no timestamps',
    '',
    line(header),
    ...rows.map(line),
    '',
    `Total: ${num(c.packets)} packets, ${num(c.summary.flows)} flows, ${num(c.summary.handshakesComplete)} handshakes complete, ` +
      `${num(c.summary.syn)} SYNs (${num(c.summary.synRetransmissions)} retransmitted), ${num(c.summary.refused)} refused, ${num(c.summary.halfOpen)} half-open`,
    `Findings: ${codes || 'none'}`,
  ];
  if (c.problems.length) out.push('', 'Captures not read whole', ...c.problems.map((p) => `  ${problemLine(p)}`));
  return `${out.join('\n')}\n`;
}
