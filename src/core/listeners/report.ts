/** The collector's listeners as the `servers` section: listener rows, per-port rows, worst first. */
import type { AnalysisResult } from '../engine/result';
import type { ListenerCollector } from './collector';
import { healthRow, type Grid } from './health';
import { ListenerAgg } from './listener';
import { SeriesGrid } from './series';
import type { HealthRow, ListenerRow, PortRow, ServersReport } from './types';

export function serversReport(c: ListenerCollector, result: AnalysisResult): ServersReport {
  const start = c.start;
  const grid: Grid = { startSec: start.sec + start.ns / 1e9, width: c.grid.width };
  const cookies = cookieVerdicts(result);
  const listeners: ListenerRow[] = [...c.listeners.values()].map((l) => ({
    server: { ip: l.ip, port: l.port },
    ...healthRow(l, grid),
    synCookies: cookies.get(`${l.ip}|${l.port}`) ?? null,
  }));
  const ports: PortRow[] = [...portAggs(c).values()].map((p) => ({ port: p.port, servers: p.servers, ...healthRow(p, grid) }));
  let bins = 0;
  for (const l of listeners) bins = Math.max(bins, l.series.firstBin + l.series.attempts.length);
  return {
    binSeconds: grid.width,
    start: result.capture.start,
    bins,
    listeners: listeners.sort((a, b) => worstFirst(a, b) || cmpIp(a.server.ip, b.server.ip) || a.server.port - b.server.port),
    ports: ports.sort((a, b) => worstFirst(a, b) || a.port - b.port),
    untrackedFlows: c.untrackedFlows,
  };
}

/** The listeners of each port added together, on a grid of their own (outside the bin budget). */
export function portAggs(c: ListenerCollector): Map<number, ListenerAgg> {
  const g = new SeriesGrid(c.grid.binSeconds, c.grid.maxBins, Infinity);
  g.level = c.grid.level;
  const ports = new Map<number, ListenerAgg>();
  for (const l of c.listeners.values()) {
    let p = ports.get(l.port);
    if (!p) {
      ports.set(l.port, (p = new ListenerAgg('*', l.port, g)));
      p.servers = 0;
    }
    p.merge(l);
    p.servers++;
  }
  return ports;
}

/** Rows with a change point or a full backlog first, then by failed attempts, then by attempts. */
function worstFirst(a: HealthRow, b: HealthRow): number {
  const flagged = (r: HealthRow): number => (r.changePoints.length > 0 || r.backlog.likely ? 0 : 1);
  return flagged(a) - flagged(b) || (b.attempts - b.completed) - (a.attempts - a.completed) || b.attempts - a.attempts;
}

function cmpIp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The engine's SYN-cookie verdict per flooded listener (syn-flood findings' details). */
function cookieVerdicts(result: AnalysisResult): Map<string, ListenerRow['synCookies']> {
  const out = new Map<string, ListenerRow['synCookies']>();
  for (const f of result.findings) {
    if (f.code !== 'syn-flood') continue;
    const t = f.details.target as { ip: string; port: number } | undefined;
    const v = f.details.synCookies as ListenerRow['synCookies'];
    if (t) out.set(`${t.ip}|${t.port}`, v);
  }
  return out;
}
