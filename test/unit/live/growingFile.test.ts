// A follower wakes up each time the writer flushes (tcpdump -U: every packet; the bench's
// writer: every 10 ms) and reads what is new. What it reads must be every byte written, in
// order, and what it allocates must follow what was written, not the number of wake-ups: a
// 256 KiB buffer per wake-up made a live capture's memory swing by tens of MB (issue 18).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { growingChunks, type FileProgress, type GrowingControl } from '../../../src/core/live/growingFile';

test('a file written 2,000 bytes every 5 ms is read whole and in order, allocating about what was written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'synscope-grow-'));
  const path = join(dir, 'grow.bin');
  writeFileSync(path, Buffer.alloc(0));
  const fd = openSync(path, 'a');
  let stopping = false;
  let next = 0;
  const writes = setInterval(() => {
    const b = Buffer.alloc(2000);
    for (let i = 0; i < b.length; i++) b[i] = (next + i) & 255;
    next += b.length;
    writeSync(fd, b);
  }, 5);
  setTimeout(() => {
    clearInterval(writes);
    stopping = true;
  }, 1000);
  const ctl: GrowingControl = {
    pollMs: 50, chunkSize: 256 * 1024, aborted: () => false, unpaused: async () => {}, stopping: () => stopping,
    tick: () => {}, setKick: () => {},
  };
  const progress: FileProgress = { bytes: 0, size: 0, end: null };
  let reads = 0;
  let read = 0;
  let allocated = 0;
  const seen = new Set<ArrayBufferLike>();
  try {
    for await (const c of growingChunks(path, ctl, progress)) {
      reads++;
      for (let i = 0; i < c.length; i++) assert.equal(c[i], (read + i) & 255, `byte ${read + i}`);
      read += c.length;
      if (!seen.has(c.buffer)) allocated += c.buffer.byteLength;
      seen.add(c.buffer);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(progress.end, 'stopped');
  assert.equal(read, next, 'every byte written was read');
  assert.ok(reads > 20, `the follower woke up ${reads} times`);
  assert.ok(allocated <= 2 * read + 256 * 1024, `${allocated} bytes allocated for ${read} read in ${reads} reads`);
});
