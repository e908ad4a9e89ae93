// The diagram's own actions, read off the screen: clicking "⋯ N packets not drawn" draws every
// packet of the flow (exactly the frames tshark puts in its tcp.stream), "Handshake only" goes
// back, and "Copy Wireshark filter" copies the filter that selects the flow in tshark.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cliAnalyze } from '../cli.mjs';
import { checkDiagram, readArrows } from '../expect.mjs';
import { diagramOnScreen } from '../screen.mjs';
import { tsharkFrames } from '../tshark.mjs';
import { eventually } from '../workbench.mjs';
import { openCapture, showFlow } from './capture.mjs';

export const SAMPLE = 'healthy.pcap.gz';

function tsharkFrameNumbers(file, filter) {
  const r = spawnSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  return r.error || r.status !== 0 ? null : r.stdout.split('\n').filter(Boolean).map(Number);
}

export async function diagramActionsScenario(ctx) {
  const { page, steps, ws } = ctx;
  const file = join(ws, SAMPLE);
  const result = cliAnalyze(file);
  const flow = result.flows[0];
  const filter = `tcp.stream eq ${flow.id - 1}`;
  let w = null;
  await steps.run(`${SAMPLE}: clicking "packets not drawn" on flow ${flow.id} draws every one of tshark's frames`, page, async () => {
    const want = tsharkFrameNumbers(file, filter);
    assert.ok(want, 'needs tshark on PATH (apt-get install -y tshark)');
    assert.equal(want.length, flow.packets.client + flow.packets.server, `tshark's ${filter} against the CLI's packet count`);
    w = await openCapture(page, SAMPLE);
    await showFlow(w, flow, file);
    const marker = w.locator('[data-testid="omitted"]').first();
    await marker.waitFor({ timeout: 5_000 });
    const markers = await w.locator('[data-testid="omitted"]').count();
    await marker.click();
    await eventually(async () => {
      const d = await diagramOnScreen(w);
      checkDiagram(flow, d, { tshark: tsharkFrames(file) });
      const frames = readArrows(d).map((a) => a.frame).sort((a, b) => a - b);
      assert.deepEqual(frames, want, `after the click the diagram draws frames ${frames.join(', ')}; tshark's ${filter} holds ${want.join(', ')}`);
      assert.equal(await w.locator('[data-testid="omitted"]').count(), 0, 'a "not drawn" marker is left');
    }, 10_000);
    await w.locator('[data-testid="handshake-only"]').click();
    await eventually(async () => assert.equal(await w.locator('[data-testid="omitted"]').count(), markers, '"Handshake only" brings the markers back'), 10_000);
  });
  if (w) await steps.run(`${SAMPLE}: "Copy Wireshark filter" copies ${filter}, tshark's filter for flow ${flow.id}`, page, async () => {
    await w.locator('[data-testid="copy-wireshark-filter"]').click();
    // The command says what it copied in the status bar (the clipboard itself is not readable here).
    await eventually(async () => {
      const text = await page.locator('.statusbar').innerText();
      assert.ok(text.includes(`copied "${filter}" (flow ${flow.id})`), `the status bar reads ${JSON.stringify(text.replace(/\s+/g, ' '))}`);
    }, 10_000);
  });
}
