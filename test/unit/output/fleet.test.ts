// docs/fleet.md's worked example, run as written: the samples and kernel fixtures laid out as
// three hosts' captures, exported by one `synscope analyze <folder> --format parquet`, then the
// page's DuckDB queries over all the Parquet files. Each result row is checked against the JSON
// of the same captures: the p99 recomputed from the flows' handshake.rtt, the flood targets from
// the syn-flood findings' details, failed handshakes and sources from the JSON flows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisResult, Flow } from '../../../src/core/engine/result';
import { ROOT, runCli, TMP } from '../cli/runCli';
import { Duck, sqlString } from './duckdb';

/** The ```sql blocks of docs/fleet.md that start with `-- fleet: <name>`, as statements. */
function fleetQueries(): Map<string, string[]> {
  const doc = readFileSync(join(ROOT, 'docs', 'fleet.md'), 'utf8');
  const out = new Map<string, string[]>();
  for (const m of doc.matchAll(/```sql\n-- fleet: (\S+)\n([\s\S]*?)```/g)) {
    out.set(m[1], m[2].split(/;\s*$/m).map((s) => s.trim()).filter(Boolean));
  }
  return out;
}

/** edge-1: the samples; edge-2 and edge-3: the kernel fixtures, one of the three floods on edge-3. */
function layOut(dir: string): void {
  const copy = (from: string, host: string): void => {
    mkdirSync(join(dir, host), { recursive: true });
    copyFileSync(from, join(dir, host, from.split('/').pop()!));
  };
  for (const f of readdirSync(join(ROOT, 'samples')).filter((n) => /\.pcap(ng)?(\.gz)?$/.test(n))) copy(join(ROOT, 'samples', f), 'edge-1');
  for (const f of readdirSync(join(ROOT, 'test', 'fixtures', 'kernel')).filter((n) => n.endsWith('.pcap'))) {
    copy(join(ROOT, 'test', 'fixtures', 'kernel', f), f === 'syn-flood-always.pcap' ? 'edge-3' : 'edge-2');
  }
}

