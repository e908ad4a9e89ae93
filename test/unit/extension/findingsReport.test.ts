// The findings report behind the Problems panel: one line per finding, diagnostics on those
// lines, capped with one summary entry, and a line that identifies its finding on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPORT_HEADER_LINES, buildFindingsReport, findingIdOfLine } from '../../../src/extension/findingsReport';
import { findingDocUrl } from '../../../src/core/engine/findings/registry';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { finding } from './fixtures';

const REPO = join(__dirname, '..', '..', '..', '..');

const findings = [
  finding(1, 'slow-handshake', 'warning', [3], 'Handshake took 850 ms'),
  finding(2, 'syn-flood', 'error', [5, 6, 7], 'SYN flood on 10.0.0.2:80'),
  finding(3, 'capture-damaged', 'error', [], 'Truncated record\nat the end'),
  finding(4, 'port-reuse', 'info', [9]),
];
const endpoints = { 3: '10.0.0.1:4000 → 10.0.0.2:80', 5: '1.2.3.4:1 → 10.0.0.2:80', 9: 'a → b' };

test('errors come first, then warnings and info, each in engine order', () => {
  const r = buildFindingsReport('x.pcap', findings, endpoints, { maxDiagnostics: 100 });
  const order = r.diagnostics.map((d) => d.findingId);
  assert.deepEqual(order, [2, 3, 1, 4]);
  assert.equal(r.diagnostics[0]!.line, REPORT_HEADER_LINES);
});

test('each finding line starts with its id and names flows, frame and endpoints', () => {
  const r = buildFindingsReport('x.pcap', findings, endpoints, { maxDiagnostics: 100 });
  const lines = r.text.split('\n');
  assert.match(lines[0]!, /: 4 findings \(2 errors, 1 warning, 1 info\)$/, 'counts are pluralised: "1 warning", not "1 warnings"');
  const slow = lines[r.lineOfFinding.get(1)!]!;
  assert.equal(findingIdOfLine(slow), 1);
  assert.match(slow, /slow-handshake {2}flow 3 {2}frame 30 {2}10\.0\.0\.1:4000 → 10\.0\.0\.2:80 {2}Handshake took 850 ms$/);
  assert.match(lines[r.lineOfFinding.get(2)!]!, /3 flows/);
  const damaged = lines[r.lineOfFinding.get(3)!]!;
  assert.doesNotMatch(damaged, /flow|frame/, 'a capture-wide finding has no flow or frame');
  assert.match(damaged, /Truncated record at the end/, 'newlines in messages stay on one line');
  for (const [line, id] of r.findingAtLine) assert.equal(findingIdOfLine(lines[line]!), id);
  assert.equal(findingIdOfLine(lines[0]!), null);
});

test('the diagnostic covers its line and carries the finding code and message', () => {
  const r = buildFindingsReport('x.pcap', findings, endpoints, { maxDiagnostics: 100 });
  const lines = r.text.split('\n');
  for (const d of r.diagnostics) {
    assert.equal(d.length, lines[d.line]!.length);
    assert.equal(d.findingId, Number(/^#(\d+)/.exec(lines[d.line]!)![1]));
  }
  const flood = r.diagnostics.find((d) => d.findingId === 2)!;
  assert.equal(flood.code, 'syn-flood');
  assert.equal(flood.severity, 'error');
  assert.equal(flood.message, 'SYN flood on 10.0.0.2:80');
});

/** Flow i talks to server 10.9.0.i, so no two per-flow findings share a group. */
function distinctTargets(n: number): Record<number, string> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [i + 1, `10.0.0.1:${40000 + i} → 10.9.0.${i + 1}:80`]));
}

test('beyond maxDiagnostics one summary entry counts the rest; the report still lists all', () => {
  const many = Array.from({ length: 25 }, (_, i) => finding(i + 1, 'unanswered-syn', 'warning', [i + 1]));
  const r = buildFindingsReport('x.pcap', many, distinctTargets(25), { maxDiagnostics: 10 });
  assert.equal(r.diagnostics.length, 11);
  const more = r.diagnostics[10]!;
  assert.equal(more.code, 'more-findings');
  assert.equal(more.findingId, null);
  assert.match(more.message, /^15 more findings/);
  assert.equal(more.line, REPORT_HEADER_LINES + 10, 'points at the first finding it stands for');
  assert.equal(r.findingAtLine.size, 25);
});

test('maxDiagnostics 0 leaves only the summary entry', () => {
  const r = buildFindingsReport('x.pcap', findings, endpoints, { maxDiagnostics: 0 });
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['more-findings']);
});

test('a huge report stops listing at maxLines and says how many are left', () => {
  const many = Array.from({ length: 30 }, (_, i) => finding(i + 1, 'half-open', 'warning', [i + 1]));
  const r = buildFindingsReport('x.pcap', many, distinctTargets(30), { maxDiagnostics: 50, maxLines: 20 });
  const lines = r.text.trimEnd().split('\n');
  assert.equal(lines.length, REPORT_HEADER_LINES + 20 + 1);
  assert.match(lines.at(-1)!, /10 more findings/);
  assert.equal(r.diagnostics.length, 20);
});

