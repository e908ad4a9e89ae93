// The renderers run in the worker, the CLI and the webview bundle alike: no vscode, no DOM
// globals, no Node built-ins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const DIR = join(__dirname, '..', '..', '..', '..', 'src', 'render');

test('src/render imports only its own and core modules, and uses no DOM', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length > 0);
  for (const f of files) {
    const src = readFileSync(join(DIR, f), 'utf8');
    for (const imp of ts.preProcessFile(src, true, true).importedFiles) {
      assert.match(imp.fileName, /^\.\.?\//, `${f} imports ${imp.fileName}`);
      assert.ok(!/\/(extension|worker|cli|webview)\//.test(imp.fileName), `${f} imports ${imp.fileName}`);
    }
    assert.ok(!/\b(document|window)\s*\.|\b(DOMParser|innerHTML|HTMLElement)\b/.test(src), `${f} touches the DOM`);
  }
});
