// CPU of the engine's reading and finishing phases (enginePhases.ts), run `runs` times in a
// child with the heap flags the CLI gives its analysis child (src/cli/relaunch.ts), so the
// garbage collector works as it does there. The reading phase is what per-flow engine work
// shows in; a whole CLI run adds node's start, the stories and the output.
//
//   node scripts/bench/enginePhases.mjs capture.pcap [runs]
import { spawnSync } from 'node:child_process';
import { bundleTs } from './bundle.mjs';

const [file, runsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/bench/enginePhases.mjs capture.pcap [runs]');
  process.exit(2);
}
const bundle = await bundleTs('scripts/bench/enginePhases.ts', 'enginephases');
for (let i = 0; i < Number(runsArg ?? 3); i++) {
  const r = spawnSync(process.execPath, ['--max-old-space-size=375', '--max-semi-space-size=4', bundle, file], { encoding: 'utf8' });
  process.stdout.write(r.stdout || r.stderr);
}
