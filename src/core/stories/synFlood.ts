/**
 * Story 3, the SYN flood. The engine's `syn-flood` finding holds the aggregate (exact counts over
 * every flow, even when the result lists only some); this story reads its details, adds what the
 * listed flows show (who got through, how much slower), and says it in plain words. It makes no
 * finding of its own.
 */
import type { Finding, Flow, Story, StorySeries } from '../engine/result';
import { NS_PER_SECOND, secondsToNs } from './clock';
import { formatEndpoint } from './connects';
import { capFlows, StoryContext } from './context';
import { fmt, fmtMs, fmtSeconds, plural } from './format';
import type { FloodWindow } from './hangingConnects';
import { median, round } from './stats';

export function synFloods(ctx: StoryContext): { stories: Story[]; windows: FloodWindow[] } {
  const stories: Story[] = [];
  const windows: FloodWindow[] = [];
  for (const finding of ctx.result.findings) {
    if (finding.code !== 'syn-flood') continue;
    const victim = victimOf(ctx, finding);
    if (!victim) continue;
    const story = floodStory(ctx, finding, victim);
    windows.push(story.window);
    stories.push(story.story);
  }
  return { stories, windows };
}

interface Victim { ip: string; port: number | null }

/** Typed reads of the engine's free-form details. */
function num(d: Record<string, unknown>, ...keys: string[]): number | null {
  for (const k of keys) if (typeof d[k] === 'number' && Number.isFinite(d[k])) return d[k] as number;
  return null;
}
function str(d: Record<string, unknown>, ...keys: string[]): string | null {
  for (const k of keys) if (typeof d[k] === 'string') return d[k] as string;
  return null;
}
function bool(d: Record<string, unknown>, ...keys: string[]): boolean | null {
  for (const k of keys) if (typeof d[k] === 'boolean') return d[k] as boolean;
  return null;
}

/** The flooded server ip:port, from the details or else the servers of the finding's flows. */
function victimOf(ctx: StoryContext, f: Finding): Victim | null {
  const d = f.details;
  const raw = str(d, 'server', 'target', 'victim', 'serverIp');
  if (raw) {
    const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(raw) ?? /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(raw);
    if (m) return { ip: m[1], port: Number(m[2]) };
    if (/^[0-9a-fA-F.:]+$/.test(raw)) return { ip: raw, port: num(d, 'serverPort', 'port') };
  }
  const byId = new Map(ctx.result.flows.map((x) => [x.id, x]));
  const votes = new Map<string, { v: Victim; n: number }>();
  for (const id of f.flows) {
    const flow = byId.get(id);
    if (!flow) continue;
    const key = `${flow.server.ip} ${flow.server.port}`;
    const e = votes.get(key) ?? { v: { ip: flow.server.ip, port: flow.server.port }, n: 0 };
    e.n++;
    votes.set(key, e);
  }
  let best: { v: Victim; n: number } | null = null;
  for (const e of votes.values()) if (!best || e.n > best.n) best = e;
  return best?.v ?? null;
}

function toVictim(flow: Flow, v: Victim): boolean {
  return flow.server.ip === v.ip && (v.port === null || flow.server.port === v.port);
}

/** A flood SYN: the "client" never completed, never sent data and never retried (no real TCP stack behind it). */
function looksForged(flow: Flow): boolean {
  return !flow.handshake.complete && flow.payloadBytes.client === 0 && flow.synRetransmissions === 0;
}

