// conn_state and history against Zeek's own conn.log baselines for the traces in
// ../shared/captures/zeek. Each row below is an expected value read from the zeek/zeek btest
// baseline named in `src` (testing/btest/Baseline/<src>, zeek/zeek @ a13de64f, the commit the
// traces came from); Zeek's orig/resp are matched to our flow by the 4-tuple either way round.
// Rows marked `differs` are the known, explained disagreements: each must still differ (so the
// list cannot rot), and agreement counting them must stay ≥ 95 % (state) / ≥ 90 % (history).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import type { Flow } from '../../../src/core/engine/result';

const SHARED = join(__dirname, '..', '..', '..', '..', '..', 'shared');
const TRACES = join(SHARED, 'captures', 'zeek');

interface Row {
  trace: string;
  /** Zeek's id.orig_h, id.orig_p, id.resp_h, id.resp_p ('' when the baseline has none: one flow). */
  id: [string, number, string, number] | '';
  /** Zeek's conn_state (absent when the baseline does not log it). */
  state?: string;
  /** Zeek's history (absent when the baseline does not log it). */
  history?: string;
  src: string;
  /** Why we deliberately answer differently from this baseline. */
  differs?: string;
}

const WIKI = 'core.tcp.rxmit-history/conn-2.log';
const FTP6 = 'scripts.base.protocols.ftp.ftp-ipv6/conn.log';
const FTP_C = '2001:470:1f11:81f:c999:d94:aa7c:2e3e';
const FTP_S = '2001:470:4867:99::21';
const RST = 'scripts.base.protocols.conn.conn_state-RST-behavior/out';
const FABRIC = 'core.cisco-fabric-path/conn.log';
const fabric: Row[] = [6, 4, 14, 12, 0, 2, 8, 10].map((n): Row => (
  { trace: 'cisco-fabric-path.pcap', id: [`1.1.1.${n}`, 57005, '2.2.2.2', 48879], state: 'S0', history: 'S', src: FABRIC }
)).concat(['e', 'c', '6', '4', '8', 'a', '', '2'].map((n): Row => (
  { trace: 'cisco-fabric-path.pcap', id: [`1234::${n}`, 57005, '5678::', 48879], state: 'S0', history: 'S', src: FABRIC }
)));

