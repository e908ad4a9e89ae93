/**
 * Story 1, the connection storm: a client that opens a fresh TCP connection for every request
 * to the same server (no keep-alive, no pool), paying a handshake round trip each time.
 */
import type { Story } from '../engine/result';
import { NS_PER_SECOND } from './clock';
import { Connects, formatEndpoint, synRef } from './connects';
import { capFlows, StoryContext } from './context';
import { fmt, plural } from './format';
import { formatDuration } from '../engine/describe';
import { groupStories, Told } from './group';
import { Grouping } from './grouping';
import { binWidthFor, countPerBin, median, peakInWindow, round } from './stats';

/** Most bins in a story's chart; longer storms get wider bins. */
const MAX_BINS = 600;

export function connectionStorms(ctx: StoryContext, connects: Connects): Story[] {
  const told: Told[] = [];
  for (const list of pairsOf(connects, ctx.config.stormMinConnections)) {
    const t = stormOf(ctx, connects, list);
    if (t) told.push(t);
  }
  told.sort((a, b) => b.story.flowCount - a.story.flowCount);
  return groupStories(told, ['client → server pair', 'client → server pairs']);
}

/**
 * The connects that paid a full handshake, by client → server pair (indices), for clients with
 * at least `min` of them in all. A function of its own, and its first loop too, as hangingConnects'
 * targetsOf: a loop over every connect is compiled while it runs (OSR), and that code is thrown
 * away at the first unrun line after the loop.
 */
function pairsOf(connects: Connects, min: number): number[][] {
  const { serverIp, serverPort, clientIp } = connects;
  // Only connections that were established paid the full handshake a pool would have saved.
  // A client with fewer such connects in all than a storm needs to one server has no storm: on
  // the bench mix nearly every client → server pair was a group of one (46,757 of 48,358
  // connects), each a list and a map entry made for nothing.
  const paid = new Uint8Array(connects.size);
  const perClient = new Map<string, number>();
  countPaid(connects, paid, perClient);
  const pairs = new Grouping<number>();
  for (let i = 0; i < connects.size; i++) {
    if (paid[i] === 1 && perClient.get(clientIp[i])! >= min) pairs.add(i, serverIp[i], serverPort[i], clientIp[i]);
  }
  return pairs.groups;
}
function countPaid(connects: Connects, paid: Uint8Array, perClient: Map<string, number>): void {
  const { outcome, clientIp } = connects;
  for (let i = 0; i < connects.size; i++) {
    if (outcome[i] !== 'answered' || !connects.hasRtt(i)) continue;
    paid[i] = 1;
    perClient.set(clientIp[i], (perClient.get(clientIp[i]) ?? 0) + 1);
  }
}

/** What a connection-churn finding says (its rule in findings/registry.ts). */
export interface Churn { client: string; target: string; connections: number; peakPerSecond: number; requestsPerConnection: number }

export function churnMessage(c: Churn): string {
  return `${c.client} opened ${c.connections} new connections to ${c.target} (peak ${c.peakPerSecond}/s), `
    + `about ${plural(c.requestsPerConnection, 'request')} each: no connection reuse`;
}

