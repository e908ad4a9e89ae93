// `synscope analyze --servers` as a user runs it (dist/cli.js): the JSON with `servers`
// validates against docs/synscope.schema.json; without the flag there is no `servers` key; the
// table gains a Servers section naming the slowed listener and its change point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from '../cli/jsonSchema';

const ROOT = join(__dirname, '..', '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'listeners', 'delay-at-15.5s.pcap.gz');
const SCHEMA = JSON.parse(readFileSync(join(ROOT, 'docs', 'synscope.schema.json'), 'utf8')) as Record<string, unknown>;
if (!existsSync(CLI)) spawnSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'inherit' });

function run(...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, 'analyze', FIXTURE, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('--servers JSON validates against the schema; the default JSON has no servers key', () => {
  const withServers = JSON.parse(run('--format', 'json', '--servers')) as Record<string, unknown>;
  assert.deepEqual(validate(SCHEMA, withServers), []);
  assert.ok(withServers.servers);
  const plain = JSON.parse(run('--format', 'json')) as Record<string, unknown>;
  assert.equal('servers' in plain, false);
});

test('--servers table: a Servers section, the slowed listener first, its change point', () => {
  const out = run('--servers');
  const section = out.slice(out.indexOf('Servers ('));
  const rows = section.split('\n').slice(2, 6);
  assert.match(rows[0], /^ {2}198\.51\.100\.11:443 /);
  assert.match(section, /change: 198\.51\.100\.11:443 server time \(SYN→SYN-ACK\) \d+µs → 30\.\dms at \+1[56] s/);
  assert.equal(run().includes('Servers ('), false, 'no section without the flag');
});