function floodStory(ctx: StoryContext, f: Finding, v: Victim): { story: Story; window: FloodWindow } {
  const { clock } = ctx;
  const d = f.details;
  const flows = ctx.result.flows.filter((x) => toVictim(x, v));
  const forged = flows.filter(looksForged);
  // The flood's span: the engine's when it says, else the span of the forged SYNs we can see.
  let startNs = clock.ns(str(d, 'start', 'firstSyn', 'from'));
  let endNs = clock.ns(str(d, 'end', 'lastSyn', 'to'));
  if (!Number.isFinite(startNs) || !Number.isFinite(endNs)) {
    const ts = forged.map((x) => clock.ns(x.start)).filter(Number.isFinite);
    startNs = ts.length ? ts.reduce((a, b) => Math.min(a, b)) : ctx.captureStartNs;
    endNs = ts.length ? ts.reduce((a, b) => Math.max(a, b)) : ctx.captureEndNs;
  }
  const during = (x: Flow) => { const t = clock.ns(x.start); return t >= startNs && t <= endNs; };
  const durationS = Math.max(0, (endNs - startNs) / NS_PER_SECOND);

  const attack = forged.filter(during);
  const syns = num(d, 'syns', 'synCount', 'flows', 'halfOpen') ?? attack.length;
  const sources = num(d, 'sources', 'distinctSources', 'sourceCount') ?? new Set(attack.map((x) => x.client.ip)).size;
  const meanRate = num(d, 'synRate', 'rate', 'meanSynRate') ?? (durationS > 0 ? syns / durationS : syns);
  const peakRate = num(d, 'peakSynRate', 'peakRate') ?? peakSynRate(ctx, startNs, endNs);
  const noRetrans = attack.length ? attack.filter((x) => x.synRetransmissions === 0).length / attack.length : 0;
  const clientRst = attack.filter((x) => x.reset === 'client' || x.reset === 'both').length;
  const answered = attack.filter((x) => x.synAck > 0).length;
  const oneSynPerSource = sources >= 0.9 * syns;
  const spoofed = bool(d, 'spoofed', 'looksSpoofed') ?? (attack.length > 0 && noRetrans >= 0.95 && oneSynPerSource);

  const cookies = bool(d, 'synCookies', 'cookies');
  const cookieHow = str(d, 'synCookieEvidence', 'cookieEvidence', 'synCookiesEvidence', 'synCookieReason');

  // Legitimate clients: handshakes that completed. During the flood vs outside it.
  const legit = flows.filter((x) => x.handshake.complete && x.handshake.rtt !== null);
  const legitIn = legit.filter(during);
  const legitOut = legit.filter((x) => !during(x));
  const rttIn = median(legitIn.map((x) => x.handshake.rtt!));
  const rttOut = median(legitOut.map((x) => x.handshake.rtt!));
  const legitRetried = legitIn.filter((x) => x.synRetransmissions > 0).length;
  const legitFailed = flows.filter((x) => during(x) && !x.handshake.complete && x.synRetransmissions > 0).length;
  const slower = Number.isFinite(rttIn) && Number.isFinite(rttOut) && rttOut > 0 ? rttIn / rttOut : NaN;

  const target = v.port === null ? v.ip : formatEndpoint(v.ip, v.port);
  const offset = (ns: number) => fmtSeconds(Math.max(0, (ns - ctx.captureStartNs) / NS_PER_SECOND));
  const parts: string[] = [];
  parts.push(`${target} was SYN-flooded for ${fmtSeconds(durationS)}, from ${offset(startNs)} into the capture: `
    + `${plural(syns, 'SYN')} at ${fmt(meanRate)}/s on average (peak ${fmt(peakRate)}/s) from ${plural(sources, 'distinct source')}.`);
  if (spoofed) {
    parts.push(`The sources look spoofed: ${round(noRetrans * 100)}% never retransmitted their SYN and none completed a handshake`
      + (oneSynPerSource ? ', almost every source sent a single SYN' : '')
      + (clientRst ? `, and ${plural(clientRst, 'SYN-ACK')} drew a RST from hosts that never sent the SYN` : '') + '.');
  } else {
    parts.push(`The SYNs came from ${plural(sources, 'source')} that never completed a handshake.`);
  }
  if (cookies) parts.push(`The server answered with SYN cookies${cookieHow ? ` (${cookieHow})` : ''}.`);
  else if (answered === 0 && attack.length) parts.push('The server did not answer the flood SYNs.');
  if (legitIn.length) {
    parts.push(`Legitimate clients still got through: ${plural(legitIn.length, 'handshake')} completed during the flood`
      + (Number.isFinite(slower)
        ? `, median ${fmtMs(rttIn)} against ${fmtMs(rttOut)} outside it (${fmt(slower)}× ${slower >= 1 ? 'slower' : 'as long'})`
        : `, median ${fmtMs(rttIn)}`)
      + (legitRetried ? `; ${plural(legitRetried, 'client')} had to retransmit ${legitRetried === 1 ? 'its' : 'their'} SYN` : '') + '.');
  } else if (legitFailed) {
    parts.push(`No legitimate handshake completed during the flood; ${plural(legitFailed, 'client')} retried in vain.`);
  }

  const numbers: Record<string, number | string> = {
    'start': clock.format(startNs),
    'end': clock.format(endNs),
    'duration (s)': round(durationS, 3),
    'flood SYNs': syns,
    'mean SYN rate (/s)': round(meanRate, 1),
    'peak SYN rate (/s)': round(peakRate, 1),
    'distinct sources': sources,
    'look spoofed': spoofed ? 'yes' : 'no',
    'SYNs never retransmitted (%)': round(noRetrans * 100, 1),
    'SYN cookies': cookies === null ? 'unknown' : cookies ? 'yes' : 'no',
    'legitimate handshakes during flood': legitIn.length,
    'legitimate handshakes outside flood': legitOut.length,
    'median legitimate RTT during flood (ms)': Number.isFinite(rttIn) ? round(rttIn * 1000, 2) : 'n/a',
    'median legitimate RTT outside flood (ms)': Number.isFinite(rttOut) ? round(rttOut * 1000, 2) : 'n/a',
    'legitimate clients that retransmitted their SYN': legitRetried,
  };
  if (Number.isFinite(slower)) numbers['slowdown (×)'] = round(slower, 1);
  if (cookieHow) numbers['SYN cookies recognised by'] = cookieHow;

  const ids = attack.map((x) => x.id);
  const story: Story = {
    kind: 'syn-flood',
    title: `SYN flood on ${target}`,
    sentence: parts.join(' '),
    numbers,
    advice: (cookies
      ? 'SYN cookies kept the server answering; keep them on (net.ipv4.tcp_syncookies=1). '
      : 'Turn on SYN cookies (net.ipv4.tcp_syncookies=1) so a full SYN queue does not lock out real clients. ')
      + 'Enlarge the listen backlog (net.ipv4.tcp_max_syn_backlog, net.core.somaxconn and the application\'s listen() backlog), '
      + 'rate-limit new connections per source upstream (firewall, load balancer, DDoS scrubbing), '
      + 'and drop forged sources at the edge (BCP 38 ingress filtering).',
    findings: [f.id],
    flows: capFlows(ids),
    flowCount: num(d, 'flows', 'halfOpen', 'syns') ?? ids.length,
    series: floodSeries(ctx, legit),
  };
  return { story, window: { server: v.ip, port: v.port, startNs, endNs } };
}

