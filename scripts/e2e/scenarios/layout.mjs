// "Clicking a row shows its diagram inside the viewport": at the two window sizes of issue 22,
// click a flow's row and read, without scrolling, whether the diagram's headline and first
// arrow are inside the webview's visible area. Needs the side-by-side layout (pending.mjs).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkDiagram } from '../expect.mjs';
import { diagramOnScreen } from '../screen.mjs';
import { tsharkFrames } from '../tshark.mjs';
import { eventually } from '../workbench.mjs';

export const SIZES = [[1600, 1000], [1000, 800]];

export async function layoutScenario(ctx, w, name, result, flow, visible) {
  const { page, steps, ws } = ctx;
  const before = page.viewportSize();
  for (const [width, height] of SIZES) {
    await steps.run(`${name}: at ${width}×${height} a clicked row's diagram is in view`, page, async () => {
      await page.setViewportSize({ width, height });
      // Another flow first, so the click has something to change; the page is not scrolled by the test.
      const other = result.flows.find((f) => f.id !== flow.id && visible.has(f.id));
      if (other) await w.locator(`[data-testid="flow-row"][data-flow-id="${other.id}"]`).first().click();
      await w.locator(`[data-testid="flow-row"][data-flow-id="${flow.id}"]`).first().click();
      await eventually(async () => {
        const d = await diagramOnScreen(w);
        checkDiagram(flow, d, { tshark: tsharkFrames(join(ws, name)) });
        assert.ok(d.inView.some((t) => new RegExp(`^Flow ${flow.id}\\b`).test(t)), `the diagram's headline is outside the viewport (diagram top at ${Math.round(d.top)} px of ${d.viewportHeight})`);
        assert.ok(d.inView.some((t) => /^[A-Z]+(?:, [A-Z]+)* Seq=/.test(t)), 'no arrow label of the diagram is inside the viewport');
      });
    });
  }
  if (before) await page.setViewportSize(before);
}
