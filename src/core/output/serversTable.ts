/** The table report's "Servers" section (analyze --servers): one line per listener, then per port. */
import type { ChangePointJson, HealthRow, ServersReport } from '../listeners/types';
import { columns, endpoint, n, seconds } from './cells';

/** Listener rows printed at most (worst first); the rest are counted. */
const MAX_ROWS = 30;

export function serversSection(s: ServersReport): string[] {
  const out: string[] = [`Servers (${n(s.listeners.length)} listeners, ${s.binSeconds} s bins, worst first)`];
  const header = ['listener', 'attempts', 'accepted', 'refused', 'half-open', 'unanswered', 'SYN-ACK retx', 'server p50/p90/p99', 'client p50/p90/p99', 'signs'];
  const rows = s.listeners.slice(0, MAX_ROWS).map((l) => [endpoint(l.server.ip, l.server.port), ...cells(l), signs(l, l.synCookies)]);
  out.push(...columns([header, ...rows]).map((l) => `  ${l}`));
  if (s.listeners.length > MAX_ROWS) out.push(`  … ${n(s.listeners.length - MAX_ROWS)} more listeners (--format json lists them all)`);
  const ports = s.ports.filter((p) => p.servers > 1);
  if (ports.length > 0) {
    out.push('', 'Ports across servers');
    const prow = ports.slice(0, MAX_ROWS).map((p) => [`*:${p.port} (${n(p.servers)} servers)`, ...cells(p), signs(p, null)]);
    out.push(...columns([header, ...prow]).map((l) => `  ${l}`));
  }
  for (const l of s.listeners) {
    for (const c of l.changePoints) out.push(`  change: ${endpoint(l.server.ip, l.server.port)} ${describeChange(c)}`);
  }
  if (s.untrackedFlows > 0) out.push(`  ${n(s.untrackedFlows)} flows to listeners past the tracked limit are not described`);
  return out;
}

function cells(r: HealthRow): string[] {
  const q = (t: HealthRow['serverTime']): string => (t.samples === 0 ? '-' : `${seconds(t.p50)}/${seconds(t.p90)}/${seconds(t.p99)}`);
  return [
    n(r.attempts), `${n(r.completed)} (${(r.acceptRate * 100).toFixed(0)}%)`, n(r.refused), n(r.halfOpen), n(r.unanswered),
    n(r.synAckRetransmissions), q(r.serverTime), q(r.clientTime),
  ];
}

function signs(r: HealthRow, cookies: string | null): string {
  const out: string[] = [];
  if (r.backlog.likely) out.push(`backlog full? (${n(r.backlog.flows)} SYNs dropped while answering others)`);
  if (cookies === 'likely') out.push('SYN cookies');
  if (r.changePoints.length > 0) out.push(`${r.changePoints.length} change point${r.changePoints.length > 1 ? 's' : ''}`);
  return out.length ? out.join('; ') : '-';
}

export function describeChange(c: ChangePointJson): string {
  const what = c.metric === 'acceptRate'
    ? `accept rate ${(c.before * 100).toFixed(0)}% → ${(c.after * 100).toFixed(0)}%`
    : `${c.metric === 'serverTime' ? 'server time (SYN→SYN-ACK)' : 'client time (SYN-ACK→ACK)'} ${seconds(c.before)} → ${seconds(c.after)}`;
  return `${what} at +${c.offset.toFixed(0)} s (${c.time}; p ${c.p < 1e-6 ? '< 1e-6' : c.p.toPrecision(2)})`;
}
