// More flows open at once than the engine keeps in memory (maxActiveFlows): flows are finished
// early, and their later packets must not be counted as new flows. tshark numbers one tcp.stream
// per connection however long it stays open; found by scripts/bench/memory.mjs, where 10^6
// connections open at once came out as ~2 × 10^6 flows (each closing RST became a flow).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writePcap } from '../../helpers/pcapWriter';
import { host } from '../../../src/gen/index';
import { tcpFrame } from './fixtures';
import { runPipeline } from './pipeline';

const SYN = 0x02, ACK = 0x10, RST = 0x04;

test('connections outliving the active-flow limit are still one flow each', async () => {
  const server = host('198.51.100.10');
  const N = 2000;
  const packets: { sec: number; frac: number; data: Uint8Array }[] = [];
  let us = 0;
  const at = (data: Uint8Array) => { packets.push({ sec: 1767225600 + Math.floor(us / 1e6), frac: us % 1e6, data }); us += 100; };
  const clients = Array.from({ length: N }, (_, i) => host(`10.0.${i >> 8}.${i & 0xff}`));
  // Every connection completes its handshake before the first one closes…
  clients.forEach((c, i) => {
    at(tcpFrame(c, server, { srcPort: 40000, dstPort: 443, flags: SYN, seq: i * 10 }));
    at(tcpFrame(server, c, { srcPort: 443, dstPort: 40000, flags: SYN | ACK, seq: 7, ack: i * 10 + 1 }));
    at(tcpFrame(c, server, { srcPort: 40000, dstPort: 443, flags: ACK, seq: i * 10 + 1, ack: 8 }));
  });
  // …then each closes with a RST.
  clients.forEach((c, i) => at(tcpFrame(c, server, { srcPort: 40000, dstPort: 443, flags: RST | ACK, seq: i * 10 + 1, ack: 8 })));
  const run = await runPipeline(writePcap(packets), { config: { maxActiveFlows: 100 } });
  const r = run.result!;
  assert.equal(r.summary.flows, N, 'one flow per connection, as tshark counts tcp.stream');
  assert.equal(r.flows.length, N);
  // No flow made of a lone closing RST: each listed flow is a connection with its SYN.
  assert.deepEqual(r.flows.filter((f) => f.syn !== 1).map((f) => f.id), []);
});
