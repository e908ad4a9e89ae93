/**
 * Shared by the corpus test (../shared/captures) and the fixture test (test/fixtures/reader):
 * reads one capture and checks it against its tshark truth JSON, honouring PINNED differences.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readCaptureFile } from '../../../src/core/capture/readCapture';
import { formatTimestamp } from '../../../src/core/capture/timestamp';
import { CaptureFormatError, type ReadSummary } from '../../../src/core/capture/types';
import { formatAddress } from '../../../src/core/decode/address';
import { Reassembler } from '../../../src/core/decode/reassembler';
import { DecodeResult, newTcpSegment } from '../../../src/core/decode/types';

/** The repository root (tests run from a bundle under out/). */
export function repoRoot(): string {
  let d = __dirname;
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
}

/** Wireshark's WTAP_ENCAP numbers (what capinfos and frame.encap_type print) for LINKTYPE values. */
export const WTAP_ENCAP: Record<number, number> = { 0: 15, 1: 1, 9: 4, 12: 7, 14: 7, 101: 7, 108: 133, 113: 25, 228: 129, 229: 130, 242: 180, 253: 158, 276: 210 };

interface Expected {
  capture: { format: string; compression: string | null };
  file: {
    packets: number; damaged: boolean; first_frame_epoch: string | null; last_frame_epoch: string | null; tcp_frames: number;
    interfaces: Array<{ Encapsulation: string }>; encap_types_per_frame: Record<string, number>; tshark_error: string | null;
  };
  streams: Array<{ stream: number; client: { ip: string; port: number }; server: { ip: string; port: number }; first_frame: number; last_frame: number; first_epoch: string; last_epoch: string }>;
}

/** Deliberate differences from tshark, per capture, with the reason. */
export const PINNED: Record<string, { why: string; frames?: number; throws?: RegExp; epochs?: Record<number, string>; }> = {
  'gopacket/le/test901.pcapng': {
    why: 'middle section has SHB version 2.0: tshark stops there (1 packet); we skip that section and read the third one, as gopacket does',
    frames: 2,
  },
  'tcpdump/timestamp_invalid_nano.pcap': {
    why: 'sub-second fields >= 1e9: tshark prints them unnormalised ("1418145370.1000000000") and reads 0x80000000 as a negative int32; we carry whole seconds per the pcap spec (unsigned field) and report a problem',
    epochs: { 1: '1418145369.999999999', 2: '1418145371.000000000', 3: '1418145372.147483648' },
  },
  'tcpdump/timestamp_invalid_micro.pcap': {
    why: 'sub-second fields >= 1e6: tshark prints 1e6 µs as ".1000000000" and overflows 0x80000000 µs * 1000 in 32 bits to 0; we carry whole seconds and report a problem',
    epochs: { 1: '1418145369.999999000', 2: '1418145371.000000000', 3: '1418147517.483648000' },
  },
  'pcapplusplus/file_heuristics/pcapng-example.pcapng.zst': {
    why: 'zstd is not in node:zlib (Node 20); we refuse with a message saying how to decompress',
    throws: /^zstd-compressed capture: decompress with `zstd -d` first$/,
  },
  'pcap-parser/err-eof.bin': {
    why: 'a lone EPB without a section header: not a capture by its magic (tshark tries the CommView reader and fails too)',
    throws: /unknown magic 06 00 00 00/,
  },
};

interface Seen { epochs: Map<number, string>; firstFrames: Map<number, string>; tcpFrames: number }

async function read(path: string, wanted: Set<number>): Promise<{ summary: ReadSummary; seen: Seen }> {
  const seg = newTcpSegment();
  // With IP reassembly, as tshark runs by default (suricata-verify bug-6887-defrag-* split the SYN).
  const reassembler = new Reassembler();
  const seen: Seen = { epochs: new Map(), firstFrames: new Map(), tcpFrames: 0 };
  const summary = await readCaptureFile(path, (p) => {
    if (!p.noTimestamp) seen.epochs.set(p.index, formatTimestamp(p));
    const r = reassembler.decode(p, seg);
    if (r === DecodeResult.Tcp) seen.tcpFrames++;
    if (wanted.has(p.index)) {
      seen.firstFrames.set(p.index, r === DecodeResult.Tcp
        ? [`${formatAddress(seg.src, seg.ipVersion)}:${seg.srcPort}`, `${formatAddress(seg.dst, seg.ipVersion)}:${seg.dstPort}`].sort().join(' ')
        : `not TCP (${r})`);
    }
  });
  return { summary, seen };
}

