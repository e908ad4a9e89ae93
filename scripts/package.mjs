// `npm run package`: the .vsix. Builds minified bundles without source maps, packs with
// @vscode/vsce (offline; --no-dependencies because esbuild bundles everything), checks that
// only what a user needs went in and that it stays small, then restores the development build.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './vscode-server.mjs';

const MAX_BYTES = 5 * 1024 * 1024;
const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const vsix = join(repoRoot, `${name}-${version}.vsix`);
const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    console.error(`${[cmd, ...args].join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
    process.exit(1);
  }
  return r.stdout;
}

let failed = false;
try {
  run(process.execPath, ['esbuild.mjs', '--production']);
  // What vsce will put in, before packing: no sources, tests, maps or node_modules.
  const files = run(process.execPath, [vsce, 'ls', '--no-dependencies']).split('\n').map((l) => l.trim()).filter(Boolean);
  const bad = files.filter((f) => /\.map$|\.ts$|^(src|test|out|scripts|node_modules|webview|samples|\.vscode-test)\//.test(f));
  for (const need of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist/extension.js']) {
    if (!files.includes(need)) { console.error(`the package would lack ${need}`); failed = true; }
  }
  if (bad.length) { console.error(`the package would contain files users don't need:\n  ${bad.join('\n  ')}`); failed = true; }
  if (!failed) {
    run(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix]);
    const size = statSync(vsix).size;
    console.log(`${vsix}: ${(size / 1024).toFixed(0)} KiB, ${files.length} files:\n  ${files.join('\n  ')}`);
    if (size > MAX_BYTES) { console.error(`the .vsix is ${size} bytes, over the ${MAX_BYTES} limit`); failed = true; }
  }
} finally {
  run(process.execPath, ['esbuild.mjs']);
}
process.exit(failed ? 1 : 0);
