/**
 * Drag across the SYN chart to list the flows that started in that stretch of time. The chart
 * is an SVG from src/render (plot from x = 4 to width − 4 in its viewBox, one bar per bin), so
 * a pointer position maps to a bin without the renderer's help.
 */
import { PAD, binAt, offsetText } from './chartBins';
import { h } from './dom';

export interface Bins {
  /** Epoch seconds (decimal string) of the first bin's start. */
  start: string;
  binSeconds: number;
  count: number;
}

export function attachRangeSelect(figure: HTMLElement, svg: SVGSVGElement, bins: Bins, onRange: (from: number, to: number, label: string) => void): void {
  const vbWidth = svg.viewBox.baseVal?.width || svg.getBoundingClientRect().width;
  const band = h('div', { class: 'range-band', 'aria-hidden': 'true' });
  band.hidden = true;
  figure.classList.add('range-select');
  figure.title = 'Drag across the chart to list the flows that started then';
  figure.append(band);
  const start = Number(bins.start);
  let anchor: number | null = null;
  const span = (a: number, b: number): [number, number] => [Math.min(a, b), Math.max(a, b)];
  const show = (a: number, b: number): void => {
    const box = svg.getBoundingClientRect();
    const fig = figure.getBoundingClientRect();
    const [lo, hi] = span(a, b);
    const scale = box.width / vbWidth;
    const bw = ((vbWidth - 2 * PAD) / bins.count) * scale;
    band.style.left = `${box.left - fig.left + PAD * scale + lo * bw}px`;
    band.style.width = `${Math.max(2, (hi - lo + 1) * bw)}px`;
    band.style.top = `${box.top - fig.top}px`;
    band.style.height = `${box.height}px`;
    band.hidden = false;
  };
  svg.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    anchor = binAt(e.clientX, svg.getBoundingClientRect(), vbWidth, bins.count);
    svg.setPointerCapture(e.pointerId);
    show(anchor, anchor);
    e.preventDefault();
  });
  svg.addEventListener('pointermove', (e) => {
    if (anchor === null) return;
    show(anchor, binAt(e.clientX, svg.getBoundingClientRect(), vbWidth, bins.count));
  });
  const finish = (e: PointerEvent): void => {
    if (anchor === null) return;
    const [lo, hi] = span(anchor, binAt(e.clientX, svg.getBoundingClientRect(), vbWidth, bins.count));
    anchor = null;
    band.hidden = true;
    const from = lo * bins.binSeconds;
    const to = (hi + 1) * bins.binSeconds;
    onRange(start + from, start + to, `started ${offsetText(from)} – ${offsetText(to)} into the capture`);
  };
  svg.addEventListener('pointerup', finish);
  svg.addEventListener('pointercancel', () => {
    anchor = null;
    band.hidden = true;
  });
}
