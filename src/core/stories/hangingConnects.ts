/**
 * Story 2, hanging connects: clients without a connect timeout whose SYNs go unanswered (or are
 * answered late) sit in SYN_SENT through the kernel's whole retry schedule (Linux: 6 retries,
 * ~127 s) instead of failing fast, and their pending connects pile up.
 */
import type { Finding, Story } from '../engine/result';
import { NS_PER_SECOND } from './clock';
import { ConnectOutcome, Connects, formatEndpoint, synRef } from './connects';
import { capFlows, StoryContext } from './context';
import { fmt, plural } from './format';
import { formatDuration } from '../engine/describe';
import { groupStories, PairRow, Told } from './group';
import { Grouping } from './grouping';
import { binWidthFor, concurrency, round } from './stats';

const MAX_BINS = 600;

/** A time range in which a target was under a SYN flood: its slow connects are the flood's story. */
export interface FloodWindow { server: string; port: number | null; startNs: number; endNs: number }

export function hangingConnects(ctx: StoryContext, connects: Connects, floods: readonly FloodWindow[]): Story[] {
  const told: (Told & { unanswered: number })[] = [];
  for (const list of targetsOf(connects, floods)) {
    const t = storyOf(ctx, connects, formatEndpoint(connects.serverIp[list[0]], connects.serverPort[list[0]]), list);
    if (t) told.push(t);
  }
  // Worst first: clients left hanging by a silent target before servers that answered late.
  told.sort((a, b) => Number(b.unanswered > 0) - Number(a.unanswered > 0) || b.story.flowCount - a.story.flowCount);
  return groupStories(told, ['client → target pair', 'client → target pairs']);
}

/**
 * Each target's connects (indices), those in a flood window left out. A function of its own: the
 * loop over every connect is compiled on the stack (OSR) while it runs, and in hangingConnects
 * that code met the lines after the loop unrun, was thrown away there and compiled again, with
 * all of hangingConnects, for the loop over the targets.
 */
function targetsOf(connects: Connects, floods: readonly FloodWindow[]): number[][] {
  const targets = new Grouping<number>();
  for (let i = 0; i < connects.size; i++) {
    const ip = connects.serverIp[i];
    const port = connects.serverPort[i];
    if (floods.length > 0 && inFlood(floods, ip, port, connects.startNs[i])) continue;
    targets.add(i, ip, port);
  }
  return targets.groups;
}

function inFlood(floods: readonly FloodWindow[], ip: string, port: number, startNs: number): boolean {
  // Indexed: asked of every connect, and a for-of run before it is optimised makes an iterator
  // result per window (8 MB of them on the 1 GiB bench mix).
  for (let k = 0; k < floods.length; k++) {
    const f = floods[k];
    if (f.server === ip && (f.port === null || f.port === port) && startNs >= f.startNs && startNs <= f.endNs) return true;
  }
  return false;
}

const OUTCOME_WORDS: Record<ConnectOutcome, string> = {
  answered: 'answered late',
  refused: 'refused late',
  'client-reset': 'aborted by the client with a RST',
  'gave-up': 'given up after the last SYN',
  pending: 'still pending at capture end',
};

/** Answered in the end (a SYN-ACK or a RST came back): the client's wait says nothing about its timeout. */
function answeredLate(outcome: ConnectOutcome): boolean {
  return outcome === 'answered' || outcome === 'refused';
}

