/**
 * Every flow of an analysis as one Apache Parquet file (`synscope-flows/1`, columns in
 * flowColumns.ts, documented in docs/parquet-output.md), for DuckDB, Spark, Trino or pandas.
 * Written with hyparquet-writer (pure JavaScript: the same bundle runs in the CLI and the
 * editor's worker on every platform; see docs/parquet-output.md for why this library).
 *
 * Written in row groups: memory stays at one group's columns, however many flows the capture
 * has. The engine's store is read by columns (storeCells.ts) and the groups written by
 * GroupWriter (parquetGroup.ts, parquetPage.ts): the library's steps, a third of the CPU of
 * building a Flow per flow and going through ParquetWriter.write (docs/parquet-output.md).
 */
import { ByteWriter, type SchemaElement } from 'hyparquet-writer';
import { GroupWriter } from './parquetGroup';
import type { AnalysisResult } from '../engine/result';
import type { FlowList } from '../store/flowList';
import { fieldsOf } from '../store/flowFields';
import { FLOW_COLUMNS, type ColumnKind, type FlowColumn, type RowContext } from './flowColumns';
import { compress as snappyCompress } from 'snappyjs';
import { storeGroup, storeSourceOf, StringBytes, type GroupColumns, type StoreSource } from './storeCells';

/** The export's schema name, in the file's key-value metadata under `synscope.schema`. */
export const FLOWS_PARQUET_SCHEMA = 'synscope-flows/1';

/**
 * Rows per row group: large enough for compression and for engines to split work, small enough
 * that a group's cells die young (100,000-row groups spent most of their time in the GC).
 */
const ROW_GROUP_ROWS = Number(process.env.SYNSCOPE_PARQUET_GROUP) || 50_000;

/**
 * Columns with min/max statistics: the ones queries filter on, so engines skip row groups by
 * time, address or outcome. Statistics on every column cost a quarter of the write time.
 */
const STATISTICS = new Set(['capture_path', 'id', 'start_ts', 'end_ts', 'client_ip', 'server_ip', 'server_port', 'state', 'handshake_complete', 'handshake_rtt']);

const LEAF: Record<ColumnKind, Omit<SchemaElement, 'name' | 'repetition_type'>> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  epoch: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  int32: { type: 'INT32' },
  int64: { type: 'INT64' },
  double: { type: 'DOUBLE' },
  bool: { type: 'BOOLEAN' },
  timestamp: { type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } },
  'int32[]': { type: 'INT32' },
  'int64[]': { type: 'INT64' },
  'double[]': { type: 'DOUBLE' },
  'string[]': { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
};

const isList = (k: ColumnKind): boolean => k.endsWith('[]');

/** The Parquet schema: flat columns, lists in the standard three-level LIST layout (Spark reads them). */
export function parquetSchema(columns: readonly FlowColumn[] = FLOW_COLUMNS): SchemaElement[] {
  const out: SchemaElement[] = [{ name: 'root', num_children: columns.length }];
  for (const c of columns) {
    const repetition_type = c.nullable ? 'OPTIONAL' : 'REQUIRED';
    if (isList(c.kind)) {
      out.push(
        { name: c.name, repetition_type, converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', repetition_type: 'REQUIRED', ...LEAF[c.kind] },
      );
    } else {
      out.push({ name: c.name, repetition_type, ...LEAF[c.kind] } as SchemaElement);
    }
  }
  return out;
}

/**
 * Epoch seconds (the contract's decimal string) to whole microseconds since 1970, rounded
 * down: a TIMESTAMP(MICROS) that every engine reads; the exact string stays beside it.
 */
export function epochMicros(s: string | null): bigint | null {
  if (s === null) return null;
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) return null;
  const us = Number(m[1]) * 1e6 + Number((m[2] ?? '').slice(0, 6).padEnd(6, '0'));
  // Exact in a double up to 2^53 µs (year 2255); beyond, the slow exact way.
  return Number.isSafeInteger(us) ? BigInt(us) : BigInt(m[1]) * 1_000_000n + BigInt((m[2] ?? '').slice(0, 6).padEnd(6, '0'));
}

/**
 * One column's cells for a row group. Required numbers go into typed arrays (no boxed value
 * per cell); the rest into plain arrays, int64 as bigint as the writer wants them.
 */
function cells(c: FlowColumn, size: number): { data: unknown[] | Int32Array | BigInt64Array; set(i: number, v: unknown): void } {
  if (!c.nullable && c.kind === 'int32') {
    const data = new Int32Array(size);
    return { data, set: (i, v) => { data[i] = v as number; } };
  }
  if (!c.nullable && c.kind === 'int64') {
    const data = new BigInt64Array(size);
    return { data, set: (i, v) => { data[i] = BigInt(v as number); } };
  }
  const data = new Array<unknown>(size);
  if (c.kind === 'epoch') return epochStrings(data, size);
  switch (c.kind) {
    case 'int64': return { data, set: (i, v) => { data[i] = v === null ? null : BigInt(v as number); } };
    case 'int64[]': return { data, set: (i, v) => { data[i] = (v as number[]).map((x) => BigInt(x)); } };
    case 'timestamp': {
      // The capture's start and end repeat on every row: converted once.
      let lastIn: unknown;
      let lastOut: bigint | null = null;
      return {
        data,
        set: (i, v) => {
          if (v !== lastIn) {
            lastIn = v;
            lastOut = epochMicros(v as string | null);
          }
          data[i] = lastOut;
        },
      };
    }
    default: return { data, set: (i, v) => { data[i] = v; } };
  }
}

