// "Clicking a row shows its diagram inside the viewport": at the two window sizes of issue 22,
// click a flow's row and read, without scrolling, whether the diagram's headline and its
// handshake arrows (SYN, SYN-ACK, ACK labels) are inside the webview's visible area. Needs the
// side-by-side layout (pending.mjs).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkDiagram, readArrows } from '../expect.mjs';
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
      // The window as a user opens it: the editor alone, no panel left open by an earlier step
      // (an open Problems panel halves the editor's height).
      if (await page.locator('.part.panel').isVisible().catch(() => false)) {
        // The panel's own "Hide Panel (Ctrl+J)" button (named "Close Panel" in older VS Code).
        await page.locator('.part.panel .action-label[aria-label^="Hide Panel"], .part.panel .action-label[aria-label^="Close Panel"]').first().click();
        await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 5_000 });
      }
      // From the top of the editor, as after opening the capture; the test scrolls nothing
      // afterwards (the click may scroll its row into view, as a user's would).
      await w.locator('body').evaluate(() => { scrollTo(0, 0); document.scrollingElement.scrollTop = 0; });
      // Another flow first, so the click has something to change.
      const other = result.flows.find((f) => f.id !== flow.id && visible.has(f.id));
      if (other) await w.locator(`[data-testid="flow-row"][data-flow-id="${other.id}"]`).first().click();
      await w.locator(`[data-testid="flow-row"][data-flow-id="${flow.id}"]`).first().click();
      await eventually(async () => {
        const d = await diagramOnScreen(w);
        checkDiagram(flow, d, { tshark: tsharkFrames(join(ws, name)) });
        assert.ok(d.inView.some((t) => new RegExp(`^Flow ${flow.id}\\b`).test(t)), `the diagram's headline is outside the viewport (diagram top at ${Math.round(d.top)} px of ${d.viewportHeight})`);
        // The handshake itself (SYN, SYN-ACK, ACK frames the CLI names) must be readable in view.
        const hs = flow.handshake;
        const arrows = readArrows(d);
        for (const ref of [hs.syn, hs.synAck, hs.ack].filter(Boolean)) {
          const i = arrows.findIndex((a) => a.frame === ref.packet);
          assert.ok(i >= 0 && d.arrows[i].inView.some((t) => t === arrows[i].label), `the arrow of frame ${ref.packet} is outside the viewport (diagram top at ${Math.round(d.top)} px of ${d.viewportHeight})`);
        }
      });
    });
  }
  if (before) await page.setViewportSize(before);
}
