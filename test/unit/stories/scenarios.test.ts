/**
 * End to end: a generated capture → reader → Analyzer → stories and their findings. The positive
 * scenarios are scripted here with the generator's connection DSL so that every parameter sits
 * next to the numbers derived from it; the generator's named look-alikes must tell no story.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCaptureChunks } from '../../../src/core/capture/readCapture';
import { Analyzer } from '../../../src/core/engine/analyzer';
import type { AnalysisResult } from '../../../src/core/engine/result';
import { closeFin, exchange, handshake, LINUX_SYN, LINUX_SYN_BACKOFF_S, ms, Scenario, sec, SCENARIOS, us } from '../../../src/gen';
import { scriptFlood, scriptLegitDuringFlood } from '../../../src/gen/scenarios/floods';

async function analyze(sc: Scenario): Promise<AnalysisResult> {
  const bytes = sc.toBuffer({ container: 'pcapng', resolution: 'ns' });
  const analyzer = new Analyzer();
  async function* once() { yield new Uint8Array(bytes); }
  const summary = await readCaptureChunks(once(), (p) => analyzer.addPacket(p));
  return analyzer.finish(summary, `${sc.name}.pcapng`);
}

function only(r: AnalysisResult, kind: string) {
  const stories = r.stories.filter((s) => s.kind === kind);
  assert.equal(stories.length, 1, `one ${kind} story, got: ${r.stories.map((s) => s.title).join('; ') || 'none'}`);
  return stories[0];
}

test('connection storm: 50 one-request connections per second for 10 s', async () => {
  const sc = new Scenario('storm', 11);
  const client = sc.host('10.1.1.5');
  const server = sc.host('10.1.2.20');
  for (let i = 0; i < 500; i++) {
    const c = sc.conn({ client, clientPort: 35000 + i, server, serverPort: 8080, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
    c.at(i * ms(20));
    handshake(c, { rtt: us(500) }); // SYN-ACK 500 µs after the SYN, ACK 60 µs later
    exchange(c, us(500), 160, 420, ms(2)); // one request, answered after 500 µs + 2 ms
    closeFin(c, us(500));
  }
  const r = await analyze(sc);
  const s = only(r, 'connection-storm');
  assert.equal(s.title, 'Connection storm: 10.1.1.5 → 10.1.2.20:8080');
  const n = s.numbers;
  assert.equal(n['connections'], 500);
  // 20 ms apart: 50 in any 1 s window, 500 over the 10 whole seconds 0…9.98.
  assert.equal(n['peak connections/s (1 s window)'], 50);
  assert.equal(n['mean connections/s'], 50);
  // ACK − SYN = 500 µs + 60 µs.
  assert.equal(n['median handshake RTT (ms)'], 0.56);
  assert.equal(n['requests per connection'], 1);
  // 500 handshakes × 0.56 ms.
  assert.equal(n['handshake time saved by reuse (s)'], 0.28);
  // Lifetime at the client, SYN to the last ACK: handshake 560 µs, request 200 µs later, answer
  // 2.5 ms after it, ACK 80 µs, FIN 300 µs, the server's FIN 500 µs, last ACK 50 µs = 4190 µs;
  // 560 / 4190 = 13.4 %.
  assert.equal(n['median share of lifetime in handshake (%)'], 13.4);
  assert.deepEqual(s.series[0].values, new Array(10).fill(50));
  const churn = r.findings.filter((f) => f.code === 'connection-churn');
  assert.equal(churn.length, 1);
  assert.deepEqual(s.findings, [churn[0].id]);
  // Finding ids run on from the engine's without gaps, and the flows point back at the finding.
  assert.deepEqual(r.findings.map((f) => f.id), r.findings.map((_, i) => i + 1));
  assert.ok(r.flows.find((f) => f.id === churn[0].flows[0])!.findings.includes(churn[0].id));
  assert.equal(r.summary.findings['connection-churn'], 1);
});

test('hanging connects: 30 connects without a timeout to a silent database pile up', async () => {
  const sc = new Scenario('hanging', 12);
  const app = sc.host('10.2.0.11');
  const db = sc.host('10.2.5.40');
  const end = sec(45);
  for (let i = 0; i < 30; i++) {
    // One connect per second from t = 0; Linux retries its SYN 1, 2, 4, 8, 16, 32 s apart.
    const c = sc.conn({ client: app, clientPort: 39000 + i, server: db, serverPort: 5432, clientSyn: LINUX_SYN });
    c.at(i * sec(1)).syn();
    for (const gap of LINUX_SYN_BACKOFF_S) {
      c.after(sec(gap));
      if (c.now > end) break;
      c.syn();
    }
  }
  sc.ping(end - ms(1), app, sc.host('10.2.5.1'), ms(1)); // the capture ends at 45 s
  const r = await analyze(sc);
  const s = only(r, 'hanging-connects');
  assert.equal(s.title, 'Hanging connects: 10.2.0.11 → 10.2.5.40:5432');
  const n = s.numbers;
  // Every connect (the last starts at 29 s) is still waiting at 45 s, before its next retry is due.
  assert.equal(n['connects'], 30);
  assert.equal(n['connects slower than 3 s'], 30);
  assert.equal(n['still pending at capture end'], 30);
  assert.equal(n['longest wait (s)'], 45);
  // Connects started by 14 s show 6 SYNs (the 6th 31 s after the first); the 7th (63 s) never fits.
  assert.equal(n['longest retry chain (SYNs)'], 6);
  assert.equal(n['its backoff intervals (s)'], '1, 2, 4, 8, 16');
  // All 30 are pending from 29 s, all over 3 s old from 32 s.
  assert.equal(n['peak pending connects'], 30);
  assert.equal(n['peak pending longer than 3 s'], 30);
  const slow = r.findings.filter((f) => f.code === 'slow-connect');
  assert.equal(slow.length, 1);
  assert.equal(slow[0].details.slowConnects, 30);
  const pile = r.findings.filter((f) => f.code === 'connect-pileup');
  assert.equal(pile.length, 1);
  assert.equal(pile[0].time, `${sc.baseSec + 32}.000000000`);
  assert.deepEqual(s.findings, [slow[0].id, pile[0].id]);
});

test('a busy client that gives up after 3 s is not a pile-up', async () => {
  const sc = new Scenario('gives-up', 13);
  const app = sc.host('10.3.0.7');
  const down = sc.host('10.3.1.1');
  for (let i = 0; i < 50; i++) {
    // 10 connects per second for 5 s; SYN at 0 and 1 s, then the application's 3 s timeout
    // closes the socket (Linux sends nothing for a SYN_SENT socket). Up to 30 are pending at once.
    const c = sc.conn({ client: app, clientPort: 41000 + i, server: down, serverPort: 443, clientSyn: LINUX_SYN });
    c.at(i * ms(100)).syn();
    c.after(sec(1)).syn();
  }
  sc.ping(sec(20), app, sc.host('10.3.1.2'), ms(1));
  const r = await analyze(sc);
  assert.deepEqual(r.stories, []);
  assert.deepEqual(r.findings.filter((f) => f.code === 'connect-pileup' || f.code === 'slow-connect'), []);
});

test('SYN flood: 500 spoofed SYNs/s for 2 s; legitimate clients get through, slower', async () => {
  const sc = new Scenario('flood', 14);
  const server = sc.host('198.51.100.80');
  const secret = sc.rng.u32();
  const legit = (i: number, t: number) => {
    const c = sc.conn({ client: sc.host(`192.0.2.${10 + i}`), clientPort: 40000 + i, server, serverPort: 443, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
    c.at(t);
    handshake(c, { rtt: ms(20) }); // ACK − SYN = 20.06 ms
    exchange(c, ms(20), 350, 2200, ms(2));
    closeFin(c, ms(20));
  };
  for (let i = 0; i < 10; i++) legit(i, i * ms(200)); // 0 … 1.8 s
  scriptFlood(sc, { server, port: 443, start: sec(3), rate: 500, duration: sec(2), liveShare: 0.02, secret, firstSource: 0 });
  for (let i = 0; i < 8; i++) {
    // 3.1 … 4.5 s: handshakes of 60–240 ms; clients 1 and 5 lose their first SYN and retry after 1 s.
    scriptLegitDuringFlood(sc, server, 443, sc.host(`203.0.113.${20 + i}`), 46000 + i, sec(3.1) + i * ms(200), secret, i % 4 === 1);
  }
  for (let i = 0; i < 5; i++) legit(20 + i, sec(6) + i * ms(200)); // 6 … 6.8 s
  const r = await analyze(sc);
  const flood = r.findings.filter((f) => f.code === 'syn-flood');
  assert.equal(flood.length, 1);
  const s = only(r, 'syn-flood');
  assert.equal(s.title, 'SYN flood on 198.51.100.80:443');
  assert.deepEqual(s.findings, [flood[0].id]);
  const n = s.numbers;
  // 500/s × 2 s = 1000 SYNs, each from its own spoofed address, never retransmitted or ACKed.
  assert.equal(n['flood SYNs'], 1000);
  assert.equal(n['distinct sources'], 1000);
  assert.equal(n['spoofed sources'], 'likely');
  assert.equal(n['SYNs never retransmitted (%)'], 100);
  // Exponential gaps averaging 2 ms: the rate over the span is 500/s give or take a few percent.
  const rate = n['mean SYN rate (/s)'] as number;
  assert.ok(rate > 430 && rate < 580, String(rate));
  // Every flood SYN got a cookie SYN-ACK that was never retransmitted, and the capture runs on
  // for more than 2 s after the flood starts: the engine's cookie evidence.
  assert.equal(n['SYN cookies'], 'yes');
  assert.match(String(n['SYN cookies recognised by']), /SYN-ACKs never retransmitted/);
  assert.match(s.sentence, /SYN cookies/);
  // 8 during the flood (median of six 60–240 ms handshakes and two of over 1 s: within 60–240 ms),
  // 15 outside it at 20.06 ms.
  assert.equal(n['legitimate handshakes during flood'], 8);
  assert.equal(n['legitimate handshakes outside flood'], 15);
  assert.equal(n['legitimate clients that retransmitted their SYN'], 2);
  const during = n['median legitimate RTT during flood (ms)'] as number;
  assert.ok(during >= 60 && during <= 240.1, String(during));
  assert.equal(n['median legitimate RTT outside flood (ms)'], 20.06);
  // At least 60 ms against 20.06 ms: at least 2.9× slower.
  const slower = /^([\d.]+)× slower than outside it$/.exec(String(n['legitimate handshake time during the flood']));
  assert.ok(slower && Number(slower[1]) >= 2.9, String(n['legitimate handshake time during the flood']));
  assert.equal(s.series[0].label, 'SYNs per 1 s bin');
  // The flood adds no story findings: its legitimate clients' retries are not hanging connects,
  // its spoofed SYNs no connection storm.
  assert.deepEqual(r.findings.filter((f) => ['slow-connect', 'connect-pileup', 'connection-churn'].includes(f.code)), []);
  assert.deepEqual(r.stories.map((x) => x.kind), ['syn-flood']);
});

for (const name of ['keepalive-client', 'client-gives-up', 'deploy-burst']) {
  test(`the generator's look-alike "${name}" tells no story`, async () => {
    const r = await analyze(SCENARIOS[name].build(1));
    assert.deepEqual(r.stories.map((s) => s.title), []);
    assert.deepEqual(r.findings.filter((f) => ['syn-flood', 'slow-connect', 'connect-pileup', 'connection-churn'].includes(f.code)), []);
  });
}

for (const [name, kind] of [['connection-storm', 'connection-storm'], ['hanging-connects', 'hanging-connects'], ['syn-flood-legit-clients', 'syn-flood']]) {
  test(`the generator's "${name}" scenario tells the ${kind} story`, async () => {
    const r = await analyze(SCENARIOS[name].build(1));
    assert.deepEqual(r.stories.map((s) => s.kind), [kind]);
  });
}
