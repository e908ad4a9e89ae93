import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINDING_RULES, findingDocUrl } from '../../../src/core/engine/findings/registry';

// Tests run compiled one directory deeper (see cli.test.ts).
const root = join(__dirname, '..', '..', '..', '..');

test('every finding code in the registry has its own section in docs/findings.md, where its link points', () => {
  const headings = new Set(readFileSync(join(root, 'docs', 'findings.md'), 'utf8').split('\n')
    .filter((l) => l.startsWith('## ')).map((l) => l.slice(3).trim()));
  const codes = FINDING_RULES.map((r) => r.code);
  assert.equal(new Set(codes).size, codes.length, 'one entry per code');
  for (const r of FINDING_RULES) {
    assert.ok(headings.has(r.code), `docs/findings.md has no "## ${r.code}"`);
    assert.ok(findingDocUrl(r.code).endsWith(`docs/findings.md#${r.code}`));
  }
});

test('each registry entry names the source that decides the finding, and that source writes its code', () => {
  for (const r of FINDING_RULES) {
    const sources = r.decidedIn.split(', ').map((p) => {
      const full = join(root, 'src', 'core', p);
      assert.ok(existsSync(full), `${r.code}: ${p} does not exist`);
      return readFileSync(full, 'utf8');
    });
    assert.ok(sources.some((s) => s.includes(`'${r.code}'`)), `${r.code} is not written in ${r.decidedIn}`);
  }
});
