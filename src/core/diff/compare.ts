/**
 * Baseline vs incident, per listener and per port (docs/diff.md): which listeners are new or
 * gone, and for those in both what changed — handshake-time distributions (Mann-Whitney U,
 * quantile ratios with distribution-free intervals), accept/refused/unanswered/SYN-drop rates
 * (two-proportion tests), the most common handshake options — and which stories are new.
 */
import type { AnalysisResult, TcpOptionsSeen } from '../engine/result';
import type { ListenerCollector } from '../listeners/collector';
import type { ListenerAgg, OptionCounts } from '../listeners/listener';
import { portAggs } from '../listeners/report';
import { mannWhitney, quantileInterval, twoProportions } from './tests';
import type { Change, DiffReport, DiffThresholds, EndpointDiff, LatencyChange, OptionsChange, RateChange, RateMetric } from './types';

export interface DiffSide {
  result: AnalysisResult;
  listeners: ListenerCollector;
}

/** Tests per compared endpoint: two latency distributions and four rates. */
const TESTS_PER_ENDPOINT = 6;
/** Handshake times needed on each side before their distributions are compared. */
const MIN_TIMES = 10;

export function diffCaptures(base: DiffSide, inc: DiffSide, t: DiffThresholds): DiffReport {
  const b = byEndpoint(base.listeners.listeners.values());
  const i = byEndpoint(inc.listeners.listeners.values());
  const bp = byEndpoint(portAggs(base.listeners).values());
  const ip = byEndpoint(portAggs(inc.listeners).values());
  const pairs = (x: Map<string, ListenerAgg>, y: Map<string, ListenerAgg>): [ListenerAgg, ListenerAgg][] =>
    [...x].filter(([k, l]) => l.attempts >= t.minAttempts && (y.get(k)?.attempts ?? 0) >= t.minAttempts).map(([k, l]) => [l, y.get(k)!]);
  const listenerPairs = pairs(b, i);
  // A port row only says more than its listener's row when several servers share the port.
  const portPairs = pairs(bp, ip).filter(([x, y]) => x.servers > 1 || y.servers > 1);
  const tests = (listenerPairs.length + portPairs.length) * TESTS_PER_ENDPOINT;
  const alpha = t.alpha / Math.max(1, tests);
  const compare = (list: [ListenerAgg, ListenerAgg][]): EndpointDiff[] => list
    .map(([x, y]) => ({ server: { ip: y.ip, port: y.port }, baselineAttempts: x.attempts, incidentAttempts: y.attempts, changes: changes(x, y, t, alpha) }))
    .filter((d) => d.changes.length > 0)
    .sort((x, y) => regressions(y) - regressions(x) || (x.server.ip < y.server.ip ? -1 : x.server.ip > y.server.ip ? 1 : 0) || x.server.port - y.server.port);
  const listeners = compare(listenerPairs);
  const ports = compare(portPairs);
  const presence = (x: Map<string, ListenerAgg>, y: Map<string, ListenerAgg>): { server: { ip: string; port: number }; attempts: number }[] =>
    [...x.values()].filter((l) => l.attempts >= t.minAttempts && !y.has(key(l))).map((l) => ({ server: { ip: l.ip, port: l.port }, attempts: l.attempts }));
  const vanishedListeners = presence(b, i);
  const oldStories = new Set(base.result.stories.map((s) => s.kind));
  const report: DiffReport = {
    schema: 'synscope-diff/1',
    baseline: ref(base),
    incident: ref(inc),
    thresholds: t,
    tests,
    compared: listenerPairs.length,
    tooFew: [...b.keys()].filter((k) => i.has(k)).length - listenerPairs.length,
    listeners,
    ports,
    newListeners: presence(i, b),
    vanishedListeners,
    newStories: inc.result.stories.filter((s) => !oldStories.has(s.kind)).map((s) => ({ kind: s.kind, title: s.title })),
    regressions: 0,
  };
  report.regressions = listeners.reduce((n, d) => n + regressions(d), 0) + vanishedListeners.length;
  return report;
}

function key(l: ListenerAgg): string {
  return `${l.ip}|${l.port}`;
}

function byEndpoint(ls: Iterable<ListenerAgg>): Map<string, ListenerAgg> {
  const m = new Map<string, ListenerAgg>();
  for (const l of ls) m.set(key(l), l);
  return m;
}

function ref(s: DiffSide): DiffReport['baseline'] {
  const c = s.result.capture;
  return { path: c.path, start: c.start, end: c.end, flows: s.result.summary.flows, listeners: s.listeners.listeners.size };
}

