// Interface ids start again at 0 in every pcapng section (draft-ietf-opsawg-pcapng §4.2), so the
// 65 536-interface bound is per section. Counted over the whole file, a valid capture of 70 000
// small sections (one interface each, e.g. many captures joined with cat) lost every packet after
// section 65 536: 13 392 packets dropped as 201 problems.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { writePcapng } from '../../helpers/pcapWriter';
import { readBytes } from './collect';
import { readCaptureChunks } from '../../../src/core/capture/readCapture';

test('70 000 sections of one interface each: every packet read, no problem', { timeout: 120_000 }, async () => {
  const N = 70_000;
  const section = writePcapng([{
    interfaces: [{ linkType: 1 }],
    blocks: [{ kind: 'packet', packet: { iface: 0, ticks: 1767225600_000000n, data: new Uint8Array(60).fill(7) } }],
  }]);
  const bytes = new Uint8Array(section.length * N);
  for (let i = 0; i < N; i++) bytes.set(section, i * section.length);
  let packets = 0;
  let lastInterface = -1;
  async function* chunks() { for (let o = 0; o < bytes.length; o += 1 << 20) yield bytes.subarray(o, o + (1 << 20)); }
  const s = await readCaptureChunks(chunks(), (p) => { packets++; lastInterface = p.interfaceId; });
  assert.equal(packets, N);
  assert.deepEqual(s.problems, []);
  assert.equal(lastInterface, N - 1, 'interface ids count over the whole file');
  assert.equal(s.info.interfaces.length, 65536, 'the interfaces listed stay bounded');
  assert.deepEqual(s.info.linkTypes, [1]);
});

test('the bound still applies within one section', async () => {
  const interfaces = Array.from({ length: 65537 }, () => ({ linkType: 1 }));
  const bytes = writePcapng([{
    interfaces,
    blocks: [
      { kind: 'packet', packet: { iface: 65535, ticks: 1n, data: new Uint8Array(60) } },
      { kind: 'packet', packet: { iface: 65536, ticks: 2n, data: new Uint8Array(60) } },
    ],
  }]);
  const { summary, packets } = await readBytes(bytes);
  assert.equal(packets.length, 1, 'the packet on the 65 537th interface is skipped');
  assert.match(summary.problems[0].message, /more than 65536 interfaces declared in this section/);
});
