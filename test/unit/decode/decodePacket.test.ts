import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { formatAddress } from '../../../src/core/decode/address';
import { decodePacket, decodeRecord } from '../../../src/core/decode/decodePacket';
import { DecodeResult, FastOpen, newTcpSegment, TCP_ACK, TCP_AE, TCP_CWR, TCP_ECE, TCP_SYN, type TcpSegment } from '../../../src/core/decode/types';
import { ETH_IPV4, ETH_IPV6, ethernet, ext8, ipv4, ipv6, tcp, u16, udp } from './frames';

const seg = newTcpSegment();
function decode(linkType: number, bytes: number[]): DecodeResult {
  return decodePacket(linkType, Uint8Array.from(bytes), seg);
}
const ends = (s: TcpSegment) => `${formatAddress(s.src, s.ipVersion)}:${s.srcPort} > ${formatAddress(s.dst, s.ipVersion)}:${s.dstPort}`;
const SYN = tcp({ sport: 40000, dport: 80 });

describe('decodePacket: link layers', () => {
  it('Ethernet / IPv4 / TCP', () => {
    assert.equal(decode(1, [...ethernet(ETH_IPV4), ...ipv4(6, SYN)]), DecodeResult.Tcp);
    assert.equal(ends(seg), '192.0.2.1:40000 > 198.51.100.7:80');
    assert.equal(seg.ipVersion, 4);
    assert.equal(seg.seq, 0x01020304);
    assert.equal(seg.flags, TCP_SYN);
    assert.equal(seg.vlanCount, 0);
  });

  it('a stack of 802.1ad + two 802.1Q tags, outermost first', () => {
    const frame = [
      ...ethernet(0x88a8), // S-tag follows
      ...u16(0x2064), ...u16(0x8100), // PCP 1, VID 100; next: C-tag
      ...u16(0x00c8), ...u16(0x8100), // VID 200; next: another C-tag
      ...u16(0xe0ff), ...u16(ETH_IPV4), // PCP 7, VID 255; next: IPv4
      ...ipv4(6, SYN),
    ];
    assert.equal(decode(1, frame), DecodeResult.Tcp);
    assert.deepEqual(Array.from(seg.vlan.subarray(0, seg.vlanCount)), [100, 200, 255]);
  });

  it('MPLS label stack down to IPv4', () => {
    const frame = [
      ...ethernet(0x8847),
      0x00, 0x01, 0x00, 0x40, // label 16, TC 0, S=0, TTL 64
      0x00, 0x02, 0x01, 0x40, // label 32, S=1 (bottom of stack)
      ...ipv4(6, SYN),
    ];
    assert.equal(decode(1, frame), DecodeResult.Tcp);
    assert.equal(ends(seg), '192.0.2.1:40000 > 198.51.100.7:80');
  });

  it('PPPoE session over QinQ', () => {
    const frame = [
      ...ethernet(0x88a8), ...u16(10), ...u16(0x8100), ...u16(20), ...u16(0x8864),
      0x11, 0x00, // PPPoE version 1 type 1, code 0 (session data)
      0x00, 0x01, // session id
      ...u16(2 + 40), // PPPoE payload length
      0x00, 0x21, // PPP protocol: IPv4
      ...ipv4(6, SYN),
    ];
    assert.equal(decode(1, frame), DecodeResult.Tcp);
    assert.deepEqual(Array.from(seg.vlan.subarray(0, seg.vlanCount)), [10, 20]);
  });

  it('802.3 + LLC/SNAP', () => {
    const ip = ipv4(6, SYN);
    const frame = [
      ...ethernet(8 + ip.length), // 802.3 length field (<= 1500)
      0xaa, 0xaa, 0x03, // LLC: DSAP SNAP, SSAP SNAP, UI
      0x00, 0x00, 0x00, // SNAP OUI 00-00-00 (EtherType follows)
      ...u16(ETH_IPV4),
      ...ip,
    ];
    assert.equal(decode(1, frame), DecodeResult.Tcp);
    assert.equal(decode(1, [...ethernet(46), 0x42, 0x42, 0x03, ...new Array(43).fill(0)]), DecodeResult.NotTcp, 'STP over LLC');
  });

  it('Cisco FabricPath: the original frame after a 16-byte outer header', () => {
    // As in zeek/cisco-fabric-path.pcap, where tshark shows eth:cfp:eth:ethertype:ip:tcp.
    const frame = [...ethernet(0x8903), 0x00, 0x3f, /* FTag, TTL */ ...ethernet(ETH_IPV4), ...ipv4(6, SYN)];
    assert.equal(decode(1, frame), DecodeResult.Tcp);
  });

  it('Linux cooked captures v1 and v2', () => {
    const sll = [0, 0, /* packet type */ 0, 1, /* ARPHRD_ETHER */ 0, 6, /* address length */ 1, 2, 3, 4, 5, 6, 0, 0, /* address */ ...u16(ETH_IPV4)];
    assert.equal(decode(113, [...sll, ...ipv4(6, SYN)]), DecodeResult.Tcp);
    const sll2 = [...u16(ETH_IPV6), 0, 0, /* reserved */ 0, 0, 0, 2, /* ifindex */ 0, 1, /* ARPHRD */ 4, /* packet type: outgoing */ 6, 1, 2, 3, 4, 5, 6, 0, 0];
    assert.equal(decode(276, [...sll2, ...ipv6(6, SYN)]), DecodeResult.Tcp);
    assert.equal(ends(seg), '2001:db8::1:40000 > 2001:db8:1::2:80');
  });

  it('raw IP link types (101, 12, 14 by version nibble; 228 IPv4; 229 IPv6)', () => {
    for (const lt of [101, 12, 14]) {
      assert.equal(decode(lt, ipv4(6, SYN)), DecodeResult.Tcp, `v4 on ${lt}`);
      assert.equal(decode(lt, ipv6(6, SYN)), DecodeResult.Tcp, `v6 on ${lt}`);
    }
    assert.equal(decode(228, ipv4(6, SYN)), DecodeResult.Tcp);
    assert.equal(decode(229, ipv6(6, SYN)), DecodeResult.Tcp);
    assert.equal(decode(228, ipv6(6, SYN)), DecodeResult.Malformed, 'LINKTYPE_IPV4 carrying a v6 header');
    // 12 written by OpenBSD is DLT_LOOP: a 4-byte network-order address family first.
    assert.equal(decode(12, [0, 0, 0, 2, ...ipv4(6, SYN)]), DecodeResult.Tcp);
    assert.equal(decode(12, [0, 0, 0, 24, ...ipv6(6, SYN)]), DecodeResult.Tcp);
    // 7 is ARCNET, not raw IP: "Raw IP (7)" in capinfos is Wireshark's own encapsulation number.
    assert.equal(decode(7, ipv4(6, SYN)), DecodeResult.UnknownLinkType);
  });

  it('BSD loopback NULL in either byte order and LOOP, with each OS AF_INET6', () => {
    assert.equal(decode(0, [2, 0, 0, 0, /* AF_INET, little-endian host */ ...ipv4(6, SYN)]), DecodeResult.Tcp);
    assert.equal(decode(0, [0, 0, 0, 2, /* AF_INET, big-endian host */ ...ipv4(6, SYN)]), DecodeResult.Tcp);
    for (const af of [10, 24, 28, 30]) assert.equal(decode(0, [af, 0, 0, 0, ...ipv6(6, SYN)]), DecodeResult.Tcp, `AF_INET6 = ${af}`);
    assert.equal(decode(108, [0, 0, 0, 2, /* LOOP: network order */ ...ipv4(6, SYN)]), DecodeResult.Tcp);
  });

  it('PPP with and without address/control bytes', () => {
    assert.equal(decode(9, [0xff, 0x03, 0x00, 0x21, ...ipv4(6, SYN)]), DecodeResult.Tcp);
    assert.equal(decode(9, [0x00, 0x21, ...ipv4(6, SYN)]), DecodeResult.Tcp);
    assert.equal(decode(9, [0x21, /* compressed protocol field */ ...ipv4(6, SYN)]), DecodeResult.Tcp);
    assert.equal(decode(9, [0xc0, 0x21, 1, 1, 0, 4]), DecodeResult.NotTcp, 'LCP');
  });

  it('unknown link types are reported as such, not as errors', () => {
    assert.equal(decode(253, [1, 2, 3, 4]), DecodeResult.UnknownLinkType);
    assert.equal(decode(147, []), DecodeResult.UnknownLinkType);
  });

  it('decodeRecord reads from the reader buffer at the record offset', () => {
    const bytes = Uint8Array.from([9, 9, 9, ...ipv4(6, SYN), 7]);
    const len = bytes.length - 4;
    const rec = { buffer: bytes, dataOffset: 3, capLen: len, linkType: 101, data: bytes.subarray(3, 3 + len) };
    assert.equal(decodeRecord(rec as never, seg), DecodeResult.Tcp);
    assert.equal(ends(seg), '192.0.2.1:40000 > 198.51.100.7:80');
  });
});

