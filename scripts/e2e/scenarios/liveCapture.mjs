// "synscope: Capture…" with a real tcpdump, watched live in the real workbench. The command
// starts tcpdump on loopback (in the server's extension host, where the workspace is) while
// this script makes real kernel connections to 127.77.0.1: some complete, some to a closed port
// (the kernel answers RST), one silently dropped by an nftables rule (the kernel retries its
// SYN). Rows and a Problems entry must show while tcpdump is still running; then "Stop capture"
// ends it, and what the editor shows must equal `synscope analyze` of the file. Expected
// values: what the kernel did (counted here), then the CLI on the finished file.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cliAnalyze } from '../cli.mjs';
import { checkTable, readArrows } from '../expect.mjs';
import { diagramOnScreen, tableOnScreen } from '../screen.mjs';
import { activeTabTitle, closeAllEditors, eventually, paletteCommand, waitUntil, webview } from '../workbench.mjs';
import { numberIn, problemsEntries, problemsForFile } from './capture.mjs';

const ADDR = '127.77.0.1';
const COMPLETED = 3;
const REFUSED = 2;
const TABLE = `synscope_e2e_${process.pid}`;

function listen(handler) {
  return new Promise((resolve, reject) => {
    const s = createServer(handler);
    s.on('error', reject);
    s.listen(0, ADDR, () => resolve(s));
  });
}

