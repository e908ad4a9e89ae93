/**
 * A folder of rotated capture files read as one capture: tcpdump `-C` (trace.pcap, trace.pcap1,
 * trace.pcap2 …), `-W` (a ring: trace.pcap0 … re-used in turn), `-G` (strftime names), dumpcap
 * `-b` (prefix_00001_20250101120000.pcapng). Names alone do not give the order everywhere (a
 * ring wraps, -G names are whatever the user's pattern makes), so files are ordered by the time
 * of their first packet as the reader sees it (pcap, pcapng, gzip alike); a file with no packet
 * yet comes after every other, by name. A file re-used by a ring (same inode, truncated and
 * rewritten) is new when its first packet is.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readCaptureFile } from '../capture/readCapture';

/** Names that look like captures (tcpdump -C appends a number after the extension). */
const CAPTURE_NAME = /\.(pcap|pcapng|cap|dmp)(\d+)?(\.gz)?$|\.(pcap|pcapng|cap)\.gz\d*$|_\d{5}_\d{14}\.\w+$/i;

export interface FolderFile {
  path: string;
  ino: number;
  /** First packet's time in seconds (Infinity: none yet). */
  first: number;
}

/** Natural order (numbers compared as numbers), so trace.pcap2 comes before trace.pcap10. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** First packet's time of a capture file, or Infinity when it has none (yet) or cannot be read. */
export async function firstPacketTime(path: string): Promise<number> {
  const ac = new AbortController();
  let t = Infinity;
  try {
    await readCaptureFile(path, (p) => {
      if (t === Infinity) t = p.sec + p.frac / p.unitsPerSecond;
      ac.abort();
    }, { signal: ac.signal, chunkSize: 64 * 1024 });
  } catch {
    return t;
  }
  return t;
}

export class RotatedFolder {
  /** Files already read: inode and first packet time. */
  private readonly done = new Set<string>();
  private lastNames = '';

  constructor(readonly dir: string) {}

  private static id(f: FolderFile): string {
    return `${f.ino}@${f.first}`;
  }

  markRead(f: FolderFile): void {
    this.done.add(RotatedFolder.id(f));
  }

  /** Unread capture files, oldest first. */
  async unread(): Promise<FolderFile[]> {
    const names = (await readdir(this.dir)).filter((n) => CAPTURE_NAME.test(n)).sort(naturalCompare);
    const out: FolderFile[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      let ino: number;
      try {
        const st = await stat(path);
        if (!st.isFile()) continue;
        ino = st.ino;
      } catch {
        continue;
      }
      const f: FolderFile = { path, ino, first: await firstPacketTime(path) };
      if (!this.done.has(RotatedFolder.id(f))) out.push(f);
    }
    out.sort((a, b) => (a.first === b.first ? naturalCompare(a.path, b.path) : a.first - b.first));
    return out;
  }

  /**
   * Whether the folder holds a file other than `current` that was not read: cheap when nothing
   * changed (one readdir), reads first packets only when the listing did.
   */
  async hasNewer(current: FolderFile): Promise<boolean> {
    const names = (await readdir(this.dir)).filter((n) => CAPTURE_NAME.test(n)).sort(naturalCompare).join('\n');
    if (names === this.lastNames) return false;
    const unread = await this.unread();
    const other = unread.some((f) => f.path !== current.path || f.ino !== current.ino);
    // Remember the listing only once it showed nothing new; a file with no packet yet is looked at again.
    if (!other && unread.every((f) => f.first !== Infinity)) this.lastNames = names;
    return other && unread.some((f) => f.path !== current.path && f.first !== Infinity);
  }
}
