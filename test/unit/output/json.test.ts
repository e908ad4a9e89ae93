// The streamed JSON writer must print exactly what JSON.stringify(result, null, 2) prints (the
// documented format), whatever the size of the result: checked on real analyses of generated
// captures, including one whose flows list spans several of the writer's pieces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCENARIOS } from '../../../src/gen/index';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { formatJson, writeJson, writeJsonBytes } from '../../../src/core/output/json';
import { listedFlows } from '../../../src/cli/report';

const TMP = mkdtempSync(join(tmpdir(), 'synscope-json-'));

function captureOf(name: string): string {
  const path = join(TMP, `${name}.pcap`);
  writeFileSync(path, SCENARIOS[name].build(1).toBuffer({ container: 'pcap', resolution: 'us' }));
  return path;
}

async function resultOf(name: string) {
  return (await analyzeFile(captureOf(name))).result;
}

test('streamed JSON is byte-identical to JSON.stringify with 2-space indent', async () => {
  const names = Object.keys(SCENARIOS);
  assert.ok(names.length > 3);
  let pieces = 0;
  for (const name of names) {
    const result = await resultOf(name);
    const expected = `${JSON.stringify(result, null, 2)}\n`;
    const parts: string[] = [];
    writeJson(result, (s) => parts.push(s));
    pieces = Math.max(pieces, parts.length);
    assert.equal(parts.join(''), expected, name);
    assert.equal(formatJson(result), expected, name);
    assert.equal(bytesOf(result), expected, name);
  }
});

test('empty arrays and a result with a large flows list', async () => {
  const result = await resultOf(Object.keys(SCENARIOS)[0]);
  const empty = { ...result, flows: [], findings: [], stories: [] };
  assert.equal(formatJson(empty), `${JSON.stringify(empty, null, 2)}\n`);
  // Enough copies of the flows to need several 1 MiB pieces.
  const many = { ...result, flows: Array.from({ length: 4000 }, (_, i) => result.flows[i % Math.max(1, result.flows.length)]).filter(Boolean) };
  const parts: string[] = [];
  writeJson(many, (s) => parts.push(s));
  assert.equal(parts.join(''), `${JSON.stringify(many, null, 2)}\n`);
  if (many.flows.length === 4000) assert.ok(parts.length > 1, 'written in several pieces');
  assert.equal(bytesOf(many), `${JSON.stringify(many, null, 2)}\n`);
  assert.equal(bytesOf(empty), `${JSON.stringify(empty, null, 2)}\n`);
});

test('the bytes are UTF-8 where a piece is cut next to text that is not ASCII', async () => {
  const result = await resultOf(Object.keys(SCENARIOS)[0]);
  const odd = { ...result, note: 'é→😀', flows: Array.from({ length: 300 }, (_, i) => ({ ...result.flows[0], history: i % 2 ? '😀' : 'ü' })) };
  assert.equal(bytesOf(odd as typeof result), `${JSON.stringify(odd, null, 2)}\n`);
});

test('flows built as they are written (the CLI) print as the result listing them', async () => {
  for (const name of Object.keys(SCENARIOS)) {
    for (const maxFlows of [3, 10_000]) {
      const path = captureOf(name);
      const full = (await analyzeFile(path, { maxFlows })).result;
      const { result, analyzer } = await analyzeFile(path, { maxFlows }, { listed: 0 });
      assert.equal(bytesOf(result, listedFlows(analyzer)), `${JSON.stringify(full, null, 2)}\n`, `${name} ${maxFlows}`);
    }
  }
});

/** writeJsonBytes' pieces put together and decoded. */
function bytesOf(result: Parameters<typeof writeJsonBytes>[0], flows?: Parameters<typeof writeJsonBytes>[2]): string {
  const parts: Uint8Array[] = [];
  writeJsonBytes(result, (b) => parts.push(b), flows);
  return Buffer.concat(parts).toString('utf8');
}
