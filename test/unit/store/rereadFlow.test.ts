// Only the first maxFlows flows keep their diagram packets while a capture is read; any other
// flow's packets are read again from the file when it is opened. They must be the packets the
// flow would have kept: same frames, times, relative sequence numbers and notes, whether the
// file is a pcap entered at a checkpoint, a pcapng or a gzip file read from the start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readCaptureFile } from '../../../src/core/capture/readCapture';
import { Analyzer } from '../../../src/core/engine/analyzer';
import { rereadFlowEvents } from '../../../src/core/store/rereadFlow';
import { closeFin, exchange, handshake, LINUX_SYN, ms, Scenario, us } from '../../../src/gen';

/** 600 interleaved connections (about 5,400 packets: five checkpoints), a few with a lost SYN. */
function scenario(): Scenario {
  const sc = new Scenario('reread', 7);
  const server = sc.host('10.0.0.80');
  for (let i = 0; i < 600; i++) {
    const c = sc.conn({ client: sc.host(`10.3.${i >> 8}.${i & 255}`), clientPort: 41000 + i, server, serverPort: 443, clientSyn: LINUX_SYN, serverSyn: LINUX_SYN });
    c.at(i * ms(2));
    handshake(c, { rtt: us(700), synLosses: i % 97 === 0 ? 1 : 0 });
    exchange(c, us(700), 300, 2000);
    closeFin(c, us(700));
  }
  return sc;
}

test('an unlisted flow opened later shows the packets a listed one keeps, in pcap, pcapng and gzip files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'synscope-reread-'));
  try {
    const sc = scenario();
    const files = {
      pcap: sc.toBuffer({ container: 'pcap', resolution: 'us' }),
      pcapng: sc.toBuffer({ container: 'pcapng', resolution: 'ns' }),
      gz: gzipSync(sc.toBuffer({ container: 'pcap', resolution: 'ns' })),
    };
    for (const [name, bytes] of Object.entries(files)) {
      const path = join(dir, `reread.${name}`);
      writeFileSync(path, bytes);
      const listed = new Analyzer({ maxFlows: 5 });
      const all = new Analyzer({ maxFlows: Number.MAX_SAFE_INTEGER });
      const read = await readCaptureFile(path, (p) => { listed.addPacket(p); all.addPacket(p); });
      listed.finish(read, path);
      const full = all.finish(read, path);
      for (const id of [6, 98, 300, 583, 600]) {
        const flow = full.flows[id - 1];
        assert.deepEqual(listed.flowEvents(id), [], `${name}: flow ${id} kept no packets`);
        const expected = all.flowEvents(id);
        assert.ok(expected.length >= 5, `${name}: flow ${id} has a handshake to draw`);
        assert.deepEqual(await rereadFlowEvents(path, flow, listed.config, listed.checkpoints), expected, `${name}: flow ${id}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
