// Export from the command palette, as a user does, and check the file it writes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { paletteCommand, waitUntil } from '../workbench.mjs';

/** Findings in an exported JSON / SARIF document. */
function exportedFindings(doc) {
  if (Array.isArray(doc)) return doc.length;
  if (Array.isArray(doc.findings)) return doc.findings.length;
  if (Array.isArray(doc.runs)) return doc.runs.reduce((n, r) => n + (r.results?.length ?? 0), 0);
  throw new Error(`no findings in the export: keys ${Object.keys(doc).join(', ')}`);
}

export async function exportScenario(ctx, name, result) {
  const { page, steps, ws, titleOf } = ctx;
  await steps.run(`${name}: export findings (SARIF) from F1`, page, async () => {
    await paletteCommand(page, titleOf('synscope.exportFindings'));
    const input = page.locator('.quick-input-widget input');
    // Format picker first, then the save dialog: in the web workbench that is the simple file
    // dialog, a quick input that fills in the suggested path by itself (typing over it races
    // its autocompletion). A user accepts the suggestion with Enter; so do we.
    const sarif = page.locator('.quick-input-list .monaco-list-row', { hasText: /SARIF/i }).first();
    await sarif.waitFor({ timeout: 10_000 });
    // Pick it from the keyboard (filter, Enter), as a user can: a click once waited 30 s for the
    // row to become clickable while the picker was still settling.
    await input.fill('SARIF');
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: /SARIF/i }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    const target = await waitUntil(async () => {
      const v = await input.inputValue();
      return v.startsWith(ws) && v.endsWith('.sarif') ? v : false;
    }, 'the save dialog to suggest a .sarif file in the workspace');
    assert.ok(!existsSync(target), `${target} exists before the export`);
    await page.keyboard.press('Enter');
    // The simple dialog asks before overwriting; a fresh workspace has no such file.
    await waitUntil(() => existsSync(target), `${target} to be written`);
    const doc = await waitUntil(() => { try { return JSON.parse(readFileSync(target, 'utf8')); } catch { return false; } }, 'a complete JSON file');
    assert.equal(exportedFindings(doc), result.findings.length, 'findings in the export vs the CLI');
  });
}