const ROWS: Row[] = [
  { trace: 'wikipedia.pcap', id: ['141.142.220.118', 35634, '208.80.152.2', 80], state: 'OTH', history: 'DdA', src: WIKI },
  { trace: 'wikipedia.pcap', id: ['141.142.220.118', 35642, '208.80.152.2', 80], state: 'S1', history: 'ShADad', src: WIKI },
  ...[49996, 49997, 49998, 49999, 50000, 50001].map((p): Row => (
    { trace: 'wikipedia.pcap', id: ['141.142.220.118', p, '208.80.152.3', 80], state: 'S1', history: 'ShADad', src: WIKI })),
  { trace: 'wikipedia.pcap', id: ['141.142.220.118', 48649, '208.80.152.118', 80], state: 'S1', history: 'ShADad', src: WIKI },
  { trace: 'wikipedia.pcap', id: ['141.142.220.235', 6705, '173.192.163.128', 80], state: 'OTH', history: '^h', src: WIKI },
  ...[49186, 49187, 49188].map((p): Row => (
    { trace: 'ftp/ipv6.pcap', id: [FTP_C, p, FTP_S, p + 7900], state: 'SF', history: 'ShAdfFa', src: FTP6 })),
  { trace: 'ftp/ipv6.pcap', id: [FTP_S, 55785, FTP_C, 49189], state: 'SF', history: 'ShADFaf', src: FTP6 },
  { trace: 'ftp/ipv6.pcap', id: [FTP_C, 49185, FTP_S, 21], state: 'SF', history: 'ShAdDfFa', src: FTP6 },
  { trace: 'ftp/ipv6.pcap', id: [FTP_S, 55647, FTP_C, 49190], state: 'SF', history: 'ShADFaf', src: FTP6 },
  { trace: 'mixed-vlan-mpls.pcap', id: ['10.1.2.1', 11001, '10.34.0.1', 23], state: 'SH', history: 'SADF', src: 'core.vlan-mpls/conn.log' },
  { trace: 'mixed-vlan-mpls.pcap', id: ['141.42.64.125', 56730, '125.190.109.199', 80], state: 'SF', history: 'ShADdFaf', src: 'core.vlan-mpls/conn.log' },
  { trace: 'mixed-vlan-mpls.pcap', id: ['10.20.80.1', 50343, '10.0.0.15', 80], state: 'SF', history: 'ShADadfF', src: 'core.vlan-mpls/conn.log' },
  { trace: 'pppoe-over-qinq.pcap', id: ['1.1.1.1', 20394, '2.2.2.2', 443], state: 'SF', history: 'ShADdtaTTtFf', src: 'core.pppoe-over-qinq/conn.log' },
  { trace: 'tcp/missing-syn.pcap', id: ['141.42.64.125', 56730, '125.190.109.199', 80], state: 'SF', history: '^hADdFaf', src: 'core.tcp.missing-syn/conn.log' },
  { trace: 'tcp/missing-syn.pcap', id: ['141.42.64.125', 56730, '125.190.109.199', 80], state: 'SF', history: '^hADdFaf', src: 'core.history-flip/conn.log' },
  // Both ports are likely servers (HTTP 80, IRC 6669), so the SYN-ACK is not flipped on arrival;
  // Zeek flips when the first ACK or data follows a history of just "H" (TCP_Endpoint::CheckHistory).
  { trace: 'tcp/http-on-irc-port-missing-syn.pcapng', id: ['141.142.228.5', 6669, '192.150.187.43', 80], state: 'SF', history: '^hADadFf', src: 'core.tcp.flip-without-syn/conn.log' },
  // Only the SYN-ACK sender's packets (zeek -b: no likely server ports, so the same late flip).
  { trace: 'tcp/one-sided-2745.pcap', id: ['247.180.123.139', 2745, '245.181.165.133', 1433], history: '^haf', src: 'core.conn-size-flip/conn.log.one-sided' },
  { trace: 'tcp/one-sided-2745.pcap', id: ['91.189.148.149', 2745, '245.181.165.131', 281], history: '^haf', src: 'core.conn-size-flip/conn.log.one-sided' },
  { trace: 'tcp/ctu-64702-888.pcap', id: ['192.168.1.108', 64702, '185.33.86.224', 888], history: '^hAfdtFr', src: 'core.conn-size-flip/conn.log.ctu' },
  ...fabric,
  { trace: 'http/get-to-ssh-server.pcap', id: ['136.216.42.40', 44338, '130.74.164.231', 22], history: 'ShADadr', src: 'scripts.policy.frameworks.analyzer.detect-protocols-violation/conn.log' },
  { trace: 'tcp/single-rst.pcap', id: '', state: 'OTH', history: 'R', src: RST },
  { trace: 'tcp/syn-then-rst.pcap', id: '', state: 'RSTOS0', history: 'SR', src: RST },
  { trace: 'tcp/syn-then-ack-then-rst.pcap', id: '', state: 'RSTOS0', history: 'SaR', src: RST },
  { trace: 'tcp/syn-then-stuff-then-rst.pcap', id: '', state: 'OTH', history: 'SaFR', src: RST },
  // The baselines print the endpoints' TCP states, not conn_state; conn_state follows from
  // main.zeek's rules: orig SYN_SENT (1) + resp RESET (6) is REJ, orig CLOSED (5) + resp RESET is RSTR.
  { trace: 'tcp/rst-inject-rae.pcap', id: ['1.2.0.2', 2527, '1.2.0.3', 6649], state: 'REJ', src: 'core.tcp.rst-after-syn/.stdout' },
  { trace: 'tcp/fin_retransmission.pcap', id: '', state: 'RSTR', src: 'core.tcp.fin-retransmit/out' },
  {
    trace: 'tcp/miss_end_data.pcap', id: ['192.168.122.230', 60648, '77.238.160.184', 80], state: 'SF', history: 'ShADafgF', src: 'core.tcp.miss-end-data/conn.log',
    differs: "history 'g': Zeek's reassembler reports a content gap (2902 bytes the responder sent but the capture lacks); we do not reassemble payload, so we log no G/g",
  },
  {
    trace: 'tcp/retransmit-fast009.pcap', id: ['10.0.88.85', 50368, '192.168.0.27', 80], state: 'RSTO', history: 'ShADaGdgtR', src: 'core.tcp.rxmit-history/conn-1.log',
    differs: "history 'G'/'g': content gaps found by Zeek's reassembler (missed_bytes 24257); we do not reassemble payload, so we log no G/g",
  },
  {
    trace: 'tcp/syn-bad.pcap', id: '', state: 'OTH', history: 'C', src: 'core.tcp.bad-checksum-syn/conn.log',
    differs: "the lone SYN has a bad TCP checksum: Zeek drops it and logs only 'C' (OTH); we do not verify checksums (captures are usually taken with checksum offload), so we see an S0 SYN",
  },
  {
    trace: 'tcp/handshake-reorder.pcap', id: '', history: 'Hs^ADadFf', src: 'core.connection_flipped/out',
    differs: "the baseline runs `zeek -b`, where no analyzer registers port 80 as a likely server, so the leading SYN-ACK is not flipped on arrival ('Hs^' when the SYN follows); with Zeek's default scripts 80 is a likely server and the SYN-ACK is flipped at once ('^hS…'), which is the configuration we model",
  },
];

