/**
 * Story 3, the SYN flood. The engine's `syn-flood` finding holds the aggregate (exact counts over
 * every flow, even when the result lists only some); this story reads its details, adds what the
 * listed flows show (who got through, how much slower), and says it in plain words. It makes no
 * finding of its own.
 */
import type { Finding, Story, StorySeries } from '../engine/result';
import { NS_PER_SECOND, secondsToNs } from './clock';
import { formatEndpoint } from './connects';
import { capFlows, StoryContext } from './context';
import { fmt, plural } from './format';
import { formatDuration } from '../engine/describe';
import { groupStories, Told } from './group';
import type { FloodWindow } from './hangingConnects';
import { failed, looksForged, victimFlows, type FloodFlow, type Victim } from './floodFlows';
import { median, round } from './stats';

export function synFloods(ctx: StoryContext): { stories: Story[]; windows: FloodWindow[] } {
  const told: Told[] = [];
  const windows: FloodWindow[] = [];
  const floods: { finding: Finding; victim: Victim }[] = [];
  for (const finding of ctx.result.findings) {
    if (finding.code !== 'syn-flood') continue;
    const victim = victimOf(ctx, finding);
    if (victim) floods.push({ finding, victim });
  }
  const flows = victimFlows(ctx.flows, ctx.clock, floods.map((x) => x.victim));
  floods.forEach(({ finding, victim }, i) => {
    const story = floodStory(ctx, finding, victim, flows[i]);
    windows.push(story.window);
    told.push({ story: story.story, rows: [story.row] });
  });
  told.sort((a, b) => b.story.flowCount - a.story.flowCount);
  return { stories: groupStories(told, ['flooded target', 'flooded targets']), windows };
}

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
  const t = d.target as { ip?: unknown; port?: unknown } | undefined;
  if (t && typeof t === 'object' && typeof t.ip === 'string') {
    return { ip: t.ip, port: typeof t.port === 'number' ? t.port : null };
  }
  const raw = str(d, 'server', 'target', 'victim', 'serverIp');
  if (raw) {
    const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(raw) ?? /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(raw);
    if (m) return { ip: m[1], port: Number(m[2]) };
    if (/^[0-9a-fA-F.:]+$/.test(raw)) return { ip: raw, port: num(d, 'serverPort', 'port') };
  }
  const votes = new Map<string, { v: Victim; n: number }>();
  for (const id of f.flows) {
    const flow = ctx.flows.get(id);
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

/**
 * Linux retransmits an unanswered SYN after 1 s (RFC 6298's initial RTO); half a second more
 * for jitter. A SYN this old at capture end that was never retransmitted had no real TCP stack
 * behind it (or one that gave up at once, which clients do not do).
 */
const RETRY_DUE_NS = 1.5 * NS_PER_SECOND;
/** Flood connections that must show their behaviour before we judge the sources. */
const MIN_SPOOF_EVIDENCE = 10;

export type SpoofVerdict = 'likely' | 'unlikely' | 'unknown';

/**
 * Are the flood's sources forged? A real TCP stack behind a source address either ACKs the
 * SYN-ACK it gets, answers it with a RST (the address's owner never sent the SYN), or
 * retransmits a SYN that got no answer. A forged SYN does none of that: its SYN-ACK goes to an
 * address that never answers, and nothing retransmits. Random source ports and a single SYN
 * per source add to it; reused source addresses (a flooder cycling through a list) do not
 * speak against it, which is why "one SYN per source" alone is no test.
 */
function spoofing(ctx: StoryContext, flood: readonly FloodFlow[], sources: number, halfOpen: number): {
  verdict: SpoofVerdict; evidence: string[]; silentShare: number; judged: number;
} {
  let answered = 0, answeredSilent = 0, due = 0, dueSilent = 0, backscatter = 0;
  for (const x of flood) {
    const silent = x.synRetransmissions === 0 && x.clientPayload === 0;
    if (x.synAck > 0) {
      answered++;
      if (silent) answeredSilent++;
      if (silent && x.reset === 'client') backscatter++;
    } else if (ctx.captureEndNs - x.startNs >= RETRY_DUE_NS) {
      due++;
      if (silent) dueSilent++;
    }
  }
  const judged = answered + due;
  const silentShare = judged ? (answeredSilent + dueSilent) / judged : NaN;
  const evidence: string[] = [];
  if (answered) {
    evidence.push(answeredSilent === answered
      ? `none of the ${plural(answered, 'SYN-ACK')} was ACKed`
      : `${fmt(answeredSilent)} of ${plural(answered, 'SYN-ACK')} were never ACKed`);
  }
  if (due) {
    evidence.push(dueSilent === due
      ? `none of the ${plural(due, 'unanswered SYN')} was retransmitted`
      : dueSilent === 0 ? `all ${plural(due, 'unanswered SYN')} were retransmitted`
        : `${fmt(dueSilent)} of ${plural(due, 'unanswered SYN')} were never retransmitted`);
  }
  if (judged && silentShare < 0.9) evidence.push(`${round((1 - silentShare) * 100)}% ACKed a SYN-ACK or retransmitted their SYN`);
  if (backscatter) evidence.push(`${plural(backscatter, 'SYN-ACK')} drew a RST from a host that never sent the SYN`);
  // Random source ports are shown by their own number ('distinct source ports').
  if (sources >= 0.9 * halfOpen) evidence.push('almost every source sent a single SYN');
  else if (sources > 0) evidence.push(`the ${fmt(sources)} source addresses were used about ${fmt(Math.round(halfOpen / sources))} times each`);
  const verdict: SpoofVerdict = judged < MIN_SPOOF_EVIDENCE ? 'unknown'
    : silentShare >= 0.9 ? 'likely' : silentShare <= 0.5 ? 'unlikely' : 'unknown';
  return { verdict, evidence, silentShare, judged };
}

/** `flows`: the victim's completed handshakes and a sample of the rest (floodFlows.ts). */
function floodStory(ctx: StoryContext, f: Finding, v: Victim, flows: readonly FloodFlow[]): { story: Story; window: FloodWindow; row: { pair: string; text: string } } {
  const { clock } = ctx;
  const d = f.details;
  const forged = flows.filter(looksForged);
  // The flood's span: the engine's (its finding's time is the first failed SYN, spanSeconds runs
  // to the last), else the span of the forged SYNs we can see.
  let startNs = clock.ns(str(d, 'start') ?? f.time);
  const span = num(d, 'spanSeconds');
  let endNs = span !== null ? startNs + secondsToNs(span) : clock.ns(str(d, 'end'));
  if (!Number.isFinite(startNs) || !Number.isFinite(endNs)) {
    const ts = forged.map((x) => x.startNs).filter(Number.isFinite);
    startNs = ts.length ? ts.reduce((a, b) => Math.min(a, b)) : ctx.captureStartNs;
    endNs = ts.length ? ts.reduce((a, b) => Math.max(a, b)) : ctx.captureEndNs;
  }
  const during = (x: FloodFlow) => x.startNs >= startNs && x.startNs <= endNs;
  const durationS = Math.max(0, (endNs - startNs) / NS_PER_SECOND);

  const attack = forged.filter(during);
  const floodFlows = flows.filter((x) => failed(x) && during(x));
  const syns = num(d, 'syns') ?? attack.reduce((n, x) => n + x.syn, 0);
  const halfOpen = num(d, 'halfOpen') ?? attack.length;
  const sources = num(d, 'distinctSources', 'sources') ?? new Set(attack.map((x) => ctx.flows.get(x.id)!.client.ip)).size;
  // The engine counts distinct sources in a compact set that may estimate past a size.
  const sourcesApprox = d.distinctSourcesExact === false;
  const meanRate = num(d, 'synRate') ?? (durationS > 0 ? syns / durationS : syns);
  // A flood shorter than the window has no busier window than its own mean rate: no peak then.
  const peakRate = num(d, 'peakSynRate')
    ?? (durationS < peakWindowS(ctx) ? null : Math.max(meanRate, peakSynRate(ctx, startNs, endNs)));
  const noRetrans = floodFlows.length ? floodFlows.filter((x) => x.synRetransmissions === 0).length / floodFlows.length : 0;
  const answered = num(d, 'answered') ?? attack.filter((x) => x.synAck > 0).length;
  const spoof = spoofing(ctx, floodFlows, sources, halfOpen);
  const engineSays = bool(d, 'spoofed');
  const spoofed: SpoofVerdict = engineSays === null ? spoof.verdict : engineSays ? 'likely' : 'unlikely';
  const ports = floodFlows.length ? new Set(floodFlows.map((x) => x.clientPort)).size / floodFlows.length : NaN;

  const cookies = cookieVerdict(d.synCookies);
  const cookieHow = cookieEvidenceText(d.synCookieEvidence);

  // Legitimate clients: handshakes that completed. During the flood vs outside it.
  const legit = flows.filter((x) => x.complete && x.rtt !== null);
  const legitIn = legit.filter(during);
  // Exact over every flow when the engine counted it (the listed flows may be a sample).
  const legitInCount = num(d, 'completedDuringFlood') ?? legitIn.length;
  const legitOut = legit.filter((x) => !during(x));
  const rttIn = median(legitIn.map((x) => x.rtt!));
  const rttOut = median(legitOut.map((x) => x.rtt!));
  const legitRetried = legitIn.filter((x) => x.synRetransmissions > 0).length;
  const legitFailed = flows.filter((x) => during(x) && !x.complete && x.synRetransmissions > 0).length;
  const slower = Number.isFinite(rttIn) && Number.isFinite(rttOut) && rttOut > 0 ? rttIn / rttOut : NaN;

  const target = v.port === null ? v.ip : formatEndpoint(v.ip, v.port);
  const offset = (ns: number) => formatDuration(Math.max(0, (ns - ctx.captureStartNs) / NS_PER_SECOND));
  const wall = utc(clock.baseSec + Math.floor(startNs / NS_PER_SECOND));
  const from = startNs - ctx.captureStartNs < NS_PER_SECOND / 2 ? 'from the start of the capture' : `from ${offset(startNs)} into the capture`;
  // Two sentences: what hit the server, and how the server and its real clients fared. The
  // evidence behind each claim is in `numbers`.
  let who = `${plural(syns, 'SYN')} from ${sourcesApprox ? 'about ' : ''}${plural(sources, 'distinct source')}`;
  if (spoofed === 'likely') who += ', likely spoofed';
  else if (spoofed === 'unlikely') who += ' that behave like real TCP stacks (not forged addresses)';
  else if (floodFlows.length) {
    who += spoof.judged < MIN_SPOOF_EVIDENCE
      ? ' (whether spoofed cannot be told: the capture ends too soon after them to see a retry)'
      : ' (whether spoofed is unclear)';
  }
  const first = `${target} was SYN-flooded for ${formatDuration(durationS)}, ${from}${wall ? ` (${wall})` : ''}: ${who}.`;
  const server = cookies === 'yes' ? 'The server answered with SYN cookies'
    : answered === 0 ? 'The server answered none of the flood SYNs'
      : `The server answered ${plural(answered, 'flood SYN')} with a SYN-ACK`;
  const cmp = compareLegit(legitIn.length, legitOut.length, slower);
  let clients = '';
  if (legitInCount) {
    clients = `${plural(legitInCount, 'legitimate handshake')} still completed during the flood`
      + (cmp.kind === 'few' ? '' : `, ${cmp.text}`);
  } else if (legitFailed) {
    clients = `no legitimate handshake completed during the flood (${plural(legitFailed, 'client')} retried in vain)`;
  }
  const second = `${server}${clients ? `; ${clients}` : ''}.`;

  const windowLabel = `${fmt(peakWindowS(ctx))} s`;
  const numbers: Record<string, number | string> = {
    'start': clock.format(startNs),
    'end': clock.format(endNs),
    'duration (s)': round(durationS, 3),
    'flood SYNs': syns,
    'half-open connections': halfOpen,
    'mean SYN rate (/s)': round(meanRate, 1),
  };
  // Over a sliding window, so it can exceed every bar of the chart, whose bins are fixed.
  if (peakRate !== null) numbers[`peak SYN rate (/s, busiest ${windowLabel} window)`] = round(peakRate, 1);
  Object.assign(numbers, {
    'distinct sources': sources,
    // Judged on the listed flows; with too few listed (a capped result) we cannot tell.
    'spoofed sources': spoofed,
    'spoofing evidence': spoof.evidence.join('; ') || 'none',
    'distinct source ports (% of listed flood connections)': Number.isFinite(ports) ? round(ports * 100, 1) : 'n/a',
    'SYNs never retransmitted (%)': round(noRetrans * 100, 1),
    'SYN cookies': cookies,
  });
  if (cookieHow) numbers['SYN cookies recognised by'] = cookieHow;
  Object.assign(numbers, {
    'legitimate handshakes during flood': legitInCount,
    'legitimate handshakes outside flood': legitOut.length,
    'median legitimate RTT during flood (ms)': Number.isFinite(rttIn) ? round(rttIn * 1000, 2) : 'n/a',
    'median legitimate RTT outside flood (ms)': Number.isFinite(rttOut) ? round(rttOut * 1000, 2) : 'n/a',
    'legitimate clients that retransmitted their SYN': legitRetried,
  });
  if (legit.length) numbers['legitimate handshake time during the flood'] = cmp.text;

  const ids = attack.map((x) => x.id);
  const story: Story = {
    kind: 'syn-flood',
    title: `SYN flood on ${target}`,
    sentence: `${first} ${second}`,
    numbers,
    advice: (cookies === 'yes'
      ? 'SYN cookies kept the server answering; keep them on (net.ipv4.tcp_syncookies=1). '
      : 'Turn on SYN cookies (net.ipv4.tcp_syncookies=1) so a full SYN queue does not lock out real clients. ')
      + 'Enlarge the listen backlog (net.ipv4.tcp_max_syn_backlog, net.core.somaxconn and the application\'s listen() backlog), '
      + 'rate-limit new connections per source upstream (firewall, load balancer, DDoS scrubbing), '
      + 'and drop forged sources at the edge (BCP 38 ingress filtering).',
    findings: [f.id],
    flows: capFlows(ids),
    flowCount: Math.max(halfOpen, ids.length),
    series: floodSeries(ctx, legit),
  };
  const row = { pair: target, text: `${plural(syns, 'SYN')} from ${sourcesApprox ? 'about ' : ''}${plural(sources, 'source')} over ${formatDuration(durationS)}` };
  return { story, window: { server: v.ip, port: v.port, startNs, endNs }, row };
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

function floodSeries(ctx: StoryContext, legit: readonly FloodFlow[]): StorySeries[] {
  const b = secondBins(ctx);
  if (!b) return [];
  const tl = ctx.result.timeline;
  // A bar counts the SYNs of its bin (fixed bins from the timeline's start), not a rate.
  const count = new Array<number>(b.n).fill(0);
  for (let i = 0; i < tl.syn.length; i++) count[Math.floor(i / b.group)] += tl.syn[i];
  const rtts: number[][] = Array.from({ length: b.n }, () => []);
  const widthNs = secondsToNs(b.widthS);
  for (const x of legit) {
    const i = Math.floor((x.startNs - b.startNs) / widthNs);
    if (i >= 0 && i < b.n) rtts[i].push(x.rtt!);
  }
  const start = ctx.clock.format(b.startNs);
  const bin = `${fmt(b.widthS)} s bin`;
  return [
    { label: `SYNs per ${bin}`, unit: 'SYNs', start, binSeconds: b.widthS, values: count },
    // 0 where no legitimate handshake completed in that bin.
    { label: `legitimate handshake RTT (median per ${bin})`, unit: 'ms', start, binSeconds: b.widthS,
      values: rtts.map((r) => (r.length ? round(median(r) * 1000, 2) : 0)) },
  ];
}

/** The length of the sliding window the peak rate is taken over: ~1 s of timeline bins. */
function peakWindowS(ctx: StoryContext): number {
  const bin = ctx.result.timeline.binSeconds;
  return bin > 0 ? Math.max(1, Math.round(1 / bin)) * bin : 1;
}

/** Below this ratio of medians, "slower" is noise (RTT jitter, a handful of samples). */
const SLOWER_RATIO = 1.2;
/** Handshakes needed on each side (during, outside the flood) before their medians are compared. */
const MIN_COMPARE = 3;

/** During-flood legitimate handshake time against outside it, in words. */
function compareLegit(during: number, outside: number, ratio: number): { kind: 'slower' | 'same' | 'few'; text: string } {
  if (during < MIN_COMPARE || outside < MIN_COMPARE || !Number.isFinite(ratio)) {
    return { kind: 'few', text: `too few legitimate handshakes to compare (${fmt(during)} during, ${fmt(outside)} outside)` };
  }
  if (ratio < SLOWER_RATIO) return { kind: 'same', text: 'not slower than outside it' };
  return { kind: 'slower', text: `${fmt(round(ratio, 1))}× slower than outside it` };
}

/** The engine says 'likely' | 'no' | 'unknown' (older results may carry a boolean). */
function cookieVerdict(v: unknown): 'yes' | 'no' | 'unknown' {
  if (v === true || v === 'likely' || v === 'yes') return 'yes';
  if (v === false || v === 'no') return 'no';
  return 'unknown';
}

/**
 * How the engine recognised SYN cookies (every code src/core/engine/endFindings.ts emits), in
 * words: a cookie server keeps no state to retransmit a SYN-ACK from, and has to fit the
 * client's options into the cookie or its timestamp.
 */
const COOKIE_EVIDENCE: Record<string, string> = {
  'no-synack-retransmissions': 'SYN-ACKs never retransmitted',
  'few-synack-retransmissions': 'only the first few SYN-ACKs retransmitted (those sent before cookies took over)',
  'options-dropped': 'window scale and SACK offered in the SYNs dropped from the SYN-ACKs (a cookie without timestamps has no room for them)',
  'timestamp-encoded-options': 'client options encoded in the SYN-ACK timestamps',
};

function cookieEvidenceText(v: unknown): string | null {
  const codes = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
  if (codes.length === 0) return null;
  // A code this version does not know still reads as words rather than as an identifier.
  return codes.map((c) => COOKIE_EVIDENCE[c] ?? c.replace(/-/g, ' ')).join('; ');
}

/** "2026-01-01 00:00:03 UTC", or null for times no calendar holds. */
function utc(epochSeconds: number): string | null {
  const d = new Date(epochSeconds * 1000);
  if (!Number.isFinite(d.getTime())) return null;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
