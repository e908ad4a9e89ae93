// The Parquet flow export read back by an independent reader (DuckDB): on every sample and
// kernel fixture, every flow of the JSON (all of them listed) is a row with the same values,
// column by column as docs/parquet-output.md maps them to the JSON's fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import type { AnalysisResult } from '../../../src/core/engine/result';
import { formatJson } from '../../../src/core/output/json';
import { writeFlowsParquet } from '../../../src/core/output/parquet';
import { Duck, sqlString } from './duckdb';

const ROOT = join(__dirname, '..', '..', '..', '..');
const TMP = mkdtempSync(join(tmpdir(), 'synscope-parquet-'));

interface DocColumn { name: string; duckType: string; nullable: boolean; source: string }

/** The column table of docs/parquet-output.md: the contract the export is checked against. */
function documentedColumns(): DocColumn[] {
  const doc = readFileSync(join(ROOT, 'docs', 'parquet-output.md'), 'utf8');
  const out: DocColumn[] = [];
  for (const m of doc.matchAll(/^\| `(\w+)` \| [^|]+ \| ([^|]+?) \| (yes)? *\| `([^`]+)` \|$/gm)) {
    out.push({ name: m[1], duckType: m[2], nullable: m[3] === 'yes', source: m[4] });
  }
  return out;
}

const INPUTS = [
  ...readdirSync(join(ROOT, 'samples')).filter((f) => /\.pcap(ng)?(\.gz)?$/.test(f)).map((f) => join('samples', f)),
  ...readdirSync(join(ROOT, 'test', 'fixtures', 'kernel')).filter((f) => f.endsWith('.pcap')).map((f) => join('test', 'fixtures', 'kernel', f)),
];

/** `a.b.c` in the JSON flow; null as soon as a step is null (a `{packet, time}` that is null). */
function at(obj: unknown, path: string): unknown {
  let v = obj;
  for (const k of path.split('.')) {
    if (v === null || v === undefined) return null;
    v = (v as Record<string, unknown>)[k];
  }
  return v === undefined ? null : v;
}

/** Whole microseconds of an epoch string, rounded down (what TIMESTAMP(MICROS) holds). */
function micros(s: unknown): number | null {
  if (typeof s !== 'string') return null;
  const [i, f = ''] = s.split('.');
  return Number(BigInt(i) * 1_000_000n + BigInt(f.slice(0, 6).padEnd(6, '0')));
}

/** Leaf paths of a JSON value (arrays are leaves: they are list columns; a null `{packet, time}` has none). */
function leaves(v: unknown, prefix: string, out: Set<string>): void {
  if (v === null) return;
  if (typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) leaves(x, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.add(prefix);
  }
}

function expectedRow(json: AnalysisResult, flow: Record<string, unknown>, cols: DocColumn[]): Record<string, unknown> {
  const codes = new Map(json.findings.map((f) => [f.id, f.code]));
  const row: Record<string, unknown> = {};
  for (const c of cols) {
    let v: unknown;
    if (c.source === 'findings → code') v = (flow.findings as number[]).map((id) => codes.get(id));
    else if (c.source.startsWith('capture.')) v = at(json, c.source);
    else v = at(flow, c.source);
    row[c.name] = c.duckType.startsWith('TIMESTAMP') ? micros(v) : v;
  }
  return row;
}

test('docs/parquet-output.md documents the columns DuckDB finds, with their types and nullability', async () => {
  const cols = documentedColumns();
  assert.ok(cols.length >= 60, `${cols.length} documented columns`);
  const { result, analyzer } = await analyzeFile(join(ROOT, 'samples', 'lost-final-ack.pcap'), {}, { listed: 0 });
  const file = join(TMP, 'schema.parquet');
  const parts: Uint8Array[] = [];
  writeFlowsParquet(result, analyzer.flowList(), (b) => parts.push(b));
  writeFileSync(file, Buffer.concat(parts));
  const duck = await Duck.open();
  try {
    const described = await duck.rows(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
    assert.deepEqual(described.map((d) => [d.column_name, d.column_type]), cols.map((c) => [c.name, c.duckType]));
    const schema = await duck.rows(`SELECT name, repetition_type FROM parquet_schema(${sqlString(file)}) WHERE name IN (${cols.map((c) => sqlString(c.name)).join(', ')})`);
    const optional = new Map(schema.map((s) => [s.name, s.repetition_type === 'OPTIONAL']));
    for (const c of cols) assert.equal(optional.get(c.name), c.nullable, `${c.name} nullable`);
    const kv = await duck.rows(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${sqlString(file)})`);
    const meta = new Map(kv.map((r) => [r.key, r.value]));
    assert.equal(meta.get('synscope.schema'), 'synscope-flows/1');
    assert.deepEqual(JSON.parse(meta.get('synscope.capture') as string), JSON.parse(JSON.stringify(result.capture)));
  } finally {
    duck.close();
  }
});

test('every flow of every sample and kernel fixture reads back from Parquet with the JSON\'s values', async () => {
  const cols = documentedColumns();
  const select = cols.map((c) => (c.duckType.startsWith('TIMESTAMP') ? `epoch_us("${c.name}") AS "${c.name}"` : `"${c.name}"`)).join(', ');
  const duck = await Duck.open();
  let flows = 0;
  const fields = new Set<string>();
  try {
    for (const input of INPUTS) {
      // The JSON as the CLI prints it with every flow listed, and the export of the same analysis's store.
      const { result, analyzer } = await analyzeFile(join(ROOT, input), { maxFlows: 1e9 });
      const json = JSON.parse(formatJson(result)) as AnalysisResult;
      const file = join(TMP, `${input.replace(/\W/g, '_')}.parquet`);
      const parts: Uint8Array[] = [];
      const written = writeFlowsParquet(result, analyzer.flowList(), (b) => parts.push(b));
      writeFileSync(file, Buffer.concat(parts));
      const rows = await duck.rows(`SELECT ${select} FROM read_parquet(${sqlString(file)}) ORDER BY id`);
      assert.equal(json.flows.length, json.summary.flows, `${input}: every flow listed in the JSON`);
      assert.equal(rows.length, json.summary.flows, `${input}: one row per flow`);
      assert.equal(written.rows, rows.length);
      json.flows.forEach((f, i) => {
        leaves(f, '', fields);
        assert.deepEqual(rows[i], expectedRow(json, f as unknown as Record<string, unknown>, cols), `${input} flow ${f.id}`);
      });
      flows += rows.length;
    }
  } finally {
    duck.close();
  }
  assert.ok(flows > 1000, `${flows} flows compared over ${INPUTS.length} captures`);
  // Every field any of those flows has in the JSON is a column (handshake refs only when not null).
  const sources = new Set(cols.map((c) => c.source));
  assert.deepEqual([...fields].filter((f) => !sources.has(f)), []);
});
