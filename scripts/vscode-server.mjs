// Installs, caches and runs the pinned VS Code server that the E2E tests, the extension-host
// suite and `npm start` use offline (see ../shared/notes/vscode-offline.md, "variant A").
//
// The npm package code-server@4.100.3 carries a complete VS Code 1.100.3 server (remote
// extension host + web workbench) in lib/vscode; we run its server-main.js directly, so
// nothing is compiled. 4.100.3 is the last release that runs on Node 20.
//
// Every process started here runs in its own process group (spawn `detached` = setsid) and is
// stopped with `kill -- -pid`, so the extension host and file watchers go with the server.
import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync, constants as fsConstants, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync,
  statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheRoot = join(repoRoot, '.vscode-test');

/** The cached tree is keyed on what makes it non-portable: server version, Node ABI, platform. */
const serverKey = `vscode-server-${VSCODE_VERSION}-node${process.versions.node.split('.')[0]}-${process.platform}-${process.arch}`;
export const serverRoot = join(cacheRoot, serverKey);
export const serverMain = join(serverRoot, 'out', 'server-main.js');

/** Settings without which the workbench shows the trust dialog and the walkthrough. */
export const WORKBENCH_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'git.enabled': false,
  'window.commandCenter': false,
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/** The first executable `rg` on `path` (default: this process's PATH), or null. */
export function findRipgrep(path = process.env.PATH ?? '') {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const rg = join(dir, 'rg');
    try {
      accessSync(rg, fsConstants.X_OK);
      if (statSync(rg).isFile()) return rg;
    } catch { /* not here */ }
  }
  return null;
}

export const RIPGREP_MISSING = 'ripgrep (rg) is not installed: the workbench and its Explorer work, but Quick Open '
  + 'file search (Ctrl+P) and Find in Files need it. Install it with: apt-get install ripgrep';

let warnedRipgrep = false;

/**
 * VS Code's search runs the `rg` of its @vscode/ripgrep module, whose download code-server
 * skips; Debian's ripgrep is linked in its place. Without one the server still runs (only
 * file search is missing), so this warns once and returns false instead of failing.
 */
export function linkRipgrep(root, { path, warn = console.warn } = {}) {
  const rgDir = join(root, 'node_modules', '@vscode', 'ripgrep', 'bin');
  const link = join(rgDir, 'rg');
  const rg = findRipgrep(path);
  if (!rg) {
    if (!warnedRipgrep) warn(RIPGREP_MISSING);
    warnedRipgrep = true;
    return false;
  }
  mkdirSync(rgDir, { recursive: true });
  rmSync(link, { force: true });
  symlinkSync(rg, link);
  return true;
}

