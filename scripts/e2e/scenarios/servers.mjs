// The Servers tab on a capture with an injected slowdown (test/fixtures/listeners/
// delay-at-15.5s.pcap.gz: 198.51.100.11:443 answers 30 ms later from 15.5 s on). Expected values
// come from the CLI (`analyze --servers --format json`) and the fixture's facts: the slowed
// listener is the top row, its signs cell names the change point, the large chart draws it, and
// clicking the change point shows exactly the CLI's flows to that listener that started around
// it. The time from the tab click to the rows on screen is printed and written to
// test-results/servers.json, not asserted (shared machine).
import assert from 'node:assert/strict';
import { copyFileSync, linkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../vscode-server.mjs';
import { cli } from '../cli.mjs';
import { shownText } from '../screen.mjs';
import { closeAllEditors, eventually, quickOpen, waitUntil, webview } from '../workbench.mjs';

const NAME = 'servers-slowdown.pcap.gz';
const FIXTURE = join(repoRoot, 'test', 'fixtures', 'listeners', 'delay-at-15.5s.pcap.gz');
const SLOWED = '198.51.100.11:443';

/**
 * Copies the fixture into the workspace (before the server starts, for Quick Open's index);
 * SYNSCOPE_E2E_SERVERS_TIMING=<capture> links that capture in too, for the timing step.
 */
export function stageServersCapture(ws) {
  const out = join(ws, NAME);
  copyFileSync(FIXTURE, out);
  const big = process.env.SYNSCOPE_E2E_SERVERS_TIMING;
  if (big) {
    try {
      linkSync(big, join(ws, TIMING_NAME));
    } catch {
      copyFileSync(big, join(ws, TIMING_NAME));
    }
  }
  return out;
}

const TIMING_NAME = 'servers-timing.pcap';

/**
 * Only with SYNSCOPE_E2E_SERVERS_TIMING (e.g. the bench's 1 GiB mix): after "Done", the time
 * from the Servers tab click to its rows on screen, printed and written to servers-timing.json.
 */
export async function serversTimingScenario(ctx) {
  if (!process.env.SYNSCOPE_E2E_SERVERS_TIMING) return;
  const { page, steps } = ctx;
  const w = webview(page);
  await steps.run(`${TIMING_NAME}: Servers tab after the analysis ends (timing)`, page, async () => {
    await closeAllEditors(page);
    await quickOpen(page, TIMING_NAME);
    await waitUntil(async () => /done/i.test(await w.locator('[data-testid="status"]').innerText({ timeout: 1000 })), `"Done" for ${TIMING_NAME}`, 600_000);
    const clickedAt = await w.locator('body').evaluate(() => performance.timeOrigin + performance.now());
    await w.locator('[data-testid="tab-servers"]').click();
    await w.locator('[data-testid="servers-row"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    // Webview clock, epoch ms: the analysis done, the servers data in, the rows on screen.
    const at = await w.locator('body').evaluate(() => {
      const t = (name) => {
        const m = performance.getEntriesByName(name)[0];
        return m ? performance.timeOrigin + m.startTime : null;
      };
      return { done: t('synscope:done'), data: t('synscope:servers-data'), shown: t('synscope:servers-shown') };
    });
    const rows = await w.locator('[data-testid="servers-row"]').count();
    const r = {
      file: process.env.SYNSCOPE_E2E_SERVERS_TIMING, rows,
      doneToDataMs: Math.round(at.data - at.done), doneToRowsMs: Math.round(at.shown - at.done), tabClickToRowsMs: Math.round(at.shown - clickedAt),
    };
    writeFileSync(join(steps.outDir, 'servers-timing.json'), `${JSON.stringify(r, null, 2)}\n`);
    console.log(`    ${TIMING_NAME}: ${rows} listener rows; from the analysis's end: data ${r.doneToDataMs} ms, rows on screen ${r.doneToRowsMs} ms (${r.tabClickToRowsMs} ms after the tab click)`);
  });
  await closeAllEditors(page);
}

function cliJson(args) {
  const r = cli(args);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

export async function serversScenario(ctx, file) {
  const { page, steps } = ctx;
  const expected = cliJson(['analyze', file, '--servers', '--max-flows', '100000000', '--format', 'json']);
  const top = expected.servers.listeners[0];
  assert.equal(`${top.server.ip}:${top.server.port}`, SLOWED, 'the CLI lists the slowed listener first');
  const cp = top.changePoints.find((c) => c.metric === 'serverTime');
  assert.ok(cp, 'the CLI finds the change point');
  const w = webview(page);
  await steps.run(`${NAME}: Servers tab lists the slowed listener first with its change point`, page, async () => {
    await closeAllEditors(page);
    await quickOpen(page, NAME);
    await waitUntil(async () => /done/i.test(await w.locator('[data-testid="status"]').innerText({ timeout: 1000 })), `"Done" for ${NAME}`, 60_000);
    const clickedAt = await w.locator('body').evaluate(() => performance.timeOrigin + performance.now());
    await w.locator('[data-testid="tab-servers"]').click();
    const rows = w.locator('[data-testid="servers-row"]');
    await rows.first().waitFor({ state: 'visible', timeout: 30_000 });
    const shownAt = await w.locator('body').evaluate(() => {
      const m = performance.getEntriesByName('synscope:servers-shown')[0];
      return m ? performance.timeOrigin + m.startTime : null;
    });
    const ms = shownAt === null ? null : Math.round(shownAt - clickedAt);
    writeFileSync(join(steps.outDir, 'servers.json'), `${JSON.stringify({ file: NAME, tabClickToRowsMs: ms }, null, 2)}\n`);
    console.log(`    Servers tab: rows on screen ${ms} ms after the tab click`);
    assert.equal(await rows.count(), expected.servers.listeners.length, 'one row per listener, as the CLI');
    const first = await shownText(rows.first());
    assert.ok(first?.startsWith(SLOWED), `the top row reads ${JSON.stringify(first)}`);
    const offset = `+${cp.offset.toFixed(0)} s`;
    assert.ok(first.includes('server time') && first.includes(offset), `the top row names the change point at ${offset}: ${JSON.stringify(first)}`);
    await rows.first().click();
    const detail = w.locator('[data-testid="servers-detail"]');
    await eventually(async () => {
      const marks = await w.locator('[data-testid="servers-detail"] svg .series-change').count();
      assert.equal(marks, top.changePoints.length, 'the large chart draws each change point');
      const box = await detail.locator('svg').boundingBox();
      assert.ok(box && box.width > 300, 'the selected listener\'s chart is drawn large');
    });
  });
  await steps.run(`${NAME}: clicking the change point shows the listener's flows around it`, page, async () => {
    const t = Number(cp.time);
    const bin = expected.servers.binSeconds;
    const want = expected.flows.filter((f) => `${f.server.ip}:${f.server.port}` === SLOWED && Number(f.start) >= t - bin && Number(f.start) < t + bin).length;
    assert.ok(want > 0, 'the CLI has flows around the change');
    await w.locator('[data-testid="change-point-item"]').first().click();
    await eventually(async () => {
      assert.equal(await w.locator('[data-testid="tab-flows"]').getAttribute('aria-selected'), 'true', 'the Flows tab is shown');
      const count = await shownText(w.locator('.flow-count'));
      assert.equal(count, `${want} of ${expected.flows.length.toLocaleString('en-US')} flows`, 'the count beside the filter');
    }, 15_000);
  });
  await closeAllEditors(page);
}
