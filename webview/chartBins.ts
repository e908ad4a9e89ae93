/** Pointer position → chart bin, and axis-style offsets (no DOM; unit-tested). */

/** The renderer's plot inset (src/render/chartFrame.ts: x0 = 4, x1 = width − 4). */
export const PAD = 4;

/** Bin under a client x, clamped to the chart. */
export function binAt(clientX: number, box: { left: number; width: number }, viewBoxWidth: number, count: number): number {
  const ux = ((clientX - box.left) / Math.max(1, box.width)) * viewBoxWidth;
  const bw = (viewBoxWidth - 2 * PAD) / Math.max(1, count);
  return Math.max(0, Math.min(count - 1, Math.floor((ux - PAD) / bw)));
}

/** Seconds as a chart axis writes them: "850 ms", "1.2 s", "2.5 min". */
export function offsetText(seconds: number): string {
  if (seconds < 1) return `${Number((seconds * 1000).toPrecision(3))} ms`;
  if (seconds < 120) return `${Number(seconds.toPrecision(3))} s`;
  return `${Number((seconds / 60).toPrecision(3))} min`;
}
