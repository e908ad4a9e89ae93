/**
 * The flow table's filter box: a small grammar in the words a Wireshark user types, applied to
 * flows (both directions of a connection). Pure; the worker filters with it and the webview
 * parses as the user types, to say at once when a filter is not understood.
 *
 *   filter  := or
 *   or      := and (("or" | "||") and)*
 *   and     := unary (("and" | "&&")? unary)*        (terms side by side must all hold)
 *   unary   := ("not" | "!") unary | "(" or ")" | test
 *   test    := field op value | key ":" value | address | cidr | endpoint | text
 *
 * Fields: ip.addr / ipv6.addr / host (either end), ip.src (client) / ip.dst (server),
 * tcp.port / port (either end), tcp.srcport / tcp.dstport, tcp.stream / stream, flow,
 * vlan.id / vlan, frame.interface_id / iface, state (Zeek code or plain word).
 * Operators: == eq, != ne, > gt, < lt, >= ge, <= le. Addresses take a CIDR prefix (10.0.0.0/8).
 * Shorthands: "port:443", "host:10.0.0.1", "vlan:100"; a bare address, CIDR or "ip:port"
 * matches either end. Anything else is a piece of text that must occur in "client server"
 * (the old behaviour, so typing a partial address narrows as you type).
 */
import type { ConnState } from '../core/engine/result';
import { stateWords } from './stateWords';

/** What the grammar reads of a flow (engine Flow objects have all of it). */
export interface FilterableFlow {
  id: number;
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  vlan: readonly number[];
  interfaces: readonly number[];
  state: ConnState;
  handshake: { complete: boolean };
}

export type FlowPredicate = (f: FilterableFlow) => boolean;

export type ParsedFilter =
  | { ok: true; test: FlowPredicate; empty: boolean }
  | { ok: false; message: string; at: number };

const OPS: Record<string, Op> = {
  '==': 'eq', eq: 'eq', '!=': 'ne', ne: 'ne', '>': 'gt', gt: 'gt', '<': 'lt', lt: 'lt', '>=': 'ge', ge: 'ge', '<=': 'le', le: 'le',
};
type Op = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le';

type Field = 'addr' | 'src' | 'dst' | 'port' | 'srcport' | 'dstport' | 'stream' | 'flow' | 'vlan' | 'iface' | 'state';

const FIELDS: Record<string, Field> = {
  'ip.addr': 'addr', 'ipv6.addr': 'addr', host: 'addr', ip: 'addr', addr: 'addr',
  'ip.src': 'src', 'ipv6.src': 'src', client: 'src', 'ip.dst': 'dst', 'ipv6.dst': 'dst', server: 'dst',
  'tcp.port': 'port', port: 'port', 'tcp.srcport': 'srcport', 'tcp.dstport': 'dstport',
  'tcp.stream': 'stream', stream: 'stream', flow: 'flow',
  'vlan.id': 'vlan', vlan: 'vlan', 'frame.interface_id': 'iface', iface: 'iface', interface: 'iface',
  state: 'state', 'conn.state': 'state',
};

/** The fields, for the "not understood" message and the docs. */
export const FILTER_FIELDS = 'ip.addr, ip.src, ip.dst, tcp.port, tcp.srcport, tcp.dstport, tcp.stream, vlan.id, frame.interface_id, state';

interface Token { text: string; at: number }

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  const re = /\s*("[^"]*"?|==|!=|>=|<=|&&|\|\||[><!()]|[^\s=!<>()&|"]+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(input)) !== null) {
    if (m[1] === undefined) break;
    out.push({ text: m[1], at: m.index + m[0].length - m[1].length });
    if (re.lastIndex >= input.length) break;
  }
  return out;
}

class Failure extends Error {
  constructor(message: string, readonly at: number) {
    super(message);
  }
}