test('no findings: a friendly report and no diagnostics', () => {
  const r = buildFindingsReport('x.pcap', [], {}, { maxDiagnostics: 1000 });
  assert.equal(r.diagnostics.length, 0);
  assert.match(r.text, /no findings/i);
});

test('documentation link is docs/findings.md#<code> in the repository', () => {
  assert.equal(findingDocUrl('syn-flood', 'https://github.com/synscope/synscope.git'), 'https://github.com/synscope/synscope/blob/main/docs/findings.md#syn-flood');
  assert.equal(findingDocUrl('refused', 'git+https://github.com/o/r'), 'https://github.com/o/r/blob/main/docs/findings.md#refused');
});

test('a capture with one finding says "1 finding (1 error, 0 warnings, 0 info)"', () => {
  const r = buildFindingsReport('x.pcap', [finding(1, 'refused', 'error', [1])], {}, { maxDiagnostics: 10 });
  assert.match(r.text.split('\n')[0]!, /: 1 finding \(1 error, 0 warnings, 0 info\)$/);
});

test('per-flow findings of one code and target are one Problems entry with each flow as related information', () => {
  const same = Object.fromEntries([1, 2, 3].map((i) => [i, `10.0.0.${i}:4000 → 10.0.0.9:5432`]));
  const r = buildFindingsReport('x.pcap', [
    finding(1, 'unanswered-syn', 'warning', [1]),
    finding(2, 'unanswered-syn', 'warning', [2]),
    finding(3, 'unanswered-syn', 'warning', [3]),
    finding(4, 'refused', 'warning', [3]),
  ], same, { maxDiagnostics: 10 });
  assert.equal(r.diagnostics.length, 2, 'three unanswered SYNs to one server make one entry; the refusal its own');
  const group = r.diagnostics[0]!;
  assert.equal(group.count, 3);
  assert.match(group.message, /^3 flows to 10\.0\.0\.9:5432: A SYN got no answer at all \(flows 1–3\)$/);
  const lines = r.text.split('\n');
  assert.deepEqual(group.related!.map((x) => findingIdOfLine(lines[x.line]!)), [1, 2, 3], 'each related entry opens its own finding line');
  assert.deepEqual(r.groupAtLine.get(group.line), [1, 2, 3]);
  assert.equal(r.diagnostics[1]!.findingId, 4);
  assert.equal(r.diagnostics[1]!.related, undefined);
});

test('hanging-connects.pcap: the story findings come before the 60 "never answered" flows, which are one entry', async () => {
  const { result } = await analyzeFile(join(REPO, 'samples/hanging-connects.pcap'));
  const endpoints: Record<number, string> = {};
  for (const f of result.flows) endpoints[f.id] = `${f.client.ip}:${f.client.port} → ${f.server.ip}:${f.server.port}`;
  const r = buildFindingsReport('hanging-connects.pcap', result.findings, endpoints, { maxDiagnostics: 1000 });
  const codes = r.diagnostics.map((d) => `${d.code}×${d.count}`);
  // The story (README: connects pile up against an unresponsive database) is told by the
  // pile-up and per-client slow-connect findings; the 60 unanswered SYNs are its evidence.
  assert.deepEqual(codes, ['slow-connect×1', 'slow-connect×1', 'slow-connect×1', 'connect-pileup×1', 'unanswered-syn×60']);
  const group = r.diagnostics.at(-1)!;
  // tshark's view of the sample: 60 streams that never got past the SYN.
  const truth = JSON.parse(readFileSync(join(REPO, 'samples/expected/hanging-connects.pcap.tshark.json'), 'utf8')) as { summary: { streams_syn_only: number } };
  assert.equal(group.related!.length, truth.summary.streams_syn_only);
  const pileup = result.findings.find((f) => f.code === 'connect-pileup')!;
  assert.match(group.message, new RegExp(`^60 flows to 10\\.2\\.5\\.40:5432: .*; see #${pileup.id} connect-pileup$`));
});

test('maxDiagnostics counts Problems entries: a group is one, and the overflow counts the findings left out', () => {
  const same = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [i + 1, `10.0.0.${i + 1}:4000 → 10.0.0.9:80`]));
  const fs = [
    finding(1, 'syn-flood', 'error', [1, 2, 3]),
    ...Array.from({ length: 5 }, (_, i) => finding(i + 2, 'half-open', 'warning', [i + 1])),
    finding(7, 'refused', 'info', [9]),
  ];
  const r = buildFindingsReport('x.pcap', fs, { ...same, 9: 'a:1 → b:2' }, { maxDiagnostics: 2 });
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.count]), [['syn-flood', 1], ['half-open', 5], ['more-findings', 1]]);
  assert.match(r.diagnostics[2]!.message, /^1 more finding not listed in Problems/);
});
