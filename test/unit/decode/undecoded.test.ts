/**
 * Frames the decoder cannot read are reported in capture.problems, one entry per kind with its
 * count and first frame, instead of an empty capture that looks healthy (issue 17). Traffic it
 * does read but that is not TCP (UDP, ICMP, ARP) is no problem.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { readCaptureChunks } from '../../../src/core/capture/readCapture';
import { Analyzer } from '../../../src/core/engine/analyzer';
import type { AnalysisResult } from '../../../src/core/engine/result';
import { gzip, writePcap, writePcapng } from '../../helpers/pcapWriter';
import { ethernet, ipv4, tcp, u16, udp } from './frames';

async function analyze(bytes: Uint8Array): Promise<AnalysisResult> {
  const a = new Analyzer();
  const read = await readCaptureChunks((async function* () { yield bytes; })(), (p) => a.addPacket(p));
  return a.finish(read, 'test.pcap');
}

const frames = (list: number[][]) => list.map((b, i) => ({ sec: 1700000000 + i, frac: 0, data: Uint8Array.from(b) }));
const OUTER = { src: [203, 0, 113, 1], dst: [203, 0, 113, 2] };
const syn = () => ipv4(6, tcp());
const gre = (type: number, payload: number[]) => [...ethernet(0x0800), ...ipv4(47, [0, 0, ...u16(type), ...payload], OUTER)];
/** 802.11 data frame from the AP with the Protected bit: its body is ciphertext. */
const protectedWlan = () => [0x08, 0x42, 0, 0, ...new Array(18).fill(1), 0x10, 0, 1, 2, 3, 0x20, 0, 0, 0, 0, ...new Array(40).fill(0x5a)];

describe('undecodable frames in capture.problems', () => {
  it('an unknown link type: one problem with the count and the first frame, not an empty healthy capture', async () => {
    const r = await analyze(writePcap(frames(new Array(412).fill(syn())), { linkType: 147 }));
    assert.equal(r.summary.flows, 0);
    assert.deepEqual(r.capture.problems, [{ offset: 24, packet: 0, message: '412 packets of link type 147 were not decoded (link type not supported) (the first is frame 1)', kind: 'undecoded' }]);
    assert.equal(r.capture.decoded?.unknownLinkType, 412);
    assert.deepEqual(r.findings.filter((f) => f.code === 'capture-damaged'), [], 'not reported as damage');
  });

  it('is silent for traffic it reads that is not TCP (UDP, ICMP, ARP) and for TCP', async () => {
    const r = await analyze(writePcap(frames([
      [...ethernet(0x0800), ...syn()],
      [...ethernet(0x0800), ...ipv4(17, udp(53, 53, [1, 2, 3, 4]))],
      [...ethernet(0x0800), ...ipv4(1, [8, 0, 0, 0, 0, 1, 0, 1])],
      [...ethernet(0x0806), 0, 1, 8, 0, 6, 4, 0, 1, ...new Array(20).fill(0)],
    ])));
    assert.deepEqual(r.capture.problems, []);
    assert.equal(r.summary.flows, 1);
  });

  it('one problem per kind, in order of first appearance, on the interface that has them', async () => {
    const packets = [
      ...new Array(3).fill(gre(0x88b5, syn())),
      ...new Array(2).fill(gre(0x8200, protectedWlan())),
      gre(0x88b5, syn()),
      [...ethernet(0x0800), ...syn()],
    ];
    const r = await analyze(writePcap(frames(packets)));
    assert.deepEqual(r.capture.problems.map((p) => [p.packet, p.message]), [
      [0, '4 packets tunnelled in GRE with protocol type 0x88b5 were not decoded (the first is frame 1)'],
      [3, '2 packets of encrypted (protected) 802.11 data were not decoded (the first is frame 4)'],
    ]);
    assert.equal(r.summary.flows, 1);
  });

  it('a pcapng with a known and an unknown interface names only the unknown link type', async () => {
    const r = await analyze(writePcapng([{
      interfaces: [{ linkType: 1 }, { linkType: 148 }],
      blocks: [0, 1, 1].map((iface, i) => ({ kind: 'packet' as const, packet: { iface, ticks: BigInt(1700000000 + i) * 1000000n, data: Uint8Array.from([...ethernet(0x0800), ...syn()]) } })),
    }]));
    assert.deepEqual(r.capture.problems.map((p) => p.message), ['2 packets of link type 148 were not decoded (link type not supported) (the first is frame 2)']);
    assert.equal(r.summary.flows, 1);
  });

  it('fragments of one datagram without end (gzip, as reported): counted as dropped, memory bounded', async () => {
    // Fragment offset 0 with More Fragments, the same datagram 5,000 times.
    const frag = [...ethernet(0x0800), ...ipv4(6, new Array(1400).fill(0x41), { flagsFrag: 0x2000 })];
    const r = await analyze(gzip(writePcap(frames(new Array(5000).fill(frag)))));
    assert.equal(r.capture.decoded?.fragments, 5000);
    assert.equal(r.capture.problems.length, 1);
    assert.match(r.capture.problems[0].message, /^4,883 IP fragments were dropped before reassembly \(19 datagrams over the limits .* \(the first is frame 257\)$/);
    assert.equal(r.capture.problems[0].packet, 256);
  });
});
