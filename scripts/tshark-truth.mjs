#!/usr/bin/env node
// Reproduces the tshark truth JSON of /work/shared/captures/expected (schema
// synscope-shared-captures/tshark-truth/1, described in ../shared/captures/README.md) for any
// capture, so tests can compare synscope against tshark on our own samples too.
//
//   node scripts/tshark-truth.mjs [--out DIR] [--source NAME] [--base DIR] FILE...
//
// FILE paths are used as given (relative to the working directory) in the JSON, as the shared
// corpus does. --base: the part of the path the name is relative to (default: FILE's dir).
// --check EXPECTED_DIR: compare with existing JSON instead of writing (exit 1 on differences).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';

export const SCHEMA = 'synscope-shared-captures/tshark-truth/1';

export const FIELDS = [
  'frame.number', 'frame.time_epoch', 'frame.time_relative', 'frame.interface_id', 'frame.encap_type', 'frame.len',
  'frame.cap_len', 'frame.protocols', 'vlan.id', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'tcp.srcport', 'tcp.dstport',
  'tcp.stream', 'tcp.flags', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.len', 'tcp.analysis.retransmission',
  'tcp.analysis.spurious_retransmission', 'tcp.analysis.out_of_order', 'tcp.analysis.initial_rtt', 'tcp.completeness',
  'tcp.analysis.reused_ports', 'tcp.options.tfo.request', 'tcp.options.tfo.cookie', 'tcp.options.mss_val',
  'tcp.options.wscale.shift', 'tcp.options.sack_perm', 'tcp.options.timestamp.tsval',
];

const PREFS = ['tcp.analyze_sequence_numbers:TRUE', 'tcp.calculate_timestamps:TRUE', 'tcp.relative_sequence_numbers:TRUE',
  'tcp.track_bytes_in_flight:TRUE', 'tcp.try_heuristic_first:FALSE'];

export const NOTES = [
  'Only frames whose protocol chain contains tcp are grouped; frames where the TCP header sits inside an ICMP/ICMPv6 error quote are counted in file.tcp_frames_in_icmp and left out of the streams.',
  'Addresses and ports come from the innermost IPv4/IPv6 header in front of the first TCP header (tunnelled TCP is reported with its inner addresses).',
  'client = sender of the first pure SYN (SYN without ACK) in the tcp.stream; endpoint_basis says how it was decided: first-syn, first-syn-ack (no pure SYN seen: client = receiver of the first SYN-ACK, inferred), or first-packet (no SYN at all: client = sender of the stream\'s first frame, inferred, may be wrong).',
  'syn counts pure SYNs sent by the client, synack counts SYN+ACK sent by the server, retransmissions included; syn_retrans / synack_retrans count those frames tshark flags tcp.analysis.retransmission (tshark does not flag every repeated SYN, e.g. one with a new ISN); syn_from_server / synack_from_client count the opposite direction (simultaneous open, odd traffic).',
  'handshake_ack = first client->server segment with ACK set and SYN/RST clear, after the first SYN-ACK, whose raw ack number equals the SYN-ACK\'s raw seq + 1 (it may carry data). handshake_complete is true when it exists, or for a simultaneous open when a SYN-ACK went each way.',
  '*_epoch are tshark frame.time_epoch strings (full file precision, seconds since 1970 UTC); rel_* are frame.time_relative strings (seconds since the first frame of the file).',
  'initial_rtt is tshark\'s tcp.analysis.initial_rtt as printed (string, seconds), first frame of the stream that has it; null when tshark gives none. tshark measures first SYN -> first later client ACK, and also sets it when no handshake completed (e.g. SYN -> RST/ACK of a refused connection, or a client ACK after a lost SYN-ACK): compare it as a handshake RTT only where handshake_complete is true.',
  'completeness is tshark\'s tcp.completeness bitmask, max over the stream\'s frames (1 SYN, 2 SYN-ACK, 4 ACK, 8 DATA, 16 FIN, 32 RST); completeness_flags spells it out.',
  'rst[].by / rst_by: which side sent the RST (client/server as defined above; \'both\' if both did).',
  'reused_ports: tshark flagged tcp.analysis.reused_ports on a frame of the stream (a new SYN on a 4-tuple seen before); tfo_*: TCP Fast Open option in the client\'s SYN (cookie request = empty option, cookie) or the server\'s SYN-ACK (cookie); syn_data_len = payload bytes in the first client SYN.',
  'syn_options / synack_options: MSS, window-scale shift, SACK-permitted and timestamp option presence in the first SYN / SYN-ACK.',
];

