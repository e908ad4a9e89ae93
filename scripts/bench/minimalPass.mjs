// The "minimal pass": the least work any per-flow handshake analyser does in Node, written out
// plainly so the bench can put the full analysis next to it (issue 16). It reads the file in
// 1 MiB chunks, walks pcap or pcapng records, decodes Ethernet/VLAN/IPv4/IPv6 to TCP, looks the
// 4-tuple up in an open-addressing table, and counts SYN, SYN-ACK and ACK per flow. Nothing
// else: no reassembly of IP fragments, no IPv6 extension headers, no timestamps, no findings.
//
//   node scripts/bench/minimalPass.mjs capture.pcap   → {"packets":…,"tcp":…,"flows":…,…}
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK = 1 << 20;
let buf = Buffer.allocUnsafe(4 * CHUNK);
let len = 0;
let pos = 0;
const fd = openSync(process.argv[2], 'r');
let eof = false;

/** Makes at least `n` bytes available from `pos`; false at end of file. */
function need(n) {
  if (len - pos >= n) return true;
  if (eof) return false;
  buf.copy(buf, 0, pos, len);
  len -= pos;
  pos = 0;
  if (n > buf.length) {
    const bigger = Buffer.allocUnsafe(n + CHUNK);
    buf.copy(bigger, 0, 0, len);
    buf = bigger;
  }
  while (len - pos < n && !eof) {
    const r = readSync(fd, buf, len, Math.min(CHUNK, buf.length - len), null);
    if (r === 0) eof = true;
    len += r;
  }
  return len - pos >= n;
}

// ---------- the flow table: open addressing, linear probing ----------
// A slot's key, 10 words: IP version, ports (A << 16 | B), address A (4 words), address B (4
// words), with A the lower endpoint so both directions find the same slot.
const W = 10;
let cap = 1 << 16;
let keys = new Uint32Array(cap * W);
let used = new Uint8Array(cap);
let flowOf = new Int32Array(cap);
let flows = 0;
let syn = new Uint32Array(1 << 16);
let synAck = new Uint32Array(1 << 16);
let ack = new Uint32Array(1 << 16);
const key = new Uint32Array(W);

function hashKey(k) {
  let h = 0x9e3779b9;
  const n = k[0] === 4 ? 6 : W;
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ k[i], 0x85ebca6b);
    h ^= h >>> 13;
  }
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function same(slot, k) {
  const o = slot * W;
  for (let i = 0; i < W; i++) if (keys[o + i] !== k[i]) return false;
  return true;
}

function grow() {
  const oldKeys = keys, oldUsed = used, oldFlow = flowOf, oldCap = cap;
  cap *= 2;
  keys = new Uint32Array(cap * W);
  used = new Uint8Array(cap);
  flowOf = new Int32Array(cap);
  const k = new Uint32Array(W);
  for (let s = 0; s < oldCap; s++) {
    if (!oldUsed[s]) continue;
    k.set(oldKeys.subarray(s * W, s * W + W));
    let i = hashKey(k) & (cap - 1);
    while (used[i]) i = (i + 1) & (cap - 1);
    used[i] = 1;
    keys.set(k, i * W);
    flowOf[i] = oldFlow[s];
  }
}

function flowFor(k) {
  let i = hashKey(k) & (cap - 1);
  while (used[i]) {
    if (same(i, k)) return flowOf[i];
    i = (i + 1) & (cap - 1);
  }
  used[i] = 1;
  keys.set(k, i * W);
  const f = flows++;
  flowOf[i] = f;
  if (flows >= syn.length) {
    const n = syn.length * 2;
    const g = (a) => { const b = new Uint32Array(n); b.set(a); return b; };
    syn = g(syn); synAck = g(synAck); ack = g(ack);
  }
  if (flows * 2 > cap) grow();
  return f;
}

// ---------- decoding ----------
let packets = 0;
let tcp = 0;

