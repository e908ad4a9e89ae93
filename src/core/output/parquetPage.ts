/**
 * hyparquet-writer's writeDataPageV2 for a flat column's one page, the same bytes, with PLAIN
 * values written into one array of their exact size: the library appends each value through a
 * ByteWriter that starts at 1 KB and doubles (every page copied about twice) and wraps each
 * string in a new view to copy it. Other encodings (dictionary indexes, booleans) go to the
 * library's function as they did.
 */
import { ByteWriter } from 'hyparquet-writer';
import { writeDataPageV2, writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';

type Encoder = Parameters<typeof writeDataPageV2>[0]['column'];
type Encoding = Parameters<typeof writeDataPageV2>[0]['encoding'];

/** Bytes of the page's uncompressed size, as writeDataPageV2 returns it. */
export function writeFlatPage(writer: Parameters<typeof writeDataPageV2>[0]['writer'], column: Encoder, encoding: Encoding,
  values: ArrayLike<unknown>, definitionLevels: number[], maxDefinitionLevel: number): number {
  const type = column.element.type;
  const plain = encoding === 'PLAIN' ? plainBytes(values, type) : undefined;
  if (!plain) {
    return writeDataPageV2({ writer, column, encoding, pageData: { values: values as never, definitionLevels, repetitionLevels: [], maxDefinitionLevel } });
  }
  const levels = new ByteWriter();
  let nulls = 0;
  let levelBytes = 0;
  if (maxDefinitionLevel) {
    for (let i = 0; i < definitionLevels.length; i++) if (definitionLevels[i] < maxDefinitionLevel) nulls++;
    levelBytes = writeRleBitPackedHybrid(levels, definitionLevels, Math.ceil(Math.log2(maxDefinitionLevel + 1)));
  }
  const { codec, compressors } = column;
  const compressed = compressors[codec]?.(plain) ?? plain;
  const headerStart = writer.offset;
  writePageHeader(writer, {
    type: 'DATA_PAGE_V2',
    uncompressed_page_size: levels.offset + plain.length,
    compressed_page_size: levels.offset + compressed.length,
    data_page_header_v2: {
      num_values: definitionLevels.length || values.length,
      num_nulls: nulls,
      num_rows: values.length,
      encoding,
      definition_levels_byte_length: levelBytes,
      repetition_levels_byte_length: 0,
      is_compressed: !!codec,
    },
  });
  const headerSize = writer.offset - headerStart;
  writer.appendBytes(levels.getBytes());
  writer.appendBytes(compressed);
  return headerSize + levels.offset + plain.length;
}

/**
 * The PLAIN encoding of the non-null values (writePlain's bytes), or undefined for a type or a
 * value this does not write (the library then writes it, or says what is wrong with it).
 */
function plainBytes(values: ArrayLike<unknown>, type: string | undefined): Uint8Array | undefined {
  let n = 0;
  let bytes = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    n++;
    if (type === 'BYTE_ARRAY') {
      if (!(v instanceof Uint8Array)) return undefined;
      bytes += 4 + v.length;
    }
  }
  switch (type) {
    case 'INT32': case 'INT64': case 'DOUBLE': bytes = n * (type === 'INT32' ? 4 : 8); break;
    case 'BYTE_ARRAY': break;
    default: return undefined;
  }
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (type === 'BYTE_ARRAY') {
      const b = v as Uint8Array;
      view.setUint32(at, b.length, true);
      out.set(b, at + 4);
      at += 4 + b.length;
    } else if (type === 'INT32') {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < -2147483648 || v > 2147483647) return undefined;
      view.setInt32(at, v, true);
      at += 4;
    } else if (type === 'INT64') {
      if (typeof v !== 'bigint') return undefined;
      view.setBigInt64(at, v, true);
      at += 8;
    } else {
      if (typeof v !== 'number') return undefined;
      view.setFloat64(at, v, true);
      at += 8;
    }
  }
  return out;
}
