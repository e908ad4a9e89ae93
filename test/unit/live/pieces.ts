// A pcap file cut into its header and records, to play a writer that appends them over time
// (the way tcpdump -U flushes), and a follower run collecting its events.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { FollowEvent } from '../../../src/core/live/events';
import { followCapture, type Follower, type FollowOptions } from '../../../src/core/live/follow';

export interface PcapPieces {
  header: Buffer;
  records: Buffer[];
}

/** Splits a little-endian microsecond pcap (the samples) into the global header and whole records. */
export function pcapPieces(path: string): PcapPieces {
  const b = readFileSync(path);
  const records: Buffer[] = [];
  let p = 24;
  while (p + 16 <= b.length) {
    const len = b.readUInt32LE(p + 8);
    records.push(b.subarray(p, p + 16 + len));
    p += 16 + len;
  }
  return { header: b.subarray(0, 24), records };
}

export class Writer {
  constructor(readonly path: string, header: Buffer) {
    writeFileSync(path, header);
  }
  append(b: Buffer): void {
    appendFileSync(this.path, b);
  }
}

const running: Follower[] = [];

/** Stops every follower a test started (a failed test must not leave one waiting for ever). */
export async function stopAll(): Promise<void> {
  for (const f of running.splice(0)) {
    f.stop();
    await f.done.catch(() => undefined);
  }
}

export class Collector {
  readonly events: FollowEvent[] = [];
  private waiters: { pred: (e: FollowEvent) => boolean; resolve: (e: FollowEvent) => void }[] = [];
  readonly follower: Follower;

  constructor(target: string, opts: Partial<FollowOptions> = {}) {
    this.follower = followCapture(target, { pollMs: 20, snapshotMs: 20, summaryMs: 200, ...opts, onEvent: (e) => this.on(e) });
    running.push(this.follower);
  }

  private on(e: FollowEvent): void {
    this.events.push(e);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(e)) return true;
      w.resolve(e);
      return false;
    });
  }

  /** The first event (already seen or still to come) that matches. A hang guard, not a timing assertion: 60 s. */
  next(pred: (e: FollowEvent) => boolean, from = 0): Promise<FollowEvent> {
    const seen = this.events.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no such event within 60 s')), 60_000);
      this.waiters.push({ pred, resolve: (e) => { clearTimeout(t); resolve(e); } });
    });
  }

  findings(key: string): Extract<FollowEvent, { type: 'finding' }>[] {
    return this.events.filter((e): e is Extract<FollowEvent, { type: 'finding' }> => e.type === 'finding' && e.finding.key === key);
  }
}

export const isFinding = (key: string, change?: string) => (e: FollowEvent): boolean =>
  e.type === 'finding' && e.finding.key === key && (change === undefined || e.change === change);
