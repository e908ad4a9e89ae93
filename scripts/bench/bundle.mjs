// Bundles a TypeScript entry with esbuild into a temp CJS file and loads it, so scripts can
// use src/ code (the generator, the reader) without a separate build step.
import * as esbuild from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Entries are relative to the repository root, whatever the working directory. */
const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

const require = createRequire(import.meta.url);

/** Returns the path of the bundled file. */
export async function bundleTs(entry, name = 'bundle') {
  const dir = mkdtempSync(join(tmpdir(), 'synscope-bundle-'));
  const outfile = join(dir, `${name}.cjs`);
  await esbuild.build({ entryPoints: [isAbsolute(entry) ? entry : join(ROOT, entry)], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'warning' });
  return outfile;
}

export async function loadTs(entry, name) {
  return require(await bundleTs(entry, name));
}
