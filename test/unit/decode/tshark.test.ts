/**
 * decodePacket against tshark on test/fixtures/decode/decode-cases.pcap: one frame per
 * encapsulation and header edge case, with tshark's fields for each in decode-cases.tshark.json
 * (made by test/fixtures/decode/generate.mjs). Deliberate differences are pinned in PINNED.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readCaptureFile } from '../../../src/core/capture/readCapture';
import { formatAddress } from '../../../src/core/decode/address';
import { decodeRecord } from '../../../src/core/decode/decodePacket';
import { Reassembler } from '../../../src/core/decode/reassembler';
import { readOptions } from '../../../src/core/decode/tcp';
import { DecodeResult, FastOpen, newTcpSegment, type TcpSegment } from '../../../src/core/decode/types';
import { lastUndecoded, Undecoded } from '../../../src/core/decode/undecoded';
import { repoRoot } from '../capture/tsharkCheck';

const DIR = join(repoRoot(), 'test/fixtures/decode');
type Frame = Record<string, string> & { case: string };
const truth = JSON.parse(readFileSync(join(DIR, 'decode-cases.tshark.json'), 'utf8')) as { frames: Frame[] };

/** Cases where we decide differently from tshark, and why. */
const PINNED: Record<string, { result: DecodeResult; why: string }> = {
  'TCP data offset 4': { result: DecodeResult.Malformed, why: 'tshark opens a stream but stops before the flags ("Bogus TCP header length"): nothing to analyse' },
};

interface Decoded { result: DecodeResult; seg: TcpSegment }

/** Decoded through the Reassembler, as tshark reassembles by default; also the stateless result. */
async function decodeAll(): Promise<Array<Decoded & { stateless: DecodeResult }>> {
  const out: Array<Decoded & { stateless: DecodeResult }> = [];
  const reassembler = new Reassembler();
  await readCaptureFile(join(DIR, 'decode-cases.pcap'), (p) => {
    const seg = newTcpSegment();
    const stateless = decodeRecord(p, newTcpSegment());
    out.push({ result: reassembler.decode(p, seg), seg, stateless });
  });
  return out;
}

const list = (v: string) => (v === '' ? [] : v.split(','));

describe('decodePacket vs tshark on synthetic edge cases', () => {
  it('has one decoded frame per tshark frame', async () => {
    assert.equal((await decodeAll()).length, truth.frames.length);
  });
  it('without reassembly, a first fragment holding the TCP header decodes as TCP (tshark waits for the datagram)', async () => {
    const all = await decodeAll();
    for (const name of ['first fragment with whole TCP header', 'IPv6 fragment header offset 0, more fragments']) {
      const i = truth.frames.findIndex((f) => f.case === name);
      assert.equal(all[i].stateless, DecodeResult.Tcp, name);
      assert.equal(all[i].result, DecodeResult.Fragment, name);
    }
  });
  for (const [i, f] of truth.frames.entries()) {
    it(f.case, async () => {
      const { result, seg } = (await decodeAll())[i];
      const protos = f['frame.protocols'].split(':');
      const tcpAt = protos.indexOf('tcp');
      // TCP quoted in ICMP errors is left out of streams (corpus README), as we do.
      const tsharkTcp = f['tcp.stream'] !== '' && !protos.slice(0, Math.max(0, tcpAt)).some((p) => p.startsWith('icmp'));
      const pin = PINNED[f.case];
      if (pin) {
        assert.equal(result, pin.result, pin.why);
        return;
      }
      if (!tsharkTcp) {
        assert.notEqual(result, DecodeResult.Tcp);
        return;
      }
      assert.equal(result, DecodeResult.Tcp);
      // Innermost IP header in front of TCP.
      const innerV6 = protos.lastIndexOf('ipv6', tcpAt) > protos.lastIndexOf('ip', tcpAt);
      const src = list(f[innerV6 ? 'ipv6.src' : 'ip.src']).at(-1);
      const dst = list(f[innerV6 ? 'ipv6.dst' : 'ip.dst']).at(-1);
      assert.equal(formatAddress(seg.src, seg.ipVersion), src);
      assert.equal(formatAddress(seg.dst, seg.ipVersion), dst);
      assert.equal(seg.ipVersion, innerV6 ? 6 : 4);
      assert.equal(seg.srcPort, Number(f['tcp.srcport']));
      assert.equal(seg.dstPort, Number(f['tcp.dstport']));
      assert.equal(seg.flags, parseInt(f['tcp.flags'], 16));
      assert.equal(seg.payloadLen, f['tcp.len'] === '' ? 0 : Number(f['tcp.len']));
      readOptions(seg);
      assert.equal(seg.mss, f['tcp.options.mss_val'] === '' ? -1 : Number(list(f['tcp.options.mss_val'])[0]));
      assert.equal(seg.windowScale, f['tcp.options.wscale.shift'] === '' ? -1 : Number(f['tcp.options.wscale.shift']));
      assert.equal(seg.sackPermitted, f['tcp.options.sack_perm'] !== '');
      assert.equal(seg.tsVal, f['tcp.options.timestamp.tsval'] === '' ? -1 : Number(f['tcp.options.timestamp.tsval']));
      const cookie = f['tcp.options.tfo.cookie'];
      assert.equal(seg.fastOpen, cookie !== '' ? FastOpen.Cookie : f['tcp.options.tfo.request'] !== '' ? FastOpen.CookieRequest : FastOpen.None);
      if (cookie !== '') assert.equal(seg.fastOpenCookieLen, cookie.replace(/:/g, '').length / 2);
      assert.equal(seg.mptcp, protos.includes('mptcp'));
      assert.deepEqual(Array.from(seg.vlan.subarray(0, seg.vlanCount)), [...list(f['ieee8021ad.id']), ...list(f['vlan.id'])].map(Number));
    });
  }
});