export function parseFilter(input: string): ParsedFilter {
  const tokens = tokenize(input);
  if (tokens.length === 0) return { ok: true, test: () => true, empty: true };
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const word = (t: Token | undefined): string => (t ? t.text.toLowerCase() : '');

  const parseOr = (): FlowPredicate => {
    const parts = [parseAnd()];
    while (word(peek()) === 'or' || word(peek()) === '||') {
      i++;
      parts.push(parseAnd());
    }
    return parts.length === 1 ? parts[0]! : (f) => parts.some((p) => p(f));
  };
  const parseAnd = (): FlowPredicate => {
    const parts = [parseUnary()];
    for (;;) {
      const w = word(peek());
      if (w === 'and' || w === '&&') {
        i++;
        parts.push(parseUnary());
      } else if (peek() && w !== 'or' && w !== '||' && w !== ')') {
        parts.push(parseUnary());
      } else break;
    }
    return parts.length === 1 ? parts[0]! : (f) => parts.every((p) => p(f));
  };
  const parseUnary = (): FlowPredicate => {
    const t = peek();
    if (!t) throw new Failure('the filter ends where a test was expected', input.length);
    const w = word(t);
    if (w === 'not' || w === '!') {
      i++;
      const inner = parseUnary();
      return (f) => !inner(f);
    }
    if (w === '(') {
      i++;
      const inner = parseOr();
      if (word(peek()) !== ')') throw new Failure('a "(" is never closed', t.at);
      i++;
      return inner;
    }
    if (w === ')' || w === 'and' || w === 'or' || w === '&&' || w === '||') throw new Failure(`"${t.text}" where a test was expected`, t.at);
    i++;
    const op = peek() ? OPS[word(peek())] : undefined;
    if (op) {
      const opTok = peek()!;
      i++;
      const field = FIELDS[w];
      if (!field) throw new Failure(`unknown field "${t.text}"; known: ${FILTER_FIELDS}`, t.at);
      const v = peek();
      if (!v) throw new Failure(`"${t.text} ${opTok.text}" needs a value`, input.length);
      i++;
      return fieldTest(field, op, v);
    }
    return bareTest(t);
  };

  try {
    const test = parseOr();
    const rest = peek();
    if (rest) throw new Failure(`unexpected "${rest.text}"`, rest.at);
    return { ok: true, test, empty: false };
  } catch (e) {
    if (e instanceof Failure) return { ok: false, message: e.message, at: e.at };
    throw e;
  }
}

function fieldTest(field: Field, op: Op, v: Token): FlowPredicate {
  switch (field) {
    case 'addr': case 'src': case 'dst': {
      if (op !== 'eq' && op !== 'ne') throw new Failure(`addresses compare with == or != only`, v.at);
      const net = parseNet(v.text);
      if (!net) throw new Failure(`"${v.text}" is not an IP address or CIDR block`, v.at);
      const pick = field === 'src' ? (f: FilterableFlow) => [f.client.ip] : field === 'dst' ? (f: FilterableFlow) => [f.server.ip] : (f: FilterableFlow) => [f.client.ip, f.server.ip];
      // Wireshark's "ip.addr != X" means "some address is not X"; "not ip.addr == X" is the
      // usual intent and the one this gives for both.
      const has = (f: FilterableFlow): boolean => pick(f).some((ip) => inNet(ip, net));
      return op === 'eq' ? has : (f) => !has(f);
    }
    case 'state': {
      if (op !== 'eq' && op !== 'ne') throw new Failure(`state compares with == or != only`, v.at);
      const want = unquote(v.text).toLowerCase().replace(/[-_]/g, ' ');
      const has = (f: FilterableFlow): boolean => f.state.toLowerCase() === want || stateWords(f.state, f.handshake.complete).replace(/-/g, ' ') === want;
      return op === 'eq' ? has : (f) => !has(f);
    }
    default: {
      const n = Number(v.text);
      if (!/^\d+$/.test(v.text) || !Number.isSafeInteger(n)) throw new Failure(`"${v.text}" is not a whole number`, v.at);
      const values = numbers(field);
      const cmp = compare(op, n);
      // Either end / any tag matches, as Wireshark's tcp.port and vlan.id do; != is its negation.
      if (op === 'ne') return (f) => !values(f).some((x) => x === n);
      return (f) => values(f).some(cmp);
    }
  }
}

function numbers(field: Field): (f: FilterableFlow) => readonly number[] {
  switch (field) {
    case 'port': return (f) => [f.client.port, f.server.port];
    case 'srcport': return (f) => [f.client.port];
    case 'dstport': return (f) => [f.server.port];
    // tcp.stream counts flows from 0 in order of first packet; flow ids count them from 1.
    case 'stream': return (f) => [f.id - 1];
    case 'flow': return (f) => [f.id];
    case 'vlan': return (f) => f.vlan;
    default: return (f) => f.interfaces;
  }
}