const ROOT_WARNING = /^Running as user "root" and group "root"\. This could be dangerous\.\s*$/;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  const stderr = r.stderr.split('\n').filter((l) => !ROOT_WARNING.test(l)).join('\n').trim();
  return { status: r.status, stdout: r.stdout, stderr };
}

function firstLine(cmd) {
  return run(cmd, ['-v']).stdout.split('\n')[0].trim();
}

function detectFormat(bytes) {
  const out = { format: 'unknown', byte_order: null, pcap_timestamp_resolution: null, compression: null, uncompressed_size_bytes: null, format_basis: 'magic' };
  let b = bytes;
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
    out.compression = 'gzip';
    try {
      b = gunzipSync(b);
      out.uncompressed_size_bytes = b.length;
    } catch {
      return out;
    }
  } else if (b.length >= 4 && b.readUInt32LE(0) === 0xfd2fb528) {
    out.compression = 'zstd';
    out.format_basis = 'capinfos File type';
    return out;
  }
  if (b.length < 4) return out;
  const le = b.readUInt32LE(0);
  const be = b.readUInt32BE(0);
  const pcap = { 0xa1b2c3d4: ['pcap', 'usec'], 0xa1b23c4d: ['pcap', 'nsec'], 0xa1b2cd34: ['pcap-modified', 'usec'] };
  if (pcap[le]) [out.format, out.pcap_timestamp_resolution, out.byte_order] = [...pcap[le], 'little'];
  else if (pcap[be]) [out.format, out.pcap_timestamp_resolution, out.byte_order] = [...pcap[be], 'big'];
  else if (be === 0x0a0d0d0a && b.length >= 12) {
    out.format = 'pcapng';
    out.byte_order = b.readUInt32LE(8) === 0x1a2b3c4d ? 'little' : b.readUInt32BE(8) === 0x1a2b3c4d ? 'big' : null;
  }
  return out;
}

const INTERFACE_KEYS = ['Name', 'Description', 'Encapsulation', 'Capture length', 'Time precision', 'Number of packets'];

function parseCapinfos(text) {
  const top = {};
  const interfaces = [];
  let cur = null;
  // split like Python's str.splitlines (the corpus was made that way): \r alone ends a line too
  for (const line of text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/)) {
    const m = /^Interface #(\d+) info:/.exec(line);
    if (m) {
      cur = { index: Number(m[1]) };
      interfaces.push(cur);
      continue;
    }
    if (cur) {
      const kv = /^\s+([^=]+?) = (.*)$/.exec(line);
      if (kv) {
        if (INTERFACE_KEYS.includes(kv[1])) cur[kv[1]] = kv[2];
        continue;
      }
      // a multi-line option value continues on unindented lines: only its first line is kept
      if (!/^[^:]+:\s/.test(line)) continue;
      cur = null;
    }
    const tm = /^([^:]+):\s+(.*)$/.exec(line);
    if (tm && !(tm[1] in top)) top[tm[1]] = tm[2].trim();
  }
  // capinfos prints interface keys in its own order; keep ours stable
  const ordered = interfaces.map((i) => {
    const o = { index: i.index };
    for (const k of INTERFACE_KEYS) if (k in i) o[k] = i[k];
    return o;
  });
  return { top, interfaces: ordered };
}

