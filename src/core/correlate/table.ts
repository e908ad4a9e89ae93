/** `synscope correlate --format table`: clock, verdict counts, middleboxes, then the pairs. */
import { formatDuration } from '../engine/describe';
import { printable } from '../output/printable';
import { MIDDLEBOX_INFO, VERDICT_INFO } from './registry';
import type { CorrelateResult, PacketKind, Pair } from './types';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function clockLine(r: CorrelateResult): string {
  const c = r.clock;
  if (c.offset === null) return 'clock: unknown (no handshake seen at both points)';
  const unc = c.uncertainty === null ? ' (includes the one-way delay: no SYN-ACK seen at both points)' : ` ± ${formatDuration(c.uncertainty)}`;
  const drift = c.driftPpm === null ? '' : `, drift ${c.driftPpm} ppm`;
  const off = Math.abs(c.offset);
  const plain = off >= 1 ? ` (${formatDuration(off)})` : '';
  return `clock: B = A ${c.offset < 0 ? '−' : '+'} ${off.toFixed(6)} s${plain}${unc}${drift} (${c.method}, ${c.samples} handshake${c.samples === 1 ? '' : 's'})`;
}

function kind(k: PacketKind): string {
  const lost = k.lost > 0 ? ` ${k.lost} lost` : '';
  return `${k.a.count}/${k.b.count}${lost}`;
}

function pairLine(p: Pair): string {
  const delay = p.packets.syn.delay === null ? '-' : formatDuration(p.packets.syn.delay);
  return [
    pad(String(p.id), 5), pad(p.a === null ? '-' : String(p.a), 6), pad(p.b === null ? '-' : String(p.b), 6),
    pad(printable(`${p.client} → ${p.server}`), 44), pad(p.verdict, 20),
    pad(kind(p.packets.syn), 10), pad(kind(p.packets.synAck), 10), pad(kind(p.packets.ack), 10), pad(delay, 9),
    p.middleboxes.join(','),
  ].join(' ').trimEnd();
}

export function formatCorrelateTable(r: CorrelateResult): string {
  const out: string[] = [];
  out.push(`A (client side): ${printable(r.a.path)} — ${r.a.attempts} handshake attempts`);
  out.push(`B (server side): ${printable(r.b.path)} — ${r.b.attempts} handshake attempts`);
  if (r.swapped) out.push('(given the other way round: the second capture is nearer the clients, so it is A)');
  out.push(clockLine(r), '', r.summary.message, '');
  for (const [v, n] of Object.entries(r.summary.verdicts)) out.push(`  ${pad(v, 20)} ${pad(String(n), 8)} ${VERDICT_INFO[v as keyof typeof VERDICT_INFO].title}`);
  if (r.middleboxes.length > 0) {
    out.push('', 'Between A and B:');
    for (const m of r.middleboxes) {
      const ids = m.pairs.slice(0, 8).join(', ') + (m.count > 8 ? ` … (${m.count})` : '');
      out.push(`  ${pad(m.code, 18)} ${printable(m.message)} — pair${m.count === 1 ? '' : 's'} ${ids}`);
      const maps = m.details.mappings;
      if (Array.isArray(maps)) for (const x of maps.slice(0, 5)) out.push(`  ${' '.repeat(18)}   ${printable(x)}`);
    }
    out.push(`  (${MIDDLEBOX_INFO.hops.title}: shown for context)`);
  }
  out.push('', `${pad('pair', 5)} ${pad('A', 6)} ${pad('B', 6)} ${pad('client → server (as A saw it)', 44)} ${pad('verdict', 20)} ${pad('SYN A/B', 10)} ${pad('SYN-ACK', 10)} ${pad('ACK', 10)} ${pad('A→B', 9)} middleboxes`);
  for (const p of r.pairs) {
    out.push(pairLine(p));
    if (p.evidence) out.push(`      ${printable(p.evidence)}`);
  }
  if (r.summary.listed < r.summary.pairs) out.push(`… ${r.summary.pairs - r.summary.listed} more pairs (raise --max-pairs to list them)`);
  return `${out.join('\n')}\n`;
}
