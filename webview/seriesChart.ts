/**
 * A listener's handshake-time series as SVG built with DOM calls (numbers only: no capture
 * string reaches it): server time per bin on a log scale, change points as markers. Small in a
 * table row; large, with axis labels and clickable change points, for the selected listener.
 */
import type { ChangePointJson, HealthRow } from '../src/core/listeners/types';
import { fmtDuration } from './format';

const NS = 'http://www.w3.org/2000/svg';

function el(tag: string, attrs: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export interface ChartOptions {
  width: number;
  height: number;
  /** Labels and clickable change points (the large chart). */
  detailed?: boolean;
  onChangePoint?: (c: ChangePointJson) => void;
}

export function seriesChart(row: HealthRow, o: ChartOptions): SVGSVGElement {
  const s = row.series;
  const pad = o.detailed ? { l: 56, r: 8, t: 8, b: 18 } : { l: 1, r: 1, t: 2, b: 2 };
  const svg = el('svg', { width: o.width, height: o.height, viewBox: `0 0 ${o.width} ${o.height}`, class: o.detailed ? 'series-chart large' : 'series-chart', role: 'img' }) as SVGSVGElement;
  const n = Math.max(1, s.serverTime.length);
  const values = [...s.serverTime, ...s.clientTime].filter((v): v is number => v !== null && v > 0);
  const lo = Math.log10(Math.min(...values, 1e-3));
  const hi = Math.log10(Math.max(...values, 1e-3));
  const span = Math.max(hi - lo, 0.3);
  const w = o.width - pad.l - pad.r;
  const hgt = o.height - pad.t - pad.b;
  const x = (bin: number): number => pad.l + (n === 1 ? w / 2 : (bin / (n - 1)) * w);
  const y = (v: number): number => pad.t + hgt - ((Math.log10(v) - lo) / span) * hgt;
  const line = (vals: (number | null)[], cls: string): void => {
    let d = '';
    let pen = false;
    vals.forEach((v, i) => {
      if (v === null || !(v > 0)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    if (d) svg.append(el('path', { d, class: cls, fill: 'none' }));
  };
  if (o.detailed) line(s.clientTime, 'series-client');
  line(s.serverTime, 'series-server');
  for (const c of row.changePoints) {
    const cx = x(c.bin - s.firstBin - 0.5);
    const mark = el('line', { x1: cx, x2: cx, y1: pad.t, y2: pad.t + hgt, class: `series-change metric-${c.metric}` });
    svg.append(mark);
    if (o.detailed && o.onChangePoint) {
      const hit = el('rect', { x: cx - 6, y: pad.t, width: 12, height: hgt, class: 'series-change-hit', tabindex: 0, role: 'button', 'data-testid': 'change-point' });
      const title = el('title', {});
      title.textContent = describeChange(c);
      hit.append(title);
      const go = (): void => o.onChangePoint!(c);
      hit.addEventListener('click', go);
      hit.addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Enter' && go());
      svg.append(hit);
    }
  }
  if (o.detailed) {
    const label = (text: string, lx: number, ly: number, anchor: string): void => {
      const t = el('text', { x: lx, y: ly, 'text-anchor': anchor, class: 'series-label' });
      t.textContent = text;
      svg.append(t);
    };
    label(fmtDuration(10 ** hi), pad.l - 4, pad.t + 10, 'end');
    label(fmtDuration(10 ** lo), pad.l - 4, pad.t + hgt, 'end');
    label('+0 s', pad.l, o.height - 4, 'start');
    label(`+${n} bins`, o.width - pad.r, o.height - 4, 'end');
  }
  return svg;
}

export function describeChange(c: ChangePointJson): string {
  const what = c.metric === 'acceptRate'
    ? `accept rate ${(c.before * 100).toFixed(0)}% → ${(c.after * 100).toFixed(0)}%`
    : `${c.metric === 'serverTime' ? 'server time' : 'client time'} ${fmtDuration(c.before)} → ${fmtDuration(c.after)}`;
  return `${what} at +${c.offset.toFixed(0)} s`;
}