/** `list`: indices into `cs` of one target's connects. */
function storyOf(ctx: StoryContext, cs: Connects, target: string, list: number[]): (Told & { unanswered: number }) | null {
  const { config } = ctx;
  const thresholdNs = config.slowConnectMs * 1e6;
  const { startNs, waitEndNs, waitNs, id, outcome, clientIp } = cs;
  const slow = list.filter((i) => waitNs[i] > thresholdNs);
  if (slow.length === 0) return null;
  const late = slow.filter((i) => answeredLate(outcome[i])).length;
  const left = slow.length - late;

  // All pending connects, and those already pending past the threshold: only the second kind is a
  // pile-up (a client that fails fast after 3 s keeps few of them however busy it is).
  let from = Infinity;
  let to = -Infinity;
  // Loops over a target's connects are indexed (see inFlood).
  for (let k = 0; k < list.length; k++) { const i = list[k]; from = Math.min(from, startNs[i]); to = Math.max(to, waitEndNs[i]); }
  const binNs = binWidthFor(to - from + 1, MAX_BINS, NS_PER_SECOND);
  const bins = Math.floor((to - from) / binNs) + 1;
  const stale = concurrency(...waitsOver(cs, list, thresholdNs), from, binNs, bins);
  const pileup = stale.peak >= config.pileupMinPending;
  // A client still waiting (or that waited) past the threshold with no answer is the story on
  // its own. Late answers are: a few among many are lost SYNs answered after the retry, normal
  // loss recovery; only many of them, or a pile-up, say the server drops SYNs.
  const systematic = late >= config.lateAnswerMinConnects && late >= config.lateAnswerMinShare * list.length;
  if (left === 0 && !pileup && !systematic) return null;
  // What only a story told needs, made once it is told: most targets have none.
  slow.sort((a, b) => startNs[a] - startNs[b] || id[a] - id[b]);
  const pending = concurrency(...waitsOver(cs, list, 0), from, binNs, bins);

  const findings: Finding[] = [];
  const byClient = new Map<string, number[]>();
  for (const i of slow) {
    let l = byClient.get(clientIp[i]);
    if (!l) byClient.set(clientIp[i], (l = []));
    l.push(i);
  }
  const perClient = new Map<string, number>();
  for (let k = 0; k < list.length; k++) perClient.set(clientIp[list[k]], (perClient.get(clientIp[list[k]]) ?? 0) + 1);
  for (const [client, mine] of byClient) {
    findings.push(slowConnectFinding(ctx, cs, client, target, mine, perClient.get(client) ?? mine.length));
  }
  const server = { ip: cs.serverIp[slow[0]], port: cs.serverPort[slow[0]] };
  // Mostly answered in the end: the server (or the path) dropped SYNs and answered a retry, the
  // classic full listen queue. Mostly unanswered: the target is gone and clients do not give up.
  const droppedSyns = slow.filter((i) => outcome[i] === 'answered').length * 2 >= slow.length;
  if (pileup) {
    findings.push(ctx.addFinding({
      code: 'connect-pileup',
      message: pileupMessage({ target, peak: stale.peak, threshold: thresholdText(ctx), droppedSyns }),
      flows: capFlows(slow.map((i) => id[i])),
      packet: 0, time: ctx.clock.format(stale.peakAt),
      details: {
        server: target, peakPendingOverThreshold: stale.peak, peakAt: ctx.clock.format(stale.peakAt),
        peakPending: pending.peak, thresholdMs: ctx.config.slowConnectMs, clients: byClient.size,
      },
    }));
  }

  const chain = longestChain(cs, slow);
  const longest = longestWait(cs, slow);
  const outcomes = countOutcomes(cs, slow);
  const clients = [...byClient.keys()];
  const who = clients.length === 1 ? clients[0] : `${clients.length} clients`;
  const threshold = thresholdText(ctx);
  // A list with one unit, like its key 'its backoff intervals (s)': "1, 2, 4 s apart".
  const intervalsText = cs.synIntervals[chain].map((x) => fmt(x)).join(', ');
  const one = slow.length === 1;
  const chainText = cs.synIntervals[chain].length
    ? `${one ? 'it' : 'the longest chain'} sent ${cs.syn[chain]} SYNs, ${intervalsText} s apart, and ${endingText(cs, chain)}`
    : `${one ? 'it' : 'the longest'} ${endingText(cs, longest)}`;
  const flows = slow.map((i) => id[i]);
  const start = ctx.clock.format(from);
  const binSeconds = binNs / NS_PER_SECOND;
  const pileText = pileup
    ? ` Up to ${stale.peak} of them were pending at once, each for more than ${threshold}`
      + `${pending.peak > stale.peak ? ` (${pending.peak} pending in all)` : ''}.`
    : pending.peak > 1 ? ` At most ${pending.peak} connects were pending at once.` : '';
  // One row per target (its per-pair numbers are in the slow-connect findings).
  const rows: PairRow[] = [{ pair: `${who} → ${target}`, text: pairText(cs, slow, list.length, threshold) }];
  const story: Story = {
    kind: 'hanging-connects',
    title: clients.length === 1 ? `Hanging connects: ${clients[0]} → ${target}` : `Hanging connects to ${target} from ${clients.length} clients`,
    sentence: `${slow.length === list.length ? (list.length === 1 ? 'The only' : `All ${list.length}`) : `${slow.length} of ${list.length}`} `
      + `connect${list.length === 1 ? '' : 's'} from ${who} to ${target} waited longer than ${threshold}${one ? ':' : ';'} ${chainText}.${pileText}`,
    numbers: {
      'clients': clients.length,
      'connects': list.length,
      [`connects slower than ${threshold}`]: slow.length,
      'longest wait (s)': round(waitNs[longest] / NS_PER_SECOND, 3),
      'longest retry chain (SYNs)': cs.syn[chain],
      'its backoff intervals (s)': intervalsText || 'none',
      'how it ended': OUTCOME_WORDS[outcome[chain]],
      ...Object.fromEntries(Object.entries(outcomes).map(([k, v]) => [OUTCOME_WORDS[k as ConnectOutcome], v])),
      'peak pending connects': pending.peak,
      [`peak pending longer than ${threshold}`]: stale.peak,
    },
    advice: droppedSyns
      ? `${server.ip} answered only retransmitted SYNs on port ${server.port}: its listen queue was full (the `
        + 'application accepts too slowly or its backlog is too small) or SYNs were lost on the way. Raise the listen '
        + "backlog (the application's listen() argument, net.core.somaxconn, net.ipv4.tcp_max_syn_backlog) and accept "
        + 'faster; give clients a connect timeout and retries with jitter so a burst does not come back all at once.'
      : `Set a connect timeout in ${clients.length === 1 ? 'the client' : 'the clients'} (a few seconds; the kernel `
        + `retries a SYN for about two minutes), fail fast and retry with exponential backoff and jitter. `
        + `Then find out why ${server.ip} does not answer on port ${server.port}: host down, a firewall `
        + 'dropping SYNs, or a full listen backlog.',
    findings: [...new Set(findings.map((f) => f.id))],
    flows: capFlows(flows),
    flowCount: flows.length,
    series: [
      { label: 'pending connects', unit: 'connects', start, binSeconds, values: pending.perBin },
      { label: `pending longer than ${threshold}`, unit: 'connects', start, binSeconds, values: stale.perBin },
    ],
  };
  return { story, rows, pairs: byClient.size, unanswered: left };
}

