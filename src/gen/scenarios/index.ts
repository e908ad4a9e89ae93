/** Registry of named scenarios: name → what it shows and how to build it. */
import type { Scenario } from '../scenario';
import { connectionStorm, clientGivesUp, deployBurst, hangingConnects, keepAliveClient } from './stories';
import { synFloodCookies, synFloodLegitClients } from './floods';
import { healthy, ipv6, lostFinalAck, midstream, portReuse, refused, silentHost, simultaneousOpen, slowServer, tfo, vlan } from './handshakes';

export interface ScenarioEntry {
  build: (seed: number) => Scenario;
  description: string;
}

export const SCENARIOS: Record<string, ScenarioEntry> = {
  healthy: { build: healthy, description: 'six healthy handshakes with a request each and an orderly close (packet comments in the pcapng)' },
  'lost-final-ack': { build: lostFinalAck, description: 'server-side view: the final ACK is lost twice, the server retransmits its SYN-ACK after 1 s and 2 s' },
  'silent-host': { build: silentHost, description: 'SYN retransmissions to a host that never answers: 1, 2, 4, 8, 16, 32 s' },
  refused: { build: refused, description: 'SYNs to closed ports answered by RST+ACK, and one open port for contrast' },
  'slow-server': { build: slowServer, description: 'SYN-ACKs delayed 0.4–2.4 s by a busy server next to a fast one' },
  'simultaneous-open': { build: simultaneousOpen, description: 'both ends send SYN, both answer SYN-ACK' },
  tfo: { build: tfo, description: 'TCP Fast Open: cookie request, then a SYN with cookie and data' },
  'port-reuse': { build: portReuse, description: 'the same 4-tuple opened three times with new ISNs' },
  ipv6: { build: ipv6, description: 'IPv6 handshakes, one SYN retransmission, one refused' },
  vlan: { build: vlan, description: 'connections on VLAN 100 and 200 and in QinQ 300/10' },
  midstream: { build: midstream, description: 'capture starts mid-connection: data and teardown without handshakes' },
  'syn-flood-cookies': { build: synFloodCookies, description: '600 spoofed SYNs in 0.6 s answered with SYN-cookie SYN-ACKs (never retransmitted); three legitimate clients complete' },
  'syn-flood-legit-clients': { build: synFloodLegitClients, description: 'a flood with legitimate clients before, during (slower, some SYN retransmissions) and after' },
  'connection-storm': { build: connectionStorm, description: 'one client opens a new short connection per request: 50/s to the same server' },
  'hanging-connects': { build: hangingConnects, description: 'connects without timeout pile up against an unresponsive database' },
  'keepalive-client': { build: keepAliveClient, description: 'negative for connection storm: 210 requests over 3 keep-alive connections' },
  'client-gives-up': { build: clientGivesUp, description: 'negative for hanging connects: one SYN retransmission, then the client gives up after 3 s' },
  'deploy-burst': { build: deployBurst, description: 'negative for flood/storm: 40 clients reconnect once each within a second after a deploy' },
};