describe('decodePacket: IP', () => {
  it('IHL below 5 is malformed', () => {
    assert.equal(decode(101, ipv4(6, SYN, { ihlWords: 4 })), DecodeResult.Malformed);
  });

  it('IPv4 options are skipped by IHL', () => {
    const opts = [0x94, 0x04, 0x00, 0x00]; // Router Alert option
    assert.equal(decode(101, ipv4(6, SYN, { options: opts })), DecodeResult.Tcp);
    assert.equal(seg.srcPort, 40000);
  });

  it('a non-first fragment carries no TCP header; a first fragment does', () => {
    assert.equal(decode(101, ipv4(6, [1, 2, 3, 4, 5, 6, 7, 8], { flagsFrag: 0x0003 })), DecodeResult.Fragment, 'offset 3 (24 bytes), MF clear');
    assert.equal(decode(101, ipv4(6, SYN, { flagsFrag: 0x2000 })), DecodeResult.Tcp, 'MF set, offset 0');
    // First fragment holding only 8 bytes of the TCP header (suricata-verify bug-6887 captures).
    assert.equal(decode(101, ipv4(6, SYN.slice(0, 8), { flagsFrag: 0x2000 })), DecodeResult.Fragment);
    assert.equal(decode(101, ipv4(6, [1, 2, 3, 4, 5, 6, 7, 8], { flagsFrag: 0x2000 | 0x0001 })), DecodeResult.Fragment, 'offset 1, MF set');
  });

  it('payload length comes from the IP header, not the snap length or Ethernet padding', () => {
    const full = ipv4(6, [...SYN, ...new Array(1460).fill(0)]);
    assert.equal(decode(101, full.slice(0, 54)), DecodeResult.Tcp, 'cut by a 54-byte snap length');
    assert.equal(seg.payloadLen, 1460);
    const padded = [...ethernet(ETH_IPV4), ...ipv4(6, tcp({ flags: TCP_ACK })), 0, 0, 0, 0, 0, 0]; // 60-byte minimum frame
    assert.equal(decode(1, padded), DecodeResult.Tcp);
    assert.equal(seg.payloadLen, 0);
  });

  it('IPv6 extension header chain: hop-by-hop, routing, destination options, AH, fragment', () => {
    const ah = [60, 1, 0, 0, /* next: dest opts, payload len 1 → (1+2)*4 = 12 bytes */ 0, 0, 0, 1, 0, 0, 0, 1];
    const frag0 = [6, 0, 0x00, 0x01, /* offset 0, M=1 */ 0, 0, 0, 9];
    const chain = [...ext8(43), ...ext8(51), ...ah, ...ext8(44), ...frag0, ...SYN];
    // hop-by-hop → routing → AH → destination options → fragment (offset 0) → TCP
    assert.equal(decode(229, ipv6(0, chain)), DecodeResult.Tcp);
    assert.equal(seg.srcPort, 40000);
    const fragN = [6, 0, 0x00, 0xa8, /* offset 21 (168 bytes) */ 0, 0, 0, 9];
    assert.equal(decode(229, ipv6(44, [...fragN, 1, 2, 3])), DecodeResult.Fragment);
  });

  it('a chain of more extension headers than any real packet is cut off, not followed forever', () => {
    const many: number[] = [];
    for (let i = 0; i < 40; i++) many.push(...ext8(60));
    assert.equal(decode(229, ipv6(60, [...many, ...SYN])), DecodeResult.Malformed);
  });

  it('IPv6 extension header running past the packet is malformed', () => {
    assert.equal(decode(229, ipv6(0, [6, 30, 0, 0])), DecodeResult.Malformed);
  });

  it('ICMP errors quoting a TCP header are not TCP (tshark leaves them out of streams)', () => {
    const quote = ipv4(6, SYN.slice(0, 8));
    assert.equal(decode(101, ipv4(1, [3, 3, 0, 0, 0, 0, 0, 0, ...quote])), DecodeResult.NotTcp);
  });

  it('tunnels: IP-in-IP, 6in4, GRE, VXLAN and Geneve give the innermost addresses', () => {
    const inner = ipv4(6, SYN, { src: [10, 0, 0, 1], dst: [10, 0, 0, 2] });
    const outer = { src: [203, 0, 113, 1], dst: [203, 0, 113, 2] };
    assert.equal(decode(101, ipv4(4, inner, outer)), DecodeResult.Tcp);
    assert.equal(ends(seg), '10.0.0.1:40000 > 10.0.0.2:80');
    assert.equal(decode(101, ipv4(41, ipv6(6, SYN), outer)), DecodeResult.Tcp);
    assert.equal(seg.ipVersion, 6);
    assert.equal(decode(101, ipv4(47, [0x20, 0x00, ...u16(ETH_IPV4), 0, 0, 0, 7, /* key */ ...inner], outer)), DecodeResult.Tcp, 'GRE with key');
    assert.equal(ends(seg), '10.0.0.1:40000 > 10.0.0.2:80');
    const vxlan = [0x08, 0, 0, 0, 0, 0, 0x64, 0, /* flags I, VNI 100 */ ...ethernet(ETH_IPV4), ...inner];
    assert.equal(decode(101, ipv4(17, udp(55555, 4789, vxlan), outer)), DecodeResult.Tcp);
    assert.equal(ends(seg), '10.0.0.1:40000 > 10.0.0.2:80');
    const geneve = [0x01, 0x00, ...u16(0x6558), 0, 0, 0x0a, 0, /* opt len 1 word, Ethernet, VNI 10 */ 0, 0, 0, 0, /* option */ ...ethernet(ETH_IPV4), ...inner];
    assert.equal(decode(101, ipv4(17, udp(55555, 6081, geneve), outer)), DecodeResult.Tcp);
    assert.equal(ends(seg), '10.0.0.1:40000 > 10.0.0.2:80');
  });

  it('nesting is bounded', () => {
    let pkt = ipv4(6, SYN);
    for (let i = 0; i < 30; i++) pkt = ipv4(4, pkt);
    assert.equal(decode(101, pkt), DecodeResult.NotTcp);
  });
});

