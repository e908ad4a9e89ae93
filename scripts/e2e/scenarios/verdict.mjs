// "Every sample shows a verdict line": open each sample and read the one-line verdict at the
// top of the editor — rendered, in view without scrolling, not empty. Written ahead of the
// verdict line (pending.mjs: SYNSCOPE_E2E_PENDING=verdict). After that branch merges, set
// SELECTOR to the element it renders, and consider comparing its words with the CLI (the
// flows, findings or story the verdict names).
import assert from 'node:assert/strict';
import { shownText } from '../screen.mjs';
import { eventually } from '../workbench.mjs';
import { openCapture } from './capture.mjs';

export const SELECTOR = '[data-testid="verdict"]';

export async function verdictScenario(ctx, names) {
  const { page, steps } = ctx;
  for (const name of names) {
    await steps.run(`${name}: shows a verdict line`, page, async () => {
      const w = await openCapture(page, name, { allowError: true });
      await w.locator(SELECTOR).first().waitFor({ state: 'attached', timeout: 5_000 });
      await eventually(async () => {
        const text = await shownText(w.locator(SELECTOR));
        assert.ok(text, 'the verdict line is not visible at the top of the editor');
        assert.ok(text.length > 3, `the verdict line reads ${JSON.stringify(text)}`);
      }, 5_000);
    });
  }
}