/** A port nobody listens on at ADDR: bound, noted, closed. */
async function freePort() {
  const s = await listen(() => {});
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** One connect: 'connected' after the server's data and close, 'refused' on RST. */
function connectOnce(port) {
  return new Promise((resolve, reject) => {
    const c = connect(port, ADDR);
    c.on('data', () => {});
    c.on('close', () => resolve('connected'));
    c.on('error', (e) => (e.code === 'ECONNREFUSED' ? resolve('refused') : reject(e)));
  });
}

/** A connect whose SYNs are dropped: the kernel retries (1 s, then 2 s later); given up after `ms`. */
function droppedConnect(port, ms) {
  return new Promise((resolve) => {
    const c = connect(port, ADDR);
    c.on('error', () => {});
    setTimeout(() => {
      c.destroy();
      resolve();
    }, ms);
  });
}

/** SYNs the kernel sent to `port`, as tshark reads them in the file (tcpdump flushes each packet). */
function synsInFile(file, port) {
  const r = spawnSync('tshark', ['-r', file, '-Y', `tcp.dstport == ${port} && tcp.flags.syn == 1 && tcp.flags.ack == 0`, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`tshark -r ${file}: ${r.error?.message ?? r.stderr.trim()} (apt-get install -y tshark)`);
  return r.stdout.trim().split('\n').filter(Boolean).length;
}

function nft(args) {
  const r = spawnSync('nft', args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`nft ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()} (apt-get install -y nftables; needs root)`);
}

export async function liveCaptureScenario(ctx) {
  const { page, steps, ws, titleOf } = ctx;
  let server;
  let dropRule = false;
  let w;
  let file;
  let dropped;
  let synsSent = null;
  let completed = COMPLETED;
  const ports = {};
  try {
    const ok = await steps.run('live capture: F1 → synscope: Capture… on lo opens the capture live', page, async () => {
      server = await listen((sock) => sock.end('hello\n'));
      ports.open = server.address().port;
      ports.closed = await freePort();
      ports.dropped = await freePort();
      // Only this address and port: the SYN never reaches a socket, so no RST comes back.
      nft(['add', 'table', 'ip', TABLE]);
      dropRule = true;
      nft(['add', 'chain', 'ip', TABLE, 'input', '{ type filter hook input priority 0 ; }']);
      nft(['add', 'rule', 'ip', TABLE, 'input', 'ip', 'daddr', ADDR, 'tcp', 'dport', String(ports.dropped), 'drop']);
      await closeAllEditors(page);
      await paletteCommand(page, titleOf('synscope.capture'));
      // The interface pick (tcpdump -D), then the filter box prefilled with the default.
      const input = page.locator('.quick-input-widget input');
      const lo = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /^lo$/ }) }).first();
      await lo.waitFor({ timeout: 15_000 });
      await input.fill('lo');
      await lo.click();
      const filterBox = page.locator('.quick-input-widget input[title], .quick-input-widget input').first();
      await waitUntil(async () => (await filterBox.inputValue()) === 'tcp', 'the filter box prefilled with "tcp"', 15_000);
      await filterBox.fill(`host ${ADDR} and (port ${ports.open} or port ${ports.closed} or port ${ports.dropped})`);
      await filterBox.press('Enter');
      w = webview(page);
      await w.locator('[data-testid="live"]').waitFor({ state: 'visible', timeout: 30_000 });
      await eventually(async () => assert.match(await w.locator('[data-testid="live-text"]').innerText(), /^Live · /), 15_000);
      file = join(ws, 'captures', await activeTabTitle(page));
      assert.match(file, /synscope-lo-\d{8}-\d{6}\.pcap$/);
      // The status bar says a capture runs, with its Stop.
      await page.locator('.statusbar-item', { hasText: 'capturing on lo' }).first().waitFor({ timeout: 10_000 });
    });
    if (!ok) return;

    await steps.run('live capture: rows and a Problems entry appear while tcpdump is still running', page, async () => {
      const results = [];
      for (let i = 0; i < COMPLETED; i++) results.push(await connectOnce(ports.open));
      for (let i = 0; i < REFUSED; i++) results.push(await connectOnce(ports.closed));
      assert.deepEqual(results, [...Array(COMPLETED).fill('connected'), ...Array(REFUSED).fill('refused')], 'what the kernel did');
      // The kernel retries the SYN; given up at 3.5 s.
      dropped = droppedConnect(ports.dropped, 3_500);
      await eventually(async () => {
        const rows = await w.locator('[data-testid="flow-row"]').count();
        assert.ok(rows >= COMPLETED + REFUSED, `${rows} flow rows while capturing, ${COMPLETED + REFUSED} connections made`);
      }, 20_000);
      await page.keyboard.press('Control+Shift+M');
      await page.locator('.markers-panel').waitFor();
      const name = file.split('/').pop();
      const entries = await problemsForFile(page, name);
      assert.ok(entries >= 1, `no Problems entry for ${name} while capturing`);
      // Still running: the editor says Live and tcpdump holds the file.
      assert.match(await w.locator('[data-testid="live-text"]').innerText(), /^Live · /);
      const pgrep = spawnSync('pgrep', ['-f', `tcpdump -i lo .*port ${ports.dropped}`], { encoding: 'utf8' });
      assert.equal(pgrep.status, 0, 'tcpdump is not running any more');
      await page.locator('.statusbar-item', { hasText: 'capturing on lo' }).first().waitFor({ timeout: 1000 });
    });

    await steps.run('live capture: the dropped connect\'s diagram, opened while it retries, draws each retried SYN as it is sent', page, async () => {
      // Its row, as a user finds it: the one whose Server cell names the dropped port.
      const row = w.locator('[data-testid="flow-row"]').filter({ hasText: `${ADDR}:${ports.dropped}` }).first();
      await row.waitFor({ timeout: 15_000 });
      const flowId = Number(await row.getAttribute('data-flow-id'));
      await row.click();
      const synArrows = async () => {
        const d = await diagramOnScreen(w);
        assert.ok(d?.texts.some((t) => new RegExp(`^Flow ${flowId}\\b`).test(t)), `the diagram does not show flow ${flowId}`);
        const arrows = readArrows(d);
        assert.ok(!arrows.some((a) => a.kind === 'SYN-ACK'), 'a SYN-ACK drawn for a dropped SYN');
        return arrows.filter((a) => a.kind === 'SYN' && a.dir === 'c2s').length;
      };
      // While the kernel retries (every second at first on Linux ≥ 6.5, tcp_syn_linear_timeouts;
      // 1 s then 2 s before): two SYN arrows, then the later ones drawn into the open diagram.
      await eventually(async () => assert.ok(await synArrows() >= 2, 'fewer than 2 SYN arrows while the connect retries'), 15_000);
      await dropped;
      synsSent = synsInFile(file, ports.dropped);
      assert.ok(synsSent >= 3, `tshark reads ${synsSent} SYNs to the dropped port in 3.5 s`);
      await eventually(async () => assert.equal(await synArrows(), synsSent, `SYN arrows once the client gave up (tshark: ${synsSent} SYNs)`), 15_000);
      assert.match(await w.locator('[data-testid="live-text"]').innerText(), /^Live · /, 'the capture is still live');
    });

    await steps.run('live capture: Pause holds the table while the writer goes on ("behind the writer"); Resume catches up', page, async () => {
      const rows = () => w.locator('[data-testid="flow-row"]').count();
      const before = await rows();
      await w.locator('[data-testid="live-pause"]').click();
      const text = w.locator('[data-testid="live-text"]');
      await eventually(async () => assert.match(await text.innerText(), /^Paused · /), 10_000);
      assert.equal(await connectOnce(ports.open), 'connected');
      completed++;
      // The file grew (tcpdump wrote the connection) and the editor says so, without reading it.
      await eventually(async () => assert.match(await text.innerText(), /behind the writer/), 10_000);
      assert.equal(await rows(), before, 'a row was added while paused');
      await w.locator('[data-testid="live-pause"]').click();
      await eventually(async () => {
        assert.match(await text.innerText(), /^Live · .*caught up/);
        assert.equal(await rows(), before + 1, 'rows after Resume');
      }, 15_000);
    });

    await steps.run('live capture: Stop capture ends tcpdump; the editor then shows what synscope analyze says of the file', page, async () => {
      await w.locator('[data-testid="live-stop"]').click();
      const status = w.locator('[data-testid="status"]');
      await waitUntil(async () => /^Done/.test(await status.innerText({ timeout: 1000 })), '"Done" after Stop capture', 30_000);
      assert.ok(await w.locator('[data-testid="live"]').isHidden(), 'the Live indicator stays after the capture ended');
      const pgrep = spawnSync('pgrep', ['-f', `tcpdump -i lo .*port ${ports.dropped}`], { encoding: 'utf8' });
      assert.notEqual(pgrep.status, 0, 'tcpdump still runs after Stop capture');
      const result = cliAnalyze(file);
      // The file is a normal, complete capture holding what the kernel did.
      assert.deepEqual(result.capture.problems, []);
      assert.equal(result.summary.flows, completed + REFUSED + 1);
      assert.equal(result.summary.handshakesComplete, completed);
      assert.equal(result.summary.refused, REFUSED);
      const drop = result.flows.find((f) => f.server.port === ports.dropped);
      assert.ok(drop && drop.syn === synsSent && drop.synAck === 0, `the dropped flow: ${JSON.stringify(drop && { syn: drop.syn, synAck: drop.synAck })}`);
      console.log(`    final: ${result.summary.flows} flows, findings ${result.findings.map((f) => f.code).join(', ')}`);
      // The editor's final state equals the CLI's.
      assert.equal(numberIn(await w.locator('[data-testid="summary-flows"]').innerText()), result.summary.flows);
      assert.equal(numberIn(await w.locator('[data-testid="summary-findings"]').innerText()), result.findings.length);
      await w.locator('[data-testid="flow-table"]').first().scrollIntoViewIfNeeded().catch(() => {});
      const ids = await eventually(async () => checkTable(result, await tableOnScreen(w)));
      assert.equal(ids.length, result.flows.length, `${ids.length} rows for the CLI's ${result.flows.length} flows`);
      const expected = problemsEntries(result);
      let shown = 'none';
      await waitUntil(async () => (shown = await problemsForFile(page, file.split('/').pop())) === expected, `${expected} Problems entries`, 15_000)
        .catch((e) => { throw new Error(`${e.message}; the panel shows ${shown}`); });
    });
  } finally {
    await dropped;
    if (dropRule) spawnSync('nft', ['delete', 'table', 'ip', TABLE]);
    await new Promise((r) => (server ? server.close(r) : r()));
    // The later steps see the workspace as it was: the samples only.
    await closeAllEditors(page).catch(() => {});
    rmSync(join(ws, 'captures'), { recursive: true, force: true });
  }
}