const COMPLETENESS = ['SYN', 'SYN-ACK', 'ACK', 'DATA', 'FIN', 'RST'];
const FLAG_NAMES = [[0x80, 'CWR'], [0x40, 'ECE'], [0x20, 'URG'], [0x10, 'ACK'], [0x08, 'PSH'], [0x04, 'RST'], [0x02, 'SYN'], [0x01, 'FIN']];

function first(v) {
  return v === '' || v === undefined ? '' : v.split(',')[0];
}

/** One parsed tshark row → what the grouping needs. */
function frameOf(cols, line) {
  const v = line.split('\t');
  const f = Object.fromEntries(cols.map((c, i) => [c, v[i] ?? '']));
  const chain = f['frame.protocols'].split(':');
  const tcpAt = chain.indexOf('tcp');
  const hasTcp = tcpAt >= 0;
  const inIcmp = hasTcp && chain.slice(0, tcpAt).some((p) => p === 'icmp' || p === 'icmpv6');
  let family = 0;
  for (let i = tcpAt - 1; i >= 0; i--) {
    if (chain[i] === 'ip') { family = 4; break; }
    if (chain[i] === 'ipv6') { family = 6; break; }
  }
  // the IP header right before the first TCP header is the k-th of its family in the frame
  const k = chain.slice(0, Math.max(tcpAt, 0)).filter((p) => p === (family === 6 ? 'ipv6' : 'ip')).length - 1;
  const nth = (v) => (v ? v.split(',')[Math.max(k, 0)] ?? '' : '');
  return {
    f, hasTcp, inIcmp, family,
    number: Number(f['frame.number']),
    src: family === 6 ? nth(f['ipv6.src']) : nth(f['ip.src']),
    dst: family === 6 ? nth(f['ipv6.dst']) : nth(f['ip.dst']),
    sport: Number(first(f['tcp.srcport'])),
    dport: Number(first(f['tcp.dstport'])),
    stream: first(f['tcp.stream']),
    flags: parseInt(first(f['tcp.flags']) || '0', 16),
    seq: Number(first(f['tcp.seq_raw'])),
    ack: Number(first(f['tcp.ack_raw'])),
    len: Number(first(f['tcp.len']) || 0),
  };
}

function optionsOf(fr) {
  if (!fr) return null;
  const mss = first(fr.f['tcp.options.mss_val']);
  const ws = first(fr.f['tcp.options.wscale.shift']);
  return { mss: mss === '' ? null : Number(mss), wscale: ws === '' ? null : Number(ws), sack_perm: fr.f['tcp.options.sack_perm'] !== '', timestamps: fr.f['tcp.options.timestamp.tsval'] !== '' };
}

function flagString(flags) {
  return FLAG_NAMES.filter(([b]) => flags & b).map(([, n]) => n).join('/');
}

