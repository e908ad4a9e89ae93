// The Parquet export's fast paths against the plain ones they replace: a row group's columns
// read from the store's columns (storeCells.ts) hold, cell by cell, the values the columns'
// getters give from each built Flow; our Snappy compressor and GroupWriter write the bytes
// hyparquet-writer's own compressor and ParquetWriter.write write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { FLOW_COLUMNS, type RowContext } from '../../../src/core/output/flowColumns';
import { fromFlows, fromStore, parquetSchema } from '../../../src/core/output/parquet';
import { GroupWriter, type GroupColumn } from '../../../src/core/output/parquetGroup';
import { compress as snappyCompress } from 'snappyjs';
import { storeSourceOf } from '../../../src/core/output/storeCells';
import { fieldsOf } from '../../../src/core/store/flowFields';

const ROOT = join(__dirname, '..', '..', '..', '..');
const INPUTS = [
  ...readdirSync(join(ROOT, 'samples')).filter((f) => /\.pcap(ng)?(\.gz)?$/.test(f)).map((f) => join('samples', f)),
  ...readdirSync(join(ROOT, 'test', 'fixtures', 'kernel')).filter((f) => f.endsWith('.pcap')).map((f) => join('test', 'fixtures', 'kernel', f)),
];

const utf8 = new TextDecoder();

/** A cell as a comparable value: bytes and strings as text, int64 as bigint text, -0 kept apart. */
function plain(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Uint8Array) return `s:${utf8.decode(v)}`;
  if (typeof v === 'string') return `s:${v}`;
  if (typeof v === 'bigint') return `n:${v}`;
  if (typeof v === 'number') return Object.is(v, -0) ? 'd:-0' : `d:${v}`;
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

test('a row group read from the store has every cell the built flows give', async () => {
  let flows = 0;
  for (const input of INPUTS) {
    const { result, analyzer } = await analyzeFile(join(ROOT, input), { maxFlows: 0 }, { listed: 0 });
    const list = analyzer.flowList();
    const src = storeSourceOf(fieldsOf(list));
    assert.ok(src, `${input}: the analysis's flow list reads from its store`);
    const codes = new Map(result.findings.map((f) => [f.id, f.code]));
    const ctx: RowContext = { capturePath: result.capture.path, captureStart: result.capture.start, captureEnd: result.capture.end, codeOf: (id) => codes.get(id) ?? '' };
    // Groups of an odd size, so a group starts and ends mid-capture.
    const group = 37;
    for (let from = 0; from < list.length; from += group) {
      const size = Math.min(group, list.length - from);
      const a = fromFlows(list, ctx, from, size);
      const b = fromStore(src, ctx, from, size);
      FLOW_COLUMNS.forEach((c, j) => {
        const x = Array.from(a[j] as ArrayLike<unknown>, plain);
        const y = Array.from(b[j] as ArrayLike<unknown>, plain);
        assert.deepEqual(y, x, `${input}: column ${c.name}, flows ${from + 1}-${from + size}`);
      });
    }
    flows += list.length;
  }
  assert.ok(flows > 1000);
});

/** The file ParquetWriter.write makes of the groups, and the one GroupWriter makes. */
function bothWays(schema: SchemaElement[], groups: GroupColumn[][]): [Uint8Array, Uint8Array] {
  const files = [new ByteWriter(), new ByteWriter()].map((writer, k) => {
    // The same compressor both ways: what is compared is how the group is written.
    const compressors = { SNAPPY: snappyCompress };
    const pw = k === 0 ? new ParquetWriter({ writer, schema, compressors }) : new GroupWriter({ writer, schema, compressors });
    for (const g of groups) {
      const size = g[0].data.length;
      if (pw instanceof GroupWriter) pw.writeGroup(g, size);
      else void pw.write({ columnData: g.map((c) => ({ name: c.name, data: c.data as never, statistics: c.statistics })), rowGroupSize: size });
    }
    void pw.finish();
    return writer.getBytes();
  });
  return [files[0], files[1]];
}

test('GroupWriter writes the bytes ParquetWriter.write writes, on every sample and kernel fixture', async () => {
  for (const input of INPUTS) {
    const { result, analyzer } = await analyzeFile(join(ROOT, input), { maxFlows: 0 }, { listed: 0 });
    const list = analyzer.flowList();
    const src = storeSourceOf(fieldsOf(list))!;
    const codes = new Map(result.findings.map((f) => [f.id, f.code]));
    const ctx: RowContext = { capturePath: result.capture.path, captureStart: result.capture.start, captureEnd: result.capture.end, codeOf: (id) => codes.get(id) ?? '' };
    const groups: GroupColumn[][] = [];
    for (let from = 0; from < list.length; from += 50) {
      const data = fromStore(src, ctx, from, Math.min(50, list.length - from));
      groups.push(FLOW_COLUMNS.map((c, j) => ({ name: c.name, data: data[j], statistics: c.name === 'id' || c.name === 'handshake_rtt' || c.name === 'client_ip' || c.name === 'start_ts' })));
    }
    const [library, ours] = bothWays(parquetSchema(), groups);
    assert.ok(Buffer.from(library).equals(Buffer.from(ours)), `${input}: ${library.length} vs ${ours.length} bytes`);
  }
});

test('GroupWriter writes the library\'s bytes for nulls, NaN and -0, constants, one row and pages over 1 MB', () => {
  const schema: SchemaElement[] = [
    { name: 'root', num_children: 6 },
    { name: 'n', type: 'INT64', repetition_type: 'OPTIONAL' },
    { name: 'd', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
    { name: 's', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'c', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'b', type: 'BOOLEAN', repetition_type: 'REQUIRED' },
    { name: 't', type: 'INT64', repetition_type: 'OPTIONAL', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } },
  ];
  const utf8 = new TextEncoder();
  const group = (n: number, seed: number): GroupColumn[] => [
    { name: 'n', data: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : BigInt(i * seed))), statistics: true },
    // Signed zeros as the smallest value (seed 3) and as the largest (seed 2).
    { name: 'd', data: Array.from({ length: n }, (_, i) => (seed === 3 ? (i % 2 === 0 ? 0 : -0) : i % 5 === 0 ? NaN : i % 7 === 0 ? -0 : i % 4 === 0 ? null : (seed === 2 ? -i : i) / seed)), statistics: true },
    // 20-byte strings: 60,000 of them pass one 1 MB page.
    { name: 's', data: Array.from({ length: n }, (_, i) => utf8.encode(`${1_700_000_000 + i}.${String(i * seed).padStart(9, '0')}`)), statistics: seed === 1 },
    { name: 'c', data: Int32Array.from({ length: n }, () => 7), statistics: false },
    { name: 'b', data: Array.from({ length: n }, (_, i) => i % 2 === 0), statistics: true },
    { name: 't', data: Array.from({ length: n }, (_, i) => (seed === 2 ? null : BigInt(1_700_000_000_000_000 + i))), statistics: true },
  ];
  for (const groups of [[group(1, 1)], [group(2, 2)], [group(17, 3), group(40, 1)], [group(60_000, 1), group(30_000, 2)]]) {
    const [library, ours] = bothWays(schema, groups);
    assert.ok(Buffer.from(library).equals(Buffer.from(ours)), `${groups.map((g) => g[0].data.length).join(' + ')} rows`);
  }
});
