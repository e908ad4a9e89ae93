/**
 * Sorting, filtering and paging of the full flow list for the flow table. Runs in the worker,
 * next to the flows, so a million flows never cross a thread boundary: the webview asks for
 * one page at a time. The index of a query (sort + filter) is cached, so scrolling through
 * pages of the same view costs a slice, not a sort. The flows come from a FlowList: sorting
 * and filtering read its fields (the engine's store: its columns), and only the rows of a page
 * are built as Flows, so no list of Flow objects is kept or made.
 */
import type { Finding, Flow, Severity } from '../core/engine/result';
import { fieldsOf, type FlowFields, type NumericField } from '../core/store/flowFields';
import { idAt, type FlowList } from '../core/store/flowList';
import { formatEndpoint, type FlowFilter, type FlowPage, type FlowQuery, type FlowRow, type SortKey } from '../protocol/flowTable';
import { parseFilter } from '../protocol/filterQuery';
import { flowRow } from './flowRow';

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** Sort key for an address: numeric order (IPv4 before IPv6), then port. */
export function endpointSortKey(ip: string, port: number): string {
  const p = String(port).padStart(5, '0');
  if (!ip.includes(':')) {
    return '4' + ip.split('.').map((o) => o.padStart(3, '0')).join('.') + ':' + p;
  }
  return '6' + expandIpv6(ip) + ':' + p;
}

function expandIpv6(ip: string): string {
  // Embedded IPv4 tails (::ffff:1.2.3.4) sort after pure hex groups of the same prefix; that is fine.
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : Math.max(0, 8 - h.length - t.length);
  return [...h, ...new Array<string>(missing).fill('0'), ...t].map((g) => g.padStart(4, '0')).join(':');
}

export class FlowIndex {
  private readonly findingsById = new Map<number, Finding>();
  private readonly rowCache = new Map<number, FlowRow>();
  private readonly numericKeys = new Map<SortKey, Float64Array>();
  /** Most recently used query results, newest last. */
  private readonly views = new Map<string, Uint32Array>();
  private static readonly MAX_VIEWS = 4;

  /** What sorting and filtering read: the store's columns, so no Flow is built for them. */
  private readonly fields: FlowFields;

  constructor(private readonly flows: FlowList, findings: readonly Finding[]) {
    for (const f of findings) this.findingsById.set(f.id, f);
    this.fields = fieldsOf(flows);
  }

  get size(): number {
    return this.flows.length;
  }

  /** The flow with this id (ids are 1-based and dense in the engine's result; checked anyway). */
  flow(id: number): Flow | undefined {
    const guess = id >= 1 ? this.flows.at(id - 1) : undefined;
    if (guess && guess.id === id) return guess;
    for (let i = 0; i < this.flows.length; i++) if (idAt(this.flows, i) === id) return this.flows.at(i);
    return undefined;
  }

  /** "client → server" of each finding's first flow (the findings report names flows so). */
  endpointsOf(findings: readonly Finding[]): Record<number, string> {
    const out: Record<number, string> = {};
    for (const f of findings) {
      const id = f.flows[0];
      if (id === undefined || id in out) continue;
      const flow = this.flow(id);
      if (flow) out[id] = `${formatEndpoint(flow.client.ip, flow.client.port)} → ${formatEndpoint(flow.server.ip, flow.server.port)}`;
    }
    return out;
  }

  findingsOf(flow: Flow): Finding[] {
    const out: Finding[] = [];
    for (const id of flow.findings) {
      const f = this.findingsById.get(id);
      if (f) out.push(f);
    }
    return out;
  }

  row(i: number): FlowRow {
    let r = this.rowCache.get(i);
    if (r) return r;
    const f = this.flows.at(i)!;
    r = flowRow(f, this.findingsOf(f), i > 0 ? this.flows.at(i - 1) : undefined);
    // Rows are small, but a million of them are not: cache only what pages touched recently.
    if (this.rowCache.size > 20_000) this.rowCache.clear();
    this.rowCache.set(i, r);
    return r;
  }

  /** Rows [offset, offset+limit) of the query's view. */
  page(query: FlowQuery, offset: number, limit: number): FlowPage {
    const view = this.view(query);
    const start = Math.max(0, Math.min(Math.floor(offset), view.length));
    const end = Math.min(view.length, start + Math.max(0, Math.floor(limit)));
    const rows: FlowRow[] = [];
    for (let k = start; k < end; k++) rows.push(this.row(view[k]!));
    return { offset: start, total: view.length, rows };
  }

  /** Position of a flow in the query's view, -1 when filtered out or unknown. */
  locate(query: FlowQuery, flowId: number): number {
    const view = this.view(query);
    for (let k = 0; k < view.length; k++) if (idAt(this.flows, view[k]!) === flowId) return k;
    return -1;
  }

  /** Flow indices in display order for a query (cached). */
  view(query: FlowQuery): Uint32Array {
    const key = JSON.stringify([query.sort.key, query.sort.dir, normalizeFilter(query.filter)]);
    const hit = this.views.get(key);
    if (hit) {
      this.views.delete(key);
      this.views.set(key, hit);
      return hit;
    }
    const v = this.sorted(this.filtered(query.filter), query.sort.key, query.sort.dir === 'desc');
    this.views.set(key, v);
    if (this.views.size > FlowIndex.MAX_VIEWS) this.views.delete(this.views.keys().next().value as string);
    return v;
  }

