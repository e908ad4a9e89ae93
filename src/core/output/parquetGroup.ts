/**
 * One row group written the way ParquetWriter.write writes it, the same bytes, but a flat
 * column's chunk without the steps that cost the export most and decide nothing for its values:
 * copying the group's values, checking every INT64 against the type's range (values from the
 * store are counts and ids), sizing pages value by value when the column fits one page. Lists,
 * columns with statistics, columns of more than one page go through the library's writeColumn
 * as they did. A test writes every sample both ways and compares the files byte for byte.
 */
import { ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import { writeColumn } from 'hyparquet-writer/src/column.js';
import { useDictionary, writeDictionaryPage } from 'hyparquet-writer/src/dictionary.js';
import { encodeNestedValues } from 'hyparquet-writer/src/dremel.js';
import { schemaPathResolver } from 'hyparquet-writer/src/schema.js';
import { unconvert } from 'hyparquet-writer/src/unconvert.js';
import { writeFlatPage } from './parquetPage';

/** ParquetWriter.write's default page size. */
const PAGE_SIZE = 1 << 20;

export interface GroupColumn {
  name: string;
  /** The group's values: a typed array or an array (null: none), in the writer's value types. */
  data: ArrayLike<unknown>;
  statistics: boolean;
}

type Encoder = Parameters<typeof writeColumn>[0]['column'];
type Chunk = ReturnType<typeof writeColumn>;

export class GroupWriter extends ParquetWriter {
  private readonly resolve = schemaPathResolver(this.schema);

  /** Writes `columns` (every column of the schema, in order) as one row group of `size` rows. */
  writeGroup(columns: readonly GroupColumn[], size: number): void {
    const groupStart = this.writer.offset;
    const chunks: Chunk['chunk'][] = [];
    for (const { name, data, statistics } of columns) {
      if (data.length !== size) throw new Error('parquet columns must have the same length');
      const path = this.resolve([name]);
      let leaf = path;
      while (leaf[leaf.length - 1].children.length > 0) leaf = [...leaf, leaf[leaf.length - 1].children[0]];
      const schemaPath = leaf.map((n) => n.element);
      const element = schemaPath[schemaPath.length - 1];
      const column: Encoder = {
        columnName: schemaPath.slice(1).map((s) => s.name).join('.'),
        element, schemaPath, codec: this.codec, compressors: this.compressors, stats: statistics,
        statisticsTruncateLength: this.statisticsTruncateLength, pageSize: PAGE_SIZE, dictionarySize: undefined,
        columnIndex: false, offsetIndex: true, encoding: undefined, bloomFilter: undefined,
      };
      const flat = leaf.length === 2 && (element.logical_type === undefined || (element.logical_type.type === 'TIMESTAMP' && allBigints(data)));
      const pageData = flat ? undefined : isSimpleList(leaf) ? listLevels(data) : encodeNestedValues(leaf, data as never);
      const result = pageData ? writeColumn({ writer: this.writer, column, pageData }) : flatColumn(this.writer, column, data, element.repetition_type === 'OPTIONAL');
      chunks.push(result.chunk);
      this.pendingIndexes.push(result);
    }
    let total = 0n;
    for (const { meta_data } of chunks) total += meta_data?.total_uncompressed_size ?? 0n;
    this.num_rows += BigInt(size);
    this.row_groups.push({ columns: chunks, total_byte_size: total, num_rows: BigInt(size), total_compressed_size: BigInt(this.writer.offset - groupStart) });
    void this.writer.flush?.();
  }

  /** The file's footer; the buffers shared by the columns are let go (a worker exports again later). */
  finish(): void | Promise<void> {
    levelsBuffer.length = 0;
    listBuffers.values.length = listBuffers.definitionLevels.length = listBuffers.repetitionLevels.length = 0;
    return super.finish();
  }
}

const levelsBuffer: number[] = [];

/**
 * Bytes getPageBoundaries counts for the values (estimateValueSize): one page below PAGE_SIZE.
 * `nonNull`: how many values are not null (a dictionary's indexes: as many as its column's).
 */
function pageBytes(values: ArrayLike<unknown>, type: SchemaElement['type'], nonNull: number): number {
  switch (type) {
    case 'BOOLEAN': return nonNull * 0.125;
    case 'INT32': case 'FLOAT': return nonNull * 4;
    case 'INT64': case 'DOUBLE': return nonNull * 8;
    default: {
      let bytes = 0;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v instanceof Uint8Array) bytes += v.byteLength;
        else if (typeof v === 'string') bytes += v.length;
      }
      return bytes;
    }
  }
}

