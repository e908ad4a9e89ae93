// Input that cannot be read at an offset (issue 17): `synscope analyze /dev/stdin` with a pipe,
// `<(zcat …)` and a named FIFO failed with "ESPIPE: invalid seek" (the reader used pread), and a
// FIFO nobody writes to blocked with no way to cancel. Such input is now read front to back as a
// stream. A FIFO without a writer waits for one, like `cat`; an abort ends the wait.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readCaptureFile } from '../../../src/core/capture/readCapture';
import { writePcap } from '../../helpers/pcapWriter';
import { readBytes, readFile, type Got } from './collect';

const dir = mkdtempSync(join(tmpdir(), 'synscope-fifo-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const canFifo = process.platform !== 'win32' && spawnSync('mkfifo', ['--help']).status === 0;

function fifo(name: string): string {
  const path = join(dir, name);
  assert.equal(spawnSync('mkfifo', [path]).status, 0);
  return path;
}

const pcap = writePcap(Array.from({ length: 400 }, (_, i) => ({ sec: 1767225600 + i, frac: i, data: new Uint8Array(200 + (i % 50)).fill(i) })));

/** Writes `bytes` into the FIFO in pieces (the kernel pipe holds 64 KiB), then closes it. */
async function feed(path: string, bytes: Uint8Array): Promise<void> {
  const fh = await open(path, 'w');
  for (let o = 0; o < bytes.length; o += 10_000) await fh.write(bytes.subarray(o, o + 10_000));
  await fh.close();
}

test('a FIFO is read as a stream: the same packets as the bytes themselves', { skip: !canFifo }, async () => {
  const expected: Got[] = (await readBytes(pcap)).packets;
  for (const [name, bytes] of [['plain', pcap], ['gzip', new Uint8Array(gzipSync(pcap))]] as const) {
    const path = fifo(`capture-${name}`);
    const [got] = await Promise.all([readFile(path), feed(path, bytes)]);
    assert.deepEqual(got.summary.problems, [], name);
    assert.equal(got.packets.length, 400, name);
    assert.deepEqual(got.packets, expected, `${name}: packets identical to reading the bytes`);
    assert.equal(got.summary.bytesRead, bytes.length);
  }
});

test('a FIFO with no writer waits like cat, and an abort ends the wait', { skip: !canFifo, timeout: 30_000 }, async () => {
  const path = fifo('nobody-writes');
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  let packets = 0;
  const s = await readCaptureFile(path, () => { packets++; }, { signal: ac.signal });
  assert.equal(s.aborted, true);
  assert.equal(packets, 0);
});

test('an abort ends a read waiting for data from a writer that stays silent', { skip: !canFifo, timeout: 30_000 }, async () => {
  const path = fifo('silent-writer');
  const ac = new AbortController();
  const half = pcap.subarray(0, 15_000);
  const before = (await readBytes(half)).packets.length;
  let packets = 0;
  const reading = readCaptureFile(path, () => { if (++packets === before) setTimeout(() => ac.abort(), 50); }, { signal: ac.signal });
  // Opening for writing waits until the reader has the FIFO open (in the thread pool, not here).
  const writer = await open(path, 'w');
  await writer.write(half);
  const s = await reading;
  await writer.close();
  assert.equal(s.aborted, true);
  assert.equal(packets, before, 'the packets written before the writer went quiet');
});