/** "14 of 20 connects over 3 s, longest 5.2 s, 12 still pending": one client → target pair. */
/**
 * The configured threshold as the user wrote it (3000 ms → "3 s"), not as a measurement
 * ("3.0 s"): it also names story numbers and series ("connects slower than 3 s"), keys that
 * front ends and scripts look up.
 */
function thresholdText(ctx: StoryContext): string {
  return `${fmt(ctx.config.slowConnectMs / 1000)} s`;
}

function pairText(cs: Connects, slow: readonly number[], total: number, threshold: string): string {
  const longest = longestWait(cs, slow);
  const outcomes = Object.entries(countOutcomes(cs, slow)).map(([k, v]) => `${v} ${OUTCOME_WORDS[k as ConnectOutcome]}`);
  return `${slow.length} of ${plural(total, 'connect')} over ${threshold}, longest ${formatDuration(cs.waitNs[longest] / NS_PER_SECOND)}; `
    + outcomes.join(', ');
}

/**
 * The waits of `list`'s connects longer than `thresholdNs` as intervals, each from thresholdNs
 * after its first SYN to its end (0: every connect's whole wait), for concurrency.
 */
function waitsOver(cs: Connects, list: readonly number[], thresholdNs: number): [Float64Array, Float64Array] {
  let n = 0;
  for (let k = 0; k < list.length; k++) if (cs.waitNs[list[k]] > thresholdNs) n++;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  n = 0;
  for (let k = 0; k < list.length; k++) {
    const i = list[k];
    if (cs.waitNs[i] > thresholdNs) {
      starts[n] = cs.startNs[i] + thresholdNs;
      ends[n++] = cs.waitEndNs[i];
    }
  }
  return [starts, ends];
}

/** The connect with the most SYNs (ties: the longest wait). */
function longestChain(cs: Connects, list: readonly number[]): number {
  const { syn, waitNs } = cs;
  return list.reduce((a, b) => (syn[b] > syn[a] || (syn[b] === syn[a] && waitNs[b] > waitNs[a]) ? b : a));
}

