// The launcher that re-runs the CLI with a heap cap (src/cli/relaunch.ts), as a user meets it:
// the heap it gives the analysis, and what happens to that analysis when synscope is killed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, TMP, runCli, scenarioFile } from './runCli';

/** The heap limit (MiB) of the process that ran the analysis, printed by a preload in the child. */
function childHeapMb(...args: string[]): number {
  const preload = join(TMP, 'print-heap.js');
  writeFileSync(preload, `if (process.env.SYNSCOPE_CHILD) process.stderr.write('heap-limit ' + require('v8').getHeapStatistics().heap_size_limit + '\\n');\n`);
  const r = runCli(['analyze', scenarioFile('refused'), '--format', 'json', ...args], { env: { ...process.env, NODE_OPTIONS: `--require ${preload}` } });
  assert.equal(r.code, 0, r.err);
  const m = /heap-limit (\d+)/.exec(r.err);
  assert.ok(m, `the analysis did not run in a re-launched child: ${r.err}`);
  return Number(m[1]) / 2 ** 20;
}

test('--max-flows=N sizes the heap like --max-flows N (a 10^6-flow listing gets ~6 GB, not the default ~155 MB)', () => {
  const spaced = childHeapMb('--max-flows', '1000000');
  const withEquals = childHeapMb('--max-flows=1000000');
  const byDefault = childHeapMb();
  // 96 MB + 6 KB per listed flow: 10^6 flows ask for about 5.9 GB of old space.
  assert.ok(spaced > 5000, `heap for 10^6 flows: ${spaced} MiB`);
  assert.equal(withEquals, spaced);
  assert.ok(byDefault < 400, `default heap: ${byDefault} MiB`);
  // A config file's maxFlows counts too (the flag still wins over it).
  const cfg = join(TMP, 'million.json');
  writeFileSync(cfg, JSON.stringify({ maxFlows: 1000000 }));
  assert.equal(childHeapMb('--config', cfg), spaced);
  assert.equal(childHeapMb('--config', cfg, '--max-flows=10000'), byDefault);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * synscope started on a FIFO nobody writes to: the analysis child blocks opening it, so it is
 * still running when the test signals. Resolves with the launcher and the child's pid.
 */
async function blockedRun(name: string): Promise<{ launcher: ReturnType<typeof spawn>; childPid: number; err: () => string }> {
  const fifo = join(TMP, `${name}.pcap`);
  if (!existsSync(fifo)) execFileSync('mkfifo', [fifo]);
  const launcher = spawn(process.execPath, [CLI, 'analyze', fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  launcher.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  let ended = false;
  launcher.on('exit', () => (ended = true));
  for (;;) {
    if (ended) throw new Error(`synscope ended before starting an analysis child: ${err}`);
    let out = '';
    try {
      out = execFileSync('pgrep', ['-P', String(launcher.pid)], { encoding: 'utf8' });
    } catch {
      // no child yet
    }
    const pid = Number(out.trim().split('\n')[0]);
    if (pid > 0) return { launcher, childPid: pid, err: () => err };
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  test(`${sig} to synscope stops the analysis child too and ends synscope by ${sig}`, async () => {
    const { launcher, childPid } = await blockedRun(`fifo-${sig}`);
    try {
      const exited = once(launcher, 'exit');
      launcher.kill(sig);
      const [code, signal] = await exited as [number | null, NodeJS.Signals | null];
      assert.equal(signal, sig, `launcher ended with code ${code}, signal ${signal}`);
      assert.equal(alive(childPid), false, `analysis child ${childPid} outlived synscope`);
    } finally {
      if (alive(childPid)) process.kill(childPid, 'SIGKILL');
    }
  });
}

test('an analysis child killed from outside: synscope says so and exits 2', async () => {
  const { launcher, childPid, err } = await blockedRun('fifo-kill');
  const exited = once(launcher, 'exit');
  process.kill(childPid, 'SIGKILL');
  const [code] = await exited as [number | null];
  assert.equal(code, 2);
  assert.match(err(), /^synscope: the analysis process was stopped by SIGKILL/m);
});

test('a config that can be read only once (--config /dev/stdin) reaches the analysis child', () => {
  // healthy: six handshakes of 8–32 ms, all slow against a 1 ms threshold.
  const r = runCli(['analyze', scenarioFile('healthy'), '--format', 'json', '--config', '/dev/stdin'], { input: '{"slowRttMs": 1}' });
  assert.equal(r.code, 0, r.err);
  const res = JSON.parse(r.out) as { findings: { code: string }[] };
  assert.equal(res.findings.filter((f) => f.code === 'slow-handshake').length, 6);
  // The same through a shell pipe (what `… | synscope --config /dev/stdin` gives).
  const piped = spawnSync('bash', ['-c', `printf '{"slowRttMs": 1}' | "$0" "$1" analyze "$2" --format json --config /dev/stdin`,
    process.execPath, CLI, scenarioFile('healthy')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(piped.status, 0, piped.stderr);
  const viaPipe = JSON.parse(piped.stdout) as { findings: { code: string }[] };
  assert.equal(viaPipe.findings.filter((f) => f.code === 'slow-handshake').length, 6);
  const dash = runCli(['analyze', scenarioFile('healthy'), '--format', 'json', '--config', '-'], { input: '{"slowRttMs": 1}' });
  assert.equal(dash.code, 0, dash.err);
  assert.equal((JSON.parse(dash.out) as { findings: { code: string }[] }).findings.filter((f) => f.code === 'slow-handshake').length, 6);
});
