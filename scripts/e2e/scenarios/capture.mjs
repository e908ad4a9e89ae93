// The main user path on one capture: open it, read the summary and the flow table, look at a
// flow's diagram, go through the Problems panel, export. Expected numbers come from the CLI.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cliAnalyze } from '../cli.mjs';
import { checkDiagram, checkTable } from '../expect.mjs';
import { pending } from '../pending.mjs';
import { diagramOnScreen, tableOnScreen } from '../screen.mjs';
import { tsharkFrames } from '../tshark.mjs';
import { closeAllEditors, eventually, quickOpen, waitUntil, webview } from '../workbench.mjs';
import { layoutScenario } from './layout.mjs';

/** Number shown in an element's text ("1,234 flows" → 1234). */
export function numberIn(text) {
  const m = /\d[\d,\u202f\u00a0 ]*/.exec(text ?? '');
  assert.ok(m, `no number in ${JSON.stringify(text)}`);
  return Number(m[0].replace(/[^\d]/g, ''));
}

/**
 * Opens a capture through Quick Open and waits until its webview reports "Done".
 * Returns the webview frame locator.
 */
export async function openCapture(page, name, { allowError = false } = {}) {
  await closeAllEditors(page);
  await quickOpen(page, name);
  const w = webview(page);
  const status = w.locator('[data-testid="status"]');
  await waitUntil(async () => /done/i.test(await status.innerText({ timeout: 1000 })), `"Done" in the status of ${name}`, 90_000);
  const err = w.locator('[data-testid="error"]');
  if (!allowError && await err.count() && await err.first().isVisible()) {
    throw new Error(`the editor shows an error for ${name}: ${await err.first().innerText()}`);
  }
  return w;
}

/** Picks the flow worth looking at: one with findings, a handshake and few packets. */
/** Findings that explain many flows; the Problems panel lists them one by one (src/extension/findingsReport.ts). */
const STORY_CODES = new Set(['syn-flood', 'connection-churn', 'slow-connect', 'connect-pileup', 'capture-damaged', 'server-limit']);

/** Problems entries for a CLI result: each story finding, and one per (severity, code, server) of the rest. */
export function problemsEntries(result) {
  const flows = new Map(result.flows.map((f) => [f.id, f]));
  let stories = 0;
  const groups = new Set();
  for (const f of result.findings) {
    if (f.flows.length !== 1 || STORY_CODES.has(f.code)) stories++;
    else {
      const s = flows.get(f.flows[0])?.server;
      groups.add(`${f.severity}|${f.code}|${s ? `${s.ip}|${s.port}` : ''}`);
    }
  }
  return stories + groups.size;
}

function interestingFlow(result, visibleIds) {
  const candidates = result.flows.filter((f) => visibleIds.has(f.id));
  const score = (f) => (f.findings.length ? 100 : 0) + (f.handshake.syn ? 10 : 0) + (f.synAck ? 5 : 0) + (f.reset ? 3 : 0);
  return candidates.sort((a, b) => score(b) - score(a) || a.id - b.id)[0];
}

/**
 * The diagram of `flow` as the user sees it: scrolled into view (a user scrolls to it when the
 * layout puts it below the table), then read off the screen and compared with the CLI.
 */
export async function checkDiagramOnScreen(w, flow, file) {
  const svg = w.locator(`svg[data-testid="sequence-diagram"][data-flow-id="${flow.id}"]`).first();
  await svg.waitFor({ timeout: 20_000 });
  await svg.scrollIntoViewIfNeeded().catch(() => {});
  return eventually(async () => checkDiagram(flow, await diagramOnScreen(w), { tshark: tsharkFrames(file) }));
}

/** Clicks the row of `flowId` as a user would (the row that shows it), then checks its diagram. */
export async function showFlow(w, flow, file) {
  await w.locator(`[data-testid="flow-row"][data-flow-id="${flow.id}"]`).first().click();
  return checkDiagramOnScreen(w, flow, file);
}

