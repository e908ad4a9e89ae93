// The two CSV files are named by what a row is (docs/csv-output.md): --format csv has one row
// per flow, --format findings-csv one row per finding; both headers are exactly as documented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisResult } from '../../../src/core/engine/result';
import { ROOT, runCli, scenarioFile } from '../cli/runCli';

const DOC = readFileSync(join(ROOT, 'docs', 'csv-output.md'), 'utf8');

/** The header in the code block under a docs heading, and the columns named in its table. */
function documented(heading: string): { header: string; columns: string[] } {
  const section = DOC.slice(DOC.indexOf(heading));
  const header = /```\n(.+)\n```/.exec(section)![1];
  const table = section.slice(section.indexOf('| column |'), section.indexOf('\n\n', section.indexOf('| column |')));
  const columns = [...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1].matchAll(/`([a-z_]+)`/g)].map((x) => x[1]));
  return { header, columns };
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') { field += '"'; i += 2; } else if (text[i] === '"') { i++; break; } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') field += text[i++];
    }
    row.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) { rows.push(row); row = []; i += 2; } else if (i >= text.length) break;
    else throw new Error(`bad CSV at ${i}`);
  }
  return rows;
}

function result(path: string): AnalysisResult {
  return JSON.parse(runCli(['analyze', path, '--format', 'json']).out) as AnalysisResult;
}

test('--format csv: one row per flow under the documented header', () => {
  const path = scenarioFile('refused');
  const doc = documented('## Flows');
  assert.deepEqual(doc.columns, doc.header.split(','));
  const r = runCli(['analyze', path, '--format', 'csv']);
  assert.equal(r.code, 0, r.err);
  const rows = parseCsv(r.out);
  assert.equal(rows[0].join(','), doc.header);
  const res = result(path);
  assert.equal(rows.length - 1, res.summary.flows);
  const col = (name: string) => rows[0].indexOf(name);
  for (const [i, f] of res.flows.entries()) {
    assert.equal(rows[i + 1][col('state')], f.state);
    assert.equal(rows[i + 1][col('findings')], f.state === 'REJ' ? 'refused' : '');
  }
});

test('--format findings-csv: one row per finding under the documented header, messages intact', () => {
  const path = scenarioFile('refused');
  const doc = documented('## Findings');
  assert.deepEqual(doc.columns, doc.header.split(','));
  const r = runCli(['analyze', path, '--format', 'findings-csv']);
  assert.equal(r.code, 0, r.err);
  const rows = parseCsv(r.out);
  assert.equal(rows[0].join(','), doc.header);
  const res = result(path);
  assert.equal(rows.length - 1, res.findings.length);
  // "…nothing listens on port 8080, or a firewall rejects it": the comma survives the quoting.
  assert.deepEqual(rows.slice(1).map((x) => x[3]), res.findings.map((f) => f.message));
  assert.ok(rows.slice(1).every((x) => x[1] === 'warning' && x[2] === 'refused'));
});

test('a flows CSV cut by --max-flows says so on stderr (the counts are not in the file)', () => {
  const r = runCli(['analyze', scenarioFile('refused'), '--format', 'csv', '--max-flows', '2']);
  assert.equal(r.code, 0);
  assert.equal(parseCsv(r.out).length, 1 + 2);
  assert.match(r.err, /^synscope: the CSV lists 2 of 4 flows \(raise --max-flows to list more\)$/m);
});
