/**
 * The bundled sample captures (samples/), one per story the product tells. Built from the
 * named scenarios with fixed seeds, so `node scripts/make-samples.mjs` reproduces them byte
 * for byte (the gzip one: its decompressed bytes; zlib's output may differ across versions).
 */
import { gzipSync } from 'node:zlib';
import { SCENARIOS } from './scenarios/index';
import type { CaptureFormat } from './writers/captureWriter';

export interface SampleSpec {
  file: string;
  scenario: string;
  format: CaptureFormat;
  /** Seed for the scenario (fixed per sample). */
  seed: number;
  gzip?: boolean;
  /** Cut the file in the middle of this 1-based record (damaged on purpose). */
  cutInRecord?: number;
  shows: string;
}

const PCAP_US: CaptureFormat = { container: 'pcap', resolution: 'us' };

export const SAMPLES: SampleSpec[] = [
  { file: 'healthy.pcapng', scenario: 'healthy', seed: 1, format: { container: 'pcapng', resolution: 'us', sectionComment: 'synscope sample: healthy handshakes', interfaceName: 'eth0' }, shows: 'Six healthy handshakes, each with a request and an orderly close; packet comments on the first connection explain each step.' },
  { file: 'healthy.pcap.gz', scenario: 'healthy', seed: 1, format: PCAP_US, gzip: true, shows: 'The same traffic as a gzip-compressed pcap.' },
  { file: 'lost-final-ack.pcap', scenario: 'lost-final-ack', seed: 2, format: PCAP_US, shows: 'Server-side view of an SMTP connection whose final ACK is lost twice: SYN-ACK retransmitted after 1 s and 2 s.' },
  { file: 'silent-host.pcap', scenario: 'silent-host', seed: 3, format: PCAP_US, shows: 'SYN retransmissions to a host that never answers: 1, 2, 4, 8, 16, 32 s (Linux tcp_syn_retries=6).' },
  { file: 'refused.pcap', scenario: 'refused', seed: 4, format: PCAP_US, shows: 'SYNs to closed ports answered by RST+ACK; one open port on the same host for contrast.' },
  { file: 'syn-flood-cookies.pcap', scenario: 'syn-flood-cookies', seed: 5, format: PCAP_US, shows: 'A SYN flood from 600 spoofed sources in 0.6 s answered with SYN-cookie SYN-ACKs (never retransmitted; some live spoofed hosts reply RST); three legitimate clients still connect.' },
  { file: 'slow-server.pcap', scenario: 'slow-server', seed: 6, format: PCAP_US, shows: 'SYN-ACKs delayed 0.4–2.4 s by a busy server next to a fast one.' },
  { file: 'simultaneous-open.pcap', scenario: 'simultaneous-open', seed: 7, format: PCAP_US, shows: 'Simultaneous open: both ends send SYN, both answer SYN-ACK.' },
  { file: 'tfo.pcap', scenario: 'tfo', seed: 8, format: PCAP_US, shows: 'TCP Fast Open: a cookie request, then a SYN carrying the cookie and an HTTP request.' },
  { file: 'port-reuse.pcap', scenario: 'port-reuse', seed: 9, format: PCAP_US, shows: 'The same 4-tuple opened three times, each with a new ISN.' },
  { file: 'ipv6.pcap', scenario: 'ipv6', seed: 10, format: { container: 'pcap', resolution: 'ns' }, shows: 'IPv6 handshakes in a nanosecond pcap: one SYN retransmission, one refused.' },
  { file: 'vlan.pcapng', scenario: 'vlan', seed: 11, format: { container: 'pcapng', resolution: 'ns' }, shows: 'Connections on VLAN 100 and 200 and in QinQ (802.1ad 300 / 802.1Q 10), nanosecond pcapng.' },
  { file: 'midstream.pcap', scenario: 'midstream', seed: 12, format: { container: 'pcap', resolution: 'us', bigEndian: true }, shows: 'Capture started mid-connection: data and teardown without handshakes (big-endian pcap).' },
  { file: 'truncated.pcap', scenario: 'refused', seed: 4, format: PCAP_US, cutInRecord: 9, shows: 'Damaged on purpose: refused.pcap cut in the middle of record 9.' },
  { file: 'connection-storm.pcap', scenario: 'connection-storm', seed: 13, format: PCAP_US, shows: 'Connection storm: one client opens a new connection per request, 50/s to the same server, one request each.' },
  { file: 'hanging-connects.pcap', scenario: 'hanging-connects', seed: 14, format: PCAP_US, shows: 'Hanging connects: connects without a timeout pile up against an unresponsive database, each retransmitting its SYN.' },
  { file: 'syn-flood-legit-clients.pcap', scenario: 'syn-flood-legit-clients', seed: 15, format: PCAP_US, shows: 'SYN flood with legitimate clients before, during (slower, some SYN retransmissions) and after.' },
  { file: 'keepalive-client.pcap', scenario: 'keepalive-client', seed: 16, format: PCAP_US, shows: 'Not a storm: 210 requests over 3 keep-alive connections.' },
  { file: 'client-gives-up.pcap', scenario: 'client-gives-up', seed: 17, format: PCAP_US, shows: 'Not hanging connects: one SYN retransmission, then the client gives up after 3 s and uses another server.' },
  { file: 'deploy-burst.pcap', scenario: 'deploy-burst', seed: 18, format: PCAP_US, shows: 'Not a flood or storm: 40 clients reconnect once each within a second after a deploy.' },
];

/** Byte offset of the n-th (1-based) record in a pcap file. */
function pcapRecordOffset(b: Buffer, n: number, bigEndian: boolean): number {
  let off = 24;
  for (let i = 1; i < n; i++) {
    const incl = bigEndian ? b.readUInt32BE(off + 8) : b.readUInt32LE(off + 8);
    off += 16 + incl;
  }
  return off;
}

/** The sample's bytes as they are written to samples/<file>; `raw` = before gzip. */
export function buildSample(s: SampleSpec): { bytes: Buffer; raw: Buffer } {
  let raw = SCENARIOS[s.scenario].build(s.seed).toBuffer(s.format);
  if (s.cutInRecord !== undefined) {
    if (s.format.container !== 'pcap') throw new Error('cutInRecord needs pcap');
    const at = pcapRecordOffset(raw, s.cutInRecord, !!s.format.bigEndian);
    // keep the record header and half of its data: the record claims more than the file has
    raw = raw.subarray(0, at + 16 + 20);
  }
  return { bytes: s.gzip ? gzipSync(raw, { level: 9 }) : raw, raw };
}