/** The connect that waited longest (ties: the first). */
function longestWait(cs: Connects, list: readonly number[]): number {
  return list.reduce((a, b) => (cs.waitNs[b] > cs.waitNs[a] ? b : a));
}

function countOutcomes(cs: Connects, list: readonly number[]): Partial<Record<ConnectOutcome, number>> {
  const out: Partial<Record<ConnectOutcome, number>> = {};
  for (const i of list) out[cs.outcome[i]] = (out[cs.outcome[i]] ?? 0) + 1;
  return out;
}

/** How a connect's wait ended, as the end of a sentence. */
function endingText(cs: Connects, i: number): string {
  const after = formatDuration(cs.waitNs[i] / NS_PER_SECOND);
  switch (cs.outcome[i]) {
    case 'pending': return `was still waiting when the capture ended, ${after} after its first SYN`;
    case 'gave-up': return `then went quiet: the client gave up after its last SYN, ${after} after the first`;
    case 'client-reset': return `was aborted by the client with a RST after ${after}`;
    case 'refused': return `was refused with a RST after ${after}`;
    case 'answered': return `was answered after ${after}`;
  }
}

/** What a connect-pileup finding says (its rule in findings/registry.ts). */
export interface Pileup { target: string; peak: number; threshold: string; droppedSyns: boolean }

export function pileupMessage(p: Pileup): string {
  return `${p.peak} connects to ${p.target} were pending at once, each for more than ${p.threshold}: `
    + (p.droppedSyns ? 'the server answers only retransmitted SYNs (full listen queue?)' : 'clients keep waiting instead of failing fast');
}

/** What a slow-connect finding says: one client's slow connects to one target. */
export interface SlowConnects { client: string; target: string; connects: Connects; slow: readonly number[]; threshold: string }

export function slowConnectMessage(s: SlowConnects): string {
  const cs = s.connects;
  const chain = longestChain(cs, s.slow);
  const longest = longestWait(cs, s.slow);
  return `${plural(s.slow.length, 'connect')} from ${s.client} to ${s.target} took or stayed pending longer than `
    + `${s.threshold} (longest ${formatDuration(cs.waitNs[longest] / NS_PER_SECOND)}, `
    + `${plural(cs.syn[chain], 'SYN')})`
    + waitVerdict(cs, s.slow);
}

function slowConnectFinding(ctx: StoryContext, cs: Connects, client: string, target: string, slow: number[], total: number): Finding {
  const chain = longestChain(cs, slow);
  const longest = longestWait(cs, slow);
  return ctx.addFinding({
    code: 'slow-connect',
    message: slowConnectMessage({ client, target, connects: cs, slow, threshold: thresholdText(ctx) }),
    flows: capFlows(slow.map((i) => cs.id[i])),
    ...synRef(ctx.flows, cs.id[slow[0]]),
    details: {
      client, server: target, connects: total, slowConnects: slow.length, thresholdMs: ctx.config.slowConnectMs,
      longestWait: cs.waitNs[longest] / NS_PER_SECOND, longestWaitFlow: cs.id[longest],
      longestChain: {
        flow: cs.id[chain], syns: cs.syn[chain], intervals: cs.synIntervals[chain],
        outcome: cs.outcome[chain], endedAt: ctx.clock.format(cs.waitEndNs[chain]),
      },
      outcomes: countOutcomes(cs, slow),
    },
  });
}

/** What the waits say about the client: a connect timeout it lacks, or a server that drops SYNs. */
function waitVerdict(cs: Connects, slow: readonly number[]): string {
  const unanswered = slow.filter((i) => !answeredLate(cs.outcome[i]));
  if (unanswered.length === 0) return ': the server answered only retransmitted SYNs';
  const longest = longestWait(cs, unanswered);
  const waited = formatDuration(cs.waitNs[longest] / NS_PER_SECOND);
  // Still pending: all we know is that the client's timeout (if any) is longer than the wait so far.
  return cs.outcome[longest] === 'pending'
    ? `: no answer, and the client was still waiting after ${waited} (no connect timeout shorter than that)`
    : `: no answer, and the client kept retrying for ${waited} (no connect timeout shorter than that)`;
}