/**
 * A capture another program writes (`tcpdump -U -w` started by hand): opened from the Explorer
 * while tcpdump runs, the editor reads what is there, notices the file growing and follows it;
 * "Stop following" after tcpdump ended gives what `synscope analyze` says of the file.
 */
export async function followFileScenario(ctx) {
  const { page, steps, ws } = ctx;
  const addr = '127.77.0.2';
  const name = 'external-tcpdump.pcap';
  const file = join(ws, name);
  let server;
  let tcpdump;
  try {
    await steps.run('growing file: a capture tcpdump writes, opened from the Explorer, is followed as it grows', page, async () => {
      server = await new Promise((resolve, reject) => {
        const s = createServer((sock) => sock.end('hello\n'));
        s.on('error', reject);
        s.listen(0, addr, () => resolve(s));
      });
      const port = server.address().port;
      const once = () => new Promise((resolve, reject) => {
        const c = connect(port, addr);
        c.on('data', () => {});
        c.on('close', resolve);
        c.on('error', reject);
      });
      // As docs/capture-editor.md says to run it: with tcpdump's default snap length (262,144)
      // and --immediate-mode, 4 quick loopback connections lost one in 4 of 5 runs here.
      tcpdump = spawn('tcpdump', ['-i', 'lo', '-U', '--immediate-mode', '-n', '-s', '200', '-w', file, `host ${addr} and port ${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      await new Promise((resolve, reject) => {
        let err = '';
        tcpdump.stderr.on('data', (d) => {
          err += d;
          if (/listening on/.test(err)) resolve();
        });
        tcpdump.on('exit', () => reject(new Error(`tcpdump ended: ${err}`)));
      });
      await once();
      await closeAllEditors(page);
      const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"]`).first();
      await row.waitFor({ timeout: 20_000 });
      await row.dblclick();
      const w = webview(page);
      await waitUntil(async () => /^Done/.test(await w.locator('[data-testid="status"]').innerText({ timeout: 1000 })), `"Done" for ${name}`, 30_000);
      // The writer goes on: the editor follows (it checks the file once a second).
      for (let i = 0; i < 3; i++) await once();
      await w.locator('[data-testid="live"]').waitFor({ state: 'visible', timeout: 15_000 });
      await eventually(async () => {
        assert.match(await w.locator('[data-testid="live-text"]').innerText(), /^Live · /);
        const rows = await w.locator('[data-testid="flow-row"]').count();
        // On failure, say whether the file holds the 4 SYNs (then the editor missed them) or not (tcpdump had not written them).
        if (rows !== 4) assert.fail(`${rows} rows for the 4 connections; tshark reads ${synsInFile(file, port)} SYNs in the file`);
      }, 15_000);
      assert.equal(await w.locator('[data-testid="live-stop"]').innerText(), 'Stop following');
      tcpdump.kill('SIGINT');
      await new Promise((r) => tcpdump.on('close', r));
      tcpdump = null;
      await w.locator('[data-testid="live-stop"]').click();
      await waitUntil(async () => /^Done/.test(await w.locator('[data-testid="status"]').innerText({ timeout: 1000 })), '"Done" after Stop following', 30_000);
      const result = cliAnalyze(file);
      assert.equal(result.summary.handshakesComplete, 4, 'what the kernel did: 4 completed connections');
      assert.equal(numberIn(await w.locator('[data-testid="summary-flows"]').innerText()), result.summary.flows);
      assert.equal(numberIn(await w.locator('[data-testid="summary-findings"]').innerText()), result.findings.length);
      const ids = await eventually(async () => checkTable(result, await tableOnScreen(w)));
      assert.equal(ids.length, result.flows.length);
    });
  } finally {
    tcpdump?.kill('SIGINT');
    await new Promise((r) => (server ? server.close(r) : r()));
    await closeAllEditors(page).catch(() => {});
    rmSync(file, { force: true });
  }
}
