// The synscope CLI as a user runs it: dist/cli.js spawned on generated captures (src/gen), every
// output format, exit codes, and a damaged file. `npm test` builds dist/ first; when run alone
// the test builds it if it is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SCENARIOS } from '../../../src/gen/index';
import type { AnalysisResult } from '../../../src/core/engine/result';
import { validate } from './jsonSchema';

const ROOT = join(__dirname, '..', '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const TMP = mkdtempSync(join(tmpdir(), 'synscope-cli-'));

if (!existsSync(CLI)) spawnSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'inherit' });

function run(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: TMP, maxBuffer: 1 << 28 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function scenario(name: string, format: 'pcap' | 'pcapng' = 'pcap'): string {
  const path = join(TMP, `${name}.${format}`);
  if (!existsSync(path)) writeFileSync(path, SCENARIOS[name].build(1).toBuffer({ container: format, resolution: 'us' }));
  return path;
}

function json(path: string, ...extra: string[]): AnalysisResult {
  const r = run('analyze', path, '--format', 'json', ...extra);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as AnalysisResult;
}

const SCHEMA = JSON.parse(readFileSync(join(ROOT, 'docs', 'synscope.schema.json'), 'utf8')) as Record<string, unknown>;

test('--help and --version', () => {
  const h = run('--help');
  assert.equal(h.code, 0);
  assert.match(h.out, /synscope analyze <capture>/);
  assert.match(h.out, /--fail-on warning\|error/);
  const v = run('--version');
  assert.equal(v.code, 0);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(v.out.trim(), pkg.version);
});

test('usage errors exit 2 with a message on stderr', () => {
  for (const args of [[], ['frobnicate'], ['analyze'], ['analyze', 'x.pcap', '--format', 'xml'], ['analyze', 'x.pcap', '--bogus'],
    ['analyze', 'x.pcap', '--fail-on', 'info'], ['analyze', 'x.pcap', '--max-flows', '-3'], ['analyze', 'x.pcap', '--slow-rtt', 'soon']]) {
    const r = run(...args);
    assert.equal(r.code, 2, `${args.join(' ')} → ${r.code}`);
    assert.match(r.err, /^synscope: /, args.join(' '));
    assert.equal(r.out, '');
  }
});

test('unreadable input exits 2: missing file, not a capture (with the byte offset)', () => {
  const missing = run('analyze', join(TMP, 'nope.pcap'));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read .*nope\.pcap/);
  const junk = join(TMP, 'junk.bin');
  writeFileSync(junk, Buffer.from('this is not a packet capture at all'));
  const r = run('analyze', junk);
  assert.equal(r.code, 2);
  assert.match(r.err, /byte 0/);
});

test('JSON: refused connections, exact summary, valid against docs/synscope.schema.json', () => {
  // The scenario: three SYNs to closed ports 8080, 8080, 9000 answered by RST/ACK, one healthy
  // connection to port 22 of the same host.
  const res = json(scenario('refused'));
  assert.deepEqual(validate(SCHEMA, res), []);
  assert.equal(res.schema, 'synscope/1');
  assert.equal(res.summary.flows, 4);
  assert.equal(res.summary.refused, 3);
  assert.equal(res.summary.handshakesComplete, 1);
  const refused = res.findings.filter((f) => f.code === 'refused');
  assert.deepEqual(refused.map((f) => res.flows.find((x) => x.id === f.flows[0])!.server.port).sort(), [8080, 8080, 9000]);
  assert.deepEqual(res.flows.filter((f) => f.state === 'REJ').length, 3);
});

test('every named scenario gives JSON that validates against the schema', () => {
  for (const name of Object.keys(SCENARIOS)) {
    const res = json(scenario(name, name === 'healthy' ? 'pcapng' : 'pcap'));
    assert.deepEqual(validate(SCHEMA, res), [], name);
  }
});

test('--fail-on: exit 1 only when a finding reaches the severity', () => {
  const path = scenario('refused'); // refused findings are warnings, none is an error
  assert.equal(run('analyze', path, '--fail-on', 'warning').code, 1);
  assert.equal(run('analyze', path, '--fail-on', 'error').code, 0);
  assert.equal(run('analyze', scenario('healthy'), '--fail-on', 'warning').code, 0);
});