describe('decodePacket: TCP header', () => {
  it('treats short and bogus headers as tshark 4.0.17 does', () => {
    // Each expectation checked with `tshark -e tcp.stream -e tcp.flags` on the same bytes:
    // data offset 4 → "Bogus TCP header length", no flags.
    assert.equal(decode(101, ipv4(6, tcp({ dataOffsetWords: 4 }))), DecodeResult.Malformed);
    // data offset 15 in a 20-byte segment → "Short segment", but stream and SYN flag shown, no payload.
    assert.equal(decode(101, ipv4(6, tcp({ dataOffsetWords: 15 }))), DecodeResult.Tcp);
    assert.deepEqual([seg.flags, seg.payloadLen, seg.truncated], [TCP_SYN, 0, true]);
    // data offset 8 in a 28-byte segment carrying an MSS option: tshark shows MSS 1460.
    assert.equal(decode(101, ipv4(6, tcp({ dataOffsetWords: 8, options: [2, 4, 0x05, 0xb4, 2, 4, 0x05, 0xb4] }).slice(0, 28))), DecodeResult.Tcp);
    assert.deepEqual([seg.mss, seg.truncated], [1460, true]);
    // Options beyond the snap length (IP length covers them): SYN, header length 24, no options.
    const withOpts = ipv4(6, tcp({ options: [2, 4, 0x05, 0xb4] }));
    assert.equal(decode(101, withOpts.slice(0, 40)), DecodeResult.Tcp);
    assert.deepEqual([seg.truncated, seg.mss, seg.payloadLen], [true, -1, 0]);
    // 16 captured TCP bytes (through the window): stream and flags; 15: nothing.
    assert.equal(decode(101, ipv4(6, SYN).slice(0, 36)), DecodeResult.Tcp);
    assert.equal(seg.flags, TCP_SYN);
    assert.equal(decode(101, ipv4(6, SYN).slice(0, 35)), DecodeResult.Malformed);
    // IP total length leaving 10 bytes for TCP: no stream, even with more bytes captured.
    assert.equal(decode(101, ipv4(6, [...SYN, ...new Array(20).fill(0x78)], { totalLength: 30 })), DecodeResult.Malformed);
    // IP total length 0 (TSO): the captured bytes are the datagram.
    assert.equal(decode(101, ipv4(6, SYN, { totalLength: 0 })), DecodeResult.Tcp);
  });

  it('reads every option in a SYN: MSS, window scale, SACK-permitted, timestamps, TFO request, MPTCP', () => {
    const options = [
      2, 4, 0x05, 0xb4, // MSS 1460
      1, // NOP
      3, 3, 7, // window scale shift 7
      4, 2, // SACK permitted
      8, 10, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x00, 0x01, // TSval 0xdeadbeef, TSecr 1
      34, 2, // TFO cookie request (empty cookie)
      30, 12, 0x01, 0x81, 1, 2, 3, 4, 5, 6, 7, 8, // MPTCP MP_CAPABLE v1 with a key
      0, // end of option list
    ];
    assert.equal(decode(101, ipv4(6, tcp({ flags: TCP_SYN | TCP_ECE | TCP_CWR | TCP_AE, options }))), DecodeResult.Tcp);
    assert.equal(seg.mss, 1460);
    assert.equal(seg.windowScale, 7);
    assert.equal(seg.sackPermitted, true);
    assert.equal(seg.tsVal, 0xdeadbeef);
    assert.equal(seg.tsEcr, 1);
    assert.equal(seg.fastOpen, FastOpen.CookieRequest);
    assert.equal(seg.mptcp, true);
    assert.equal(seg.flags, TCP_SYN | TCP_ECE | TCP_CWR | TCP_AE);
    assert.equal(seg.truncated, false);
  });

  it('TCP Fast Open cookies: kind 34 and experimental 254 with magic 0xF989', () => {
    decode(101, ipv4(6, tcp({ options: [34, 10, 1, 2, 3, 4, 5, 6, 7, 8] })));
    assert.deepEqual([seg.fastOpen, seg.fastOpenCookieLen], [FastOpen.Cookie, 8]);
    decode(101, ipv4(6, tcp({ options: [254, 4, 0xf9, 0x89] })));
    assert.deepEqual([seg.fastOpen, seg.fastOpenCookieLen], [FastOpen.CookieRequest, 0]);
    decode(101, ipv4(6, tcp({ options: [254, 12, 0xf9, 0x89, 1, 2, 3, 4, 5, 6, 7, 8] })));
    assert.deepEqual([seg.fastOpen, seg.fastOpenCookieLen], [FastOpen.Cookie, 8]);
    decode(101, ipv4(6, tcp({ options: [254, 4, 0x12, 0x34] })));
    assert.equal(seg.fastOpen, FastOpen.None, 'another experiment');
  });

  it('options with a wrong length are ignored, and a length running past the header ends the walk', () => {
    decode(101, ipv4(6, tcp({ options: [2, 3, 5, /* MSS with length 3 */ 3, 3, 2] })));
    assert.deepEqual([seg.mss, seg.windowScale], [-1, 2]);
    decode(101, ipv4(6, tcp({ options: [3, 3, 2, 8, 40, 0, 0] })));
    assert.deepEqual([seg.windowScale, seg.tsVal], [2, -1]);
    decode(101, ipv4(6, tcp({ options: [1, 1, 1, 0, 2, 4, 5, 180] })));
    assert.equal(seg.mss, -1, 'after end-of-options');
    assert.equal(decode(101, ipv4(6, tcp({ options: [2, 0, 0, 0] }))), DecodeResult.Tcp, 'zero-length option does not loop');
  });

  it('option fields are reset between packets', () => {
    decode(101, ipv4(6, tcp({ options: [2, 4, 5, 180, 4, 2] })));
    decode(101, ipv4(6, tcp({ flags: TCP_ACK })));
    assert.deepEqual([seg.mss, seg.sackPermitted, seg.tsVal, seg.fastOpen], [-1, false, -1, FastOpen.None]);
  });
});

