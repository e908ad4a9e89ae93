/**
 * The flows a SYN-flood story reads: to each flooded server, every completed handshake (the
 * legitimate clients) and the first FLOOD_SAMPLE of the others. The flood's own connections are
 * judged on a sample (their counts come exact from the engine), so a flood of 10^7 sources costs
 * no more than 10^4. One pass over the flows for every flooded server at once, each flow copied
 * as the few numbers the story reads.
 */
import type { Flow } from '../engine/result';
import type { Clock } from './clock';
import type { FlowSource, StoryFlow } from './storyFlow';

/** Connections to a flooded server that did not complete, read for the story. */
export const FLOOD_SAMPLE = 10_000;

export interface Victim { ip: string; port: number | null }

/** What the flood story reads of a flow (the client's address, rarely needed, from FlowSource.get). */
export interface FloodFlow {
  id: number;
  clientPort: number;
  /** clock.ns(start). */
  startNs: number;
  syn: number;
  synAck: number;
  synRetransmissions: number;
  clientPayload: number;
  complete: boolean;
  rtt: number | null;
  reset: Flow['reset'];
}

/** Each victim's flows (see above), in id order. */
export function victimFlows(flows: FlowSource, clock: Clock, victims: readonly Victim[]): FloodFlow[][] {
  const lists: FloodFlow[][] = victims.map(() => []);
  if (victims.length === 0) return lists;
  const others = victims.map(() => 0);
  const byServer = new Map<number | string, number[]>();
  victims.forEach((v, i) => {
    const key = flows.keyOf(v.ip);
    const at = byServer.get(key);
    if (at) at.push(i);
    else byServer.set(key, [i]);
  });
  flows.forEach((x) => {
    const mine = byServer.get(x.serverKey);
    if (!mine) return;
    // Indexed, as every flow to a flooded server asks (see hangingConnects' inFlood).
    for (let k = 0; k < mine.length; k++) {
      const i = mine[k];
      const v = victims[i];
      if ((v.port === null || x.serverPort === v.port) && (x.complete || others[i]++ < FLOOD_SAMPLE)) lists[i].push(floodFlow(x, clock));
    }
  });
  return lists;
}

function floodFlow(x: StoryFlow, clock: Clock): FloodFlow {
  return {
    id: x.id, clientPort: x.clientPort, startNs: x.startNs(clock), syn: x.syn, synAck: x.synAck,
    synRetransmissions: x.synRetransmissions, clientPayload: x.clientPayload, complete: x.complete, rtt: x.rtt, reset: x.reset,
  };
}

/** A connection attempt that failed: no handshake, and not refused by the server. */
export function failed(flow: FloodFlow): boolean {
  return flow.syn > 0 && !flow.complete && flow.reset !== 'server' && flow.reset !== 'both';
}

/** A flood SYN: the "client" never completed, never sent data and never retried (no real TCP stack behind it). */
export function looksForged(flow: FloodFlow): boolean {
  return failed(flow) && flow.clientPayload === 0 && flow.synRetransmissions === 0;
}
