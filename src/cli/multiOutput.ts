/**
 * Copies a capture's finished report (a temporary file written by its worker) into the
 * multi-capture report, a megabyte at a time: the JSON of a large capture is never held whole.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const CHUNK = 1 << 20;

function eachChunk(path: string, fn: (text: string) => void): void {
  const fd = openSync(path, 'r');
  const dec = new StringDecoder('utf8');
  const buf = Buffer.alloc(CHUNK);
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      fn(dec.write(buf.subarray(0, n)));
    }
    fn(dec.end());
  } finally {
    closeSync(fd);
  }
}

/**
 * The file without its final newline, every other line indented by `pad`: a JSON document
 * pretty-printed at depth 0 becomes the same document at the depth `pad` stands for (a JSON
 * string never holds a raw newline, so every newline is between tokens).
 */
export function copyIndented(path: string, pad: string, write: (s: string) => void): void {
  // The last newline is held back until more text shows it was not the last.
  let held = false;
  eachChunk(path, (text) => {
    if (!text) return;
    if (held) write(`\n${pad}`);
    held = text.endsWith('\n');
    const body = held ? text.slice(0, -1) : text;
    write(pad ? body.replace(/\n/g, `\n${pad}`) : body);
  });
}

/** A CSV file's text, without its header line when `skipHeader` (the header never holds a line break). */
export function copyCsvRows(path: string, skipHeader: boolean, write: (s: string) => void): void {
  let skipping = skipHeader;
  eachChunk(path, (text) => {
    if (!skipping) return write(text);
    const nl = text.indexOf('\n');
    if (nl < 0) return;
    skipping = false;
    write(text.slice(nl + 1));
  });
}

export function readJsonFile(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}
