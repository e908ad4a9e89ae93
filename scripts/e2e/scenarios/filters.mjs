// "Typing a Wireshark-style filter selects exactly the right flows": in the filter box, type
// `ip.addr==<a client>`, a CIDR and `tcp.stream eq N`, and read the table: the rows on screen
// must be exactly the flows of the tcp.streams that `tshark -Y` keeps with the same filter on
// the same file (flow = tcp.stream + 1; the CLI must agree), each row reading the CLI's values,
// and the count must say how many of all flows are shown.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cliAnalyze } from '../cli.mjs';
import { checkTable } from '../expect.mjs';
import { shownText, tableOnScreen } from '../screen.mjs';
import { eventually } from '../workbench.mjs';
import { openCapture } from './capture.mjs';

export const SAMPLE = 'syn-flood-legit-clients.pcap';

/** Flow ids of the tcp.streams tshark's display filter keeps; null without tshark. */
function tsharkFlows(file, filter) {
  const r = spawnSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'tcp.stream'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) return null;
  return [...new Set(r.stdout.split('\n').filter(Boolean).map((s) => Number(s) + 1))].sort((a, b) => a - b);
}

export async function filterScenario(ctx) {
  const { page, steps, ws } = ctx;
  const file = join(ws, SAMPLE);
  const result = cliAnalyze(file);
  // One of the few legitimate clients among the flood's sources, its /24, and its stream.
  const legit = result.flows.find((f) => f.synRetransmissions > 0 && f.handshake.complete) ?? result.flows[0];
  const net = `${legit.client.ip.split('.').slice(0, 3).join('.')}.0/24`;
  const cases = [`ip.addr==${legit.client.ip}`, net, `tcp.stream eq ${legit.id - 1}`];
  let w = null;
  for (const typed of cases) {
    // tshark reads a bare CIDR only as the value of a field.
    const tsharkFilter = /^[\d.]+\/\d+$/.test(typed) ? `ip.addr==${typed}` : typed;
    await steps.run(`${SAMPLE}: filter "${typed}" shows exactly tshark's flows`, page, async () => {
      const want = tsharkFlows(file, tsharkFilter);
      assert.ok(want, 'needs tshark on PATH (apt-get install -y tshark)');
      assert.ok(want.length > 0 && want.length < 20, `tshark keeps ${want.length} streams for ${tsharkFilter}: not a useful case`);
      const ipOf = typed.startsWith('tcp.stream') ? null : typed.replace(/^ip\.addr==/, '');
      if (ipOf && !ipOf.includes('/')) {
        const cli = result.flows.filter((f) => f.client.ip === ipOf || f.server.ip === ipOf).map((f) => f.id);
        assert.deepEqual(cli, want, `the CLI's flows with ${ipOf} differ from tshark's streams`);
      }
      w ??= await openCapture(page, SAMPLE);
      const box = w.locator('[data-testid="filter-text"] input');
      await box.fill(typed);
      await eventually(async () => {
        const ids = checkTable(result, await tableOnScreen(w)).sort((a, b) => a - b);
        assert.deepEqual(ids, want, `typing ${JSON.stringify(typed)} shows flows ${ids.join(', ')}; tshark -Y '${tsharkFilter}' keeps ${want.join(', ')}`);
        const count = await shownText(w.locator('.flow-count'));
        assert.equal(count, `${want.length} of ${result.flows.length.toLocaleString('en-US')} flows`, 'the count beside the filter');
        const problem = await shownText(w.locator('[data-testid="filter-problem"]'));
        assert.ok(!problem, `the filter box says ${JSON.stringify(problem)}`);
      }, 10_000);
    });
  }
  if (w) await w.locator('[data-testid="filter-text"] input').fill('').catch(() => {});
}
