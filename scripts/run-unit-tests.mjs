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
const files = walk('test/unit').filter((f) => f.includes(filter)).sort();
if (files.length === 0) {
  console.error(`no test files match "${filter}"`);
  process.exit(1);
}
rmSync('out/test/unit', { recursive: true, force: true }); // out/test/integration is the E2E's
await esbuild.build({
  entryPoints: files,
  outdir: 'out/test/unit',
  outbase: 'test/unit',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  packages: 'external',
  logLevel: 'warning',
});
const outFiles = files.map((f) => join('out/test/unit', relative('test/unit', f)).replace(/\.ts$/, '.js'));
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', ...process.argv.slice(2), ...outFiles], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
