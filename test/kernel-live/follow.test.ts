// Real kernel TCP, real tcpdump: two network namespaces joined by a veth pair; the server
// namespace runs a listener on one port, nothing on another (the kernel answers RST) and an
// nftables rule that silently drops SYNs to a third (the client's kernel retries its SYN).
// `tcpdump -U -w` writes the capture while `synscope follow --format ndjson` reads it: the
// findings are printed while tcpdump still runs, and after both stop the final summary equals
// `synscope analyze` of the file. Expected counts come from what the client's socket calls
// returned (connected / ECONNREFUSED / timed out), not from synscope.
//
// Needs root, iproute2, tcpdump and nftables (.ci/run installs them): npm run test:kernel-live.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const DIR = mkdtempSync(join(tmpdir(), 'synscope-kernel-live-'));
const C = `sslc${process.pid}`;
const S = `ssls${process.pid}`;
const CA = '10.98.0.1';
const SA = '10.98.0.2';
const procs: ChildProcess[] = [];

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function teardown(): void {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  spawnSync('ip', ['netns', 'del', C]);
  spawnSync('ip', ['netns', 'del', S]);
}
after(teardown);

function setup(): void {
  teardown();
  sh('ip', ['netns', 'add', C]);
  sh('ip', ['netns', 'add', S]);
  sh('ip', ['link', 'add', 'c0', 'netns', C, 'type', 'veth', 'peer', 'name', 's0', 'netns', S]);
  for (const [ns, dev, addr] of [[C, 'c0', CA], [S, 's0', SA]]) {
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    sh('ip', ['-n', ns, 'addr', 'add', `${addr}/24`, 'dev', dev]);
    sh('ip', ['-n', ns, 'link', 'set', dev, 'up']);
  }
  // Port 9003: SYNs dropped without a word (a firewall), so the client's kernel retries.
  sh('ip', ['netns', 'exec', S, 'nft', 'add table inet f; add chain inet f in { type filter hook input priority 0; }; add rule inet f in tcp dport 9003 drop']);
}

/** Lines of a child's stdout as they come. */
class Lines {
  readonly lines: string[] = [];
  private buf = '';
  constructor(readonly p: ChildProcess) {
    p.stdout!.setEncoding('utf8');
    p.stdout!.on('data', (d: string) => {
      this.buf += d;
      const parts = this.buf.split('\n');
      this.buf = parts.pop()!;
      this.lines.push(...parts);
    });
  }
  /** Hang guard 60 s (not a timing assertion). */
  async wait(pred: (l: string) => boolean): Promise<string> {
    for (let i = 0; i < 600; i++) {
      const hit = this.lines.find(pred);
      if (hit !== undefined) return hit;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no such line; got:\n${this.lines.join('\n').slice(-4000)}`);
  }
}

const exited = (p: ChildProcess): Promise<number | null> => new Promise((r) => (p.exitCode !== null ? r(p.exitCode) : p.on('exit', (c) => r(c))));

const CLIENT = `
const net = require('net');
const one = (port, timeout) => new Promise((res) => {
  const s = net.connect({ host: '${SA}', port });
  const t = setTimeout(() => { s.destroy(); res('timeout'); }, timeout);
  s.on('connect', () => { clearTimeout(t); s.end(); res('connected'); });
  s.on('error', (e) => { clearTimeout(t); res(e.code); });
});
(async () => {
  const out = [];
  for (let i = 0; i < 3; i++) out.push(await one(9001, 5000));
  for (let i = 0; i < 2; i++) out.push(await one(9002, 5000));
  out.push(await one(9003, 3500));
  console.log(JSON.stringify(out));
})();
`;

test('real tcpdump + kernel TCP: follow prints refused and unanswered-syn while tcpdump runs; final summary = analyze', async () => {
  setup();
  const cap = join(DIR, 'live.pcap');
  const server = spawn('ip', ['netns', 'exec', S, process.execPath, '-e', `require('net').createServer((s) => s.end('hi')).listen(9001, '${SA}', () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  procs.push(server);
  await new Lines(server).wait((l) => l === 'up');
  const tcpdump = spawn('ip', ['netns', 'exec', S, 'tcpdump', '-i', 's0', '--immediate-mode', '-U', '-n', '-w', cap, 'tcp'], { stdio: ['ignore', 'ignore', 'pipe'] });
  procs.push(tcpdump);
  await new Promise<void>((r) => tcpdump.stderr!.on('data', (d: Buffer) => { if (d.toString().includes('listening on')) r(); }));
  const follow = spawn(process.execPath, [CLI, 'follow', cap, '--format', 'ndjson'], { stdio: ['ignore', 'pipe', 'inherit'] });
  procs.push(follow);
  const out = new Lines(follow);
  const client = spawn('ip', ['netns', 'exec', C, process.execPath, '-e', CLIENT], { stdio: ['ignore', 'pipe', 'inherit'] });
  procs.push(client);
  const results = new Lines(client);

  // While tcpdump is still writing: the refusals, and the dropped connect's SYN called unanswered
  // (provisional: the client is still retrying).
  await out.wait((l) => l.includes('"type":"finding"') && l.includes('"code":"refused"'));
  const unanswered = JSON.parse(await out.wait((l) => l.includes('"type":"finding"') && l.includes('"code":"unanswered-syn"'))) as { finding: { provisional: boolean; key: string } };
  assert.equal(tcpdump.exitCode, null, 'tcpdump still running when the findings were printed');
  assert.equal(unanswered.finding.provisional, true);

  const seen = JSON.parse(await results.wait((l) => l.startsWith('['))) as string[];
  assert.deepEqual(seen, ['connected', 'connected', 'connected', 'ECONNREFUSED', 'ECONNREFUSED', 'timeout']);
  tcpdump.kill('SIGINT');
  await exited(tcpdump);
  // Everything tcpdump wrote is read before the stop takes effect.
  follow.kill('SIGINT');
  assert.equal(await exited(follow), 0);
  const end = JSON.parse(out.lines[out.lines.length - 1]) as { type: string; summary: Record<string, unknown>; findings: { code: string; flows: number[] }[] };
  assert.equal(end.type, 'end');
  const analyzed = JSON.parse(execFileSync(process.execPath, [CLI, 'analyze', cap, '--format', 'json'], { encoding: 'utf8' })) as typeof end;
  assert.deepEqual(end.summary, analyzed.summary);
  const sets = (fs: typeof end.findings): unknown => fs.map((f) => ({ ...f, flows: [...f.flows].sort((a, b) => a - b) }));
  assert.deepEqual(sets(end.findings), sets(analyzed.findings));
  // What the client's sockets said: 3 connected, 2 refused, 1 never answered.
  assert.equal(end.summary.handshakesComplete, 3);
  assert.equal(end.summary.refused, 2);
  assert.equal(end.findings.filter((f) => f.code === 'unanswered-syn').length, 1);
  // The provisional finding was updated in place (same key), never sent as a second new one.
  const news = out.lines.filter((l) => l.includes('"change":"new"') && l.includes(`"key":"${unanswered.finding.key}"`));
  assert.equal(news.length, 1);
  assert.ok(readFileSync(cap).length > 24);
});
