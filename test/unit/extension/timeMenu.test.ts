import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TIME_MENU, menuChoice, tableMode } from '../../../webview/timeFormat';

// Compiled to out/unit-*/unit/extension/: the checkout is four levels up.
const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'));
const setting = pkg.contributes.configuration.properties['synscope.timeDisplay'];

test('the editor\'s time menu offers exactly the synscope.timeDisplay setting\'s choices, each once', () => {
  assert.deepEqual([...setting.enum].sort(), TIME_MENU.map((t) => t.display).sort());
  assert.equal(new Set(setting.enum).size, setting.enum.length, 'a value listed twice in package.json');
  assert.equal(setting.enum.length, setting.enumDescriptions.length, 'one description per value');
});

test('the menu starts from the setting, and older saved table modes still map to a choice', () => {
  for (const v of setting.enum) assert.equal(menuChoice(v), v);
  assert.equal(menuChoice('sinceStart'), 'sinceCapture');
  assert.equal(menuChoice('epoch'), 'absolute');
  assert.equal(menuChoice('nonsense'), null);
  // The table's Start column: a flow's start since its own first packet would always be 0.
  assert.equal(tableMode('relative'), 'sinceStart');
  assert.equal(tableMode('delta'), 'delta');
  assert.equal(tableMode('absolute'), 'epoch');
});
