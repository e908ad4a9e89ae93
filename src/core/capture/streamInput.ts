/**
 * Input that cannot be read at an offset: a pipe (`synscope analyze /dev/stdin`, `<(zcat …)`), a
 * named FIFO, a terminal. It is read once, front to back; nothing later needs it again (the
 * engine keeps what the diagrams show), so no copy is spooled anywhere.
 */
import { close, constants, open, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open as openHandle } from 'node:fs/promises';
import { Socket } from 'node:net';

const openFd = (path: string, flags: number): Promise<number> =>
  new Promise((resolve, reject) => { open(path, flags, (e, fd) => (e ? reject(e) : resolve(fd))); });

/** Chunks of a non-seekable file, in order; ends early (quietly) when `signal` aborts. */
export async function* streamChunks(path: string, st: Stats, chunkSize: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  if (st.isFIFO()) {
    yield* pipeChunks(path, signal);
    return;
  }
  // A terminal or another character device: plain sequential reads.
  const fh: FileHandle = await openHandle(path, 'r');
  try {
    while (!signal?.aborted) {
      const buf = new Uint8Array(chunkSize);
      const { bytesRead } = await fh.read(buf, 0, chunkSize, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/**
 * A pipe or FIFO through the event loop (libuv's pipe handle, non-blocking), so an abort ends a
 * read that is waiting for data at once, with no thread pool thread left blocked in read(2).
 */
async function* pipeChunks(path: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const fd = await openReader(path, signal);
  if (fd < 0) return;
  const sock = new Socket({ fd, readable: true, writable: false });
  const onAbort = (): void => { sock.destroy(); };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of sock) yield chunk as Buffer;
  } catch (e) {
    if (!signal?.aborted) throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    sock.destroy();
  }
}

/**
 * Opens a FIFO for reading. Like `cat`, this waits until something opens it for writing; an abort
 * ends the wait by briefly opening the FIFO for writing itself (the blocked open then returns) and
 * gives -1. (Ctrl-C in the CLI ends the process, waiting or not.)
 */
async function openReader(path: string, signal?: AbortSignal): Promise<number> {
  if (!signal) return openFd(path, constants.O_RDONLY);
  let settled = false;
  const pending = openFd(path, constants.O_RDONLY).finally(() => { settled = true; });
  const unblock = (): void => {
    if (settled) return;
    // ENXIO until our reader's open is under way: try again shortly.
    open(path, constants.O_WRONLY | constants.O_NONBLOCK, (e, fd) => {
      if (!e) close(fd, () => undefined);
      else if (!settled) setTimeout(unblock, 10);
    });
  };
  if (signal.aborted) unblock();
  else signal.addEventListener('abort', unblock, { once: true });
  try {
    const fd = await pending;
    if (!signal.aborted) return fd;
    close(fd, () => undefined);
    return -1;
  } finally {
    signal.removeEventListener('abort', unblock);
  }
}
