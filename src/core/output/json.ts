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

/**
 * The same bytes as `JSON.stringify(result, null, 2) + "\n"`, handed out in pieces of about
 * 1 MiB: one array element at a time, so a result listing many flows never exists as one
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
  const keys = Object.keys(result).filter((k) => isJsonValue((result as unknown as Record<string, unknown>)[k]));
  put('{');
  keys.forEach((k, i) => {
    const v = (result as unknown as Record<string, unknown>)[k];
    put(`${i > 0 ? ',' : ''}\n  ${JSON.stringify(k)}: `);
    if (Array.isArray(v) && v.length > 0) {
      // JSON.stringify writes an element of a top-level array with 4 spaces of indent; strings
      // in JSON never hold a raw newline, so re-indenting after each newline is exact.
      put('[');
      for (let j = 0; j < v.length; j++) {
        const e = v[j] as unknown;
        put(`${j > 0 ? ',' : ''}\n    ${isJsonValue(e) ? indent(JSON.stringify(e, null, 2), '\n    ') : 'null'}`);
      }
      put('\n  ]');
    } else {
      put(indent(JSON.stringify(v, null, 2), '\n  '));
    }
  });
  put(keys.length > 0 ? '\n}\n' : '}\n');
  if (buf) write(buf);
}

function isJsonValue(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

function indent(json: string, by: string): string {
  return json.includes('\n') ? json.replace(/\n/g, by) : json;
}
