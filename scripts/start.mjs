// `npm start`: synscope on the bundled samples in a real VS Code.
//
// - A desktop `code` on PATH: `code --extensionDevelopmentPath=<checkout> samples/`.
// - Otherwise the cached VS Code server (installed on first use under .vscode-test/) with this
//   checkout as an extension and samples/ as the workspace; it prints the URL to open and runs
//   until Ctrl+C.
// - `--smoke` (or CI=true): start the server, check that the workbench answers and the
//   extension is listed, stop, exit 0 — so the README's quick start is checked in CI.
// Options: --port=N (default: a free one), --server (use the server even when `code` exists).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RIPGREP_MISSING, ensureServer, findRipgrep, listExtensions, makeRunDir, repoRoot, startServer } from './vscode-server.mjs';

const { values: opts } = parseArgs({
  options: { smoke: { type: 'boolean' }, server: { type: 'boolean' }, port: { type: 'string' } },
});
const smoke = opts.smoke || process.env.CI === 'true';
const samples = join(repoRoot, 'samples');
const { publisher, name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const extensionId = `${publisher}.${name}`;

const hasCode = (spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).stdout ?? '').trim();
if (hasCode && !smoke && !opts.server) {
  console.log(`launching ${hasCode} with synscope from ${repoRoot} on ${samples}`);
  const child = spawn(hasCode, [`--extensionDevelopmentPath=${repoRoot}`, samples], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  let runDir;
  let server;
  try {
    ensureServer();
    runDir = makeRunDir({ prefix: 'synscope-start-', extensions: { 'synscope-dev': repoRoot } });
    server = await startServer(runDir, { port: opts.port ? Number(opts.port) : undefined });
  } catch (e) {
    // An install or start failure is explained in its message (with the log to read): no stack.
    console.error(`npm start: ${e.message}`);
    runDir?.remove();
    process.exit(1);
  }
  const url = server.url(samples);
  if (smoke) {
    let ok = false;
    try {
      const res = await fetch(url);
      const html = await res.text();
      if (!res.ok || !/workbench/i.test(html)) throw new Error(`the workbench page answered ${res.status} without the workbench`);
      const listed = listExtensions(runDir);
      if (!listed.includes(`${extensionId}@${version}`)) throw new Error(`${extensionId} is not listed: ${listed.join(', ') || 'none'}`);
      console.log(`smoke ok: ${url} answers, ${extensionId}@${version} is listed`);
      ok = true;
    } catch (e) {
      console.error(`npm start smoke failed: ${e.message}`);
    } finally {
      await server.stop();
      runDir.remove();
    }
    process.exit(ok ? 0 : 1);
  }
  console.log(`\nsynscope is running in VS Code ${server.origin} (server log: ${server.logFile}).\n`);
  console.log(`  Open: ${url}\n`);
  console.log('Then click a capture in the explorer. Ctrl+C stops the server.');
  if (!findRipgrep()) console.log(`\nNote: ${RIPGREP_MISSING}`);
  const stop = async () => {
    await server.stop();
    runDir.remove();
    process.exit(0);
  };
  // vscode-server.mjs has its own SIGINT hook that kills synchronously; this one also cleans up.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
