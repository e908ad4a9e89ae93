// Two capture points in the workbench: "Correlate Two Captures…" on the two-vantage fixtures
// (test/fixtures/two-vantage, real kernel TCP through a router namespace), read off the screen:
// the correlated table's verdict column says, for each connection, what the fixture script did
// to it (facts.json), the four-lifeline diagram draws the selected pair (four lifelines, a
// cross where the router dropped its packet), and clicking a lost-between entry in Problems
// brings that pair to the screen.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { repoRoot } from '../../vscode-server.mjs';
import { shownText } from '../screen.mjs';
import { closeAllEditors, eventually, paletteCommand, waitUntil, webview } from '../workbench.mjs';

export const FILES = { a: 'vantage-a.pcap', b: 'vantage-b.pcap' };
const FIXTURES = join(repoRoot, 'test', 'fixtures', 'two-vantage');
export const FIXTURE_FILES = { [FILES.a]: join(FIXTURES, 'a.pcap'), [FILES.b]: join(FIXTURES, 'b.pcap') };

/** Answers VS Code's own file dialog (a quick input in the browser workbench) with a path. */
async function answerFileDialog(page, path, okLabel) {
  // Wait for this dialog (its OK button's label), not the previous one still closing, and type
  // the name into the listed folder as a user does: a whole path filled at once is sometimes
  // replaced by the dialog's own folder completion before Enter (seen under load).
  const widget = page.locator('.quick-input-widget').filter({ hasText: okLabel });
  await widget.waitFor();
  const input = widget.locator('input').first();
  const dir = dirname(path) + '/';
  await input.fill(dir);
  await page.waitForTimeout(500); // the folder's listing
  await input.pressSequentially(basename(path), { delay: 20 });
  await eventually(async () => assert.equal(await input.inputValue(), path), 10_000);
  await page.waitForTimeout(300);
  await input.press('Enter');
}

/** Visible rows of the correlated table: [{ client, verdict, selected }]. */
async function rowsOnScreen(w) {
  const rows = w.locator('[data-testid="pairs"] tbody tr');
  const out = [];
  for (let i = 0; i < await rows.count(); i++) {
    const r = rows.nth(i);
    const client = await shownText(r.locator('td').nth(3));
    const verdict = await shownText(r.locator('[data-testid="pair-verdict"]'));
    out.push({ client, verdict, selected: /\bselected\b/.test(await r.getAttribute('class') ?? '') });
  }
  return out;
}

export async function correlateScenario(ctx) {
  const { page, steps, ws, titleOf } = ctx;
  const facts = JSON.parse(readFileSync(join(FIXTURES, 'facts.json'), 'utf8'));
  const port = (c) => `:${c.client.port} →`;
  let w = null;
  await steps.run('correlate: the table\'s verdict column says what the fixture script did to each connection', page, async () => {
    await closeAllEditors(page);
    await paletteCommand(page, titleOf('synscope.correlateCaptures'));
    await answerFileDialog(page, join(ws, FILES.a), 'Client-side capture (A)');
    await answerFileDialog(page, join(ws, FILES.b), 'Server-side capture (B)');
    w = webview(page);
    await w.locator('[data-testid="pairs"]').waitFor({ timeout: 60_000 });
    await eventually(async () => {
      const rows = await rowsOnScreen(w);
      assert.equal(rows.length, facts.connections.length, 'one row per connection the script made');
      for (const c of facts.connections) {
        const row = rows.find((r) => r.client?.includes(port(c)));
        assert.ok(row, `no row on screen for ${c.name} (client port ${c.client.port})`);
        assert.equal(row.verdict, c.verdict, c.name);
      }
    }, 15_000);
  });
  if (w) await steps.run('correlate: the four-lifeline diagram of the first lost pair crosses its SYN out between A and B', page, async () => {
    const svg = w.locator('[data-testid="correlate-diagram"] svg');
    await svg.waitFor();
    // SVG text has no innerText: its textContent is what is drawn.
    const lanes = (await svg.locator('text').allTextContents()).map((t) => t.trim());
    for (const lane of ['client', 'A (client side)', 'B (server side)', 'server']) assert.ok(lanes.includes(lane), `lifeline "${lane}" not drawn: ${lanes.join(' | ')}`);
    const selected = (await rowsOnScreen(w)).find((r) => r.selected);
    const first = facts.connections.find((c) => c.name === 'syn-lost-once');
    assert.ok(selected?.client?.includes(port(first)), `the first lost pair (${first.name}) is selected; selected: ${JSON.stringify(selected)}`);
    const cross = svg.locator('.ss-row-syn.ss-row-lost .ss-lost');
    assert.equal(await cross.count(), 1, 'one crossed-out SYN');
    assert.ok(await cross.isVisible(), 'the cross is drawn');
  });
  if (w) await steps.run('correlate: clicking the reset-between entry in Problems shows that pair and its RST', page, async () => {
    const target = facts.connections.find((c) => c.verdict === 'reset-between');
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel').waitFor();
    const entry = page.locator('.markers-panel .monaco-list-row').filter({ hasText: `:${target.client.port} →` }).first();
    await entry.waitFor({ timeout: 20_000 });
    await entry.click();
    await waitUntil(async () => {
      const sel = (await rowsOnScreen(webview(page))).find((r) => r.selected);
      return sel?.client?.includes(port(target));
    }, `the ${target.name} pair selected after the Problems click`, 20_000);
    const rst = webview(page).locator('[data-testid="correlate-diagram"] .ss-row-rst');
    assert.ok(await rst.isVisible(), 'its RST is drawn');
    assert.match((await rst.locator('text').allTextContents()).join(' '), new RegExp(`RST .*seen at A only`));
  });
}
