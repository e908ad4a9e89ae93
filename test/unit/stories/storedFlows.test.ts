// Stories read the engine's stored flows through a view of its columns (store/glance.ts), never
// building a Flow per flow. Every value that view gives must be the one the built Flow gives as
// the stories read it (storyFlow.ts listedFlows), times included, at every timestamp resolution:
// µs and ns (read as numbers) and others (read back from the printed time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCaptureChunks } from '../../../src/core/capture/readCapture';
import { Analyzer } from '../../../src/core/engine/analyzer';
import type { AnalysisResult } from '../../../src/core/engine/result';
import { storedFlowSource } from '../../../src/core/store/flowViews';
import { Clock } from '../../../src/core/stories/clock';
import { collectConnects } from '../../../src/core/stories/connects';
import { tellStories } from '../../../src/core/stories/index';
import { listedFlows, type FlowSource, type StoryFlow } from '../../../src/core/stories/storyFlow';
import { buildSample, SAMPLES } from '../../../src/gen';
import { ROOT } from '../gen/tsharkFields';

const STORY_CODES = new Set(['slow-connect', 'connect-pileup', 'connection-churn']);

function inputs(): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const dir of ['samples', 'test/fixtures/kernel']) {
    for (const f of readdirSync(join(ROOT, dir)).filter((x) => /\.pcap(ng)?$/.test(x)).sort()) {
      out.push({ name: `${dir}/${f}`, bytes: readFileSync(join(ROOT, dir, f)) });
    }
  }
  // Story samples as pcapng whose if_tsresol (6: µs) is rewritten: ms is read as numbers,
  // 2^-20 s and 10^-12 s from the printed times.
  for (const s of SAMPLES.filter((x) => ['hanging-connects.pcap', 'connection-storm.pcap', 'syn-flood-legit-clients.pcap', 'client-gives-up.pcap'].includes(x.file))) {
    const raw = buildSample({ ...s, format: { container: 'pcapng', resolution: 'us' } }).raw;
    for (const resol of [3, 0x94, 12]) out.push({ name: `${s.file} tsresol ${resol}`, bytes: withTsresol(raw, resol) });
  }
  return out;
}

/** The capture with every if_tsresol option (code 9, length 1) set to `value`. */
function withTsresol(raw: Uint8Array, value: number): Uint8Array {
  const b = Uint8Array.from(raw);
  let n = 0;
  for (let i = 0; i + 4 < b.length; i++) {
    if (b[i] === 9 && b[i + 1] === 0 && b[i + 2] === 1 && b[i + 3] === 0 && b[i + 4] === 6) { b[i + 4] = value; n++; }
  }
  assert.ok(n > 0, 'an if_tsresol option');
  return b;
}

async function analyze(bytes: Uint8Array): Promise<{ result: AnalysisResult; stored: FlowSource }> {
  const analyzer = new Analyzer({ maxFlows: Number.MAX_SAFE_INTEGER });
  async function* once() { yield bytes; }
  const read = await readCaptureChunks(once(), (p) => analyzer.addPacket(p));
  const result = analyzer.finish(read, 'x.pcap');
  const v = analyzer.liveView();
  return { result, stored: storedFlowSource(v.store, v.nextId - 1) };
}

/** Everything a story reads of a flow, as plain values. */
function values(f: StoryFlow, clock: Clock): unknown[] {
  return [f.id, f.clientIp, f.clientPort, f.serverIp, f.serverPort, f.exchanges, f.syn, f.synRetransmissions, f.synAck, f.clientPayload,
    [...f.synIntervals], f.complete, f.rtt, f.hasSyn, f.simultaneousOpen, f.reset, { ...f.fin },
    f.startNs(clock), f.endNs(clock), f.connectNs(clock), f.synAckNs(clock), f.ackNs(clock)];
}

function all(src: FlowSource, clock: Clock): unknown[][] {
  const out: unknown[][] = [];
  src.forEach((f) => out.push(values(f, clock)));
  return out;
}

test('the stored flows read for stories equal the built flows, and tell the same stories', async () => {
  let flows = 0;
  let stories = 0;
  for (const { name, bytes } of inputs()) {
    const { result, stored } = await analyze(bytes);
    const listed = listedFlows(result.flows);
    assert.equal(stored.size, result.flows.length, name);
    const clock = new Clock(result.capture.start);
    assert.deepEqual(all(stored, clock), all(listed, clock), name);
    const endNs = clock.ns(result.capture.end);
    assert.deepEqual(collectConnects(stored, clock, endNs), collectConnects(listed, clock, endNs), name);
    // The analysis told its stories from the store; told again from the built flows, they are the same.
    const before = { ...result, findings: result.findings.filter((f) => !STORY_CODES.has(f.code)), stories: [] };
    const again = tellStories(before, {}, listed);
    assert.deepEqual(again.stories, result.stories, name);
    assert.deepEqual(again.findings, result.findings.filter((f) => STORY_CODES.has(f.code)), name);
    flows += result.flows.length;
    stories += result.stories.length;
  }
  assert.ok(flows > 1000 && stories > 10, `${flows} flows, ${stories} stories`);
});