function buildStream(id, frames) {
  const isSyn = (x) => (x.flags & 0x12) === 0x02;
  const isSynAck = (x) => (x.flags & 0x12) === 0x12;
  const firstSyn = frames.find(isSyn);
  const firstSynAck = frames.find(isSynAck);
  let client, server, basis;
  if (firstSyn) [client, server, basis] = [[firstSyn.src, firstSyn.sport], [firstSyn.dst, firstSyn.dport], 'first-syn'];
  else if (firstSynAck) [client, server, basis] = [[firstSynAck.dst, firstSynAck.dport], [firstSynAck.src, firstSynAck.sport], 'first-syn-ack'];
  else [client, server, basis] = [[frames[0].src, frames[0].sport], [frames[0].dst, frames[0].dport], 'first-packet'];
  const selfConnect = client[0] === server[0] && client[1] === server[1];
  const fromClient = (x) => x.src === client[0] && x.sport === client[1] && (!selfConnect || true);
  const c2s = frames.filter(fromClient);
  const s2c = frames.filter((x) => !fromClient(x));
  const retrans = (x) => x.f['tcp.analysis.retransmission'] !== '';
  const syns = c2s.filter(isSyn);
  const synAcks = s2c.filter(isSynAck);
  const cSyn = syns[0] ?? null;
  const sSynAck = synAcks[0] ?? null;
  let hsAck = null;
  if (sSynAck) {
    const want = (sSynAck.seq + 1) % 2 ** 32;
    hsAck = c2s.find((x) => x.number > sSynAck.number && (x.flags & 0x10) && !(x.flags & 0x06) && x.ack === want) ?? null;
  }
  const synFromServer = s2c.filter(isSyn).length;
  const synAckFromClient = c2s.filter(isSynAck).length;
  const simultaneous = syns.length > 0 && synFromServer > 0;
  const rttFrame = frames.find((x) => x.f['tcp.analysis.initial_rtt'] !== '');
  const rst = frames.filter((x) => x.flags & 0x04).map((x) => ({ by: fromClient(x) ? 'client' : 'server', frame: x.number, epoch: x.f['frame.time_epoch'], flags: flagString(x.flags) }));
  const rstBy = new Set(rst.map((r) => r.by));
  const completeness = frames.reduce((m, x) => Math.max(m, Number(first(x.f['tcp.completeness']) || 0)), 0);
  const uniqSorted = (xs) => [...new Set(xs)].sort((a, b) => a - b);
  const sum = (xs) => xs.reduce((a, x) => a + x.len, 0);
  const count = (field) => frames.filter((x) => x.f[field] !== '').length;
  return {
    stream: Number(id),
    family: frames[0].family,
    client: { ip: client[0], port: client[1] },
    server: { ip: server[0], port: server[1] },
    endpoint_basis: basis,
    endpoints_inferred: basis !== 'first-syn',
    packets: frames.length,
    packets_c2s: c2s.length,
    packets_s2c: s2c.length,
    first_frame: frames[0].number,
    last_frame: frames[frames.length - 1].number,
    first_epoch: frames[0].f['frame.time_epoch'],
    last_epoch: frames[frames.length - 1].f['frame.time_epoch'],
    rel_first: frames[0].f['frame.time_relative'],
    rel_last: frames[frames.length - 1].f['frame.time_relative'],
    syn: syns.length,
    syn_retrans: syns.filter(retrans).length,
    synack: synAcks.length,
    synack_retrans: synAcks.filter(retrans).length,
    syn_from_server: synFromServer,
    synack_from_client: synAckFromClient,
    simultaneous_open: simultaneous,
    self_connect: selfConnect,
    first_syn_frame: cSyn ? cSyn.number : null,
    first_syn_epoch: cSyn ? cSyn.f['frame.time_epoch'] : null,
    first_synack_frame: sSynAck ? sSynAck.number : null,
    first_synack_epoch: sSynAck ? sSynAck.f['frame.time_epoch'] : null,
    handshake_ack_frame: hsAck ? hsAck.number : null,
    handshake_ack_epoch: hsAck ? hsAck.f['frame.time_epoch'] : null,
    handshake_complete: !!hsAck || (simultaneous && synAcks.length > 0 && synAckFromClient > 0),
    initial_rtt: rttFrame ? first(rttFrame.f['tcp.analysis.initial_rtt']) : null,
    rst,
    rst_by: rstBy.size === 0 ? null : rstBy.size === 2 ? 'both' : [...rstBy][0],
    fin_c2s: c2s.some((x) => x.flags & 0x01),
    fin_s2c: s2c.some((x) => x.flags & 0x01),
    bytes_c2s: sum(c2s),
    bytes_s2c: sum(s2c),
    retransmissions: count('tcp.analysis.retransmission'),
    spurious_retransmissions: count('tcp.analysis.spurious_retransmission'),
    out_of_order: count('tcp.analysis.out_of_order'),
    completeness,
    completeness_flags: COMPLETENESS.filter((_, i) => completeness & (1 << i)),
    reused_ports: frames.some((x) => x.f['tcp.analysis.reused_ports'] !== ''),
    tfo_cookie_request: syns.some((x) => x.f['tcp.options.tfo.request'] !== ''),
    tfo_cookie_in_syn: syns.some((x) => x.f['tcp.options.tfo.cookie'] !== ''),
    tfo_cookie_in_synack: synAcks.some((x) => x.f['tcp.options.tfo.cookie'] !== ''),
    syn_data_len: cSyn ? cSyn.len : 0,
    syn_options: optionsOf(cSyn),
    synack_options: optionsOf(sSynAck),
    interfaces: uniqSorted(frames.map((x) => Number(x.f['frame.interface_id'] || 0))),
    vlan_ids: uniqSorted(frames.flatMap((x) => (x.f['vlan.id'] ? x.f['vlan.id'].split(',').map(Number) : []))),
    truncated_frames: frames.filter((x) => Number(x.f['frame.cap_len']) < Number(x.f['frame.len'])).length,
  };
}

