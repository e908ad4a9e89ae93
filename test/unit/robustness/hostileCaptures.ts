/**
 * Builders of the committed hostile fixtures in test/fixtures/hostile/ (the bytes there must equal
 * what these return: hostileFixtures.test.ts checks it, UPDATE_FIXTURES=1 rewrites them).
 */
import { writePcapng } from '../../helpers/pcapWriter';
import { CLIENT, SERVER, tcpFrame } from './fixtures';

/** Markup a capture can smuggle into any view that treats its strings as HTML or SVG. */
export const HTML_PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(document.domain)</script>',
  '"><svg onload=alert(1)>',
  "'><a href=\"javascript:alert(1)\">x</a>",
  ']]><!-- &amp; &#x3c;b&#x3e; -->',
];

const SYN = 0x02, ACK = 0x10;
const T0 = 1767225600n * 1_000_000n;

/**
 * A complete handshake whose section comment, interface name and description and every packet
 * comment carry HTML/script payloads (and a NUL, which XML forbids outright).
 */
export function htmlInjectionPcapng(): Uint8Array {
  const p = HTML_PAYLOADS;
  return writePcapng([{
    comment: p[1],
    interfaces: [{ linkType: 1, name: p[0], description: p[2] }],
    blocks: [
      { kind: 'packet', packet: { iface: 0, ticks: T0, data: tcpFrame(CLIENT, SERVER, { flags: SYN, seq: 1000, options: { mss: 1460 } }), comments: [p[0]] } },
      { kind: 'packet', packet: { iface: 0, ticks: T0 + 2000n, data: tcpFrame(SERVER, CLIENT, { srcPort: 80, dstPort: 40000, flags: SYN | ACK, seq: 5000, ack: 1001 }), comments: [p[1], p[2]] } },
      { kind: 'packet', packet: { iface: 0, ticks: T0 + 4000n, data: tcpFrame(CLIENT, SERVER, { flags: ACK, seq: 1001, ack: 5001 }), comments: [`${p[3]}\u0000${p[4]}`] } },
    ],
  }]);
}

/** Committed hostile fixtures: file name → builder. */
export const HOSTILE_BUILT: Record<string, () => Uint8Array> = {
  'html-injection.pcapng': htmlInjectionPcapng,
};
