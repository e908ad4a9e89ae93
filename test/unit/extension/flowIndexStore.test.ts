// The editor's flow table sorts and filters every flow of a capture from the store's columns,
// without building a Flow for each, and its summary (verdict, states, RTTs) reads them too: the
// order, the rows and the summary are the ones the built flows give, for every sort key and
// filter, on every sample; and building happens only for the page shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import type { Flow } from '../../../src/core/engine/result';
import type { FlowList } from '../../../src/core/store/flowList';
import type { FlowFilter, FlowQuery, SortKey } from '../../../src/protocol/flowTable';
import fc from 'fast-check';
import { formatPoint } from '../../../src/core/engine/time';
import { pointSeconds } from '../../../src/core/store/storedFields';
import { FlowIndex } from '../../../src/worker/flowIndex';
import { buildOverview, type ChartRenderer } from '../../../src/worker/overview';

const ROOT = join(__dirname, '..', '..', '..', '..');
const KEYS: SortKey[] = ['id', 'client', 'server', 'state', 'history', 'syn', 'synAck', 'rtt', 'serverRtt', 'clientRtt', 'findings', 'start',
  'duration', 'packetsClient', 'packetsServer', 'bytesClient', 'bytesServer', 'mss', 'windowScale', 'vlan', 'interface'];
const FILTERS: FlowFilter[] = [
  {}, { state: 'S0' }, { state: 'SF' }, { finding: 'unanswered-syn' }, { rttMinMs: 1 }, { rttMaxMs: 5 }, { text: 'port 443' },
  { text: 'state == "half open" or src 10.0.0.0/8' }, { text: '2001:db8::/32' }, { text: 'vlan == 10' },
];

const samples = readdirSync(join(ROOT, 'samples')).filter((f) => /\.pcap(ng)?(\.gz)?$/.test(f)).sort();

for (const name of samples) {
  test(`${name}: the table's order and rows from the store's columns are those of the built flows`, async () => {
    const { analyzer: a, result } = await analyzeFile(join(ROOT, 'samples', name), { maxFlows: 0 });
    const stored = a.flowList();
    const built: Flow[] = [];
    for (let i = 0; i < stored.length; i++) built.push(stored.at(i)!);
    const fromColumns = new FlowIndex(stored, result.findings);
    const fromFlows = new FlowIndex(built, result.findings);
    for (const filter of FILTERS) {
      for (const key of KEYS) {
        for (const dir of ['asc', 'desc'] as const) {
          const query: FlowQuery = { sort: { key, dir }, filter };
          assert.deepEqual([...fromColumns.view(query)], [...fromFlows.view(query)], `${key} ${dir} ${JSON.stringify(filter)}`);
        }
      }
    }
    assert.deepEqual(fromColumns.page({ sort: { key: 'rtt', dir: 'desc' }, filter: {} }, 0, 1000), fromFlows.page({ sort: { key: 'rtt', dir: 'desc' }, filter: {} }, 0, 1000));
    // The summary the editor shows first (verdict, states, RTT histogram) reads the columns too.
    const charts: ChartRenderer = { barChart: (x) => x.values.join(','), histogram: (v) => v.join(',') };
    assert.deepEqual(buildOverview(result, charts, 0, stored), buildOverview(result, charts, 0, built));
  });
}

test('sorting, filtering and the summary build no flow: only the rows of the page asked for are built', async () => {
  const { analyzer: a, result } = await analyzeFile(join(ROOT, 'samples', 'syn-flood-legit-clients.pcap'), { maxFlows: 0 });
  const stored = a.flowList();
  let built = 0;
  const counting: FlowList = Object.assign(Object.create(stored) as object, { at: (i: number) => { built++; return stored.at(i); } }) as FlowList;
  const ix = new FlowIndex(counting, result.findings);
  assert.ok(ix.size > 600, `${ix.size} flows`);
  for (const key of KEYS) ix.view({ sort: { key, dir: 'desc' }, filter: { text: 'port 80 or port 443', rttMaxMs: 1000 } });
  buildOverview(result, { barChart: () => '', histogram: () => '' }, 0, counting);
  assert.equal(built, 0, 'no flow built to sort, filter or summarise');
  ix.page({ sort: { key: 'client', dir: 'asc' }, filter: {} }, 100, 20);
  assert.ok(built <= 40, `${built} flows built for a page of 20 (each row, and the row before it for the delta time)`);
});

test('a microsecond time as a number is the one its printed form reads as, to the bit', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 999_999 }), (sec, frac) => {
    const p = { packet: 1, sec, frac, ups: 1e6, ns: frac * 1000 };
    assert.equal(pointSeconds(p), Number(formatPoint(p)));
  }), { numRuns: 20_000 });
});