/** Compares endpoint (addr words at a, port pa) with (b, pb) in `key` scratch order. */
function decodeTcp(p, end, link) {
  let at = p;
  let type;
  if (link === 1) {
    if (end - at < 14) return;
    type = buf.readUInt16BE(at + 12);
    at += 14;
    while ((type === 0x8100 || type === 0x88a8) && end - at >= 4) {
      type = buf.readUInt16BE(at + 2);
      at += 4;
    }
  } else if (link === 101 || link === 12) {
    type = (buf[at] >> 4) === 6 ? 0x86dd : 0x0800;
  } else return;
  let srcAt, dstAt, words, t;
  if (type === 0x0800) {
    if (end - at < 20 || buf[at + 9] !== 6) return;
    if (buf.readUInt16BE(at + 6) & 0x3fff) return; // a fragment
    srcAt = at + 12; dstAt = at + 16; words = 1;
    t = at + (buf[at] & 15) * 4;
  } else if (type === 0x86dd) {
    if (end - at < 40 || buf[at + 6] !== 6) return;
    srcAt = at + 8; dstAt = at + 24; words = 4;
    t = at + 40;
  } else return;
  if (end - t < 20) return;
  tcp++;
  const sp = buf.readUInt16BE(t);
  const dp = buf.readUInt16BE(t + 2);
  const flags = buf[t + 13];
  // The lower endpoint first, so both directions make one key.
  let srcFirst = sp < dp || (sp === dp);
  for (let i = 0; i < words; i++) {
    const a = buf.readUInt32BE(srcAt + i * 4), b = buf.readUInt32BE(dstAt + i * 4);
    if (a !== b) { srcFirst = a < b; break; }
  }
  key.fill(0);
  key[0] = words === 1 ? 4 : 6;
  key[1] = srcFirst ? (sp << 16) | dp : (dp << 16) | sp;
  const aAt = srcFirst ? srcAt : dstAt, bAt = srcFirst ? dstAt : srcAt;
  for (let i = 0; i < words; i++) {
    key[2 + i] = buf.readUInt32BE(aAt + i * 4);
    key[6 + i] = buf.readUInt32BE(bAt + i * 4);
  }
  const f = flowFor(key);
  if (flags & 2) {
    if (flags & 16) synAck[f]++;
    else syn[f]++;
  } else if (flags & 16) ack[f]++;
}

// ---------- records ----------
need(24);
const magic = buf.readUInt32LE(0);
if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d || magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) {
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const link = le ? buf.readUInt32LE(20) : buf.readUInt32BE(20);
  pos = 24;
  while (need(16)) {
    const incl = le ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8);
    if (!need(16 + incl)) break;
    packets++;
    decodeTcp(pos + 16, pos + 16 + incl, link & 0xffff);
    pos += 16 + incl;
  }
} else if (magic === 0x0a0d0d0a) {
  let le = true;
  const links = [];
  while (need(12)) {
    if (buf.readUInt32LE(pos) === 0x0a0d0d0a) {
      le = buf.readUInt32LE(pos + 8) === 0x1a2b3c4d;
      links.length = 0;
    }
    const type = le ? buf.readUInt32LE(pos) : buf.readUInt32BE(pos);
    const total = le ? buf.readUInt32LE(pos + 4) : buf.readUInt32BE(pos + 4);
    if (total < 12 || !need(total)) break;
    if (type === 1) links.push(le ? buf.readUInt16LE(pos + 8) : buf.readUInt16BE(pos + 8));
    else if (type === 6) {
      packets++;
      const iface = le ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8);
      const capLen = le ? buf.readUInt32LE(pos + 20) : buf.readUInt32BE(pos + 20);
      decodeTcp(pos + 28, pos + 28 + Math.min(capLen, total - 32), links[iface] ?? 1);
    }
    pos += total;
  }
} else {
  throw new Error('not a pcap or pcapng file');
}
closeSync(fd);

let synTotal = 0, synAckTotal = 0, ackTotal = 0;
for (let f = 0; f < flows; f++) { synTotal += syn[f]; synAckTotal += synAck[f]; ackTotal += ack[f]; }
process.stdout.write(JSON.stringify({ packets, tcp, flows, syn: synTotal, synAck: synAckTotal, ack: ackTotal }));