/** Timeline bins grouped to about one second each. */
function secondBins(ctx: StoryContext): { group: number; widthS: number; startNs: number; n: number } | null {
  const tl = ctx.result.timeline;
  const startNs = ctx.clock.ns(tl.start);
  if (!Number.isFinite(startNs) || !(tl.binSeconds > 0) || tl.syn.length === 0) return null;
  const group = Math.max(1, Math.round(1 / tl.binSeconds));
  return { group, widthS: group * tl.binSeconds, startNs, n: Math.ceil(tl.syn.length / group) };
}

/** Busiest ~1 s of SYNs in the flood's span, from the timeline (which counts every SYN). */
function peakSynRate(ctx: StoryContext, fromNs: number, toNs: number): number {
  const tl = ctx.result.timeline;
  const startNs = ctx.clock.ns(tl.start);
  if (!Number.isFinite(startNs) || !(tl.binSeconds > 0)) return 0;
  const binNs = secondsToNs(tl.binSeconds);
  const k = Math.max(1, Math.round(1 / tl.binSeconds));
  let best = 0;
  let sum = 0;
  for (let i = 0; i < tl.syn.length; i++) {
    sum += tl.syn[i];
    if (i >= k) sum -= tl.syn[i - k];
    const binEnd = startNs + (i + 1) * binNs;
    if (binEnd > fromNs && startNs + (i + 1 - k) * binNs <= toNs) best = Math.max(best, sum);
  }
  return best / (k * tl.binSeconds);
}

function floodSeries(ctx: StoryContext, legit: readonly Flow[]): StorySeries[] {
  const b = secondBins(ctx);
  if (!b) return [];
  const tl = ctx.result.timeline;
  const rate = new Array<number>(b.n).fill(0);
  for (let i = 0; i < tl.syn.length; i++) rate[Math.floor(i / b.group)] += tl.syn[i];
  const rtts: number[][] = Array.from({ length: b.n }, () => []);
  const widthNs = secondsToNs(b.widthS);
  for (const x of legit) {
    const i = Math.floor((ctx.clock.ns(x.start) - b.startNs) / widthNs);
    if (i >= 0 && i < b.n) rtts[i].push(x.handshake.rtt!);
  }
  const start = ctx.clock.format(b.startNs);
  return [
    { label: 'SYNs per second', unit: 'SYN/s', start, binSeconds: b.widthS, values: rate.map((n) => round(n / b.widthS, 1)) },
    // 0 where no legitimate handshake completed in that second.
    { label: 'legitimate handshake RTT (median)', unit: 'ms', start, binSeconds: b.widthS,
      values: rtts.map((r) => (r.length ? round(median(r) * 1000, 2) : 0)) },
  ];
}
