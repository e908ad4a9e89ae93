/**
 * The captures of a multi-file run: files as given, folders walked (sub-folders too, hidden
 * entries skipped) in natural order, so `trace.pcap2` comes before `trace.pcap10` as tcpdump
 * -C numbers them. A folder's file is a capture when its name says so (`.pcap`, `.pcapng`,
 * `.cap`, with tcpdump -C's number and `.gz` allowed) or its first bytes are a pcap or pcapng
 * magic (tcpdump -G names are any strftime pattern). A file named like a capture that turns out
 * damaged or unreadable is kept: it is reported, never skipped in silence.
 */
import { closeSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

export interface Input {
  path: string;
  /** A name for this capture's own output file, unique in the run (its path inside the folder given). */
  name: string;
}

const CAPTURE_NAME = /\.(pcap|pcapng|cap)\d*(\.gz)?$/i;

const MAGICS = [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a];

function hasCaptureMagic(path: string): boolean {
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(4);
    if (readSync(fd, b, 0, 4, 0) < 4) return false;
    return MAGICS.includes(b.readUInt32BE(0));
  } catch {
    return false;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

const natural = new Intl.Collator('en', { numeric: true });

/** Whether this command line names a folder or more than one capture. */
export function isMultiInput(paths: string[]): boolean {
  if (paths.length > 1) return true;
  try {
    return statSync(paths[0]).isDirectory();
  } catch {
    return false;
  }
}

function walk(dir: string, root: string, seen: Set<string>, out: Input[]): void {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return;
  }
  // A symlink back up the tree would otherwise walk forever.
  if (seen.has(real)) return;
  seen.add(real);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names.filter((n) => !n.startsWith('.')).sort(natural.compare)) {
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(p, root, seen, out);
    else if (st.isFile() && (CAPTURE_NAME.test(name) || hasCaptureMagic(p))) out.push({ path: p, name: join(basename(root), relative(root, p)) });
  }
}

/** Every capture of the command line, in order; files given by name are always kept. */
export function expandInputs(paths: string[]): Input[] {
  const out: Input[] = [];
  for (const p of paths) {
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      // reported as unreadable by its worker
    }
    if (dir) walk(p, p, new Set(), out);
    else out.push({ path: p, name: basename(p) });
  }
  return out;
}
