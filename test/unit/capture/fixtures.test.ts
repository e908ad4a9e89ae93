/**
 * Always-run checks on corpus captures copied into test/fixtures/reader (sources and licences in
 * test/fixtures/README.md), each against the tshark truth JSON copied next to it.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { checkAgainstTshark, repoRoot } from './tsharkCheck';

const ROOT = join(repoRoot(), 'test/fixtures/reader');

function walk(d: string): string[] {
  return readdirSync(d).sort().flatMap((n) => {
    const p = join(d, n);
    if (statSync(p).isDirectory()) return n === 'expected' && d === ROOT ? [] : walk(p);
    return [p];
  });
}

describe('reader fixtures vs tshark', () => {
  const files = walk(ROOT);
  it('has the fixtures: pcap LE/BE µs and ns, modified pcap, multi-section pcapng LE/BE, gzip, SLL2, NULL, raw IP', () => {
    assert.equal(files.length, 16);
  });
  for (const file of files) {
    const rel = relative(ROOT, file);
    it(rel, () => checkAgainstTshark(file, join(ROOT, 'expected', `${rel}.tshark.json`), rel));
  }
});
