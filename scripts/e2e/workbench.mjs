// Driving the real VS Code web workbench with playwright-core and Debian's chromium: what a
// user does (F1, Quick Open, clicks, Ctrl+Shift+M) and what a user sees (text in the webview,
// rows in the Problems panel). Selectors are the ones verified in vscode-offline.md.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EXTENSION_ID = 'synscope.synscope';

/** Headless chromium as root: --no-sandbox is required, the rest keeps it quiet and offline. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export async function newPage(browser) {
  // SYNSCOPE_E2E_VIEWPORT=1000x800 looks at the editor in a smaller window.
  const [width, height] = (process.env.SYNSCOPE_E2E_VIEWPORT ?? '1400x900').split('x').map(Number);
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: false });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  // The workbench's own errors (extension host crashes, failed activations) explain most
  // failures; steps.mjs prints the tail of this log when a step fails.
  page.consoleLog = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') page.consoleLog.push(`[${m.type()}] ${m.text().slice(0, 500)}`);
    if (page.consoleLog.length > 200) page.consoleLog.shift();
  });
  page.on('pageerror', (e) => page.consoleLog.push(`[pageerror] ${e.message}`));
  return page;
}

/** Opens the workbench on a folder and waits for the explorer to list `expectFile`. */
export async function openWorkbench(page, url, expectFile) {
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor();
  if (expectFile) {
    await page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${expectFile}"]`).first().waitFor();
  }
}

/**
 * Runs a command from the F1 palette by its visible title ("synscope: Re-analyze").
 * With `run: false` it only waits for the command to be listed, which is the readiness gate:
 * once a remote extension's commands show, its custom editors are registered too, and a
 * capture opened before that lands in the binary-file text editor.
 */
export async function paletteCommand(page, title, { run = true, timeout = 90_000 } = {}) {
  // The palette computes its list when it opens and does not refresh while open: a remote
  // extension whose contributions arrive later (a slow extension host) only shows after
  // reopening. So: open, look for a few seconds, close, retry until the deadline.
  const until = Date.now() + timeout;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor();
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 5_000 });
      break;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (Date.now() > until) throw new Error(`"${title}" never showed in the F1 palette: ${e.message.split('\n')[0]}`);
      await page.waitForTimeout(1_000);
    }
  }
  // Click the row that holds the title, not Enter: Enter runs the top row, and a recently used
  // command that merely matches (Correlate Two Captures… for "Capture…") is listed first.
  if (run) await row.click();
  else await page.keyboard.press('Escape');
}

/**
 * The command whose presence in F1 says the extension is ready: "Open Capture…" is listed
 * with no editor open (the other commands only show while a capture is active).
 */
export function readinessTitle(titleOf) {
  const t = titleOf('synscope.openCapture');
  if (!t) throw new Error('package.json contributes no synscope.openCapture command');
  return t;
}

/**
 * Quick Open (Ctrl+P) a workspace file by name, as a user would. Returns the time
 * (Date.now()) right before the click that opens it.
 */
export async function quickOpen(page, fileName) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(fileName);
  // The row whose name is exactly the file (not e.g. "x.pcap.findings.sarif" next to it).
  const exact = new RegExp(`^${fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = page.locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
  await row.waitFor();
  const clickedAt = Date.now();
  await row.click();
  return clickedAt;
}

/** Closes every editor so the next capture's webview is the only one on the page. */
export async function closeAllEditors(page) {
  await paletteCommand(page, 'View: Close All Editors');
  await page.locator('iframe.webview').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => {});
}

/**
 * The synscope webview's document: an iframe (class `ready` once loaded) holding the
 * `#active-frame` iframe with our HTML. Only one capture editor is open at a time here.
 */
export function webview(page) {
  return page
    .frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"]`)
    .frameLocator('iframe#active-frame');
}

/** The tab title of the active editor, as shown in the tab strip. */
export async function activeTabTitle(page) {
  return (await page.locator('.tabs-container .tab.active .label-name').first().innerText()).trim();
}

/** Polls `fn` until it returns a truthy value; throws `what` with the last value on timeout. */
export async function waitUntil(fn, what, timeout = 30_000) {
  const until = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Polls a check that throws until it passes; rethrows its last failure on timeout. */
export async function eventually(check, timeout = 10_000) {
  const until = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