/**
 * writeColumn's steps for a flat column without statistics, bloom filter or page index: the
 * dictionary if it pays (the library's own decision), then one data page; more than one page
 * goes to writeColumn itself.
 */
function flatColumn(writer: ParquetWriter['writer'], column: Encoder, values: ArrayLike<unknown>, optional: boolean): Chunk {
  const { element, schemaPath } = column;
  const type = element.type!;
  let definitionLevels: number[] = [];
  let nonNull = values.length;
  if (optional) {
    // One array for every column's levels, written over: the writer only reads them while the
    // column is written (a new array per column, growing or holey, cost more than the levels).
    definitionLevels = levelsBuffer;
    if (definitionLevels.length > values.length) definitionLevels.length = values.length;
    nonNull = 0;
    for (let i = 0; i < values.length; i++) {
      const defined = values[i] === null || values[i] === undefined ? 0 : 1;
      definitionLevels[i] = defined;
      nonNull += defined;
    }
  }
  const pageData = { values: values as never, definitionLevels, repetitionLevels: [], maxDefinitionLevel: optional ? 1 : 0 };
  const utf8 = element.converted_type === 'UTF8';
  // Strings are written from byte views here (storeCells.ts), which unconvert leaves as they are.
  if (utf8 && !allBytes(values)) return writeColumn({ writer, column, pageData });
  const { dictionary, indexes } = constantDictionary(values, type) ?? useDictionary(values as never, type, undefined, undefined, undefined, !optional);
  const written = dictionary && indexes ? indexes : values;
  if (pageBytes(written, dictionary ? 'INT32' : type, nonNull) >= PAGE_SIZE && values.length > 1) {
    return writeColumn({ writer, column, pageData });
  }
  const offsetStart = writer.offset;
  let uncompressed = 0;
  const encodings: ('PLAIN' | 'RLE' | 'RLE_DICTIONARY')[] = [];
  let dictionaryOffset: bigint | undefined;
  let encoding: 'PLAIN' | 'RLE' | 'RLE_DICTIONARY';
  if (dictionary && indexes) {
    encoding = 'RLE_DICTIONARY';
    dictionaryOffset = BigInt(writer.offset);
    uncompressed += writeDictionaryPage(writer, column, utf8 ? unconvert(element, dictionary) : dictionary);
    encodings.push('PLAIN');
  } else {
    encoding = type === 'BOOLEAN' && values.length > 16 ? 'RLE' : 'PLAIN';
  }
  encodings.push(encoding);
  const dataOffset = BigInt(writer.offset);
  uncompressed += writeFlatPage(writer, column, encoding, written, definitionLevels, pageData.maxDefinitionLevel);
  return {
    chunk: {
      meta_data: {
        type,
        encodings,
        path_in_schema: schemaPath.slice(1).map((s) => s.name),
        codec: column.codec ?? 'UNCOMPRESSED',
        num_values: BigInt(values.length),
        total_compressed_size: BigInt(writer.offset - offsetStart),
        total_uncompressed_size: BigInt(uncompressed),
        data_page_offset: dataOffset,
        dictionary_page_offset: dictionaryOffset,
        statistics: column.stats ? (statisticsOf(values, element) as never) : undefined,
        encoding_stats: column.stats ? [
          ...(dictionary ? [{ page_type: 'DICTIONARY_PAGE' as const, encoding: 'PLAIN' as const, count: 1 }] : []),
          { page_type: 'DATA_PAGE_V2' as const, encoding, count: 1 },
        ] : undefined,
        geospatial_statistics: undefined,
      },
      file_offset: BigInt(offsetStart),
    },
    columnIndex: undefined,
    offsetIndex: undefined,
    bloomFilter: undefined,
  };
}

function allBytes(values: ArrayLike<unknown>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined && !(v instanceof Uint8Array)) return false;
  }
  return true;
}