test('--slow-rtt, --max-flows and --config change the analysis, never the counts', () => {
  const healthy = scenario('healthy');
  // Six handshakes with RTTs of 8–32 ms: none is slow at 200 ms, all are at 1 ms.
  assert.equal(json(healthy).findings.filter((f) => f.code === 'slow-handshake').length, 0);
  assert.equal(json(healthy, '--slow-rtt', '1ms').findings.filter((f) => f.code === 'slow-handshake').length, 6);
  const cfg = join(TMP, 'cfg.json');
  writeFileSync(cfg, JSON.stringify({ slowRttMs: 0.5 }));
  assert.equal(json(healthy, '--config', cfg).findings.filter((f) => f.code === 'slow-handshake').length, 6);
  const capped = json(healthy, '--max-flows', '2');
  assert.equal(capped.flows.length, 2);
  assert.equal(capped.summary.flows, 6);
  writeFileSync(cfg, '{ not json');
  assert.equal(run('analyze', healthy, '--config', cfg).code, 2);
});

test('CSV: a header and one row per flow', () => {
  const r = run('analyze', scenario('refused'), '--format', 'csv');
  assert.equal(r.code, 0);
  const lines = r.out.trimEnd().split('\r\n');
  assert.equal(lines.length, 1 + 4);
  assert.match(lines[0], /^id,client_ip,client_port,server_ip,server_port,/);
  assert.match(lines.slice(1).join('\n'), /,REJ,Sr,/);
});

test('SARIF 2.1.0: one rule per code with a docs link, results located in the capture', () => {
  const path = scenario('refused');
  const r = run('analyze', path, '--format', 'sarif');
  assert.equal(r.code, 0);
  const sarif = JSON.parse(r.out) as {
    version: string;
    runs: { tool: { driver: { name: string; rules: { id: string; helpUri: string }[] } }; results: { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
  };
  assert.equal(sarif.version, '2.1.0');
  const run0 = sarif.runs[0];
  assert.equal(run0.tool.driver.name, 'synscope');
  assert.deepEqual(run0.tool.driver.rules.map((x) => x.id), ['refused']);
  assert.equal(run0.tool.driver.rules[0].helpUri, 'https://github.com/synscope/synscope/blob/main/docs/findings.md#refused');
  assert.equal(run0.results.length, 3);
  for (const res of run0.results) {
    assert.equal(res.ruleId, 'refused');
    assert.equal(res.level, 'warning');
    // An absolute path is reported as a file:// URI (Node's pathToFileURL is the reference).
    assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, pathToFileURL(path).href);
    assert.match(res.message.text, /refused the connection/);
  }
});

test('table: what happened first (when there is a story), then summary, findings, flows', () => {
  const r = run('analyze', scenario('syn-flood-cookies'));
  assert.equal(r.code, 0);
  const at = (s: string) => r.out.indexOf(s);
  assert.ok(at('What happened') > 0, r.out.slice(0, 400));
  assert.ok(at('What happened') < at('Summary'));
  assert.ok(at('Summary') < at('Findings ('));
  assert.ok(at('Findings (') < at('Flows ('));
  assert.match(r.out, /syn-flood/);
  const plain = run('analyze', scenario('refused'));
  assert.ok(!plain.out.includes('What happened'));
  assert.match(plain.out, /REJ/);
});

test('--output writes the report to a file', () => {
  const out = join(TMP, 'report.json');
  const r = run('analyze', scenario('refused'), '--format', 'json', '--output', out);
  assert.equal(r.code, 0);
  assert.equal(r.out, '');
  assert.equal((JSON.parse(readFileSync(out, 'utf8')) as AnalysisResult).summary.flows, 4);
});

test('a damaged capture: problems with byte offsets, every flow before the damage still reported', () => {
  const good = readFileSync(scenario('refused'));
  // Cut the file in the middle of the last packet record: everything before it is intact.
  const damaged = join(TMP, 'damaged.pcap');
  writeFileSync(damaged, good.subarray(0, good.length - 10));
  const r = run('analyze', damaged, '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const res = JSON.parse(r.out) as AnalysisResult;
  assert.ok(res.capture.problems.length >= 1);
  const p = res.capture.problems[0];
  assert.match(r.err, new RegExp(`byte ${p.offset}`));
  assert.ok(p.offset > 24 && p.offset < good.length);
  assert.equal(res.summary.flows, 4);
  const dmg = res.findings.filter((f) => f.code === 'capture-damaged');
  assert.equal(dmg.length, res.capture.problems.length);
  assert.match(dmg[0].message, new RegExp(`byte ${p.offset}`));
  assert.equal(dmg[0].severity, 'error');
  // The same file in the table format names the offset too.
  assert.match(run('analyze', damaged).out, new RegExp(`byte ${p.offset}`));
});
