// Bundles each test/unit/**/*.test.ts with esbuild (fast; tsc already type-checked them) and
// runs them with node's own test runner. Extra args are passed to `node --test`
// (e.g. --test-name-pattern). Set TEST_FILTER=substring to run only matching files.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filter = process.env.TEST_FILTER ?? '';
// TEST_DIR: another suite with the same layout (test/kernel-live: real tcpdump, needs root).
const suite = process.env.TEST_DIR ?? 'test/unit';
const files = walk(suite).filter((f) => f.includes(filter)).sort();
if (files.length === 0) {
  console.error(`no test files match "${filter}"`);
  process.exit(1);
}
// Each run bundles into its own folder (same depth as out/test/unit, so tests that find the
// repo from __dirname still work): several runs at once must not delete each other's files.
const outDir = `out/unit-${process.pid}/unit`;
rmSync(outDir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: files,
  outdir: outDir,
  outbase: suite,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  packages: 'external',
  logLevel: 'warning',
});
const outFiles = files.map((f) => join(outDir, relative(suite, f)).replace(/\.ts$/, '.js'));
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', ...process.argv.slice(2), ...outFiles], {
  stdio: 'inherit',
});
rmSync(`out/unit-${process.pid}`, { recursive: true, force: true });
process.exit(r.status ?? 1);
