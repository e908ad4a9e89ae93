/** The JSON contract as the CLI prints it (docs/json-output.md, docs/synscope.schema.json). */
import type { AnalysisResult } from '../engine/result';

export function formatJson(result: AnalysisResult): string {
  let out = '';
  writeJson(result, (s) => {
    out += s;
  });
  return out;
}

/** Pieces are gathered up to this size before being handed on. */
const CHUNK_CHARS = 1 << 20;
/** Array elements stringified per JSON.stringify call. */
const BATCH = 256;

/**
 * The same bytes as `JSON.stringify(result, null, 2) + "\n"`, handed out in pieces of about
 * 1 MiB, 256 array elements at a time, so a result listing many flows never exists as one
 * string (tens of MB on a large capture, plus its copy as a Buffer when written).
 */
export function writeJson(result: AnalysisResult, write: (s: string) => void): void {
  let buf = '';
  const put = (s: string): void => {
    buf += s;
    if (buf.length >= CHUNK_CHARS) {
      write(buf);
      buf = '';
    }
  };
  const obj = result as unknown as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => isJsonValue(obj[k]));
  put('{');
  keys.forEach((k, i) => {
    const v = obj[k];
    if (Array.isArray(v) && v.length > 0) {
      put(`${i > 0 ? ',' : ''}\n  ${JSON.stringify(k)}: [`);
      // JSON.stringify([[a, b]], null, 2) is "[\n  [" + the elements with exactly the indent
      // they have in the whole document + "\n  ]\n]": cut out the middle, batch by batch.
      for (let j = 0; j < v.length; j += BATCH) {
        const s = JSON.stringify([v.slice(j, j + BATCH)], null, 2);
        put(`${j > 0 ? ',' : ''}${s.slice(5, s.length - 6)}`);
      }
      put('\n  ]');
    } else {
      // {"k": v} as a whole object, without its outer braces: the member at depth 1.
      const s = JSON.stringify({ [k]: v }, null, 2);
      put(`${i > 0 ? ',' : ''}\n${s.slice(2, s.length - 2)}`);
    }
  });
  put(keys.length > 0 ? '\n}\n' : '}\n');
  if (buf) write(buf);
}

function isJsonValue(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

