// tshark as an outside witness for the diagram: per frame, the flags and relative Seq/Ack of
// its Info column ("50100 → 8080 [SYN, ACK] Seq=0 Ack=1 …"). Optional: CI installs no
// Wireshark, and then the diagram is checked against the CLI alone.
import { spawnSync } from 'node:child_process';

const cache = new Map();
let available;

/**
 * Map frame number → { flags, seq, ack, info, timeNs (epoch, BigInt ns), stream (tcp.stream),
 * initialRtt (tcp.analysis.initial_rtt, once tshark has seen the handshake) } for the TCP frames
 * of `file`; null without tshark.
 */
export function tsharkFrames(file) {
  if (available === undefined) available = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0;
  if (!available) return null;
  if (cache.has(file)) return cache.get(file);
  const r = spawnSync('tshark', ['-r', file, '-Y', 'tcp', '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_epoch',
    '-e', 'tcp.stream', '-e', 'tcp.analysis.initial_rtt', '-e', '_ws.col.Info'], {
    encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`tshark -r ${file} failed: ${r.stderr}`);
  const frames = new Map();
  for (const line of r.stdout.split('\n')) {
    const [n, time, stream, initialRtt, info] = line.split('\t');
    const m = /\[((?:[A-Z]+)(?:, [A-Z]+)*)\]\s+Seq=(\d+)/.exec(info ?? '');
    if (!n || !m) continue;
    const ack = /\bAck=(\d+)/.exec(info);
    frames.set(Number(n), {
      flags: m[1].split(', '), seq: Number(m[2]), ack: ack ? Number(ack[1]) : null, info: info.trim(),
      timeNs: epochNs(time), stream: Number(stream), initialRtt: initialRtt ? Number(initialRtt) : null,
    });
  }
  cache.set(file, frames);
  return frames;
}

/** "1767225604.020060000" → BigInt nanoseconds: a double would blur microseconds at 1.7e9 s. */
function epochNs(text) {
  const [s, f = ''] = text.split('.');
  return BigInt(s) * 1_000_000_000n + BigInt(f.slice(0, 9).padEnd(9, '0'));
}

/** Seconds from frame `a` to frame `b` of a tsharkFrames map. */
export function secondsBetween(frames, a, b) {
  return Number(frames.get(b).timeNs - frames.get(a).timeNs) / 1e9;
}
