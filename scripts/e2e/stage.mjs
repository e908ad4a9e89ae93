// A snapshot of the built extension for one E2E run: package.json, dist/, media/, docs and the
// readme files copied to a temp folder (node_modules linked for the test runner's mocha). The
// run then sees one consistent build even while the checkout is rebuilt underneath it.
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../vscode-server.mjs';

const COPY = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist', 'media', 'docs'];

export function stageExtension() {
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run npm run build');
  const dir = mkdtempSync(join(tmpdir(), 'synscope-e2e-ext-'));
  for (const f of COPY) if (existsSync(join(repoRoot, f))) cpSync(join(repoRoot, f), join(dir, f), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