/**
 * useDictionary's answer for a column of one value and no null, without a map lookup per row
 * (a flood's groups have many): the value's sampled share is one in many, so the library builds
 * the dictionary, [value], with every index 0, and keeps it as it is smaller than the values
 * from two rows on. Anything else (a null, two values, a boolean) is left to useDictionary.
 */
function constantDictionary(values: ArrayLike<unknown>, type: SchemaElement['type']): { dictionary: unknown[]; indexes: number[] } | undefined {
  const n = values.length;
  if (type === 'BOOLEAN' || n < 2) return undefined;
  const v = values[0];
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return undefined;
  for (let i = 1; i < n; i++) if (values[i] !== v) return undefined;
  if (zeros.length !== n) zeros = new Array<number>(n).fill(0);
  return { dictionary: [v], indexes: zeros };
}
/** Every index 0: shared by the constant columns (the page writer only reads it). */
let zeros: number[] = [];

/** A required LIST of required elements (vlan, intervals, findings): what encodeNestedValues makes of it. */
function isSimpleList(leaf: { element: SchemaElement }[]): boolean {
  return leaf.length === 4 && leaf[1].element.repetition_type === 'REQUIRED' && leaf[1].element.converted_type === 'LIST' &&
    leaf[2].element.repetition_type === 'REPEATED' && leaf[3].element.repetition_type === 'REQUIRED';
}

/**
 * encodeNestedValues for such a list, without its recursive walk per row: an empty list is one
 * slot at definition level 0 (its value undefined); element k of a list is at level 1, repetition
 * 0 for the first element and 1 for the others.
 */
function listLevels(rows: ArrayLike<unknown>): { values: never; definitionLevels: number[]; repetitionLevels: number[]; maxDefinitionLevel: number } {
  // Written over for every list column, like levelsBuffer: writeColumn reads them while it writes.
  const { values, definitionLevels, repetitionLevels } = listBuffers;
  let at = 0;
  const put = (value: unknown, definition: number, repetition: number): void => {
    values[at] = value;
    definitionLevels[at] = definition;
    repetitionLevels[at] = repetition;
    at++;
  };
  for (let i = 0; i < rows.length; i++) {
    const list = rows[i] as ArrayLike<unknown>;
    if (!Array.isArray(list)) throw new Error('parquet repeated field list must be an array');
    if (list.length === 0) put(undefined, 0, 0);
    for (let k = 0; k < list.length; k++) {
      if (list[k] === null || list[k] === undefined) throw new Error('parquet required value is undefined');
      put(list[k], 1, k === 0 ? 0 : 1);
    }
  }
  values.length = definitionLevels.length = repetitionLevels.length = at;
  return { values: values as never, definitionLevels, repetitionLevels, maxDefinitionLevel: 1 };
}
const listBuffers = { values: [] as unknown[], definitionLevels: [] as number[], repetitionLevels: [] as number[] };

/** A TIMESTAMP column given as bigints, which unconvert would hand on as they are. */
function allBigints(values: ArrayLike<unknown>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined && typeof v !== 'bigint') return false;
  }
  return true;
}

/**
 * writeColumn's chunk statistics (its getStatistics) for the values a flat column has here:
 * numbers, bigints, booleans, byte views (compared byte by byte); NaN not counted in min/max.
 */
function statisticsOf(values: ArrayLike<unknown>, element: SchemaElement): { min_value: unknown; max_value: unknown; null_count: bigint; nan_count: bigint | undefined } {
  const float = element.type === 'FLOAT' || element.type === 'DOUBLE' || element.logical_type?.type === 'FLOAT16';
  let min: unknown;
  let max: unknown;
  let nulls = 0;
  let nans = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      nulls++;
      continue;
    }
    if (typeof v === 'object' && !(v instanceof Uint8Array)) continue;
    if (typeof v === 'number' && Number.isNaN(v)) {
      nans++;
      continue;
    }
    if (min === undefined || compare(v, min) < 0) min = v;
    if (max === undefined || compare(v, max) > 0) max = v;
  }
  // Signed zero as the Parquet spec (and the library) normalise it.
  if (min === 0) min = -0;
  if (max === 0) max = 0;
  return { min_value: min, max_value: max, null_count: BigInt(nulls), nan_count: float ? BigInt(nans) : undefined };
}

function compare(a: unknown, b: unknown): number {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  }
  if (typeof a === 'string' || typeof b === 'string') throw new Error('strings are written as bytes here');
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}
