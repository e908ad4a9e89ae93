/**
 * Text from a capture or a command line (a file name, a pcapng comment) may hold escape
 * sequences: printed raw, `\x1b]0;…` retitles the terminal and `\x1b[2J` clears it. Every
 * control character (C0, DEL, C1) and every bidi override is shown as a visible escape instead;
 * newlines are kept only where the caller asks.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escape(ch: string): string {
  const c = ch.charCodeAt(0);
  if (ch === '\t') return '\\t';
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  return c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
}

/** `s` with every control character shown as `\xNN` / `\uNNNN` (one line, safe for a terminal). */
export function printable(s: string): string {
  return s.replace(UNSAFE, escape);
}

/** The same, but keeping line breaks (a whole multi-line report). */
export function printableLines(s: string): string {
  return s.replace(UNSAFE_EXCEPT_NEWLINE, escape);
}
