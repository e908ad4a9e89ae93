// A folder of rotated files (tcpdump -C/-G/-W, dumpcap -b) followed as one capture: files in the
// order of their first packet (not of their names), new files picked up as they appear, frame
// numbers running on across files — so the result equals analyze of the files joined.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine/analyzeFile';
import { naturalCompare } from '../../../src/core/live/folder';
import { Collector, pcapPieces, stopAll } from './pieces';

const ROOT = join(__dirname, '..', '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'synscope-rotate-'));
after(stopAll);

test('rotated names sort as tcpdump numbers them', () => {
  const names = ['trace.pcap10', 'trace.pcap2', 'trace.pcap', 'trace.pcap1'];
  assert.deepEqual(names.sort(naturalCompare), ['trace.pcap', 'trace.pcap1', 'trace.pcap2', 'trace.pcap10']);
});

test('a rotating capture: parts read in time order as they appear, the whole equals analyze of the joined file', async () => {
  const whole = join(ROOT, 'samples', 'connection-storm.pcap');
  const { header, records } = pcapPieces(whole);
  const third = Math.ceil(records.length / 3);
  const parts = [0, 1, 2].map((i) => Buffer.concat([header, ...records.slice(i * third, (i + 1) * third)]));
  const folder = join(dir, 'ring');
  mkdirSync(folder);
  // Names against time order (a -W ring that wrapped, or -G names): the first part is "c".
  const names = ['c.pcap', 'b.pcap', 'a.pcap'];
  const put = (i: number): void => {
    // Written under another name, then renamed in: a file appears complete, as tcpdump's does.
    writeFileSync(join(folder, `.${names[i]}.tmp`), parts[i]);
    renameSync(join(folder, `.${names[i]}.tmp`), join(folder, names[i]));
  };
  put(0);
  const c = new Collector(folder);
  await c.next((e) => e.type === 'summary' && e.status.packets === third);
  put(1);
  await c.next((e) => e.type === 'source' && e.change === 'rotated' && e.path.endsWith('b.pcap'));
  put(2);
  await c.next((e) => e.type === 'source' && e.change === 'rotated' && e.path.endsWith('a.pcap'));
  await c.next((e) => e.type === 'summary' && e.status.packets === records.length && e.status.caughtUp);
  c.follower.stop();
  const { result } = await c.follower.done;
  const analyzed = (await analyzeFile(whole)).result;
  assert.equal(result.capture.packets, analyzed.capture.packets);
  assert.deepEqual(result.summary, analyzed.summary);
  assert.deepEqual(result.flows, analyzed.flows);
  assert.deepEqual(result.stories, analyzed.stories);
  assert.deepEqual(result.findings.map((f) => ({ ...f, flows: [...f.flows].sort((a, b) => a - b) })),
    analyzed.findings.map((f) => ({ ...f, flows: [...f.flows].sort((a, b) => a - b) })));
});
