// The main user path on one capture: open it, read the summary and the flow table, look at a
// flow's diagram, go through the Problems panel, export. Expected numbers come from the CLI.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cliAnalyze } from '../cli.mjs';
import { closeAllEditors, quickOpen, waitUntil, webview } from '../workbench.mjs';

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
function problemsEntries(result) {
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

/** Arrows of the diagram shown now: [{ packet, kind }]. */
async function diagramArrows(w) {
  return w.locator('svg[data-testid="sequence-diagram"] [data-testid="arrow"]').evaluateAll((els) =>
    els.map((e) => ({ packet: Number(e.getAttribute('data-packet')), kind: e.getAttribute('data-kind'), dir: e.getAttribute('data-dir') })));
}

/** What the diagram must show for a flow, from the CLI's flow record. */
export function checkArrows(flow, arrows) {
  const kinds = (k) => arrows.filter((a) => a.kind === k);
  assert.ok(arrows.length > 0, `flow ${flow.id}: the diagram has no arrows`);
  const hs = flow.handshake;
  const at = (ref, kind) => {
    if (!ref) return;
    const a = arrows.find((x) => x.packet === ref.packet);
    assert.ok(a, `flow ${flow.id}: no arrow for ${kind} frame ${ref.packet} (arrows: ${JSON.stringify(arrows)})`);
    assert.equal(a.kind, kind, `flow ${flow.id}: frame ${ref.packet} drawn as ${a.kind}, the CLI says ${kind}`);
  };
  at(hs.syn, 'SYN');
  at(hs.synAck, 'SYN-ACK');
  at(hs.ack, 'ACK');
  assert.equal(kinds('SYN').length, flow.syn, `flow ${flow.id}: SYN arrows vs the CLI's SYN count`);
  assert.equal(kinds('SYN-ACK').length, flow.synAck, `flow ${flow.id}: SYN-ACK arrows vs the CLI's SYN-ACK count`);
  if (flow.reset) assert.ok(kinds('RST').length > 0, `flow ${flow.id}: reset by ${flow.reset} but no RST arrow`);
  else assert.equal(kinds('RST').length, 0, `flow ${flow.id}: RST arrow on a flow the CLI says was not reset`);
  // A FIN is drawn as FIN unless the same segment also resets (RST wins).
  for (const [side, dir] of [['client', 'c2s'], ['server', 's2c']]) {
    if (flow.fin[side] && !flow.reset) {
      assert.ok(arrows.some((a) => a.kind === 'FIN' && (!a.dir || a.dir === dir)), `flow ${flow.id}: the ${side} sent a FIN but no FIN arrow goes ${dir}`);
    }
    if (!flow.fin[side]) assert.ok(!arrows.some((a) => a.kind === 'FIN' && a.dir === dir), `flow ${flow.id}: FIN arrow ${dir}, the CLI says the ${side} sent none`);
  }
  const frames = arrows.map((a) => a.packet);
  assert.equal(new Set(frames).size, frames.length, `flow ${flow.id}: a frame drawn twice (${frames})`);
  assert.ok(arrows.length <= flow.packets.client + flow.packets.server, `flow ${flow.id}: more arrows than packets`);
  const lo = flow.firstPacket;
  const hi = flow.lastPacket;
  for (const a of arrows) assert.ok(a.packet >= lo && a.packet <= hi, `flow ${flow.id}: arrow frame ${a.packet} outside ${lo}..${hi}`);
}

/** Shows the diagram of `flowId` by clicking its row; returns the arrows. */
export async function showFlow(w, flowId) {
  await w.locator(`[data-testid="flow-row"][data-flow-id="${flowId}"]`).first().click();
  const svg = w.locator(`svg[data-testid="sequence-diagram"][data-flow-id="${flowId}"]`);
  await svg.first().waitFor({ timeout: 20_000 });
  return diagramArrows(w);
}

/** The Problems panel row for a file: "N problems in file X of folder ." */
async function problemsForFile(page, name) {
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

  let visible = new Set();
  if (!await steps.run(`${name}: flow table rows`, page, async () => {
    const rows = w.locator('[data-testid="flow-row"]');
    await rows.first().waitFor();
    const ids = (await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-flow-id')))));
    visible = new Set(ids);
    const known = new Set(result.flows.map((f) => f.id));
    for (const id of ids) assert.ok(known.has(id), `row for flow ${id}, which the CLI does not report`);
    assert.equal(visible.size, ids.length, 'a flow shown twice in the table');
    // A short table is shown whole; a long one may be paged or virtualised.
    if (result.flows.length <= 20) assert.equal(ids.length, result.flows.length, 'rows vs the CLI\'s flows');
    else assert.ok(ids.length >= Math.min(20, result.flows.length), `only ${ids.length} rows for ${result.flows.length} flows`);
  })) return;

  const flow = interestingFlow(result, visible);
  await steps.run(`${name}: click flow ${flow?.id}, diagram arrows match the CLI`, page, async () => {
    assert.ok(flow, 'no flow to click');
    checkArrows(flow, await showFlow(w, flow.id));
  });

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
    assert.ok(target, `no Problems row matches a single finding with a flow; rows: ${JSON.stringify(texts.slice(0, 5))}`);
    await rows.nth(pick).click();
    const flowId = target.flows[0];
    await w.locator(`svg[data-testid="sequence-diagram"][data-flow-id="${flowId}"]`).first().waitFor({ timeout: 20_000 });
    const arrows = await diagramArrows(w);
    checkArrows(result.flows.find((f) => f.id === flowId), arrows);
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
