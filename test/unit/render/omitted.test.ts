// The diagram draws the packets that tell the handshake, not every packet of the flow: the ones
// it leaves out must be said, with their frames, where they fell (issue 22), and "show every
// packet" must really draw all of them. Checked on the samples against tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { renderMermaid } from '../../../src/render/mermaid';
import { formatTimeOfDay } from '../../../src/render/format';
import { buildDiagramModel, omittedText } from '../../../src/render/sequenceModel';
import { renderSequenceDiagram } from '../../../src/render/sequenceDiagram';
import { everyPacketEvents } from '../../../src/worker/everyPacket';
import { flowSummaryText } from '../../../src/worker/flowText';

const SAMPLES = join(__dirname, '..', '..', '..', '..', 'samples');
const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

interface Stream { stream: number; packets: number; first_frame: number; last_frame: number }
function truthStream(name: string, stream: number): Stream {
  const t = JSON.parse(readFileSync(join(SAMPLES, 'expected', `${name}.tshark.json`), 'utf8')) as { streams: Stream[] };
  return t.streams.find((s) => s.stream === stream)!;
}

function tsharkFields(file: string, filter: string, fields: string[], extra: string[] = []): string[][] {
  const r = spawnSync('tshark', ['-n', '-r', file, ...extra, '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => l.split('\t'));
}

test('syn-flood-cookies.pcap flow 1: the frames without an arrow are named where they fell (6–7 after 5, 10 after 9)', async () => {
  const { result, analyzer } = await analyzeFile(join(SAMPLES, 'syn-flood-cookies.pcap'));
  const flow = result.flows[0]!;
  const model = buildDiagramModel(flow, analyzer.flowEvents(flow.id), result.findings);
  const drawn = model.rows.map((r) => r.ev.packet);
  const omitted = model.omitted.flatMap((r) => r.frames ?? []);
  // tshark: tcp.stream 0 is frames 1–10, ten packets; drawn and omitted together are exactly those.
  const s = truthStream('syn-flood-cookies.pcap', 0);
  assert.equal(s.packets, 10);
  const all = [...drawn, ...omitted].sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: s.last_frame - s.first_frame + 1 }, (_, i) => s.first_frame + i));
  assert.deepEqual(model.omitted.map((r) => [model.rows[r.afterRow]!.ev.packet, omittedText(r)]), [
    [5, '⋯ 2 packets not drawn (frames 6–7)'],
    [9, '⋯ 1 packet not drawn (frame 10)'],
  ]);
  const svg = renderSequenceDiagram(flow, analyzer.flowEvents(flow.id), result.findings);
  assert.match(svg, /data-testid="omitted" data-count="2" data-frames="6,7"/);
  assert.match(svg, /data-testid="omitted" data-count="1" data-frames="10"/);
  assert.match(svg, /7 of 10 packets shown/);
  assert.match(renderMermaid(flow, analyzer.flowEvents(flow.id), result.findings), /Note over C,S: ⋯ 2 packets not drawn \(frames 6–7\)\n {4}C-/);
});

test('keepalive-client.pcap flow 1: interleaved with other flows, the count and span are said, not guessed frames', async () => {
  const { result, analyzer } = await analyzeFile(join(SAMPLES, 'keepalive-client.pcap'));
  const flow = result.flows[0]!;
  const model = buildDiagramModel(flow, analyzer.flowEvents(flow.id), result.findings);
  const s = truthStream('keepalive-client.pcap', 0);
  assert.equal(model.omitted.length, 1);
  const run = model.omitted[0]!;
  assert.equal(run.count, s.packets - model.rows.length);
  assert.equal(run.frames, null);
  assert.deepEqual(run.span, [s.first_frame, s.last_frame]);
  assert.equal(omittedText(run), `⋯ ${run.count} packets not drawn (in frames ${s.first_frame}–${s.last_frame}, among other flows' packets)`);
});