function compare(op: Op, n: number): (x: number) => boolean {
  switch (op) {
    case 'eq': return (x) => x === n;
    case 'ne': return (x) => x !== n;
    case 'gt': return (x) => x > n;
    case 'lt': return (x) => x < n;
    case 'ge': return (x) => x >= n;
    case 'le': return (x) => x <= n;
  }
}

/** "port:443", "host:10.0.0.1", a bare address / CIDR / "ip:port", or a piece of text. */
function bareTest(t: Token): FlowPredicate {
  const m = /^([a-z_.]+):(.+)$/i.exec(t.text);
  if (m && FIELDS[m[1]!.toLowerCase()]) return fieldTest(FIELDS[m[1]!.toLowerCase()]!, 'eq', { text: m[2]!, at: t.at + m[1]!.length + 1 });
  const net = parseNet(t.text);
  if (net) return (f) => inNet(f.client.ip, net) || inNet(f.server.ip, net);
  if (/^[0-9a-f:.]+\/\d*$/i.test(t.text)) throw new Failure(`"${t.text}" is not a CIDR block (address/prefix length)`, t.at);
  const ep = /^\[?([0-9a-f:.]+?)\]?:(\d+)$/i.exec(t.text);
  if (ep) {
    const host = parseNet(ep[1]!);
    const port = Number(ep[2]);
    if (host) return (f) => (inNet(f.client.ip, host) && f.client.port === port) || (inNet(f.server.ip, host) && f.server.port === port);
  }
  const needle = unquote(t.text).toLowerCase();
  return (f) => endpointText(f).includes(needle);
}

function unquote(s: string): string {
  return s.replace(/^"|"$/g, '');
}

function endpointText(f: FilterableFlow): string {
  const ep = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  return `${ep(f.client.ip, f.client.port)} ${ep(f.server.ip, f.server.port)}`.toLowerCase();
}

interface Net { v6: boolean; addr: bigint; bits: number }

/** "10.0.0.1", "10.0.0.0/8", "2001:db8::/32" → network; null when not an address. */
export function parseNet(text: string): Net | null {
  const [host, prefix, extra] = text.split('/');
  if (extra !== undefined || host === undefined) return null;
  const a = parseIp(host);
  if (!a) return null;
  const max = a.v6 ? 128 : 32;
  const bits = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  if (!(bits >= 0 && bits <= max)) return null;
  return { v6: a.v6, addr: a.addr, bits };
}

/** Flows repeat a few addresses many times: parse each once. */
const parsedIps = new Map<string, { v6: boolean; addr: bigint } | null>();

function inNet(ip: string, net: Net): boolean {
  let a = parsedIps.get(ip);
  if (a === undefined) {
    if (parsedIps.size > 200_000) parsedIps.clear();
    a = parseIp(ip);
    parsedIps.set(ip, a);
  }
  if (!a || a.v6 !== net.v6) return false;
  const width = BigInt(net.v6 ? 128 : 32);
  const shift = width - BigInt(net.bits);
  return (a.addr >> shift) === (net.addr >> shift);
}

function parseIp(text: string): { v6: boolean; addr: bigint } | null {
  const v4 = parseV4(text);
  if (v4 !== null) return { v6: false, addr: v4 };
  if (!text.includes(':')) return null;
  let s = text.toLowerCase();
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
  const tail = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const t = parseV4(tail[2]!);
    if (t === null) return null;
    s = `${tail[1]}${(t >> 16n).toString(16)}:${(t & 0xffffn).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string): string[] => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  if (fill < 0 || (halves.length === 1 && head.length !== 8)) return null;
  const all = [...head, ...new Array<string>(fill).fill('0'), ...rest];
  if (all.length !== 8) return null;
  let addr = 0n;
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    addr = (addr << 16n) | BigInt(parseInt(g, 16));
  }
  return { v6: true, addr };
}

function parseV4(text: string): bigint | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let addr = 0n;
  for (let k = 1; k <= 4; k++) {
    const o = Number(m[k]);
    if (o > 255) return null;
    addr = (addr << 8n) | BigInt(o);
  }
  return addr;
}
