// "Within a second the first flows appear while the rest is still being read": a capture large
// enough to take seconds (seeded, from src/gen), opened through Quick Open. The check is
// behavioural — flow rows are on screen while the status still says the capture is being read.
// The times are printed and kept in test-results/first-rows.json, not asserted (this machine is
// shared; no test here depends on its speed), with the moment the webview's document arrived:
// before it the time is VS Code's (creating the webview), after it ours.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../vscode-server.mjs';
import { closeAllEditors, quickOpen, waitUntil, webview } from '../workbench.mjs';

const NAME = 'large-mix.pcap';

/**
 * Writes the seeded mix into the workspace and returns its path. Called before the server
 * starts, so Quick Open's file index already holds it. 600 MB take the worker ~6 s here against
 * the ~1.5 s VS Code needs to create the webview: room for a slower machine before the check
 * could only see a finished analysis.
 */
export function generateLargeCapture(ws, size = process.env.SYNSCOPE_E2E_LARGE ?? '600MB') {
  const out = join(ws, NAME);
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/bench/gen-capture.mjs'), 'bulk', out, '--size', size, '--seed', '7'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gen-capture failed: ${r.stderr}`);
  return out;
}

export async function firstRowsScenario(ctx, large) {
  const { page, steps } = ctx;
  await steps.run(`${NAME}: first flow rows appear while the capture is still being read`, page, async () => {
    await closeAllEditors(page);
    const w = webview(page);
    const openedAt = await quickOpen(page, NAME);
    const status = w.locator('[data-testid="status"]');
    await w.locator('[data-testid="flow-row"]').first().waitFor({ state: 'attached', timeout: 60_000 });
    const statusThen = await status.innerText();
    const rowsThen = await w.locator('[data-testid="flow-row"]').count();
    // Epoch milliseconds from the webview's own clock (same machine): when its document arrived
    // (VS Code's part of the wait ends there) and when the first rows went into the table.
    const at = await w.locator('body').evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const rows = performance.getEntriesByName('synscope:first-rows')[0];
      return { document: performance.timeOrigin + (nav?.responseEnd ?? 0), rows: rows ? performance.timeOrigin + rows.startTime : null };
    });
    assert.ok(at.rows !== null, 'the webview drew rows but set no synscope:first-rows mark');
    await waitUntil(async () => /done/i.test(await status.innerText({ timeout: 1000 })), `"Done" for ${NAME}`, 120_000);
    const t = {
      file: NAME, bytes: statSync(large).size,
      firstRowsMs: Math.round(at.rows - openedAt), webviewDocumentMs: Math.round(at.document - openedAt), doneMs: Date.now() - openedAt,
      statusAtFirstRows: statusThen, rowsAtFirstRows: rowsThen,
    };
    writeFileSync(join(steps.outDir, 'first-rows.json'), `${JSON.stringify(t, null, 2)}\n`);
    console.log(`    from the Quick Open click: webview document ${t.webviewDocumentMs} ms (VS Code), first ${rowsThen} rows ${t.firstRowsMs} ms, Done ${t.doneMs} ms; status at first rows: "${statusThen}"`);
    assert.ok(!/done/i.test(statusThen), `the first rows only appeared once the analysis was done (status "${statusThen}"): nothing streamed while reading`);
  });
  await closeAllEditors(page);
}
