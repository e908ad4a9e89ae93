// Several captures or a folder in one `synscope analyze`: each is reported exactly as when it is
// analysed alone, in the order given, plus what they add up to; a damaged or unreadable capture
// is named with its path and byte offset, the others are still reported, and exit 3 says so.
// The expected per-capture values are each capture's own single-file report (the JSON contract).
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisResult, Summary } from '../../../src/core/engine/result';
import { Duck, sqlString } from '../output/duckdb';
import { validate } from './jsonSchema';
import { CLI, ROOT, runCli, TMP } from './runCli';

const sample = (name: string): string => join(ROOT, 'samples', name);

interface Multi {
  schema: string;
  files: { path: string; status: string; error: { message: string; offset?: number } | null; result: AnalysisResult | null }[];
  combined: {
    captures: number; ok: number; damaged: number; unreadable: number; packets: number; start: string | null; end: string | null;
    summary: Summary; severities: Record<string, number>;
    problems: { path: string; status: string; offset: number | null; packet: number | null; message: string }[];
  };
}

function single(path: string, ...extra: string[]): string {
  const r = runCli(['analyze', path, '--format', 'json', ...extra]);
  assert.equal(r.code, 0, r.err);
  return r.out;
}

function sumSummaries(list: Summary[]): Summary {
  const out: Record<string, unknown> = { findings: {} };
  for (const s of list) {
    for (const [k, v] of Object.entries(s)) {
      if (k === 'findings') {
        const f = out.findings as Record<string, number>;
        for (const [code, n] of Object.entries(v as Record<string, number>)) f[code] = (f[code] ?? 0) + n;
      } else {
        out[k] = ((out[k] as number | undefined) ?? 0) + (v as number);
      }
    }
  }
  return out as unknown as Summary;
}

/** Byte offset of the 9th record of a little-endian pcap: 24-byte file header, 16-byte record headers. */
function record9Offset(b: Buffer): number {
  let off = 24;
  for (let i = 0; i < 8; i++) off += 16 + b.readUInt32LE(off + 8);
  return off;
}

const GOOD = ['refused.pcap', 'healthy.pcapng', 'syn-flood-cookies.pcap', 'healthy.pcap.gz'].map(sample);

test('several captures: each reported as when alone, in the order given, then what they add up to', () => {
  const r = runCli(['analyze', ...GOOD, '--format', 'json']);
  assert.equal(r.code, 0, r.err);
  // Pretty-printed like the single-file JSON, every level (the captures' reports are spliced in).
  assert.equal(`${JSON.stringify(JSON.parse(r.out), null, 2)}\n`, r.out);
  const m = JSON.parse(r.out) as Multi;
  assert.equal(m.schema, 'synscope-multi/1');
  assert.deepEqual(m.files.map((f) => [f.path, f.status, f.error]), GOOD.map((p) => [p, 'ok', null]));
  const alone = GOOD.map((p) => single(p));
  m.files.forEach((f, i) => assert.equal(`${JSON.stringify(f.result, null, 2)}\n`, alone[i], f.path));
  const results = alone.map((t) => JSON.parse(t) as AnalysisResult);
  assert.deepEqual(m.combined.summary, sumSummaries(results.map((x) => x.summary)));
  assert.equal(m.combined.packets, results.reduce((n, x) => n + x.capture.packets, 0));
  const starts = results.map((x) => x.capture.start!).sort((a, b) => Number(a) - Number(b));
  const ends = results.map((x) => x.capture.end!).sort((a, b) => Number(a) - Number(b));
  assert.equal(m.combined.start, starts[0]);
  assert.equal(m.combined.end, ends[ends.length - 1]);
  assert.deepEqual([m.combined.captures, m.combined.ok, m.combined.damaged, m.combined.unreadable], [4, 4, 0, 0]);
  assert.deepEqual(m.combined.problems, []);
  // However many at once, the same report.
  const oneAtATime = runCli(['analyze', ...GOOD, '--format', 'json', '--jobs', '1']);
  assert.equal(oneAtATime.out, r.out);
});

