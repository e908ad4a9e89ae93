/**
 * Which rows of a long list are on screen. Pure arithmetic (unit-tested without a DOM).
 * Browsers cap an element's height (Chromium at ~33.5 M px), so beyond `maxPx` the scroll
 * range is scaled: the scrollbar then maps proportionally onto the rows instead of 1 px = 1 px.
 */

export interface ScrollGeometry {
  total: number;
  rowHeight: number;
  viewportHeight: number;
  /** Largest spacer height we let the browser handle. */
  maxPx: number;
}

export interface VisibleWindow {
  /** First row (partly) visible. */
  first: number;
  /** Rows to render from `first` (covers the viewport, bounded by total). */
  count: number;
  /** Height of the scroll spacer. */
  spacerHeight: number;
  /** Pixel offset (within the spacer) where row `first` is drawn. */
  firstTop: number;
}

export function spacerHeight(g: ScrollGeometry): number {
  return Math.min(g.total * g.rowHeight, g.maxPx);
}

/** Position of the first visible row, in rows (fractional), for a scrollTop. */
function firstRowAt(scrollTop: number, g: ScrollGeometry): number {
  const natural = g.total * g.rowHeight;
  if (natural <= g.maxPx) return scrollTop / g.rowHeight;
  const scrollRange = g.maxPx - g.viewportHeight;
  const rowRange = g.total - g.viewportHeight / g.rowHeight;
  if (scrollRange <= 0 || rowRange <= 0) return 0;
  return (Math.min(Math.max(scrollTop, 0), scrollRange) / scrollRange) * rowRange;
}

export function visibleWindow(scrollTop: number, g: ScrollGeometry): VisibleWindow {
  const exact = Math.max(0, firstRowAt(Math.max(0, scrollTop), g));
  const first = Math.min(Math.floor(exact), Math.max(0, g.total - 1));
  const count = Math.max(0, Math.min(g.total - first, Math.ceil(g.viewportHeight / g.rowHeight) + 1));
  const firstTop = Math.max(0, scrollTop) - (exact - first) * g.rowHeight;
  return { first: g.total === 0 ? 0 : first, count: g.total === 0 ? 0 : count, spacerHeight: spacerHeight(g), firstTop };
}

/**
 * scrollTop that brings `row` fully into view with the least movement (unchanged when it is
 * already visible).
 */
export function scrollTopToReveal(row: number, scrollTop: number, g: ScrollGeometry): number {
  const natural = g.total * g.rowHeight;
  const visibleRows = g.viewportHeight / g.rowHeight;
  const exact = firstRowAt(scrollTop, g);
  let targetFirst = exact;
  if (row < exact) targetFirst = row;
  else if (row + 1 > exact + visibleRows) targetFirst = row + 1 - visibleRows;
  else return scrollTop;
  if (natural <= g.maxPx) return Math.max(0, targetFirst * g.rowHeight);
  const scrollRange = g.maxPx - g.viewportHeight;
  const rowRange = g.total - visibleRows;
  if (rowRange <= 0) return 0;
  return Math.max(0, Math.min(scrollRange, (targetFirst / rowRange) * scrollRange));
}