  private filtered(filter: FlowFilter): Uint32Array {
    // A filter the box could not read narrows nothing; the webview says why instead of sending it.
    const parsed = parseFilter(filter.text ?? '');
    const textTest = parsed.ok && !parsed.empty ? parsed.test : null;
    const ids = filter.flowIds && filter.flowIds.length > 0 ? new Set(filter.flowIds) : null;
    const minS = filter.rttMinMs == null ? null : filter.rttMinMs / 1000;
    const maxS = filter.rttMaxMs == null ? null : filter.rttMaxMs / 1000;
    const from = filter.startFrom ?? null;
    const to = filter.startTo ?? null;
    const fields = this.fields;
    const out = new Uint32Array(this.flows.length);
    let n = 0;
    for (let i = 0; i < this.flows.length; i++) {
      if (ids && !ids.has(idAt(this.flows, i))) continue;
      if (filter.state && fields.state(i) !== filter.state) continue;
      if (from !== null || to !== null) {
        const t = fields.number(i, 'start');
        if ((from !== null && t < from) || (to !== null && t >= to)) continue;
      }
      if (minS !== null || maxS !== null) {
        const rtt = fields.number(i, 'rtt');
        if (rtt !== rtt) continue;
        if (minS !== null && rtt < minS) continue;
        if (maxS !== null && rtt > maxS) continue;
      }
      if (filter.finding && !fields.findings(i).some((id) => this.findingsById.get(id)?.code === filter.finding)) continue;
      if (textTest && !textTest(fields.filterable(i))) continue;
      out[n++] = i;
    }
    return out.slice(0, n);
  }

  private sorted(idx: Uint32Array, key: SortKey, desc: boolean): Uint32Array {
    if (key === 'id') {
      // The flow list is already in id order.
      return desc ? idx.reverse() : idx;
    }
    const list = this.flows;
    const sign = desc ? -1 : 1;
    // Every key is a number (strings become ranks), so a million flows sort in about a second.
    const nums = this.numericKey(key);
    // Unmeasured values (NaN) go last in both directions: "no RTT" is not "fastest".
    return idx.sort((a, b) => {
      const x = nums[a]!;
      const y = nums[b]!;
      const xn = x !== x;
      const yn = y !== y;
      if (xn !== yn) return xn ? 1 : -1;
      if (!xn && x !== y) return (x - y) * sign;
      return idAt(list, a) - idAt(list, b);
    });
  }

  private numericKey(key: SortKey): Float64Array {
    let arr = this.numericKeys.get(key);
    if (arr) return arr;
    const n = this.flows.length;
    const fields = this.fields;
    arr = new Float64Array(n);
    if (key === 'client' || key === 'server') endpointKeys(fields, n, key, arr);
    else if (key === 'state' || key === 'history') {
      const values: string[] = [];
      for (let i = 0; i < n; i++) values.push(key === 'state' ? fields.state(i) : fields.history(i));
      rankKeys(values, arr);
    } else if (key === 'findings') {
      for (let i = 0; i < n; i++) arr[i] = this.findingWeight(fields.findings(i));
    } else if (key !== 'id') {
      for (let i = 0; i < n; i++) arr[i] = fields.number(i, key satisfies NumericField);
    }
    this.numericKeys.set(key, arr);
    return arr;
  }

  /** Number of findings, with the worst severity breaking ties (sort by "how bad"). */
  private findingWeight(ids: readonly number[]): number {
    let worst = 0;
    for (const id of ids) {
      const fd = this.findingsById.get(id);
      if (fd) worst = Math.max(worst, SEVERITY_RANK[fd.severity]);
    }
    return worst * 1e6 + ids.length;
  }
}

/** Distinct strings in sorted order → their rank, written per item into `out`. */
function rankKeys(values: string[], out: Float64Array): void {
  const distinct = [...new Set(values)].sort();
  const rank = new Map(distinct.map((v, i) => [v, i]));
  for (let i = 0; i < values.length; i++) out[i] = rank.get(values[i]!)!;
}

/**
 * Numeric address order: IPv4 as its 32-bit value × 65536 + port (exact below 2^53); IPv6
 * after all IPv4, ranked by the expanded address (few distinct IPv6 hosts in practice).
 */
function endpointKeys(fields: FlowFields, n: number, side: 'client' | 'server', out: Float64Array): void {
  const v6At = new Map<number, { ip: string; port: number }>();
  for (let i = 0; i < n; i++) {
    const x = fields.endpointNumber(i, side);
    if (x === x) out[i] = x;
    else {
      out[i] = -1;
      v6At.set(i, fields.endpoint(i, side));
    }
  }
  if (v6At.size === 0) return;
  const distinct = [...new Set([...v6At.values()].map((ep) => ep.ip))].sort((a, b) => (endpointSortKey(a, 0) < endpointSortKey(b, 0) ? -1 : 1));
  const rank = new Map(distinct.map((ip, r) => [ip, r]));
  const base = 2 ** 48;
  for (const [i, ep] of v6At) out[i] = base + rank.get(ep.ip)! * 65536 + ep.port;
}

function normalizeFilter(f: FlowFilter): unknown[] {
  return [
    (f.text ?? '').trim().toLowerCase(), f.state ?? '', f.finding ?? '',
    f.rttMinMs ?? null, f.rttMaxMs ?? null, f.flowIds && f.flowIds.length > 0 ? f.flowIds : null,
    f.startFrom ?? null, f.startTo ?? null,
  ];
}
