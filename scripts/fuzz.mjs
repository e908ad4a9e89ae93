// Coverage-guided fuzzing of the reader + engine with jazzer.js (libFuzzer in-process).
//
//   npm run fuzz                      # 60 s
//   FUZZ_SECONDS=600 npm run fuzz     # longer
//   node scripts/fuzz.mjs --regress   # only re-run the corpus and the hostile fixtures
//   node scripts/fuzz.mjs --budget    # only the ≤ 1 MB inputs built to be expensive (fuzz/budgetSeeds.ts)
//
// Every input is held to issue 17's bound (≤ 1 MB: 5 s, 300 MB; fuzz/target.ts): one over it is
// a finding like a crash. FUZZ_MAX_LEN raises the largest input the fuzzer builds (16 KiB).
//
// The target (fuzz/target.ts) is bundled to out/fuzz/target.js. The seed corpus is built from the
// test fixtures (test/fixtures/**), the samples (samples/**) and the captures built in code;
// inputs that reach new code are kept in .fuzz-corpus/ (git-ignored) for the next run.
// Prints: inputs tried, crashes, hangs. A crash or hang leaves its input in out/fuzz/artifacts/;
// it becomes a fixture in test/fixtures/hostile/ with a regression test (see docs/reliability.md).
import * as esbuild from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'out', 'fuzz');
const SEEDS = join(OUT, 'seeds');
const ARTIFACTS = join(OUT, 'artifacts');
const CORPUS = join(ROOT, '.fuzz-corpus');
const seconds = Math.max(1, Number(process.env.FUZZ_SECONDS ?? 60));
const budget = process.argv.includes('--budget');
const regress = budget || process.argv.includes('--regress');
/** Largest input the fuzzer builds; seeds are cut to it (a cut file is an interesting input too). */
const MAX_LEN = budget ? 1_048_576 : Math.max(64, Number(process.env.FUZZ_MAX_LEN ?? 16384));
/** Per-input limit: an input still running after this is a hang. */
const TIMEOUT_MS = 10_000;

rmSync(OUT, { recursive: true, force: true });
mkdirSync(SEEDS, { recursive: true });
mkdirSync(ARTIFACTS, { recursive: true });
mkdirSync(CORPUS, { recursive: true });

await esbuild.build({
  entryPoints: [join(ROOT, 'fuzz', 'target.ts')], outfile: join(OUT, 'target.js'), bundle: true,
  platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'warning',
});

// ---- seed corpus
let seedCount = 0;
function addSeed(name, bytes) {
  writeFileSync(join(SEEDS, `${String(seedCount++).padStart(4, '0')}-${name.replace(/[^\w.-]+/g, '_').slice(-80)}`), bytes.subarray(0, MAX_LEN));
}
function walk(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(pcap|pcapng|cap|ntar)(\.gz)?$/i.test(name)) addSeed(relative(ROOT, p), readFileSync(p));
  }
}
const target = createRequire(import.meta.url)(join(OUT, 'target.js'));
if (budget) {
  for (const s of target.budgetSeeds()) addSeed(s.name, Buffer.from(s.bytes));
} else {
  walk(join(ROOT, 'test', 'fixtures'));
  walk(join(ROOT, 'samples'));
  for (const s of target.seeds()) addSeed(`built-${s.name}`, Buffer.from(s.bytes));
}
const hostile = join(ROOT, 'test', 'fixtures', 'hostile');

