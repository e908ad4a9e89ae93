/** Where capture bytes go: a file written in big chunks, or memory for small captures. */
import { closeSync, openSync, writeSync } from 'node:fs';

export interface ByteSink {
  write(chunk: Uint8Array): void;
  close(): void;
}

export class FileSink implements ByteSink {
  private readonly fd: number;
  bytes = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  write(chunk: Uint8Array): void {
    let done = 0;
    while (done < chunk.length) done += writeSync(this.fd, chunk, done, chunk.length - done);
    this.bytes += chunk.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}

export class MemorySink implements ByteSink {
  private readonly chunks: Buffer[] = [];

  write(chunk: Uint8Array): void {
    // The writer reuses its chunk buffer, so keep a copy.
    this.chunks.push(Buffer.from(chunk));
  }

  close(): void {}

  result(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