/** `list`: indices into `cs` of one client → server pair's answered connects. */
function stormOf(ctx: StoryContext, cs: Connects, list: number[]): Told | null {
  const { config } = ctx;
  if (list.length < config.stormMinConnections) return null;
  const { startNs, id, exchanges, rttNs, lifetimeNs } = cs;
  list.sort((a, b) => startNs[a] - startNs[b] || id[a] - id[b]);
  const starts = list.map((i) => startNs[i]);
  const peak = peakInWindow(starts, NS_PER_SECOND);
  if (peak.count < config.stormMinPerSecond) return null;
  const medianRequests = median(list.map((i) => exchanges[i]));
  if (medianRequests > config.stormMaxRequestsPerConnection) return null;
  // Short-lived: most of them also closed inside the capture. A pool opened in a burst and
  // then kept open is not churn, even if each of its connections carried few requests.
  const closed = list.filter((i) => cs.reset[i] !== null || cs.fin[i].client || cs.fin[i].server).length;
  if (closed * 2 < list.length) return null;

  const first = list[0];
  const client = cs.clientIp[first];
  const target = formatEndpoint(cs.serverIp[first], cs.serverPort[first]);
  const spanNs = starts[starts.length - 1] - starts[0];
  // Mean over the whole seconds the storm touches: 500 connects spread over 0 … 9.98 s are 50/s.
  const seconds = Math.floor(spanNs / NS_PER_SECOND) + 1;
  const meanPerSecond = list.length / seconds;
  const rttS = median(list.map((i) => rttNs[i] / NS_PER_SECOND));
  const share = median(list.filter((i) => lifetimeNs[i] > 0).map((i) => Math.min(1, rttNs[i] / lifetimeNs[i])));
  const requests = list.reduce((sum, i) => sum + exchanges[i], 0);
  const perConnection = requests / list.length;
  const savedS = list.length * rttS;
  const flows = list.map((i) => id[i]);

  const binNs = binWidthFor(spanNs + 1, MAX_BINS, NS_PER_SECOND);
  const bins = Math.floor(spanNs / binNs) + 1;
  const binSeconds = binNs / NS_PER_SECOND;
  const perSecond = countPerBin(starts, starts[0], binNs, bins).map((n) => round(n / binSeconds, 2));

  const details = {
    client, server: target, connections: list.length,
    peakPerSecond: peak.count, peakAt: ctx.clock.format(peak.at), meanPerSecond: round(meanPerSecond, 2),
    medianHandshakeRtt: rttS, medianHandshakeShare: Number.isFinite(share) ? share : null,
    requests, requestsPerConnection: round(perConnection, 2), medianRequestsPerConnection: medianRequests,
    closedConnections: closed, handshakeTimeSaved: savedS,
    start: ctx.clock.format(starts[0]), end: ctx.clock.format(starts[starts.length - 1]),
  };
  const finding = ctx.addFinding({
    code: 'connection-churn',
    message: churnMessage({ client, target, connections: list.length, peakPerSecond: peak.count, requestsPerConnection: perConnection }),
    flows: capFlows(flows), ...synRef(ctx.flows, id[first]), details,
  });

  const sharePct = Number.isFinite(share) ? `${round(share * 100)}% of its lifetime` : 'its whole life';
  const story: Story = {
    kind: 'connection-storm',
    title: `Connection storm: ${client} → ${target}`,
    sentence: `${client} opened ${list.length} new TCP connections to ${target} in ${seconds} s `
      + `(${fmt(meanPerSecond)}/s on average, ${peak.count} in the busiest second), carrying about `
      + `${plural(perConnection, 'request')} each. Every one paid a full handshake `
      + `(median ${formatDuration(rttS)}, ${sharePct}); reusing connections would have saved about `
      + `${formatDuration(savedS)} of waiting.`,
    numbers: {
      'connections': list.length,
      'peak connections/s (1 s window)': peak.count,
      'mean connections/s': round(meanPerSecond, 2),
      'median handshake RTT (ms)': round(rttS * 1000, 2),
      'median share of lifetime in handshake (%)': Number.isFinite(share) ? round(share * 100, 1) : 'n/a',
      'requests per connection': round(perConnection, 2),
      'handshake time saved by reuse (s)': round(savedS, 3),
    },
    advice: `Reuse connections: enable HTTP keep-alive (or the protocol's equivalent) and use a connection `
      + `pool in ${client}'s client for ${target}, so one handshake serves many requests. `
      + 'Check that the server does not close idle connections too early (Connection: close, short idle timeouts).',
    findings: [finding.id],
    flows: capFlows(flows),
    flowCount: flows.length,
    series: [{
      label: 'new connections per second', unit: 'conn/s', start: ctx.clock.format(starts[0]),
      binSeconds, values: perSecond,
    }],
  };
  return {
    story,
    rows: [{
      pair: `${client} → ${target}`,
      text: `${list.length} new connections, peak ${peak.count}/s, about ${plural(perConnection, 'request')} each`,
    }],
  };
}
