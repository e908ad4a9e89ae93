// The built CLI (dist/cli.js) as a user runs it, for the CLI tests. `npm test` builds dist/
// first; when a test file runs alone it builds dist/ if it is missing.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCENARIOS } from '../../../src/gen/index';

export const ROOT = join(__dirname, '..', '..', '..', '..');
// SYNSCOPE_CLI runs the same tests against another build (e.g. an older commit's, to see them fail).
export const CLI = process.env.SYNSCOPE_CLI || join(ROOT, 'dist', 'cli.js');
export const TMP = mkdtempSync(join(tmpdir(), 'synscope-cli-'));

if (!existsSync(CLI)) spawnSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'inherit' });

export interface CliRun { code: number; signal: NodeJS.Signals | null; out: string; err: string }

export function runCli(args: string[], opts: SpawnSyncOptions = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: TMP, maxBuffer: 1 << 28, ...opts });
  return { code: r.status ?? -1, signal: r.signal, out: String(r.stdout), err: String(r.stderr) };
}

/** A generated capture (src/gen scenario) written once into the test folder. */
export function scenarioFile(name: string, format: 'pcap' | 'pcapng' = 'pcap', dir = TMP, file = `${name}.${format}`): string {
  const path = join(dir, file);
  if (!existsSync(path)) writeFileSync(path, SCENARIOS[name].build(1).toBuffer({ container: format, resolution: 'us' }));
  return path;
}
