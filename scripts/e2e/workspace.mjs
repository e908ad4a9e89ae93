// The captures the E2E workspace holds: the bundled samples/ (committed), so the tests need
// nothing outside the checkout.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../vscode-server.mjs';

const CAPTURE = /\.(pcap|pcapng|cap)(\.gz)?$/i;

/**
 * [{ name, path }] of every capture under samples/ (names must be unique).
 * SYNSCOPE_SAMPLES_DIR points elsewhere, for trying the tests on other captures.
 */
export function sampleFiles() {
  const dir = process.env.SYNSCOPE_SAMPLES_DIR ?? join(repoRoot, 'samples');
  if (!existsSync(dir)) throw new Error(`${dir} is missing: the E2E tests run on the bundled sample captures`);
  const out = [];
  const walk = (d) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (CAPTURE.test(n)) out.push({ name: n, path: p });
    }
  };
  walk(dir);
  if (out.length === 0) throw new Error('samples/ holds no captures');
  return out;
}
