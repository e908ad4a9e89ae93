// What the synscope webview shows, read the way a user reads it: the text of the elements that
// are rendered (laid out with a size, not hidden, not transparent, inside the visible part of
// their scroll box), and the geometry of what is drawn. Test ids only say where to look; every
// value the checks compare comes from the screen, so an empty cell, an arrow that is not drawn
// or a number in the wrong place fails even when the data-* attributes are right.

/**
 * In-page helpers (serialised into the webview with `evaluate`): `shown(el)` says whether a
 * user can see the element, `clipOf(el)` is the part of the webview it is visible in.
 */
const IN_PAGE = `
const alpha = (c) => { const m = /rgba?\\(([^)]+)\\)/.exec(c || ''); if (!m) return c === 'transparent' || c === 'none' || !c ? 0 : 1; const p = m[1].split(/[ ,\\/]+/).filter(Boolean); return p.length > 3 ? Number(p[3].replace('%', '')) / (p[3].endsWith('%') ? 100 : 1) : 1; };
// win: false leaves out the webview's own viewport (only the element's scroll boxes clip it):
// what a user sees after scrolling the page to it.
const clipOf = (el, win = true) => {
  let r = win ? { top: 0, left: 0, bottom: innerHeight, right: innerWidth } : { top: -Infinity, left: -Infinity, bottom: Infinity, right: Infinity };
  for (let p = el.parentElement; p; p = p.parentElement) {
    const cs = getComputedStyle(p);
    if (/(auto|scroll|hidden|clip)/.test(cs.overflowY + cs.overflowX)) {
      const b = p.getBoundingClientRect();
      r = { top: Math.max(r.top, b.top), left: Math.max(r.left, b.left), bottom: Math.min(r.bottom, b.bottom), right: Math.min(r.right, b.right) };
    }
  }
  return r;
};
const inClip = (b, c) => b.bottom > c.top + 1 && b.top < c.bottom - 1 && b.right > c.left + 1 && b.left < c.right - 1;
const shown = (el, { text = true, clip = true, win = true } = {}) => {
  if (!el || !el.isConnected) return false;
  if (el.checkVisibility && !el.checkVisibility({ opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true })) return false;
  const b = el.getBoundingClientRect();
  if (b.width < 1 || b.height < 1) return false;
  const cs = getComputedStyle(el);
  if (text && parseFloat(cs.fontSize) < 4) return false;
  if (text && el instanceof SVGElement) { if (alpha(cs.fill) === 0 && alpha(cs.stroke) === 0) return false; }
  else if (text && alpha(cs.color) === 0) return false;
  return !clip || inClip(b, clipOf(el, win));
};
const textOf = (el) => (el instanceof SVGElement ? el.textContent : el.innerText).replace(/\\s+/g, ' ').trim();
`;

/** Runs `body` (a function source using the helpers above) on `root` inside the webview. */
function inPage(locator, body, arg) {
  // eslint-disable-next-line no-new-func
  return locator.evaluate(new Function('root', 'arg', `${IN_PAGE}\nreturn (${body})(root, arg);`), arg);
}

/**
 * The flow table as shown: the column headers (their sort key when they carry one, else their
 * text) and, for every row inside the table's visible area, the text of each cell — null for a
 * cell the user cannot see (a column hidden when the table is narrow). The table's own scroll
 * box clips; the webview's viewport does not (the user scrolls the page to the table).
 */
export async function tableOnScreen(w) {
  return inPage(w.locator('body'), `(root) => {
    const heads = [...root.querySelectorAll('[role="columnheader"]')].map((h) => ({
      key: h.getAttribute('data-sort'), title: textOf(h).replace(/[▲▼]/g, '').trim(), shown: shown(h, { win: false }),
    }));
    const rows = [...root.querySelectorAll('[role="row"]')].filter((r) => r.querySelector('[role="gridcell"]') && shown(r, { text: false, win: false }));
    return {
      heads,
      rows: rows.map((r) => ({
        flowIdAttr: r.getAttribute('data-flow-id'),
        selected: r.getAttribute('aria-selected') === 'true',
        cells: [...r.querySelectorAll('[role="gridcell"]')].map((c) => (shown(c, { win: false }) ? textOf(c) : null)),
      })),
    };
  }`);
}

/**
 * The sequence diagram as drawn: its visible text lines, and per arrow the texts next to it
 * (frame number, Wireshark-style label) and where its drawn line and head are relative to the
 * two lifelines. Null when no diagram is on screen.
 */
export async function diagramOnScreen(w) {
  const svg = w.locator('svg[data-testid="sequence-diagram"]').first();
  if (await svg.count() === 0) return null;
  return inPage(svg, `(svg) => {
    // Drawn, whether or not scrolled into view: a tall diagram is read by scrolling.
    const texts = (el) => [...el.querySelectorAll('text')].filter((t) => shown(t, { clip: false })).map(textOf).filter(Boolean);
    const drawn = (el) => {
      const cs = getComputedStyle(el);
      const sw = parseFloat(cs.strokeWidth) || 0;
      return (alpha(cs.stroke) > 0 && cs.stroke !== 'none' && sw > 0) || (alpha(cs.fill) > 0 && cs.fill !== 'none' && el.tagName !== 'line');
    };
    const box = (el) => el.getBoundingClientRect();
    const centreX = (sel) => { const e = svg.querySelector(sel); if (!e || !shown(e, { text: false, clip: false })) return null; const b = box(e); return b.left + b.width / 2; };
    let clientX = centreX('[data-testid="endpoint-client"]');
    let serverX = centreX('[data-testid="endpoint-server"]');
    const arrows = [...svg.querySelectorAll('[data-testid="arrow"]')].map((g) => {
      const shapes = [...g.querySelectorAll('line, path, polyline, polygon')].filter((s) => shown(s, { text: false, clip: false }) && drawn(s)).map(box);
      return {
        texts: texts(g),
        // The same texts, only those inside the webview's visible area now (no scrolling).
        inView: [...g.querySelectorAll('text')].filter((t) => shown(t)).map(textOf).filter(Boolean),
        shapes: shapes.map((b) => ({ left: b.left, right: b.right, top: b.top, bottom: b.bottom })),
      };
    });
    const allShapes = arrows.flatMap((a) => a.shapes);
    if (clientX === null && allShapes.length) clientX = Math.min(...allShapes.map((b) => b.left));
    if (serverX === null && allShapes.length) serverX = Math.max(...allShapes.map((b) => b.right));
    const b = box(svg);
    const clip = clipOf(svg);
    return {
      shown: shown(svg, { text: false, clip: false }),
      // Where the diagram sits in the webview's visible area (the layout checks).
      top: b.top, bottom: b.bottom, viewportHeight: innerHeight, clip,
      inView: [...svg.querySelectorAll('text')].filter((t) => shown(t)).map(textOf).filter(Boolean),
      texts: texts(svg), clientX, serverX, arrows,
    };
  }`);
}

/** The visible text of an element (innerText: what is rendered), or null when it is not shown. */
export async function shownText(locator) {
  if (await locator.count() === 0) return null;
  return inPage(locator.first(), '(el) => (shown(el, { text: false }) ? textOf(el) : null)');
}