test('show every packet: keepalive-client.pcap flow 1 re-read has tshark\'s frames, relative seq/ack and lengths, and no marker', { skip: !hasTshark && 'tshark is not installed' }, async () => {
  const file = join(SAMPLES, 'keepalive-client.pcap');
  const { result, analyzer } = await analyzeFile(file);
  const flow = result.flows[0]!;
  const events = await everyPacketEvents(file, flow, analyzer.flowEvents(flow.id));
  const rows = tsharkFields(file, 'tcp.stream eq 0', ['frame.number', 'tcp.seq', 'tcp.ack', 'tcp.len']);
  assert.equal(events.length, rows.length);
  assert.deepEqual(events.map((e) => [String(e.packet), String(e.seq), String(e.ack), String(e.len)]), rows.map(([f, seq, ack, len]) => [f, seq, ack === '' ? '0' : ack, len]));
  const model = buildDiagramModel(flow, events, result.findings);
  assert.equal(model.rows.length, rows.length);
  assert.deepEqual(model.omitted, []);
});

test('time of day reads as tshark -t ud: date on the first packet, then the clock', { skip: !hasTshark && 'tshark is not installed' }, async () => {
  const file = join(SAMPLES, 'syn-flood-cookies.pcap');
  const { result, analyzer } = await analyzeFile(file);
  const events = analyzer.flowEvents(1);
  const tshark = tsharkFields(file, 'tcp.stream eq 0', ['frame.number', '_ws.col.Time'], ['-t', 'ud']);
  const byFrame = new Map(tshark.map(([f, t]) => [Number(f), t]));
  for (const e of events) assert.equal(formatTimeOfDay(e.time, null, 6), byFrame.get(e.packet), `frame ${e.packet}`);
  assert.equal(formatTimeOfDay(events[1]!.time, events[0]!.time, 6), byFrame.get(events[1]!.packet)!.slice(11), 'same day: the clock only');
  const svg = renderSequenceDiagram(result.flows[0]!, events, [], { timeDisplay: 'timeOfDay' });
  assert.match(svg, />2026-01-01 00:00:00\.001000</);
  assert.match(svg, />00:00:00\.001030</);
});

test('the day is repeated where it changes (a flow across midnight UTC)', () => {
  assert.equal(formatTimeOfDay('1767225599.999999', null, 6), '2025-12-31 23:59:59.999999');
  assert.equal(formatTimeOfDay('1767225600.000001', '1767225599.999999', 6), '2026-01-01 00:00:00.000001');
  assert.equal(formatTimeOfDay('1767225600.5', '1767225600.000001', 3), '00:00:00.500');
});

test('Copy Flow Summary gives time of day, time since capture start and steps, and the packets not drawn', async () => {
  const file = join(SAMPLES, 'syn-flood-cookies.pcap');
  const { result, analyzer } = await analyzeFile(file);
  const flow = result.flows[0]!;
  const text = flowSummaryText(flow, [], analyzer.flowEvents(flow.id), result.capture.start);
  assert.match(text, /^Start 2026-01-01 00:00:00\.001000 UTC, 0\.000000 s after the capture's first packet, epoch 1767225600\.001000000; lasted 80\.7 ms$/m);
  assert.match(text, /^Packets \(time of day 2026-01-01 UTC \| since capture start \| since previous packet\):$/m);
  assert.match(text, /^ {2}#2 {2}00:00:00\.001030 {2}0\.000030 s {2}\+30 µs {6}server → client {2}SYN, ACK Seq=0 Ack=1 Win=65160$/m);
  assert.match(text, /^ {2}⋯ 2 packets not drawn \(frames 6–7\)$/m);
});

test('since capture start reads as tshark\'s frame.time_relative (flow 120 of syn-flood-cookies.pcap, a second in)', { skip: !hasTshark && 'tshark is not installed' }, async () => {
  const file = join(SAMPLES, 'syn-flood-cookies.pcap');
  const { result, analyzer } = await analyzeFile(file);
  const flow = result.flows.find((f) => f.id === 120)!;
  const events = analyzer.flowEvents(flow.id);
  const rel = new Map(tsharkFields(file, 'tcp.stream eq 119', ['frame.number', 'frame.time_relative']).map(([f, t]) => [Number(f), Number(t)]));
  const svg = renderSequenceDiagram(flow, events, [], { timeDisplay: 'sinceCapture', captureStart: result.capture.start });
  const shown = [...svg.matchAll(/data-testid="time">([0-9.]+) s</g)].map((m) => Number(m[1]));
  assert.equal(shown.length, events.length);
  events.forEach((e, i) => assert.ok(Math.abs(shown[i]! - rel.get(e.packet)!) < 5e-7, `frame ${e.packet}: ${shown[i]} vs tshark ${rel.get(e.packet)}`));
  assert.ok(shown[0]! > 1, 'a second into the capture, not 0 as "since the flow\'s start" would say');
});
