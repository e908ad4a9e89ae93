// The table report as a terminal shows it: problem flows before the rest, story text wrapped,
// and nothing from a file name or a capture able to drive the terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { formatTable } from '../../../src/core/output/table';
import { CLI, TMP, runCli, scenarioFile } from '../cli/runCli';

function flowIds(table: string): number[] {
  const lines = table.split('\n');
  const start = lines.findIndex((l) => /^ {2}id +client → server/.test(l));
  assert.ok(start > 0, table);
  const ids: number[] = [];
  for (const l of lines.slice(start + 1)) {
    const m = /^ {2}(\d+) /.exec(l);
    if (!m) break;
    ids.push(Number(m[1]));
  }
  return ids;
}

test('the flow list leads with the flows that have their own findings, not with flood flows by id', () => {
  const flood = scenarioFile('syn-flood-legit-clients');
  const json = runCli(['analyze', flood, '--format', 'json']);
  const res = JSON.parse(json.out) as { findings: { code: string; flows: number[] }[]; summary: { flows: number } };
  const slow = res.findings.filter((f) => f.code === 'slow-handshake').flatMap((f) => f.flows);
  assert.ok(slow.length >= 2, 'legitimate clients slowed down by the flood');
  const r = runCli(['analyze', flood]);
  assert.equal(r.code, 0, r.err);
  const ids = flowIds(r.out);
  assert.equal(ids.length, 50);
  assert.deepEqual(ids.slice(0, slow.length), [...slow].sort((a, b) => a - b));
  // Then the flood's half-open flows (one shared finding), not the healthy ones listed first by id.
  const floodFlows = new Set(res.findings.find((f) => f.code === 'syn-flood')!.flows);
  assert.ok(floodFlows.size > 50);
  assert.ok(ids.slice(slow.length).every((id) => floodFlows.has(id)));
  const total = res.summary.flows;
  assert.match(r.out, new RegExp(`Flows \\(50 of ${total.toLocaleString('en-US')}, problem flows first\\)`));
  assert.match(r.out, new RegExp(`… ${(total - 50).toLocaleString('en-US')} more flows not shown`));
});

test('worse findings first: a severity override moves the refused flow ahead of the retransmitting one', () => {
  // ipv6: flow 3 retransmits its SYN and is slow (warnings), flow 5 is refused (a warning).
  const ipv6 = scenarioFile('ipv6');
  assert.deepEqual(flowIds(runCli(['analyze', ipv6]).out).slice(0, 2), [3, 5]);
  const cfg = join(TMP, 'refused-is-error.json');
  writeFileSync(cfg, JSON.stringify({ severities: { refused: 'error' } }));
  const r = runCli(['analyze', ipv6, '--config', cfg]);
  assert.deepEqual(flowIds(r.out), [5, 3, 1, 2, 4]);
  assert.match(r.out, /^ {2}5 .*REJ.* refused$/m);
});

test('story text is wrapped to 100 columns when stdout is not a terminal, and to a given width', async () => {
  const flood = scenarioFile('syn-flood-cookies');
  const r = runCli(['analyze', flood]);
  const story = r.out.slice(r.out.indexOf('What happened'), r.out.indexOf('Summary'));
  assert.ok(story.length > 500, story);
  for (const line of story.split('\n')) assert.ok([...line].length <= 100, `${[...line].length} columns: ${line}`);
  // Every word is still there, in order.
  const { result } = await analyzeFile(flood);
  const words = (s: string) => s.split(/\s+/).filter(Boolean);
  assert.ok(story.replace(/\s+/g, ' ').includes(words(result.stories[0].sentence).join(' ')));
  const narrow = formatTable(result, { width: 60 });
  const narrowStory = narrow.slice(narrow.indexOf('What happened'), narrow.indexOf('Summary'));
  for (const line of narrowStory.split('\n')) assert.ok([...line].length <= 60, line);
});

test('control characters in a file name never reach the terminal raw (table, stderr)', () => {
  // ESC ] 0 ; … BEL retitles a terminal, ESC [ 2 J clears it; U+202E reverses the text after it.
  const evil = join(TMP, 'cap\x1b]0;pwned\x07\x1b[2J\u202e.pcap');
  copyFileSync(scenarioFile('refused'), evil);
  const table = runCli(['analyze', evil]);
  assert.equal(table.code, 0, table.err);
  assert.doesNotMatch(table.out, /[\x00-\x09\x0b-\x1f\x7f\u202e]/);
  assert.match(table.out, /^synscope — .*cap\\x1b\]0;pwned\\x07\\x1b\[2J\\u202e\.pcap$/m);
  // A damaged copy: its problems are reported on stderr, under the same escaped name.
  const damaged = `${evil}.cut.pcap`;
  const good = readFileSync(evil);
  writeFileSync(damaged, good.subarray(0, good.length - 10));
  const d = runCli(['analyze', damaged, '--format', 'json']);
  assert.match(d.err, /cap\\x1b\]0;pwned.*damaged at byte \d+/);
  assert.doesNotMatch(d.err, /[\x00-\x09\x0b-\x1f\x7f\u202e]/);
  const missing = runCli(['analyze', `${evil}.missing`]);
  assert.equal(missing.code, 2);
  assert.doesNotMatch(missing.err, /[\x00-\x09\x0b-\x1f\x7f\u202e]/);
  const badFlag = runCli(['analyze', evil, '--\x1b[2Jx']);
  assert.equal(badFlag.code, 2);
  assert.doesNotMatch(badFlag.err, /[\x00-\x09\x0b-\x1f\x7f\u202e]/);
});

test('in a terminal the story text follows the terminal width (a real pty via script(1), 60 columns)', { skip: existsSync('/usr/bin/script') ? false : 'script(1) (util-linux) is not installed' }, () => {
  const flood = scenarioFile('syn-flood-cookies');
  const cmd = `stty cols 60; exec "${process.execPath}" "${CLI}" analyze "${flood}"`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', cwd: TMP });
  assert.equal(r.status, 0, r.stderr);
  // The pty turns \n into \r\n and carries the progress bar (cleared with \r ESC[K).
  const out = r.stdout.replace(/\r\n/g, '\n');
  const story = out.slice(out.indexOf('What happened'), out.indexOf('Summary'));
  assert.ok(story.length > 500, story);
  for (const line of story.split('\n')) assert.ok([...line].length <= 60, `${[...line].length} columns: ${line}`);
});
