// The flow table's model: what a user sees when sorting, filtering and paging the flows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowIndex, endpointSortKey } from '../../../src/worker/flowIndex';
import type { FlowQuery } from '../../../src/protocol/flowTable';
import { finding, flow } from './fixtures';

const q = (over: Partial<FlowQuery['sort']> = {}, filter: FlowQuery['filter'] = {}): FlowQuery => ({
  sort: { key: 'id', dir: 'asc', ...over }, filter,
});

const flows = [
  flow(1, { client: ['10.0.0.9', 5000], rtt: 0.050, findings: [1] }),
  flow(2, { client: ['10.0.0.10', 5001], rtt: null, state: 'S0', findings: [2, 3] }),
  flow(3, { client: ['192.168.1.2', 443], server: ['2001:db8::1', 443], rtt: 0.002 }),
  flow(4, { client: ['10.0.0.1', 5002], rtt: 0.300, state: 'REJ', findings: [4] }),
];
const findings = [
  finding(1, 'slow-handshake', 'warning', [1]),
  finding(2, 'unanswered-syn', 'warning', [2]),
  finding(3, 'syn-flood', 'error', [2]),
  finding(4, 'refused', 'info', [4]),
];
const ids = (ix: FlowIndex, query: FlowQuery) => ix.page(query, 0, 100).rows.map((r) => r.id);

test('addresses sort numerically, not as text (10.0.0.9 before 10.0.0.10)', () => {
  const ix = new FlowIndex(flows, findings);
  assert.deepEqual(ids(ix, q({ key: 'client' })), [4, 1, 2, 3]);
  assert.deepEqual(ids(ix, q({ key: 'client', dir: 'desc' })), [3, 2, 1, 4]);
  assert.ok(endpointSortKey('9.1.1.1', 1) < endpointSortKey('10.1.1.1', 1));
  assert.ok(endpointSortKey('255.255.255.255', 65535) < endpointSortKey('::1', 1), 'IPv4 before IPv6');
  assert.ok(endpointSortKey('2001:db8::2', 1) < endpointSortKey('2001:db8::10', 1));
});

test('flows without a measured RTT sort last in both directions', () => {
  const ix = new FlowIndex(flows, findings);
  assert.deepEqual(ids(ix, q({ key: 'rtt' })), [3, 1, 4, 2]);
  assert.deepEqual(ids(ix, q({ key: 'rtt', dir: 'desc' })), [4, 1, 3, 2]);
});

test('sorting by findings puts the worst flows first when descending', () => {
  const ix = new FlowIndex(flows, findings);
  // Flow 2 has an error (syn-flood), 1 a warning, 4 an info, 3 nothing.
  assert.deepEqual(ids(ix, q({ key: 'findings', dir: 'desc' })), [2, 1, 4, 3]);
});

test('text filter matches address and port; every term must match', () => {
  const ix = new FlowIndex(flows, findings);
  // A whole address is that address (as ip.addr==); a partial one is still a substring.
  assert.deepEqual(ids(ix, q({}, { text: '10.0.0.1' })), [4], 'not 10.0.0.10');
  assert.deepEqual(ids(ix, q({}, { text: '10.0.0.1' + '0' })), [2]);
  assert.deepEqual(ids(ix, q({}, { text: '10.0.0' })), [1, 2, 4], 'a partial address narrows as you type');
  assert.deepEqual(ids(ix, q({}, { text: ':443' })), [3]);
  assert.deepEqual(ids(ix, q({}, { text: '10.0.0 :5002' })), [4]);
  assert.deepEqual(ids(ix, q({}, { text: '2001:DB8::1' })), [3], 'case-insensitive IPv6');
});

test('state, finding code, RTT range and story flow filters combine', () => {
  const ix = new FlowIndex(flows, findings);
  assert.deepEqual(ids(ix, q({}, { state: 'S0' })), [2]);
  assert.deepEqual(ids(ix, q({}, { finding: 'refused' })), [4]);
  assert.deepEqual(ids(ix, q({}, { rttMinMs: 10 })), [1, 4], 'no RTT fails any bound');
  assert.deepEqual(ids(ix, q({}, { rttMinMs: 1, rttMaxMs: 60 })), [1, 3]);
  assert.deepEqual(ids(ix, q({}, { flowIds: [4, 3] })), [3, 4]);
  assert.deepEqual(ids(ix, q({ key: 'rtt' }, { flowIds: [1, 2, 4], rttMaxMs: 100 })), [1]);
});

test('pages slice the sorted view and report the filtered total', () => {
  const many = Array.from({ length: 250 }, (_, i) => flow(i + 1, { rtt: (250 - i) / 1000 }));
  const ix = new FlowIndex(many, []);
  const p = ix.page(q({ key: 'rtt' }), 100, 100);
  assert.equal(p.total, 250);
  assert.equal(p.offset, 100);
  assert.equal(p.rows.length, 100);
  assert.equal(p.rows[0]!.id, 150, 'fastest first: flow 250 has 1 ms, so index 100 is flow 150');
  const last = ix.page(q({ key: 'rtt' }), 240, 100);
  assert.equal(last.rows.length, 10);
  assert.deepEqual(ix.page(q(), 1000, 10).rows, []);
  assert.equal(ix.page(q(), -5, 1).rows[0]!.id, 1, 'a negative offset is clamped');
});

test('locate finds a flow under a query, -1 when filtered out', () => {
  const ix = new FlowIndex(flows, findings);
  assert.equal(ix.locate(q({ key: 'client' }), 1), 1);
  assert.equal(ix.locate(q({}, { state: 'S0' }), 1), -1);
  assert.equal(ix.locate(q(), 99), -1);
});

test('rows carry display fields: bracketed IPv6, distinct codes, worst severity', () => {
  const ix = new FlowIndex(flows, findings);
  const rows = ix.page(q(), 0, 4).rows;
  assert.equal(rows[2]!.server, '[2001:db8::1]:443');
  assert.deepEqual(rows[1]!.findings, ['unanswered-syn', 'syn-flood']);
  assert.equal(rows[1]!.severity, 'error');
  assert.equal(rows[2]!.severity, null);
});

test('a large capture sorts and pages correctly (200k flows)', () => {
  const n = 200_000;
  const big = Array.from({ length: n }, (_, i) => flow(i + 1, { rtt: ((i * 7919) % 1000) / 1e6, client: ['10.0.0.1', i % 65536] }));
  const ix = new FlowIndex(big, []);
  const p = ix.page(q({ key: 'rtt', dir: 'desc' }), 100_000, 50);
  assert.equal(p.total, n);
  assert.equal(p.rows.length, 50);
  for (let k = 1; k < p.rows.length; k++) assert.ok(p.rows[k - 1]!.rtt! >= p.rows[k]!.rtt!);
});