describe('decodePacket vs tshark on each link type (one pcapng interface per link type)', () => {
  const links = JSON.parse(readFileSync(join(DIR, 'linktype-cases.tshark.json'), 'utf8')) as { frames: Array<Frame & { linkType: number }> };
  const LINK_PINNED: Record<string, string> = {
    'PPP_PPPD (166)': 'tshark 4.0 shows LINKTYPE_PPP_PPPD in pcapng as undissected data; by the LINKTYPE spec it is a direction byte and HDLC-framed PPP, which we decode',
  };
  it('reads every interface with its link type', async () => {
    const seen: Array<[number, number]> = [];
    await readCaptureFile(join(DIR, 'linktype-cases.pcapng'), (p) => { seen.push([p.interfaceId, p.linkType]); });
    assert.deepEqual(seen, links.frames.map((f, i) => [i, f.linkType]));
  });
  for (const f of links.frames) {
    it(f.case, async () => {
      const seg = newTcpSegment();
      let result = DecodeResult.NotTcp;
      await readCaptureFile(join(DIR, 'linktype-cases.pcapng'), (p) => {
        if (p.index === Number(f['frame.number'])) result = decodeRecord(p, seg);
      });
      if (LINK_PINNED[f.case]) {
        assert.equal(f['tcp.stream'], '');
        assert.equal(result, DecodeResult.Tcp, LINK_PINNED[f.case]);
        return;
      }
      assert.equal(result, f['tcp.stream'] === '' ? DecodeResult.NotTcp : DecodeResult.Tcp);
      if (f['tcp.stream'] === '') return;
      const v6 = f['ipv6.src'] !== '';
      assert.equal(formatAddress(seg.src, seg.ipVersion), v6 ? f['ipv6.src'] : f['ip.src']);
      assert.equal(formatAddress(seg.dst, seg.ipVersion), v6 ? f['ipv6.dst'] : f['ip.dst']);
      assert.deepEqual([seg.srcPort, seg.dstPort, seg.flags, seg.payloadLen], [Number(f['tcp.srcport']), Number(f['tcp.dstport']), parseInt(f['tcp.flags'], 16), Number(f['tcp.len'])]);
      assert.deepEqual(Array.from(seg.vlan.subarray(0, seg.vlanCount)), list(f['vlan.id']).map(Number));
    });
  }
});

describe('frames tshark cannot see into either are noted as undecoded (capture.problems)', () => {
  /** Layers after which tshark's "data" means an undissected inner frame, not an application payload. */
  const CARRIERS = new Set(['gre', 'l2tp', 'erspan', 'wlan', 'gtp', 'capwap.data', 'ppi']);
  for (const file of ['decode-cases', 'linktype-cases']) {
    it(file, async () => {
      const frames = (JSON.parse(readFileSync(join(DIR, `${file}.tshark.json`), 'utf8')) as { frames: Frame[] }).frames;
      const noted: string[] = [];
      const expected: string[] = [];
      await readCaptureFile(join(DIR, `${file}.${file === 'decode-cases' ? 'pcap' : 'pcapng'}`), (p) => {
        decodeRecord(p, newTcpSegment());
        const f = frames[p.index - 1];
        if (lastUndecoded.kind !== Undecoded.None) noted.push(f.case);
        const protos = f['frame.protocols'].split(':');
        if (protos.at(-1) === 'data' && CARRIERS.has(protos.at(-2) ?? '')) expected.push(f.case);
      });
      assert.deepEqual(noted, expected);
      assert.ok(file !== 'decode-cases' || expected.length >= 2);
    });
  }
});