/** The Problems panel row for a file: "N problems in file X of folder ." */
export async function problemsForFile(page, name) {
  const row = page.locator('.markers-panel .monaco-list-row[aria-level="1"]').filter({ hasText: name }).first();
  await row.waitFor({ timeout: 30_000 });
  return numberIn(await row.getAttribute('aria-label'));
}

export async function captureScenario(ctx, name, { exportCheck = false } = {}) {
  const { page, steps, ws } = ctx;
  const file = join(ws, name);
  let result;
  let w;
  const ok = await steps.run(`${name}: CLI analysis`, null, async () => {
    result = cliAnalyze(file);
  });
  if (!ok) return;
  if (!await steps.run(`${name}: open via Quick Open, status Done`, page, async () => {
    w = await openCapture(page, name);
  })) return;

  await steps.run(`${name}: summary matches the CLI`, page, async () => {
    const flows = numberIn(await w.locator('[data-testid="summary-flows"]').innerText());
    const findings = numberIn(await w.locator('[data-testid="summary-findings"]').innerText());
    assert.equal(flows, result.summary.flows, 'flows in the summary');
    assert.equal(findings, result.findings.length, 'findings in the summary');
  });

  // Every row on screen, cell by cell, against the CLI: the # cell names the flow, the other
  // cells the user can see must read its endpoints, state, RTTs, counts and findings.
  let visible = new Set();
  if (!await steps.run(`${name}: flow table rows read the CLI's values`, page, async () => {
    await w.locator('[data-testid="flow-row"]').first().waitFor();
    // As a user would: scroll the page to the table (the screenshot then shows the rows read).
    await w.locator('[data-testid="flow-table"]').first().scrollIntoViewIfNeeded().catch(() => {});
    const ids = await eventually(async () => checkTable(result, await tableOnScreen(w)));
    visible = new Set(ids);
    // A short table is shown whole; a long one may be paged or virtualised.
    if (result.flows.length <= 20) assert.equal(ids.length, result.flows.length, `${ids.length} rows on screen for the CLI's ${result.flows.length} flows`);
    else assert.ok(ids.length >= Math.min(15, result.flows.length), `only ${ids.length} rows for ${result.flows.length} flows`);
  })) return;

  const flow = interestingFlow(result, visible);
  await steps.run(`${name}: click flow ${flow?.id}, its diagram's arrows and RTTs read the CLI's`, page, async () => {
    assert.ok(flow, 'no flow to click');
    await showFlow(w, flow, file);
  });

  if (pending('layout') && flow) await layoutScenario(ctx, w, name, result, flow, visible);

  // The Problems panel has one entry per story finding and one per group of per-flow findings
  // (code, severity, target), up to synscope.maxDiagnostics, plus one entry counting the rest.
  const max = ctx.maxDiagnostics ?? Infinity;
  const entries = problemsEntries(result);
  const expected = entries <= max ? entries : max + 1;
  await steps.run(`${name}: Problems panel lists the CLI's ${result.findings.length} findings in ${expected} entries`, page, async () => {
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel').waitFor();
    if (expected === 0) {
      // Nothing to list: the panel must not show a (stale) entry for this capture.
      const rows = page.locator('.markers-panel .monaco-list-row[aria-level="1"]').filter({ hasText: name });
      assert.equal(await rows.count(), 0, `Problems lists entries for ${name}, the CLI finds nothing`);
      return;
    }
    let shown = 'none';
    await waitUntil(async () => {
      shown = await problemsForFile(page, name);
      return shown === expected;
    }, `${expected} problems for ${name}`).catch((e) => {
      throw new Error(`${e.message}; the panel shows ${shown}`);
    });
  });

  if (result.findings.some((f) => f.flows.length > 0)) await steps.run(`${name}: clicking a finding in Problems shows its flow's diagram`, page, async () => {
    // A rendered row whose message belongs to exactly one finding that has a flow.
    const rows = page.locator('.markers-panel .monaco-list-row[aria-level="2"]');
    const texts = await rows.evaluateAll((els) => els.map((e) => e.querySelector('.marker-message')?.textContent ?? ''));
    const oneLine = (m) => m.replace(/[\r\n\t]+/g, ' ');
    let pick = -1;
    let target;
    for (let i = texts.length - 1; i >= 0 && pick < 0; i--) {
      const same = result.findings.filter((f) => oneLine(f.message) === texts[i]);
      if (same.length === 1 && same[0].flows.length > 0) { pick = i; target = same[0]; }
    }
    // Findings grouped into one entry ("4 flows to …") list each finding as a related line below
    // it, in the JSON's words ("…findings[Ln 5, Col 1]:Handshake … took …"); clicking one shows
    // that finding's flow.
    let rowLocator = rows;
    let flowId = target?.flows[0];
    if (!target) {
      rowLocator = page.locator('.markers-panel .monaco-list-row[aria-level="3"]');
      const related = await rowLocator.evaluateAll((els) => els.map((e) => e.textContent ?? ''));
      for (let i = related.length - 1; i >= 0 && pick < 0; i--) {
        const text = oneLine(related[i]);
        const same = result.findings.filter((x) => x.flows.length === 1 && text.endsWith(oneLine(x.message)));
        if (same.length === 1) { pick = i; target = same[0]; flowId = same[0].flows[0]; }
      }
      assert.ok(target, `no Problems row names a single finding's flow; rows: ${JSON.stringify([...texts, ...related].slice(0, 6))}`);
    }
    const flow = result.flows.find((f) => f.id === flowId);
    // Show another flow first, so only the reveal can bring this one on screen.
    const other = result.flows.find((f) => f.id !== flowId && visible.has(f.id));
    if (other) await w.locator(`[data-testid="flow-row"][data-flow-id="${other.id}"]`).first().click();
    if (other) await w.locator(`svg[data-testid="sequence-diagram"][data-flow-id="${other.id}"]`).first().waitFor({ timeout: 20_000 });
    await rowLocator.nth(pick).click();
    await eventually(async () => {
      const d = await diagramOnScreen(w);
      // Revealed: the headline naming the flow is inside the webview's visible area.
      assert.ok(d?.inView.some((t) => new RegExp(`^Flow ${flowId}\\b`).test(t)),
        `after the click the diagram in view shows ${JSON.stringify(d?.inView.find((t) => /^Flow \d+/.test(t)) ?? null)}, not flow ${flowId}`);
      checkDiagram(flow, d, { tshark: tsharkFrames(file) });
      const t = await tableOnScreen(w);
      const sel = t.rows.filter((r) => r.selected);
      assert.equal(sel.length, 1, `${sel.length} selected rows on screen after the reveal`);
      assert.ok(sel[0].cells.includes(String(flowId)), `the selected row reads ${JSON.stringify(sel[0].cells.slice(0, 3))}, not flow ${flowId}`);
    }, 20_000);
  });

  if (exportCheck && ctx.exportScenario) await ctx.exportScenario(ctx, name, result);
}

/**
 * A damaged capture: the editor still shows what could be read, and says where the damage is
 * (the byte offset the CLI reports), in the error box and as a capture-damaged finding.
 */
export async function damagedScenario(ctx, name) {
  const { page, steps, ws } = ctx;
  await steps.run(`${name}: damaged capture shows the byte offset of the damage`, page, async () => {
    const result = cliAnalyze(join(ws, name));
    assert.ok(result.capture.problems.length > 0, `the CLI finds no damage in ${name}`);
    const w = await openCapture(page, name, { allowError: true });
    const err = w.locator('[data-testid="error"]');
    await err.waitFor({ state: 'visible' });
    const text = await err.innerText();
    for (const p of result.capture.problems) {
      assert.ok(new RegExp(`\\b${p.offset}\\b`).test(text.replace(/(\d)[,\u202f\u00a0](?=\d{3}\b)/g, '$1')), `error box lacks offset ${p.offset}: ${text}`);
    }
    assert.equal(numberIn(await w.locator('[data-testid="summary-findings"]').innerText()), result.findings.length);
    assert.equal(numberIn(await w.locator('[data-testid="summary-flows"]').innerText()), result.summary.flows);
  });
}
