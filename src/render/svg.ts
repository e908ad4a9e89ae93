/**
 * A few string builders for SVG markup. Attribute values and text are always escaped here, so
 * the renderers cannot forget to.
 */
import { escapeXml } from './escape';

export type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue>;

/** Numbers in coordinates: two decimals at most, and never NaN/Infinity in the markup. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return '0';
  return String(Math.round(x * 100) / 100);
}

export function attrs(a: Attrs): string {
  let out = '';
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined || v === null || v === false) continue;
    const value = v === true ? k : typeof v === 'number' ? num(v) : escapeXml(v);
    out += ` ${k}="${value}"`;
  }
  return out;
}

/** An element; `children` is markup already built by these helpers (never raw input). */
export function el(tag: string, a: Attrs, children?: string): string {
  return children === undefined || children === ''
    ? `<${tag}${attrs(a)}/>`
    : `<${tag}${attrs(a)}>${children}</${tag}>`;
}

/** A <text> element whose content is escaped. */
export function text(x: number, y: number, content: string, a: Attrs = {}): string {
  return `<text${attrs({ x, y, ...a })}>${escapeXml(content)}</text>`;
}

/** A <title> (hover tooltip and accessible name) with escaped content. */
export function title(content: string): string {
  return `<title>${escapeXml(content)}</title>`;
}

/** Monospace stack: labels are measured by character count, which only holds for monospace. */
export const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, DejaVu Sans Mono, monospace';
export const SANS = 'system-ui, -apple-system, Segoe UI, Ubuntu, DejaVu Sans, sans-serif';

/** Approximate advance width of one monospace character at `fontSize`. */
export function charWidth(fontSize: number): number {
  return fontSize * 0.6;
}

/** Shortens `s` to `max` characters, keeping its start and end around an ellipsis. */
export function abbreviateMiddle(s: string, max: number): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  if (max <= 1) return '…';
  const head = Math.ceil((max - 1) / 2);
  const tail = max - 1 - head;
  return chars.slice(0, head).join('') + '…' + (tail > 0 ? chars.slice(-tail).join('') : '');
}

/** Shortens `s` to `max` characters, cutting its end. */
export function truncateEnd(s: string, max: number): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  return max <= 1 ? '…' : chars.slice(0, max - 1).join('') + '…';
}

/** Opening tag of a root <svg>, standalone-ready (xmlns) with an accessible role. */
export function svgOpen(width: number, height: number, a: Attrs): string {
  return `<svg${attrs({
    xmlns: 'http://www.w3.org/2000/svg',
    width: Math.ceil(width),
    height: Math.ceil(height),
    viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`,
    role: 'img',
    ...a,
  })}>`;
}

/** Greedy word wrap to `max` characters per line; beyond `maxLines` the last line ends in "…". */
export function wrapWords(s: string, max: number, maxLines: number): string[] {
  const width = Math.max(4, max);
  const lines: string[] = [];
  let cur = '';
  for (const word of s.split(/\s+/).filter(Boolean)) {
    let w = word;
    while (Array.from(w).length > width) {
      if (cur) { lines.push(cur); cur = ''; }
      lines.push(Array.from(w).slice(0, width).join(''));
      w = Array.from(w).slice(width).join('');
    }
    const next = cur ? `${cur} ${w}` : w;
    if (Array.from(next).length > width) { lines.push(cur); cur = w; } else cur = next;
  }
  if (cur) lines.push(cur);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = truncateEnd(`${kept[maxLines - 1]} ${lines[maxLines]}`, width - 1) .replace(/…?$/, '…');
  return kept;
}