function regressions(d: EndpointDiff): number {
  return d.changes.filter((c) => c.regression).length;
}

function changes(x: ListenerAgg, y: ListenerAgg, t: DiffThresholds, alpha: number): Change[] {
  const out: Change[] = [];
  out.push(...latency(x, y, 'serverTime', t, alpha), ...latency(x, y, 'clientTime', t, alpha));
  const rates: [RateMetric, (l: ListenerAgg) => number, boolean][] = [
    ['acceptRate', (l) => l.completed, false],
    ['refusedRate', (l) => l.refused, true],
    ['unansweredRate', (l) => l.unanswered, true],
    ['synDroppedRate', (l) => l.synDropped, true],
  ];
  for (const [metric, count, upIsBad] of rates) {
    const r = twoProportions(count(x), x.attempts, count(y), y.attempts, t.level);
    if (r.p >= alpha || Math.abs(r.delta) < t.rateDelta) continue;
    const change: RateChange = {
      kind: 'rate', metric, baseline: r.baseline, incident: r.incident, delta: r.delta, deltaCi: r.ci, p: r.p,
      direction: r.delta > 0 ? 'up' : 'down', regression: (r.delta > 0) === upIsBad,
    };
    out.push(change);
  }
  const so = options('server', x.serverOptions, y.serverOptions);
  const co = options('client', x.clientOptions, y.clientOptions);
  if (so) out.push(so);
  if (co) out.push(co);
  return out;
}

function latency(x: ListenerAgg, y: ListenerAgg, metric: 'serverTime' | 'clientTime', t: DiffThresholds, alpha: number): LatencyChange[] {
  const hb = x[metric];
  const hi = y[metric];
  if (hb.count < MIN_TIMES || hi.count < MIN_TIMES) return [];
  const mw = mannWhitney(hb, hi);
  if (!mw || mw.p >= alpha) return [];
  // Each side's interval at 1 − (1 − level)/2: the ratio's and shift's intervals then hold
  // with at least `level` together (Bonferroni over the two sides).
  const sideLevel = 1 - (1 - t.level) / 2;
  const out: LatencyChange[] = [];
  for (const [quantile, q] of [['p50', 0.5], ['p90', 0.9]] as const) {
    const a = quantileInterval(hb, q, sideLevel);
    const c = quantileInterval(hi, q, sideLevel);
    if (!a || !c) continue;
    const ratio = c.value / a.value;
    const ratioCi: [number, number] = [c.lo / a.hi, c.hi / a.lo];
    // The whole interval beyond the threshold: 95 % sure the change is at least that large (a
    // p90 of 120 flows can move 50× on a few stalled handshakes and still have an interval
    // reaching down to 1.03).
    const slower = ratioCi[0] >= t.latencyRatio;
    const faster = ratioCi[1] <= 1 / t.latencyRatio;
    if ((!slower && !faster) || Math.abs(c.value - a.value) < t.latencyShift) continue;
    out.push({
      kind: 'latency', metric, quantile, baseline: ns(a.value), incident: ns(c.value), ratio, ratioCi,
      shift: ns(c.value - a.value), shiftCi: [ns(c.lo - a.hi), ns(c.hi - a.lo)], p: mw.p, superiority: mw.superiority,
      direction: ratio > 1 ? 'slower' : 'faster', regression: ratio > 1,
    });
  }
  return out;
}

function ns(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

const FIELDS: (keyof TcpOptionsSeen)[] = ['mss', 'windowScale', 'sackPermitted', 'timestamps', 'fastOpen'];

function options(side: 'server' | 'client', x: OptionCounts, y: OptionCounts): OptionsChange | null {
  const a = x.dominant();
  const c = y.dominant();
  if (!a || !c) return null;
  const fields = FIELDS.filter((f) => a.options[f] !== c.options[f]);
  if (fields.length === 0) return null;
  const total = (o: OptionCounts): number => [...o.sets.values()].reduce((s, n) => s + n, o.other);
  // Fewer bytes per segment or a lost option is what costs throughput; anything else is news.
  const worse = (c.options.mss ?? 0) < (a.options.mss ?? 0) ||
    (a.options.sackPermitted && !c.options.sackPermitted) || (a.options.timestamps && !c.options.timestamps) ||
    (a.options.windowScale !== null && c.options.windowScale === null);
  return {
    kind: 'options', side, fields, baseline: a.options, incident: c.options,
    baselineShare: a.flows / total(x), incidentShare: c.flows / total(y), regression: worse,
  };
}