function summarize(streams, tcpFrames) {
  const n = (p) => streams.filter(p).length;
  const s = (k) => streams.reduce((a, x) => a + x[k], 0);
  return {
    tcp_streams: streams.length,
    tcp_frames: tcpFrames,
    handshakes_complete: n((x) => x.handshake_complete),
    streams_with_syn: n((x) => x.syn > 0),
    streams_without_syn: n((x) => x.syn === 0),
    syn_frames: s('syn') + s('syn_from_server'),
    synack_frames: s('synack') + s('synack_from_client'),
    syn_retransmissions: s('syn_retrans'),
    synack_retransmissions: s('synack_retrans'),
    streams_syn_only: n((x) => x.syn > 0 && x.synack === 0 && x.synack_from_client === 0 && x.rst.length === 0),
    streams_refused: n((x) => x.syn > 0 && x.synack === 0 && x.rst.some((r) => r.by === 'server')),
    streams_with_rst: n((x) => x.rst.length > 0),
    simultaneous_open_streams: n((x) => x.simultaneous_open),
    self_connect_streams: n((x) => x.self_connect),
    reused_port_streams: n((x) => x.reused_ports),
    tfo_streams: n((x) => x.tfo_cookie_request || x.tfo_cookie_in_syn || x.tfo_cookie_in_synack),
    streams_with_vlan: n((x) => x.vlan_ids.length > 0),
    ipv6_streams: n((x) => x.family === 6),
    streams_with_truncated_frames: n((x) => x.truncated_frames > 0),
  };
}

