// Every bundled sample gets a one-line verdict whose numbers are tshark's (samples/expected,
// written from tshark 4.0 output by scripts/tshark-truth.mjs), not our engine's. The samples'
// README says which ones are healthy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { formatDuration } from '../../../src/render/format';
import { verdict } from '../../../src/core/stories/verdict';
import { ROOT } from '../gen/tsharkFields';

const DIR = join(ROOT, 'samples');

interface Stream {
  syn: number; synack: number; handshake_complete: boolean; rst_by: string | null;
  initial_rtt: string | null; vlan_ids: number[]; first_syn_epoch: string | null; handshake_ack_epoch: string | null;
}
interface Truth { file: { damaged: boolean }; summary: Record<string, number>; streams: Stream[] }

const truth = (file: string): Truth => JSON.parse(readFileSync(join(DIR, 'expected', `${file}.tshark.json`), 'utf8')) as Truth;
const SAMPLES = readdirSync(DIR).filter((f) => /\.pcap(ng)?(\.gz)?$/.test(f)).sort();
/** From samples/README.md: the captures of normal traffic (and the "not a story" contrasts). */
const HEALTHY = ['healthy.pcapng', 'healthy.pcap.gz', 'keepalive-client.pcap', 'deploy-burst.pcap', 'port-reuse.pcap', 'tfo.pcap', 'vlan.pcapng', 'simultaneous-open.pcap'];

/** The number written right before `words` ("3 of 4 connects refused" → "3 of 4"). */
function before(text: string, words: string): string | null {
  const m = new RegExp(`(\\d[\\d,]*(?: of \\d[\\d,]*)?) ${words}`).exec(text);
  return m ? m[1]!.replace(/,/g, '') : null;
}

test('every sample has a verdict line, and its counts are tshark\'s', async () => {
  assert.ok(SAMPLES.length >= 20);
  for (const file of SAMPLES) {
    const t = truth(file);
    const { result } = await analyzeFile(join(DIR, file));
    const v = verdict(result, formatDuration);
    const where = `${file}: "${v.text}"`;
    assert.ok(v.text.length > 10 && !v.text.includes('\n') && v.text.length < 260, where);
    const streams = t.streams;
    const tried = streams.filter((s) => s.syn > 0).length;
    const complete = streams.filter((s) => s.handshake_complete);
    const ofTried = (n: number): string => (tried > n ? `${n} of ${tried}` : String(n));

    assert.equal(/^capture damaged at byte offset \d+/.test(v.text), t.file.damaged, where);
    if (tried === 0) {
      assert.match(v.text, new RegExp(`no handshakes in this capture: it starts mid-stream \\(${streams.length} flows? already open\\)`), where);
      continue;
    }
    // Handshakes and their median RTT: tshark's tcp.analysis.initial_rtt (measured from the SYN
    // that was answered, as synscope's handshake RTT is; the wait including retries is the
    // flow's connect time, and the verdict names retried connects separately).
    if (complete.length === 0) assert.match(v.text, /no handshake completed/, where);
    else {
      assert.equal(before(v.text, 'handshakes?'), String(complete.length), where);
      const rtts = complete.map((s) => (s.initial_rtt === null ? NaN : Number(s.initial_rtt))).filter((x) => Number.isFinite(x) && x > 0).sort((a, b) => a - b);
      if (rtts.length > 1) {
        const mid = rtts.length >> 1;
        const median = rtts.length % 2 ? rtts[mid]! : (rtts[mid - 1]! + rtts[mid]!) / 2;
        assert.ok(v.text.includes(`median ${formatDuration(median)}`), `${where}: tshark's median is ${formatDuration(median)}`);
      }
    }
    const refused = streams.filter((s) => s.rst_by === 'server' && s.synack === 0 && s.syn > 0).length;
    assert.equal(before(v.text, 'connects? refused'), refused > 0 ? ofTried(refused) : null, where);
    const unanswered = streams.filter((s) => s.syn > 0 && s.synack === 0 && s.rst_by === null).length;
    assert.equal(before(v.text, 'connects? never answered'), unanswered > 0 ? ofTried(unanswered) : null, where);
    const halfOpen = streams.filter((s) => s.synack > 0 && !s.handshake_complete && s.rst_by === null).length;
    assert.equal(before(v.text, 'half-open'), halfOpen > 0 ? String(halfOpen) : null, where);
    const vlans = [...new Set(streams.flatMap((s) => s.vlan_ids))].sort((a, b) => a - b);
    if (vlans.length > 0) assert.ok(v.text.includes(`on VLANs ${vlans.join(', ')}`), where);

    assert.equal(v.tone === 'good', HEALTHY.includes(file), where);
    if (HEALTHY.includes(file)) assert.match(v.text, /^healthy: /, where);
  }
});

test('the verdict picks the worst flow, or the only one', async () => {
  const pick = async (file: string) => {
    const { result } = await analyzeFile(join(DIR, file));
    return { result, id: verdict(result).flowId };
  };
  // One flow: that flow.
  for (const file of ['lost-final-ack.pcap', 'silent-host.pcap', 'simultaneous-open.pcap']) {
    const { result, id } = await pick(file);
    assert.equal(result.flows.length, 1, file);
    assert.equal(id, result.flows[0]!.id, file);
  }
  // refused.pcap: three closed ports and one open one; the verdict opens a refused connect.
  const { result, id } = await pick('refused.pcap');
  assert.equal(result.flows.find((f) => f.id === id)?.state, 'REJ');
  // A healthy capture opens its slowest handshake, the one worth a look.
  const h = await pick('healthy.pcapng');
  const slowest = Math.max(...truth('healthy.pcapng').streams.map((s) => Number(s.initial_rtt)));
  assert.equal(h.result.flows.find((f) => f.id === h.id)?.handshake.rtt, slowest);
});

test('a capture without TCP says so instead of "healthy"', () => {
  const v = verdict({
    schema: 'synscope/1',
    capture: { path: 'x', format: 'pcap', compressed: false, linkTypes: [1], packets: 12, start: null, end: null, problems: [], decoded: { tcp: 0, notTcp: 12, fragments: 0, unknownLinkType: 0, malformed: 0 } },
    summary: { flows: 0, handshakesComplete: 0, syn: 0, synRetransmissions: 0, synAck: 0, synAckRetransmissions: 0, refused: 0, halfOpen: 0, reset: 0, findings: {} },
    flows: [], findings: [], timeline: { start: '0', binSeconds: 1, syn: [], synAck: [], completed: [], rst: [] }, stories: [],
  });
  assert.equal(v.text, 'no TCP in this capture (12 packets, none of them TCP)');
  assert.equal(v.flowId, null);
});