/** `rel` is the capture's path inside the corpus (the key of PINNED). */
export async function checkAgainstTshark(file: string, expectedJson: string, rel: string): Promise<void> {
  const exp = JSON.parse(readFileSync(expectedJson, 'utf8')) as Expected;
  const pin = PINNED[rel];
  const wanted = new Set(exp.streams.map((s) => s.first_frame));
  if (pin?.throws) {
    await assert.rejects(read(file, wanted), (e: unknown) => e instanceof CaptureFormatError && pin.throws!.test(e.message) && e.offset === 0);
    assert.ok(exp.file.damaged || exp.capture.compression === 'zstd');
    return;
  }
  const { summary, seen } = await read(file, wanted);
  // Packet count (frame numbers, as tshark counts them).
  assert.equal(summary.frames, pin?.frames ?? exp.file.packets, 'frames');
  // Link types, as capinfos lists the interfaces (WTAP encapsulation numbers).
  const capinfos = exp.file.interfaces.map((i) => Number(/\((\d+) - /.exec(i.Encapsulation)?.[1]));
  // capinfos 4.0 repeats the whole file's interface list once per pcapng section.
  const ours = summary.info.interfaces.map((i) => WTAP_ENCAP[i.linkType] ?? -i.linkType);
  if (capinfos.length > 0) {
    const repeats = Math.max(1, capinfos.length / Math.max(1, ours.length));
    assert.deepEqual(Array.from({ length: repeats }, () => ours).flat(), capinfos, 'interfaces');
  }
  for (const encap of Object.keys(exp.file.encap_types_per_frame)) {
    assert.ok(summary.info.linkTypes.some((l) => WTAP_ENCAP[l] === Number(encap)), `encapsulation ${encap} present`);
  }
  // Timestamps: first/last frame of the file and of every stream, as tshark's strings.
  const ordered = [...seen.epochs.entries()].sort((a, b) => a[0] - b[0]);
  if (pin?.epochs) {
    for (const [frame, epoch] of Object.entries(pin.epochs)) assert.equal(seen.epochs.get(Number(frame)), epoch);
    assert.ok(summary.problems.some((p) => /sub-second/.test(p.message)));
  } else {
    assert.equal(ordered[0]?.[1] ?? null, exp.file.first_frame_epoch, 'first frame epoch');
    assert.equal(ordered[ordered.length - 1]?.[1] ?? null, exp.file.last_frame_epoch, 'last frame epoch');
    for (const s of exp.streams) {
      assert.equal(seen.epochs.get(s.first_frame), s.first_epoch, `stream ${s.stream} first epoch`);
      assert.equal(seen.epochs.get(s.last_frame), s.last_epoch, `stream ${s.stream} last epoch`);
    }
  }
  // Decoding: the stream's first frame is between its client and server (innermost IP header).
  assert.equal(seen.tcpFrames, exp.file.tcp_frames, 'frames decoded as TCP');
  for (const s of exp.streams) {
    const want = [`${s.client.ip}:${s.client.port}`, `${s.server.ip}:${s.server.port}`].sort().join(' ');
    assert.equal(seen.firstFrames.get(s.first_frame), want, `stream ${s.stream} endpoints (frame ${s.first_frame})`);
  }
  // Damage: tshark's damaged files give us a problem naming a byte offset, after the same packets.
  if (exp.file.damaged) {
    assert.ok(summary.problems.length > 0, `tshark: ${exp.file.tshark_error}`);
    assert.ok(summary.problems.every((p) => Number.isInteger(p.offset) && p.offset >= 0 && p.offset <= statSync(file).size));
    if (!pin?.frames) assert.equal(summary.problems[0].packet, exp.file.packets, 'packets before the damage');
  } else if (!pin) {
    assert.deepEqual(summary.problems, [], 'no problems where tshark saw none');
  }
}
