// The committed hostile captures (test/fixtures/hostile/): each goes through the whole pipeline
// on every npm test, whatever the chunking; fuzzer finds land here as regression inputs. The
// HTML-injection capture must come out of every renderer as text, never as markup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Analyzer } from '../../../src/core/engine/analyzer';
import { readCaptureChunks } from '../../../src/core/capture/readCapture';
import { renderMermaid, renderSequenceDiagram } from '../../../src/render/index';
import { findAll, parseXml, visibleText } from '../render/miniXml';
import { HOSTILE_BUILT, HTML_PAYLOADS } from './hostileCaptures';
import { conversation } from './fixtures';
import { fnv1a, runPipeline, slices } from './pipeline';

const ROOT = ((): string => {
  let d = __dirname;
  while (!existsSync(join(d, 'package.json')) && dirname(d) !== d) d = dirname(d);
  return d;
})();
const DIR = join(ROOT, 'test', 'fixtures', 'hostile');

for (const [name, build] of Object.entries(HOSTILE_BUILT)) {
  test(`${name} is what its builder makes (UPDATE_FIXTURES=1 rewrites it)`, () => {
    const bytes = build();
    if (process.env.UPDATE_FIXTURES === '1') writeFileSync(join(DIR, name), bytes);
    assert.deepEqual(new Uint8Array(readFileSync(join(DIR, name))), bytes);
  });
}

const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => !f.endsWith('.md')).sort() : [];

test('every hostile fixture goes through reader, engine and renderers without an exception, however it is chunked', async () => {
  assert.ok(files.length >= 1);
  for (const f of files) {
    const bytes = new Uint8Array(readFileSync(join(DIR, f)));
    const whole = await runPipeline(bytes, { render: 5 });
    for (const sizes of [[1], [7, 4096]]) {
      const part = await runPipeline(bytes, { chunkSizes: sizes });
      assert.deepEqual(part.packets, whole.packets, `${f}: chunks ${sizes} read other packets`);
    }
  }
});

async function analyse(bytes: Uint8Array) {
  const a = new Analyzer();
  const read = await readCaptureChunks(slices(bytes, [bytes.length]), (p) => a.addPacket(p));
  const result = a.finish(read, 'html-injection.pcapng');
  return { a, read, result };
}

test('HTML in packet comments, interface names and descriptions stays text in the SVG diagram', async () => {
  const { a, read, result } = await analyse(new Uint8Array(readFileSync(join(DIR, 'html-injection.pcapng'))));
  // The payloads really are in the capture as read.
  assert.equal(read.info.interfaces[0].name, HTML_PAYLOADS[0]);
  assert.equal(read.info.interfaces[0].description, HTML_PAYLOADS[2]);
  assert.deepEqual(read.info.comments, [HTML_PAYLOADS[1]]);
  assert.equal(result.flows.length, 1);
  const flow = result.flows[0];
  const events = a.flowEvents(flow.id);
  assert.equal(events[0].comment, HTML_PAYLOADS[0]);
  for (const timeDisplay of ['absolute', 'relative', 'delta'] as const) {
    for (const standalone of [false, true]) {
      const svg = renderSequenceDiagram(flow, events, result.findings, { timeDisplay, standalone });
      // Well-formed XML (a raw "<" or bare "&" would throw), with exactly one <svg> and no active content.
      const root = parseXml(svg);
      assert.equal(root.name, 'svg');
      const active = findAll(root, (n) => /^(script|img|a|foreignObject|iframe|object|embed|svg)$/i.test(n.name) && n !== root);
      assert.deepEqual(active.map((n) => n.name), []);
      const handlers = findAll(root, (n) => Object.keys(n.attrs).some((k) => /^on/i.test(k) || /href$/i.test(k)));
      assert.deepEqual(handlers.map((n) => n.name), []);
      for (const raw of ['<img', '<script', '<svg onload', '<a href', '<!--']) assert.ok(!svg.includes(raw), `${raw} reached the SVG markup`);
      // …and the comments are shown, as text (the diagram may shorten long ones).
      const shown = visibleText(root) + findAll(root, (n) => n.name === 'title').map((n) => n.texts.join('')).join(' ');
      assert.ok(shown.includes('<img src=x'), 'the first comment is shown as text');
      assert.ok(!shown.includes('\u0000'), 'NUL, which XML forbids, is replaced');
    }
  }
});

test('HTML in packet comments stays text in the Mermaid diagram', async () => {
  const { a, result } = await analyse(new Uint8Array(readFileSync(join(DIR, 'html-injection.pcapng'))));
  const flow = result.flows[0];
  const mermaid = renderMermaid(flow, a.flowEvents(flow.id), result.findings);
  const notes = mermaid.split('\n').filter((l) => /comment/.test(l));
  assert.ok(notes.length >= 3, 'every packet comment is a note');
  for (const line of notes) assert.doesNotMatch(line, /[<>"]/, `markup characters in ${line}`);
  assert.ok(!mermaid.includes('<script'));
});

test('bad-lengths.pcapng: every good packet read, each impossible length reported at its block', async () => {
  const bytes = new Uint8Array(readFileSync(join(DIR, 'bad-lengths.pcapng')));
  const run = await runPipeline(bytes);
  const frames = conversation().slice(0, 4);
  assert.deepEqual(run.packets.map((p) => p.hash), frames.map(fnv1a), 'SYN, SYN-ACK, ACK and data, in order');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const re of [/declares length 4294967292/, /declares length 0 /, /shorter than 32/, /captured length 4294967295/]) {
    const p = run.summary!.problems.find((x) => re.test(x.message));
    assert.ok(p, `a problem matching ${re}`);
    assert.equal(v.getUint32(p.offset, true), 6, `${re}: the offset ${p.offset} is the damaged block's start (type 6)`);
  }
  assert.equal(run.result!.summary.handshakesComplete, 1);
});