/** DuckDB's quantile_cont: linear interpolation between the closest ranks. */
function quantileCont(values: number[], q: number): number {
  const v = [...values].sort((a, b) => a - b);
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

const seconds = (t: string): number => Number(t.split('.')[0]);
const micros = (t: string): number => Number(BigInt(t.split('.')[0]) * 1_000_000n + BigInt((t.split('.')[1] ?? '').slice(0, 6).padEnd(6, '0')));
const epochSeconds = (v: unknown): number => (v instanceof Date ? v.getTime() / 1000 : Number(v));
const host = (path: string): string => path.split('/').slice(-2)[0];

test('docs/fleet.md: a folder of hosts exported to Parquet, the DuckDB queries agree with the JSON', async () => {
  const queries = fleetQueries();
  assert.deepEqual([...queries.keys()], ['slowest-servers', 'syn-flood-targets']);
  const fleet = join(TMP, 'fleet-doc');
  const captures = join(fleet, 'captures');
  layOut(captures);
  const out = join(fleet, 'flows');
  const exported = runCli(['analyze', captures, '--format', 'parquet', '--output', out]);
  // samples/truncated.pcap is damaged on purpose: named, the rest exported, exit 3.
  assert.equal(exported.code, 3, exported.err);
  assert.match(exported.err, /edge-1\/truncated\.pcap: damaged at byte \d+/);
  const multi = runCli(['analyze', captures, '--format', 'json', '--max-flows', '1000000000']);
  const files = (JSON.parse(multi.out) as { files: { path: string; result: AnalysisResult }[] }).files;
  const flowsOf = files.flatMap((f) => f.result.flows.map((fl) => ({ path: f.path, f: fl })));

  const duck = await Duck.open();
  try {
    const run = async (name: string): Promise<Record<string, unknown>[]> => {
      let rows: Record<string, unknown>[] = [];
      for (const sql of queries.get(name)!) rows = await duck.rows(sql.replace("'flows/**/*.parquet'", sqlString(`${out}/**/*.parquet`)));
      return rows;
    };

    // Slowest servers by p99 handshake RTT per hour.
    const groups = new Map<string, { hour: number; ip: string; port: number; rtts: number[] }>();
    for (const { f } of flowsOf) {
      if (!f.handshake.complete || f.handshake.rtt === null) continue;
      const hour = Math.floor(seconds(f.start) / 3600) * 3600;
      const key = `${hour} ${f.server.ip} ${f.server.port}`;
      const g = groups.get(key) ?? { hour, ip: f.server.ip, port: f.server.port, rtts: [] };
      g.rtts.push(f.handshake.rtt);
      groups.set(key, g);
    }
    const expected = [...groups.values()]
      .map((g) => ({ hour: g.hour, server_ip: g.ip, server_port: g.port, handshakes: g.rtts.length, p99_rtt_s: quantileCont(g.rtts, 0.99) }))
      .sort((a, b) => b.p99_rtt_s - a.p99_rtt_s || a.hour - b.hour || (a.server_ip < b.server_ip ? -1 : a.server_ip > b.server_ip ? 1 : a.server_port - b.server_port))
      .slice(0, 20);
    const slowest: Record<string, unknown>[] = (await run('slowest-servers')).map((r) => ({ ...r, hour: epochSeconds(r.hour) }));
    assert.equal(slowest.length, expected.length);
    slowest.forEach((r, i) => {
      const e = expected[i];
      assert.deepEqual({ ...r, p99_rtt_s: 0 }, { ...e, p99_rtt_s: 0 }, `row ${i + 1}`);
      assert.ok(Math.abs((r.p99_rtt_s as number) - e.p99_rtt_s) <= 1e-12 * Math.max(1, e.p99_rtt_s), `row ${i + 1}: ${r.p99_rtt_s} vs ${e.p99_rtt_s}`);
    });

    // SYN-flood targets across hosts: the targets come from the findings, not from the rows.
    const targets = new Map<string, { ip: string; port: number; paths: string[]; halfOpenOrUnanswered: number }>();
    for (const file of files) {
      for (const fd of file.result?.findings.filter((x) => x.code === 'syn-flood') ?? []) {
        const t = fd.details.target as { ip: string; port: number };
        const e = targets.get(`${t.ip} ${t.port}`) ?? { ip: t.ip, port: t.port, paths: [], halfOpenOrUnanswered: 0 };
        e.paths.push(file.path);
        e.halfOpenOrUnanswered += (fd.details.halfOpen as number) + (fd.details.unanswered as number);
        targets.set(`${t.ip} ${t.port}`, e);
      }
    }
    assert.ok([...targets.values()].some((t) => new Set(t.paths.map(host)).size > 1), 'a target flooded on more than one host');
    const floods = await run('syn-flood-targets');
    const wanted = [...targets.values()].map((t) => {
      const to = flowsOf.filter(({ path, f }) => t.paths.includes(path) && f.server.ip === t.ip && f.server.port === t.port).map((x) => x.f as Flow);
      const failed = to.filter((f) => !f.handshake.complete);
      // Every failed handshake to a flooded target is one of the flood's half-open or unanswered SYNs.
      assert.equal(failed.length, t.halfOpenOrUnanswered, `${t.ip}:${t.port}`);
      return {
        server_ip: t.ip, server_port: t.port, hosts: new Set(t.paths.map(host)).size, captures: t.paths.length,
        failed_handshakes: failed.length, sources: new Set(failed.map((f) => f.client.ip)).size,
        first_seen: Math.min(...to.map((f) => micros(f.start))), last_seen: Math.max(...to.map((f) => micros(f.end))),
      };
    }).sort((a, b) => b.failed_handshakes - a.failed_handshakes || (a.server_ip < b.server_ip ? -1 : 1) || a.server_port - b.server_port);
    const asMicros = (v: unknown): number => Math.round(epochSeconds(v) * 1e6);
    assert.deepEqual(floods.map((r) => ({ ...r, first_seen: 0, last_seen: 0 })), wanted.map((w) => ({ ...w, first_seen: 0, last_seen: 0 })));
    floods.forEach((r, i) => {
      // A JS Date holds milliseconds: compare at that precision when DuckDB hands one back.
      const ms = r.first_seen instanceof Date;
      const trim = (us: number): number => (ms ? Math.floor(us / 1000) * 1000 : us);
      assert.equal(trim(asMicros(r.first_seen)), trim(wanted[i].first_seen));
      assert.equal(trim(asMicros(r.last_seen)), trim(wanted[i].last_seen));
    });
  } finally {
    duck.close();
  }
});
