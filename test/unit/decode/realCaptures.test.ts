/**
 * Real captures from Zeek's and tcpdump's test suites whose TCP sits in encapsulations the
 * decoder did not know (NFLOG, GTP-U, Aruba GRE with 802.11, Cisco HDLC, radiotap, ERSPAN III):
 * they used to give 0 flows and no warning. Each is compared with tshark's reading of it
 * (test/fixtures/decode/real/*.tshark.json, written by real-truth.mjs).
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { repoRoot } from '../capture/tsharkCheck';

const DIR = join(repoRoot(), 'test/fixtures/decode/real');

interface Truth {
  frames: number;
  chains: Record<string, number>;
  streams: Array<{ endpoints: string[]; frames: number; firstFrame: number; handshakeComplete: boolean }>;
}

/**
 * Frames neither tshark nor we can look into, which we must report (one problem per kind):
 * the protocol chain tshark ends them with, and what our problem says.
 */
const UNDECODABLE: Record<string, { chain: string; message: RegExp; why: string }> = {
  'tcpdump-erspan-type-iii-ft-7.pcap': {
    chain: 'eth:ethertype:ip:gre:erspan:data', message: /^(\d+) packets in ERSPAN type III with frame type 7 \(not Ethernet\) were not decoded \(the first is frame 1\)$/,
    why: 'ERSPAN III frame type 7 is not an Ethernet frame: tshark shows the payload as data too',
  },
  'tcpdump-ieee802.11_rx-stbc.pcap': {
    chain: 'radiotap:wlan_radio:wlan:data', message: /^(\d+) packets of encrypted \(protected\) 802\.11 data were not decoded \(the first is frame 1\)$/,
    why: 'protected data frames: without the keys tshark shows the body as data too',
  },
  'zeek-gtp9_unknown_or_too_short_payload.pcap': {
    chain: 'eth:ethertype:ip:udp:gtp', message: /^(\d+) packets? in GTP-U whose payload is not IP (was|were) not decoded \(the first is frame 12\)$/,
    why: 'a G-PDU whose payload starts with neither IPv4 nor IPv6: tshark stops at gtp too',
  },
};

const captures = readdirSync(DIR).filter((f) => /\.pcap(ng)?$/.test(f)).sort();

describe('real captures in encapsulations vs tshark', () => {
  it('has a tshark reading of every capture', () => {
    assert.ok(captures.length >= 10);
    for (const c of captures) readFileSync(join(DIR, `${c}.tshark.json`));
  });
  for (const name of captures) {
    it(name, async () => {
      const truth = JSON.parse(readFileSync(join(DIR, `${name}.tshark.json`), 'utf8')) as Truth;
      const { result } = await analyzeFile(join(DIR, name), { maxFlows: 1e9 });
      assert.equal(result.capture.packets, truth.frames);
      assert.equal(result.capture.decoded?.unknownLinkType, 0, 'every link type is read');
      // One flow per tshark stream: same endpoints, frames, first frame and handshake.
      const ours = result.flows.map((f) => ({
        endpoints: [`${f.client.ip}:${f.client.port}`, `${f.server.ip}:${f.server.port}`].sort(),
        frames: f.packets.client + f.packets.server, firstFrame: f.firstPacket, handshakeComplete: f.handshake.complete,
      }));
      const key = (s: { firstFrame: number }) => s.firstFrame;
      const theirs = truth.streams.map(({ endpoints, frames, firstFrame, handshakeComplete }) => ({ endpoints, frames, firstFrame, handshakeComplete }));
      assert.deepEqual(ours.sort((a, b) => key(a) - key(b)), theirs.sort((a, b) => key(a) - key(b)));
      const want = UNDECODABLE[name];
      const messages = result.capture.problems.map((p) => p.message);
      if (!want) {
        assert.deepEqual(messages, [], 'nothing left undecoded');
        return;
      }
      assert.equal(messages.length, 1, want.why);
      const m = want.message.exec(messages[0]);
      assert.ok(m, messages[0]);
      assert.equal(Number(m[1]), truth.chains[want.chain], want.why);
    });
  }
});
