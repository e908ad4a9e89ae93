// User mistakes and hostile environments as the built CLI meets them: each ends with one plain
// line on stderr and exit 2 (or a quiet end for a closed pipe), never a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, TMP, runCli, scenarioFile, type CliRun } from './runCli';

/** What a stack trace looks like in Node's output. */
const STACK = /^\s+at .+[(:]\d+|^\w*Error:|node:internal/m;

function usage(args: string[]): CliRun {
  const r = runCli(args, { timeout: 60_000 });
  assert.equal(r.code, 2, `${args.join(' ')} → ${r.code} ${r.signal ?? ''}\n${r.err}`);
  assert.equal(r.out, '');
  assert.doesNotMatch(r.err, STACK, args.join(' '));
  return r;
}

test('an unknown option names the one that was meant', () => {
  const p = scenarioFile('refused');
  assert.match(usage(['analyze', p, '--formt', 'json']).err, /^synscope: unknown option --formt \(did you mean --format\?\)/);
  assert.match(usage(['analyze', p, '--max-flow=5']).err, /unknown option --max-flow \(did you mean --max-flows\?\)/);
  assert.match(usage(['analyze', p, '--slowrtt', '5ms']).err, /did you mean --slow-rtt\?/);
  assert.match(usage(['analyze', p, '--format', 'jsn']).err, /did you mean json\?/);
  assert.match(usage(['analyse', p]).err, /unknown command "analyse" \(did you mean analyze\?\)/);
  // Nothing close: no made-up suggestion.
  assert.doesNotMatch(usage(['analyze', p, '--zzzzzzzz']).err, /did you mean/);
  assert.match(usage(['analyze', p, '--format']).err, /--format needs a value/);
});

test('--slow-rtt needs a unit: 0.05 is refused with how to write it, 50ms and 0.05s mean the same', () => {
  const healthy = scenarioFile('healthy');
  assert.match(usage(['analyze', healthy, '--slow-rtt', '0.05']).err, /--slow-rtt 0\.05: give a unit, e\.g\. 0\.05ms or 0\.05s/);
  assert.match(usage(['analyze', healthy, '--slow-rtt', '200']).err, /give a unit/);
  // The healthy scenario's six handshakes take 8–32 ms: all slow at 5 ms, none at 50 ms.
  const slow = (d: string) => {
    const r = runCli(['analyze', healthy, '--format', 'json', '--slow-rtt', d]);
    assert.equal(r.code, 0, r.err);
    return (JSON.parse(r.out) as { findings: { code: string }[] }).findings.filter((f) => f.code === 'slow-handshake').length;
  };
  assert.equal(slow('50ms'), 0);
  assert.equal(slow('0.05s'), 0);
  assert.equal(slow('50000us'), 0);
  assert.equal(slow('5ms'), 6);
  assert.equal(slow('0.005s'), 6);
});

test('a missing capture or a directory: a plain sentence, no errno dump', () => {
  const missing = usage(['analyze', join(TMP, 'no-such.pcap')]);
  assert.match(missing.err, /^synscope: cannot read .*no-such\.pcap: no such file or directory$/m);
  assert.doesNotMatch(missing.err, /ENOENT/);
  const dir = join(TMP, 'a-folder');
  mkdirSync(dir, { recursive: true });
  // A folder is read as a set of captures (docs/fleet.md); one without any says so.
  const isDir = usage(['analyze', dir]);
  assert.match(isDir.err, /no captures in .*a-folder/);
  assert.doesNotMatch(isDir.err, /EISDIR/);
  assert.match(usage(['analyze', scenarioFile('refused'), '--config', dir]).err, /--config: .*a-folder is a directory/);
  assert.match(usage(['analyze', scenarioFile('refused'), '--config', join(TMP, 'nope.json')]).err, /--config: cannot read .*nope\.json: no such file or directory/);
});

test('--config reads at most 1 MiB: /dev/zero and a huge file are refused at once', () => {
  const p = scenarioFile('refused');
  // Before the limit, /dev/zero was read until the process held 1.5 GB (the timeout guards that).
  assert.match(usage(['analyze', p, '--config', '/dev/zero']).err, /--config: \/dev\/zero is larger than 1 MiB/);
  const big = join(TMP, 'big.json');
  writeFileSync(big, `{"slowRttMs": 5, "pad": "${'x'.repeat(2 << 20)}"}`);
  assert.match(usage(['analyze', p, '--config', big]).err, /big\.json is larger than 1 MiB/);
});

function toDevFull(format: string): CliRun {
  const fd = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, [CLI, 'analyze', scenarioFile('refused'), '--format', format], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    return { code: r.status ?? -1, signal: r.signal, out: '', err: String(r.stderr) };
  } finally {
    closeSync(fd);
  }
}

test('stdout on a full device: exit 2 with a message (exit 1 would mean "findings")', () => {
  for (const format of ['table', 'json', 'csv', 'sarif']) {
    const r = toDevFull(format);
    assert.equal(r.code, 2, `${format}: ${r.code}\n${r.err}`);
    assert.match(r.err, /^synscope: cannot write the report to stdout: no space left on the device$/m, format);
    assert.doesNotMatch(r.err, STACK, format);
  }
  const out = usage(['analyze', scenarioFile('refused'), '--output', '/dev/full']);
  assert.match(out.err, /cannot write \/dev\/full: no space left on the device/);
});

test('a reader that closes the pipe early (| head -1): quiet end with 141, as `cat | head` ends', () => {
  // The flood's 623 flows make every format larger than a pipe's buffer.
  const flood = scenarioFile('syn-flood-legit-clients');
  for (const format of ['table', 'json', 'csv']) {
    const r = spawnSync('bash', ['-c', `"$0" "$1" analyze "$2" --format "$3" --max-flows 100000 | head -1 >/dev/null; echo "status=\${PIPESTATUS[0]}" >&2`,
      process.execPath, CLI, flood, format], { encoding: 'utf8' });
    assert.equal(r.stderr, 'status=141\n', format);
  }
});
