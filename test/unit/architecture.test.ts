// The reader and engine must run without VS Code (CLI, worker, tests use them directly), and
// the webview must never reach into the extension host. These boundaries are kept by a test,
// not by habit (vscode-hexeditor's shared/ folder shows how a habit slips).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  const abs = join(ROOT, dir);
  const out: string[] = [];
  for (const name of readdirSync(abs)) {
    const p = join(abs, name);
    if (statSync(p).isDirectory()) out.push(...sources(join(dir, name)));
    else if (/\.(ts|mts|js)$/.test(name)) out.push(join(dir, name));
  }
  return out;
}

const importsVscode = /(?:from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/;

for (const dir of ['src/core', 'src/cli', 'src/worker', 'src/protocol', 'webview']) {
  test(`${dir} does not import vscode`, () => {
    const offenders = sources(dir).filter((f) => importsVscode.test(readFileSync(join(ROOT, f), 'utf8')));
    assert.deepEqual(offenders, []);
  });
}

test('the webview imports nothing from the extension host or worker', () => {
  const offenders = sources('webview').filter((f) =>
    /from\s+['"][./]*(?:\.\.\/)?src\/(?:extension|worker|cli)\//.test(readFileSync(join(ROOT, f), 'utf8')),
  );
  assert.deepEqual(offenders, []);
});