test('a folder: rotated captures in natural order, sub-folders too, files that are not captures left out', () => {
  const dir = join(TMP, 'fleet-order');
  mkdirSync(join(dir, 'host-b'), { recursive: true });
  // tcpdump -C numbering, a -G name without extension (found by its magic), and files to skip.
  for (const name of ['trace.pcap', 'trace.pcap1', 'trace.pcap10', 'trace.pcap2']) copyFileSync(sample('refused.pcap'), join(dir, name));
  copyFileSync(sample('healthy.pcapng'), join(dir, 'host-b', '2026-01-01_00'));
  writeFileSync(join(dir, 'README.txt'), 'not a capture\n');
  writeFileSync(join(dir, 'host-b', 'notes'), 'not a capture either\n');
  copyFileSync(sample('refused.pcap'), join(dir, '.hidden.pcap'));
  const r = runCli(['analyze', dir, '--format', 'json']);
  assert.equal(r.code, 0, r.err);
  const m = JSON.parse(r.out) as Multi;
  assert.deepEqual(m.files.map((f) => f.path.slice(dir.length + 1)),
    ['host-b/2026-01-01_00', 'trace.pcap', 'trace.pcap1', 'trace.pcap2', 'trace.pcap10']);
});

test('a damaged and an unreadable capture among good ones: named with path and offset, the others reported, exit 3', () => {
  const garbage = join(TMP, 'garbage.pcap');
  writeFileSync(garbage, Buffer.from('this is not a capture at all, just text\n'));
  const missing = join(TMP, 'gone.pcap');
  const inputs = [sample('refused.pcap'), sample('truncated.pcap'), garbage, missing, sample('healthy.pcapng')];
  const r = runCli(['analyze', ...inputs, '--format', 'json']);
  assert.equal(r.code, 3, r.err);
  const m = JSON.parse(r.out) as Multi;
  assert.deepEqual(m.files.map((f) => f.status), ['ok', 'damaged', 'unreadable', 'unreadable', 'ok']);
  // The damaged one is reported up to its damage, as alone; the good ones as alone.
  for (const i of [0, 1, 4]) assert.equal(`${JSON.stringify(m.files[i].result, null, 2)}\n`, single(inputs[i]));
  assert.equal(m.files[2].result, null);
  // The documented shapes: docs/synscope-multi.schema.json, and synscope/1 for each result.
  const multiSchema = JSON.parse(readFileSync(join(ROOT, 'docs', 'synscope-multi.schema.json'), 'utf8')) as Record<string, unknown>;
  const oneSchema = JSON.parse(readFileSync(join(ROOT, 'docs', 'synscope.schema.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(validate(multiSchema, m), []);
  for (const f of m.files) if (f.result) assert.deepEqual(validate(oneSchema, f.result), [], f.path);
  assert.equal(m.files[2].error?.offset, 0);
  // samples/truncated.pcap is refused.pcap cut inside record 9 (samples/README.md): the damage
  // is where that record starts, counted here from the pcap record headers themselves.
  const cut = record9Offset(readFileSync(sample('truncated.pcap')));
  assert.deepEqual(m.combined.problems.map((p) => [p.path, p.status, p.offset]),
    [[inputs[1], 'damaged', cut], [garbage, 'unreadable', 0], [missing, 'unreadable', null]]);
  assert.match(r.err, new RegExp(`${inputs[1]}: damaged at byte ${cut}`));
  assert.match(r.err, /garbage\.pcap.*byte 0/);
  assert.match(r.err, /gone\.pcap: no such file or directory/);
  assert.match(r.err, /3 of 5 captures were not read whole/);
});

test('nothing readable at all: exit 2; --fail-on looks at every capture', () => {
  const a = join(TMP, 'empty-a.pcap');
  const b = join(TMP, 'empty-b.pcap');
  writeFileSync(a, '');
  writeFileSync(b, 'xx');
  const none = runCli(['analyze', a, b, '--format', 'json']);
  assert.equal(none.code, 2, none.err);
  // refused.pcap has warnings (refused), healthy.pcapng none: the run fails on the first's.
  const failOn = runCli(['analyze', sample('healthy.pcapng'), sample('refused.pcap'), '--fail-on', 'warning']);
  assert.equal(failOn.code, 1, failOn.err);
  const clean = runCli(['analyze', sample('healthy.pcapng'), sample('healthy.pcap.gz'), '--fail-on', 'warning']);
  assert.equal(clean.code, 0, clean.err);
});

test('table, csv and sarif of several captures: each capture, then the totals; one CSV header; one SARIF run per capture', () => {
  const two = [sample('refused.pcap'), sample('slow-server.pcap')];
  const table = runCli(['analyze', ...two]);
  assert.equal(table.code, 0, table.err);
  for (const p of two) assert.ok(table.out.includes(`synscope — ${p}\n`), p);
  assert.match(table.out, /synscope — 2 captures \(2 ok, 0 damaged, 0 unreadable\)/);
  const csv = runCli(['analyze', ...two, '--format', 'csv']);
  const lines = csv.out.trimEnd().split('\r\n');
  assert.match(lines[0], /^capture,id,client_ip,/);
  const flows = two.map((p) => (JSON.parse(single(p)) as AnalysisResult).summary.flows);
  assert.equal(lines.length, 1 + flows[0] + flows[1]);
  assert.equal(lines.filter((l) => l.startsWith(`${two[1]},`)).length, flows[1]);
  const sarif = JSON.parse(runCli(['analyze', ...two, '--format', 'sarif']).out) as { runs: { artifacts?: unknown[] }[] };
  assert.equal(sarif.runs.length, 2);
});

test('parquet of a folder: one file per capture under --output, every flow whatever --max-flows, queryable together', async () => {
  const dir = join(TMP, 'fleet-parquet');
  mkdirSync(join(dir, 'host-a'), { recursive: true });
  mkdirSync(join(dir, 'host-b'), { recursive: true });
  copyFileSync(sample('syn-flood-cookies.pcap'), join(dir, 'host-a', 'trace.pcap'));
  copyFileSync(sample('connection-storm.pcap'), join(dir, 'host-b', 'trace.pcap'));
  const out = join(TMP, 'fleet-parquet-out');
  const r = runCli(['analyze', dir, '--format', 'parquet', '--output', out, '--max-flows', '1']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, '');
  const duck = await Duck.open();
  try {
    const rows = await duck.rows(`SELECT capture_path, count(*) AS n FROM read_parquet(${sqlString(`${out}/**/*.parquet`)}) GROUP BY 1 ORDER BY 1`);
    const expected = ['host-a', 'host-b'].map((h) => {
      const p = join(dir, h, 'trace.pcap');
      return { capture_path: p, n: (JSON.parse(single(p)) as AnalysisResult).summary.flows };
    });
    assert.deepEqual(rows, expected);
    assert.ok(expected[0].n > 1 && expected[1].n > 1, 'more flows than --max-flows 1 lists');
    // The output mirrors the folder: <output>/<folder>/<path inside it>.parquet.
    const files = await duck.rows(`SELECT DISTINCT parse_path(filename)[-3:] AS tail FROM read_parquet(${sqlString(`${out}/**/*.parquet`)}, filename = true) ORDER BY 1`);
    assert.deepEqual(files.map((f) => f.tail), [['fleet-parquet', 'host-a', 'trace.pcap.parquet'], ['fleet-parquet', 'host-b', 'trace.pcap.parquet']]);
  } finally {
    duck.close();
  }
  const noOutput = runCli(['analyze', sample('refused.pcap'), '--format', 'parquet']);
  assert.equal(noOutput.code, 2);
  assert.match(noOutput.err, /--format parquet needs --output/);
  const clash = runCli(['analyze', sample('refused.pcap'), join(dir, 'host-a', 'trace.pcap'), join(dir, 'host-b', 'trace.pcap'), '--format', 'parquet', '-o', join(TMP, 'clash')]);
  assert.equal(clash.code, 2);
  assert.match(clash.err, /would both be written to .*trace\.pcap\.parquet/);
});

test('Ctrl+C during a multi-capture run: ends by SIGINT and leaves no temporary reports behind', async () => {
  const tmp = join(TMP, 'sigint-tmp');
  mkdirSync(tmp, { recursive: true });
  const inputs = Array.from({ length: 40 }, () => sample('syn-flood-cookies.pcap'));
  const child = spawn(process.execPath, [CLI, 'analyze', ...inputs, '--format', 'json', '--jobs', '1'], {
    env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore',
  });
  const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // The reports' folder exists once the captures are being analysed.
  const started = Date.now();
  while (!readdirSync(tmp).some((n) => n.startsWith('synscope-multi-'))) {
    if (Date.now() - started > 60_000) assert.fail('the multi-capture run never started');
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGINT');
  assert.equal(await ended, 'SIGINT');
  assert.deepEqual(readdirSync(tmp).filter((n) => n.startsWith('synscope-multi-')), []);
});

test('a reader that closes the pipe early (| head -1): ends quietly, no temporary reports left behind', () => {
  const tmp = join(TMP, 'epipe-tmp');
  mkdirSync(tmp, { recursive: true });
  const inputs = Array.from({ length: 4 }, () => sample('syn-flood-cookies.pcap'));
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" analyze ${inputs.map((p) => `"${p}"`).join(' ')} --format json --max-flows 100000 | head -c 10 > /dev/null`], {
    env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|EPIPE/);
  assert.deepEqual(readdirSync(tmp).filter((n) => n.startsWith('synscope-multi-')), []);
});
