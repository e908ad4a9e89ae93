/**
 * The bytes of a file another process is still writing (tcpdump -U -w, dumpcap), as chunks for
 * readCaptureChunks. At the end of the file it waits for more (fs.watch, and a poll in case the
 * watch stays silent: network file systems, some container mounts) instead of ending, so a
 * record the writer has only half written is simply completed by the next chunk — the parsers
 * keep an unfinished record for the next bytes and call it damage only at a real end.
 *
 * It ends when the follower stops (after the bytes already in the file), when the file shrinks
 * below what was read (truncated) or its path now names another file (replaced: log rotation,
 * tcpdump -C/-W re-using a name), or — in a folder — when a newer file has appeared and this
 * one has nothing more (rotated).
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, stat } from 'node:fs/promises';

export type FileEnd = 'stopped' | 'aborted' | 'truncated' | 'replaced' | 'rotated';

export interface GrowingControl {
  /** Stop requested: the file is read up to the size it has when this is first seen, then it ends. */
  stopping(): boolean;
  aborted(): boolean;
  /** Resolves when not paused (pausing stops reading; the file keeps growing meanwhile). */
  unpaused(): Promise<void>;
  /** Lets the follower take a snapshot; `caughtUp`: nothing more in the file right now. */
  tick(caughtUp: boolean): void;
  /** In a folder: whether a newer file is there to move on to. */
  newerFile?(): Promise<boolean>;
  /** The follower's way to end a wait at once (stop, resume): given the current file's kick, null after. */
  setKick(kick: (() => void) | null): void;
  pollMs: number;
  chunkSize: number;
}

/** Where a file's reading stands, read by the follower between chunks. */
export interface FileProgress {
  bytes: number;
  size: number;
  end: FileEnd | null;
}

export async function* growingChunks(path: string, ctl: GrowingControl, out: FileProgress): AsyncGenerator<Uint8Array> {
  const fh = await open(path, 'r');
  const ino = (await fh.stat()).ino;
  const waker = new Waker(path);
  ctl.setKick(() => waker.kick());
  try {
    let pos = 0;
    let stop: number | null = null;
    /**
     * Read into; a full read is handed over whole (a fresh one is made for the next), a short
     * one as a copy of what it read. A fresh chunk per read, as before, made 256 KiB for every
     * wake-up: a writer flushing every 10 ms had the follower allocate ~25 MB/s of buffers for
     * 2 MB/s of packets, and V8 lets 64 MB of those pile up before it collects them (RSS swung
     * by as much).
     */
    let scratch: Uint8Array | null = null;
    for (;;) {
      if (ctl.aborted()) { out.end = 'aborted'; return; }
      await ctl.unpaused();
      if (stop === null && ctl.stopping()) stop = (await fh.stat()).size;
      const want = stop === null ? ctl.chunkSize : Math.min(ctl.chunkSize, stop - pos);
      if (want > 0) {
        // Never a buffer yielded before: the gzip stream may still hold the previous one.
        if (scratch === null) scratch = new Uint8Array(ctl.chunkSize);
        const buf = scratch;
        const { bytesRead } = await fh.read(buf, 0, want, pos);
        if (bytesRead > 0) {
          pos += bytesRead;
          out.bytes = pos;
          if (pos > out.size) out.size = pos;
          ctl.tick(false);
          if (bytesRead === buf.length) scratch = null;
          yield bytesRead === buf.length ? buf : buf.slice(0, bytesRead);
          continue;
        }
      }
      // Nothing more in the file right now.
      const size = (await fh.stat()).size;
      out.size = size;
      if (stop !== null && (pos >= stop || size <= pos)) { out.end = 'stopped'; return; }
      if (size < pos) { out.end = 'truncated'; return; }
      if (size > pos) continue;
      if (await replaced(path, ino)) { out.end = 'replaced'; return; }
      if (ctl.newerFile && (await ctl.newerFile())) {
        // The writer moved on: this file is closed. One last look for bytes flushed meanwhile.
        if ((await fh.stat()).size > pos) continue;
        out.end = 'rotated';
        return;
      }
      ctl.tick(true);
      await waker.wait(ctl.pollMs);
    }
  } finally {
    ctl.setKick(null);
    waker.close();
    await fh.close();
  }
}

/** Whether `path` now names a file other than the one open (inode `ino`); a missing path is not (yet) a replacement. */
async function replaced(path: string, ino: number): Promise<boolean> {
  try {
    return (await stat(path)).ino !== ino;
  } catch {
    return false;
  }
}

/** fs.watch on the file where the platform offers it, with a timeout as the poll. */
export class Waker {
  private watcher: FSWatcher | null = null;
  private wake: (() => void) | null = null;

  constructor(path: string) {
    try {
      this.watcher = watch(path, { persistent: false }, () => this.kick());
      this.watcher.on('error', () => this.close());
    } catch {
      this.watcher = null;
    }
  }

  kick(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.wake = null; resolve(); }, ms);
      this.wake = () => { clearTimeout(t); resolve(); };
    });
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    this.kick();
  }
}
