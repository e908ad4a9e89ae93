// `synscope follow` as a user runs it: events while a writer appends, every NDJSON line valid
// against docs/follow-ndjson.schema.json, and on SIGINT a final report equal to `synscope
// analyze` of the file as it then stands; --fail-on ends at the first settled finding.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, runCli, TMP } from './runCli';
import { validate } from './jsonSchema';
import { pcapPieces } from '../live/pieces';

const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'follow-ndjson.schema.json'), 'utf8')) as Record<string, unknown>;
const contract = JSON.parse(readFileSync(join(ROOT, 'docs', 'synscope.schema.json'), 'utf8')) as Record<string, Record<string, unknown>>;
const children: ChildProcess[] = [];
after(() => { for (const c of children) c.kill('SIGKILL'); });

/** A running `synscope follow`, its stdout as lines. */
class Follow {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  private buf = '';
  private waiters: (() => void)[] = [];
  readonly exit: Promise<number | null>;

  constructor(args: string[], opts: { ownGroup?: boolean } = {}) {
    this.child = spawn(process.execPath, [CLI, 'follow', ...args], { cwd: TMP, stdio: ['ignore', 'pipe', 'pipe'], detached: opts.ownGroup === true });
    children.push(this.child);
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (d: string) => {
      this.buf += d;
      const parts = this.buf.split('\n');
      this.buf = parts.pop()!;
      this.lines.push(...parts);
      for (const w of this.waiters.splice(0)) w();
    });
    this.exit = new Promise((r) => this.child.on('exit', (code) => r(code)));
  }

  /** Resolves once a line matches (a hang guard of 60 s, not a timing assertion). */
  async line(pred: (l: string) => boolean): Promise<string> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const hit = this.lines.find(pred);
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) throw new Error(`no such line; got:\n${this.lines.join('\n')}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 200); });
    }
  }
}

const sets = (fs: { flows: number[] }[]): unknown => fs.map((f) => ({ ...f, flows: [...f.flows].sort((a, b) => a - b) }));

test('the $defs the NDJSON schema shares with the JSON contract are the same', () => {
  const defs = schema.$defs as Record<string, unknown>;
  for (const k of Object.keys(contract.$defs)) assert.deepEqual(defs[k], contract.$defs[k], k);
  assert.deepEqual(defs.summary, contract.properties.summary);
  assert.deepEqual(defs.capture, contract.properties.capture);
});

test('follow --format ndjson: findings while the file grows, valid lines, and on SIGINT the summary analyze gives', async () => {
  // samples/refused.pcap: connects refused with a RST; written one record at a time.
  const { header, records } = pcapPieces(join(ROOT, 'samples', 'refused.pcap'));
  const path = join(TMP, 'follow-refused.pcap');
  writeFileSync(path, header);
  const f = new Follow([path, '--format', 'ndjson']);
  appendFileSync(path, Buffer.concat(records.slice(0, 2)));
  // The refusal is printed while the writer has not finished.
  await f.line((l) => l.includes('"type":"finding"') && l.includes('"code":"refused"'));
  for (const r of records.slice(2)) appendFileSync(path, r);
  await f.line((l) => l.includes('"type":"summary"') && JSON.parse(l).status.packets === records.length);
  f.child.kill('SIGINT');
  assert.equal(await f.exit, 0);
  const objs = f.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const o of objs) assert.deepEqual(validate(schema, o), [], JSON.stringify(o).slice(0, 200));
  const end = objs[objs.length - 1] as { type: string; summary: unknown; findings: { flows: number[] }[]; stories: unknown };
  assert.equal(end.type, 'end');
  const analyzed = JSON.parse(runCli(['analyze', path, '--format', 'json']).out) as { summary: unknown; findings: { flows: number[] }[]; stories: unknown };
  assert.deepEqual(end.summary, analyzed.summary);
  assert.deepEqual(sets(end.findings), sets(analyzed.findings));
  assert.deepEqual(end.stories, analyzed.stories);
});

/** Follows a copy of a sample until caught up, signals it as `stop` does, and expects exit 0 with analyze's table last. */
async function reportOnSignal(name: string, opts: { ownGroup?: boolean }, stop: (f: Follow) => void): Promise<void> {
  const path = join(TMP, name);
  writeFileSync(path, readFileSync(join(ROOT, 'samples', 'lost-final-ack.pcap')));
  const f = new Follow([path], opts);
  await f.line((l) => l.includes('caught-up'));
  stop(f);
  assert.equal(await f.exit, 0);
  const table = runCli(['analyze', path]).out;
  assert.ok(f.lines.join('\n').endsWith(table.trimEnd()), f.lines.slice(-5).join('\n'));
}

test('follow (table): the report printed on SIGTERM is analyze\'s table', async () => {
  await reportOnSignal('follow-lost-ack.pcap', {}, (f) => f.child.kill('SIGTERM'));
});

test('follow: Ctrl+C (SIGINT to the whole process group: the CLI and its heap-capped analysis child) prints the final report', async () => {
  // As a terminal does: one signal to every process of the foreground group.
  await reportOnSignal('follow-ctrl-c.pcap', { ownGroup: true }, (f) => process.kill(-f.child.pid!, 'SIGINT'));
});

test('follow --fail-on warning ends with exit 1 at the first settled warning, after the final report', async () => {
  const path = join(TMP, 'follow-failon.pcap');
  writeFileSync(path, readFileSync(join(ROOT, 'samples', 'refused.pcap')));
  const f = new Follow([path, '--format', 'ndjson', '--fail-on', 'warning']);
  assert.equal(await f.exit, 1);
  const objs = f.lines.map((l) => JSON.parse(l) as { type: string; finding?: { severity: string; provisional: boolean } });
  assert.ok(objs.some((o) => o.type === 'finding' && o.finding!.severity === 'warning' && !o.finding!.provisional));
  assert.equal(objs[objs.length - 1].type, 'end');
});

test('follow: a usage mistake is one line and exit 2', () => {
  const r = runCli(['follow', join(TMP, 'x.pcap'), '--format', 'json']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--format must be one of table, ndjson for follow/);
});