describe('formatAddress', () => {
  const v6 = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  it('prints IPv6 in RFC 5952 form', () => {
    assert.equal(formatAddress(v6('20010db8000000000000000000000001'), 6), '2001:db8::1');
    assert.equal(formatAddress(v6('20010db8000000010000000000000001'), 6), '2001:db8:0:1::1');
    assert.equal(formatAddress(v6('20010db8000000000001000000000001'), 6), '2001:db8::1:0:0:1', 'first of two equal runs');
    assert.equal(formatAddress(v6('20010db8000100010001000100010001'), 6), '2001:db8:1:1:1:1:1:1');
    assert.equal(formatAddress(v6('20010db8000000010001000100010001'), 6), '2001:db8:0:1:1:1:1:1', 'a single zero group is not compressed');
    assert.equal(formatAddress(v6('00000000000000000000000000000000'), 6), '::');
    assert.equal(formatAddress(v6('00000000000000000000000000000001'), 6), '::1');
    assert.equal(formatAddress(v6('fe800000000000000000000000000000'), 6), 'fe80::');
    assert.equal(formatAddress(v6('00000000000000000000ffffc0000201'), 6), '::ffff:192.0.2.1');
  });
  it('matches tshark 4.0.17 for IPv4-compatible and mapped forms', () => {
    // Expected strings: `tshark -T fields -e ipv6.src` on a pcap with these source addresses.
    const cases: Array<[string, string]> = [
      ['000000000000000000000000c0000201', '::192.0.2.1'],
      ['00000000000000000000ffffc0000201', '::ffff:192.0.2.1'],
      ['00000000000000000000000001000000', '::1.0.0.0'],
      ['00000000000000000000000100000000', '::1:0:0'],
      ['0000000000000000ffff0000c0000201', '::ffff:0:c000:201'],
      ['0064ff9b0000000000000000c0000201', '64:ff9b::c000:201'],
      ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
      ['00010000000000000000000000000000', '1::'],
    ];
    for (const [hex, want] of cases) {
      assert.equal(formatAddress(v6(hex), 6), want);
      // The same bytes at an offset in a larger array (the flow slab keeps all flows' addresses).
      const inSlab = new Uint8Array(64).fill(0xab);
      inSlab.set(v6(hex), 37);
      assert.equal(formatAddress(inSlab, 6, 37), want, `${hex} at offset 37`);
    }
  });
  it('prints IPv4 dotted', () => {
    assert.equal(formatAddress(Uint8Array.from([192, 0, 2, 255]), 4), '192.0.2.255');
    assert.equal(formatAddress(Uint8Array.from([9, 9, 192, 0, 2, 255, 9]), 4, 2), '192.0.2.255');
  });
});
