#!/usr/bin/env node
// tshark's view of the kernel captures, for test/unit/kernel: per capture
//   expected/NAME.pcap.tshark.json[.gz]   scripts/tshark-truth.mjs output (gzip when > 100 KB)
//   expected/NAME.pcap.syn-frames.tsv.gz  every frame with SYN set, one tshark field row each
//                                         (times, flags, retransmission mark, timestamp option)
//
//   node scripts/kernel-captures/truth.mjs [DIR]      (DIR: test/fixtures/kernel)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2] ?? 'test/fixtures/kernel';
const out = join(dir, 'expected');
const pcaps = readdirSync(dir).filter((f) => f.endsWith('.pcap')).sort().map((f) => join(dir, f));

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

run(process.execPath, ['scripts/tshark-truth.mjs', '--source', 'synscope-kernel', '--base', dir, '--out', out, ...pcaps]);

export const SYN_FIELDS = ['frame.number', 'frame.time_epoch', 'tcp.stream', 'ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst',
  'tcp.dstport', 'tcp.flags', 'tcp.seq_raw', 'tcp.analysis.retransmission', 'tcp.options.timestamp.tsval',
  'tcp.options.wscale.shift', 'tcp.options.sack_perm', 'tcp.options.mss_val'];

for (const pcap of pcaps) {
  const name = pcap.slice(dir.length + 1);
  const json = join(out, `${name}.tshark.json`);
  rmSync(`${json}.gz`, { force: true });
  if (statSync(json).size > 100 * 1024) {
    writeFileSync(`${json}.gz`, gzipSync(readFileSync(json), { level: 9 }));
    rmSync(json);
  }
  const args = ['-n', '-r', pcap, '-Y', 'tcp.flags.syn == 1', '-T', 'fields', '-E', 'header=y', '-E', 'separator=/t', '-E', 'occurrence=f'];
  for (const f of SYN_FIELDS) args.push('-e', f);
  // One command line per file so anyone can re-run it.
  const tsv = `# ${['tshark', ...args].join(' ')}\n# ${run('tshark', ['-v']).split('\n')[0]}\n${run('tshark', args)}`;
  writeFileSync(join(out, `${name}.syn-frames.tsv.gz`), gzipSync(Buffer.from(tsv), { level: 9 }));
}
console.log(`${pcaps.length} captures: truth in ${out}`);
