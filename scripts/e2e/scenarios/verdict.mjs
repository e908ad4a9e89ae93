// "Every sample shows a verdict line": open each sample and read the one-line verdict at the
// top of the editor — rendered, in view without scrolling, not empty. SELECTOR is the <p>
// webview/main.ts renders the verdict into (src/core/stories/verdict.ts words it).
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
