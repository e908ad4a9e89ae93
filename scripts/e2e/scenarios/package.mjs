// The packaged extension: `npm run package` builds the .vsix; it must install into the same
// VS Code server offline, be listed, and open a sample like the development copy does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installExtension, listExtensions, makeRunDir, repoRoot, startServer } from '../../vscode-server.mjs';
import { newPage, openWorkbench, paletteCommand, readinessTitle } from '../workbench.mjs';
import { openCapture } from './capture.mjs';

export async function packageScenario(ctx) {
  const { steps, browser, ws, samples, titleOf } = ctx;
  const { version, publisher, name } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const vsix = join(repoRoot, `${name}-${version}.vsix`);
  if (!await steps.run('npm run package builds the .vsix', null, async () => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs')], { cwd: repoRoot, encoding: 'utf8' });
    process.stdout.write(r.stdout.replace(/^/gm, '    '));
    assert.equal(r.status, 0, `package.mjs failed:\n${r.stderr}`);
  })) return;
  const runDir = makeRunDir({ prefix: 'synscope-vsix-' });
  let server;
  try {
    if (!await steps.run('the .vsix installs into the server and is listed', null, async () => {
      const out = installExtension(runDir, vsix);
      assert.match(out, /successfully installed/i);
      const listed = listExtensions(runDir);
      assert.ok(listed.includes(`${publisher}.${name}@${version}`), `not listed: ${listed.join(', ')}`);
    })) return;
    server = await startServer(runDir, { logFile: join(runDir.dir, 'server.log') });
    const page = await newPage(browser);
    const sample = samples[0].name;
    await steps.run(`installed .vsix opens ${sample}`, page, async () => {
      await openWorkbench(page, server.url(ws), sample);
      await paletteCommand(page, readinessTitle(titleOf), { run: false });
      await openCapture(page, sample);
    });
    await page.context().close();
  } finally {
    await server?.stop();
    runDir.remove();
  }
}