// ---- budget: each input once in a fresh, uninstrumented Node (jazzer's instrumentation makes
// a loop over 50 million interface blocks 10× slower and holds GiBs: it would measure itself).
if (budget) {
  let over = 0;
  for (const name of readdirSync(SEEDS).sort()) {
    const script = `const t = require(${JSON.stringify(join(OUT, 'target.js'))});
      const b = require('node:fs').readFileSync(${JSON.stringify(join(SEEDS, name))});
      const t0 = performance.now();
      t.fuzz(b).then(() => console.log('ok ' + (performance.now() - t0).toFixed(0) + ' ms'), (e) => { console.log(e.name + ': ' + e.message); process.exit(3); });`;
    const r = spawnSync(process.execPath, ['--max-old-space-size=1024', '-e', script], { encoding: 'utf8' });
    const line = `${name}: ${(r.stdout || r.stderr).trim().split('\n').pop()}`;
    console.log(line);
    if (r.status !== 0) {
      over++;
      copyFileSync(join(SEEDS, name), join(ARTIFACTS, `budget-${name}`));
    }
  }
  writeFileSync(join(OUT, 'last-run.json'), JSON.stringify({ date: new Date().toISOString(), budget: true, inputs: seedCount, over }, null, 2) + '\n');
  console.log(`\nfuzz --budget: ${seedCount} inputs, ${over} over the budget${over ? ` (kept in ${relative(ROOT, ARTIFACTS)}/)` : ''}`);
  process.exit(over ? 1 : 0);
}

// ---- run
const jazzer = createRequire(import.meta.url).resolve('@jazzer.js/core/dist/cli.js');
const corpora = budget ? [SEEDS] : regress ? [SEEDS, CORPUS] : [CORPUS, SEEDS];
const libFuzzer = [
  regress ? '-runs=0' : `-max_total_time=${seconds}`,
  `-max_len=${MAX_LEN}`, `-artifact_prefix=${ARTIFACTS}/`, '-print_final_stats=1', '-seed=1',
  // An input of at most 16 KiB has no business using much memory: over 1 GiB RSS is reported
  // as an out-of-memory crash (the fuzzer itself idles at ~210 MiB).
  '-rss_limit_mb=1024',
];
console.log(`fuzz: ${seedCount} seeds (${budget ? 'built to be expensive, ≤ 1 MB' : 'test/fixtures, samples, built in code'}), ${regress ? 'regression run' : `${seconds} s`}`);
const args = [
  '--max-old-space-size=1024', '-r', join(ROOT, 'fuzz', 'glibcCompat.cjs'), jazzer, join(OUT, 'target.js'), ...corpora,
  `--timeout=${TIMEOUT_MS}`, '--disableBugDetectors=.*', '--', ...libFuzzer,
];
const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
const tee = (stream, out) => stream.on('data', (d) => { log += d; out.write(d); });
tee(child.stdout, process.stdout);
tee(child.stderr, process.stderr);
const code = await new Promise((r) => child.on('close', (c, sig) => r(c ?? (sig ? 128 : 1))));

// ---- figures
const stat = (name) => Number(/stat::(\w+):\s+(\d+)/g.exec('') ?? 0) || Number(new RegExp(`stat::${name}:\\s+(\\d+)`).exec(log)?.[1] ?? NaN);
let inputs = stat('number_of_executed_units');
if (!Number.isFinite(inputs)) inputs = Number(/Done (\d+) runs/.exec(log)?.[1] ?? /#(\d+)\s+DONE/.exec(log)?.[1] ?? NaN);
const artifacts = readdirSync(ARTIFACTS);
const hangs = artifacts.filter((f) => f.startsWith('timeout-')).length + (/ALARM: working on the last Unit|timeout after/i.test(log) && !artifacts.some((f) => f.startsWith('timeout-')) ? 1 : 0);
const crashes = artifacts.filter((f) => f.startsWith('crash-') || f.startsWith('oom-') || f.startsWith('leak-')).length;
const figures = { date: new Date().toISOString(), seconds: regress ? 0 : seconds, seeds: seedCount, inputs, crashes, hangs, exitCode: code };
writeFileSync(join(OUT, 'last-run.json'), JSON.stringify(figures, null, 2) + '\n');
console.log(`\nfuzz: ${Number.isFinite(inputs) ? inputs : '?'} inputs tried, crashes ${crashes}, hangs ${hangs} (exit ${code})`);
if (crashes || hangs || code !== 0) {
  for (const f of artifacts) console.log(`  input kept: ${relative(ROOT, join(ARTIFACTS, f))}`);
  console.log(`  Make it a fixture: copy it to ${relative(ROOT, hostile)}/<name>.pcap, describe it in test/fixtures/README.md;`);
  console.log('  test/unit/robustness/hostileFixtures.test.ts then runs it through the whole pipeline on every npm test.');
  process.exit(1);
}