/** Builds the truth JSON for one capture. `file` is the path as it should appear in the JSON. */
export function tsharkTruth(file, { source, name, versions }) {
  const bytes = readFileSync(file);
  const fmt = detectFormat(bytes);
  const args = ['-2', '-n', '-r', file];
  for (const p of PREFS) args.push('-o', p);
  args.push('-T', 'fields', '-E', 'header=y', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,');
  for (const f of FIELDS) args.push('-e', f);
  const ts = run('tshark', args);
  const ci = run('capinfos', ['-M', file]);
  const capOk = ci.status === 0;
  const cap = parseCapinfos(ci.stdout);
  if (fmt.compression === 'zstd') {
    const ft = cap.top['File type'] ?? '';
    fmt.format = ft.startsWith('pcapng') ? 'pcapng' : ft.startsWith('pcap') ? 'pcap' : 'unknown';
  }
  const [header, ...lines] = ts.stdout.split('\n').filter((l) => l !== '');
  const cols = header ? header.split('\t') : [];
  const frames = lines.map((l) => frameOf(cols, l));
  const encap = {};
  // non-packet records (pcapng custom/event blocks) give rows without encapsulation or time
  const packets = frames.filter((x) => x.f['frame.encap_type'] !== '');
  const timed = frames.filter((x) => x.f['frame.time_epoch'] !== '');
  for (const fr of [...packets].sort((a, b) => Number(a.f['frame.encap_type']) - Number(b.f['frame.encap_type']))) {
    encap[fr.f['frame.encap_type']] = (encap[fr.f['frame.encap_type']] ?? 0) + 1;
  }
  const tcp = frames.filter((x) => x.hasTcp && !x.inIcmp);
  const groups = new Map();
  for (const fr of tcp) {
    if (fr.stream === '') continue;
    if (!groups.has(fr.stream)) groups.set(fr.stream, []);
    groups.get(fr.stream).push(fr);
  }
  const streams = [...groups.entries()].sort((a, b) => Number(a[0]) - Number(b[0])).map(([id, fs]) => buildStream(id, fs));
  const numOrNull = (v) => (v === undefined ? null : Number(v));
  return {
    schema: SCHEMA,
    capture: {
      file, source, name, format: fmt.format, byte_order: fmt.byte_order, pcap_timestamp_resolution: fmt.pcap_timestamp_resolution,
      compression: fmt.compression, size_bytes: bytes.length, uncompressed_size_bytes: fmt.uncompressed_size_bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'), format_basis: fmt.format_basis,
    },
    file: {
      packets: frames.length,
      packets_capinfos: capOk ? numOrNull(cap.top['Number of packets']) : null,
      file_type_capinfos: capOk ? cap.top['File type'] ?? null : null,
      file_encapsulation_capinfos: capOk ? cap.top['File encapsulation'] ?? null : null,
      encap_types_per_frame: encap,
      interfaces: capOk ? cap.interfaces : [],
      first_frame_epoch: timed.length ? timed[0].f['frame.time_epoch'] : null,
      last_frame_epoch: timed.length ? timed[timed.length - 1].f['frame.time_epoch'] : null,
      tcp_frames: tcp.length,
      tcp_frames_in_icmp: frames.filter((x) => x.inIcmp).length,
      damaged: ts.status !== 0,
      tshark_exit_status: ts.status,
      tshark_error: ts.status !== 0 ? ts.stderr : null,
      capinfos_exit_status: ci.status,
      // capinfos' own lines only: its parenthesised detail lines were not kept in the corpus
      capinfos_error: ci.status !== 0 ? ci.stderr.split('\n').filter((l) => l.startsWith('capinfos:')).join('\n') : null,
    },
    tshark: {
      version: versions.tshark,
      command: ['tshark', ...args.map((a) => (a === '\t' ? '/t' : a))].join(' '),
      capinfos: { version: versions.capinfos, command: `capinfos -M ${file}` },
    },
    notes: NOTES,
    summary: summarize(streams, tcp.length),
    streams,
  };
}

/** Pretty JSON like the corpus, except one line per stream: floods have thousands of them. */
export function formatTruth(truth) {
  const { streams, ...head } = truth;
  const top = JSON.stringify({ ...head, streams: [] }, null, 1);
  const body = streams.map((s) => `  ${JSON.stringify(s)}`).join(',\n');
  return `${top.replace(/"streams": \[\]\n\}$/, `"streams": [\n${body}\n ]\n}`)}\n`;
}

function diff(a, b, path = '') {
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return a === b ? [] : [`${path}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) => diff(a[k], b[k], `${path}.${k}`));
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string' }, source: { type: 'string', default: 'synscope' }, base: { type: 'string' }, check: { type: 'string' } },
  });
  const versions = { tshark: firstLine('tshark'), capinfos: firstLine('capinfos') };
  let failures = 0;
  for (const file of positionals) {
    const name = values.base ? relative(values.base, file) : basename(file);
    const truth = tsharkTruth(file, { source: values.source, name, versions });
    if (values.check) {
      const want = JSON.parse(readFileSync(join(values.check, `${name}.tshark.json`), 'utf8'));
      const d = diff(truth, want);
      if (d.length) {
        failures++;
        console.log(`DIFF ${file}\n  ${d.slice(0, 12).join('\n  ')}${d.length > 12 ? `\n  … ${d.length - 12} more` : ''}`);
      } else console.log(`same ${file}`);
      continue;
    }
    const out = join(values.out ?? dirname(file), `${name}.tshark.json`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, formatTruth(truth));
    console.log(`${out}: ${truth.summary.tcp_streams} streams, ${truth.file.packets} frames${truth.file.damaged ? ' (damaged)' : ''}`);
  }
  process.exit(failures ? 1 : 0);
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) await main();
