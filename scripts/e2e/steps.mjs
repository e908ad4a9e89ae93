// A small step runner for the E2E script: named steps, a PNG after each step (and a
// `*-FAIL.png` when one throws), a summary, and a hard deadline for the whole run.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export class Steps {
  /** @param {string} outDir where screenshots go (test-results/) */
  constructor(outDir, { bail = false } = {}) {
    this.outDir = outDir;
    // --bail: after the first failure the remaining steps are skipped (the mutation runs only
    // need to know that something failed, not wait out every later step's timeout).
    this.bail = bail;
    mkdirSync(outDir, { recursive: true });
    this.results = [];
    this.shot = 0;
  }

  /**
   * Runs `fn`; on success saves `e2e-NN-<name>.png` of `page` (when given), on failure
   * `e2e-NN-<name>-FAIL.png` and records the error. Returns false on failure so a scenario
   * can stop (later steps depend on earlier ones) while other scenarios still run.
   */
  async run(name, page, fn) {
    if (this.bail && this.failed.length > 0) {
      console.log(`  - ${name} (skipped: --bail)`);
      return false;
    }
    const t0 = Date.now();
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const nn = String(++this.shot).padStart(2, '0');
    try {
      await fn();
      const ms = Date.now() - t0;
      if (page) {
        // Park the mouse on the empty tab bar so no hover tooltip covers the picture.
        await page.mouse.move(1000, 45);
        await page.screenshot({ path: join(this.outDir, `e2e-${nn}-${slug}.png`) });
      }
      this.results.push({ name, ok: true, ms });
      console.log(`  ✔ ${name} (${ms} ms)`);
      return true;
    } catch (err) {
      const ms = Date.now() - t0;
      if (page) await page.screenshot({ path: join(this.outDir, `e2e-${nn}-${slug}-FAIL.png`) }).catch(() => {});
      this.results.push({ name, ok: false, ms, err });
      console.log(`  ✘ ${name} (${ms} ms)\n${indent(err?.stack ?? String(err))}`);
      const log = page?.consoleLog?.filter((l) => !/vsda|open-vsx|marketplace|ENOTFOUND|bindings file|spdlog|watchdog|Service Worker|allow-same-origin|web worker extension host/i.test(l)).slice(-25);
      if (log?.length) console.log(`    workbench console (last ${log.length}):\n${indent(log.join('\n'))}`);
      return false;
    }
  }

  get failed() {
    return this.results.filter((r) => !r.ok);
  }

  summary() {
    const f = this.failed;
    console.log(`\n${this.results.length - f.length} passed, ${f.length} failed`);
    for (const r of f) console.log(`  ✘ ${r.name}: ${String(r.err?.message ?? r.err).split('\n')[0]}`);
    return f.length === 0;
  }
}

function indent(s) {
  return s.split('\n').map((l) => `      ${l}`).join('\n');
}

/**
 * Kills the script if it runs past `ms`: process groups started via vscode-server.mjs are
 * killed by its exit hook, and playwright kills its browser when the process exits.
 */
export function hardDeadline(ms, what) {
  const t = setTimeout(() => {
    console.error(`\n${what}: hard timeout after ${Math.round(ms / 1000)}s, stopping everything`);
    process.exit(124);
  }, ms);
  t.unref();
  return t;
}
