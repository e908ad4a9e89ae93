// `npm start` on a machine without ripgrep: the VS Code server tree is still finished (the
// workbench and its Explorer work without rg), with a note saying how to get Quick Open file
// search. Run in a real node process on the real scripts/vscode-server.mjs, with PATH pointing
// only at folders that lack (or have) the real rg.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './runCli';

const SCRIPT = pathToFileURL(join(ROOT, 'scripts', 'vscode-server.mjs')).href;

/** A stand-in for an unpacked lib/vscode after `npm install`: what finishServerTree gets. */
function serverTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'synscope-tree-'));
  mkdirSync(join(dir, 'node_modules'));
  return dir;
}

function finish(tree: string, PATH: string) {
  const code = `import { finishServerTree } from ${JSON.stringify(SCRIPT)}; finishServerTree(process.env.TREE);`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env, PATH, TREE: tree }, encoding: 'utf8' });
}

function realRg(): string | undefined {
  for (const d of (process.env.PATH ?? '').split(':')) if (d && existsSync(join(d, 'rg'))) return join(d, 'rg');
  return undefined;
}

test('without rg on PATH the server tree is finished anyway, with how to install ripgrep', () => {
  const tree = serverTree();
  const empty = mkdtempSync(join(tmpdir(), 'synscope-no-rg-'));
  const r = finish(tree, empty);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  assert.match(r.stderr, /Quick Open/);
  assert.match(r.stderr, /apt-get install ripgrep/);
  assert.ok(existsSync(join(tree, '.complete')), 'the tree is marked complete');
  assert.ok(lstatSync(join(tree, 'node_modules.asar')).isSymbolicLink());
  assert.equal(existsSync(join(tree, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg')), false);
  // A file named rg that cannot be run is not ripgrep either.
  writeFileSync(join(empty, 'rg'), 'not a program');
  assert.match(finish(serverTree(), empty).stderr, /apt-get install ripgrep/);
});

test('with rg on PATH it is linked where VS Code looks for it, without a warning', { skip: realRg() ? false : 'ripgrep is not installed here' }, () => {
  const bin = mkdtempSync(join(tmpdir(), 'synscope-rg-'));
  symlinkSync(realRg()!, join(bin, 'rg'));
  const tree = serverTree();
  const r = finish(tree, bin);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const link = join(tree, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  assert.equal(readlinkSync(link), join(bin, 'rg'));
  const v = spawnSync(link, ['--version'], { encoding: 'utf8' });
  assert.match(v.stdout, /^ripgrep \d/);
});
