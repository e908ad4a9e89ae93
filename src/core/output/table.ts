/**
 * The human-readable report: what happened (stories), summary counts, capture problems,
 * findings, then flows. Plain text, fixed-width columns, no colours (pipes and CI logs).
 */
import type { AnalysisResult, Finding, Flow, Severity } from '../engine/result';
import { printableLines } from './printable';
import { serversSection } from './serversTable';
import { columns, endpoint, n, seconds } from './cells';

export interface TableOptions {
  /** Flows listed at most (the rest are counted). */
  maxFlows?: number;
  /** Long story text is wrapped to this many columns (the terminal's width; 100 otherwise). */
  width?: number;
}

/** Words of `text` in lines of at most `width` columns, each starting with `indent`. */
export function wrap(text: string, width: number, indent: string): string[] {
  const room = Math.max(20, width - indent.length);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line || lines.length === 0) lines.push(indent + line);
  return lines;
}

const RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

/**
 * Problem flows first: by the worst finding about that flow alone (a refused or slow
 * handshake), then flows that are only part of a many-flow finding (the hundreds of flows of a
 * SYN flood, already told in the story), then the rest; by id within each group.
 */
export function problemOrder(result: AnalysisResult): Flow[] {
  const byId = new Map<number, Finding>(result.findings.map((f) => [f.id, f]));
  const key = result.flows.map((flow) => {
    let own = 0;
    let shared = 0;
    for (const id of flow.findings) {
      const f = byId.get(id);
      if (!f) continue;
      if (f.flows.length <= 1) own = Math.max(own, RANK[f.severity]);
      else shared = Math.max(shared, RANK[f.severity]);
    }
    return { flow, own, shared };
  });
  key.sort((a, b) => b.own - a.own || b.shared - a.shared || a.flow.id - b.flow.id);
  return key.map((k) => k.flow);
}

const SEVERITY_LABEL: Record<Severity, string> = { error: 'ERROR', warning: 'WARN', info: 'INFO' };

function flowRow(f: Flow, codes: Map<number, string>): string[] {
  const hs = f.handshake;
  const found = [...new Set(f.findings.map((id) => codes.get(id)).filter((c) => c !== undefined))];
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
    found.length ? found.join(' ') : '-',
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
    const width = opts.width ?? 100;
    for (const st of result.stories) {
      out.push(...wrap(`• ${st.title}`, width, '  '));
      out.push(...wrap(st.sentence, width, '    '));
      const nums = Object.entries(st.numbers).map(([k, v]) => `${k}: ${typeof v === 'number' ? n(v) : v}`);
      if (nums.length) out.push(...wrap(nums.join(' · '), width, '    '));
      if (st.advice) out.push(...wrap(`→ ${st.advice}`, width, '    '));
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

  if (result.servers) out.push(...serversSection(result.servers), '');

  const limit = opts.maxFlows ?? 50;
  const shown = problemOrder(result).slice(0, limit);
  const order = result.findings.length > 0 ? ', problem flows first' : '';
  out.push(`Flows (${shown.length < s.flows ? `${n(shown.length)} of ${n(s.flows)}` : n(s.flows)}${order})`);
  if (shown.length > 0) {
    const header = ['id', 'client → server', 'state', 'history', 'complete', 'rtt', 'syn', 'syn-ack', 'reset', 'pkts', 'findings'];
    const codes = new Map(result.findings.map((f) => [f.id, f.code]));
    out.push(...columns([header, ...shown.map((f) => flowRow(f, codes))]).map((l) => `  ${l}`));
  }
  if (shown.length < s.flows) {
    out.push(`  … ${n(s.flows - shown.length)} more flows not shown (use --max-flows N, --format csv or --format json)`);
  }
  // File names, packet comments and interface names come from outside: no raw escape sequence
  // may reach the terminal through them.
  return printableLines(`${out.join('\n')}\n`);
}
