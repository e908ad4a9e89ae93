// The extension-host test suite (test/integration, mocha tdd) run inside the real VS Code
// server, offline: the web workbench takes extensionDevelopmentPath / extensionTestsPath from
// its URL payload (the server CLI refuses them), runs the suite in the server's extension
// host and reports the exit code through window.codeAutomationExit.
//
// `node scripts/e2e/integration.mjs` runs it on its own (npm run test:integration).
import * as esbuild from 'esbuild';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { makeRunDir, repoRoot, startServer } from '../vscode-server.mjs';
import { hardDeadline } from './steps.mjs';
import { launchBrowser, newPage } from './workbench.mjs';
import { sampleFiles } from './workspace.mjs';

const srcDir = join(repoRoot, 'test', 'integration');

/**
 * Bundles test/integration/*.ts to <base>/out/test/integration/ (mocha and vscode stay
 * external). The tests find the CLI relative to themselves, in <base>/dist.
 */
export async function buildIntegrationTests(base = repoRoot) {
  const outDir = join(base, 'out', 'test', 'integration');
  rmSync(outDir, { recursive: true, force: true });
  const entries = readdirSync(srcDir).filter((f) => f.endsWith('.ts')).map((f) => join(srcDir, f));
  await esbuild.build({
    entryPoints: entries, outdir: outDir, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    sourcemap: 'inline', packages: 'external', external: ['vscode'], logLevel: 'warning',
  });
  return join(outDir, 'index.js');
}

// Extension-host and server chatter that says nothing about our tests.
const NOISE = /spdlog|watchdog|open-vsx|vsda|ENOTFOUND|Ignoring option|marketplace|Service Worker|Creating a socket|connection token|ChatSession|builtin extensions cache|\[perf\]|update#|Extension host agent/i;

/**
 * Loads the workbench with the test payload and resolves with the suite's exit code
 * (0 = all passed). `workspace` is the folder the suite sees as its workspace.
 */
export async function runIntegrationSuite({ server, browser, workspace, extensionPath = repoRoot, timeoutMs = 300_000 }) {
  const testsIndex = await buildIntegrationTests(extensionPath);
  const page = await newPage(browser);
  try {
    let settle;
    const exited = new Promise((r) => { settle = r; });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      if (!NOISE.test(line)) console.log(`    ${line.replace(/\n/g, '\n    ')}`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => settle(code));
    const payload = [
      ['extensionDevelopmentPath', server.remoteUri(extensionPath)],
      ['extensionTestsPath', server.remoteUri(testsIndex)],
    ];
    await page.goto(server.url(workspace, payload));
    let timer;
    const timeout = new Promise((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); });
    const code = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (code === 'timeout') {
      console.log(`    extension-host suite did not finish within ${timeoutMs / 1000}s`);
      return 1;
    }
    return code;
  } finally {
    await page.context().close().catch(() => {});
  }
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url) && process.argv.includes('--build-only')) {
  console.log(await buildIntegrationTests());
} else if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  hardDeadline(600_000, 'test:integration');
  const ws = mkdtempSync(join(tmpdir(), 'synscope-itest-ws-'));
  for (const f of sampleFiles()) cpSync(f.path, join(ws, f.name));
  const runDir = makeRunDir({ prefix: 'synscope-itest-' });
  const server = await startServer(runDir);
  const browser = await launchBrowser();
  let code = 1;
  try {
    console.log(`extension-host suite against VS Code server on ${server.origin}`);
    code = await runIntegrationSuite({ server, browser, workspace: ws });
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    runDir.remove();
    rmSync(ws, { recursive: true, force: true });
  }
  console.log(code === 0 ? 'extension-host suite passed' : `extension-host suite FAILED (exit ${code})`);
  process.exit(code);
}
