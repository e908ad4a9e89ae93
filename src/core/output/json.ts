/** The JSON contract as the CLI prints it (docs/json-output.md, docs/synscope.schema.json). */
import type { AnalysisResult } from '../engine/result';
import type { FlowList } from '../store/flowList';

export function formatJson(result: AnalysisResult): string {
  let out = '';
  writeJson(result, (s) => {
    out += s;
  });
  return out;
}

/** Pieces are gathered up to this size before being handed on. */
const CHUNK_CHARS = 1 << 20;
/**
 * Array elements stringified per JSON.stringify call: 32 listed flows are about 70 kB of JSON,
 * strings small enough for the young generation, where they die at no cost (256 flows, 550 kB,
 * went to the old generation's large objects, 22 MB of them on the 1 GiB bench mix, and its
 * collections followed).
 */
const BATCH = 32;

/**
 * The same bytes as `JSON.stringify(result, null, 2) + "\n"`, handed out in pieces of about
 * 1 MiB, BATCH array elements stringified at a time, so a result listing many flows never exists as one
 * string (tens of MB on a large capture, plus its copy as a Buffer when written).
 */
export function writeJson(result: AnalysisResult, write: (s: string) => void): void {
  let buf = '';
  jsonPieces(result, (s, from, to) => {
    buf += from === 0 && to === s.length ? s : s.slice(from, to);
    if (buf.length >= CHUNK_CHARS) {
      write(buf);
      buf = '';
    }
  });
  if (buf) write(buf);
}

/** Bytes of a piece writeJsonBytes hands out (about: a longer piece of text goes out alone). */
const CHUNK_BYTES = 1 << 20;

/**
 * writeJson's bytes as UTF-8, for a file or a pipe: each piece of text is encoded straight into
 * a buffer of about 1 MiB, handed out when full (a new one each time: `write` may keep it).
 * writeJson's way, gathering the pieces into a string of 1 MiB that the write then flattens and
 * encodes, made two more copies of the text than this (on the 1 GiB bench mix, 22 MB of JSON:
 * 45 MB of strings, each too large for the young generation, so they went to the old one and
 * brought on its collections).
 *
 * `flows`: the listed flows as a list that builds each when asked (Analyzer.flowList), written
 * in place of result.flows: built a batch at a time as they are written, they die young, where
 * 10,000 Flow objects built at the end of the analysis lived until the JSON was written, long
 * enough to be copied into the old generation.
 */
export function writeJsonBytes(result: AnalysisResult, write: (b: Uint8Array) => void, flows?: FlowList): void {
  let buf = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  let used = 0;
  const flush = (): void => {
    if (used > 0) write(buf.subarray(0, used));
    buf = Buffer.allocUnsafeSlow(CHUNK_BYTES);
    used = 0;
  };
  jsonPieces(result, (s, from, to) => {
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    if (3 * s.length > CHUNK_BYTES - used) {
      flush();
      if (3 * s.length > CHUNK_BYTES) {
        const b = Buffer.from(s, 'utf8');
        // What is cut off either end is ASCII: as many bytes as characters.
        write(b.subarray(from, b.length - (s.length - to)));
        return;
      }
    }
    const n = buf.write(s, used, 'utf8');
    if (from > 0 || to < s.length) buf.copyWithin(used, used + from, used + n - (s.length - to));
    used += n - from - (s.length - to);
  }, flows);
  if (used > 0) write(buf.subarray(0, used));
}

/**
 * The JSON text of `result` in order, as pieces: characters from..to of s (s is cut only where
 * it is ASCII). `flows`: the listed flows, written in place of result.flows.
 */
function jsonPieces(result: AnalysisResult, put: (s: string, from: number, to: number) => void, flows?: FlowList): void {
  const whole = (s: string): void => put(s, 0, s.length);
  const obj = result as unknown as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => isJsonValue(obj[k]));
  whole('{');
  keys.forEach((k, i) => {
    const v = obj[k];
    let open = false;
    const batches = k === 'flows' && flows ? batchesOf(flows) : Array.isArray(v) ? batchesOf(v) : [];
    for (const batch of batches) {
      if (open) whole(',');
      else whole(`${i > 0 ? ',' : ''}\n  ${JSON.stringify(k)}: [`);
      open = true;
      // JSON.stringify([[a, b]], null, 2) is "[\n  [" + the elements with exactly the indent
      // they have in the whole document + "\n  ]\n]": cut out the middle, batch by batch.
      const s = JSON.stringify([batch], null, 2);
      put(s, 5, s.length - 6);
    }
    if (open) {
      whole('\n  ]');
    } else {
      // {"k": v} as a whole object, without its outer braces: the member at depth 1.
      const s = JSON.stringify({ [k]: k === 'flows' && flows ? [] : v }, null, 2);
      whole(i > 0 ? ',\n' : '\n');
      put(s, 2, s.length - 2);
    }
  });
  whole(keys.length > 0 ? '\n}\n' : '}\n');
}

/** The list's elements, BATCH at a time (none empty; positions holding nothing are left out). */
function* batchesOf(list: FlowList | readonly unknown[]): Generator<unknown[]> {
  let batch: unknown[] = [];
  for (let i = 0; i < list.length; i++) {
    const x = Array.isArray(list) ? list[i] : (list as FlowList).at(i);
    if (x === undefined && !Array.isArray(list)) continue;
    batch.push(x);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function isJsonValue(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}
