/**
 * Every flow of an analysis as one Apache Parquet file (`synscope-flows/1`, columns in
 * flowColumns.ts, documented in docs/parquet-output.md), for DuckDB, Spark, Trino or pandas.
 * Written with hyparquet-writer (pure JavaScript: the same bundle runs in the CLI and the
 * editor's worker on every platform; see docs/parquet-output.md for why this library).
 *
 * Flows are built from the store and written in row groups: memory stays at one group's
 * columns, however many flows the capture has.
 */
import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import type { AnalysisResult } from '../engine/result';
import type { FlowList } from '../store/flowList';
import { FLOW_COLUMNS, type ColumnKind, type FlowColumn, type RowContext } from './flowColumns';

/** The export's schema name, in the file's key-value metadata under `synscope.schema`. */
export const FLOWS_PARQUET_SCHEMA = 'synscope-flows/1';

/** Rows per row group: large enough for good compression, small enough to keep columns in memory. */
const ROW_GROUP_ROWS = 100_000;

const LEAF: Record<ColumnKind, Omit<SchemaElement, 'name' | 'repetition_type'>> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
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
  return BigInt(m[1]) * 1_000_000n + BigInt((m[2] ?? '').slice(0, 6).padEnd(6, '0'));
}

function toCell(kind: ColumnKind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'int64': return BigInt(v as number);
    case 'int64[]': return (v as number[]).map((x) => BigInt(x));
    case 'timestamp': return epochMicros(v as string);
    default: return v;
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
  const pw = new ParquetWriter({
    writer,
    schema: parquetSchema(),
    createdBy: `synscope${meta.version ? ` version ${meta.version}` : ''}`,
    kvMetadata: [
      { key: 'synscope.schema', value: FLOWS_PARQUET_SCHEMA },
      // The capture as the JSON contract describes it (format, packets, problems with offsets).
      { key: 'synscope.capture', value: JSON.stringify(result.capture) },
      { key: 'synscope.summary', value: JSON.stringify(result.summary) },
    ],
  });
  const n = flows.length;
  for (let from = 0; from < n; from += ROW_GROUP_ROWS) {
    const size = Math.min(ROW_GROUP_ROWS, n - from);
    const data = FLOW_COLUMNS.map(() => new Array<unknown>(size));
    for (let i = 0; i < size; i++) {
      const f = flows.at(from + i);
      if (!f) throw new Error(`flow at position ${from + i} is missing from the store`);
      for (let c = 0; c < FLOW_COLUMNS.length; c++) data[c][i] = toCell(FLOW_COLUMNS[c].kind, FLOW_COLUMNS[c].get(f, ctx));
    }
    // One group per call: the sink gets its bytes right after it is encoded.
    void pw.write({ columnData: FLOW_COLUMNS.map((c, j) => ({ name: c.name, data: data[j] })), rowGroupSize: size });
  }
  void pw.finish();
  return { rows: n, bytes: writer.offset };
}
