// The findings report behind the Problems panel: one line per finding, diagnostics on those
// lines, capped with one summary entry, and a line that identifies its finding on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPORT_HEADER_LINES, buildFindingsReport, findingDocUrl, findingIdOfLine } from '../../../src/extension/findingsReport';
import { finding } from './fixtures';

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

test('beyond maxDiagnostics one summary entry counts the rest; the report still lists all', () => {
  const many = Array.from({ length: 25 }, (_, i) => finding(i + 1, 'unanswered-syn', 'warning', [i + 1]));
  const r = buildFindingsReport('x.pcap', many, {}, { maxDiagnostics: 10 });
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
  const r = buildFindingsReport('x.pcap', many, {}, { maxDiagnostics: 50, maxLines: 20 });
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
  assert.equal(findingDocUrl('https://github.com/synscope/synscope.git', 'syn-flood'), 'https://github.com/synscope/synscope/blob/main/docs/findings.md#syn-flood');
  assert.equal(findingDocUrl('git+https://github.com/o/r', 'refused'), 'https://github.com/o/r/blob/main/docs/findings.md#refused');
});