/** Whether the server tree has a working rg (a link that resolves to an executable). */
function hasRipgrep(root) {
  try {
    accessSync(join(root, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'), fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The steps after `npm install` that make an unpacked lib/vscode a runnable server: rg (when
 * there is one), the node_modules.asar link, and the marker that says the tree is complete.
 */
export function finishServerTree(vscodeDir, { path, warn } = {}) {
  linkRipgrep(vscodeDir, { path, warn });
  // code-server's postinstall makes this link; VS Code looks for modules there.
  const asar = join(vscodeDir, 'node_modules.asar');
  if (!existsSync(asar) && !isLink(asar)) symlinkSync('node_modules', asar);
  writeFileSync(join(vscodeDir, '.complete'), `${new Date().toISOString()}\n`);
}

function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Makes sure the pinned server is installed under .vscode-test/ and returns its root.
 * The tree is built in a scratch folder and renamed into place, so an interrupted install
 * never leaves a half-populated cache that later runs would trust. A cached tree installed
 * without ripgrep gets it linked as soon as it is there.
 */
export function ensureServer({ log = console.log, warn = console.warn } = {}) {
  if (existsSync(serverMain) && existsSync(join(serverRoot, '.complete'))) {
    if (!hasRipgrep(serverRoot)) linkRipgrep(serverRoot, { warn });
    return serverRoot;
  }
  const t0 = Date.now();
  mkdirSync(cacheRoot, { recursive: true });
  const scratch = mkdtempSync(join(cacheRoot, 'install-'));
  // A private npm cache makes reinstalls work offline (npm_config_offline=true).
  const env = { ...process.env, npm_config_cache: join(cacheRoot, 'npm-cache'), npm_config_update_notifier: 'false' };
  try {
    log(`installing code-server@${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION} server) into ${serverRoot}`);
    run('npm', ['pack', `code-server@${CODE_SERVER_VERSION}`, '--pack-destination', scratch, '--silent'], { env });
    const tgz = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error('npm pack produced no tarball');
    run('tar', ['xzf', tgz, 'package/lib/vscode'], { cwd: scratch });
    const vscodeDir = join(scratch, 'package', 'lib', 'vscode');
    // --no-save keeps the shipped shrinkwrap intact; `npm ci` refuses it (out of sync upstream).
    run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-save', '--no-audit', '--no-fund'], { cwd: vscodeDir, env });
    finishServerTree(vscodeDir, { warn });
    rmSync(serverRoot, { recursive: true, force: true });
    renameSync(vscodeDir, serverRoot);
    log(`server installed in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return serverRoot;
}

/** A port the OS says is free right now (the server binds it a moment later). */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/**
 * A throwaway run folder: user data with the required settings, server data, and an
 * extensions folder. `extensions` maps folder names in the extensions dir to paths to link.
 */
export function makeRunDir({ prefix = 'synscope-vscode-', settings = {}, extensions = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const userSettings = join(dir, 'ud', 'User');
  mkdirSync(userSettings, { recursive: true });
  mkdirSync(join(dir, 'sd'), { recursive: true });
  mkdirSync(join(dir, 'exts'), { recursive: true });
  writeFileSync(join(userSettings, 'settings.json'), JSON.stringify({ ...WORKBENCH_SETTINGS, ...settings }, null, 2));
  // No extensions.json: the server then scans the folder (an existing one would be authoritative).
  for (const [name, target] of Object.entries(extensions)) symlinkSync(target, join(dir, 'exts', name));
  return {
    dir,
    userDataDir: join(dir, 'ud'),
    serverDataDir: join(dir, 'sd'),
    extensionsDir: join(dir, 'exts'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function serverArgs(runDir) {
  return [
    '--accept-server-license-terms', '--disable-telemetry',
    '--server-data-dir', runDir.serverDataDir,
    '--user-data-dir', runDir.userDataDir,
    '--extensions-dir', runDir.extensionsDir,
  ];
}

/** `--install-extension` into the run's extensions dir (no gallery is contacted for a .vsix). */
export function installExtension(runDir, vsixPath) {
  return run(process.execPath, [serverMain, ...serverArgs(runDir), '--install-extension', vsixPath]);
}

/** `publisher.name@version` lines, as the server sees the run's extensions dir. */
export function listExtensions(runDir) {
  return run(process.execPath, [serverMain, ...serverArgs(runDir), '--list-extensions', '--show-versions'])
    .split('\n').map((l) => l.trim()).filter((l) => /^[\w.-]+@/.test(l));
}

const groups = new Set();

/** Kills a process group started here: SIGTERM, then SIGKILL if it lingers. */
export async function killGroup(pid, graceMs = 3000) {
  if (!groups.has(pid)) return;
  groups.delete(pid);
  const alive = () => { try { process.kill(-pid, 0); return true; } catch { return false; } };
  try { process.kill(-pid, 'SIGTERM'); } catch { return; }
  for (const until = Date.now() + graceMs; alive() && Date.now() < until;) await new Promise((r) => setTimeout(r, 100));
  if (alive()) { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } }
}

/** Last-resort cleanup when the script itself dies: no server may outlive it. */
function killAllSync() {
  for (const pid of groups) { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } }
  groups.clear();
}
process.on('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { killAllSync(); process.exit(130); });
}

/**
 * Starts the server on 127.0.0.1 and a free port, waits until /version answers, and returns
 * `{ port, origin, stop() }`. Server output goes to `logFile` (and to the console with `echo`).
 */
export async function startServer(runDir, { logFile = join(runDir.dir, 'server.log'), echo = false, port } = {}) {
  ensureServer();
  port ??= await freePort();
  const { openSync } = await import('node:fs');
  const out = echo ? 'inherit' : openSync(logFile, 'a');
  const child = spawn(process.execPath, [
    serverMain, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token',
    '--disable-workspace-trust', ...serverArgs(runDir),
  ], { detached: true, stdio: ['ignore', out, out] });
  groups.add(child.pid);
  let exited = null;
  child.on('exit', (code, sig) => { exited = code ?? sig; groups.delete(child.pid); });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== null) throw new Error(`VS Code server exited (${exited}) before answering; see ${logFile}`);
    try {
      const r = await fetch(`${origin}/version`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await killGroup(child.pid);
      throw new Error(`VS Code server did not answer on ${origin} within 30s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    port,
    origin,
    pid: child.pid,
    logFile,
    /** Workbench URL for a folder, with optional URL payload (extensionDevelopmentPath …). */
    url(folder, payload) {
      let u = `${origin}/?folder=${encodeURIComponent(folder)}`;
      if (payload) u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return u;
    },
    /** `vscode-remote://` URI for a server-side path, as the URL payload needs. */
    remoteUri(path) {
      return `vscode-remote://127.0.0.1:${port}${path}`;
    },
    stop: () => killGroup(child.pid),
  };
}

// `node scripts/vscode-server.mjs install` pre-fills the cache (used by .ci/run for timings).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'install') {
    ensureServer();
    console.log(serverRoot);
  } else {
    console.error('usage: node scripts/vscode-server.mjs install');
    process.exit(2);
  }
}
