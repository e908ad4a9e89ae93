/**
 * The human-readable report: what happened (stories), summary counts, capture problems,
 * findings, then flows. Plain text, fixed-width columns, no colours (pipes and CI logs).
 */
import type { AnalysisResult, Flow, Severity } from '../engine/result';

export interface TableOptions {
  /** Flows listed at most (the rest are counted). */
  maxFlows?: number;
}

function seconds(s: number | null): string {
  if (s === null) return '-';
  const a = Math.abs(s);
  if (a >= 10) return `${s.toFixed(1)}s`;
  if (a >= 1) return `${s.toFixed(2)}s`;
  if (a >= 0.001) return `${(s * 1000).toFixed(1)}ms`;
  return `${(s * 1e6).toFixed(0)}µs`;
}

function n(v: number): string {
  return v.toLocaleString('en-US');
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

function endpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function columns(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]))).join('  ').trimEnd());
}

const SEVERITY_LABEL: Record<Severity, string> = { error: 'ERROR', warning: 'WARN', info: 'INFO' };

function flowRow(f: Flow): string[] {
  const hs = f.handshake;
  return [
    String(f.id),
    `${endpoint(f.client.ip, f.client.port)} → ${endpoint(f.server.ip, f.server.port)}`,
    f.state,
    f.history || '-',
    hs.complete ? 'yes' : 'no',
    seconds(hs.rtt),
    f.synRetransmissions ? `${f.syn} (${f.synRetransmissions}r)` : String(f.syn),
    f.synAckRetransmissions ? `${f.synAck} (${f.synAckRetransmissions}r)` : String(f.synAck),
    f.reset ?? '-',
    String(f.packets.client + f.packets.server),
  ];
}

export function formatTable(result: AnalysisResult, opts: TableOptions = {}): string {
  const out: string[] = [];
  const c = result.capture;
  const s = result.summary;
  out.push(`synscope — ${c.path}`);
  out.push(`${c.format}${c.compressed ? ' (gzip)' : ''}, ${n(c.packets)} packets${c.start ? `, ${c.start} … ${c.end}` : ''}`);
  out.push('');

  if (result.stories.length > 0) {
    out.push('What happened');
    for (const st of result.stories) {
      out.push(`  • ${st.title}`);
      out.push(`    ${st.sentence}`);
      const nums = Object.entries(st.numbers).map(([k, v]) => `${k}: ${typeof v === 'number' ? n(v) : v}`);
      if (nums.length) out.push(`    ${nums.join(' · ')}`);
      if (st.advice) out.push(`    → ${st.advice}`);
    }
    out.push('');
  }

  out.push('Summary');
  out.push(columns([
    ['  flows', n(s.flows), 'handshakes complete', n(s.handshakesComplete)],
    ['  SYN', `${n(s.syn)} (${n(s.synRetransmissions)} retransmitted)`, 'SYN-ACK', `${n(s.synAck)} (${n(s.synAckRetransmissions)} retransmitted)`],
    ['  refused', n(s.refused), 'half-open', n(s.halfOpen)],
    ['  reset', n(s.reset), 'findings', n(result.findings.length)],
  ]).join('\n'));
  out.push('');

  if (c.problems.length > 0) {
    out.push('Capture problems');
    for (const p of c.problems) out.push(`  byte ${p.offset}${p.packet ? ` (after packet ${p.packet})` : ''}: ${p.message}`);
    out.push('');
  }

  out.push(`Findings (${result.findings.length})`);
  if (result.findings.length === 0) out.push('  none');
  else {
    out.push(...columns(result.findings.map((f) => [
      `  ${SEVERITY_LABEL[f.severity]}`, f.code, f.packet ? `#${f.packet}` : '-', f.message,
    ])));
  }
  out.push('');

  const limit = opts.maxFlows ?? 50;
  const shown = result.flows.slice(0, limit);
  out.push(`Flows (${shown.length < s.flows ? `${n(shown.length)} of ${n(s.flows)}` : n(s.flows)})`);
  if (shown.length > 0) {
    const header = ['id', 'client → server', 'state', 'history', 'complete', 'rtt', 'syn', 'syn-ack', 'reset', 'pkts'];
    out.push(...columns([header, ...shown.map(flowRow)]).map((l) => `  ${l}`));
  }
  if (shown.length < s.flows) {
    out.push(`  … ${n(s.flows - shown.length)} more (use --max-flows N or --format json)`);
  }
  return `${out.join('\n')}\n`;
}
