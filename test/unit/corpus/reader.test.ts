/**
 * The reader and decoder against tshark on the shared corpus (../shared/captures, with tshark
 * 4.0.17 truth JSON per capture). Where we differ from tshark on purpose, the reason is pinned in
 * PINNED (test/unit/capture/tsharkCheck.ts) and asserted, so a change in either direction fails.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { checkAgainstTshark, repoRoot } from '../capture/tsharkCheck';

const CORPUS = resolve(repoRoot(), '../shared/captures');

function walk(d: string): string[] {
  return readdirSync(d).sort().flatMap((n) => {
    const p = join(d, n);
    if (statSync(p).isDirectory()) return n === 'expected' && d === CORPUS ? [] : walk(p);
    return n.endsWith('.md') ? [] : [p];
  });
}

if (!existsSync(CORPUS)) {
  console.log(`corpus tests: ${CORPUS} does not exist; the reader corpus suite was not run`);
} else {
  describe('reader and decoder vs tshark on the shared corpus', () => {
    const files = walk(CORPUS).filter((f) => existsSync(join(CORPUS, 'expected', `${relative(CORPUS, f)}.tshark.json`)));
    it('finds the corpus', () => assert.ok(files.length >= 100, `${files.length} captures`));
    for (const file of files) {
      const rel = relative(CORPUS, file);
      it(rel, async () => {
        await checkAgainstTshark(file, join(CORPUS, 'expected', `${rel}.tshark.json`), rel);
      });
    }
  });
}
