// The expected values of the UI tests come from the headless CLI on the same file: what the
// webview and the Problems panel show must be what `synscope analyze --format json` says.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../vscode-server.mjs';

let cliPath = join(repoRoot, 'dist', 'cli.js');
const cache = new Map();

/** Use the CLI of another copy of the build (the E2E run's snapshot). */
export function useCliFrom(extensionDir) {
  cliPath = join(extensionDir, 'dist', 'cli.js');
  cache.clear();
}

/** The `synscope/1` result for a capture, from `node dist/cli.js analyze <file> --format json`. */
export function cliAnalyze(file) {
  if (cache.has(file)) return cache.get(file);
  if (!existsSync(cliPath)) throw new Error(`${cliPath} missing: run npm run build`);
  const r = spawnSync(process.execPath, [cliPath, 'analyze', file, '--format', 'json'], {
    encoding: 'utf8', maxBuffer: 512 * 1024 * 1024,
  });
  let result;
  try {
    result = JSON.parse(r.stdout);
  } catch {
    throw new Error(`synscope analyze ${file} gave no JSON (exit ${r.status}):\n${r.stderr.slice(0, 2000)}`);
  }
  if (result.schema !== 'synscope/1') throw new Error(`unexpected schema ${result.schema} from the CLI`);
  cache.set(file, result);
  return result;
}

/** Runs the CLI with arbitrary arguments; returns { status, stdout, stderr }. */
export function cli(args) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
}
