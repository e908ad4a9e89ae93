// The filter box reads what a Wireshark user types, and says when it cannot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter, type FilterableFlow } from '../../../src/protocol/filterQuery';
import { FlowIndex } from '../../../src/worker/flowIndex';
import { flow } from './fixtures';

const flows = [
  flow(1, { client: ['10.0.0.9', 5000], server: ['192.168.1.10', 443], rtt: 0.01 }),
  flow(2, { client: ['10.1.2.3', 5001], server: ['192.168.1.10', 80], state: 'REJ' }),
  flow(3, { client: ['2001:db8::5', 6000], server: ['2001:db8:20::80', 443], rtt: 0.02 }),
  flow(4, { client: ['172.16.0.1', 443], server: ['10.0.0.1', 8080], state: 'S1' }),
];
flows[3]!.vlan = [300, 10];
flows[1]!.interfaces = [1];

const ids = (text: string): number[] => {
  const p = parseFilter(text);
  assert.ok(p.ok, `"${text}" did not parse: ${p.ok ? '' : p.message}`);
  return flows.filter((f) => p.test(f as FilterableFlow)).map((f) => f.id);
};

test('Wireshark fields: ip.addr, ip.src/ip.dst, tcp.port, tcp.stream, vlan.id, frame.interface_id', () => {
  assert.deepEqual(ids('ip.addr==10.0.0.1'), [4]);
  assert.deepEqual(ids('ip.addr == 192.168.1.10'), [1, 2]);
  assert.deepEqual(ids('ip.src==10.0.0.9'), [1]);
  assert.deepEqual(ids('ip.dst==10.0.0.9'), []);
  assert.deepEqual(ids('ipv6.addr==2001:db8::5'), [3]);
  assert.deepEqual(ids('tcp.port==443'), [1, 3, 4], 'either end');
  assert.deepEqual(ids('tcp.dstport == 443'), [1, 3]);
  assert.deepEqual(ids('tcp.srcport eq 443'), [4]);
  assert.deepEqual(ids('tcp.port >= 6000'), [3, 4]);
  // tcp.stream counts from 0: stream 2 is flow 3.
  assert.deepEqual(ids('tcp.stream eq 2'), [3]);
  assert.deepEqual(ids('vlan.id == 10'), [4], 'inner tag');
  assert.deepEqual(ids('vlan.id == 300'), [4], 'outer tag');
  assert.deepEqual(ids('frame.interface_id == 1'), [2]);
});

test('CIDR blocks, bare addresses, ip:port and shorthands', () => {
  assert.deepEqual(ids('10.0.0.0/8'), [1, 2, 4]);
  assert.deepEqual(ids('ip.addr==10.0.0.0/24'), [1, 4]);
  assert.deepEqual(ids('2001:db8::/32'), [3]);
  assert.deepEqual(ids('2001:db8:20::/48'), [3]);
  assert.deepEqual(ids('10.0.0.1'), [4]);
  assert.deepEqual(ids('10.0.0.1:8080'), [4]);
  assert.deepEqual(ids('10.0.0.1:80'), [], 'the port belongs to the address');
  assert.deepEqual(ids('[2001:db8::5]:6000'), [3]);
  assert.deepEqual(ids('port:80'), [2]);
  assert.deepEqual(ids('host:172.16.0.1'), [4]);
  assert.deepEqual(ids('vlan:300'), [4]);
  assert.deepEqual(ids('stream:0'), [1]);
});

test('and, or, not, parentheses; terms side by side must all hold', () => {
  assert.deepEqual(ids('ip.addr==192.168.1.10 and tcp.port==80'), [2]);
  assert.deepEqual(ids('ip.addr==192.168.1.10 tcp.port==80'), [2]);
  assert.deepEqual(ids('tcp.port==80 || tcp.port==8080'), [2, 4]);
  assert.deepEqual(ids('!(tcp.port==443)'), [2]);
  assert.deepEqual(ids('not 10.0.0.0/8'), [3]);
  assert.deepEqual(ids('(port:80 or port:8080) and not vlan:300'), [2]);
});

test('states by Zeek code or plain word', () => {
  assert.deepEqual(ids('state == REJ'), [2]);
  assert.deepEqual(ids('state==refused'), [2]);
  assert.deepEqual(ids('state == "half-open"'), [4], 'S1 without the final ACK');
  assert.deepEqual(ids('state != SF'), [2, 4]);
});

test('plain text still narrows as before (a partial address)', () => {
  assert.deepEqual(ids('10.0.0'), [1, 4]);
  assert.deepEqual(ids('192.168 :80'), [2]);
  assert.deepEqual(ids(''), [1, 2, 3, 4]);
  assert.deepEqual(ids('   '), [1, 2, 3, 4]);
});

test('a filter it cannot read says what and where', () => {
  const bad = (text: string, what: RegExp, at: number) => {
    const p = parseFilter(text);
    assert.ok(!p.ok, `"${text}" parsed`);
    assert.match(p.message, what);
    assert.equal(p.at, at, `${text}: position`);
  };
  bad('http.host == x', /unknown field "http.host"; known: ip.addr/, 0);
  bad('ip.addr == ', /needs a value/, 11);
  bad('ip.addr == 10.0.0.300', /not an IP address/, 11);
  bad('tcp.port == https', /not a whole number/, 12);
  bad('ip.addr > 10.0.0.1', /== or != only/, 10);
  bad('(port:80', /never closed/, 0);
  bad('port:80 )', /"\)" where a test was expected|unexpected "\)"/, 8);
  bad('10.0.0.0/33', /./, 0);
});

test('the flow table filters with the grammar over every flow', () => {
  const ix = new FlowIndex(flows, []);
  const page = ix.page({ sort: { key: 'id', dir: 'asc' }, filter: { text: 'ip.addr==10.0.0.0/8 and tcp.port==8080' } }, 0, 100);
  assert.deepEqual(page.rows.map((r) => r.id), [4]);
  // One the box could not read narrows nothing (the webview does not send it, and says why).
  assert.equal(ix.page({ sort: { key: 'id', dir: 'asc' }, filter: { text: 'http.host == x' } }, 0, 100).total, 4);
});
