// Entry point the workbench loads as extensionTestsPath (same contract as @vscode/test-electron):
// runs every bundled *.test.js beside it with mocha's tdd UI and rejects when any test fails.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120_000, reporter: 'spec' });
  const filter = process.env.SYNSCOPE_ITEST_FILTER ?? '';
  for (const f of readdirSync(__dirname).sort()) {
    if (f.endsWith('.test.js') && f.includes(filter)) mocha.addFile(join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
}