const same = (f: { ip: string; port: number }, ip: string, port: number) => f.ip === ip && f.port === port;

function matchFlow(r: Row, flows: Flow[]): Flow | undefined {
  if (r.id === '') return flows.length === 1 ? flows[0] : undefined;
  const [oh, op, rh, rp] = r.id;
  return flows.find((f) => (same(f.client, oh, op) && same(f.server, rh, rp)) || (same(f.client, rh, rp) && same(f.server, oh, op)));
}

test('conn_state and history agree with the rows of Zeek\'s own conn.log baselines', async () => {
  if (!existsSync(TRACES)) {
    console.log(`../shared/captures/zeek not found (${TRACES}): the Zeek baseline comparison has nothing to compare`);
    return;
  }
  const flowsOf = new Map<string, Flow[]>();
  const traces = new Set<string>();
  let states = 0;
  let stateAgree = 0;
  let histories = 0;
  let historyAgree = 0;
  const problems: string[] = [];
  for (const r of ROWS) {
    const path = join(TRACES, r.trace);
    if (!existsSync(path)) {
      problems.push(`${r.trace}: trace missing`);
      continue;
    }
    traces.add(r.trace);
    if (!flowsOf.has(r.trace)) flowsOf.set(r.trace, (await analyzeFile(path, { maxFlows: Number.MAX_SAFE_INTEGER })).result.flows);
    const f = matchFlow(r, flowsOf.get(r.trace)!);
    const okState = r.state === undefined || f?.state === r.state;
    const okHistory = r.history === undefined || f?.history === r.history;
    if (r.state !== undefined) states++;
    if (r.history !== undefined) histories++;
    const line = `${r.trace} ${r.id === '' ? '' : r.id.join(' ')}: zeek ${r.history ?? '?'} ${r.state ?? '?'}, ours ${f ? `${f.history} ${f.state}` : 'no flow'} (${r.src})`;
    if (r.differs) {
      // An explained difference counts as agreement, but must still be a difference.
      if (okState && okHistory) problems.push(`no longer differs: ${line}`);
      else console.log(`  explained: ${line}: ${r.differs}`);
      if (r.state !== undefined) stateAgree++;
      if (r.history !== undefined) historyAgree++;
      continue;
    }
    if (okState && r.state !== undefined) stateAgree++;
    if (okHistory && r.history !== undefined) historyAgree++;
    if (!okState || !okHistory) problems.push(`differs: ${line}`);
  }
  console.log(`Zeek baseline rows: ${traces.size} traces, conn_state ${stateAgree}/${states}, history ${historyAgree}/${histories} (explained differences counted as agreement)`);
  for (const p of problems) console.log(`  ${p}`);
  assert.ok(stateAgree / states >= 0.95, `conn_state agreement ${stateAgree}/${states}`);
  assert.ok(historyAgree / histories >= 0.9, `history agreement ${historyAgree}/${histories}`);
  assert.deepEqual(problems, [], 'every disagreement with a Zeek baseline must be explained');
});