/** A ByteWriter that hands its bytes on after each row group instead of growing with the file. */
class SinkWriter extends ByteWriter {
  constructor(private readonly sink: (bytes: Uint8Array) => void) {
    super(1 << 20);
  }
  flush(): void {
    if (this.index === 0) return;
    // A copy: the buffer is written over by the next group.
    this.sink(new Uint8Array(this.buffer, 0, this.index).slice());
    this.index = 0;
  }
  finish(): void {
    this.flush();
  }
}

/**
 * Epoch strings (digits and a point: ASCII) as byte views of one buffer per row group. They are
 * a distinct value per row, and encoding each with TextEncoder inside the writer was the
 * largest single cost of the export.
 */
function epochStrings(data: unknown[], size: number): { data: unknown[]; set(i: number, v: unknown): void } {
  // 20 bytes hold a µs or ns epoch (10 digits, a point, 9 fraction digits); longer ones get a new buffer.
  let buf = new Uint8Array(size * 20);
  let at = 0;
  const utf8 = new TextEncoder();
  return {
    data,
    set: (i, v) => {
      if (typeof v !== 'string') {
        data[i] = null;
        return;
      }
      if (at + v.length > buf.length) {
        buf = new Uint8Array(Math.max(1 << 16, v.length));
        at = 0;
      }
      const start = at;
      for (let k = 0; k < v.length; k++) {
        const ch = v.charCodeAt(k);
        if (ch > 0x7f) {
          // Never from the engine; a non-ASCII string still gets its UTF-8 bytes.
          data[i] = utf8.encode(v);
          at = start;
          return;
        }
        buf[at++] = ch;
      }
      data[i] = buf.subarray(start, at);
    },
  };
}

type ColumnValues = unknown[] | Int32Array | BigInt64Array;

/** A row group's columns (FLOW_COLUMNS order) from each flow's Flow object and the columns' getters. */
export function fromFlows(flows: FlowList, ctx: RowContext, from: number, size: number): ColumnValues[] {
  const cols = FLOW_COLUMNS.map((c) => cells(c, size));
  for (let i = 0; i < size; i++) {
    const f = flows.at(from + i);
    if (!f) throw new Error(`flow at position ${from + i} is missing from the store`);
    for (let c = 0; c < FLOW_COLUMNS.length; c++) cols[c].set(i, FLOW_COLUMNS[c].get(f, ctx) ?? null);
  }
  return cols.map((c) => c.data);
}

/** The same columns read from the store's columns (storeCells.ts). */
export function fromStore(src: StoreSource, ctx: RowContext, from: number, size: number,
  reuse: { strings: StringBytes; columns?: GroupColumns } = { strings: new StringBytes() }): ColumnValues[] {
  const group = (reuse.columns = storeGroup(src, ctx, from, size, reuse.strings, epochMicros, reuse.columns));
  return FLOW_COLUMNS.map((c) => {
    const d = group.get(c.name);
    if (!d) throw new Error(`no stored values for column ${c.name}`);
    return d;
  });
}

export interface ParquetExport {
  rows: number;
  bytes: number;
}

/**
 * Writes every flow of `flows` (an analysis's store: `Analyzer.flowList()`) with the capture's
 * path and first/last time on each row; `sink` receives the file's bytes in order.
 */
export function writeFlowsParquet(
  result: Pick<AnalysisResult, 'capture' | 'findings' | 'summary'>,
  flows: FlowList,
  sink: (bytes: Uint8Array) => void,
  meta: { version?: string } = {},
): ParquetExport {
  const codes = new Map(result.findings.map((f) => [f.id, f.code]));
  const ctx: RowContext = {
    capturePath: result.capture.path,
    captureStart: result.capture.start,
    captureEnd: result.capture.end,
    codeOf: (id) => codes.get(id) ?? '',
  };
  const writer = new SinkWriter(sink);
  const pw = new GroupWriter({
    writer,
    schema: parquetSchema(),
    // snappyjs: about twice as fast here as the compressor bundled with hyparquet-writer, which
    // appends every byte through a growing buffer (a distinct 8-byte value per row costs more to
    // compress than to write); it cuts its input into 64 KiB blocks as the Snappy format does.
    compressors: { SNAPPY: snappyCompress },
    createdBy: `synscope${meta.version ? ` version ${meta.version}` : ''}`,
    kvMetadata: [
      { key: 'synscope.schema', value: FLOWS_PARQUET_SCHEMA },
      // The capture as the JSON contract describes it (format, packets, problems with offsets).
      { key: 'synscope.capture', value: JSON.stringify(result.capture) },
      { key: 'synscope.summary', value: JSON.stringify(result.summary) },
    ],
  });
  const n = flows.length;
  // The engine's store is read by columns (storeCells.ts); any other list by its Flows.
  const src = storeSourceOf(fieldsOf(flows));
  const reuse = { strings: new StringBytes() };
  for (let from = 0; from < n; from += ROW_GROUP_ROWS) {
    const size = Math.min(ROW_GROUP_ROWS, n - from);
    const data = src ? fromStore(src, ctx, from, size, reuse) : fromFlows(flows, ctx, from, size);
    // One group per call: the sink gets its bytes right after it is encoded.
    pw.writeGroup(FLOW_COLUMNS.map((c, j) => ({ name: c.name, data: data[j], statistics: STATISTICS.has(c.name) })), size);
  }
  void pw.finish();
  return { rows: n, bytes: writer.offset };
}
